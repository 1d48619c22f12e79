//! The sandbox's machinery through real SDK clients: STS identity, quotas and throttling
//! retries, injected faults, the request log, and serving over loopback TCP.

mod common;

use std::time::Duration;

use aws_sdk_securityhub::config::retry::RetryConfig;
use aws_sdk_securityhub::types::{AwsSecurityFindingFilters, WorkflowStatus};
use common::hub::*;
use common::*;
use secdeck::sandbox::seed::Seed;
use secdeck::sandbox::{Fault, QuotaMode, Sandbox, SandboxConfig, serve, serve_on};

#[tokio::test]
async fn sts_reports_the_configured_identity() {
    let config = SandboxConfig {
        account: "111122223333".into(),
        caller_arn: "arn:aws:iam::111122223333:user/alice".into(),
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::new(config, Seed::default()).unwrap();
    let sts = aws_sdk_sts::Client::new(&sandbox.sdk_config().await);
    let me = sts.get_caller_identity().send().await.unwrap();
    assert_eq!(me.account(), Some("111122223333"));
    assert_eq!(me.arn(), Some("arn:aws:iam::111122223333:user/alice"));
    assert!(me.user_id().unwrap().starts_with("AIDA"));
    let log = sandbox.requests();
    assert_eq!(
        (log[0].service.as_str(), log[0].operation.as_str()),
        ("sts", "GetCallerIdentity")
    );
    assert_eq!(log[0].params["Action"], "GetCallerIdentity");
}

#[tokio::test]
async fn requests_are_recorded_with_their_parameters_and_mutating_flag() {
    let sandbox = TestEnv::findings((0..3).map(generated).collect()).await;
    let hub = sandbox.hub();
    let title = AwsSecurityFindingFilters::builder().title(equals("Finding 1"));
    hub.get_findings()
        .filters(title.build())
        .send()
        .await
        .unwrap();
    set_workflow(&hub, "gen-0001", WorkflowStatus::Resolved).await;
    let log = sandbox.requests();
    let summary: Vec<(&str, bool, u16)> = log
        .iter()
        .map(|r| (r.operation.as_str(), r.mutating, r.status))
        .collect();
    assert_eq!(
        summary,
        [
            ("GetFindings", false, 200),
            ("BatchUpdateFindings", true, 200)
        ]
    );
    assert_eq!(log[0].params["Filters"]["Title"][0]["Value"], "Finding 1");
    assert_eq!(log[1].params["Workflow"]["Status"], "RESOLVED");
    sandbox.clear_requests();
    assert!(sandbox.requests().is_empty());
}

#[tokio::test]
async fn a_throttle_the_sdk_retries_by_itself_still_engages_the_adaptive_pacer() {
    let sandbox = TestEnv::findings(vec![generated(1)]).await;
    let pacer = std::sync::Arc::new(secdeck::tasks::retry::Pacer::get_findings_adaptive());
    let hub =
        secdeck::aws::throttle_signal::securityhub_client(&sandbox.sdk_config().await, &pacer);
    for _ in 0..20 {
        hub.get_findings().send().await.unwrap();
    }
    assert!(
        !pacer.is_pacing(),
        "no quota enforced: requests go out unpaced"
    );
    sandbox.set_quotas(QuotaMode::Aws);
    for _ in 0..10 {
        // The SDK's standard retry absorbs the 429s: every call succeeds.
        hub.get_findings().send().await.unwrap();
    }
    assert!(sandbox.requests().iter().any(|r| r.status == 429));
    assert!(
        pacer.is_pacing(),
        "the 429 told the pacer to keep to the quota"
    );
}

#[tokio::test]
async fn aws_quotas_throttle_with_the_typed_throttling_error() {
    let sandbox = TestEnv::findings(vec![generated(1)]).await;
    sandbox.set_quotas(QuotaMode::Aws);
    let hub = sandbox.hub_no_retry();
    let mut throttled = None;
    // GetFindings allows a burst of 6 at 3/s: back-to-back calls soon fail (the loop stops
    // at the first; 200 calls leave room for a very slow, loaded machine).
    for _ in 0..200 {
        if let Err(e) = hub.get_findings().send().await {
            throttled = Some(e.into_service_error());
            break;
        }
    }
    let err = throttled.expect("GetFindings was never throttled");
    assert!(err.is_limit_exceeded_exception(), "{err:?}");
    assert!(sandbox.requests().iter().any(|r| r.status == 429));

    // Other operations have their own buckets, and Off lifts the limits.
    hub.batch_update_findings()
        .finding_identifiers(ident("gen-0001"))
        .confidence(5)
        .send()
        .await
        .unwrap();
    sandbox.set_quotas(QuotaMode::Off);
    for _ in 0..20 {
        hub.get_findings().send().await.unwrap();
    }
}

#[tokio::test]
async fn the_sdk_retries_throttling_and_server_errors() {
    let sandbox = TestEnv::findings(vec![generated(1)]).await;
    sandbox.inject_fault(Fault::next("GetFindings", 2, 429, "LimitExceededException"));
    let conf = aws_sdk_securityhub::config::Builder::from(&sandbox.sdk_config().await)
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(3)
                .with_initial_backoff(Duration::from_millis(1)),
        )
        .build();
    let hub = aws_sdk_securityhub::Client::from_conf(conf);
    let out = hub.get_findings().send().await.unwrap();
    assert_eq!(out.findings().len(), 1);
    let statuses: Vec<u16> = sandbox.requests().iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [429, 429, 200],
        "two throttled attempts, then success"
    );

    sandbox.clear_requests();
    sandbox.inject_fault(Fault::next("GetFindings", 5, 500, "InternalException"));
    let err = hub.get_findings().send().await.unwrap_err();
    assert!(err.into_service_error().is_internal_exception());
    assert_eq!(
        sandbox.requests().len(),
        3,
        "max attempts, then the typed error"
    );
    sandbox.clear_faults();
    hub.get_findings().send().await.unwrap();
}

