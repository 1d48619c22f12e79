//! Where each `AwsSecurityFindingFilters` / `SortCriteria` attribute lives in an ASFF
//! document. Common attributes are mapped explicitly (and pre-extracted by the store);
//! the rest are found by splitting the PascalCase name along the document's own keys
//! (`ResourceAwsEc2InstanceType` -> `Resources[].Details.AwsEc2Instance.Type`).

use serde_json::Value;

type Path = &'static [&'static str];

/// String attributes pre-extracted at import, for filtering without walking JSON.
pub(crate) const HOT_STRINGS: &[(&str, Path)] = &[
    ("Id", &["Id"]),
    ("ProductArn", &["ProductArn"]),
    ("AwsAccountId", &["AwsAccountId"]),
    ("Region", &["Region"]),
    ("GeneratorId", &["GeneratorId"]),
    ("Title", &["Title"]),
    ("SeverityLabel", &["Severity", "Label"]),
    ("WorkflowStatus", &["Workflow", "Status"]),
    ("RecordState", &["RecordState"]),
    ("ComplianceStatus", &["Compliance", "Status"]),
    ("ResourceType", &["Resources", "Type"]),
    ("ResourceId", &["Resources", "Id"]),
    ("ProductName", &["ProductName"]),
    ("CompanyName", &["CompanyName"]),
    ("VerificationState", &["VerificationState"]),
    ("Type", &["Types"]),
    (
        "ComplianceSecurityControlId",
        &["Compliance", "SecurityControlId"],
    ),
];

/// Date attributes pre-parsed to epoch milliseconds.
pub(crate) const HOT_DATES: &[(&str, Path)] = &[
    ("UpdatedAt", &["UpdatedAt"]),
    ("CreatedAt", &["CreatedAt"]),
    ("FirstObservedAt", &["FirstObservedAt"]),
    ("LastObservedAt", &["LastObservedAt"]),
];

pub(crate) const HOT_NUMBERS: &[(&str, Path)] = &[
    ("SeverityNormalized", &["Severity", "Normalized"]),
    ("SeverityProduct", &["Severity", "Product"]),
    ("Confidence", &["Confidence"]),
    ("Criticality", &["Criticality"]),
];

/// Attributes whose path cannot be guessed from the name.
const EXPLICIT: &[(&str, Path)] = &[
    (
        "ComplianceAssociatedStandardsId",
        &["Compliance", "AssociatedStandards", "StandardsId"],
    ),
    (
        "RecommendationText",
        &["Remediation", "Recommendation", "Text"],
    ),
    ("ResourceTags", &["Resources", "Tags"]),
    ("ProcessedAt", &["ProcessedAt"]),
    ("Keyword", &["Keywords"]),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hot {
    Str(usize),
    Date(usize),
    Num(usize),
}

/// A resolved attribute: where to look, and whether the store has it pre-extracted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Field {
    pub name: String,
    pub hot: Option<Hot>,
    path: Option<Path>,
}

fn find(table: &[(&str, Path)], name: &str) -> Option<(usize, Path)> {
    table
        .iter()
        .position(|(n, _)| *n == name)
        .map(|i| (i, table[i].1))
}

impl Field {
    pub fn resolve(name: &str) -> Field {
        let (hot, path) = if let Some((i, p)) = find(HOT_STRINGS, name) {
            (Some(Hot::Str(i)), Some(p))
        } else if let Some((i, p)) = find(HOT_DATES, name) {
            (Some(Hot::Date(i)), Some(p))
        } else if let Some((i, p)) = find(HOT_NUMBERS, name) {
            (Some(Hot::Num(i)), Some(p))
        } else {
            (None, find(EXPLICIT, name).map(|(_, p)| p))
        };
        Field {
            name: name.to_string(),
            hot,
            path,
        }
    }

    /// Calls `f` on every leaf value of this attribute in `doc` (array elements one by
    /// one) until it returns true; returns whether it did.
    pub fn any_leaf<'a>(&self, doc: &'a Value, f: &mut dyn FnMut(&'a Value) -> bool) -> bool {
        match self.path {
            Some(path) => walk(doc, path, f),
            None => guess(doc, &self.name, f),
        }
    }
}

