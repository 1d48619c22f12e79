//! Conformance of real exchanges: an interceptor that keeps every request and answer an SDK
//! client makes (`Exchanges`), and their check against the service model
//! (`ServiceModel::check_exchanges`): the operation found by method and path, the request
//! body checked as its input, the answer as its output or as an error it declares.
//!
//! ```ignore
//! let exchanges = Exchanges::default();
//! let conf = aws_sdk_securityhub::config::Builder::from(&sdk_config).interceptor(exchanges.clone()).build();
//! // ... calls ...
//! ServiceModel::load("securityhub").check_exchanges(&exchanges.taken());
//! ```

use std::sync::Mutex;

use serde_json::{Map, Value};

use secdeck::sandbox::RecordedRequest;

use super::model::{ServiceModel, Violation, Violations};

/// One HTTP exchange an SDK client made: what it sent and what it got back.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub method: String,
    pub path: String,
    pub request: Value,
    pub status: u16,
    /// `X-Amzn-Errortype` of an error answer (the error shape's name).
    pub error_type: Option<String>,
    pub response: Value,
}

/// An interceptor that keeps every exchange of the client it is added to
/// (`Config::builder().interceptor(exchanges.clone())`), for [`ServiceModel::check_exchanges`].
#[derive(Debug, Clone, Default)]
pub struct Exchanges(std::sync::Arc<Mutex<Vec<Exchange>>>);

impl Exchanges {
    pub fn taken(&self) -> Vec<Exchange> {
        self.0.lock().unwrap().clone()
    }
}

fn body_json(bytes: Option<&[u8]>) -> Value {
    match bytes {
        Some(b) if !b.iter().all(u8::is_ascii_whitespace) => serde_json::from_slice(b)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(b).into())),
        _ => Value::Object(Map::new()),
    }
}

impl aws_smithy_runtime_api::client::interceptors::Intercept for Exchanges {
    fn name(&self) -> &'static str {
        "common::model::Exchanges"
    }

    fn read_before_transmit(
        &self,
        context: &aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef<'_>,
        _rc: &aws_smithy_runtime_api::client::runtime_components::RuntimeComponents,
        _cfg: &mut aws_smithy_types::config_bag::ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        let request = context.request();
        let uri: http::Uri = request.uri().parse()?;
        self.0.lock().unwrap().push(Exchange {
            method: request.method().to_string(),
            path: uri
                .path_and_query()
                .map(|p| p.to_string())
                .unwrap_or_default(),
            request: body_json(request.body().bytes()),
            status: 0,
            error_type: None,
            response: Value::Null,
        });
        Ok(())
    }

    fn read_after_deserialization(
        &self,
        context: &aws_smithy_runtime_api::client::interceptors::context::AfterDeserializationInterceptorContextRef<'_>,
        _rc: &aws_smithy_runtime_api::client::runtime_components::RuntimeComponents,
        _cfg: &mut aws_smithy_types::config_bag::ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        let response = context.response();
        if let Some(last) = self.0.lock().unwrap().last_mut() {
            last.status = response.status().as_u16();
            last.error_type = response
                .headers()
                .get("x-amzn-errortype")
                .map(|t| t.split(':').next().unwrap_or(t).to_string());
            last.response = body_json(response.body().bytes());
        }
        Ok(())
    }
}

impl ServiceModel {
    /// An error answer: its type must be one the operation declares, and its body (less the
    /// protocol's `__type`) must fit that error's shape.
    pub fn check_error(
        &self,
        operation: &str,
        error_type: &str,
        body: &Value,
    ) -> Result<(), Violations> {
        if !self.operation_errors(operation).contains(&error_type) {
            return Err(Violations(vec![Violation {
                path: "$".into(),
                problem: format!("{operation} does not declare the error {error_type}"),
            }]));
        }
        let mut body = body.clone();
        if let Some(obj) = body.as_object_mut() {
            obj.remove("__type");
        }
        let out = self.check_shape(error_type, &body);
        if out.is_empty() {
            Ok(())
        } else {
            Err(Violations(out))
        }
    }

    /// Every exchange against the model: the operation is found by method and path, the
    /// request body checked as its input, the answer as its output or as a declared error.
    /// Returns the operations seen; panics naming each violation.
    pub fn check_exchanges(&self, exchanges: &[Exchange]) -> Vec<String> {
        let mut problems = Vec::new();
        let mut seen = Vec::new();
        for x in exchanges {
            let Some(op) = self.operation_for(&x.method, &x.path) else {
                problems.push(format!(
                    "{} {}: no {} operation is routed there",
                    x.method, x.path, self.service
                ));
                continue;
            };
            seen.push(op.to_string());
            if let Err(v) = self.check_input(op, &x.request) {
                problems.push(format!("{op} request {}:\n{v}", short(&x.request)));
            }
            let answer = match (&x.error_type, x.status) {
                (Some(t), 400..) => self.check_error(op, t, &x.response),
                _ => self.check_output(op, &x.response),
            };
            if let Err(v) = answer {
                problems.push(format!(
                    "{op} answer (HTTP {}) {}:\n{v}",
                    x.status, x.response
                ));
            }
        }
        assert!(
            problems.is_empty(),
            "against botocore's {} model:\n{}",
            self.service,
            problems.join("\n")
        );
        seen
    }

    /// The requests the sandbox recorded for this service (a console's, say) against the
    /// model: the recorder merges the URI and query members into the parameters, so those
    /// are taken out before the body is checked. Returns the operations seen; panics naming
    /// each violation.
    pub fn check_recorded(&self, service: &str, requests: &[RecordedRequest]) -> Vec<String> {
        let mut problems = Vec::new();
        let mut seen = Vec::new();
        for r in requests.iter().filter(|r| r.service == service) {
            let body = self.without_located_members(&r.operation, &r.params);
            if let Err(v) = self.check_input(&r.operation, &body) {
                problems.push(format!("{} request {}:\n{v}", r.operation, short(&body)));
            }
            seen.push(r.operation.clone());
        }
        assert!(
            problems.is_empty(),
            "recorded requests against botocore's {} model:\n{}",
            self.service,
            problems.join("\n")
        );
        seen
    }
}

/// A Security Hub client on `env` that keeps every exchange for the model check (no SDK
/// retries: a test sees every answer).
pub fn hub_with_exchanges(env: &super::TestEnv) -> (aws_sdk_securityhub::Client, Exchanges) {
    let exchanges = Exchanges::default();
    let conf = aws_sdk_securityhub::config::Builder::from(&secdeck::aws::tagged(&env.sdk_config))
        .interceptor(exchanges.clone())
        .retry_config(aws_config::retry::RetryConfig::disabled())
        .build();
    (aws_sdk_securityhub::Client::from_conf(conf), exchanges)
}

/// Every V2 (new Security Hub) request the sandbox received, checked against botocore's
/// `securityhub` model; returns their operations in order.
pub fn check_v2_requests(sandbox: &secdeck::sandbox::Sandbox) -> Vec<String> {
    let v2: Vec<RecordedRequest> = sandbox
        .requests()
        .into_iter()
        .filter(|r| r.operation.ends_with("V2"))
        .collect();
    ServiceModel::load("securityhub").check_recorded("securityhub", &v2)
}

/// A body cut to a readable length for failure messages.
fn short(body: &Value) -> String {
    let text = body.to_string();
    match text.char_indices().nth(300) {
        Some((i, _)) => format!("{}...", &text[..i]),
        None => text,
    }
}
