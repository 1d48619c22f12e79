//! The path every request takes once its operation is known: added latency, quota,
//! injected faults, the handler, the protocol's error shape, and the request log.
//! Also routes the shared `POST /` between awsJson (X-Amz-Target) and awsQuery (form).

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use bytes::Bytes;
use http::{HeaderMap, Method, Uri};
use serde_json::Value;

use super::faults::AfterFault;
use super::protocol::{Protocol, ServiceError, aws_json, aws_query};
use super::record::RecordedRequest;
use super::state::Shared;
use super::{iam, sts};

/// What the dispatcher needs to know about an operation before running it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Op {
    pub service: &'static str,
    pub name: &'static str,
    pub mutating: bool,
    pub protocol: Protocol,
    /// The error this service throttles with (the SDK's retry classifier knows it).
    pub throttle: (u16, &'static str),
}

/// Per-request context a handler may use.
pub(crate) struct Ctx<'a> {
    pub shared: &'a Shared,
    pub request_id: &'a str,
}

pub(crate) async fn run(
    shared: &Shared,
    op: Op,
    params: Value,
    handler: impl FnOnce(&Ctx, &Value) -> Result<Response, ServiceError>,
) -> Response {
    if let Some(latency) = shared.config.latency {
        tokio::time::sleep(latency).await;
    }
    let request_id = uuid::Uuid::new_v4().to_string();
    let ctx = Ctx {
        shared,
        request_id: &request_id,
    };
    let result = if !shared.quotas.admit(op.service, op.name) {
        Err(ServiceError::new(
            op.throttle.0,
            op.throttle.1,
            "Rate exceeded",
        ))
    } else if let Some(fault) = shared.faults.fire(op.name) {
        Err(fault)
    } else {
        handler(&ctx, &params)
    };
    // A fault that lets the operation change state and then fails its answer.
    let after = match &result {
        Ok(_) => shared.faults.fire_after(op.name),
        Err(_) => None,
    };
    let response = match after {
        Some(AfterFault::Drop) => dropped_connection(),
        Some(AfterFault::Answer(e)) => op.protocol.error(&e, &request_id),
        None => result.unwrap_or_else(|e| op.protocol.error(&e, &request_id)),
    };
    // Benches count what a client asked for: `SECDECK_LOG=secdeck::sandbox::served=debug`.
    let status = response.status().as_u16();
    tracing::debug!(target: "secdeck::sandbox::served", operation = %op.name, status, "served");
    shared.recorder.push(RecordedRequest {
        service: op.service.to_string(),
        operation: op.name.to_string(),
        mutating: op.mutating,
        params,
        status: response.status().as_u16(),
        time: time::OffsetDateTime::now_utc(),
        app: super::record::current_app(),
    });
    response
}

/// A response whose body fails after the head: over TCP the connection is cut before the
/// answer is complete, in process the client's body read fails. Either way the client
/// never learns what happened to its request.
fn dropped_connection() -> Response {
    let cut = futures::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "sandbox fault: connection dropped after the write",
        ))
    });
    Response::new(axum::body::Body::from_stream(cut))
}

/// Parses a JSON request body; an empty body is an empty object (GET-style operations).
pub(crate) fn json_params(body: &[u8]) -> Result<Value, ServiceError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Default::default()));
    }
    serde_json::from_slice(body)
        .map_err(|e| ServiceError::new(400, "SerializationException", format!("request body: {e}")))
}

/// Records and answers a request the sandbox does not know.
pub(crate) fn unknown(
    shared: &Shared,
    protocol: Protocol,
    service: &str,
    operation: String,
    params: Value,
    error: ServiceError,
) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let response = protocol.error(&error, &request_id);
    shared.recorder.push(RecordedRequest {
        service: service.to_string(),
        operation,
        mutating: false,
        params,
        status: response.status().as_u16(),
        time: time::OffsetDateTime::now_utc(),
        app: super::record::current_app(),
    });
    response
}

/// The signing service from `Authorization: AWS4-HMAC-SHA256 Credential=AKID/date/region/SERVICE/aws4_request`.
pub(crate) fn signing_service(headers: &HeaderMap) -> Option<String> {
    let auth = headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let scope = auth.split("Credential=").nth(1)?.split([',', ' ']).next()?;
    scope.split('/').nth(3).map(str::to_string)
}

/// `POST /`: awsJson if `X-Amz-Target` is present, otherwise an awsQuery form.
pub(crate) async fn root(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let service = signing_service(&headers);
    if let Some(target) = headers.get("x-amz-target") {
        let target = target.to_str().unwrap_or_default().to_string();
        let operation = aws_json::split_target(&target)
            .map(|(_, op)| op.to_string())
            .unwrap_or(target.clone());
        if target.starts_with(super::wafv2::TARGET_PREFIX) && super::wafv2::handles(&operation) {
            return super::wafv2::handle(&shared, &operation, json_params(&body), &headers).await;
        }
        let params = json_params(&body).unwrap_or(Value::Null);
        return unknown(
            &shared,
            Protocol::AwsJson,
            service.as_deref().unwrap_or("unknown"),
            operation,
            params,
            ServiceError::new(
                400,
                "UnknownOperationException",
                format!("the sandbox does not implement {target}"),
            ),
        );
    }
    let form = match aws_query::parse_form(&body) {
        Ok(form) => form,
        Err(e) => {
            return unknown(
                &shared,
                Protocol::AwsQuery,
                "unknown",
                String::new(),
                Value::Null,
                e,
            );
        }
    };
    let action = form
        .get("Action")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    match service.as_deref() {
        Some("sts") | None if sts::handles(&action) => {
            let key = iam::access_key(&headers);
            sts::handle(&shared, &action, form, &key).await
        }
        Some("iam") | None if iam::handles(&action) => {
            let account = iam::caller_account(&shared, &headers);
            iam::handle(&shared, &action, form, account).await
        }
        _ => unknown(
            &shared,
            Protocol::AwsQuery,
            service.as_deref().unwrap_or("unknown"),
            action.clone(),
            form,
            ServiceError::new(
                400,
                "InvalidAction",
                format!("the sandbox does not implement action {action:?}"),
            ),
        ),
    }
}

/// Any method and path no service claimed.
pub(crate) async fn fallback(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let service = signing_service(&headers).unwrap_or_else(|| "unknown".into());
    let params = json_params(&body).unwrap_or(Value::Null);
    unknown(
        &shared,
        Protocol::RestJson,
        &service,
        format!("{method} {}", uri.path()),
        params,
        ServiceError::new(
            404,
            "UnknownOperationException",
            format!("the sandbox has no operation at {method} {}", uri.path()),
        ),
    )
}
