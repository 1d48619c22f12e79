//! IoT Device Defender audits as plain data: configuration, tasks with per-check counts,
//! findings and their non-compliant resources, suppressions and mitigation actions.
//! Field names follow the IoT API's JSON (camelCase), so the sandbox, the SDK adapter
//! and the recorded responses in /work/shared/data all read into the same types.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::finding::Severity;

/// A policy version, the identifier IOT_POLICY resources carry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyVersionId {
    pub policy_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_version_id: Option<String>,
}

/// The issuer of a certificate (ISSUER_CERTIFICATE resources).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssuerCertificateId {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer_certificate_subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer_certificate_serial_number: Option<String>,
}

/// Which resource a finding or suppression is about; exactly one field is normally set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceIdentifier {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_certificate_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_certificate_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cognito_identity_pool_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_version_identifier: Option<PolicyVersionId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iam_role_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_alias_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer_certificate_identifier: Option<IssuerCertificateId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_certificate_arn: Option<String>,
}

impl ResourceIdentifier {
    /// A stable, human-readable key: the same resource always gives the same key, so it
    /// can be part of a Security Hub finding Id and of a suppression's identity.
    pub fn key(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut push = |kind: &str, value: &str| parts.push(format!("{kind}/{value}"));
        if let Some(p) = &self.policy_version_identifier {
            match &p.policy_version_id {
                Some(v) => push("policy", &format!("{}/{v}", p.policy_name)),
                None => push("policy", &p.policy_name),
            }
        }
        if let Some(v) = &self.device_certificate_id {
            push("cert", v);
        }
        if let Some(v) = &self.device_certificate_arn {
            push("certarn", v);
        }
        if let Some(v) = &self.ca_certificate_id {
            push("cacert", v);
        }
        if let Some(v) = &self.cognito_identity_pool_id {
            push("cognito", v);
        }
        if let Some(v) = &self.client_id {
            push("client", v);
        }
        if let Some(v) = &self.account {
            push("account", v);
        }
        if let Some(v) = &self.iam_role_arn {
            push("role", v);
        }
        if let Some(v) = &self.role_alias_arn {
            push("rolealias", v);
        }
        if let Some(i) = &self.issuer_certificate_identifier {
            let field = |f: &Option<String>| f.clone().unwrap_or_default();
            push(
                "issuer",
                &format!(
                    "{}/{}/{}",
                    field(&i.issuer_id),
                    field(&i.issuer_certificate_serial_number),
                    field(&i.issuer_certificate_subject)
                ),
            );
        }
        if parts.is_empty() {
            "unknown".to_string()
        } else {
            parts.join("+")
        }
    }

    /// What the console shows for the resource: `policy-name:1`, a certificate id, ...
    pub fn display(&self) -> String {
        if let Some(p) = &self.policy_version_identifier {
            return match &p.policy_version_id {
                Some(v) => format!("{}:{v}", p.policy_name),
                None => p.policy_name.clone(),
            };
        }
        [
            &self.device_certificate_id,
            &self.device_certificate_arn,
            &self.ca_certificate_id,
            &self.cognito_identity_pool_id,
            &self.client_id,
            &self.account,
            &self.iam_role_arn,
            &self.role_alias_arn,
        ]
        .into_iter()
        .find_map(Clone::clone)
        .unwrap_or_else(|| self.key())
    }
}

/// A resource named by a finding, with the extra facts the check reported.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditResource {
    #[serde(default)]
    pub resource_type: String,
    #[serde(default)]
    pub resource_identifier: ResourceIdentifier,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub additional_info: BTreeMap<String, String>,
}

/// One non-compliant resource found by one check of one audit task.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditFinding {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding_id: Option<String>,
    #[serde(default)]
    pub task_id: String,
    pub check_name: String,
    /// Epoch seconds, as the IoT API sends them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_start_time: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding_time: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    #[serde(default)]
    pub non_compliant_resource: AuditResource,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related_resources: Vec<AuditResource>,
    #[serde(default)]
    pub reason_for_non_compliance: String,
    #[serde(default)]
    pub reason_for_non_compliance_code: String,
    #[serde(default)]
    pub is_suppressed: bool,
}

