//! awsQuery (IAM, STS): form-encoded `Action=...&Version=...` requests, XML responses
//! wrapped in `<{Op}Response><{Op}Result>`, errors as `<ErrorResponse>`.

use axum::response::Response;
use serde_json::{Map, Value};

use super::{ServiceError, build};

/// Escapes text for an XML element body.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// A success document: `result_xml` is the already-escaped inside of `<{op}Result>`.
pub fn ok(operation: &str, namespace: &str, result_xml: &str, request_id: &str) -> Response {
    let body = format!(
        "<{operation}Response xmlns=\"{namespace}\"><{operation}Result>{result_xml}</{operation}Result>\
         <ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></{operation}Response>"
    );
    build(
        200,
        &[
            ("content-type", "text/xml"),
            ("x-amzn-requestid", request_id),
        ],
        body,
    )
}

pub fn error(error: &ServiceError, request_id: &str) -> Response {
    let kind = if error.status >= 500 {
        "Receiver"
    } else {
        "Sender"
    };
    let body = format!(
        "<ErrorResponse><Error><Type>{kind}</Type><Code>{}</Code><Message>{}</Message></Error>\
         <RequestId>{request_id}</RequestId></ErrorResponse>",
        escape(&error.code),
        escape(&error.message)
    );
    build(
        error.status,
        &[
            ("content-type", "text/xml"),
            ("x-amzn-requestid", request_id),
        ],
        body,
    )
}

/// The form body as a JSON object of strings (what gets recorded and handed to handlers).
pub fn parse_form(body: &[u8]) -> Result<Value, ServiceError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body)
        .map_err(|e| ServiceError::new(400, "MalformedQueryString", format!("form body: {e}")))?;
    let map: Map<String, Value> = pairs
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    Ok(Value::Object(map))
}