/// Follows `path`, fanning out over arrays at every level.
pub(crate) fn walk<'a>(v: &'a Value, path: &[&str], f: &mut dyn FnMut(&'a Value) -> bool) -> bool {
    match v {
        Value::Array(items) => items.iter().any(|item| walk(item, path, f)),
        _ => match path.split_first() {
            None => f(v),
            Some((key, rest)) => v.get(*key).is_some_and(|child| walk(child, rest, f)),
        },
    }
}

/// Matches the rest of a PascalCase attribute name against the keys of `v`: a key (or
/// the key without its plural `s`) that is a prefix ending at a word boundary consumes
/// that part; `Details` objects are transparent, as in the API's attribute names.
fn guess<'a>(v: &'a Value, name: &str, f: &mut dyn FnMut(&'a Value) -> bool) -> bool {
    match v {
        Value::Array(items) => items.iter().any(|item| guess(item, name, f)),
        _ if name.is_empty() => f(v),
        Value::Object(map) => map.iter().any(|(key, child)| {
            let singular = key.strip_suffix('s').filter(|s| !s.is_empty());
            let consumed = [Some(key.as_str()), singular]
                .into_iter()
                .flatten()
                .filter_map(|k| name.strip_prefix(k))
                .filter(|rest| {
                    rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_uppercase())
                })
                .any(|rest| guess(child, rest, f));
            consumed || (key == "Details" && guess(child, name, f))
        }),
        _ => false,
    }
}

/// A leaf as a string for string comparisons (numbers and booleans by their JSON text).
pub(crate) fn leaf_str(v: &Value) -> Option<std::borrow::Cow<'_, str>> {
    match v {
        Value::String(s) => Some(s.as_str().into()),
        Value::Number(n) => Some(n.to_string().into()),
        Value::Bool(b) => Some(b.to_string().into()),
        _ => None,
    }
}

/// A leaf as a number; legacy findings carry some numbers as strings.
pub(crate) fn leaf_num(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// ISO-8601 / RFC 3339 timestamp to epoch milliseconds.
pub(crate) fn parse_date(s: &str) -> Option<i64> {
    use time::format_description::well_known::{Iso8601, Rfc3339};
    let t = time::OffsetDateTime::parse(s, &Rfc3339)
        .or_else(|_| time::OffsetDateTime::parse(s, &Iso8601::DEFAULT))
        .ok()?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn leaves(name: &str, doc: &Value) -> Vec<String> {
        let mut out = Vec::new();
        Field::resolve(name).any_leaf(doc, &mut |v| {
            out.push(leaf_str(v).unwrap_or_default().into_owned());
            false
        });
        out
    }

    #[test]
    fn explicit_and_guessed_paths_reach_nested_and_array_values() {
        let doc = json!({
            "Types": ["a/b", "c"],
            "Resources": [
                {"Type": "AwsEc2Instance", "Details": {"AwsEc2Instance": {"Type": "t3.micro"}}},
                {"Type": "AwsS3Bucket"}
            ],
            "Network": {"SourceIpV4": "10.0.0.1"},
            "Workflow": {"Status": "NEW"}, "WorkflowState": "NEW",
            "ThreatIntelIndicators": [{"Type": "DOMAIN"}]
        });
        assert_eq!(leaves("Type", &doc), ["a/b", "c"]);
        assert_eq!(
            leaves("ResourceType", &doc),
            ["AwsEc2Instance", "AwsS3Bucket"]
        );
        assert_eq!(leaves("ResourceAwsEc2InstanceType", &doc), ["t3.micro"]);
        assert_eq!(leaves("NetworkSourceIpV4", &doc), ["10.0.0.1"]);
        assert_eq!(leaves("WorkflowStatus", &doc), ["NEW"]);
        assert_eq!(leaves("ThreatIntelIndicatorType", &doc), ["DOMAIN"]);
        assert!(leaves("NoSuchThing", &doc).is_empty());
    }

    #[test]
    fn dates_parse_with_and_without_fractions() {
        assert_eq!(parse_date("1970-01-01T00:00:01Z"), Some(1000));
        assert_eq!(parse_date("1970-01-01T00:00:01.500Z"), Some(1500));
        assert_eq!(parse_date("yesterday"), None);
    }
}
