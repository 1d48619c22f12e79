//! Mitigation actions and tasks: ListMitigationActions, StartAuditMitigationActionsTask,
//! ListAuditMitigationActionsTasks and ListAuditMitigationActionsExecutions.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use bytes::Bytes;
use serde_json::{Value, json};

use super::{required, serve, str_param, time_window, to_value};
use crate::domain::iot::{MitigationExecution, MitigationTask};
use crate::sandbox::iot::store::StoredMitigationTask;
use crate::sandbox::iot::{max_results, not_found, now_secs, op, page};
use crate::sandbox::state::Shared;

pub(in crate::sandbox::iot) async fn list_mitigation_actions(
    State(s): State<Arc<Shared>>,
    RawQuery(q): RawQuery,
) -> Response {
    serve(s, op("ListMitigationActions", false), &[], q, b"", |ctx, p| {
        let size = max_results(p.get("maxResults"), 25, 250)?;
        let store = ctx.shared.iot_read();
        let ids: Vec<Value> = store
            .mitigation_actions
            .iter()
            .filter(|a| str_param(p, "actionType").is_none_or(|t| t == a.action_type))
            .map(|a| json!({"actionName": a.action_name, "actionArn": a.action_arn, "creationDate": 1_700_000_000.0}))
            .collect();
        let (items, next) = page(&ids, p.get("nextToken"), size)?;
        Ok(json!({"actionIdentifiers": items, "nextToken": next}))
    })
    .await
}

pub(in crate::sandbox::iot) async fn start_mitigation_task(
    State(s): State<Arc<Shared>>,
    Path(task_id): Path<String>,
    body: Bytes,
) -> Response {
    serve(
        s,
        op("StartAuditMitigationActionsTask", true),
        &[("taskId", task_id)],
        None,
        &body,
        crate::sandbox::iot::mitigation::start,
    )
    .await
}

pub(in crate::sandbox::iot) async fn list_mitigation_tasks(
    State(s): State<Arc<Shared>>,
    RawQuery(q): RawQuery,
) -> Response {
    serve(
        s,
        op("ListAuditMitigationActionsTasks", false),
        &[],
        q,
        b"",
        |ctx, p| {
            let (start, end) = time_window(p)?;
            let size = max_results(p.get("maxResults"), 25, 250)?;
            let mut store = ctx.shared.iot_write();
            store.poll_mitigations();
            let tasks: Vec<Value> = store
                .mitigation_tasks
                .iter()
                .rev()
                .filter(|t| t.meta.start_time.is_some_and(|s| s >= start && s <= end))
                .filter(|t| str_param(p, "auditTaskId").is_none_or(|a| a == t.audit_task_id))
                .filter(|t| str_param(p, "taskStatus").is_none_or(|a| a == t.meta.task_status))
                .filter(|t| {
                    str_param(p, "findingId")
                        .is_none_or(|f| t.executions.iter().any(|e| e.finding_id == f))
                })
                .map(|t| to_value(&t.meta))
                .collect();
            let (items, next) = page(&tasks, p.get("nextToken"), size)?;
            Ok(json!({"tasks": items, "nextToken": next}))
        },
    )
    .await
}

pub(in crate::sandbox::iot) async fn list_mitigation_executions(
    State(s): State<Arc<Shared>>,
    RawQuery(q): RawQuery,
) -> Response {
    serve(
        s,
        op("ListAuditMitigationActionsExecutions", false),
        &[],
        q,
        b"",
        |ctx, p| {
            let task_id = required(p, "taskId")?;
            let size = max_results(p.get("maxResults"), 25, 250)?;
            let mut store = ctx.shared.iot_write();
            store.poll_mitigation(task_id);
            let task = store
                .mitigation_tasks
                .iter()
                .find(|t| t.meta.task_id == task_id)
                .ok_or_else(|| not_found(format!("mitigation task {task_id} not found")))?;
            let list: Vec<&MitigationExecution> = task
                .executions
                .iter()
                .filter(|e| str_param(p, "findingId").is_none_or(|f| f == e.finding_id))
                .filter(|e| str_param(p, "actionStatus").is_none_or(|f| f == e.status))
                .collect();
            let (items, next) = page(&list, p.get("nextToken"), size)?;
            let items: Vec<Value> = items.into_iter().map(to_value).collect();
            Ok(json!({"actionsExecutions": items, "nextToken": next}))
        },
    )
    .await
}

/// A finished mitigation task: FAILED if any execution failed, else COMPLETED.
pub(in crate::sandbox::iot) fn new_mitigation_task(
    task_id: &str,
    audit_task_id: &str,
    executions: Vec<MitigationExecution>,
) -> StoredMitigationTask {
    let failed = executions.iter().any(|e| e.status == "FAILED");
    StoredMitigationTask {
        meta: MitigationTask {
            task_id: task_id.to_string(),
            task_status: if failed { "FAILED" } else { "COMPLETED" }.into(),
            start_time: Some(now_secs()),
        },
        audit_task_id: audit_task_id.to_string(),
        executions,
    }
}
