//! The audit checks an on-demand audit runs over the sandbox's policies and certificates.
//! Simplified versions of AWS's rules, enough to produce the findings a user would see:
//! a policy allowing `iot:*` on `*` is overly permissive, an expired certificate is
//! expiring, and so on. Suppressions in force flag their findings.

use std::collections::BTreeMap;

use serde_json::Value;

use super::store::{IotStore, StoredTask};
use crate::domain::finding::Severity;
use crate::domain::iot::{
    AuditFinding, AuditResource, AuditTask, CheckDetails, PolicyVersionId, ResourceIdentifier,
    TaskStatistics,
};

/// Thirty days: the expiring-certificate check's horizon.
const EXPIRY_HORIZON: f64 = 30.0 * 86_400.0;

/// Actions that, allowed on every resource, give broad data-plane access.
const DATA_PLANE: [&str; 4] = ["iot:connect", "iot:publish", "iot:subscribe", "iot:receive"];

/// Runs `checks` now and returns the completed task.
pub fn run_audit(store: &mut IotStore, task_type: &str, checks: &[String], now: f64) -> StoredTask {
    let task_id = store.new_id(task_type);
    let mut details = BTreeMap::new();
    let mut findings = Vec::new();
    for check in checks {
        let (total, found) = run_check(store, check, now);
        let mut d = CheckDetails {
            total_resources_count: total,
            ..Default::default()
        };
        let found: Vec<AuditFinding> = found
            .into_iter()
            .map(|(severity, resource, code, reason)| {
                let finding_id = store.new_id(check);
                let is_suppressed = store.suppressions.iter().any(|s| {
                    s.check_name == *check
                        && s.resource_identifier == resource.resource_identifier
                        && s.active_at(now)
                });
                AuditFinding {
                    finding_id: Some(finding_id),
                    task_id: task_id.clone(),
                    check_name: check.clone(),
                    task_start_time: Some(now),
                    finding_time: Some(now),
                    severity: Some(severity),
                    non_compliant_resource: resource,
                    related_resources: Vec::new(),
                    reason_for_non_compliance: reason,
                    reason_for_non_compliance_code: code.to_string(),
                    is_suppressed,
                }
            })
            .collect();
        d.non_compliant_resources_count = found.len() as i64;
        d.suppressed_non_compliant_resources_count =
            found.iter().filter(|f| f.is_suppressed).count() as i64;
        d.check_compliant = Some(found.is_empty());
        d.check_run_status = if found.is_empty() {
            "COMPLETED_COMPLIANT".into()
        } else {
            "COMPLETED_NON_COMPLIANT".into()
        };
        details.insert(check.clone(), d);
        findings.extend(found);
    }
    let task = AuditTask {
        task_id,
        task_status: "COMPLETED".into(),
        task_type: task_type.into(),
        task_start_time: Some(now),
        scheduled_audit_name: None,
        task_statistics: statistics(&details),
        audit_details: details,
    };
    StoredTask { task, findings }
}

pub fn statistics(details: &BTreeMap<String, CheckDetails>) -> TaskStatistics {
    let count = |status: &str| {
        details
            .values()
            .filter(|d| d.check_run_status == status)
            .count() as i64
    };
    TaskStatistics {
        total_checks: details.len() as i64,
        compliant_checks: count("COMPLETED_COMPLIANT"),
        non_compliant_checks: count("COMPLETED_NON_COMPLIANT"),
        failed_checks: count("FAILED"),
        in_progress_checks: count("IN_PROGRESS"),
        ..Default::default()
    }
}

