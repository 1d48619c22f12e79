//! The OCSF side of the store (GetFindingsV2, the new Security Hub): its documents are
//! kept in a file of their own (`StoreKey { api: Api::Ocsf, .. }`) in the same tables as
//! ASFF's, with the same columns, filled by the OCSF row mapping (`domain::ocsf_finding`:
//! `metadata.uid` as the id, `finding_info.modified_time_dt` as the update time, ...).
//! A view is kept under its compiled filter (`OcsfFilters`) as JSON.

use serde_json::Value;

use crate::domain::finding::{AsffError, Finding};
use crate::domain::ocsf_filter::OcsfFilters;
use crate::domain::ocsf_finding::{from_ocsf, is_ocsf};

/// The text an OCSF view is stored under: the compiled filter as JSON, so two ways of
/// writing one filter are one view and a filter that compiles differently is another.
pub fn view_key(filters: &OcsfFilters) -> String {
    serde_json::json!({ "ocsf": filters }).to_string()
}

/// A stored document as a row: OCSF documents through the OCSF mapping, others as ASFF.
pub fn finding_of(doc: Value) -> Result<Finding, AsffError> {
    if is_ocsf(&doc) {
        from_ocsf(doc)
    } else {
        Finding::from_asff(doc)
    }
}

/// How `secdeck cache info` says an OCSF view (None: the key is not an OCSF view's):
/// `status=New | status=In Progress`, groups in parentheses.
pub fn summary(key: &str) -> Option<String> {
    let key: Value = serde_json::from_str(key).ok()?;
    let filters = key.get("ocsf")?;
    let composites = filters.get("composites")?.as_array()?;
    if composites.is_empty() {
        return Some("every finding".into());
    }
    let parts: Vec<String> = composites.iter().map(composite_text).collect();
    Some(if parts.len() == 1 {
        parts[0]
            .trim_start_matches('(')
            .trim_end_matches(')')
            .into()
    } else {
        parts.join(joiner(filters))
    })
}

fn joiner(node: &Value) -> &'static str {
    match node.get("operator").and_then(Value::as_str) {
        Some("Or") => " | ",
        _ => " ",
    }
}

fn composite_text(c: &Value) -> String {
    let leaves = c
        .get("leaves")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    let nested = c
        .get("nested")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    let parts: Vec<String> = leaves
        .map(leaf_text)
        .chain(nested.map(composite_text))
        .collect();
    format!("({})", parts.join(joiner(c)))
}

/// `field=value` for a string equality, else `field` and the filter's JSON.
fn leaf_text(leaf: &Value) -> String {
    let Some((_, body)) = leaf.as_object().and_then(|o| o.iter().next()) else {
        return leaf.to_string();
    };
    let field = body.get("field").and_then(Value::as_str).unwrap_or("?");
    match (
        body.get("comparison").and_then(Value::as_str),
        body.get("value"),
    ) {
        (Some("EQUALS"), Some(v)) => format!("{field}={}", v.as_str().unwrap_or_default()),
        (Some(op), Some(v)) => format!("{field} {op} {v}"),
        _ => {
            let mut rest = body.clone();
            if let Some(o) = rest.as_object_mut() {
                o.remove("field");
            }
            let rest = rest.get("filter").cloned().unwrap_or(rest);
            format!("{field} {rest}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ocsf_filter::DEFAULT_VIEW;

    #[test]
    fn a_view_is_kept_under_its_compiled_filter_and_said_readably() {
        let a = OcsfFilters::compile(DEFAULT_VIEW).unwrap();
        let b = OcsfFilters::compile("status=new,IN_PROGRESS").unwrap();
        let key = view_key(&a);
        assert_eq!(key, view_key(&b), "one filter, one view");
        assert_ne!(key, view_key(&OcsfFilters::compile("sev=High").unwrap()));
        let said = summary(&key).unwrap();
        assert!(said.contains("status=New") && said.contains('|'), "{said}");
        let all = view_key(&OcsfFilters::compile("*").unwrap());
        assert_eq!(summary(&all).as_deref(), Some("every finding"));
        assert_eq!(summary(r#"{"RecordState":[]}"#), None, "an ASFF view");
    }

    #[test]
    fn stored_documents_read_back_through_their_own_mapping() {
        let ocsf = serde_json::json!({
            "metadata": {"uid": "m-1", "product": {"uid": "p"}},
            "finding_info": {"uid": "m-1", "modified_time_dt": "2026-12-01T00:00:00Z"},
            "status_id": 5,
        });
        let f = finding_of(ocsf).unwrap();
        assert_eq!(
            (f.id.as_str(), f.record_state.as_str()),
            ("m-1", "ARCHIVED")
        );
        assert_eq!(f.updated_at, "2026-12-01T00:00:00Z");
        let asff = serde_json::json!({"Id": "a", "ProductArn": "p"});
        assert_eq!(finding_of(asff).unwrap().id, "a");
    }
}
