//! BatchImportFindings: ASFF validation of the required top-level attributes, the fields
//! Security Hub fills in for new findings, and the customer-owned fields (Note,
//! UserDefinedFields, VerificationState, Workflow) that a re-import must not change.

use serde_json::{Map, Value, json};

use super::fields::parse_date;
use super::store::FindingStore;
use crate::domain::finding::Severity;

/// Largest finding Security Hub accepts (240 KB).
const MAX_FINDING_BYTES: usize = 240 * 1024;
/// Fields only BatchUpdateFindings may change once a finding exists.
const CUSTOMER_OWNED: [&str; 5] = [
    "Note",
    "UserDefinedFields",
    "VerificationState",
    "Workflow",
    "WorkflowState",
];

/// Why a finding was rejected, in AWS's words where we know them.
pub(crate) fn validate(doc: &Value) -> Result<(), String> {
    let obj = doc.as_object().ok_or("finding is not a JSON object")?;
    let text = |name: &str, max: usize| -> Result<(), String> {
        match obj.get(name) {
            Some(Value::String(s)) if !s.trim().is_empty() && s.chars().count() <= max => Ok(()),
            Some(Value::String(s)) if s.trim().is_empty() => Err(format!("{name} is empty")),
            Some(Value::String(_)) => Err(format!("{name} is longer than {max} characters")),
            Some(_) => Err(format!("{name} is not a string")),
            None => Err(format!("required field {name} is missing")),
        }
    };
    text("SchemaVersion", 512)?;
    text("Id", 512)?;
    text("ProductArn", 2048)?;
    text("GeneratorId", 512)?;
    text("AwsAccountId", 512)?;
    text("Title", 256)?;
    text("Description", 1024)?;
    for name in ["CreatedAt", "UpdatedAt"] {
        text(name, 64)?;
    }
    for name in [
        "CreatedAt",
        "UpdatedAt",
        "FirstObservedAt",
        "LastObservedAt",
    ] {
        if let Some(v) = obj.get(name) {
            v.as_str()
                .and_then(parse_date)
                .ok_or_else(|| format!("{name} {v} is not an ISO 8601 timestamp"))?;
        }
    }
    resources(obj.get("Resources"))?;
    severity(obj)?;
    types(obj)?;
    for name in ["Confidence", "Criticality"] {
        if let Some(v) = obj.get(name) {
            v.as_i64()
                .filter(|n| (0..=100).contains(n))
                .ok_or_else(|| format!("{name} {v} is not an integer from 0 to 100"))?;
        }
    }
    one_of(
        obj.get("RecordState"),
        "RecordState",
        &["ACTIVE", "ARCHIVED"],
    )?;
    one_of(
        obj.get("Workflow").and_then(|w| w.get("Status")),
        "Workflow.Status",
        &["NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"],
    )?;
    one_of(
        obj.get("VerificationState"),
        "VerificationState",
        &[
            "UNKNOWN",
            "TRUE_POSITIVE",
            "FALSE_POSITIVE",
            "BENIGN_POSITIVE",
        ],
    )?;
    let size = doc.to_string().len();
    if size > MAX_FINDING_BYTES {
        return Err(format!("finding is {size} bytes; the limit is 240 KB"));
    }
    Ok(())
}

fn one_of(v: Option<&Value>, name: &str, allowed: &[&str]) -> Result<(), String> {
    match v {
        None => Ok(()),
        Some(Value::String(s)) if allowed.contains(&s.as_str()) => Ok(()),
        Some(v) => Err(format!("{name} {v} is not one of {}", allowed.join(", "))),
    }
}

fn resources(v: Option<&Value>) -> Result<(), String> {
    let list = match v {
        None => return Err("required field Resources is missing".into()),
        Some(Value::Array(list)) => list,
        Some(_) => return Err("Resources is not a list".into()),
    };
    if list.is_empty() || list.len() > 32 {
        return Err(format!(
            "Resources has {} entries; 1 to 32 are allowed",
            list.len()
        ));
    }
    for (i, r) in list.iter().enumerate() {
        for key in ["Type", "Id"] {
            if !r.get(key).is_some_and(Value::is_string) {
                return Err(format!("Resources[{i}].{key} is missing or not a string"));
            }
        }
    }
    Ok(())
}

