//! restJson1 (Security Hub, Access Analyzer, IoT): JSON bodies, errors named by the
//! `X-Amzn-Errortype` header and repeated in the body as `Code` and `__type`.

use axum::response::Response;
use serde_json::{Value, json};

use super::{ServiceError, build};

pub fn ok(body: &Value, request_id: &str) -> Response {
    ok_text(body.to_string(), request_id)
}

/// A success whose JSON the handler serialized itself (e.g. straight from borrowed findings).
pub fn ok_text(body: String, request_id: &str) -> Response {
    build(
        200,
        &[
            ("content-type", "application/json"),
            ("x-amzn-requestid", request_id),
        ],
        body,
    )
}

pub fn error(error: &ServiceError, request_id: &str) -> Response {
    // An error with the members of its service's shape (Access Analyzer's lower camel case
    // `message`, `reason`, `resourceId` ...) carries exactly those; the others keep the
    // `Code` / `Message` pair Security Hub's shapes have.
    let body = if error.fields.is_empty() {
        json!({"Code": error.code, "Message": error.message, "__type": error.code})
    } else {
        let mut body = json!({"message": error.message, "__type": error.code});
        if let Some(obj) = body.as_object_mut() {
            obj.extend(error.fields.iter().cloned());
        }
        body
    };
    build(
        error.status,
        &[
            ("content-type", "application/json"),
            ("x-amzn-errortype", &error.code),
            ("x-amzn-requestid", request_id),
        ],
        body.to_string(),
    )
}
