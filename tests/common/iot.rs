//! IoT Device Defender set-up through the real aws-sdk-iot client: the seed scenario's
//! policies and the audit calls most tests make.

use aws_sdk_iot::Client;
use aws_sdk_iot::operation::describe_audit_task::DescribeAuditTaskOutput;
use aws_sdk_iot::primitives::DateTime;
use aws_sdk_iot::types::{AuditFinding, PolicyVersionIdentifier, ResourceIdentifier};

/// A policy allowing iot:* on *: overly permissive.
pub const BROAD: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"}]}"#;
/// The fixed version of it: one action on one client.
pub const SCOPED: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:us-east-1:123456789012:client/dev-1"}]}"#;
pub const PERMISSIVE: &str = "IOT_POLICY_OVERLY_PERMISSIVE_CHECK";
/// The Security Hub id of the imported finding on `dev-allow-all` version 1.
pub const IMPORTED_ID: &str = "arn:aws:iot:us-east-1:123456789012:audit/finding/IOT_POLICY_OVERLY_PERMISSIVE_CHECK/policy/dev-allow-all/1";

pub async fn create_policy(iot: &Client, name: &str, document: &str) {
    iot.create_policy()
        .policy_name(name)
        .policy_document(document)
        .send()
        .await
        .unwrap();
}

/// A new default version of the policy.
pub async fn replace_policy(iot: &Client, name: &str, document: &str) {
    iot.create_policy_version()
        .policy_name(name)
        .policy_document(document)
        .set_as_default(true)
        .send()
        .await
        .unwrap();
}

/// Starts an on-demand audit of `checks`; its task id.
pub async fn start_audit(iot: &Client, checks: &[&str]) -> String {
    let mut request = iot.start_on_demand_audit_task();
    for check in checks {
        request = request.target_check_names(*check);
    }
    request.send().await.unwrap().task_id().unwrap().to_string()
}

pub async fn describe_audit(iot: &Client, task: &str) -> DescribeAuditTaskOutput {
    iot.describe_audit_task()
        .task_id(task)
        .send()
        .await
        .unwrap()
}

/// The first page of the audit's findings.
pub async fn audit_findings(iot: &Client, task: &str) -> Vec<AuditFinding> {
    iot.list_audit_findings()
        .task_id(task)
        .send()
        .await
        .unwrap()
        .findings()
        .to_vec()
}

pub fn policy_id(name: &str, version: &str) -> ResourceIdentifier {
    ResourceIdentifier::builder()
        .policy_version_identifier(
            PolicyVersionIdentifier::builder()
                .policy_name(name)
                .policy_version_id(version)
                .build(),
        )
        .build()
}

/// A time window for the IoT list calls (`ListAuditTasks`, ...): from `back` ago to a
/// minute from now, so a task started during the test is inside it.
pub fn recent(back: std::time::Duration) -> (DateTime, DateTime) {
    let now = std::time::SystemTime::now();
    let minute = std::time::Duration::from_secs(60);
    (DateTime::from(now - back), DateTime::from(now + minute))
}
