//! SDK configs for tests: one pointing at a moto server, and one answering every request
//! with a canned body, which lets a test turn ASFF JSON into typed SDK findings with the
//! SDK's own deserializer (the crate has no serde support for its types).

use std::sync::Arc;
use std::time::Duration;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sdk_securityhub::types::AwsSecurityFinding;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::shared::IntoShared;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::timeout::TimeoutConfig;
use serde_json::{Value, json};

/// `aws_types`' builder type is not nameable without that crate, hence one function.
fn build(region: &str, endpoint: &str, http_client: Option<SharedHttpClient>) -> SdkConfig {
    let credentials = Credentials::new(
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        None,
        None,
        "test",
    );
    let mut builder = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .endpoint_url(endpoint)
        .timeout_config(
            TimeoutConfig::builder()
                .operation_timeout(Duration::from_secs(60))
                .build(),
        );
    if let Some(client) = http_client {
        builder = builder.http_client(client);
    }
    builder.build()
}

/// Talks to moto over loopback: only the endpoint, the dummy credentials and the Region
/// differ from what the console would use against AWS.
pub fn moto_config(endpoint: &str, region: &str) -> SdkConfig {
    build(region, endpoint, None)
}

/// Answers every request with `status` and `body`.
pub fn canned_config(status: u16, body: String) -> SdkConfig {
    build(
        "us-east-1",
        "http://canned.invalid",
        Some(Canned::shared(status, body)),
    )
}

/// The typed findings the SDK reads from a GetFindings page holding `findings`, or which
/// findings it cannot read and why (the SDK's error names the JSON type it expected).
pub async fn typed_findings(findings: &[Value]) -> Result<Vec<AwsSecurityFinding>, String> {
    match page(findings).await {
        Ok(typed) => Ok(typed),
        Err(_) => {
            let mut bad = Vec::new();
            for f in findings {
                if let Err(e) = page(std::slice::from_ref(f)).await {
                    bad.push(format!("{}: {e}", f["Id"]));
                }
            }
            Err(bad.join("\n"))
        }
    }
}

async fn page(findings: &[Value]) -> Result<Vec<AwsSecurityFinding>, String> {
    let body = json!({"Findings": findings}).to_string();
    let client = aws_sdk_securityhub::Client::new(&canned_config(200, body));
    match client.get_findings().send().await {
        Ok(out) => Ok(out.findings.unwrap_or_default()),
        Err(e) => Err(match e.raw_response() {
            // The error's Debug form includes the whole body; the source is what matters.
            Some(_) => std::error::Error::source(&e)
                .map(|s| format!("{s:?}"))
                .unwrap_or_else(|| e.to_string()),
            None => e.to_string(),
        }),
    }
}

#[derive(Debug, Clone)]
struct Canned {
    status: u16,
    body: Arc<String>,
}

impl Canned {
    fn shared(status: u16, body: String) -> SharedHttpClient {
        Canned {
            status,
            body: Arc::new(body),
        }
        .into_shared()
    }
}

impl HttpConnector for Canned {
    fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
        let response = http::Response::builder()
            .status(self.status)
            .header("content-type", "application/json")
            .body(SdkBody::from(self.body.as_str().to_owned()));
        HttpConnectorFuture::ready(match response {
            Ok(r) => HttpResponse::try_from(r).map_err(|e| {
                aws_smithy_runtime_api::client::result::ConnectorError::other(e.into(), None)
            }),
            Err(e) => {
                Err(aws_smithy_runtime_api::client::result::ConnectorError::other(e.into(), None))
            }
        })
    }
}

impl HttpClient for Canned {
    fn http_connector(
        &self,
        _: &HttpConnectorSettings,
        _: &RuntimeComponents,
    ) -> SharedHttpConnector {
        self.clone().into_shared()
    }
}

/// The AWS error code of a call the test expects AWS (or the sandbox) to refuse; the test
/// fails if the call succeeds.
pub async fn refusal_code<T: std::fmt::Debug, E>(
    call: impl std::future::Future<Output = Result<T, E>>,
) -> String
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::fmt::Debug,
{
    let err = call.await.expect_err("the call should have been refused");
    err.code().unwrap_or("(no code)").to_string()
}
