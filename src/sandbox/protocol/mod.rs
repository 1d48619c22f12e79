//! Wire-protocol helpers shared by every service: the error type a handler returns and how
//! each AWS protocol (restJson1, awsJson1.x, awsQuery) puts it and a success on the wire.

pub mod aws_json;
pub mod aws_query;
pub mod rest_json;

use axum::response::Response;

/// An AWS service error as a handler reports it; the protocol decides its wire shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    pub status: u16,
    pub code: String,
    pub message: String,
    /// Members the error shape adds to the body (Access Analyzer's `reason`,
    /// `resourceId`, `resourceType`), as the service model names them.
    pub fields: Vec<(String, serde_json::Value)>,
}

impl ServiceError {
    pub fn new(status: u16, code: impl Into<String>, message: impl Into<String>) -> Self {
        ServiceError {
            status,
            code: code.into(),
            message: message.into(),
            fields: Vec::new(),
        }
    }

    /// The error with one more member in its body.
    pub fn with(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        self.fields.push((key.to_string(), value.into()));
        self
    }

    /// Security Hub's (and most restJson services') 400 for a malformed request.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(400, "InvalidInputException", message)
    }
}

/// Which protocol an operation speaks; fixes the error shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    RestJson,
    AwsJson,
    AwsQuery,
}

impl Protocol {
    pub fn error(self, error: &ServiceError, request_id: &str) -> Response {
        match self {
            Protocol::RestJson => rest_json::error(error, request_id),
            Protocol::AwsJson => aws_json::error(error, request_id),
            Protocol::AwsQuery => aws_query::error(error, request_id),
        }
    }
}

/// Builds a response from parts we control; only fails on an invalid header value, which
/// would be a bug here, so fall back to a bare 500 rather than panic.
pub(crate) fn build(
    status: u16,
    headers: &[(&str, &str)],
    body: impl Into<axum::body::Body>,
) -> Response {
    let mut builder = http::Response::builder().status(status);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(body.into()).unwrap_or_else(|_| {
        let mut r = Response::new(axum::body::Body::empty());
        *r.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
        r
    })
}