fn severity(obj: &Map<String, Value>) -> Result<(), String> {
    let label_ok = |s: &Value| -> Result<bool, String> {
        match s.get("Label") {
            None => Ok(false),
            Some(Value::String(l)) if Severity::parse(l).is_some() && l == &l.to_uppercase() => {
                Ok(true)
            }
            Some(l) => Err(format!("Severity.Label {l} is not a severity label")),
        }
    };
    let provider = obj
        .get("FindingProviderFields")
        .and_then(|f| f.get("Severity"));
    for (name, s) in [
        ("Severity", obj.get("Severity")),
        ("FindingProviderFields.Severity", provider),
    ] {
        // Typed clients cannot read a finding whose Original is not a string.
        match s.and_then(|s| s.get("Original")) {
            None | Some(Value::String(_)) => {}
            Some(v) => return Err(format!("{name}.Original {v} is not a string")),
        }
        match s.and_then(|s| s.get("Product")) {
            None | Some(Value::Number(_)) => {}
            Some(v) => return Err(format!("{name}.Product {v} is not a number")),
        }
    }
    if let Some(s) = obj.get("Severity") {
        let has_label = label_ok(s)?;
        let has_normalized = match s.get("Normalized") {
            None => false,
            Some(n) if n.as_i64().is_some_and(|n| (0..=100).contains(&n)) => true,
            Some(n) => {
                return Err(format!(
                    "Severity.Normalized {n} is not an integer from 0 to 100"
                ));
            }
        };
        if has_label || has_normalized {
            return Ok(());
        }
    }
    match obj
        .get("FindingProviderFields")
        .and_then(|f| f.get("Severity"))
    {
        Some(s) if label_ok(s)? => Ok(()),
        _ => Err("required field Severity (Label or Normalized) is missing".into()),
    }
}

fn types(obj: &Map<String, Value>) -> Result<(), String> {
    let provider = obj
        .get("FindingProviderFields")
        .and_then(|f| f.get("Types"));
    match obj.get("Types").or(provider) {
        None => Err("required field Types is missing".into()),
        Some(Value::Array(list)) if list.len() <= 50 && list.iter().all(Value::is_string) => Ok(()),
        Some(_) => Err("Types is not a list of at most 50 strings".into()),
    }
}

fn label_for(normalized: i64) -> &'static str {
    Severity::from_normalized(normalized as f64).as_str()
}

pub(crate) fn normalized_for(label: &str) -> i64 {
    match label {
        "LOW" => 1,
        "MEDIUM" => 40,
        "HIGH" => 70,
        "CRITICAL" => 90,
        _ => 0,
    }
}

