//! Executes and verifies IoT changes for the mutation executor: audit imports into
//! Security Hub (batches of 100 under the quota, failures per finding, a sampled re-read),
//! suppressions, on-demand audits and mitigation tasks.

use std::collections::BTreeMap;

use crate::aws::AwsClients;
use crate::aws::iot as iot_api;
use crate::aws::retry::{Pacer, RetryPolicy};
use crate::aws::securityhub::get_findings_by_ids;
use crate::aws::securityhub_import::batch_import;
use crate::domain::finding::FindingRef;
use crate::domain::iot::AuditSuppression;
use crate::domain::iot_plan::{IotChange, IotImport};
use crate::domain::plan::{ChangeOutcome, PlannedChange, TargetFailure};

/// How many imported findings verification re-reads (spread over the whole import): a
/// full re-read of 100,000 findings would take minutes at GetFindings' 3 requests/s.
pub const VERIFY_SAMPLE: usize = 200;

/// What the executor lends an IoT change.
pub struct IotContext<'a> {
    pub clients: &'a AwsClients,
    /// GetFindings pacer (shared with the console's reads).
    pub pacer: &'a Pacer,
    pub retry: &'a RetryPolicy,
    /// Called with (findings sent, total) as an import progresses.
    pub progress: &'a (dyn Fn(usize, usize) + Send + Sync),
}

fn outcome(plan_id: &str) -> ChangeOutcome {
    ChangeOutcome {
        plan_id: plan_id.to_string(),
        succeeded: Vec::new(),
        failed: Vec::new(),
        unverified: Vec::new(),
        request_ids: Vec::new(),
        error: None,
        ..Default::default()
    }
}

pub async fn execute(cx: &IotContext<'_>, plan_id: &str, change: &IotChange) -> ChangeOutcome {
    let mut out = outcome(plan_id);
    let iot = &cx.clients.iot;
    let result: Result<(), crate::aws::AwsError> = async {
        match change {
            IotChange::Import(import) => {
                out = import_audit(cx, plan_id, import).await;
            }
            IotChange::CreateSuppression { suppression } => {
                iot_api::create_suppression(iot, suppression).await?;
                out.succeeded = change.targets();
                out.unverified = verify_suppression(cx, suppression, Some(suppression)).await;
            }
            IotChange::UpdateSuppression { after, .. } => {
                iot_api::update_suppression(iot, after).await?;
                out.succeeded = change.targets();
                out.unverified = verify_suppression(cx, after, Some(after)).await;
            }
            IotChange::DeleteSuppression { suppression } => {
                iot_api::delete_suppression(
                    iot,
                    &suppression.check_name,
                    &suppression.resource_identifier,
                )
                .await?;
                out.succeeded = change.targets();
                out.unverified = verify_suppression(cx, suppression, None).await;
            }
            IotChange::StartAudit { checks } => {
                let task_id = iot_api::start_on_demand_audit(iot, checks).await?;
                if iot_api::describe_audit_task(iot, &task_id, cx.retry)
                    .await
                    .is_err()
                {
                    out.unverified.push(task_id.clone());
                }
                out.succeeded.push(task_id);
            }
            IotChange::StartMitigation {
                task_id,
                finding_ids,
                actions,
            } => {
                iot_api::start_mitigation_task(iot, task_id, finding_ids, actions).await?;
                let (ok, failed, running) = mitigation_statuses(cx, task_id, finding_ids).await;
                out.succeeded = ok;
                out.failed = failed;
                // Still PENDING / IN_PROGRESS: not a success yet; the console follows them.
                out.unverified = running;
            }
        }
        Ok(())
    }
    .await;
    if let Err(e) = result {
        out.error = Some(e.to_string());
    }
    out
}

async fn import_audit(cx: &IotContext<'_>, plan_id: &str, import: &IotImport) -> ChangeOutcome {
    let mut out = outcome(plan_id);
    let pacer = if cx.pacer.is_unlimited() {
        Pacer::unlimited()
    } else {
        Pacer::batch_write()
    };
    let total = import.documents.len();
    let result = batch_import(
        &cx.clients.securityhub,
        &import.documents,
        &pacer,
        cx.retry,
        |sent| (cx.progress)(sent, total),
    )
    .await;
    out.request_ids = result.request_ids;
    out.failed = result
        .failed
        .into_iter()
        .map(|(target, code, message)| TargetFailure {
            target,
            code,
            message,
        })
        .collect();
    if result.succeeded.is_empty() && !result.call_errors.is_empty() {
        out.error = Some(result.call_errors.join("; "));
    }
    out.unverified = verify_import(cx, import, &result.succeeded).await;
    out.succeeded = result.succeeded;
    out
}

