//! Audit configuration and tasks: DescribeAccountAuditConfiguration, ListAuditTasks,
//! StartOnDemandAuditTask, DescribeAuditTask and ListAuditFindings.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use bytes::Bytes;
use serde_json::{Map, Value, json};

use super::{bool_param, required, resource_param, serve, str_param, time_window, to_value};
use crate::sandbox::iot::checks::run_audit;
use crate::sandbox::iot::store::MAX_AUDITS_IN_PROGRESS;
use crate::sandbox::iot::{invalid, limit, max_results, not_found, now_secs, op, page, time_param};
use crate::sandbox::state::Shared;

pub(in crate::sandbox::iot) async fn describe_configuration(
    State(s): State<Arc<Shared>>,
) -> Response {
    serve(s, op("DescribeAccountAuditConfiguration", false), &[], None, b"", |ctx, _| {
        let store = ctx.shared.iot_read();
        let c = &store.config;
        let checks: Map<String, Value> = c
            .checks
            .iter()
            .map(|(k, on)| (k.clone(), json!({"enabled": on})))
            .collect();
        Ok(json!({
            "roleArn": c.role_arn,
            "auditNotificationTargetConfigurations": {"SNS": {
                "targetArn": c.sns_target_arn, "roleArn": c.role_arn, "enabled": c.sns_enabled}},
            "auditCheckConfigurations": checks,
        }))
    })
    .await
}

pub(in crate::sandbox::iot) async fn list_audit_tasks(
    State(s): State<Arc<Shared>>,
    RawQuery(q): RawQuery,
) -> Response {
    serve(s, op("ListAuditTasks", false), &[], q, b"", |ctx, p| {
        let (start, end) = time_window(p)?;
        let size = max_results(p.get("maxResults"), 25, 250)?;
        let store = ctx.shared.iot_read();
        let tasks: Vec<Value> = store
            .tasks
            .iter()
            .rev()
            .map(|t| &t.task)
            .filter(|t| t.task_start_time.is_some_and(|s| s >= start && s <= end))
            .filter(|t| str_param(p, "taskType").is_none_or(|v| v == t.task_type))
            .filter(|t| str_param(p, "taskStatus").is_none_or(|v| v == t.task_status))
            .map(|t| json!({"taskId": t.task_id, "taskStatus": t.task_status, "taskType": t.task_type}))
            .collect();
        let (tasks, next) = page(&tasks, p.get("nextToken"), size)?;
        Ok(json!({"tasks": tasks, "nextToken": next}))
    })
    .await
}

pub(in crate::sandbox::iot) async fn start_on_demand(
    State(s): State<Arc<Shared>>,
    body: Bytes,
) -> Response {
    serve(
        s,
        op("StartOnDemandAuditTask", true),
        &[],
        None,
        &body,
        |ctx, p| {
            let checks: Vec<String> = p
                .get("targetCheckNames")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            if checks.is_empty() {
                return Err(invalid("targetCheckNames is required"));
            }
            let mut store = ctx.shared.iot_write();
            for c in &checks {
                match store.config.checks.get(c) {
                    Some(true) => {}
                    Some(false) => return Err(invalid(format!("check {c} is not enabled"))),
                    None => return Err(invalid(format!("unknown check {c}"))),
                }
            }
            if store.in_progress_audits() >= MAX_AUDITS_IN_PROGRESS {
                return Err(limit("10 on-demand audits are already in progress"));
            }
            let task = run_audit(&mut store, "ON_DEMAND_AUDIT_TASK", &checks, now_secs());
            let id = store.start_audit(task);
            Ok(json!({"taskId": id}))
        },
    )
    .await
}

pub(in crate::sandbox::iot) async fn describe_audit_task(
    State(s): State<Arc<Shared>>,
    Path(task_id): Path<String>,
) -> Response {
    serve(
        s,
        op("DescribeAuditTask", false),
        &[("taskId", task_id)],
        None,
        b"",
        |ctx, p| {
            let id = required(p, "taskId")?;
            let mut store = ctx.shared.iot_write();
            store.poll_audit(id);
            let t = store
                .task(id)
                .ok_or_else(|| not_found(format!("audit task {id} not found")))?;
            let mut v = to_value(&t.task);
            if let Some(o) = v.as_object_mut() {
                o.remove("taskId");
            }
            Ok(v)
        },
    )
    .await
}

pub(in crate::sandbox::iot) async fn list_audit_findings(
    State(s): State<Arc<Shared>>,
    body: Bytes,
) -> Response {
    serve(
        s,
        op("ListAuditFindings", false),
        &[],
        None,
        &body,
        |ctx, p| {
            let task_id = str_param(p, "taskId");
            let start = time_param(p.get("startTime"), "startTime")?;
            let end = time_param(p.get("endTime"), "endTime")?;
            if task_id.is_some() == (start.is_some() && end.is_some()) {
                return Err(invalid("specify either taskId or startTime and endTime"));
            }
            let size = max_results(p.get("maxResults"), 25, 250)?;
            let check = str_param(p, "checkName");
            let resource = resource_param(p)?;
            let suppressed = bool_param(p, "listSuppressedFindings");
            let store = ctx.shared.iot_read();
            let tasks: Vec<&crate::sandbox::iot::store::StoredTask> = match task_id {
                Some(id) => vec![
                    store
                        .task(id)
                        .ok_or_else(|| not_found(format!("audit task {id} not found")))?,
                ],
                None => store
                    .tasks
                    .iter()
                    .filter(|t| {
                        t.task
                            .task_start_time
                            .is_some_and(|s| Some(s) >= start && Some(s) <= end)
                    })
                    .collect(),
            };
            let matching: Vec<&crate::domain::iot::AuditFinding> = tasks
                .iter()
                .flat_map(|t| &t.findings)
                .filter(|f| check.is_none_or(|c| c == f.check_name))
                .filter(|f| {
                    resource
                        .as_ref()
                        .is_none_or(|r| *r == f.non_compliant_resource.resource_identifier)
                })
                .filter(|f| suppressed.is_none_or(|s| s == f.is_suppressed))
                .collect();
            let (items, next) = page(&matching, p.get("nextToken"), size)?;
            let findings: Vec<Value> = items.into_iter().map(to_value).collect();
            Ok(json!({"findings": findings, "nextToken": next}))
        },
    )
    .await
}
