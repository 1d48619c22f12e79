//! An OCSF finding (GetFindingsV2) as the findings pane's row: the same [`Finding`] summary
//! the ASFF path fills, read from OCSF fields, with the document kept as received for the
//! JSON tab. Mapping (what AWS uses when it shows CSPM findings in OCSF):
//!
//! | row | OCSF |
//! |---|---|
//! | id | `metadata.uid` (else `finding_info.uid`) |
//! | product ARN | `metadata.product.uid` |
//! | title / description | `finding_info.title` / `finding_info.desc` |
//! | severity | `severity_id` (else `severity`): 1-5 as ASFF's labels, Fatal (6) as CRITICAL |
//! | workflow | `status_id` (else `status`): New, In Progress = NOTIFIED, Suppressed, Resolved |
//! | record state | ARCHIVED for status Archived (5), else ACTIVE |
//! | resource | `resources[0].type` / `.uid` |
//! | account / region | `cloud.account.uid` / `cloud.region` |
//! | product / company | `metadata.product.name` / `.vendor_name` |
//! | type | `finding_info.types[0]`, else `class_name` |
//! | created / updated | `finding_info.created_time_dt` / `finding_info.modified_time_dt` |
//! | compliance / control | `compliance.status` / `compliance.control` |

use serde_json::Value;

use super::finding::{AsffError, Finding, RawAsff, Severity, WorkflowStatus};
use super::ocsf_filter::fields::{SEVERITIES, STATUSES};

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter()
        .try_fold(v, |cur, key| cur.get(key))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// Whether a document is OCSF (the detail view picks its sections by this).
pub fn is_ocsf(doc: &Value) -> bool {
    doc.get("finding_info").is_some() || doc.get("class_uid").is_some()
}

/// The OCSF id of a caption: its place in `known`, which lists ids 1, 2, ... in order.
fn caption_id(known: &[&str], caption: &str) -> Option<i64> {
    let i = known.iter().position(|k| k.eq_ignore_ascii_case(caption))?;
    Some(i as i64 + 1)
}

/// OCSF severity: `severity_id`, else the `severity` caption.
fn severity(doc: &Value) -> Option<Severity> {
    let id = doc
        .get("severity_id")
        .and_then(Value::as_i64)
        .or_else(|| caption_id(&SEVERITIES[..6], str_at(doc, &["severity"])?))?;
    super::ocsf_triage::label_of_severity(i32::try_from(id).ok()?)
}

/// The table's severity for an OCSF caption (Fatal shows as CRITICAL).
pub fn severity_of_caption(caption: &str) -> Option<Severity> {
    severity(&serde_json::json!({ "severity": caption }))
}

/// OCSF status as `status_id`, else from the caption.
fn status_id(doc: &Value) -> Option<i64> {
    doc.get("status_id")
        .and_then(Value::as_i64)
        .or_else(|| caption_id(&STATUSES[..5], str_at(doc, &["status"])?))
}

fn workflow(status: Option<i64>) -> Option<WorkflowStatus> {
    super::ocsf_triage::workflow_of_status(i32::try_from(status?).ok()?)
}

/// The row of an OCSF document. Only an id is required (to address the finding); the rest
/// degrades to empty, as for ASFF.
pub fn from_ocsf(doc: Value) -> Result<Finding, AsffError> {
    if !doc.is_object() {
        return Err(AsffError::NotAnObject);
    }
    let id = str_at(&doc, &["metadata", "uid"])
        .or_else(|| str_at(&doc, &["finding_info", "uid"]))
        .ok_or(AsffError::MissingField {
            id: "?".into(),
            field: "metadata.uid",
        })?
        .to_string();
    let s = |path: &[&str]| str_at(&doc, path).unwrap_or_default().to_string();
    let resource = doc
        .get("resources")
        .and_then(Value::as_array)
        .and_then(|r| r.first());
    let resource_field = |key: &str| {
        resource
            .and_then(|r| str_at(r, &[key]))
            .unwrap_or_default()
            .to_string()
    };
    let status = status_id(&doc);
    let first_type = doc
        .pointer("/finding_info/types/0")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| s(&["class_name"]));
    Ok(Finding {
        product_arn: s(&["metadata", "product", "uid"]),
        title: s(&["finding_info", "title"]),
        description: s(&["finding_info", "desc"]),
        severity: severity(&doc),
        workflow: workflow(status),
        record_state: if status == Some(5) {
            "ARCHIVED"
        } else {
            "ACTIVE"
        }
        .into(),
        resource_type: resource_field("type"),
        resource_id: resource_field("uid"),
        account_id: s(&["cloud", "account", "uid"]),
        region: s(&["cloud", "region"]),
        product_name: s(&["metadata", "product", "name"]),
        company_name: s(&["metadata", "product", "vendor_name"]),
        generator_id: s(&["finding_info", "analytic", "name"]),
        compliance_status: s(&["compliance", "status"]),
        created_at: s(&["finding_info", "created_time_dt"]),
        updated_at: s(&["finding_info", "modified_time_dt"]),
        control_id: str_at(&doc, &["compliance", "control"]).map(str::to_string),
        first_type,
        raw: RawAsff::new(&doc),
        id,
    })
}

