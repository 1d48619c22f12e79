//! IAM Access Analyzer (restJson1): analyzers, findings (V1 and V2 shapes), UpdateFindings,
//! archive rules, StartResourceScan, unused-permission recommendations, policy checks
//! (`checks`, `validate`) and access previews (`previews`), over the analyzer store and
//! the IAM role store.
//! This module owns the routes and the request helpers; the handlers live in submodules.

mod analyzers;
mod archive_rules;
mod checks;
mod findings;
mod previews;
pub(crate) mod recommendations;
pub(crate) mod scan;
mod spans;
pub(crate) mod store;
mod unused;
mod validate;
pub mod world;

use std::sync::Arc;

use axum::Router;
use axum::response::Response;
use axum::routing::{get, post, put};
use serde_json::{Value, json};

use super::dispatch::{Ctx, Op, run};
use super::protocol::{Protocol, ServiceError};
use super::state::Shared;
use analyzers::{get_analyzer, list_analyzers, start_resource_scan};
use archive_rules::{
    apply_archive_rule, create_archive_rule, delete_archive_rule, list_archive_rules,
};
use findings::{get_finding, get_finding_v2, list_findings, list_findings_v2, update_findings};

fn op(name: &'static str, mutating: bool) -> Op {
    Op {
        service: "access-analyzer",
        name,
        mutating,
        protocol: Protocol::RestJson,
        throttle: (429, "ThrottlingException"),
    }
}

pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/analyzer", get(list_analyzers))
        .route("/analyzer/{name}", get(get_analyzer))
        .route(
            "/analyzer/{name}/archive-rule",
            put(create_archive_rule).get(list_archive_rules),
        )
        .route(
            "/analyzer/{name}/archive-rule/{rule}",
            axum::routing::delete(delete_archive_rule),
        )
        .route("/archive-rule", put(apply_archive_rule))
        .route("/finding", post(list_findings).put(update_findings))
        .route("/finding/{id}", get(get_finding))
        .route("/findingv2", post(list_findings_v2))
        .route("/findingv2/{id}", get(get_finding_v2))
        .route("/resource/scan", post(start_resource_scan))
        .route("/policy/validation", post(checks::validate_policy))
        .route(
            "/policy/check-no-new-access",
            post(checks::check_no_new_access),
        )
        .route(
            "/policy/check-no-public-access",
            post(checks::check_no_public_access),
        )
        .route("/access-preview", put(previews::create_access_preview))
        .route(
            "/access-preview/{id}",
            get(previews::get_access_preview).post(previews::list_access_preview_findings),
        )
        .route(
            "/recommendation/{id}",
            post(recommendations::generate).get(recommendations::get),
        )
}

/// A ValidationException with the `reason` the model requires of it.
fn validation(message: impl Into<String>) -> ServiceError {
    checks::invalid("fieldValidationFailed", message)
}

/// An error about one resource (ResourceNotFound, Conflict, ServiceQuotaExceeded): the model
/// requires its id and type with the message.
fn about(status: u16, code: &str, kind: &str, id: &str, message: String) -> ServiceError {
    ServiceError::new(status, code, message)
        .with("resourceId", id)
        .with("resourceType", kind)
}

/// ResourceNotFoundException for the `kind` (Analyzer, Finding, ArchiveRule...) `id`.
fn not_found(kind: &str, id: &str) -> ServiceError {
    about(
        404,
        "ResourceNotFoundException",
        kind,
        id,
        format!("{kind} {id} not found"),
    )
}

pub(crate) fn query_params(query: Option<String>) -> Value {
    let pairs: Vec<(String, String)> = query
        .and_then(|q| serde_urlencoded::from_str(&q).ok())
        .unwrap_or_default();
    Value::Object(
        pairs
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect(),
    )
}

fn str_param<'a>(params: &'a Value, name: &str) -> Result<&'a str, ServiceError> {
    params
        .get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| validation(format!("{name} is required")))
}

/// `maxResults` / `nextToken` paging over `items`; tokens are offsets.
fn page(items: Vec<Value>, params: &Value, key: &str) -> Result<Value, ServiceError> {
    let max = match params.get("maxResults") {
        Some(Value::Number(n)) => n.as_u64().unwrap_or(100) as usize,
        Some(Value::String(s)) => s
            .parse()
            .map_err(|_| validation("maxResults must be a number"))?,
        _ => 100,
    }
    .clamp(1, 1000);
    let start: usize = match params.get("nextToken").and_then(Value::as_str) {
        Some(t) => t
            .parse()
            .map_err(|_| validation(format!("invalid nextToken {t:?}")))?,
        None => 0,
    };
    let total = items.len();
    let mut body = json!({ key: items.into_iter().skip(start).take(max).collect::<Vec<_>>() });
    if start + max < total {
        body["nextToken"] = json!((start + max).to_string());
    }
    Ok(body)
}

async fn serve(
    shared: Arc<Shared>,
    op: Op,
    params: Result<Value, ServiceError>,
    handler: impl FnOnce(&Ctx, &Value) -> Result<Response, ServiceError>,
) -> Response {
    match params {
        Ok(params) => run(&shared, op, params, handler).await,
        Err(e) => run(&shared, op, Value::Null, |_, _| Err(e)).await,
    }
}
