//! The IoT policy operations the seed scenario needs: CreatePolicy, GetPolicy and
//! CreatePolicyVersion.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use bytes::Bytes;
use serde_json::{Value, json};

use super::{bool_param, required, serve};
use crate::sandbox::dispatch::Ctx;
use crate::sandbox::iot::store::MAX_POLICY_VERSIONS;
use crate::sandbox::iot::{conflict, not_found, now_secs, op};
use crate::sandbox::protocol::ServiceError;
use crate::sandbox::state::Shared;

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

pub(in crate::sandbox::iot) async fn create_policy(
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

pub(in crate::sandbox::iot) async fn get_policy(
    State(s): State<Arc<Shared>>,
    Path(name): Path<String>,
) -> Response {
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

pub(in crate::sandbox::iot) async fn create_policy_version(
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
