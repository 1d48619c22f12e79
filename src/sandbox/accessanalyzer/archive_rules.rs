//! Archive rules: CreateArchiveRule, ListArchiveRules, DeleteArchiveRule and
//! ApplyArchiveRule.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use bytes::Bytes;
use serde_json::json;

use super::findings::check_filter;
use super::store::ArchiveRule;
use super::{about, not_found, op, page, query_params, serve, str_param, validation};
use crate::sandbox::dispatch::json_params;
use crate::sandbox::protocol::rest_json;
use crate::sandbox::state::{Shared, now_iso};

const MAX_RULES: usize = 100;

fn valid_rule_name(name: &str) -> bool {
    let mut chars = name.chars();
    (1..=255).contains(&name.len())
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
}

pub(super) async fn create_archive_rule(
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
        let a = store.by_name_mut(&name).ok_or_else(|| not_found("Analyzer", &name))?;
        if a.archive_rules.iter().any(|r| r.rule_name == rule) {
            return Err(about(409, "ConflictException", "ArchiveRule", rule, format!("Archive rule {rule} already exists")));
        }
        if a.archive_rules.len() >= MAX_RULES {
            return Err(about(402, "ServiceQuotaExceededException", "Analyzer", &name, format!("Analyzer {name} already has {MAX_RULES} archive rules")));
        }
        a.archive_rules.push(ArchiveRule { rule_name: rule.to_string(), filter, created_at: now.clone(), updated_at: now });
        Ok(rest_json::ok(&json!({}), ctx.request_id))
    })
    .await
}

pub(super) async fn list_archive_rules(
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
            // ListArchiveRules declares no ResourceNotFoundException in AWS's model.
            let a = store
                .by_name(&name)
                .ok_or_else(|| validation(format!("Analyzer {name} not found")))?;
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

pub(super) async fn delete_archive_rule(
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
                .ok_or_else(|| not_found("Analyzer", &name))?;
            let before = a.archive_rules.len();
            a.archive_rules.retain(|r| r.rule_name != rule);
            if a.archive_rules.len() == before {
                return Err(not_found("ArchiveRule", &rule));
            }
            Ok(rest_json::ok(&json!({}), ctx.request_id))
        },
    )
    .await
}

pub(super) async fn apply_archive_rule(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
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
                .ok_or_else(|| not_found("Analyzer", &arn))?;
            let filter = a
                .archive_rules
                .iter()
                .find(|r| r.rule_name == rule)
                .map(|r| r.filter.clone())
                .ok_or_else(|| not_found("ArchiveRule", rule))?;
            store.archive_matching(&arn, &filter, &now, None);
            Ok(rest_json::ok(&json!({}), ctx.request_id))
        },
    )
    .await
}
