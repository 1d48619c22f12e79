//! The IoT audit operations' handlers: parse path, query and body into one parameter
//! object (what the request log records), then act on the IoT store.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use bytes::Bytes;
use serde_json::{Map, Value, json};

use super::checks::run_audit;
use super::store::{MAX_AUDITS_IN_PROGRESS, MAX_POLICY_VERSIONS, StoredMitigationTask};
use super::{conflict, invalid, limit, max_results, not_found, now_secs, op, page, time_param};
use crate::domain::iot::{
    AuditSuppression, MitigationExecution, MitigationTask, ResourceIdentifier,
};
use crate::sandbox::dispatch::{Ctx, Op, json_params, run};
use crate::sandbox::protocol::{ServiceError, rest_json};
use crate::sandbox::state::Shared;

type Handler = fn(&Ctx, &Value) -> Result<Value, ServiceError>;

/// Merges path parameters, the query string and the JSON body into one object.
async fn serve(
    shared: Arc<Shared>,
    op: Op,
    path: &[(&str, String)],
    query: Option<String>,
    body: &[u8],
    handler: Handler,
) -> Response {
    let mut params = match json_params(body) {
        Ok(Value::Object(m)) => m,
        Ok(_) => Map::new(),
        Err(e) => return run(&shared, op, Value::Null, |_, _| Err(e)).await,
    };
    if let Some(q) = query {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&q).unwrap_or_default();
        for (k, v) in pairs {
            params.insert(k, Value::String(v));
        }
    }
    for (k, v) in path {
        params.insert((*k).to_string(), Value::String(v.clone()));
    }
    run(&shared, op, Value::Object(params), |ctx, params| {
        handler(ctx, params).map(|body| rest_json::ok(&body, ctx.request_id))
    })
    .await
}

fn to_value<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

fn str_param<'a>(p: &'a Value, name: &str) -> Option<&'a str> {
    p.get(name).and_then(Value::as_str)
}

fn required<'a>(p: &'a Value, name: &str) -> Result<&'a str, ServiceError> {
    str_param(p, name)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| invalid(format!("{name} is required")))
}

fn bool_param(p: &Value, name: &str) -> Option<bool> {
    match p.get(name) {
        Some(Value::Bool(b)) => Some(*b),
        Some(Value::String(s)) => s.parse().ok(),
        _ => None,
    }
}

fn resource_param(p: &Value) -> Result<Option<ResourceIdentifier>, ServiceError> {
    match p.get("resourceIdentifier") {
        None | Some(Value::Null) => Ok(None),
        Some(v) => serde_json::from_value(v.clone())
            .map(Some)
            .map_err(|e| invalid(format!("resourceIdentifier: {e}"))),
    }
}

