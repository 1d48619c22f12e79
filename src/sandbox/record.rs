//! The log of every request the sandbox served, so tests can assert what a client sent
//! (e.g. "a read-only session sent nothing mutating").

use std::sync::Mutex;

use serde_json::Value;
use time::OffsetDateTime;

/// One served request, in the order it arrived.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRequest {
    /// Signing name of the service: `securityhub`, `sts`, ... (`unknown` if unrouted).
    pub service: String,
    /// The AWS operation name, e.g. `GetFindings`.
    pub operation: String,
    /// Whether the operation changes state on the AWS side.
    pub mutating: bool,
    /// The request parameters: the JSON body, or the awsQuery form as an object of strings.
    pub params: Value,
    /// HTTP status the sandbox answered with (429 when throttled, fault statuses, ...).
    pub status: u16,
    pub time: OffsetDateTime,
    /// The `app/NAME` of the client's User-Agent: `secdeck` for secdeck's own clients,
    /// None for a plain SDK client (a test's set-up, the AWS CLI).
    pub app: Option<String>,
}

tokio::task_local! {
    /// The app name of the request being served (set around each request by `tag_app`).
    static APP: Option<String>;
}

/// Middleware: remembers the request's app name while it is served, for the log.
pub(crate) async fn tag_app(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let app = app_name(request.headers());
    APP.scope(app, next.run(request)).await
}

/// The app name of the request being served, if any.
pub(crate) fn current_app() -> Option<String> {
    APP.try_with(Clone::clone).ok().flatten()
}

/// `app/NAME` from the SDK's `x-amz-user-agent` (or `user-agent`) header.
fn app_name(headers: &http::HeaderMap) -> Option<String> {
    ["x-amz-user-agent", "user-agent"]
        .iter()
        .filter_map(|h| headers.get(*h)?.to_str().ok())
        .flat_map(str::split_whitespace)
        .find_map(|part| part.strip_prefix("app/"))
        .map(str::to_string)
}

#[derive(Debug, Default)]
pub(crate) struct Recorder {
    requests: Mutex<Vec<RecordedRequest>>,
}

impl Recorder {
    pub fn push(&self, request: RecordedRequest) {
        lock(&self.requests).push(request);
    }

    pub fn snapshot(&self) -> Vec<RecordedRequest> {
        lock(&self.requests).clone()
    }

    pub fn clear(&self) {
        lock(&self.requests).clear();
    }
}

/// A poisoned lock only means another request panicked mid-way; the data is still usable
/// for an emulator, so keep serving instead of cascading the panic.
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_name_comes_from_the_sdks_user_agent() {
        let mut headers = http::HeaderMap::new();
        assert_eq!(app_name(&headers), None);
        headers.insert(
            "x-amz-user-agent",
            "aws-sdk-rust/1.3.9 ua/2.1 api/securityhub/1.137.0 os/linux lang/rust/1.90.0 app/secdeck"
                .parse()
                .unwrap(),
        );
        assert_eq!(app_name(&headers).as_deref(), Some("secdeck"));
        headers.clear();
        headers.insert("user-agent", "aws-cli/2.15 Python/3.11".parse().unwrap());
        assert_eq!(app_name(&headers), None);
    }
}
