//! StartAuditMitigationActionsTask: applies the chosen actions to the targeted findings
//! and records one execution per finding and action, with its own status (reported as
//! the task progresses, see `mitigation_progress.rs`).

use serde_json::{Value, json};

use super::handlers::{CheckActions, new_mitigation_task};
use super::{conflict, invalid, not_found};
use crate::domain::iot::{AuditFinding, MitigationExecution};
use crate::sandbox::dispatch::Ctx;
use crate::sandbox::protocol::ServiceError;

/// Most findings one task may target by id.
const MAX_FINDING_IDS: usize = 25;

/// StartAuditMitigationActionsTask: the parameter checks (task id, target, mapping, the
/// actions exist, the findings exist) and then the task. Kept as one function (over 100
/// lines) so the checks read in the order they are made.
pub(super) fn start(ctx: &Ctx, p: &Value) -> Result<Value, ServiceError> {
    let task_id = p
        .get("taskId")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| invalid("taskId is required"))?
        .to_string();
    let target = p
        .get("target")
        .ok_or_else(|| invalid("target is required"))?;
    let mapping: CheckActions = p
        .get("auditCheckToActionsMapping")
        .cloned()
        .map(serde_json::from_value)
        .transpose()
        .map_err(|e| invalid(format!("auditCheckToActionsMapping: {e}")))?
        .unwrap_or_default();
    if mapping.is_empty() {
        return Err(invalid("auditCheckToActionsMapping is required"));
    }
    let mut store = ctx.shared.iot_write();
    if store
        .mitigation_tasks
        .iter()
        .any(|t| t.meta.task_id == task_id)
    {
        return Err(conflict(format!(
            "mitigation task {task_id} already exists"
        )));
    }
    for name in mapping.values().flatten() {
        if !store
            .mitigation_actions
            .iter()
            .any(|a| &a.action_name == name)
        {
            return Err(not_found(format!("mitigation action {name} not found")));
        }
    }
    let finding_ids: Option<Vec<String>> =
        target.get("findingIds").and_then(Value::as_array).map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        });
    let audit_task_id = target.get("auditTaskId").and_then(Value::as_str);
    let findings: Vec<AuditFinding> = match (&finding_ids, audit_task_id) {
        (Some(ids), _) => {
            if ids.is_empty() || ids.len() > MAX_FINDING_IDS {
                return Err(invalid(format!(
                    "findingIds must list 1 to {MAX_FINDING_IDS} findings"
                )));
            }
            let all: Vec<&AuditFinding> = store.tasks.iter().flat_map(|t| &t.findings).collect();
            ids.iter()
                .map(|id| {
                    all.iter()
                        .find(|f| f.finding_id.as_deref() == Some(id))
                        .map(|f| (*f).clone())
                        .ok_or_else(|| not_found(format!("finding {id} not found")))
                })
                .collect::<Result<_, _>>()?
        }
        (None, Some(id)) => store
            .task(id)
            .ok_or_else(|| not_found(format!("audit task {id} not found")))?
            .findings
            .clone(),
        (None, None) => return Err(invalid("target needs findingIds or auditTaskId")),
    };
    let audit_task = audit_task_id
        .map(str::to_string)
        .or_else(|| findings.first().map(|f| f.task_id.clone()))
        .unwrap_or_default();
    let mut executions = Vec::new();
    for f in &findings {
        let Some(actions) = mapping.get(&f.check_name) else {
            continue;
        };
        for name in actions {
            let kind = store
                .mitigation_actions
                .iter()
                .find(|a| &a.action_name == name)
                .map(|a| a.action_type.clone())
                .unwrap_or_default();
            let (status, error) = apply(&mut store, &kind, f);
            executions.push(MitigationExecution {
                task_id: task_id.clone(),
                finding_id: f.finding_id.clone().unwrap_or_default(),
                action_name: name.clone(),
                status: status.to_string(),
                error_code: error
                    .as_ref()
                    .map(|_| "InvalidRequestException".to_string()),
                message: error,
            });
        }
    }
    let task = new_mitigation_task(&task_id, &audit_task, executions);
    store.start_mitigation(task);
    Ok(json!({"taskId": task_id}))
}

/// Performs one action on one finding's resource: (status, error message).
fn apply(
    store: &mut super::store::IotStore,
    kind: &str,
    f: &AuditFinding,
) -> (&'static str, Option<String>) {
    let id = &f.non_compliant_resource.resource_identifier;
    match kind {
        "UPDATE_DEVICE_CERTIFICATE" => match &id.device_certificate_id {
            Some(cert) => {
                if let Some(c) = store.certificates.iter_mut().find(|c| &c.id == cert) {
                    c.status = "INACTIVE".into();
                }
                ("COMPLETED", None)
            }
            None => (
                "FAILED",
                Some("the finding's resource is not a device certificate".into()),
            ),
        },
        "REPLACE_DEFAULT_POLICY_VERSION" => match &id.policy_version_identifier {
            Some(p) => {
                let restrictive = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#;
                store.put_policy(&p.policy_name, restrictive, super::now_secs());
                if let Some(policy) = store.policies.get_mut(&p.policy_name) {
                    policy.default_version = policy.next_version - 1;
                }
                ("COMPLETED", None)
            }
            None => (
                "FAILED",
                Some("the finding's resource is not an IoT policy".into()),
            ),
        },
        "ENABLE_IOT_LOGGING" => {
            store.logging_enabled = true;
            ("COMPLETED", None)
        }
        "PUBLISH_FINDING_TO_SNS" => ("COMPLETED", None),
        _ => (
            "SKIPPED",
            Some(format!("action type {kind} does not apply to this finding")),
        ),
    }
}