#[tokio::test]
async fn faults_can_target_every_operation_and_any_code() {
    let sandbox = TestEnv::findings(vec![generated(1)]).await;
    let hub = sandbox.hub_no_retry();
    let sts = aws_sdk_sts::Client::new(&sandbox.sdk_config().await);
    sandbox.inject_fault(Fault {
        operation: None,
        status: 403,
        code: "AccessDeniedException".into(),
        message: "not authorized to perform securityhub:GetFindings".into(),
        probability: 1.0,
        remaining: Some(2),
        mode: secdeck::sandbox::FaultMode::Refuse,
    });
    let err = hub.get_findings().send().await.unwrap_err();
    let err = err.into_service_error();
    assert_eq!(err.meta().code(), Some("AccessDeniedException"));
    assert!(err.meta().message().unwrap().contains("not authorized"));
    let err = sts.get_caller_identity().send().await.unwrap_err();
    assert_eq!(
        err.into_service_error().meta().code(),
        Some("AccessDeniedException")
    );
    // Exhausted after two.
    hub.get_findings().send().await.unwrap();
}

/// The sandbox served on a loopback port until `stop`.
struct Served {
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Served {
    async fn stop(self) {
        self.stop.send(()).unwrap();
        self.task.await.unwrap().unwrap();
    }
}

/// `sandbox` on a loopback port and a Security Hub client over TCP with the SDK's own
/// HTTP client (no retries when `retries` is false: each write is seen once).
async fn over_tcp(sandbox: &Sandbox, retries: bool) -> (aws_sdk_securityhub::Client, Served) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(serve_on(sandbox.clone(), listener, false, async {
        let _ = stopped.await;
    }));
    let mut conf = aws_sdk_securityhub::Config::builder()
        .behavior_version(aws_sdk_securityhub::config::BehaviorVersion::latest())
        .region(aws_sdk_securityhub::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_securityhub::config::Credentials::for_tests())
        .endpoint_url(format!("http://{addr}"));
    if !retries {
        conf = conf.retry_config(RetryConfig::disabled());
    }
    let hub = aws_sdk_securityhub::Client::from_conf(conf.build());
    (hub, Served { stop, task })
}

#[tokio::test]
async fn serves_over_loopback_tcp_to_the_sdk_default_http_client() {
    let sandbox = TestEnv::findings((0..5).map(generated).collect()).await;
    // A plain client config with no custom HTTP client: the SDK's own client over TCP.
    let (hub, server) = over_tcp(&sandbox, true).await;
    let out = hub.get_findings().send().await.unwrap();
    assert_eq!(out.findings().len(), 5);
    assert_eq!(
        sandbox.requests().len(),
        1,
        "the same world serves both transports"
    );
    server.stop().await;
}