pub(super) async fn describe_configuration(State(s): State<Arc<Shared>>) -> Response {
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

pub(super) async fn list_audit_tasks(
    State(s): State<Arc<Shared>>,
    RawQuery(q): RawQuery,
) -> Response {
    serve(s, op("ListAuditTasks", false), &[], q, b"", |ctx, p| {
        let start = time_param(p.get("startTime"), "startTime")?
            .ok_or_else(|| invalid("startTime is required"))?;
        let end = time_param(p.get("endTime"), "endTime")?
            .ok_or_else(|| invalid("endTime is required"))?;
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

pub(super) async fn start_on_demand(State(s): State<Arc<Shared>>, body: Bytes) -> Response {
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

pub(super) async fn describe_audit_task(
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

pub(super) async fn list_audit_findings(State(s): State<Arc<Shared>>, body: Bytes) -> Response {
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
            let tasks: Vec<&super::store::StoredTask> = match task_id {
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

pub(super) async fn suppressions(
    State(s): State<Arc<Shared>>,
    Path(verb): Path<String>,
    body: Bytes,
) -> Response {
    let (name, mutating, handler): (&'static str, bool, Handler) = match verb.as_str() {
        "create" => ("CreateAuditSuppression", true, create_suppression),
        "update" => ("UpdateAuditSuppression", true, update_suppression),
        "delete" => ("DeleteAuditSuppression", true, delete_suppression),
        "describe" => ("DescribeAuditSuppression", false, describe_suppression),
        "list" => ("ListAuditSuppressions", false, list_suppressions),
        _ => ("UnknownAuditSuppressionOperation", false, |_, _| {
            Err(ServiceError::new(
                404,
                "UnknownOperationException",
                "no such suppression operation",
            ))
        }),
    };
    serve(s, op(name, mutating), &[], None, &body, handler).await
}

fn suppression_key(p: &Value) -> Result<(String, ResourceIdentifier), ServiceError> {
    let check = required(p, "checkName")?.to_string();
    let resource = resource_param(p)?.ok_or_else(|| invalid("resourceIdentifier is required"))?;
    Ok((check, resource))
}

fn apply_expiry(s: &mut AuditSuppression, p: &Value) -> Result<(), ServiceError> {
    if let Some(d) = p.get("description").and_then(Value::as_str) {
        if d.chars().count() > 1000 {
            return Err(invalid("description is longer than 1000 characters"));
        }
        s.description = Some(d.to_string());
    }
    let expiry = time_param(p.get("expirationDate"), "expirationDate")?;
    let forever = bool_param(p, "suppressIndefinitely");
    if expiry.is_some() && forever == Some(true) {
        return Err(invalid(
            "expirationDate and suppressIndefinitely cannot both be set",
        ));
    }
    if let Some(e) = expiry {
        if e <= now_secs() {
            return Err(invalid("expirationDate must be in the future"));
        }
        s.expiration_date = Some(e);
        s.suppress_indefinitely = false;
    }
    if let Some(f) = forever {
        s.suppress_indefinitely = f;
        if f {
            s.expiration_date = None;
        }
    }
    Ok(())
}

fn create_suppression(ctx: &Ctx, p: &Value) -> Result<Value, ServiceError> {
    let (check, resource) = suppression_key(p)?;
    let mut store = ctx.shared.iot_write();
    if store.suppression_index(&check, &resource).is_some() {
        return Err(conflict(format!(
            "a suppression for {check} on {} already exists",
            resource.display()
        )));
    }
    let mut s = AuditSuppression {
        check_name: check,
        resource_identifier: resource,
        ..Default::default()
    };
    apply_expiry(&mut s, p)?;
    if !s.suppress_indefinitely && s.expiration_date.is_none() {
        return Err(invalid("set expirationDate or suppressIndefinitely"));
    }
    store.suppressions.push(s);
    Ok(json!({}))
}

fn update_suppression(ctx: &Ctx, p: &Value) -> Result<Value, ServiceError> {
    let (check, resource) = suppression_key(p)?;
    let mut store = ctx.shared.iot_write();
    let i = store.suppression_index(&check, &resource).ok_or_else(|| {
        not_found(format!(
            "no suppression for {check} on {}",
            resource.display()
        ))
    })?;
    let mut s = store.suppressions[i].clone();
    apply_expiry(&mut s, p)?;
    store.suppressions[i] = s;
    Ok(json!({}))
}

fn delete_suppression(ctx: &Ctx, p: &Value) -> Result<Value, ServiceError> {
    let (check, resource) = suppression_key(p)?;
    let mut store = ctx.shared.iot_write();
    let i = store.suppression_index(&check, &resource).ok_or_else(|| {
        not_found(format!(
            "no suppression for {check} on {}",
            resource.display()
        ))
    })?;
    store.suppressions.remove(i);
    Ok(json!({}))
}

fn describe_suppression(ctx: &Ctx, p: &Value) -> Result<Value, ServiceError> {
    let (check, resource) = suppression_key(p)?;
    let store = ctx.shared.iot_read();
    let i = store.suppression_index(&check, &resource).ok_or_else(|| {
        not_found(format!(
            "no suppression for {check} on {}",
            resource.display()
        ))
    })?;
    Ok(to_value(&store.suppressions[i]))
}

fn list_suppressions(ctx: &Ctx, p: &Value) -> Result<Value, ServiceError> {
    let size = max_results(p.get("maxResults"), 25, 250)?;
    let check = str_param(p, "checkName");
    let resource = resource_param(p)?;
    let store = ctx.shared.iot_read();
    let mut list: Vec<&AuditSuppression> = store
        .suppressions
        .iter()
        .filter(|s| check.is_none_or(|c| c == s.check_name))
        .filter(|s| {
            resource
                .as_ref()
                .is_none_or(|r| *r == s.resource_identifier)
        })
        .collect();
    if bool_param(p, "ascendingOrder") == Some(false) {
        list.reverse();
    }
    let (items, next) = page(&list, p.get("nextToken"), size)?;
    let items: Vec<Value> = items.into_iter().map(to_value).collect();
    Ok(json!({"suppressions": items, "nextToken": next}))
}

pub(super) async fn list_mitigation_actions(
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

pub(super) async fn start_mitigation_task(
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
        super::mitigation::start,
    )
    .await
}

pub(super) async fn list_mitigation_tasks(
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
            let start = time_param(p.get("startTime"), "startTime")?
                .ok_or_else(|| invalid("startTime is required"))?;
            let end = time_param(p.get("endTime"), "endTime")?
                .ok_or_else(|| invalid("endTime is required"))?;
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

pub(super) async fn list_mitigation_executions(
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
pub(super) fn new_mitigation_task(
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

fn policy_arn(ctx: &Ctx, name: &str) -> String {
    let c = &ctx.shared.config;
    format!("arn:aws:iot:{}:{}:policy/{name}", c.region, c.account)
}

fn check_document(doc: &str) -> Result<(), ServiceError> {
    match serde_json::from_str::<Value>(doc) {
        Ok(v) if v.get("Statement").is_some() => Ok(()),
        _ => Err(ServiceError::new(
            400,
            "MalformedPolicyException",
            "the policy document is not a JSON policy with a Statement",
        )),
    }
}

pub(super) async fn create_policy(
    State(s): State<Arc<Shared>>,
    Path(name): Path<String>,
    body: Bytes,
) -> Response {
    serve(s, op("CreatePolicy", true), &[("policyName", name)], None, &body, |ctx, p| {
        let name = required(p, "policyName")?;
        let doc = required(p, "policyDocument")?;
        check_document(doc)?;
        let mut store = ctx.shared.iot_write();
        if store.policies.contains_key(name) {
            return Err(conflict(format!("policy {name} already exists")));
        }
        store.put_policy(name, doc, now_secs());
        Ok(json!({"policyName": name, "policyArn": policy_arn(ctx, name), "policyDocument": doc, "policyVersionId": "1"}))
    })
    .await
}

pub(super) async fn get_policy(State(s): State<Arc<Shared>>, Path(name): Path<String>) -> Response {
    serve(s, op("GetPolicy", false), &[("policyName", name)], None, b"", |ctx, p| {
        let name = required(p, "policyName")?;
        let store = ctx.shared.iot_read();
        let policy = store.policies.get(name).ok_or_else(|| not_found(format!("policy {name} not found")))?;
        let doc = policy.default_document().map(|v| v.document.clone());
        Ok(json!({"policyName": name, "policyArn": policy_arn(ctx, name), "policyDocument": doc,
                  "defaultVersionId": policy.default_version.to_string()}))
    })
    .await
}

pub(super) async fn create_policy_version(
    State(s): State<Arc<Shared>>,
    Path(name): Path<String>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    serve(
        s,
        op("CreatePolicyVersion", true),
        &[("policyName", name)],
        q,
        &body,
        |ctx, p| {
            let name = required(p, "policyName")?;
            let doc = required(p, "policyDocument")?;
            check_document(doc)?;
            let set_default = bool_param(p, "setAsDefault").unwrap_or(false);
            let mut store = ctx.shared.iot_write();
            let policy = store
                .policies
                .get(name)
                .ok_or_else(|| not_found(format!("policy {name} not found")))?;
            if policy.versions.len() >= MAX_POLICY_VERSIONS {
                return Err(ServiceError::new(
                    409,
                    "VersionsLimitExceededException",
                    format!("policy {name} already has {MAX_POLICY_VERSIONS} versions"),
                ));
            }
            store.put_policy(name, doc, now_secs());
            let policy = store
                .policies
                .get_mut(name)
                .ok_or_else(|| not_found(name.to_string()))?;
            let version = policy.next_version - 1;
            if set_default {
                policy.default_version = version;
            }
            Ok(
                json!({"policyArn": policy_arn(ctx, name), "policyDocument": doc,
                  "policyVersionId": version.to_string(), "isDefaultVersion": set_default}),
            )
        },
    )
    .await
}

/// auditCheckToActionsMapping: check name -> mitigation action names.
pub(super) type CheckActions = BTreeMap<String, Vec<String>>;