/// The detail Overview's OCSF sections: (title, text), empty ones left out by the caller.
pub fn overview_sections(doc: &Value) -> Vec<(&'static str, String)> {
    let class = [
        str_at(doc, &["class_name"]),
        str_at(doc, &["activity_name"]),
        str_at(doc, &["finding_info", "analytic", "name"]),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let traits = doc
        .pointer("/finding_info/related_events")
        .and_then(Value::as_array)
        .map(|events| {
            events
                .iter()
                .map(|e| {
                    let traits = list_of(e, "traits", "category").join(", ");
                    let title = str_at(e, &["title"]).unwrap_or("?");
                    let uid = str_at(e, &["uid"]).unwrap_or("?");
                    format!("{title}  [{traits}]  {uid}")
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default();
    let cves = doc
        .get("vulnerabilities")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|v| {
            let cve = str_at(v, &["cve", "uid"]).unwrap_or("?");
            let title = str_at(v, &["title"]).unwrap_or_default();
            format!("{cve}  {title}").trim_end().to_string()
        })
        .collect::<Vec<_>>()
        .join("\n");
    let remediation = [str_at(doc, &["remediation", "desc"])]
        .into_iter()
        .flatten()
        .map(str::to_string)
        .chain(
            doc.pointer("/remediation/references")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|r| r.as_str().map(str::to_string)),
        )
        .collect::<Vec<_>>()
        .join("\n");
    vec![
        ("Class", class),
        ("Contributing findings", traits),
        ("Vulnerabilities", cves),
        ("Remediation", remediation),
    ]
}

fn list_of(v: &Value, key: &str, field: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|i| str_at(i, &[field]).map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> Value {
        json!({
            "class_name": "Detection Finding",
            "class_uid": 2004,
            "activity_name": "Create",
            "cloud": {"account": {"uid": "123456789012"}, "region": "eu-west-1"},
            "finding_info": {
                "uid": "product-id",
                "title": "Exposed instance",
                "desc": "Port 22 open",
                "types": ["TTPs/Initial Access"],
                "created_time_dt": "2025-12-01T10:00:00Z",
                "modified_time_dt": "2025-12-02T10:00:00Z",
                "analytic": {"name": "Exposure"},
                "related_events": [
                    {"uid": "f-1", "title": "SSH open", "traits": [{"category": "Reachability"}]}
                ]
            },
            "metadata": {"uid": "hub-id", "product": {"uid": "arn:aws:securityhub:eu-west-1::productv2/aws/securityhub", "name": "Security Hub", "vendor_name": "AWS"}},
            "severity_id": 6,
            "severity": "Fatal",
            "status_id": 2,
            "status": "In Progress",
            "resources": [{"type": "AWS::EC2::Instance", "uid": "i-0abc"}]
        })
    }

    #[test]
    fn the_row_comes_from_ocsf_fields() {
        let f = from_ocsf(sample()).unwrap();
        assert_eq!(f.id, "hub-id");
        assert_eq!(f.title, "Exposed instance");
        assert_eq!(
            f.severity,
            Some(Severity::Critical),
            "Fatal shows as CRITICAL"
        );
        assert_eq!(f.workflow, Some(WorkflowStatus::Notified));
        assert_eq!(f.record_state, "ACTIVE");
        assert_eq!(
            (f.account_id.as_str(), f.region.as_str()),
            ("123456789012", "eu-west-1")
        );
        assert_eq!(
            (f.resource_type.as_str(), f.resource_id.as_str()),
            ("AWS::EC2::Instance", "i-0abc")
        );
        assert_eq!(f.product_name, "Security Hub");
        assert_eq!(f.first_type, "TTPs/Initial Access");
        assert_eq!(f.updated_at, "2025-12-02T10:00:00Z");
        assert_eq!(f.raw.value(), sample(), "the document as received");
    }

    #[test]
    fn captions_stand_in_for_missing_ids_and_only_an_id_is_required() {
        let doc = json!({"metadata": {"uid": "x"}, "severity": "low", "status": "Archived"});
        let f = from_ocsf(doc).unwrap();
        assert_eq!(f.severity, Some(Severity::Low));
        assert_eq!((f.workflow, f.record_state.as_str()), (None, "ARCHIVED"));
        assert!(from_ocsf(json!({"severity": "Low"})).is_err());
        assert!(from_ocsf(json!([1])).is_err());
    }

    #[test]
    fn the_overview_names_the_class_and_the_contributing_findings() {
        let sections = overview_sections(&sample());
        assert_eq!(sections[0].1, "Detection Finding · Create · Exposure");
        assert_eq!(sections[1].1, "SSH open  [Reachability]  f-1");
    }
}
