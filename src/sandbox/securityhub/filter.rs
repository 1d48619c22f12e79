//! GetFindings `Filters`: parsed with the domain's wire types, checked against AWS's
//! limits and combination rules, compiled once per request, then matched per finding.
//! Positive string comparisons on one attribute are OR'ed, negative ones AND'ed, and
//! different attributes AND'ed, as Security Hub does.

use std::net::IpAddr;

use ipnet::IpNet;
use serde::Deserialize;
use serde_json::Value;

use super::fields::{Field, parse_date};
use super::store::Stored;
use crate::domain::filter::{
    Conditions, DateFilter, MapComparison, MapFilter, NumberFilter, StringComparison, StringFilter,
};
use crate::sandbox::protocol::ServiceError;

pub(crate) const MAX_ATTRIBUTES: usize = 10;
pub(crate) const MAX_VALUES: usize = 20;
const DAY_MS: i64 = 86_400_000;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct IpFilter {
    cidr: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct BoolFilter {
    value: bool,
}

/// The deprecated `Keyword` filter: a bare value, matched exactly.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct KeywordFilter {
    value: String,
}

enum Test {
    Strings {
        pos: Vec<StringFilter>,
        neg: Vec<StringFilter>,
    },
    /// Inclusive [from, to] ranges in epoch ms, OR'ed.
    Dates(Vec<(Option<i64>, Option<i64>)>),
    Numbers(Vec<NumberFilter>),
    Maps {
        pos: Vec<MapFilter>,
        neg: Vec<MapFilter>,
    },
    Ips(Vec<IpNet>),
    Bools(Vec<bool>),
}

/// A compiled filter set: every predicate must hold.
pub(crate) struct Compiled {
    tests: Vec<(Field, Test)>,
}

impl Compiled {
    pub fn parse(filters: Option<&Value>, now_ms: i64) -> Result<Compiled, ServiceError> {
        let Some(filters) = filters.filter(|v| !v.is_null()) else {
            return Ok(Compiled { tests: Vec::new() });
        };
        let object = filters
            .as_object()
            .ok_or_else(|| ServiceError::invalid_input("Filters must be an object"))?;
        let used: Vec<_> = object
            .iter()
            .filter(|(_, v)| v.as_array().is_none_or(|a| !a.is_empty()))
            .collect();
        if used.len() > MAX_ATTRIBUTES {
            return Err(ServiceError::invalid_input(format!(
                "Filters use {} attributes; at most {MAX_ATTRIBUTES} are allowed",
                used.len()
            )));
        }
        let mut tests = Vec::new();
        for (name, conditions) in used {
            let count = conditions.as_array().map_or(0, Vec::len);
            if count > MAX_VALUES {
                return Err(ServiceError::invalid_input(format!(
                    "Filters.{name} has {count} values; at most {MAX_VALUES} are allowed"
                )));
            }
            tests.push((Field::resolve(name), compile(name, conditions, now_ms)?));
        }
        Ok(Compiled { tests })
    }

    pub fn matches(&self, finding: &Stored) -> bool {
        self.tests
            .iter()
            .all(|(field, test)| test.holds(field, finding))
    }
}

fn compile(name: &str, conditions: &Value, now_ms: i64) -> Result<Test, ServiceError> {
    let invalid = |why: String| ServiceError::invalid_input(format!("Filters.{name}: {why}"));
    if let Ok(parsed) = serde_json::from_value::<Conditions>(conditions.clone()) {
        return match parsed {
            Conditions::Strings(filters) => strings(filters).map_err(invalid),
            Conditions::Dates(filters) => dates(&filters, now_ms).map_err(invalid),
            Conditions::Numbers(filters) => Ok(Test::Numbers(filters)),
            Conditions::Maps(filters) => maps(filters).map_err(invalid),
        };
    }
    if let Ok(ips) = serde_json::from_value::<Vec<IpFilter>>(conditions.clone()) {
        let nets = ips
            .iter()
            .map(|f| {
                parse_net(&f.cidr).ok_or_else(|| invalid(format!("invalid Cidr {:?}", f.cidr)))
            })
            .collect::<Result<_, _>>()?;
        return Ok(Test::Ips(nets));
    }
    if let Ok(bools) = serde_json::from_value::<Vec<BoolFilter>>(conditions.clone()) {
        return Ok(Test::Bools(bools.into_iter().map(|b| b.value).collect()));
    }
    if let Ok(words) = serde_json::from_value::<Vec<KeywordFilter>>(conditions.clone()) {
        let pos = words
            .into_iter()
            .map(|w| StringFilter::equals(w.value))
            .collect();
        return Ok(Test::Strings {
            pos,
            neg: Vec::new(),
        });
    }
    Err(invalid(
        "not a list of string, date, number, map, IP or boolean filters".into(),
    ))
}

