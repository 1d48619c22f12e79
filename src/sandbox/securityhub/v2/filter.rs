//! `OcsfFindingFilters` as the new Security Hub checks and applies them: composite filters
//! (String, Date, Boolean, Number, Map and IP filters plus nested composites) joined by
//! each composite's `Operator` and by `CompositeOperator` (AND unless OR). Limits: 10
//! composites a list, 20 filters of each type a composite; a field name outside the
//! model's list, an unknown comparison or a bad CIDR is a 400 ValidationException.

use std::borrow::Cow;
use std::net::IpAddr;

use ipnet::IpNet;
use serde_json::Value;

use super::names;
use crate::sandbox::protocol::ServiceError;
use crate::sandbox::securityhub::fields::parse_date;

pub(crate) const MAX_COMPOSITES: usize = 10;
pub(crate) const MAX_FILTERS_PER_TYPE: usize = 20;
/// Nesting guard: deeper trees are refused rather than recursed into without end.
const MAX_DEPTH: usize = 5;
const DAY_MS: i64 = 86_400_000;

pub(crate) fn validation(message: impl Into<String>) -> ServiceError {
    ServiceError::new(400, "ValidationException", message)
}

/// Checks a whole `Filters` value (absent or null passes).
pub(crate) fn validate(filters: Option<&Value>) -> Result<(), ServiceError> {
    let Some(filters) = filters.filter(|f| !f.is_null()) else {
        return Ok(());
    };
    operator(
        filters.get("CompositeOperator"),
        "Filters.CompositeOperator",
    )?;
    composites(
        filters.get("CompositeFilters"),
        "Filters.CompositeFilters",
        0,
    )
}

fn operator(op: Option<&Value>, at: &str) -> Result<(), ServiceError> {
    match op.and_then(Value::as_str) {
        None | Some("AND" | "OR") => Ok(()),
        Some(other) => Err(validation(format!(
            "{at}: {other:?} is not a valid operator (AND, OR)"
        ))),
    }
}

fn composites(list: Option<&Value>, at: &str, depth: usize) -> Result<(), ServiceError> {
    let Some(list) = list.and_then(Value::as_array) else {
        return Ok(());
    };
    if list.len() > MAX_COMPOSITES {
        return Err(validation(format!(
            "{at} has {} composite filters; at most {MAX_COMPOSITES} are allowed",
            list.len()
        )));
    }
    if depth >= MAX_DEPTH {
        return Err(validation(format!(
            "{at}: filters nest deeper than {MAX_DEPTH} levels"
        )));
    }
    for (i, c) in list.iter().enumerate() {
        let here = format!("{at}[{i}]");
        operator(c.get("Operator"), &format!("{here}.Operator"))?;
        for (kind, allowed) in [
            ("StringFilters", names::STRING_FIELDS),
            ("DateFilters", names::DATE_FIELDS),
            ("BooleanFilters", names::BOOLEAN_FIELDS),
            ("NumberFilters", names::NUMBER_FIELDS),
            ("MapFilters", names::MAP_FIELDS),
            ("IpFilters", names::IP_FIELDS),
        ] {
            let filters = c
                .get(kind)
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            if filters.len() > MAX_FILTERS_PER_TYPE {
                return Err(validation(format!(
                    "{here}.{kind} has {} filters; at most {MAX_FILTERS_PER_TYPE} are allowed",
                    filters.len()
                )));
            }
            for (j, f) in filters.iter().enumerate() {
                one_filter(kind, allowed, f, &format!("{here}.{kind}[{j}]"))?;
            }
        }
        composites(
            c.get("NestedCompositeFilters"),
            &format!("{here}.NestedCompositeFilters"),
            depth + 1,
        )?;
    }
    Ok(())
}

