//! Security Hub (restJson1): GetFindings, BatchImportFindings, BatchUpdateFindings over
//! the shared finding store. Paths do not collide with IoT or Access Analyzer routes.

pub(crate) mod fields;
pub(crate) mod filter;
pub(crate) mod history;
pub(crate) mod import;
pub(crate) mod query;
pub(crate) mod store;
pub(crate) mod update;
pub(crate) mod v2;

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{patch, post};
use bytes::Bytes;
use serde_json::{Value, json};

use super::dispatch::{Ctx, Op, json_params, run};
use super::protocol::{Protocol, ServiceError, rest_json};
use super::state::{Shared, now_iso};

const MAX_IMPORT: usize = 100;

fn op(name: &'static str, mutating: bool) -> Op {
    Op {
        service: "securityhub",
        name,
        mutating,
        protocol: Protocol::RestJson,
        // Security Hub throttles with 429 LimitExceededException, which the SDK's
        // retry classifier lists among throttling errors.
        throttle: (429, "LimitExceededException"),
    }
}

pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/findings", post(get_findings))
        .route("/findings/import", post(batch_import_findings))
        .route("/findings/batchupdate", patch(batch_update_findings))
        .route("/findingHistory/get", post(get_finding_history))
        .merge(v2::router())
}

/// What Security Hub CSPM answers an account that has not enabled it.
fn not_subscribed(account: &str) -> ServiceError {
    ServiceError::new(
        401,
        "InvalidAccessException",
        format!("Account {account} is not subscribed to AWS Security Hub"),
    )
}

async fn serve(
    shared: Arc<Shared>,
    op: Op,
    body: Bytes,
    handler: impl FnOnce(&Ctx, &Value) -> Result<Response, ServiceError>,
) -> Response {
    match json_params(&body) {
        Ok(params) => {
            run(&shared, op, params, |ctx, p| {
                if !ctx.shared.v2_read().apis.cspm {
                    return Err(not_subscribed(&ctx.shared.config.account));
                }
                handler(ctx, p)
            })
            .await
        }
        Err(e) => run(&shared, op, Value::Null, |_, _| Err(e)).await,
    }
}

async fn get_findings(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    serve(shared, op("GetFindings", false), body, |ctx, params| {
        let now_ms =
            i64::try_from(time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000)
                .unwrap_or(i64::MAX);
        let store = ctx.shared.findings_read();
        let page = query::get_findings(&store, params, now_ms)?;
        // Serialize straight from the stored documents: a page never clones findings.
        let body = serde_json::to_string(&page)
            .map_err(|e| ServiceError::new(500, "InternalException", e.to_string()))?;
        Ok(rest_json::ok_text(body, ctx.request_id))
    })
    .await
}

async fn batch_import_findings(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    serve(shared, op("BatchImportFindings", true), body, |ctx, params| {
        let findings = params
            .get("Findings")
            .and_then(Value::as_array)
            .ok_or_else(|| ServiceError::invalid_input("Findings is required"))?;
        if findings.is_empty() || findings.len() > MAX_IMPORT {
            return Err(ServiceError::invalid_input(format!(
                "Findings has {} entries; 1 to {MAX_IMPORT} are allowed",
                findings.len()
            )));
        }
        let now = now_iso();
        let caller = &ctx.shared.config.caller_arn;
        let mut store = ctx.shared.findings_write();
        let mut failed = Vec::new();
        for finding in findings {
            let id = finding.get("Id").and_then(Value::as_str).unwrap_or_default();
            if let Some((code, message)) = ctx.shared.faults.fire_item("BatchImportFindings", id) {
                failed.push(json!({
                    "Id": finding.get("Id").and_then(Value::as_str).unwrap_or_default(),
                    "ErrorCode": code,
                    "ErrorMessage": message,
                }));
                continue;
            }
            match import::validate(finding) {
                Ok(()) => {
                    import::import(&mut store, finding.clone(), &now, caller);
                }
                Err(problem) => failed.push(json!({
                    "Id": finding.get("Id").and_then(Value::as_str).unwrap_or_default(),
                    "ErrorCode": "InvalidInput",
                    "ErrorMessage": format!("Finding does not adhere to AWS Security Finding Format: {problem}"),
                })),
            }
        }
        let body = json!({
            "SuccessCount": findings.len() - failed.len(),
            "FailedCount": failed.len(),
            "FailedFindings": failed,
        });
        Ok(rest_json::ok(&body, ctx.request_id))
    })
    .await
}

async fn batch_update_findings(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    serve(
        shared,
        op("BatchUpdateFindings", true),
        body,
        |ctx, params| {
            let now = now_iso();
            let mut store = ctx.shared.findings_write();
            let mut injected = |id: &str| ctx.shared.faults.fire_item("BatchUpdateFindings", id);
            let body = update::batch_update(
                &mut store,
                params,
                &now,
                &ctx.shared.config.caller_arn,
                &mut injected,
            )?;
            Ok(rest_json::ok(&body, ctx.request_id))
        },
    )
    .await
}

async fn get_finding_history(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    serve(
        shared,
        op("GetFindingHistory", false),
        body,
        |ctx, params| {
            let store = ctx.shared.findings_read();
            let body = history::get_finding_history(&store, params)?;
            Ok(rest_json::ok(&body, ctx.request_id))
        },
    )
    .await
}
