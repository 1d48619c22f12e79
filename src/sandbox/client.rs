//! An SDK HTTP client that hands requests straight to the sandbox router: no sockets, no
//! ports, same wire bytes. Used by `--demo` and by tests.

use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::shared::IntoShared;
use aws_smithy_types::body::SdkBody;
use http_body_util::BodyExt;
use tower::ServiceExt;

#[derive(Clone)]
pub(crate) struct InProcessClient {
    router: axum::Router,
}

impl std::fmt::Debug for InProcessClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InProcessClient").finish_non_exhaustive()
    }
}

impl InProcessClient {
    pub fn shared(router: axum::Router) -> SharedHttpClient {
        InProcessClient { router }.into_shared()
    }
}

fn connector_error(what: &str, e: impl std::fmt::Display) -> ConnectorError {
    ConnectorError::other(
        format!("sandbox in-process client: {what}: {e}").into(),
        None,
    )
}

impl HttpConnector for InProcessClient {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let router = self.router.clone();
        HttpConnectorFuture::new(async move {
            let request = request
                .try_into_http1x()
                .map_err(|e| connector_error("converting the request", e))?;
            let (parts, body) = request.into_parts();
            let bytes = body
                .collect()
                .await
                .map_err(|e| connector_error("reading the request body", e))?
                .to_bytes();
            let request = http::Request::from_parts(parts, axum::body::Body::from(bytes));
            let response = router
                .oneshot(request)
                .await
                .map_err(|e| connector_error("routing", e))?;
            let (parts, body) = response.into_parts();
            // A body that fails is a connection cut mid-answer (an injected fault): an
            // I/O error, as the SDK would see it over TCP.
            let bytes = body
                .collect()
                .await
                .map_err(|e| {
                    ConnectorError::io(
                        format!("sandbox in-process client: reading the response body: {e}").into(),
                    )
                })?
                .to_bytes();
            HttpResponse::try_from(http::Response::from_parts(parts, SdkBody::from(bytes)))
                .map_err(|e| connector_error("converting the response", e))
        })
    }
}

impl HttpClient for InProcessClient {
    fn http_connector(
        &self,
        _: &HttpConnectorSettings,
        _: &RuntimeComponents,
    ) -> SharedHttpConnector {
        self.clone().into_shared()
    }

    fn connector_metadata(&self) -> Option<ConnectorMetadata> {
        Some(ConnectorMetadata::new("secdeck-sandbox", None))
    }
}
