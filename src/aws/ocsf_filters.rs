//! The console's compiled OCSF filter (`domain::ocsf_filter::OcsfFilters`) as the SDK's
//! `OcsfFindingFilters` for GetFindingsV2: each composite's leaves sorted into the
//! String/Date/Number/Boolean/Map/IP lists, nested composites kept as they are.

use aws_sdk_securityhub::types as sdk;

use super::filters::{date_filter, map_filter, number_filter, string_filter};
use crate::domain::filter::StringFilter;
use crate::domain::ocsf_filter::{Composite, Leaf, OcsfFilters, Operator};

/// `None` for no filter: GetFindingsV2 is sent without `Filters`.
pub fn ocsf_finding_filters(filters: &OcsfFilters) -> Option<sdk::OcsfFindingFilters> {
    if filters.is_empty() {
        return None;
    }
    let composites = filters.composites.iter().map(composite).collect();
    Some(
        sdk::OcsfFindingFilters::builder()
            .set_composite_filters(Some(composites))
            .composite_operator(operator(filters.operator))
            .build(),
    )
}

fn operator(op: Operator) -> sdk::AllowedOperators {
    match op {
        Operator::And => sdk::AllowedOperators::And,
        Operator::Or => sdk::AllowedOperators::Or,
    }
}

fn composite(c: &Composite) -> sdk::CompositeFilter {
    let mut b = sdk::CompositeFilter::builder().operator(operator(c.operator));
    for leaf in &c.leaves {
        b = match leaf {
            Leaf::String {
                field,
                comparison,
                value,
            } => b.string_filters(
                sdk::OcsfStringFilter::builder()
                    .field_name(sdk::OcsfStringField::from(*field))
                    .filter(string_filter(&StringFilter {
                        value: value.clone(),
                        comparison: *comparison,
                    }))
                    .build(),
            ),
            Leaf::Date { field, filter } => b.date_filters(
                sdk::OcsfDateFilter::builder()
                    .field_name(sdk::OcsfDateField::from(*field))
                    .filter(date_filter(filter))
                    .build(),
            ),
            Leaf::Number { field, filter } => b.number_filters(
                sdk::OcsfNumberFilter::builder()
                    .field_name(sdk::OcsfNumberField::from(*field))
                    .filter(number_filter(filter))
                    .build(),
            ),
            Leaf::Boolean { field, value } => b.boolean_filters(
                sdk::OcsfBooleanFilter::builder()
                    .field_name(sdk::OcsfBooleanField::from(*field))
                    .filter(sdk::BooleanFilter::builder().value(*value).build())
                    .build(),
            ),
            Leaf::Map { field, filter } => b.map_filters(
                sdk::OcsfMapFilter::builder()
                    .field_name(sdk::OcsfMapField::from(*field))
                    .filter(map_filter(filter))
                    .build(),
            ),
            Leaf::Ip { field, cidr } => b.ip_filters(
                sdk::OcsfIpFilter::builder()
                    .field_name(sdk::OcsfIpField::from(*field))
                    .filter(sdk::IpFilter::builder().cidr(cidr).build())
                    .build(),
            ),
        };
    }
    for nested in &c.nested {
        b = b.nested_composite_filters(composite(nested));
    }
    b.build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ocsf_filter::fields::*;

    /// The grammar's fields of each kind are exactly the SDK's enum values: every name
    /// it sends is one GetFindingsV2 knows, and a field the SDK adds gets a name.
    #[test]
    fn the_field_names_are_the_sdks() {
        let sdk_values = |kind| match kind {
            Kind::String => sdk::OcsfStringField::values(),
            Kind::Date => sdk::OcsfDateField::values(),
            Kind::Number => sdk::OcsfNumberField::values(),
            Kind::Boolean => sdk::OcsfBooleanField::values(),
            Kind::Map => sdk::OcsfMapField::values(),
            Kind::Ip => sdk::OcsfIpField::values(),
        };
        for (kind, fields) in fields_by_kind() {
            let mut theirs = sdk_values(kind).to_vec();
            theirs.sort_unstable();
            let mut mine = fields.to_vec();
            mine.sort_unstable();
            assert_eq!(mine, theirs, "{kind:?}");
        }
        // Every short name resolves to fields of its kind.
        for name in all_names() {
            if let Some(Named::Fields(kind, paths)) = resolve(name) {
                for path in paths {
                    assert!(sdk_values(kind).contains(path), "{name} -> {path}");
                }
            }
        }
    }

    #[test]
    fn nesting_and_kinds_reach_the_request() {
        let f =
            OcsfFilters::compile("sev=Critical cvss>=9 (ip=10.0.0.0/8 | tag[env]=prod)").unwrap();
        let sdk = ocsf_finding_filters(&f).expect("a filter");
        assert_eq!(sdk.composite_operator(), Some(&sdk::AllowedOperators::And));
        let [root] = sdk.composite_filters() else {
            panic!("{sdk:?}")
        };
        assert_eq!(root.operator(), Some(&sdk::AllowedOperators::And));
        assert_eq!(root.string_filters().len(), 1);
        assert_eq!(root.number_filters()[0].filter().unwrap().gte(), Some(9.0));
        let [nested] = root.nested_composite_filters() else {
            panic!("{root:?}")
        };
        assert_eq!(nested.operator(), Some(&sdk::AllowedOperators::Or));
        assert_eq!(nested.ip_filters().len(), 2);
        assert_eq!(
            nested.map_filters()[0].field_name(),
            Some(&sdk::OcsfMapField::ResourcesTags)
        );
        assert!(ocsf_finding_filters(&OcsfFilters::compile("*").unwrap()).is_none());
    }
}