fn parse_net(s: &str) -> Option<IpNet> {
    s.parse::<IpNet>()
        .ok()
        .or_else(|| s.parse::<IpAddr>().ok().map(IpNet::from))
}

fn strings(filters: Vec<StringFilter>) -> Result<Test, String> {
    use StringComparison::*;
    let has = |c: &[StringComparison]| filters.iter().any(|f| c.contains(&f.comparison));
    if has(&[Contains, ContainsWord])
        && has(&[Equals, Prefix, NotEquals, PrefixNotEquals, NotContains])
    {
        return Err("CONTAINS filters can only be combined with other CONTAINS filters".into());
    }
    if has(&[NotContains]) && has(&[Equals, Prefix, NotEquals, PrefixNotEquals]) {
        return Err(
            "NOT_CONTAINS filters can only be combined with other NOT_CONTAINS filters".into(),
        );
    }
    if has(&[Equals]) && has(&[NotEquals, PrefixNotEquals]) {
        return Err("EQUALS cannot be combined with NOT_EQUALS or PREFIX_NOT_EQUALS".into());
    }
    let (neg, pos) = filters
        .into_iter()
        .partition(|f| matches!(f.comparison, NotEquals | PrefixNotEquals | NotContains));
    Ok(Test::Strings { pos, neg })
}

fn dates(filters: &[DateFilter], now_ms: i64) -> Result<Test, String> {
    let bound = |s: &Option<String>| -> Result<Option<i64>, String> {
        s.as_deref()
            .map(|s| parse_date(s).ok_or_else(|| format!("invalid date {s:?}")))
            .transpose()
    };
    filters
        .iter()
        .map(|f| match &f.date_range {
            Some(range) if range.unit != "DAYS" => {
                Err(format!("DateRange Unit {:?} is not DAYS", range.unit))
            }
            Some(range) => Ok((Some(now_ms - i64::from(range.value) * DAY_MS), None)),
            None if f.start.is_none() && f.end.is_none() => {
                Err("a date filter needs Start, End or DateRange".to_string())
            }
            None => Ok((bound(&f.start)?, bound(&f.end)?)),
        })
        .collect::<Result<_, _>>()
        .map(Test::Dates)
}

fn maps(filters: Vec<MapFilter>) -> Result<Test, String> {
    let (neg, pos) = filters.into_iter().partition(|f| {
        matches!(
            f.comparison,
            MapComparison::NotEquals | MapComparison::NotContains
        )
    });
    Ok(Test::Maps { pos, neg })
}

fn string_hit(f: &StringFilter, s: &str) -> bool {
    use StringComparison::*;
    let v = f.value.as_str();
    match f.comparison {
        Equals | NotEquals => s == v,
        Prefix | PrefixNotEquals => s.starts_with(v),
        Contains | NotContains => s.contains(v),
        ContainsWord => contains_word(s, v),
    }
}

/// `v` occurs in `s` bounded by non-alphanumerics or the ends.
fn contains_word(s: &str, v: &str) -> bool {
    if v.is_empty() {
        return false;
    }
    s.match_indices(v).any(|(at, _)| {
        let before = s[..at].chars().next_back();
        let after = s[at + v.len()..].chars().next();
        before.is_none_or(|c| !c.is_alphanumeric()) && after.is_none_or(|c| !c.is_alphanumeric())
    })
}

fn number_hit(f: &NumberFilter, n: f64) -> bool {
    f.gte.is_none_or(|b| n >= b)
        && f.lte.is_none_or(|b| n <= b)
        && f.gt.is_none_or(|b| n > b)
        && f.lt.is_none_or(|b| n < b)
        && f.eq.is_none_or(|b| n == b)
}

