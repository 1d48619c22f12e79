//! Server-side finding filters in the shape of Security Hub's `AwsSecurityFindingFilters`
//! and `SortCriteria`. The JSON form of these types *is* the wire form, so the sandbox
//! parses requests with them and the AWS adapter maps them field by field onto the SDK.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StringComparison {
    Equals,
    Prefix,
    NotEquals,
    PrefixNotEquals,
    Contains,
    NotContains,
    ContainsWord,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "PascalCase")]
pub struct StringFilter {
    pub value: String,
    pub comparison: StringComparison,
}

impl StringFilter {
    pub fn equals(value: impl Into<String>) -> Self {
        StringFilter {
            value: value.into(),
            comparison: StringComparison::Equals,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DateRange {
    pub value: i32,
    /// Security Hub accepts only `DAYS`.
    pub unit: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "PascalCase")]
pub struct DateFilter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_range: Option<DateRange>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "PascalCase")]
pub struct NumberFilter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gte: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lte: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eq: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gt: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lt: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MapComparison {
    Equals,
    NotEquals,
    Contains,
    NotContains,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "PascalCase")]
pub struct MapFilter {
    pub key: String,
    pub value: String,
    pub comparison: MapComparison,
}

/// One attribute's conditions. Which kind an attribute takes is fixed by the API
/// (`SeverityLabel` strings, `UpdatedAt` dates, `Confidence` numbers, `ProductFields` maps).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Conditions {
    Strings(Vec<StringFilter>),
    Dates(Vec<DateFilter>),
    Numbers(Vec<NumberFilter>),
    Maps(Vec<MapFilter>),
}

/// `AwsSecurityFindingFilters`: attribute name (as the API spells it) -> conditions.
/// Deserialising untagged is ambiguous for an empty list; that is harmless (no conditions).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FindingFilters(pub BTreeMap<String, Conditions>);

impl FindingFilters {
    /// The console's default view: what still needs a human.
    pub fn default_view() -> Self {
        let mut f = FindingFilters::default();
        f.set_strings("RecordState", vec![StringFilter::equals("ACTIVE")]);
        f.set_strings(
            "WorkflowStatus",
            vec![
                StringFilter::equals("NEW"),
                StringFilter::equals("NOTIFIED"),
            ],
        );
        f
    }

    /// Exactly these findings, by Id (used to re-read after a change).
    pub fn by_ids<'a>(ids: impl IntoIterator<Item = &'a str>) -> Self {
        let mut f = FindingFilters::default();
        f.set_strings("Id", ids.into_iter().map(StringFilter::equals).collect());
        f
    }

    pub fn set_strings(&mut self, attribute: &str, filters: Vec<StringFilter>) {
        self.0
            .insert(attribute.to_string(), Conditions::Strings(filters));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A short human summary, e.g. `RecordState=ACTIVE WorkflowStatus=NEW,NOTIFIED`.
    pub fn summary(&self) -> String {
        if self.0.is_empty() {
            return "all findings".to_string();
        }
        self.0
            .iter()
            .map(|(name, c)| format!("{name}{}", describe(c)))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn describe(c: &Conditions) -> String {
    match c {
        Conditions::Strings(v) => {
            let op = match v.first().map(|f| f.comparison) {
                Some(StringComparison::NotEquals) => "!=",
                Some(StringComparison::Prefix) => "^=",
                Some(StringComparison::PrefixNotEquals) => "!^=",
                Some(StringComparison::Contains) => "~",
                Some(StringComparison::ContainsWord) => "~~",
                Some(StringComparison::NotContains) => "!~",
                _ => "=",
            };
            let values: Vec<&str> = v.iter().map(|f| f.value.as_str()).collect();
            format!("{op}{}", values.join(","))
        }
        Conditions::Dates(v) => v
            .iter()
            .map(|d| match (&d.date_range, &d.start, &d.end) {
                (Some(r), _, _) => format!("<{}d", r.value),
                (None, s, e) => format!(
                    " in {}..{}",
                    s.as_deref().unwrap_or(""),
                    e.as_deref().unwrap_or("")
                ),
            })
            .collect::<Vec<_>>()
            .join(","),
        Conditions::Numbers(_) => " (range)".to_string(),
        Conditions::Maps(v) => v
            .iter()
            .map(|m| format!("[{}]={}", m.key, m.value))
            .collect::<Vec<_>>()
            .join(","),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    Asc,
    Desc,
}

/// One entry of `SortCriteria`: a finding attribute and a direction.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SortCriterion {
    pub field: String,
    pub sort_order: SortOrder,
}

impl SortCriterion {
    pub fn default_order() -> Vec<SortCriterion> {
        vec![SortCriterion {
            field: "UpdatedAt".into(),
            sort_order: SortOrder::Desc,
        }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_in_the_wire_shape() {
        let json = serde_json::to_value(FindingFilters::default_view()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "RecordState": [{"Value": "ACTIVE", "Comparison": "EQUALS"}],
                "WorkflowStatus": [
                    {"Value": "NEW", "Comparison": "EQUALS"},
                    {"Value": "NOTIFIED", "Comparison": "EQUALS"}
                ]
            })
        );
    }

    #[test]
    fn parses_dates_numbers_and_maps_from_the_wire() {
        let f: FindingFilters = serde_json::from_value(serde_json::json!({
            "UpdatedAt": [{"DateRange": {"Value": 7, "Unit": "DAYS"}}],
            "Confidence": [{"Gte": 50.0}],
            "ProductFields": [{"Key": "k", "Value": "v", "Comparison": "EQUALS"}]
        }))
        .unwrap();
        assert!(matches!(f.0["UpdatedAt"], Conditions::Dates(_)));
        assert!(matches!(f.0["Confidence"], Conditions::Numbers(_)));
        assert!(matches!(f.0["ProductFields"], Conditions::Maps(_)));
        assert_eq!(
            FindingFilters::default_view().summary(),
            "RecordState=ACTIVE WorkflowStatus=NEW,NOTIFIED"
        );
    }
}
