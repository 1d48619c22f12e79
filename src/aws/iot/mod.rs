//! IoT Device Defender audit adapter: SDK types <-> domain types (crate::domain::iot),
//! with pagination and throttling retries. Every list is read to the end. The audit
//! configuration, tasks and findings are here; suppressions and mitigation have their own
//! files.

mod mitigation;
mod suppressions;

pub use mitigation::{
    list_mitigation_actions, list_mitigation_executions, list_mitigation_tasks,
    start_mitigation_task,
};
pub use suppressions::{
    create_suppression, delete_suppression, list_suppressions, update_suppression,
};

use std::collections::BTreeMap;

use aws_sdk_iot::Client;
use aws_sdk_iot::primitives::DateTime;
use aws_sdk_iot::types as sdk;

use super::error::AwsError;
use super::pages::all_pages;
use crate::aws::retry::{RetryPolicy, retry_throttled};
use crate::domain::finding::Severity;
use crate::domain::iot::{
    AuditConfiguration, AuditFinding, AuditResource, AuditTask, CheckDetails, IssuerCertificateId,
    PolicyVersionId, ResourceIdentifier, TaskStatistics,
};

/// The API's page size limit for audit lists.
const PAGE: i32 = 250;

fn secs(t: Option<&DateTime>) -> Option<f64> {
    t.map(DateTime::as_secs_f64)
}

fn date(secs: f64) -> DateTime {
    DateTime::from_secs_f64(secs)
}

fn resource_id(r: Option<&sdk::ResourceIdentifier>) -> ResourceIdentifier {
    let Some(r) = r else {
        return ResourceIdentifier::default();
    };
    let o = |v: Option<&str>| v.map(str::to_string);
    ResourceIdentifier {
        device_certificate_id: o(r.device_certificate_id()),
        ca_certificate_id: o(r.ca_certificate_id()),
        cognito_identity_pool_id: o(r.cognito_identity_pool_id()),
        client_id: o(r.client_id()),
        policy_version_identifier: r.policy_version_identifier().map(|p| PolicyVersionId {
            policy_name: p.policy_name().unwrap_or_default().to_string(),
            policy_version_id: o(p.policy_version_id()),
        }),
        account: o(r.account()),
        iam_role_arn: o(r.iam_role_arn()),
        role_alias_arn: o(r.role_alias_arn()),
        issuer_certificate_identifier: r.issuer_certificate_identifier().map(|i| {
            IssuerCertificateId {
                issuer_certificate_subject: o(i.issuer_certificate_subject()),
                issuer_id: o(i.issuer_id()),
                issuer_certificate_serial_number: o(i.issuer_certificate_serial_number()),
            }
        }),
        device_certificate_arn: o(r.device_certificate_arn()),
    }
}

/// Domain identifier -> SDK identifier, for suppressions and finding filters.
pub fn to_sdk_resource(r: &ResourceIdentifier) -> sdk::ResourceIdentifier {
    sdk::ResourceIdentifier::builder()
        .set_device_certificate_id(r.device_certificate_id.clone())
        .set_ca_certificate_id(r.ca_certificate_id.clone())
        .set_cognito_identity_pool_id(r.cognito_identity_pool_id.clone())
        .set_client_id(r.client_id.clone())
        .set_policy_version_identifier(r.policy_version_identifier.as_ref().map(|p| {
            sdk::PolicyVersionIdentifier::builder()
                .policy_name(&p.policy_name)
                .set_policy_version_id(p.policy_version_id.clone())
                .build()
        }))
        .set_account(r.account.clone())
        .set_iam_role_arn(r.iam_role_arn.clone())
        .set_role_alias_arn(r.role_alias_arn.clone())
        .set_issuer_certificate_identifier(r.issuer_certificate_identifier.as_ref().map(|i| {
            sdk::IssuerCertificateIdentifier::builder()
                .set_issuer_certificate_subject(i.issuer_certificate_subject.clone())
                .set_issuer_id(i.issuer_id.clone())
                .set_issuer_certificate_serial_number(i.issuer_certificate_serial_number.clone())
                .build()
        }))
        .set_device_certificate_arn(r.device_certificate_arn.clone())
        .build()
}