fn one_filter(kind: &str, allowed: &[&str], f: &Value, at: &str) -> Result<(), ServiceError> {
    let field = f["FieldName"].as_str().unwrap_or_default();
    if !allowed.contains(&field) {
        return Err(validation(format!(
            "{at}.FieldName: {field:?} cannot be used in {kind}"
        )));
    }
    let filter = &f["Filter"];
    let comparison = filter["Comparison"].as_str();
    let comparisons: &[&str] = match kind {
        "StringFilters" => &[
            "EQUALS",
            "PREFIX",
            "NOT_EQUALS",
            "PREFIX_NOT_EQUALS",
            "CONTAINS",
            "NOT_CONTAINS",
            "CONTAINS_WORD",
        ],
        "MapFilters" => &["EQUALS", "NOT_EQUALS", "CONTAINS", "NOT_CONTAINS"],
        _ => &[],
    };
    if !comparisons.is_empty() && !comparison.is_some_and(|c| comparisons.contains(&c)) {
        return Err(validation(format!(
            "{at}.Filter.Comparison: {comparison:?} is not valid for {kind}"
        )));
    }
    match kind {
        "StringFilters" | "MapFilters"
            if filter["Value"].as_str().is_none_or(|v| v.trim().is_empty()) =>
        {
            Err(validation(format!("{at}.Filter.Value is required")))
        }
        "IpFilters" => match filter["Cidr"].as_str().map(parse_cidr) {
            Some(Some(_)) => Ok(()),
            _ => Err(validation(format!(
                "{at}.Filter.Cidr: {} is not a CIDR block",
                filter["Cidr"]
            ))),
        },
        "DateFilters" => date_filter(filter, at),
        _ => Ok(()),
    }
}

fn date_filter(filter: &Value, at: &str) -> Result<(), ServiceError> {
    for key in ["Start", "End"] {
        if let Some(text) = filter[key].as_str()
            && parse_date(text).is_none()
        {
            return Err(validation(format!(
                "{at}.Filter.{key}: {text:?} is not an ISO 8601 date"
            )));
        }
    }
    if let Some(range) = filter.get("DateRange") {
        if range["Unit"].as_str().is_some_and(|u| u != "DAYS") {
            return Err(validation(format!(
                "{at}.Filter.DateRange.Unit must be DAYS"
            )));
        }
        if range["Value"].as_i64().is_none_or(|v| v < 0) {
            return Err(validation(format!(
                "{at}.Filter.DateRange.Value must be a whole number of days"
            )));
        }
    }
    Ok(())
}

fn parse_cidr(text: &str) -> Option<IpNet> {
    text.parse::<IpNet>()
        .ok()
        .or_else(|| text.parse::<IpAddr>().ok().map(IpNet::from))
}

/// Whether `doc` passes the (validated) `filters`; `now_ms` anchors DateRange.
pub(crate) fn matches(filters: Option<&Value>, doc: &Value, now_ms: i64) -> bool {
    let Some(filters) = filters.filter(|f| !f.is_null()) else {
        return true;
    };
    let list = filters["CompositeFilters"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    combine(
        filters["CompositeOperator"].as_str(),
        list.iter().map(|c| composite(c, doc, now_ms)),
    )
}

fn combine(op: Option<&str>, mut results: impl Iterator<Item = bool>) -> bool {
    if op == Some("OR") {
        let mut any = None;
        for r in results.by_ref() {
            if r {
                return true;
            }
            any = Some(false);
        }
        any.unwrap_or(true) // an empty OR list does not filter
    } else {
        results.all(|r| r)
    }
}

fn composite(c: &Value, doc: &Value, now_ms: i64) -> bool {
    let list = |k: &str| c[k].as_array().map(Vec::as_slice).unwrap_or_default();
    let results = list("StringFilters")
        .iter()
        .map(|f| string_filter(f, doc))
        .chain(
            list("DateFilters")
                .iter()
                .map(|f| date_match(f, doc, now_ms)),
        )
        .chain(list("BooleanFilters").iter().map(|f| {
            let want = f["Filter"]["Value"].as_bool();
            any_leaf(doc, f, &mut |v| v.as_bool() == want)
        }))
        .chain(list("NumberFilters").iter().map(|f| number_match(f, doc)))
        .chain(list("MapFilters").iter().map(|f| map_match(f, doc)))
        .chain(list("IpFilters").iter().map(|f| ip_match(f, doc)))
        .chain(
            list("NestedCompositeFilters")
                .iter()
                .map(|n| composite(n, doc, now_ms)),
        );
    combine(c["Operator"].as_str(), results)
}

/// Calls `f` on every leaf under the dotted `path` (`""`: `v` itself), arrays entered on
/// the way, until `f` says stop. Splits as it goes: this runs for every finding a filter,
/// sort or count reads, so it allocates nothing.
pub(crate) fn walk<'a>(v: &'a Value, path: &str, f: &mut dyn FnMut(&'a Value) -> bool) -> bool {
    match v {
        Value::Array(items) => items.iter().any(|i| walk(i, path, f)),
        _ if path.is_empty() => f(v),
        _ => {
            let (key, rest) = path.split_once('.').unwrap_or((path, ""));
            v.get(key).is_some_and(|child| walk(child, rest, f))
        }
    }
}

fn any_leaf(doc: &Value, filter: &Value, f: &mut dyn FnMut(&Value) -> bool) -> bool {
    walk(doc, filter["FieldName"].as_str().unwrap_or_default(), f)
}

/// A leaf as text: strings borrowed, numbers and booleans written out.
pub(crate) fn leaf_text(v: &Value) -> Option<Cow<'_, str>> {
    match v {
        Value::String(s) => Some(Cow::Borrowed(s)),
        Value::Number(n) => Some(Cow::Owned(n.to_string())),
        Value::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
        _ => None,
    }
}

