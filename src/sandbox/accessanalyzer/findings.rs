//! Findings: ListFindings (V1) and ListFindingsV2 with filter and sort, GetFinding,
//! GetFindingV2 and UpdateFindings (archive / unarchive).

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use bytes::Bytes;
use serde_json::{Map, Value, json};

use super::store::matches;
use super::{not_found, op, page, query_params, serve, store, str_param, validation};
use crate::sandbox::dispatch::json_params;
use crate::sandbox::protocol::{ServiceError, rest_json};
use crate::sandbox::state::{Shared, now_iso};

const MAX_CRITERION_VALUES: usize = 20;

pub(super) fn check_filter(filter: Option<&Value>) -> Result<Map<String, Value>, ServiceError> {
    let Some(filter) = filter else {
        return Ok(Map::new());
    };
    let map = filter
        .as_object()
        .ok_or_else(|| validation("filter must be an object"))?;
    for (key, c) in map {
        let c = c
            .as_object()
            .ok_or_else(|| validation(format!("filter criterion {key} must be an object")))?;
        for name in ["eq", "neq", "contains"] {
            if let Some(v) = c.get(name) {
                let n = v
                    .as_array()
                    .map(Vec::len)
                    .ok_or_else(|| validation(format!("{key}.{name} must be a list")))?;
                if n == 0 || n > MAX_CRITERION_VALUES {
                    return Err(validation(format!(
                        "{key}.{name} has {n} values; 1 to {MAX_CRITERION_VALUES} are allowed"
                    )));
                }
            }
        }
    }
    Ok(map.clone())
}

fn analyzer_findings<'a>(
    store: &'a store::AnalyzerStore,
    params: &Value,
) -> Result<Vec<&'a store::Finding>, ServiceError> {
    let arn = str_param(params, "analyzerArn")?;
    store
        .by_arn(arn)
        .ok_or_else(|| not_found("Analyzer", arn))?;
    let filter = check_filter(params.get("filter"))?;
    let mut found: Vec<&store::Finding> = store
        .findings
        .iter()
        .filter(|f| f.analyzer == arn && matches(f, &filter))
        .collect();
    if let Some(sort) = params.get("sort") {
        let attr = sort
            .get("attributeName")
            .and_then(Value::as_str)
            .unwrap_or("updatedAt");
        let key = |f: &store::Finding| match attr {
            "createdAt" => f.created_at.clone(),
            "updatedAt" => f.updated_at.clone(),
            "analyzedAt" => f.analyzed_at.clone(),
            other => f.field(other).join(","),
        };
        found.sort_by_key(|f| key(f));
        if sort.get("orderBy").and_then(Value::as_str) == Some("DESC") {
            found.reverse();
        }
    }
    Ok(found)
}

pub(super) async fn list_findings(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    serve(
        shared,
        op("ListFindings", false),
        json_params(&body),
        |ctx, p| {
            let store = ctx.shared.analyzer_read();
            // ListFindings only knows external access findings.
            let items = analyzer_findings(&store, p)?
                .into_iter()
                .filter(|f| f.is_external())
                .map(|f| f.summary_v1())
                .collect();
            Ok(rest_json::ok(&page(items, p, "findings")?, ctx.request_id))
        },
    )
    .await
}

pub(super) async fn list_findings_v2(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    serve(
        shared,
        op("ListFindingsV2", false),
        json_params(&body),
        |ctx, p| {
            let store = ctx.shared.analyzer_read();
            let items = analyzer_findings(&store, p)?
                .into_iter()
                .map(|f| f.summary_v2())
                .collect();
            Ok(rest_json::ok(&page(items, p, "findings")?, ctx.request_id))
        },
    )
    .await
}

pub(super) fn one_finding<'a>(
    store: &'a store::AnalyzerStore,
    id: &str,
    p: &Value,
) -> Result<&'a store::Finding, ServiceError> {
    let arn = str_param(p, "analyzerArn")?;
    store
        .findings
        .iter()
        .find(|f| f.id == id && f.analyzer == arn)
        .ok_or_else(|| not_found("Finding", id))
}

pub(super) async fn get_finding_v2(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    serve(
        shared,
        op("GetFindingV2", false),
        Ok(query_params(q)),
        |ctx, p| {
            let store = ctx.shared.analyzer_read();
            let f = one_finding(&store, &id, p)?;
            Ok(rest_json::ok(&f.full_v2(), ctx.request_id))
        },
    )
    .await
}

pub(super) async fn get_finding(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    serve(
        shared,
        op("GetFinding", false),
        Ok(query_params(q)),
        |ctx, p| {
            let store = ctx.shared.analyzer_read();
            let f = one_finding(&store, &id, p)?;
            if !f.is_external() {
                return Err(validation(format!(
                    "Finding {id} is not an external access finding; use GetFindingV2"
                )));
            }
            Ok(rest_json::ok(
                &json!({"finding": f.summary_v1()}),
                ctx.request_id,
            ))
        },
    )
    .await
}

pub(super) async fn update_findings(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    serve(
        shared,
        op("UpdateFindings", true),
        json_params(&body),
        |ctx, p| {
            let arn = str_param(p, "analyzerArn")?.to_string();
            let status = str_param(p, "status")?;
            if !matches!(status, "ACTIVE" | "ARCHIVED") {
                return Err(validation(format!(
                    "status {status:?} is not ACTIVE or ARCHIVED"
                )));
            }
            let ids: Vec<String> = p
                .get("ids")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            let resource = p.get("resourceArn").and_then(Value::as_str);
            if ids.is_empty() == resource.is_none() {
                return Err(validation("exactly one of ids or resourceArn is required"));
            }
            let now = now_iso();
            let mut store = ctx.shared.analyzer_write();
            store
                .by_arn(&arn)
                .ok_or_else(|| not_found("Analyzer", &arn))?;
            let targets: Vec<usize> = store
                .findings
                .iter()
                .enumerate()
                .filter(|(_, f)| {
                    f.analyzer == arn
                        && (ids.contains(&f.id) || resource == Some(f.resource.as_str()))
                })
                .map(|(i, _)| i)
                .collect();
            let missing: Vec<&String> = ids
                .iter()
                .filter(|id| !targets.iter().any(|&i| &store.findings[i].id == *id))
                .collect();
            if !missing.is_empty() {
                let missing: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
                return Err(not_found("Finding", &missing.join(", ")));
            }
            let resolved: Vec<&str> = targets
                .iter()
                .map(|&i| &store.findings[i])
                .filter(|f| f.status == "RESOLVED")
                .map(|f| f.id.as_str())
                .collect();
            if !ids.is_empty() && !resolved.is_empty() {
                return Err(validation(format!(
                    "Resolved findings cannot be updated: {}",
                    resolved.join(", ")
                )));
            }
            for i in targets {
                let f = &mut store.findings[i];
                if f.status != "RESOLVED" && f.status != status {
                    f.status = status.to_string();
                    f.updated_at = now.clone();
                }
            }
            Ok(rest_json::ok(&json!({}), ctx.request_id))
        },
    )
    .await
}