fn info(m: Option<&std::collections::HashMap<String, String>>) -> BTreeMap<String, String> {
    m.map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

pub fn finding_from_sdk(f: &sdk::AuditFinding) -> AuditFinding {
    let nc = f.non_compliant_resource();
    AuditFinding {
        finding_id: f.finding_id().map(str::to_string),
        task_id: f.task_id().unwrap_or_default().to_string(),
        check_name: f.check_name().unwrap_or_default().to_string(),
        task_start_time: secs(f.task_start_time()),
        finding_time: secs(f.finding_time()),
        severity: f.severity().and_then(|s| Severity::parse(s.as_str())),
        non_compliant_resource: AuditResource {
            resource_type: nc
                .and_then(|r| r.resource_type())
                .map(|t| t.as_str().to_string())
                .unwrap_or_default(),
            resource_identifier: resource_id(nc.and_then(|r| r.resource_identifier())),
            additional_info: info(nc.and_then(|r| r.additional_info())),
        },
        related_resources: f
            .related_resources()
            .iter()
            .map(|r| AuditResource {
                resource_type: r
                    .resource_type()
                    .map(|t| t.as_str().to_string())
                    .unwrap_or_default(),
                resource_identifier: resource_id(r.resource_identifier()),
                additional_info: info(r.additional_info()),
            })
            .collect(),
        reason_for_non_compliance: f
            .reason_for_non_compliance()
            .unwrap_or_default()
            .to_string(),
        reason_for_non_compliance_code: f
            .reason_for_non_compliance_code()
            .unwrap_or_default()
            .to_string(),
        is_suppressed: f.is_suppressed().unwrap_or(false),
    }
}

pub async fn describe_configuration(
    client: &Client,
    retry: &RetryPolicy,
) -> Result<AuditConfiguration, AwsError> {
    const OP: &str = "iot:DescribeAccountAuditConfiguration";
    let out = retry_throttled(retry, || async {
        client
            .describe_account_audit_configuration()
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(OP, e))
    })
    .await?;
    let sns = out
        .audit_notification_target_configurations()
        .and_then(|m| m.get(&sdk::AuditNotificationType::Sns));
    Ok(AuditConfiguration {
        role_arn: out.role_arn().map(str::to_string),
        sns_target_arn: sns.and_then(|t| t.target_arn()).map(str::to_string),
        sns_enabled: sns.is_some_and(|t| t.enabled()),
        checks: out
            .audit_check_configurations()
            .map(|m| m.iter().map(|(k, c)| (k.clone(), c.enabled())).collect())
            .unwrap_or_default(),
    })
}

/// Task ids, types and statuses started within `[start, end]` (epoch seconds).
pub async fn list_audit_tasks(
    client: &Client,
    start: f64,
    end: f64,
    retry: &RetryPolicy,
) -> Result<Vec<AuditTask>, AwsError> {
    const OP: &str = "iot:ListAuditTasks";
    all_pages(OP, retry, |token| async move {
        let out = client
            .list_audit_tasks()
            .start_time(date(start))
            .end_time(date(end))
            .max_results(PAGE)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(OP, e))?;
        let items = out
            .tasks()
            .iter()
            .map(|t| AuditTask {
                task_id: t.task_id().unwrap_or_default().to_string(),
                task_status: t
                    .task_status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                task_type: t
                    .task_type()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                ..Default::default()
            })
            .collect();
        Ok((items, out.next_token().map(str::to_string)))
    })
    .await
}

