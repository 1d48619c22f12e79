//! The new AWS Security Hub (restJson1, the V2 operations of the `securityhub` service) over
//! the same findings as the ASFF side: DescribeSecurityHubV2, GetFindingsV2,
//! BatchUpdateFindingsV2, GetFindingStatisticsV2, GetFindingsTrendsV2, ListConnectorsV2 and
//! CreateTicketV2. Each runs through the dispatcher (quotas, faults, recording) like the
//! ASFF operations; with the V2 API disabled they answer as an account without it.
//!
//! - `ocsf`: an ASFF finding in OCSF; `world`: V2-only state (overlays, exposures,
//!   connectors) and the enabled-API setting; `filter`: OcsfFindingFilters;
//!   `query`: GetFindingsV2 sort, scopes and paging; `update`, `stats`, `tickets`.

pub(crate) mod filter;
pub(crate) mod names;
pub(crate) mod ocsf;
mod query;
mod stats;
mod tickets;
mod update;
pub(crate) mod world;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use axum::routing::{get, patch, post};
use bytes::Bytes;
use serde_json::{Value, json};

use super::super::accessanalyzer::query_params;
use super::super::dispatch::{Ctx, Op, json_params, run};
use super::super::protocol::{ServiceError, rest_json};
use super::super::state::{Shared, now_iso};

/// As the CSPM operations, but the V2 operations model ThrottlingException (429).
fn op(name: &'static str, mutating: bool) -> Op {
    Op {
        throttle: (429, "ThrottlingException"),
        ..super::op(name, mutating)
    }
}

pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/hubv2", get(describe))
        .route("/findingsv2", post(get_findings))
        .route("/findingsv2/batchupdatev2", patch(batch_update))
        .route("/findingsv2/statistics", post(statistics))
        .route("/findingsTrendsv2", post(trends))
        .route("/connectorsv2", get(list_connectors))
        .route("/connectorsv2/{id}", get(get_connector))
        .route("/ticketsv2", post(create_ticket))
}

/// Builds the V2 world over the seeded findings: exposures, connectors, the hub's ARN.
pub(crate) fn seed_world(shared: &Shared) {
    let (region, account) = (&shared.config.region, &shared.config.account);
    let now = now_iso();
    let store = shared.findings_read();
    let mut v2 = shared.v2_write();
    v2.hub_arn = format!(
        "arn:aws:securityhub:{region}:{account}:hubv2/7c2f1b0e-5d4a-4e8b-9a61-0d3f2b6c8e41"
    );
    v2.subscribed_at = now.clone();
    v2.exposures = world::exposures(&store, region, account, &now)
        .into_iter()
        .map(Arc::new)
        .collect();
    v2.connectors = world::demo_connectors(region, account, &now);
    v2.connector_health = world::demo_connector_health();
    v2.org = query::demo_org(&store);
}

/// The answer of an account whose new Security Hub is not enabled.
fn not_enabled(operation: &str) -> ServiceError {
    let message = "Security Hub is not enabled for this account and Region".to_string();
    match operation {
        "DescribeSecurityHubV2" => ServiceError::new(404, "ResourceNotFoundException", message),
        _ => ServiceError::new(403, "AccessDeniedException", message),
    }
}

async fn serve(
    shared: Arc<Shared>,
    op: Op,
    params: Result<Value, ServiceError>,
    handler: impl FnOnce(&Ctx, &Value) -> Result<Response, ServiceError>,
) -> Response {
    let recorded = params.clone().unwrap_or(Value::Null);
    run(&shared, op, recorded, |ctx, p| {
        params?;
        if !ctx.shared.v2_read().apis.v2 {
            return Err(not_enabled(op.name));
        }
        handler(ctx, p)
    })
    .await
}

fn now_ms() -> i64 {
    i64::try_from(time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000)
        .unwrap_or(i64::MAX)
}

async fn describe(State(shared): State<Arc<Shared>>) -> Response {
    serve(
        shared,
        op("DescribeSecurityHubV2", false),
        Ok(json!({})),
        |ctx, _| {
            let v2 = ctx.shared.v2_read();
            let body = json!({"HubV2Arn": v2.hub_arn, "SubscribedAt": v2.subscribed_at});
            Ok(rest_json::ok(&body, ctx.request_id))
        },
    )
    .await
}

async fn get_findings(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    serve(
        shared,
        op("GetFindingsV2", false),
        json_params(&body),
        |ctx, params| {
            let store = ctx.shared.findings_read();
            let v2 = ctx.shared.v2_read();
            let body = query::get_findings(&store, &v2, params, now_ms())?;
            Ok(rest_json::ok_text(body, ctx.request_id))
        },
    )
    .await
}

async fn batch_update(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    serve(
        shared,
        op("BatchUpdateFindingsV2", true),
        json_params(&body),
        |ctx, params| {
            let mut store = ctx.shared.findings_write();
            let mut v2 = ctx.shared.v2_write();
            let mut injected = |id: &str| ctx.shared.faults.fire_item("BatchUpdateFindingsV2", id);
            let caller = &ctx.shared.config.caller_arn;
            let body = update::batch_update(
                &mut store,
                &mut v2,
                params,
                &now_iso(),
                caller,
                &mut injected,
            )?;
            Ok(rest_json::ok(&body, ctx.request_id))
        },
    )
    .await
}

async fn statistics(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    serve(
        shared,
        op("GetFindingStatisticsV2", false),
        json_params(&body),
        |ctx, params| {
            let store = ctx.shared.findings_read();
            let v2 = ctx.shared.v2_read();
            let docs = query::scoped(world::all_views(&store, &v2), &v2, params)?;
            let body = stats::statistics(&docs, params, now_ms())?;
            Ok(rest_json::ok(&body, ctx.request_id))
        },
    )
    .await
}

async fn trends(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    serve(
        shared,
        op("GetFindingsTrendsV2", false),
        json_params(&body),
        |ctx, params| {
            let store = ctx.shared.findings_read();
            let v2 = ctx.shared.v2_read();
            let body = stats::trends(&world::all_views(&store, &v2), params)?;
            Ok(rest_json::ok(&body, ctx.request_id))
        },
    )
    .await
}

async fn list_connectors(State(shared): State<Arc<Shared>>, RawQuery(q): RawQuery) -> Response {
    serve(
        shared,
        op("ListConnectorsV2", false),
        Ok(query_params(q)),
        |ctx, params| {
            let body = tickets::list_connectors(&ctx.shared.v2_read(), params)?;
            Ok(rest_json::ok(&body, ctx.request_id))
        },
    )
    .await
}

async fn get_connector(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    serve(
        shared,
        op("GetConnectorV2", false),
        Ok(json!({"ConnectorId": id})),
        |ctx, params| {
            let body = tickets::get_connector(&ctx.shared.v2_read(), params)?;
            Ok(rest_json::ok(&body, ctx.request_id))
        },
    )
    .await
}

async fn create_ticket(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    serve(
        shared,
        op("CreateTicketV2", true),
        json_params(&body),
        |ctx, params| {
            let store = ctx.shared.findings_read();
            let mut v2 = ctx.shared.v2_write();
            let uid = params["FindingMetadataUid"].as_str().unwrap_or_default();
            let exists = store.find_by_id(uid).is_some()
                || v2
                    .exposures
                    .iter()
                    .any(|e| e["metadata"]["uid"].as_str() == Some(uid));
            let body = tickets::create_ticket(&mut v2, params, exists)?;
            Ok(rest_json::ok(&body, ctx.request_id))
        },
    )
    .await
}