/// Re-reads a sample of the imported findings; returns those not showing the import.
async fn verify_import(
    cx: &IotContext<'_>,
    import: &IotImport,
    succeeded: &[String],
) -> Vec<String> {
    if succeeded.is_empty() {
        return Vec::new();
    }
    let step = succeeded.len().div_ceil(VERIFY_SAMPLE).max(1);
    let sample: Vec<&String> = succeeded.iter().step_by(step).collect();
    let expected = import.expected_states();
    let updated_at: BTreeMap<String, String> = import
        .documents
        .iter()
        .filter_map(|d| {
            Some((
                d.get("Id")?.as_str()?.to_string(),
                d.get("UpdatedAt")?.as_str()?.to_string(),
            ))
        })
        .collect();
    let product_arn = import
        .documents
        .first()
        .and_then(|d| d.get("ProductArn"))
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string();
    let refs: Vec<FindingRef> = sample
        .iter()
        .map(|id| FindingRef {
            id: (*id).clone(),
            product_arn: product_arn.clone(),
        })
        .collect();
    match get_findings_by_ids(&cx.clients.securityhub, &refs, cx.pacer, cx.retry).await {
        Ok(found) => sample
            .into_iter()
            .filter(|id| {
                !found.iter().any(|f| {
                    &&f.id == id
                        && expected.get(*id) == Some(&f.record_state)
                        && updated_at.get(*id) == Some(&f.updated_at)
                })
            })
            .cloned()
            .collect(),
        Err(e) => {
            tracing::warn!(error = %e, "import verification read failed");
            sample.into_iter().cloned().collect()
        }
    }
}

/// Whether the suppression list now shows `expect` (or no suppression, for a delete).
async fn verify_suppression(
    cx: &IotContext<'_>,
    key: &AuditSuppression,
    expect: Option<&AuditSuppression>,
) -> Vec<String> {
    let target = format!("{}/{}", key.check_name, key.resource_identifier.key());
    let Ok(list) = iot_api::list_suppressions(&cx.clients.iot, cx.retry).await else {
        return vec![target];
    };
    let found = list.iter().find(|s| {
        s.check_name == key.check_name && s.resource_identifier == key.resource_identifier
    });
    let ok = match (found, expect) {
        (None, None) => true,
        (Some(f), Some(e)) => {
            f.suppress_indefinitely == e.suppress_indefinitely
                && (e.suppress_indefinitely
                    || f.expiration_date.map(|d| d as i64) == e.expiration_date.map(|d| d as i64))
                && (e.description.is_none() || f.description == e.description)
        }
        _ => false,
    };
    if ok { Vec::new() } else { vec![target] }
}

/// Per-finding results of a mitigation task as first read: findings whose every execution
/// COMPLETED, a failure for each execution that failed, was skipped or canceled, and the
/// findings still running (PENDING / IN_PROGRESS), which are not a success yet.
async fn mitigation_statuses(
    cx: &IotContext<'_>,
    task_id: &str,
    finding_ids: &[String],
) -> (Vec<String>, Vec<TargetFailure>, Vec<String>) {
    let mut ok = Vec::new();
    let mut failed = Vec::new();
    let mut running = Vec::new();
    for id in finding_ids {
        match iot_api::list_mitigation_executions(&cx.clients.iot, task_id, id, cx.retry).await {
            Ok(executions) => {
                let bad: Vec<_> = executions
                    .iter()
                    .filter(|e| matches!(e.status.as_str(), "FAILED" | "SKIPPED" | "CANCELED"))
                    .collect();
                let all_completed =
                    !executions.is_empty() && executions.iter().all(|e| e.status == "COMPLETED");
                if all_completed {
                    ok.push(id.clone());
                } else if bad.is_empty() {
                    running.push(id.clone());
                }
                failed.extend(bad.into_iter().map(|e| TargetFailure {
                    target: id.clone(),
                    code: e.error_code.clone().unwrap_or_else(|| e.status.clone()),
                    message: format!(
                        "{}: {}",
                        e.action_name,
                        e.message.as_deref().unwrap_or(&e.status)
                    ),
                }));
            }
            Err(e) => failed.push(TargetFailure {
                target: id.clone(),
                code: e.code.clone().unwrap_or_else(|| "ReadFailed".into()),
                message: e.to_string(),
            }),
        }
    }
    (ok, failed, running)
}
