//! awsJson1.0/1.1 (WAFv2): `POST /` with `X-Amz-Target: Prefix.Operation`; errors as
//! `{"__type": code, "message": ...}`.

use axum::response::Response;
use serde_json::{Value, json};

use super::{ServiceError, build};

pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

// Ready for the first awsJson service (WAFv2); only errors are sent so far.
#[allow(dead_code)]
pub fn ok(body: &Value, request_id: &str) -> Response {
    build(
        200,
        &[
            ("content-type", CONTENT_TYPE),
            ("x-amzn-requestid", request_id),
        ],
        body.to_string(),
    )
}

pub fn error(error: &ServiceError, request_id: &str) -> Response {
    let body = json!({"__type": error.code, "message": error.message});
    build(
        error.status,
        &[
            ("content-type", CONTENT_TYPE),
            ("x-amzn-requestid", request_id),
        ],
        body.to_string(),
    )
}

/// `AWSWAF_20190729.ListIPSets` -> (`AWSWAF_20190729`, `ListIPSets`).
pub fn split_target(target: &str) -> Option<(&str, &str)> {
    target.rsplit_once('.')
}