type Found = (Severity, AuditResource, &'static str, String);

fn cert_resource(id: &str) -> AuditResource {
    AuditResource {
        resource_type: "DEVICE_CERTIFICATE".into(),
        resource_identifier: ResourceIdentifier {
            device_certificate_id: Some(id.to_string()),
            ..Default::default()
        },
        additional_info: Default::default(),
    }
}

/// (resources inspected, non-compliant ones) for one check. One arm per emulated audit
/// check: kept together (over 100 lines) as the table of what each check looks at.
fn run_check(store: &IotStore, check: &str, now: f64) -> (i64, Vec<Found>) {
    let certs = &store.certificates;
    let active = || certs.iter().filter(|c| c.status == "ACTIVE");
    match check {
        "IOT_POLICY_OVERLY_PERMISSIVE_CHECK" => {
            let found = store
                .policies
                .values()
                .filter_map(|p| {
                    let v = p.default_document()?;
                    let actions = broad_actions(&v.document)?;
                    let resource = AuditResource {
                        resource_type: "IOT_POLICY".into(),
                        resource_identifier: ResourceIdentifier {
                            policy_version_identifier: Some(PolicyVersionId {
                                policy_name: p.name.clone(),
                                policy_version_id: Some(v.version_id.to_string()),
                            }),
                            ..Default::default()
                        },
                        additional_info: Default::default(),
                    };
                    Some((
                        Severity::Critical,
                        resource,
                        "ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS",
                        format!(
                            "Policy allows broad access to IoT data plane actions: [{}].",
                            actions.join(", ")
                        ),
                    ))
                })
                .collect();
            (store.policies.len() as i64, found)
        }
        "DEVICE_CERTIFICATE_EXPIRING_CHECK" => {
            let found = active()
                .filter(|c| c.not_after < now + EXPIRY_HORIZON)
                .map(|c| {
                    let mut r = cert_resource(&c.id);
                    r.additional_info.insert(
                        "EXPIRATION_TIME".into(),
                        format!("{}", (c.not_after * 1000.0) as i64),
                    );
                    let (code, reason) = if c.not_after <= now {
                        (
                            "CERTIFICATE_PAST_EXPIRATION",
                            "Certificate is past its expiration.",
                        )
                    } else {
                        (
                            "CERTIFICATE_APPROACHING_EXPIRATION",
                            "Certificate is approaching its expiration.",
                        )
                    };
                    (Severity::Medium, r, code, reason.to_string())
                })
                .collect();
            (active().count() as i64, found)
        }
        "DEVICE_CERTIFICATE_SHARED_CHECK" => {
            let found = active()
                .filter(|c| c.clients.len() > 1)
                .map(|c| {
                    (
                        Severity::Critical,
                        cert_resource(&c.id),
                        "CERTIFICATE_SHARED_BY_MULTIPLE_DEVICES",
                        "Certificate shared by one or more devices.".to_string(),
                    )
                })
                .collect();
            (active().count() as i64, found)
        }
        "DEVICE_CERTIFICATE_KEY_QUALITY_CHECK" => {
            let found = active()
                .filter(|c| c.key_bits < 2048)
                .map(|c| {
                    let mut r = cert_resource(&c.id);
                    r.additional_info
                        .insert("KEY_SIZE".into(), c.key_bits.to_string());
                    (
                        Severity::Critical,
                        r,
                        "CERTIFICATE_KEY_TOO_SHORT",
                        format!("Certificate uses a {}-bit RSA key.", c.key_bits),
                    )
                })
                .collect();
            (active().count() as i64, found)
        }
        "REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK" => {
            let found = active()
                .filter(|c| c.revoked_by_ca)
                .map(|c| {
                    (
                        Severity::Medium,
                        cert_resource(&c.id),
                        "REVOKED_BY_ISSUER",
                        "Certificate was revoked by its CA but is still active.".to_string(),
                    )
                })
                .collect();
            (active().count() as i64, found)
        }
        "LOGGING_DISABLED_CHECK" => {
            let found = if store.logging_enabled {
                Vec::new()
            } else {
                vec![(
                    Severity::Low,
                    AuditResource {
                        resource_type: "ACCOUNT_SETTINGS".into(),
                        resource_identifier: ResourceIdentifier {
                            account: Some(account_of(store)),
                            ..Default::default()
                        },
                        additional_info: Default::default(),
                    },
                    "LOGGING_DISABLED",
                    "AWS IoT logs are not enabled.".to_string(),
                )]
            };
            (1, found)
        }
        _ => (0, Vec::new()),
    }
}

fn account_of(store: &IotStore) -> String {
    store
        .config
        .role_arn
        .as_deref()
        .and_then(|a| a.split(':').nth(4))
        .unwrap_or_default()
        .to_string()
}

fn as_list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

/// The data-plane actions an Allow statement grants on every resource (`*`), if any.
pub fn broad_actions(document: &str) -> Option<Vec<String>> {
    let doc: Value = serde_json::from_str(document).ok()?;
    let statements = match doc.get("Statement") {
        Some(Value::Array(a)) => a.clone(),
        Some(s @ Value::Object(_)) => vec![s.clone()],
        _ => return None,
    };
    let mut granted: Vec<String> = Vec::new();
    for s in statements {
        if s.get("Effect").and_then(Value::as_str) != Some("Allow") {
            continue;
        }
        let resources = as_list(s.get("Resource"));
        if !resources.iter().any(|r| r == "*" || r.ends_with(":*")) {
            continue;
        }
        for action in as_list(s.get("Action")) {
            let a = action.to_ascii_lowercase();
            if a == "*" || a == "iot:*" {
                granted.extend(DATA_PLANE.iter().map(|d| display_action(d)));
            } else if DATA_PLANE.contains(&a.as_str()) {
                granted.push(display_action(&a));
            }
        }
    }
    granted.sort();
    granted.dedup();
    (!granted.is_empty()).then_some(granted)
}

fn display_action(a: &str) -> String {
    let name = a.trim_start_matches("iot:");
    let mut chars = name.chars();
    let first = chars.next().map(|c| c.to_ascii_uppercase());
    format!(
        "iot:{}{}",
        first.map(String::from).unwrap_or_default(),
        chars.as_str()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iot_star_on_star_is_broad_and_a_scoped_policy_is_not() {
        let broad = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"}]}"#;
        assert_eq!(
            broad_actions(broad).unwrap(),
            vec!["iot:Connect", "iot:Publish", "iot:Receive", "iot:Subscribe"]
        );
        let scoped = r#"{"Statement":[{"Effect":"Allow","Action":["iot:Connect"],"Resource":"arn:aws:iot:us-east-1:1:client/${iot:ClientId}"}]}"#;
        assert!(broad_actions(scoped).is_none());
        let deny = r#"{"Statement":{"Effect":"Deny","Action":"iot:*","Resource":"*"}}"#;
        assert!(broad_actions(deny).is_none());
    }
}
