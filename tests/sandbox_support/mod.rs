//! Shared helpers for the sandbox tests: fixture loading, generated findings, and SDK
//! clients built from the sandbox's in-process config.
#![allow(dead_code)]

use std::path::Path;

use aws_sdk_securityhub::config::retry::RetryConfig;
use secdeck::sandbox::seed::Seed;
use secdeck::sandbox::{Sandbox, SandboxConfig};
use serde_json::{Value, json};

pub const PRODUCT_ARN: &str =
    "arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default";
pub const LABELS: [&str; 5] = ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"];

/// Every finding in tests/fixtures/asff (files hold one finding or `{"Findings": [...]}`).
pub fn fixture_findings() -> Vec<Value> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/asff");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .flat_map(|p| {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
            match v.get("Findings") {
                Some(Value::Array(list)) => list.clone(),
                _ => vec![v],
            }
        })
        .collect()
}

/// A small valid finding; `i` drives every varying attribute predictably.
pub fn generated(i: usize) -> Value {
    json!({
        "SchemaVersion": "2018-10-08",
        "Id": format!("gen-{i:04}"),
        "ProductArn": PRODUCT_ARN,
        "GeneratorId": format!("generator-{}", i % 3),
        "AwsAccountId": "123456789012",
        "Types": ["Software and Configuration Checks/Vulnerabilities/CVE"],
        "CreatedAt": "2024-01-01T00:00:00.000Z",
        "UpdatedAt": format!("2024-01-{:02}T00:00:00.000Z", 1 + i % 28),
        "Severity": {"Label": LABELS[i % 5]},
        "Title": format!("Finding {i}"),
        "Description": "generated for a sandbox test",
        "Resources": [{"Type": "AwsS3Bucket", "Id": format!("arn:aws:s3:::bucket-{i}")}],
    })
}

pub fn sandbox_with(findings: Vec<Value>) -> Sandbox {
    Sandbox::new(
        SandboxConfig::default(),
        Seed {
            findings,
            ..Default::default()
        },
    )
    .unwrap()
}

pub async fn hub(sandbox: &Sandbox) -> aws_sdk_securityhub::Client {
    aws_sdk_securityhub::Client::new(&sandbox.sdk_config().await)
}

/// A client that surfaces the first error instead of retrying it.
pub async fn hub_no_retry(sandbox: &Sandbox) -> aws_sdk_securityhub::Client {
    let conf = aws_sdk_securityhub::config::Builder::from(&sandbox.sdk_config().await)
        .retry_config(RetryConfig::disabled())
        .build();
    aws_sdk_securityhub::Client::from_conf(conf)
}

/// Runs an async test body on a thread with a large stack: in debug builds the SDK's
/// generated ASFF deserializers need more than the default 2 MB for deep findings
/// (Resources[].Details...).
pub fn big_stack<F>(body: impl FnOnce() -> F + Send + 'static)
where
    F: std::future::Future<Output = ()>,
{
    let handle = std::thread::Builder::new()
        .stack_size(32 << 20)
        .spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(body())
        })
        .unwrap();
    if let Err(panic) = handle.join() {
        std::panic::resume_unwind(panic);
    }
}
