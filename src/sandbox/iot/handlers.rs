//! The IoT audit operations' handlers: parse path, query and body into one parameter
//! object (what the request log records), then act on the IoT store. This module owns
//! that parsing and the parameter helpers; each group of operations has its submodule.

mod audit;
mod mitigations;
mod policies;
mod suppressions;

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::response::Response;
use serde_json::{Map, Value};

use super::{invalid, time_param};
use crate::domain::iot::ResourceIdentifier;
use crate::sandbox::dispatch::{Ctx, Op, json_params, run};
use crate::sandbox::protocol::{ServiceError, rest_json};
use crate::sandbox::state::Shared;

pub(super) use audit::{
    describe_audit_task, describe_configuration, list_audit_findings, list_audit_tasks,
    start_on_demand,
};
pub(super) use mitigations::{
    list_mitigation_actions, list_mitigation_executions, list_mitigation_tasks,
    new_mitigation_task, start_mitigation_task,
};
pub(super) use policies::{create_policy, create_policy_version, get_policy};
pub(super) use suppressions::suppressions;

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

/// The required `startTime` / `endTime` of a task listing, as epoch seconds.
fn time_window(p: &Value) -> Result<(f64, f64), ServiceError> {
    let start = time_param(p.get("startTime"), "startTime")?
        .ok_or_else(|| invalid("startTime is required"))?;
    let end =
        time_param(p.get("endTime"), "endTime")?.ok_or_else(|| invalid("endTime is required"))?;
    Ok((start, end))
}

fn resource_param(p: &Value) -> Result<Option<ResourceIdentifier>, ServiceError> {
    match p.get("resourceIdentifier") {
        None | Some(Value::Null) => Ok(None),
        Some(v) => serde_json::from_value(v.clone())
            .map(Some)
            .map_err(|e| invalid(format!("resourceIdentifier: {e}"))),
    }
}

/// auditCheckToActionsMapping: check name -> mitigation action names.
pub(super) type CheckActions = BTreeMap<String, Vec<String>>;
