//! BatchUpdateFindings: the analyst-owned fields (Note, Severity, Workflow, ...), with
//! per-finding results, no change to UpdatedAt (as AWS), and a history entry holding
//! each changed field's before and after for GetFindingHistory. Injected item faults
//! turn chosen findings into UnprocessedFindings.

use std::collections::HashSet;

use serde_json::{Value, json};

use super::import::normalized_for;
use super::store::FindingStore;
use crate::domain::finding::Severity;
use crate::sandbox::protocol::ServiceError;

const MAX_IDENTIFIERS: usize = 100;
const MAX_NOTE: usize = 512;

pub(crate) fn batch_update(
    store: &mut FindingStore,
    params: &Value,
    now: &str,
    caller: &str,
    injected: &mut dyn FnMut(&str) -> Option<(String, String)>,
) -> Result<Value, ServiceError> {
    let ids = identifiers(params)?;
    let changes = requested_changes(params, now)?;
    let mut seen = HashSet::new();
    let mut processed = Vec::new();
    let mut unprocessed = Vec::new();
    for (id, arn) in ids {
        let identifier = json!({"Id": id, "ProductArn": arn});
        if !seen.insert((id.clone(), arn.clone())) {
            unprocessed.push(json!({"FindingIdentifier": identifier, "ErrorCode": "DuplicatedFindingIdentifier", "ErrorMessage": "Finding Identifier is duplicated"}));
            continue;
        }
        let Some(index) = store.find(&id, &arn) else {
            unprocessed.push(json!({"FindingIdentifier": identifier, "ErrorCode": "FindingNotFound", "ErrorMessage": "Finding Not Found"}));
            continue;
        };
        // Injected UnprocessedFindings: the call succeeds, this finding is left alone.
        if let Some((code, message)) = injected(&id) {
            unprocessed.push(json!({"FindingIdentifier": identifier, "ErrorCode": code, "ErrorMessage": message}));
            continue;
        }
        let mut doc = store.items[index].doc.as_ref().clone();
        let mut updates = Vec::new();
        if let Some(obj) = doc.as_object_mut() {
            for (field, value) in &changes {
                let new = merged(obj.get(*field), field, value);
                let old = obj.get(*field).cloned();
                if old != new {
                    let text =
                        |v: &Option<Value>| v.as_ref().map(Value::to_string).unwrap_or_default();
                    updates.push(json!({
                        "UpdatedField": field,
                        "OldValue": text(&old),
                        "NewValue": text(&new),
                    }));
                    match new {
                        Some(new) => obj.insert((*field).to_string(), new),
                        None => obj.remove(*field),
                    };
                }
            }
        }
        if !updates.is_empty() {
            store.put(Some(index), doc);
            store.record_history(
                index,
                json!({
                    "FindingIdentifier": identifier,
                    "UpdateTime": now,
                    "FindingCreated": false,
                    "UpdateSource": {"Type": "BATCH_UPDATE_FINDINGS", "Identity": caller},
                    "Updates": updates,
                }),
            );
        }
        processed.push(identifier);
    }
    Ok(json!({"ProcessedFindings": processed, "UnprocessedFindings": unprocessed}))
}

/// The new value of a top-level field (`None`: remove it): maps merge (UserDefinedFields,
/// Severity), the rest replace. A user-defined field given an empty value is deleted, and
/// an empty map of them is no field at all.
fn merged(old: Option<&Value>, field: &str, value: &Value) -> Option<Value> {
    match (field, old, value) {
        ("UserDefinedFields", old, Value::Object(new)) => {
            let mut out = old.and_then(Value::as_object).cloned().unwrap_or_default();
            for (k, v) in new {
                if v.as_str().is_some_and(str::is_empty) {
                    out.remove(k);
                } else {
                    out.insert(k.clone(), v.clone());
                }
            }
            (!out.is_empty()).then_some(Value::Object(out))
        }
        ("Severity", Some(Value::Object(old)), Value::Object(new)) => {
            let mut out = old.clone();
            out.extend(new.clone());
            Some(Value::Object(out))
        }
        _ => Some(value.clone()),
    }
}

fn identifiers(params: &Value) -> Result<Vec<(String, String)>, ServiceError> {
    let list = params
        .get("FindingIdentifiers")
        .and_then(Value::as_array)
        .ok_or_else(|| ServiceError::invalid_input("FindingIdentifiers is required"))?;
    if list.is_empty() || list.len() > MAX_IDENTIFIERS {
        return Err(ServiceError::invalid_input(format!(
            "FindingIdentifiers has {} entries; 1 to {MAX_IDENTIFIERS} are allowed",
            list.len()
        )));
    }
    list.iter()
        .enumerate()
        .map(|(i, f)| {
            let field = |k: &str| {
                f.get(k)
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .ok_or_else(|| {
                        ServiceError::invalid_input(format!(
                            "FindingIdentifiers[{i}].{k} is required"
                        ))
                    })
            };
            Ok((field("Id")?, field("ProductArn")?))
        })
        .collect()
}

