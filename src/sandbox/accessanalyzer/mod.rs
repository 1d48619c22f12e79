//! IAM Access Analyzer (restJson1): analyzers, findings (V1 and V2 shapes), UpdateFindings,
//! archive rules and StartResourceScan, over the analyzer store and the IAM role store.

pub(crate) mod scan;
pub(crate) mod store;
pub mod world;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use axum::routing::{get, post, put};
use bytes::Bytes;
use serde_json::{Map, Value, json};

use super::dispatch::{Ctx, Op, json_params, run};
use super::protocol::{Protocol, ServiceError, rest_json};
use super::state::{Shared, now_iso};
use store::{ArchiveRule, matches};

const MAX_RULES: usize = 100;
const MAX_CRITERION_VALUES: usize = 20;

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
}

fn validation(message: impl Into<String>) -> ServiceError {
    ServiceError::new(400, "ValidationException", message)
}

fn not_found(message: impl Into<String>) -> ServiceError {
    ServiceError::new(404, "ResourceNotFoundException", message)
}

fn query_params(query: Option<String>) -> Value {
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

async fn list_analyzers(State(shared): State<Arc<Shared>>, RawQuery(q): RawQuery) -> Response {
    serve(
        shared,
        op("ListAnalyzers", false),
        Ok(query_params(q)),
        |ctx, p| {
            let store = ctx.shared.analyzer_read();
            let kind = p.get("type").and_then(Value::as_str);
            let items = store
                .analyzers
                .iter()
                .filter(|a| kind.is_none_or(|k| a.kind == k))
                .map(|a| a.summary())
                .collect();
            Ok(rest_json::ok(&page(items, p, "analyzers")?, ctx.request_id))
        },
    )
    .await
}

async fn get_analyzer(State(shared): State<Arc<Shared>>, Path(name): Path<String>) -> Response {
    serve(
        shared,
        op("GetAnalyzer", false),
        Ok(json!({"analyzerName": name})),
        |ctx, _| {
            let store = ctx.shared.analyzer_read();
            let a = store
                .by_name(&name)
                .ok_or_else(|| not_found(format!("Analyzer {name} not found")))?;
            Ok(rest_json::ok(
                &json!({"analyzer": a.summary()}),
                ctx.request_id,
            ))
        },
    )
    .await
}

fn check_filter(filter: Option<&Value>) -> Result<Map<String, Value>, ServiceError> {
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
        .ok_or_else(|| not_found(format!("Analyzer {arn} not found")))?;
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

async fn list_findings(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
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

async fn list_findings_v2(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
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

fn one_finding<'a>(
    store: &'a store::AnalyzerStore,
    id: &str,
    p: &Value,
) -> Result<&'a store::Finding, ServiceError> {
    let arn = str_param(p, "analyzerArn")?;
    store
        .findings
        .iter()
        .find(|f| f.id == id && f.analyzer == arn)
        .ok_or_else(|| not_found(format!("Finding {id} not found in {arn}")))
}

async fn get_finding_v2(
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

async fn get_finding(
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

async fn update_findings(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
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
                .ok_or_else(|| not_found(format!("Analyzer {arn} not found")))?;
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
                return Err(not_found(format!(
                    "Findings not found: {}",
                    missing
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
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

fn valid_rule_name(name: &str) -> bool {
    let mut chars = name.chars();
    (1..=255).contains(&name.len())
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
}

async fn create_archive_rule(
    State(shared): State<Arc<Shared>>,
    Path(name): Path<String>,
    body: Bytes,
) -> Response {
    serve(shared, op("CreateArchiveRule", true), json_params(&body), |ctx, p| {
        let rule = str_param(p, "ruleName")?;
        if !valid_rule_name(rule) {
            return Err(validation(format!("ruleName {rule:?} must match [A-Za-z][A-Za-z0-9_.-]* and be 1 to 255 characters")));
        }
        let filter = check_filter(p.get("filter"))?;
        if filter.is_empty() {
            return Err(validation("filter is required"));
        }
        let now = now_iso();
        let mut store = ctx.shared.analyzer_write();
        let a = store.by_name_mut(&name).ok_or_else(|| not_found(format!("Analyzer {name} not found")))?;
        if a.archive_rules.iter().any(|r| r.rule_name == rule) {
            return Err(ServiceError::new(409, "ConflictException", format!("Archive rule {rule} already exists")));
        }
        if a.archive_rules.len() >= MAX_RULES {
            return Err(ServiceError::new(402, "ServiceQuotaExceededException", format!("Analyzer {name} already has {MAX_RULES} archive rules")));
        }
        a.archive_rules.push(ArchiveRule { rule_name: rule.to_string(), filter, created_at: now.clone(), updated_at: now });
        Ok(rest_json::ok(&json!({}), ctx.request_id))
    })
    .await
}

async fn list_archive_rules(
    State(shared): State<Arc<Shared>>,
    Path(name): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    serve(
        shared,
        op("ListArchiveRules", false),
        Ok(query_params(q)),
        |ctx, p| {
            let store = ctx.shared.analyzer_read();
            let a = store
                .by_name(&name)
                .ok_or_else(|| not_found(format!("Analyzer {name} not found")))?;
            let items = a
                .archive_rules
                .iter()
                .map(|r| serde_json::to_value(r).unwrap_or_default())
                .collect();
            Ok(rest_json::ok(
                &page(items, p, "archiveRules")?,
                ctx.request_id,
            ))
        },
    )
    .await
}

async fn delete_archive_rule(
    State(shared): State<Arc<Shared>>,
    Path((name, rule)): Path<(String, String)>,
) -> Response {
    serve(
        shared,
        op("DeleteArchiveRule", true),
        Ok(json!({"analyzerName": name, "ruleName": rule})),
        |ctx, _| {
            let mut store = ctx.shared.analyzer_write();
            let a = store
                .by_name_mut(&name)
                .ok_or_else(|| not_found(format!("Analyzer {name} not found")))?;
            let before = a.archive_rules.len();
            a.archive_rules.retain(|r| r.rule_name != rule);
            if a.archive_rules.len() == before {
                return Err(not_found(format!("Archive rule {rule} not found")));
            }
            Ok(rest_json::ok(&json!({}), ctx.request_id))
        },
    )
    .await
}

async fn apply_archive_rule(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    serve(
        shared,
        op("ApplyArchiveRule", true),
        json_params(&body),
        |ctx, p| {
            let arn = str_param(p, "analyzerArn")?.to_string();
            let rule = str_param(p, "ruleName")?;
            let now = now_iso();
            let mut store = ctx.shared.analyzer_write();
            let a = store
                .by_arn(&arn)
                .ok_or_else(|| not_found(format!("Analyzer {arn} not found")))?;
            let filter = a
                .archive_rules
                .iter()
                .find(|r| r.rule_name == rule)
                .map(|r| r.filter.clone())
                .ok_or_else(|| not_found(format!("Archive rule {rule} not found")))?;
            store.archive_matching(&arn, &filter, &now, None);
            Ok(rest_json::ok(&json!({}), ctx.request_id))
        },
    )
    .await
}

async fn start_resource_scan(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    serve(
        shared,
        op("StartResourceScan", true),
        json_params(&body),
        |ctx, p| {
            let arn = str_param(p, "analyzerArn")?.to_string();
            let resource = str_param(p, "resourceArn")?.to_string();
            let now = now_iso();
            let iam = ctx.shared.iam_read();
            let mut store = ctx.shared.analyzer_write();
            let index = store
                .analyzers
                .iter()
                .position(|a| a.arn == arn)
                .ok_or_else(|| not_found(format!("Analyzer {arn} not found")))?;
            if resource.contains(":iam::") && resource.contains(":role/") {
                let role = iam
                    .role_by_arn(&resource)
                    .ok_or_else(|| not_found(format!("Resource {resource} not found")))?;
                scan::scan_role(&mut store, index, role, &now);
            } else {
                for f in store
                    .findings
                    .iter_mut()
                    .filter(|f| f.analyzer == arn && f.resource == resource)
                {
                    f.analyzed_at = now.clone();
                }
            }
            Ok(rest_json::ok(&json!({}), ctx.request_id))
        },
    )
    .await
}