#[tokio::test]
async fn refuses_to_listen_beyond_loopback_unless_allowed() {
    let sandbox = TestEnv::findings(Vec::new()).await;
    let err = serve(
        sandbox.clone(),
        "0.0.0.0:0".parse().unwrap(),
        false,
        async {},
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("not a loopback address"), "{err}");
}

#[tokio::test]
async fn raw_wire_errors_have_aws_shapes() {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let sandbox = TestEnv::findings(Vec::new()).await;
    let call = |method: &str, path: &str, content_type: &str, body: &str| {
        let request = http::Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", content_type)
            .body(axum::body::Body::from(body.to_string()))
            .unwrap();
        let router = sandbox.router();
        async move {
            let response = router.oneshot(request).await.unwrap();
            let status = response.status().as_u16();
            let kind = response
                .headers()
                .get("x-amzn-errortype")
                .map(|v| v.to_str().unwrap().to_string());
            let body = response.into_body().collect().await.unwrap().to_bytes();
            (status, kind, String::from_utf8(body.to_vec()).unwrap())
        }
    };
    let (status, kind, body) = call(
        "POST",
        "/findings",
        "application/json",
        r#"{"MaxResults": 0}"#,
    )
    .await;
    assert_eq!(
        (status, kind.as_deref()),
        (400, Some("InvalidInputException"))
    );
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["Code"], "InvalidInputException");

    let (status, _, body) = call(
        "POST",
        "/",
        "application/x-www-form-urlencoded",
        "Action=GetSessionToken&Version=2011-06-15",
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body.starts_with("<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code>"),
        "{body}"
    );

    let (status, kind, _) = call("GET", "/no/such/api", "application/json", "").await;
    assert_eq!(
        (status, kind.as_deref()),
        (404, Some("UnknownOperationException"))
    );
    let ops: Vec<String> = sandbox
        .requests()
        .into_iter()
        .map(|r| r.operation)
        .collect();
    assert_eq!(ops, ["GetFindings", "GetSessionToken", "GET /no/such/api"]);
}

#[tokio::test]
async fn a_spec_armed_write_fault_applies_over_tcp_and_then_cuts_or_fails_the_answer() {
    let sandbox = TestEnv::findings((0..2).map(generated).collect()).await;
    sandbox.arm(
        secdeck::sandbox::parse_specs(
            "BatchUpdateFindings:after-drop,times=1; BatchUpdateFindings:after-500/InternalException,times=1",
        )
        .unwrap(),
    );
    // The SDK's own client over TCP, without retries: each write is seen once.
    let (hub, server) = over_tcp(&sandbox, false).await;
    let set = |id: &str, status: &str| {
        hub.batch_update_findings()
            .finding_identifiers(
                aws_sdk_securityhub::types::AwsSecurityFindingIdentifier::builder()
                    .id(id)
                    .product_arn(PRODUCT_ARN)
                    .build(),
            )
            .workflow(
                aws_sdk_securityhub::types::WorkflowUpdate::builder()
                    .status(status.into())
                    .build(),
            )
            .send()
    };
    let dropped = set("gen-0000", "NOTIFIED").await.unwrap_err();
    assert!(
        matches!(
            dropped,
            aws_sdk_securityhub::error::SdkError::ResponseError(_)
                | aws_sdk_securityhub::error::SdkError::DispatchFailure(_)
        ),
        "the connection was cut: {dropped:?}"
    );
    let failed = set("gen-0001", "RESOLVED").await.unwrap_err();
    assert_eq!(
        failed.into_service_error().meta().code(),
        Some("InternalException")
    );
    // Both writes happened although neither answer said so.
    let status = |id: &str| sandbox.finding(id).unwrap()["Workflow"]["Status"].clone();
    assert_eq!(status("gen-0000"), "NOTIFIED");
    assert_eq!(status("gen-0001"), "RESOLVED");
    // Disarmed after their one time each.
    set("gen-0000", "NEW").await.unwrap();
    server.stop().await;
}