/// Per-check results inside DescribeAuditTask's `auditDetails`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckDetails {
    #[serde(default)]
    pub check_run_status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_compliant: Option<bool>,
    #[serde(default)]
    pub total_resources_count: i64,
    #[serde(default)]
    pub non_compliant_resources_count: i64,
    #[serde(default)]
    pub suppressed_non_compliant_resources_count: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl CheckDetails {
    /// Whether the check ran to the end, so its absent findings mean "fixed". A check that
    /// failed or was cancelled says nothing about the resources it did not report.
    pub fn completed(&self) -> bool {
        matches!(
            self.check_run_status.as_str(),
            "COMPLETED_COMPLIANT" | "COMPLETED_NON_COMPLIANT"
        )
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskStatistics {
    #[serde(default)]
    pub total_checks: i64,
    #[serde(default)]
    pub in_progress_checks: i64,
    #[serde(default)]
    pub waiting_for_data_collection_checks: i64,
    #[serde(default)]
    pub compliant_checks: i64,
    #[serde(default)]
    pub non_compliant_checks: i64,
    #[serde(default)]
    pub failed_checks: i64,
    #[serde(default)]
    pub canceled_checks: i64,
}

/// An audit task: ListAuditTasks gives id, type and status; DescribeAuditTask the rest.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditTask {
    #[serde(default)]
    pub task_id: String,
    #[serde(default)]
    pub task_status: String,
    #[serde(default)]
    pub task_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_start_time: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled_audit_name: Option<String>,
    #[serde(default)]
    pub task_statistics: TaskStatistics,
    #[serde(default)]
    pub audit_details: BTreeMap<String, CheckDetails>,
}

impl AuditTask {
    /// The checks whose absence of findings proves compliance for this task.
    pub fn completed_checks(&self) -> Vec<String> {
        self.audit_details
            .iter()
            .filter(|(_, d)| d.completed())
            .map(|(c, _)| c.clone())
            .collect()
    }

    pub fn is_finished(&self) -> bool {
        matches!(
            self.task_status.as_str(),
            "COMPLETED" | "FAILED" | "CANCELED"
        )
    }

    /// (checks finished, checks in all) from the task statistics: an audit's progress.
    pub fn checks_done(&self) -> (i64, i64) {
        let st = &self.task_statistics;
        let pending = st.in_progress_checks + st.waiting_for_data_collection_checks;
        ((st.total_checks - pending).max(0), st.total_checks)
    }

    /// `on-demand` / `scheduled`, as the tasks table shows it.
    pub fn kind(&self) -> &'static str {
        match self.task_type.as_str() {
            "ON_DEMAND_AUDIT_TASK" => "on-demand",
            "SCHEDULED_AUDIT_TASK" => "scheduled",
            _ => "?",
        }
    }
}

/// A suppression: findings of `check_name` on this resource are flagged suppressed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditSuppression {
    pub check_name: String,
    pub resource_identifier: ResourceIdentifier,
    /// Epoch seconds; absent when suppressed indefinitely.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_date: Option<f64>,
    #[serde(default)]
    pub suppress_indefinitely: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Seconds in a day, for "expiring within N days".
const DAY: f64 = 86_400.0;

impl AuditSuppression {
    /// Whether this suppression covers `finding` (same check, same resource).
    pub fn covers(&self, finding: &AuditFinding) -> bool {
        self.check_name == finding.check_name
            && self.resource_identifier == finding.non_compliant_resource.resource_identifier
    }

    /// In force at `now` (epoch seconds).
    pub fn active_at(&self, now: f64) -> bool {
        self.suppress_indefinitely || self.expiration_date.is_none_or(|e| e > now)
    }

    /// Still in force but ending within `days` of `now`: the "expiring soon" list.
    pub fn expires_within(&self, now: f64, days: f64) -> bool {
        !self.suppress_indefinitely
            && self
                .expiration_date
                .is_some_and(|e| e > now && e <= now + days * DAY)
    }
}

/// Why a suppression request is refused before it is sent.
pub fn validate_suppression(s: &AuditSuppression, now: f64) -> Result<(), String> {
    let description = s.description.as_deref().unwrap_or_default().trim();
    if description.is_empty() {
        return Err("a suppression needs a description".into());
    }
    if description.chars().count() > 1000 {
        return Err("the description is longer than 1000 characters".into());
    }
    match (s.suppress_indefinitely, s.expiration_date) {
        (true, Some(_)) => Err("choose an expiry date or indefinitely, not both".into()),
        (false, None) => Err("choose an expiry date or indefinitely".into()),
        (false, Some(e)) if e <= now => Err("the expiry date is in the past".into()),
        _ => Ok(()),
    }
}

