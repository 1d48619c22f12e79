//! Analyzers: ListAnalyzers, GetAnalyzer and StartResourceScan.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use bytes::Bytes;
use serde_json::{Value, json};

use super::{not_found, op, page, query_params, scan, serve, str_param};
use crate::sandbox::dispatch::json_params;
use crate::sandbox::protocol::rest_json;
use crate::sandbox::state::{Shared, now_iso};

pub(super) async fn list_analyzers(
    State(shared): State<Arc<Shared>>,
    RawQuery(q): RawQuery,
) -> Response {
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

pub(super) async fn get_analyzer(
    State(shared): State<Arc<Shared>>,
    Path(name): Path<String>,
) -> Response {
    serve(
        shared,
        op("GetAnalyzer", false),
        Ok(json!({"analyzerName": name})),
        |ctx, _| {
            let store = ctx.shared.analyzer_read();
            let a = store
                .by_name(&name)
                .ok_or_else(|| not_found("Analyzer", &name))?;
            Ok(rest_json::ok(
                &json!({"analyzer": a.summary()}),
                ctx.request_id,
            ))
        },
    )
    .await
}

pub(super) async fn start_resource_scan(
    State(shared): State<Arc<Shared>>,
    body: Bytes,
) -> Response {
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
                .ok_or_else(|| not_found("Analyzer", &arn))?;
            if resource.contains(":iam::") && resource.contains(":role/") {
                let role = iam
                    .role_by_arn(&resource)
                    .ok_or_else(|| not_found("Resource", &resource))?;
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
