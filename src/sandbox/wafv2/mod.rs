//! WAFv2 (awsJson1_1, `X-Amz-Target: AWSWAF_20190729.<Op>`): IP sets (list, get, create,
//! update with LockToken semantics, delete) and web ACLs (list, get), with WAF's
//! validation, limits and error shapes, CLOUDFRONT scope only in us-east-1, and the
//! ~1 request/s Create/Update quota (see `quota.rs`).

mod ipsets;
pub(crate) mod store;

use axum::response::Response;
use serde_json::{Value, json};

use super::dispatch::{Ctx, Op, run};
use super::protocol::{Protocol, ServiceError, aws_json, build};
use super::state::Shared;

pub use store::{WafWorld, WorldIpSet, WorldWebAcl};

pub(crate) const TARGET_PREFIX: &str = "AWSWAF_20190729";

/// Operations the sandbox implements, and whether each changes state.
const OPS: &[(&str, bool)] = &[
    ("ListIPSets", false),
    ("GetIPSet", false),
    ("CreateIPSet", true),
    ("UpdateIPSet", true),
    ("DeleteIPSet", true),
    ("ListWebACLs", false),
    ("GetWebACL", false),
];

/// Whether `operation` (from the target) is a WAFv2 operation we serve.
pub(crate) fn handles(operation: &str) -> bool {
    OPS.iter().any(|(name, _)| *name == operation)
}

/// A WAF error with the extra members WAFInvalidParameterException carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WafError {
    pub code: &'static str,
    pub message: String,
    /// (Field, Parameter, Reason) for WAFInvalidParameterException.
    pub parameter: Option<(String, String, String)>,
}

impl WafError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        WafError {
            code,
            message: message.into(),
            parameter: None,
        }
    }

    /// WAF's message format: "Error reason: R, field: F, parameter: P".
    pub fn invalid(field: &str, parameter: &str, reason: &str) -> Self {
        WafError {
            code: "WAFInvalidParameterException",
            message: format!("Error reason: {reason}, field: {field}, parameter: {parameter}"),
            parameter: Some((field.into(), parameter.into(), reason.into())),
        }
    }

    pub fn nonexistent() -> Self {
        Self::new(
            "WAFNonexistentItemException",
            "AWS WAF couldn\u{2019}t perform the operation because your resource doesn\u{2019}t exist.",
        )
    }

    fn response(&self, request_id: &str) -> Response {
        let mut body = json!({"__type": self.code, "message": self.message});
        if let Some((field, parameter, reason)) = &self.parameter {
            body["Field"] = json!(field);
            body["Parameter"] = json!(parameter);
            body["Reason"] = json!(reason);
        }
        build(
            400,
            &[
                ("content-type", aws_json::CONTENT_TYPE),
                ("x-amzn-requestid", request_id),
            ],
            body.to_string(),
        )
    }
}

/// The region the request was signed for (`Credential=AKID/date/REGION/wafv2/aws4_request`).
fn signing_region(headers: &http::HeaderMap) -> Option<String> {
    let auth = headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let scope = auth.split("Credential=").nth(1)?.split([',', ' ']).next()?;
    scope.split('/').nth(2).map(str::to_string)
}

/// Runs one WAFv2 operation through the shared dispatcher (quota, faults, recording).
pub(crate) async fn handle(
    shared: &Shared,
    operation: &str,
    params: Result<Value, ServiceError>,
    headers: &http::HeaderMap,
) -> Response {
    let (name, mutating) = OPS
        .iter()
        .copied()
        .find(|(n, _)| *n == operation)
        .unwrap_or(("ListIPSets", false));
    let op = Op {
        service: "wafv2",
        name,
        mutating,
        protocol: Protocol::AwsJson,
        // The SDKs' standard retry classifier treats this code as throttling.
        throttle: (400, "ThrottlingException"),
    };
    let region = signing_region(headers).unwrap_or_else(|| shared.config.region.clone());
    let params = match params {
        Ok(p) => p,
        Err(e) => return run(shared, op, Value::Null, |_, _| Err(e)).await,
    };
    run(shared, op, params, |ctx, params| {
        let result = serve(ctx, name, params, &region);
        Ok(match result {
            Ok(body) => aws_json::ok(&body, ctx.request_id),
            Err(e) => e.response(ctx.request_id),
        })
    })
    .await
}

fn serve(ctx: &Ctx, name: &str, params: &Value, region: &str) -> Result<Value, WafError> {
    let scope = ipsets::scope(params, region)?;
    let account = &ctx.shared.config.account;
    match name {
        "ListIPSets" => ipsets::list_ip_sets(&ctx.shared.wafv2_read(), params, &scope),
        "GetIPSet" => ipsets::get_ip_set(&mut ctx.shared.wafv2_write(), params, &scope),
        "CreateIPSet" => ipsets::create_ip_set(
            &mut ctx.shared.wafv2_write(),
            params,
            &scope,
            region,
            account,
        ),
        "UpdateIPSet" => ipsets::update_ip_set(&mut ctx.shared.wafv2_write(), params, &scope),
        "DeleteIPSet" => ipsets::delete_ip_set(&mut ctx.shared.wafv2_write(), params, &scope),
        "ListWebACLs" => ipsets::list_web_acls(&ctx.shared.wafv2_read(), params, &scope),
        "GetWebACL" => ipsets::get_web_acl(&ctx.shared.wafv2_read(), params, &scope),
        _ => Err(WafError::new(
            "WAFInvalidOperationException",
            format!("the sandbox does not implement {name}"),
        )),
    }
}
