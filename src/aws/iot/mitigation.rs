//! IoT Device Defender mitigation: the account's mitigation actions, starting a task on
//! findings, and reading tasks and their executions back.

use std::collections::BTreeMap;

use aws_sdk_iot::Client;
use aws_sdk_iot::types as sdk;

use crate::aws::error::AwsError;
use crate::aws::pages::all_pages;
use crate::aws::retry::RetryPolicy;
use crate::domain::iot::{MitigationAction, MitigationExecution, MitigationTask};

use super::{PAGE, date, secs};

pub async fn list_mitigation_actions(
    client: &Client,
    retry: &RetryPolicy,
) -> Result<Vec<MitigationAction>, AwsError> {
    const OP: &str = "iot:ListMitigationActions";
    all_pages(OP, retry, |token| async move {
        let out = client
            .list_mitigation_actions()
            .max_results(PAGE)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(OP, e))?;
        let items = out
            .action_identifiers()
            .iter()
            .map(|a| MitigationAction {
                action_name: a.action_name().unwrap_or_default().to_string(),
                action_arn: a.action_arn().unwrap_or_default().to_string(),
                action_type: String::new(),
            })
            .collect();
        Ok((items, out.next_token().map(str::to_string)))
    })
    .await
}

/// Applies `actions` (check -> action names) to `finding_ids` under a fresh task id.
pub async fn start_mitigation_task(
    client: &Client,
    task_id: &str,
    finding_ids: &[String],
    actions: &BTreeMap<String, Vec<String>>,
) -> Result<String, AwsError> {
    let mut req = client
        .start_audit_mitigation_actions_task()
        .task_id(task_id)
        .target(
            sdk::AuditMitigationActionsTaskTarget::builder()
                .set_finding_ids(Some(finding_ids.to_vec()))
                .build(),
        )
        .client_request_token(uuid::Uuid::new_v4().to_string());
    for (check, names) in actions {
        req = req.audit_check_to_actions_mapping(check, names.clone());
    }
    let out = req
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("iot:StartAuditMitigationActionsTask", e))?;
    Ok(out.task_id().unwrap_or(task_id).to_string())
}

pub async fn list_mitigation_tasks(
    client: &Client,
    start: f64,
    end: f64,
    retry: &RetryPolicy,
) -> Result<Vec<MitigationTask>, AwsError> {
    const OP: &str = "iot:ListAuditMitigationActionsTasks";
    all_pages(OP, retry, |token| async move {
        let out = client
            .list_audit_mitigation_actions_tasks()
            .start_time(date(start))
            .end_time(date(end))
            .max_results(PAGE)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(OP, e))?;
        let items = out
            .tasks()
            .iter()
            .map(|t| MitigationTask {
                task_id: t.task_id().unwrap_or_default().to_string(),
                task_status: t
                    .task_status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                start_time: secs(t.start_time()),
            })
            .collect();
        Ok((items, out.next_token().map(str::to_string)))
    })
    .await
}

/// The executions of a mitigation task for one finding.
pub async fn list_mitigation_executions(
    client: &Client,
    task_id: &str,
    finding_id: &str,
    retry: &RetryPolicy,
) -> Result<Vec<MitigationExecution>, AwsError> {
    const OP: &str = "iot:ListAuditMitigationActionsExecutions";
    all_pages(OP, retry, |token| async move {
        let out = client
            .list_audit_mitigation_actions_executions()
            .task_id(task_id)
            .finding_id(finding_id)
            .max_results(PAGE)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(OP, e))?;
        let items = out
            .actions_executions()
            .iter()
            .map(|e| MitigationExecution {
                task_id: e.task_id().unwrap_or_default().to_string(),
                finding_id: e.finding_id().unwrap_or_default().to_string(),
                action_name: e.action_name().unwrap_or_default().to_string(),
                status: e
                    .status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                error_code: e.error_code().map(str::to_string),
                message: e.message().map(str::to_string),
            })
            .collect();
        Ok((items, out.next_token().map(str::to_string)))
    })
    .await
}