fn string_filter(f: &Value, doc: &Value) -> bool {
    let want = f["Filter"]["Value"].as_str().unwrap_or_default();
    let comparison = f["Filter"]["Comparison"].as_str().unwrap_or("EQUALS");
    let test = |pred: &dyn Fn(&str) -> bool| {
        any_leaf(doc, f, &mut |v| leaf_text(v).is_some_and(|s| pred(&s)))
    };
    match comparison {
        "EQUALS" => test(&|s| s == want),
        "PREFIX" => test(&|s| s.starts_with(want)),
        "NOT_EQUALS" => !test(&|s| s == want),
        "PREFIX_NOT_EQUALS" => !test(&|s| s.starts_with(want)),
        "CONTAINS" => test(&|s| s.contains(want)),
        "NOT_CONTAINS" => !test(&|s| s.contains(want)),
        "CONTAINS_WORD" => {
            let want = want.to_lowercase();
            test(&|s| {
                s.to_lowercase()
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|w| w == want)
            })
        }
        _ => false,
    }
}

fn date_match(f: &Value, doc: &Value, now_ms: i64) -> bool {
    let filter = &f["Filter"];
    let start = filter["Start"].as_str().and_then(parse_date);
    let end = filter["End"].as_str().and_then(parse_date);
    let range = filter.get("DateRange").map(|r| {
        let days = r["Value"].as_i64().unwrap_or(0);
        (
            now_ms - days * DAY_MS,
            r["Comparison"].as_str() == Some("OLDER_THAN"),
        )
    });
    any_leaf(doc, f, &mut |v| {
        let Some(t) = v.as_str().and_then(parse_date) else {
            return false;
        };
        start.is_none_or(|s| t >= s)
            && end.is_none_or(|e| t <= e)
            && range.is_none_or(|(edge, older)| if older { t < edge } else { t >= edge })
    })
}

fn number_match(f: &Value, doc: &Value) -> bool {
    let filter = &f["Filter"];
    let bound = |k: &str| filter[k].as_f64();
    any_leaf(doc, f, &mut |v| {
        let Some(n) = v.as_f64() else { return false };
        bound("Eq").is_none_or(|b| n == b)
            && bound("Gte").is_none_or(|b| n >= b)
            && bound("Lte").is_none_or(|b| n <= b)
            && bound("Gt").is_none_or(|b| n > b)
            && bound("Lt").is_none_or(|b| n < b)
    })
}

/// Map fields are OCSF key/value lists (`[{name, value}]`) or plain objects.
fn map_match(f: &Value, doc: &Value) -> bool {
    let filter = &f["Filter"];
    let key = filter["Key"].as_str().unwrap_or_default();
    let want = filter["Value"].as_str().unwrap_or_default();
    let found = |pred: &dyn Fn(&str) -> bool| {
        any_leaf(doc, f, &mut |v| {
            let value = match v.get("name").and_then(Value::as_str) {
                Some(name) if name == key => v.get("value"),
                Some(_) => None,
                None => v.get(key),
            };
            value.and_then(leaf_text).is_some_and(|s| pred(&s))
        })
    };
    match filter["Comparison"].as_str() {
        Some("NOT_EQUALS") => !found(&|s| s == want),
        Some("CONTAINS") => found(&|s| s.contains(want)),
        Some("NOT_CONTAINS") => !found(&|s| s.contains(want)),
        _ => found(&|s| s == want),
    }
}

