//! Policy checks: ValidatePolicy, CheckNoNewAccess and CheckNoPublicAccess for role trust
//! policies, answered with the sandbox's own trust-policy evaluation
//! (`domain::policy::access`) so a widening edit FAILs with reasons naming statements.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::response::Response;
use bytes::Bytes;
use serde_json::{Value, json};

use super::validate::validate_trust_policy;
use super::{op, page, query_params, serve};
use crate::domain::policy::PolicyDocument;
use crate::domain::policy::access::{StatementRef, new_access, public_access};
use crate::sandbox::dispatch::json_params;
use crate::sandbox::protocol::{ServiceError, rest_json};
use crate::sandbox::state::Shared;

const TRUST_POLICY: &str = "AWS::IAM::AssumeRolePolicyDocument";

/// Access Analyzer's ValidationException: `message` and a `reason` from its enum.
pub(super) fn invalid(reason: &str, message: impl Into<String>) -> ServiceError {
    ServiceError::new(400, "ValidationException", message).with("reason", reason)
}

fn required<'a>(p: &'a Value, name: &str) -> Result<&'a str, ServiceError> {
    p.get(name).and_then(Value::as_str).ok_or_else(|| {
        invalid("fieldValidationFailed", format!("{name} is required"))
            .with("fieldList", json!([{"name": name, "message": "required"}]))
    })
}

fn one_of(p: &Value, name: &str, allowed: &[&str]) -> Result<(), ServiceError> {
    let v = required(p, name)?;
    if allowed.contains(&v) {
        return Ok(());
    }
    Err(invalid(
        "fieldValidationFailed",
        format!("{name} {v:?} is not one of {}", allowed.join(", ")),
    )
    .with(
        "fieldList",
        json!([{"name": name, "message": "invalid value"}]),
    ))
}

/// A policy the checks compare; one that is not a valid policy is refused as AWS does.
fn document(p: &Value, name: &str) -> Result<PolicyDocument, ServiceError> {
    PolicyDocument::parse(required(p, name)?).map_err(|e| {
        invalid(
            "fieldValidationFailed",
            format!("{name} is not a valid policy: {e}"),
        )
        .with(
            "fieldList",
            json!([{"name": name, "message": "invalid policy"}]),
        )
    })
}

pub(super) async fn validate_policy(
    State(shared): State<Arc<Shared>>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    // maxResults / nextToken travel in the query string, the rest in the body.
    let params = json_params(&body).map(|mut p| {
        if let (Some(obj), Value::Object(query)) = (p.as_object_mut(), query_params(q)) {
            obj.extend(query);
        }
        p
    });
    serve(shared, op("ValidatePolicy", false), params, |ctx, p| {
        one_of(
            p,
            "policyType",
            &[
                "IDENTITY_POLICY",
                "RESOURCE_POLICY",
                "SERVICE_CONTROL_POLICY",
                "RESOURCE_CONTROL_POLICY",
            ],
        )?;
        let text = required(p, "policyDocument")?;
        let resource = p.get("validatePolicyResourceType").and_then(Value::as_str);
        if p["policyType"] != "RESOURCE_POLICY" || resource != Some(TRUST_POLICY) {
            return Err(invalid(
                "notSupported",
                format!("the sandbox validates role trust policies only (policyType RESOURCE_POLICY, validatePolicyResourceType {TRUST_POLICY})"),
            ));
        }
        let findings = validate_trust_policy(text);
        Ok(rest_json::ok(&page(findings, p, "findings")?, ctx.request_id))
    })
    .await
}

fn answer(statements: &[StatementRef], pass: &str, fail: &str, reason: &str) -> Value {
    if statements.is_empty() {
        return json!({"result": "PASS", "message": pass, "reasons": []});
    }
    let reasons: Vec<Value> = statements
        .iter()
        .map(|s| {
            let mut r = json!({
                "description": format!("{reason} {}.", s.index),
                "statementIndex": s.index,
            });
            if let Some(sid) = &s.sid {
                r["statementId"] = json!(sid);
            }
            r
        })
        .collect();
    json!({"result": "FAIL", "message": fail, "reasons": reasons})
}

pub(super) async fn check_no_new_access(
    State(shared): State<Arc<Shared>>,
    body: Bytes,
) -> Response {
    serve(
        shared,
        op("CheckNoNewAccess", false),
        json_params(&body),
        |ctx, p| {
            one_of(p, "policyType", &["IDENTITY_POLICY", "RESOURCE_POLICY"])?;
            let new = document(p, "newPolicyDocument")?;
            let existing = document(p, "existingPolicyDocument")?;
            let body = answer(
                &new_access(&existing, &new),
                "The modified permissions do not grant new access compared to your existing policy.",
                "The modified permissions grant new access compared to your existing policy.",
                "New access in the statement with index:",
            );
            Ok(rest_json::ok(&body, ctx.request_id))
        },
    )
    .await
}

pub(super) async fn check_no_public_access(
    State(shared): State<Arc<Shared>>,
    body: Bytes,
) -> Response {
    serve(
        shared,
        op("CheckNoPublicAccess", false),
        json_params(&body),
        |ctx, p| {
            let resource = required(p, "resourceType")?;
            if resource != TRUST_POLICY {
                return Err(invalid(
                    "notSupported",
                    format!(
                        "the sandbox checks role trust policies only (resourceType {TRUST_POLICY})"
                    ),
                ));
            }
            let doc = document(p, "policyDocument")?;
            let body = answer(
                &public_access(&doc),
                "The resource policy does not grant public access for the given resource type.",
                "The resource policy grants public access for the given resource type.",
                "Public access granted in the statement with index:",
            );
            Ok(rest_json::ok(&body, ctx.request_id))
        },
    )
    .await
}