fn map_hit(f: &MapFilter, map: &Value) -> bool {
    let Some(value) = map.get(&f.key).and_then(Value::as_str) else {
        return false;
    };
    match f.comparison {
        MapComparison::Equals | MapComparison::NotEquals => value == f.value,
        MapComparison::Contains | MapComparison::NotContains => value.contains(&f.value),
    }
}

impl Test {
    fn holds(&self, field: &Field, finding: &Stored) -> bool {
        match self {
            Test::Strings { pos, neg } => {
                (pos.is_empty()
                    || finding.any_str(field, &mut |s| pos.iter().any(|f| string_hit(f, s))))
                    && !finding.any_str(field, &mut |s| neg.iter().any(|f| string_hit(f, s)))
            }
            Test::Dates(ranges) => finding.any_date(field, &mut |ms| {
                ranges
                    .iter()
                    .any(|(from, to)| from.is_none_or(|b| ms >= b) && to.is_none_or(|b| ms <= b))
            }),
            Test::Numbers(filters) => {
                finding.any_num(field, &mut |n| filters.iter().any(|f| number_hit(f, n)))
            }
            Test::Maps { pos, neg } => {
                let doc = &finding.doc;
                (pos.is_empty() || field.any_leaf(doc, &mut |m| pos.iter().any(|f| map_hit(f, m))))
                    && !field.any_leaf(doc, &mut |m| neg.iter().any(|f| map_hit(f, m)))
            }
            Test::Ips(nets) => field.any_leaf(&finding.doc, &mut |v| {
                v.as_str()
                    .and_then(parse_net)
                    .is_some_and(|ip| nets.iter().any(|n| n.contains(&ip)))
            }),
            Test::Bools(values) => field.any_leaf(&finding.doc, &mut |v| {
                v.as_bool().is_some_and(|b| values.contains(&b))
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn hits(filters: Value, doc: Value) -> bool {
        let compiled = Compiled::parse(Some(&filters), 0).unwrap();
        compiled.matches(&Stored::new(doc))
    }

    #[test]
    fn positive_or_negative_and_across_attributes() {
        let doc = json!({"Id": "a", "Title": "S3 bucket is public", "Severity": {"Label": "HIGH"}});
        let eq = |v: &str| json!({"Value": v, "Comparison": "EQUALS"});
        assert!(hits(
            json!({"SeverityLabel": [eq("LOW"), eq("HIGH")]}),
            doc.clone()
        ));
        assert!(!hits(
            json!({"SeverityLabel": [eq("HIGH")], "Id": [eq("b")]}),
            doc.clone()
        ));
        let prefix = json!({"Value": "S3", "Comparison": "PREFIX"});
        let not = json!({"Value": "S3 bucket is public", "Comparison": "NOT_EQUALS"});
        assert!(!hits(json!({"Title": [prefix, not]}), doc.clone()));
        let word = json!({"Value": "bucket", "Comparison": "CONTAINS_WORD"});
        let part = json!({"Value": "buck", "Comparison": "CONTAINS_WORD"});
        assert!(hits(json!({"Title": [word]}), doc.clone()));
        assert!(!hits(json!({"Title": [part]}), doc));
    }

    #[test]
    fn forbidden_combinations_and_limits_are_invalid_input() {
        let f = json!({"Title": [
            {"Value": "a", "Comparison": "EQUALS"}, {"Value": "b", "Comparison": "NOT_EQUALS"}
        ]});
        assert!(Compiled::parse(Some(&f), 0).is_err());
        let many: serde_json::Map<String, Value> = (0..11)
            .map(|i| {
                (
                    format!("Attr{i}"),
                    json!([{"Value": "x", "Comparison": "EQUALS"}]),
                )
            })
            .collect();
        let err = Compiled::parse(Some(&Value::Object(many)), 0)
            .err()
            .unwrap();
        assert_eq!(err.code, "InvalidInputException");
    }

    #[test]
    fn ip_filters_match_cidrs() {
        let doc = json!({"Network": {"SourceIpV4": "10.1.2.3"}});
        assert!(hits(
            json!({"NetworkSourceIpV4": [{"Cidr": "10.0.0.0/8"}]}),
            doc.clone()
        ));
        assert!(!hits(
            json!({"NetworkSourceIpV4": [{"Cidr": "192.168.0.0/16"}]}),
            doc
        ));
    }
}