fn enum_value(v: &Value, name: &str, allowed: &[&str]) -> Result<Value, ServiceError> {
    match v.as_str() {
        Some(s) if allowed.contains(&s) => Ok(v.clone()),
        _ => Err(ServiceError::invalid_input(format!(
            "{name} {v} is not one of {}",
            allowed.join(", ")
        ))),
    }
}

fn percent(v: &Value, name: &str) -> Result<Value, ServiceError> {
    v.as_i64()
        .filter(|n| (0..=100).contains(n))
        .map(|_| v.clone())
        .ok_or_else(|| {
            ServiceError::invalid_input(format!("{name} {v} is not an integer from 0 to 100"))
        })
}

/// Validates the update and returns (top-level field, value to set or merge). One block
/// per updatable field (Note, Severity, VerificationState, ...): kept as one function (over
/// 100 lines) so the whole list of what BatchUpdateFindings may change is in one place.
fn requested_changes(
    params: &Value,
    now: &str,
) -> Result<Vec<(&'static str, Value)>, ServiceError> {
    let mut out = Vec::new();
    if let Some(note) = params.get("Note") {
        let text = note.get("Text").and_then(Value::as_str);
        let by = note.get("UpdatedBy").and_then(Value::as_str);
        let (Some(text), Some(by)) = (text, by) else {
            return Err(ServiceError::invalid_input(
                "Note requires both Text and UpdatedBy",
            ));
        };
        if text.chars().count() > MAX_NOTE {
            return Err(ServiceError::invalid_input(format!(
                "Note.Text is longer than {MAX_NOTE} characters"
            )));
        }
        out.push((
            "Note",
            json!({"Text": text, "UpdatedBy": by, "UpdatedAt": now}),
        ));
    }
    if let Some(severity) = params.get("Severity") {
        let mut s = serde_json::Map::new();
        if let Some(label) = severity.get("Label") {
            let labels: Vec<&str> = Severity::ALL.iter().map(|s| s.as_str()).collect();
            enum_value(label, "Severity.Label", &labels)?;
            s.insert("Label".into(), label.clone());
            s.insert(
                "Normalized".into(),
                json!(normalized_for(label.as_str().unwrap_or_default())),
            );
        } else if let Some(n) = severity.get("Normalized") {
            percent(n, "Severity.Normalized")?;
            let label = Severity::from_normalized(n.as_f64().unwrap_or_default());
            s.insert("Normalized".into(), n.clone());
            s.insert("Label".into(), json!(label.as_str()));
        }
        if let Some(p) = severity.get("Product") {
            s.insert("Product".into(), p.clone());
        }
        out.push(("Severity", Value::Object(s)));
    }
    if let Some(v) = params.get("VerificationState") {
        let allowed = [
            "UNKNOWN",
            "TRUE_POSITIVE",
            "FALSE_POSITIVE",
            "BENIGN_POSITIVE",
        ];
        out.push((
            "VerificationState",
            enum_value(v, "VerificationState", &allowed)?,
        ));
    }
    for name in ["Confidence", "Criticality"] {
        if let Some(v) = params.get(name) {
            out.push((
                if name == "Confidence" {
                    "Confidence"
                } else {
                    "Criticality"
                },
                percent(v, name)?,
            ));
        }
    }
    if let Some(v) = params.get("Types") {
        let ok = v
            .as_array()
            .is_some_and(|t| t.len() <= 50 && t.iter().all(Value::is_string));
        if !ok {
            return Err(ServiceError::invalid_input(
                "Types must be a list of at most 50 strings",
            ));
        }
        out.push(("Types", v.clone()));
    }
    if let Some(v) = params.get("UserDefinedFields") {
        let ok = v
            .as_object()
            .is_some_and(|m| m.len() <= 50 && m.values().all(Value::is_string));
        if !ok {
            return Err(ServiceError::invalid_input(
                "UserDefinedFields must map at most 50 names to strings",
            ));
        }
        out.push(("UserDefinedFields", v.clone()));
    }
    if let Some(status) = params.get("Workflow").and_then(|w| w.get("Status")) {
        let allowed = ["NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"];
        enum_value(status, "Workflow.Status", &allowed)?;
        out.push(("Workflow", json!({"Status": status})));
    }
    if let Some(v) = params.get("RelatedFindings") {
        let ok = v.as_array().is_some_and(|r| {
            r.len() <= 10
                && r.iter().all(|f| {
                    f.get("Id").is_some_and(Value::is_string)
                        && f.get("ProductArn").is_some_and(Value::is_string)
                })
        });
        if !ok {
            return Err(ServiceError::invalid_input(
                "RelatedFindings must be at most 10 {Id, ProductArn}",
            ));
        }
        out.push(("RelatedFindings", v.clone()));
    }
    Ok(out)
}