/// The account's audit configuration: which checks run and where notices go.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditConfiguration {
    pub role_arn: Option<String>,
    pub sns_target_arn: Option<String>,
    pub sns_enabled: bool,
    /// Check name -> enabled.
    pub checks: BTreeMap<String, bool>,
}

impl AuditConfiguration {
    pub fn enabled_checks(&self) -> Vec<String> {
        self.checks
            .iter()
            .filter(|(_, on)| **on)
            .map(|(c, _)| c.clone())
            .collect()
    }

    /// Reads DescribeAccountAuditConfiguration's JSON shape.
    pub fn from_json(v: &serde_json::Value) -> Self {
        let s = |path: &[&str]| {
            let mut cur = v;
            for k in path {
                cur = cur.get(k)?;
            }
            cur.as_str().map(str::to_string)
        };
        let checks = v
            .get("auditCheckConfigurations")
            .and_then(serde_json::Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, c)| {
                        let on = c.get("enabled").and_then(serde_json::Value::as_bool);
                        (k.clone(), on.unwrap_or(false))
                    })
                    .collect()
            })
            .unwrap_or_default();
        AuditConfiguration {
            role_arn: s(&["roleArn"]),
            sns_target_arn: s(&["auditNotificationTargetConfigurations", "SNS", "targetArn"]),
            sns_enabled: v
                .pointer("/auditNotificationTargetConfigurations/SNS/enabled")
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false),
            checks,
        }
    }
}

/// A mitigation action defined in the account (ListMitigationActions).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MitigationAction {
    pub action_name: String,
    #[serde(default)]
    pub action_arn: String,
    #[serde(default)]
    pub action_type: String,
}

/// One audit mitigation actions task (ListAuditMitigationActionsTasks).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MitigationTask {
    pub task_id: String,
    #[serde(default)]
    pub task_status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<f64>,
}

/// One action applied to one finding (ListAuditMitigationActionsExecutions).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MitigationExecution {
    pub task_id: String,
    pub finding_id: String,
    pub action_name: String,
    #[serde(default)]
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Findings of one check, for the grouped view.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckGroup {
    pub check_name: String,
    /// The most severe finding's severity.
    pub severity: Option<Severity>,
    pub findings: Vec<AuditFinding>,
    pub suppressed: usize,
}

/// Groups findings by check, most severe check first, then by name.
pub fn group_by_check(findings: &[AuditFinding]) -> Vec<CheckGroup> {
    let mut groups: BTreeMap<&str, Vec<AuditFinding>> = BTreeMap::new();
    for f in findings {
        groups.entry(&f.check_name).or_default().push(f.clone());
    }
    let mut out: Vec<CheckGroup> = groups
        .into_iter()
        .map(|(check, findings)| CheckGroup {
            check_name: check.to_string(),
            severity: findings.iter().filter_map(|f| f.severity).max(),
            suppressed: findings.iter().filter(|f| f.is_suppressed).count(),
            findings,
        })
        .collect();
    out.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.check_name.cmp(&b.check_name))
    });
    out
}

/// Reads a ListAuditFindings response body (`{"findings": [...]}`).
pub fn findings_from_json(v: &serde_json::Value) -> Result<Vec<AuditFinding>, String> {
    let list = v
        .get("findings")
        .cloned()
        .ok_or("the response has no `findings` list")?;
    serde_json::from_value(list).map_err(|e| format!("findings: {e}"))
}

/// Everything the audits pane shows above the findings, read in one go.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IotOverview {
    /// When it was read (epoch seconds): the pane's clock for expiry dates.
    pub now: f64,
    pub config: AuditConfiguration,
    /// Described tasks, newest first.
    pub tasks: Vec<AuditTask>,
    pub suppressions: Vec<AuditSuppression>,
    pub mitigation_actions: Vec<MitigationAction>,
    pub mitigation_tasks: Vec<MitigationTask>,
}

#[cfg(test)]
#[path = "iot_tests.rs"]
mod tests;