/// Stores a validated finding; returns its index and whether it was new.
pub(crate) fn import(
    store: &mut FindingStore,
    mut doc: Value,
    now: &str,
    caller: &str,
) -> (usize, bool) {
    let Some(obj) = doc.as_object_mut() else {
        return (0, false);
    };
    fill_severity_and_types(obj);
    let id = obj
        .get("Id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let arn = obj
        .get("ProductArn")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let existing = store.find(&id, &arn);
    match existing {
        Some(i) => {
            let old = store.items[i].doc.clone();
            for key in CUSTOMER_OWNED {
                match old.get(key) {
                    Some(v) => obj.insert(key.to_string(), v.clone()),
                    None => obj.remove(key),
                };
            }
        }
        None => {
            obj.entry("Workflow")
                .or_insert_with(|| json!({"Status": "NEW"}));
            obj.entry("WorkflowState").or_insert_with(|| json!("NEW"));
            obj.entry("RecordState").or_insert_with(|| json!("ACTIVE"));
        }
    }
    // Security Hub fills Region on every import, not only the first: a re-import that
    // omits it must not leave the finding without one.
    if !obj.contains_key("Region") {
        let region = arn.split(':').nth(3).unwrap_or_default();
        obj.insert("Region".into(), json!(region));
    }
    obj.insert("ProcessedAt".into(), json!(now));
    let index = store.put(existing, doc);
    store.record_history(
        index,
        json!({
            "FindingIdentifier": {"Id": id, "ProductArn": arn},
            "UpdateTime": now,
            "FindingCreated": existing.is_none(),
            "UpdateSource": {"Type": "BATCH_IMPORT_FINDINGS", "Identity": caller},
            "Updates": [],
        }),
    );
    (index, existing.is_none())
}

/// Security Hub derives Severity.Label from Normalized (and back), and takes Severity and
/// Types from FindingProviderFields when the top level lacks them.
fn fill_severity_and_types(obj: &mut Map<String, Value>) {
    let provider = obj
        .get("FindingProviderFields")
        .cloned()
        .unwrap_or(Value::Null);
    if let (false, Some(t)) = (obj.contains_key("Types"), provider.get("Types")) {
        obj.insert("Types".into(), t.clone());
    }
    let severity = obj.entry("Severity").or_insert_with(|| json!({}));
    let Some(severity) = severity.as_object_mut() else {
        return;
    };
    if !severity.contains_key("Label") && !severity.contains_key("Normalized") {
        if let Some(label) = provider.get("Severity").and_then(|s| s.get("Label")) {
            severity.insert("Label".into(), label.clone());
        }
        if let Some(original) = provider.get("Severity").and_then(|s| s.get("Original")) {
            severity.insert("Original".into(), original.clone());
        }
    }
    match (
        severity.get("Label").and_then(Value::as_str),
        severity.get("Normalized").and_then(Value::as_i64),
    ) {
        (Some(label), None) => {
            let n = normalized_for(label);
            severity.insert("Normalized".into(), json!(n));
        }
        (None, Some(n)) => {
            severity.insert("Label".into(), json!(label_for(n)));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    //! secdeck's own IoT audit mapping (`domain::iot_asff`) must give findings that
    //! BatchImportFindings accepts: checked here, where the validation lives, so the domain
    //! does not depend on the sandbox.

    use super::validate;
    use crate::domain::iot::{AuditFinding, findings_from_json};
    use crate::domain::iot_asff::{AsffTarget, PreviousImport, plan_import, to_asff};
    use serde_json::Value;

    fn target() -> AsffTarget {
        AsffTarget {
            account: "123456789012".into(),
            region: "us-west-2".into(),
            now: "2026-11-25T12:00:00.000Z".into(),
        }
    }

    #[test]
    fn a_mapped_iot_audit_finding_passes_import_validation() {
        let v: Value = serde_json::from_str(include_str!(
            "../../../tests/fixtures/iot-audit/describe-audit-finding-iot-policy-overly-permissive.json"
        ))
        .unwrap();
        let finding: AuditFinding = serde_json::from_value(v["finding"].clone()).unwrap();
        validate(&to_asff(&target(), &finding, None)).unwrap();
    }

    #[test]
    fn the_archive_documents_of_a_compliant_audit_pass_import_validation() {
        let v: Value = serde_json::from_str(include_str!(
            "../../../tests/fixtures/iot-audit/list-audit-findings-device-cert-expiring-medium.json"
        ))
        .unwrap();
        let (t, checks) = (
            target(),
            vec!["DEVICE_CERTIFICATE_EXPIRING_CHECK".to_string()],
        );
        let first = plan_import(&t, "t1", &checks, &findings_from_json(&v).unwrap(), &[]);
        let previous: Vec<PreviousImport> = first
            .documents()
            .map(|d| PreviousImport::from_asff(&t, d).unwrap())
            .collect();
        let plan = plan_import(&t, "t2", &checks, &[], &previous);
        assert!(!plan.archive.is_empty());
        for doc in plan.documents() {
            validate(doc).unwrap();
        }
    }
}
