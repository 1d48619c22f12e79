//! A checked term as the `AwsSecurityFindingFilters` conditions it stands for.

use super::{Op, Term, parse_window};
use crate::domain::filter::{
    Conditions, DateFilter, DateRange, MapComparison, MapFilter, NumberFilter, StringComparison,
    StringFilter,
};
use crate::domain::filter_attrs::AttributeKind;

pub(super) fn term_conditions(term: &Term, kind: AttributeKind) -> Conditions {
    match kind {
        AttributeKind::String => {
            let comparison = match term.op {
                Op::Ne => StringComparison::NotEquals,
                Op::Prefix => StringComparison::Prefix,
                Op::NotPrefix => StringComparison::PrefixNotEquals,
                Op::Contains => StringComparison::Contains,
                Op::NotContains => StringComparison::NotContains,
                _ => StringComparison::Equals,
            };
            Conditions::Strings(
                term.values
                    .iter()
                    .map(|v| StringFilter {
                        value: v.clone(),
                        comparison,
                    })
                    .collect(),
            )
        }
        AttributeKind::Map => {
            let comparison = match term.op {
                Op::Ne => MapComparison::NotEquals,
                Op::Contains => MapComparison::Contains,
                Op::NotContains => MapComparison::NotContains,
                _ => MapComparison::Equals,
            };
            Conditions::Maps(
                term.values
                    .iter()
                    .map(|v| MapFilter {
                        key: term.map_key.clone().unwrap_or_default(),
                        value: v.clone(),
                        comparison,
                    })
                    .collect(),
            )
        }
        AttributeKind::Date => Conditions::Dates(
            term.values
                .iter()
                .map(|v| match parse_window(v) {
                    Some((n, unit)) => DateFilter {
                        date_range: Some(DateRange {
                            value: n,
                            unit: unit.to_string(),
                        }),
                        ..DateFilter::default()
                    },
                    None if matches!(term.op, Op::Gt | Op::Ge) => DateFilter {
                        start: Some(v.clone()),
                        ..DateFilter::default()
                    },
                    None => DateFilter {
                        end: Some(v.clone()),
                        ..DateFilter::default()
                    },
                })
                .collect(),
        ),
        AttributeKind::Number => Conditions::Numbers(
            term.values
                .iter()
                .filter_map(|v| v.parse::<f64>().ok())
                .map(|n| {
                    let mut f = NumberFilter::default();
                    match term.op {
                        Op::Lt => f.lt = Some(n),
                        Op::Le => f.lte = Some(n),
                        Op::Gt => f.gt = Some(n),
                        Op::Ge => f.gte = Some(n),
                        _ => f.eq = Some(n),
                    }
                    f
                })
                .collect(),
        ),
    }
}
