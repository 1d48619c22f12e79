//! One readable error type for every AWS call: operation, service error code and message,
//! HTTP status, request id, and whether it was throttling (which callers retry with
//! backoff). Shown as one line, never a dump of the SDK's internals (`error_text.rs`).

use std::fmt;

use aws_sdk_securityhub::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_securityhub::operation::RequestId;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AwsErrorKind {
    /// Rate limited (LimitExceededException, ThrottlingException, HTTP 429...): retryable.
    Throttling,
    /// The service answered with an error (access denied, invalid input, ...).
    Service,
    /// No answer: connection, DNS, timeout.
    Transport,
    /// We could not build the request (e.g. a filter attribute we cannot map).
    InvalidRequest,
    /// The answer could not be understood.
    Response,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct AwsError {
    /// `service:Operation`.
    pub operation: &'static str,
    pub kind: AwsErrorKind,
    pub code: Option<String>,
    pub message: String,
    pub request_id: Option<String>,
    pub http_status: Option<u16>,
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.operation)?;
        if self.kind == AwsErrorKind::Throttling {
            f.write_str("throttled: ")?;
        }
        match &self.code {
            Some(code) => write!(f, "{code}: {}", self.message)?,
            None => f.write_str(&self.message)?,
        }
        // An AWS error names its HTTP status here; any other answer's message starts with it.
        let status = self.http_status.filter(|_| self.code.is_some());
        match (status, &self.request_id) {
            (Some(s), Some(id)) => write!(f, " (HTTP {s}, request id {id})"),
            (Some(s), None) => write!(f, " (HTTP {s})"),
            (None, Some(id)) => write!(f, " (request id {id})"),
            (None, None) => Ok(()),
        }
    }
}

/// Error codes AWS services use for rate limiting.
const THROTTLING_CODES: &[&str] = &[
    "LimitExceededException",
    "ThrottlingException",
    "Throttling",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestThrottledException",
    "SlowDown",
];

impl AwsError {
    pub fn is_throttling(&self) -> bool {
        self.kind == AwsErrorKind::Throttling
    }

    /// A request we refused to build; nothing was sent.
    pub fn invalid_request(operation: &'static str, message: impl Into<String>) -> Self {
        AwsError {
            operation,
            kind: AwsErrorKind::InvalidRequest,
            code: None,
            message: message.into(),
            request_id: None,
            http_status: None,
        }
    }

    /// An answer we could not use (e.g. the raw body was not the JSON we expected).
    pub fn bad_response(operation: &'static str, message: impl Into<String>) -> Self {
        AwsError {
            kind: AwsErrorKind::Response,
            ..AwsError::invalid_request(operation, message)
        }
    }

    pub fn from_sdk<E>(operation: &'static str, err: SdkError<E, HttpResponse>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let code = err.code().map(str::to_string);
        let http_status = err.raw_response().map(|r| r.status().as_u16());
        let request_id = err
            .request_id()
            .or_else(|| err.meta().request_id())
            .map(str::to_string);
        let throttled = http_status == Some(429)
            || code
                .as_deref()
                .is_some_and(|c| THROTTLING_CODES.contains(&c));
        let kind = match &err {
            _ if throttled => AwsErrorKind::Throttling,
            SdkError::ServiceError(_) => AwsErrorKind::Service,
            SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => AwsErrorKind::Transport,
            SdkError::ConstructionFailure(_) => AwsErrorKind::InvalidRequest,
            _ => AwsErrorKind::Response,
        };
        let message = super::error_text::one_line_message(&err);
        AwsError {
            operation,
            kind,
            code,
            message,
            request_id,
            http_status,
        }
    }
}
