//! GetFindingV2's `findingDetails` for every finding type, in the model's shapes: external
//! and internal access (principal, actions, condition; internal adds access type, principal
//! type and owner), and the unused-access details (one `unusedPermissionDetails` per
//! service namespace, last accessed times, access key ids).

use serde_json::{Value, json};

use super::store::Finding;

/// The `findingDetails` list of `f`.
pub(super) fn finding_details(f: &Finding) -> Vec<Value> {
    let details = f.details.clone().unwrap_or(Value::Null);
    match f.finding_type.as_str() {
        "ExternalAccess" => vec![json!({"externalAccessDetails": {
            "action": f.action, "condition": f.condition,
            "isPublic": f.is_public, "principal": f.principal,
        }})],
        "InternalAccess" => {
            let mut d = json!({
                "action": f.action, "condition": f.condition, "principal": f.principal,
            });
            if let Value::Object(extra) = details {
                for key in [
                    "accessType",
                    "principalType",
                    "principalOwnerAccount",
                    "sources",
                    "resourceControlPolicyRestriction",
                    "serviceControlPolicyRestriction",
                ] {
                    if let Some(v) = extra.get(key) {
                        d[key] = v.clone();
                    }
                }
            }
            vec![json!({"internalAccessDetails": d})]
        }
        // One entry per service namespace (the model's list of FindingDetails).
        "UnusedPermission" => {
            let per_service = match details {
                Value::Array(items) => items,
                Value::Object(_) => vec![details],
                _ => vec![json!({"serviceNamespace": "iam"})],
            };
            per_service
                .into_iter()
                .map(|d| json!({"unusedPermissionDetails": d}))
                .collect()
        }
        "UnusedIAMRole" => vec![json!({"unusedIamRoleDetails": object_or_empty(details)})],
        "UnusedIAMUserAccessKey" => vec![json!({"unusedIamUserAccessKeyDetails": match details {
            Value::Object(_) => details,
            _ => json!({"accessKeyId": "AKIAIOSFODNN7EXAMPLE"}),
        }})],
        "UnusedIAMUserPassword" => {
            vec![json!({"unusedIamUserPasswordDetails": object_or_empty(details)})]
        }
        _ => Vec::new(),
    }
}

fn object_or_empty(v: Value) -> Value {
    if v.is_object() { v } else { json!({}) }
}

/// The unused actions of an UnusedPermission finding: (service namespace, its unused
/// actions; empty when the whole service is unused).
pub(super) fn unused_services(f: &Finding) -> Vec<(String, Vec<String>)> {
    let items = match &f.details {
        Some(Value::Array(items)) => items.clone(),
        Some(one @ Value::Object(_)) => vec![one.clone()],
        _ => Vec::new(),
    };
    items
        .iter()
        .filter_map(|d| {
            let ns = d.get("serviceNamespace")?.as_str()?.to_ascii_lowercase();
            let actions = d
                .get("actions")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.get("action").and_then(Value::as_str))
                        .map(str::to_ascii_lowercase)
                        .collect()
                })
                .unwrap_or_default();
            Some((ns, actions))
        })
        .collect()
}