pub async fn describe_audit_task(
    client: &Client,
    task_id: &str,
    retry: &RetryPolicy,
) -> Result<AuditTask, AwsError> {
    const OP: &str = "iot:DescribeAuditTask";
    let out = retry_throttled(retry, || async {
        client
            .describe_audit_task()
            .task_id(task_id)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(OP, e))
    })
    .await?;
    let st = out.task_statistics();
    let n = |v: Option<i32>| i64::from(v.unwrap_or(0));
    Ok(AuditTask {
        task_id: task_id.to_string(),
        task_status: out
            .task_status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        task_type: out
            .task_type()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        task_start_time: secs(out.task_start_time()),
        scheduled_audit_name: out.scheduled_audit_name().map(str::to_string),
        task_statistics: TaskStatistics {
            total_checks: n(st.and_then(|s| s.total_checks())),
            in_progress_checks: n(st.and_then(|s| s.in_progress_checks())),
            waiting_for_data_collection_checks: n(
                st.and_then(|s| s.waiting_for_data_collection_checks())
            ),
            compliant_checks: n(st.and_then(|s| s.compliant_checks())),
            non_compliant_checks: n(st.and_then(|s| s.non_compliant_checks())),
            failed_checks: n(st.and_then(|s| s.failed_checks())),
            canceled_checks: n(st.and_then(|s| s.canceled_checks())),
        },
        audit_details: out
            .audit_details()
            .map(|m| {
                m.iter()
                    .map(|(k, d)| {
                        (
                            k.clone(),
                            CheckDetails {
                                check_run_status: d
                                    .check_run_status()
                                    .map(|s| s.as_str().to_string())
                                    .unwrap_or_default(),
                                check_compliant: d.check_compliant(),
                                total_resources_count: d.total_resources_count().unwrap_or(0),
                                non_compliant_resources_count: d
                                    .non_compliant_resources_count()
                                    .unwrap_or(0),
                                suppressed_non_compliant_resources_count: d
                                    .suppressed_non_compliant_resources_count()
                                    .unwrap_or(0),
                                error_code: d.error_code().map(str::to_string),
                                message: d.message().map(str::to_string),
                            },
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
    })
}

/// The most recently started COMPLETED audit within the last 90 days (IoT keeps findings
/// that long), described.
pub async fn latest_completed_task(
    client: &Client,
    now: f64,
    retry: &RetryPolicy,
) -> Result<Option<AuditTask>, AwsError> {
    let listed = list_audit_tasks(client, now - 90.0 * 86_400.0, now + 60.0, retry).await?;
    let mut best: Option<AuditTask> = None;
    for t in listed.iter().filter(|t| t.task_status == "COMPLETED") {
        let d = describe_audit_task(client, &t.task_id, retry).await?;
        if best
            .as_ref()
            .is_none_or(|b| d.task_start_time > b.task_start_time)
        {
            best = Some(d);
        }
    }
    Ok(best)
}

/// Every finding of a task (suppressed ones included, flagged), 250 a page.
pub async fn list_audit_findings(
    client: &Client,
    task_id: &str,
    retry: &RetryPolicy,
) -> Result<Vec<AuditFinding>, AwsError> {
    const OP: &str = "iot:ListAuditFindings";
    all_pages(OP, retry, |token| async move {
        let out = client
            .list_audit_findings()
            .task_id(task_id)
            .max_results(PAGE)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(OP, e))?;
        let items = out.findings().iter().map(finding_from_sdk).collect();
        Ok((items, out.next_token().map(str::to_string)))
    })
    .await
}

pub async fn start_on_demand_audit(client: &Client, checks: &[String]) -> Result<String, AwsError> {
    const OP: &str = "iot:StartOnDemandAuditTask";
    let out = client
        .start_on_demand_audit_task()
        .set_target_check_names(Some(checks.to_vec()))
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(OP, e))?;
    out.task_id()
        .map(str::to_string)
        .ok_or_else(|| AwsError::bad_response(OP, "no taskId in the response"))
}
