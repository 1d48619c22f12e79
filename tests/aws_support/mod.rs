//! Helpers for the AWS adapter and executor tests: small valid findings, a sandbox, SDK
//! clients on it, and an executor with short waits.
#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use secdeck::aws::AwsClients;
use secdeck::config::{AccessFlag, Config};
use secdeck::domain::finding::{FindingRef, WorkflowStatus};
use secdeck::domain::plan::{Change, ChangePlan, FindingEdit, FindingsUpdate, TriageFields};
use secdeck::journal::{Journal, JournalContext};
use secdeck::sandbox::seed::Seed;
use secdeck::sandbox::{QuotaMode, Sandbox, SandboxConfig};
use secdeck::tasks::{ExecutorOptions, MutationExecutor, RetryPolicy, SessionMode};
use serde_json::{Value, json};

pub const PRODUCT_ARN: &str =
    "arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default";
pub const LABELS: [&str; 5] = ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"];

/// A small valid finding, workflow NEW; `i` drives the varying attributes.
pub fn finding(i: usize) -> Value {
    json!({
        "SchemaVersion": "2018-10-08",
        "Id": format!("f-{i:04}"),
        "ProductArn": PRODUCT_ARN,
        "GeneratorId": "secdeck-test",
        "AwsAccountId": "123456789012",
        "Types": ["Software and Configuration Checks/Vulnerabilities/CVE"],
        "CreatedAt": "2024-01-01T00:00:00.000Z",
        "UpdatedAt": format!("2024-01-{:02}T00:00:00.000Z", 1 + i % 28),
        "Severity": {"Label": LABELS[i % 5]},
        "Title": format!("Finding {i:04}"),
        "Description": "made for an aws adapter test",
        "Workflow": {"Status": "NEW"},
        "RecordState": "ACTIVE",
        "Resources": [{"Type": "AwsS3Bucket", "Id": format!("arn:aws:s3:::bucket-{i}")}],
    })
}

pub fn findings(n: usize) -> Vec<Value> {
    (0..n).map(finding).collect()
}

pub fn sandbox(findings: Vec<Value>, quotas: QuotaMode) -> Sandbox {
    let config = SandboxConfig {
        quotas,
        ..SandboxConfig::default()
    };
    Sandbox::new(
        config,
        Seed {
            findings,
            ..Default::default()
        },
    )
    .unwrap()
}

pub async fn clients(sandbox: &Sandbox) -> AwsClients {
    AwsClients::new(&sandbox.sdk_config().await)
}

/// Clients without the SDK's own retries, so a test sees (or retries) every throttle.
pub async fn clients_without_sdk_retries(sandbox: &Sandbox) -> AwsClients {
    let config = sandbox
        .sdk_config()
        .await
        .to_builder()
        .retry_config(RetryConfig::disabled())
        .build();
    AwsClients::new(&config)
}

pub fn fast_options() -> ExecutorOptions {
    ExecutorOptions {
        retry: RetryPolicy {
            max_retries: 10,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(400),
        },
        verify_attempts: 3,
        verify_delay: Duration::from_millis(10),
        note_author: "test-analyst".into(),
    }
}

pub fn executor(clients: AwsClients, journal: &Path, options: ExecutorOptions) -> MutationExecutor {
    let SessionMode::ReadWrite(access) =
        SessionMode::resolve(AccessFlag::Write, &Config::default(), "default")
    else {
        panic!("--write must give write access");
    };
    let context = JournalContext {
        region: "us-east-1".into(),
        profile: Some("test".into()),
        ..Default::default()
    };
    MutationExecutor::new(
        access,
        clients,
        Journal::open(journal).unwrap(),
        context,
        options,
    )
}

/// A plan setting each finding's workflow from NEW to `to`.
pub fn workflow_plan(id: &str, ids: &[String], to: WorkflowStatus) -> ChangePlan {
    edits_plan(
        id,
        ids.iter()
            .map(|i| {
                (
                    i.as_str(),
                    TriageFields {
                        workflow: Some(to),
                        ..Default::default()
                    },
                )
            })
            .collect(),
    )
}

pub fn edits_plan(id: &str, edits: Vec<(&str, TriageFields)>) -> ChangePlan {
    let edits = edits
        .into_iter()
        .map(|(fid, after)| FindingEdit {
            finding: FindingRef {
                id: fid.to_string(),
                product_arn: PRODUCT_ARN.into(),
            },
            title: format!("finding {fid}"),
            before: TriageFields {
                workflow: Some(WorkflowStatus::New),
                ..Default::default()
            },
            after,
        })
        .collect();
    ChangePlan::new(id, Change::FindingsUpdate(FindingsUpdate { edits }))
}

pub fn workflow_of(sandbox: &Sandbox, id: &str) -> String {
    sandbox.finding(id).unwrap()["Workflow"]["Status"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Runs an async test body with large stacks (the test thread and tokio's workers): in
/// debug builds the SDK's generated ASFF deserialisers need far more than the default
/// 2 MiB. The console's runtime is built the same way (see `cli::run`).
pub fn big_stack<F>(body: impl FnOnce() -> F + Send + 'static)
where
    F: std::future::Future<Output = ()>,
{
    let handle = std::thread::Builder::new()
        .stack_size(32 << 20)
        .spawn(move || {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_stack_size(32 << 20)
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