fn ip_match(f: &Value, doc: &Value) -> bool {
    let Some(net) = f["Filter"]["Cidr"].as_str().and_then(parse_cidr) else {
        return false;
    };
    any_leaf(doc, f, &mut |v| {
        v.as_str()
            .and_then(|s| s.parse::<IpAddr>().ok())
            .is_some_and(|ip| net.contains(&ip))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "severity": "High", "status_id": 1,
            "finding_info": {"title": "S3 bucket allows public read", "types": ["TTPs/Discovery", "Software"],
                             "created_time_dt": "2026-11-20T00:00:00Z"},
            "resources": [{"uid": "arn:aws:s3:::b", "tags": [{"name": "env", "value": "prod"}]}],
            "evidences": [{"src_endpoint": {"ip": "198.51.100.7"}}],
            "vulnerabilities": [{"is_fix_available": true}],
        })
    }

    fn string(field: &str, value: &str, comparison: &str) -> Value {
        json!({"FieldName": field, "Filter": {"Value": value, "Comparison": comparison}})
    }

    fn one(composite: Value) -> Value {
        json!({"CompositeFilters": [composite]})
    }

    #[test]
    fn string_comparisons_follow_aws() {
        let d = doc();
        let hit = |f: Value| matches(Some(&one(json!({"StringFilters": [f]}))), &d, 0);
        assert!(hit(string("severity", "High", "EQUALS")));
        assert!(!hit(string("severity", "high", "EQUALS")));
        assert!(hit(string("finding_info.types", "TTPs", "PREFIX")));
        assert!(hit(string("severity", "Low", "NOT_EQUALS")));
        assert!(!hit(string(
            "finding_info.types",
            "TTPs",
            "PREFIX_NOT_EQUALS"
        )));
        assert!(hit(string("finding_info.title", "public", "CONTAINS")));
        assert!(hit(string("finding_info.title", "PUBLIC", "CONTAINS_WORD")));
        assert!(!hit(string("finding_info.title", "pub", "CONTAINS_WORD")));
        assert!(hit(string("finding_info.title", "private", "NOT_CONTAINS")));
    }

    #[test]
    fn or_and_nesting_dates_numbers_maps_and_cidrs() {
        let d = doc();
        let now = parse_date("2026-11-24T00:00:00Z").unwrap();
        let filters = json!({"CompositeOperator": "OR", "CompositeFilters": [
            {"StringFilters": [string("severity", "Low", "EQUALS")]},
            {"Operator": "AND",
             "NumberFilters": [{"FieldName": "status_id", "Filter": {"Gte": 1.0, "Lt": 2.0}}],
             "NestedCompositeFilters": [{"Operator": "OR",
                "IpFilters": [{"FieldName": "evidences.src_endpoint.ip", "Filter": {"Cidr": "198.51.100.0/24"}}],
                "MapFilters": [{"FieldName": "resources.tags", "Filter": {"Key": "env", "Value": "dev", "Comparison": "EQUALS"}}]}],
             "DateFilters": [{"FieldName": "finding_info.created_time_dt", "Filter": {"DateRange": {"Value": 7, "Unit": "DAYS"}}}],
             "BooleanFilters": [{"FieldName": "vulnerabilities.is_fix_available", "Filter": {"Value": true}}]}
        ]});
        validate(Some(&filters)).unwrap();
        assert!(matches(Some(&filters), &d, now));
        let later = now + 10 * DAY_MS;
        assert!(
            !matches(Some(&filters), &d, later),
            "outside the 7-day window"
        );
    }

    #[test]
    fn limits_and_bad_values_are_validation_errors_naming_the_place() {
        let many = json!({"CompositeFilters": vec![json!({}); 11]});
        let e = validate(Some(&many)).unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (400, "ValidationException"));
        assert!(e.message.contains("11 composite filters"), "{}", e.message);
        let filters = vec![string("severity", "High", "EQUALS"); 21];
        let e = validate(Some(&one(json!({"StringFilters": filters})))).unwrap_err();
        assert!(
            e.message
                .contains("CompositeFilters[0].StringFilters has 21"),
            "{}",
            e.message
        );
        let e = validate(Some(&one(
            json!({"StringFilters": [string("nope", "x", "EQUALS")]}),
        )))
        .unwrap_err();
        assert!(
            e.message.contains("\"nope\" cannot be used"),
            "{}",
            e.message
        );
        let cidr = json!({"IpFilters": [{"FieldName": "evidences.src_endpoint.ip", "Filter": {"Cidr": "300.1.1.1/8"}}]});
        assert!(
            validate(Some(&one(cidr)))
                .unwrap_err()
                .message
                .contains("not a CIDR")
        );
        let op = json!({"CompositeOperator": "XOR"});
        assert!(validate(Some(&op)).is_err());
    }
}
