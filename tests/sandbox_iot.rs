//! The sandbox's IoT Device Defender audit API, driven through the real aws-sdk-iot client:
//! the seed scenario (a policy allowing iot:* on *), suppressions, mitigation, paging.

mod common;

use aws_sdk_iot::primitives::DateTime;
use aws_sdk_iot::types::AuditMitigationActionsTaskTarget;
use common::iot::*;
use common::*;
use secdeck::sandbox::seed::Seed;

/// A sandbox whose on-demand audits and mitigation tasks complete at once (progress has
/// its own tests), and an IoT client on it.
async fn sandbox() -> (TestEnv, aws_sdk_iot::Client) {
    let env = TestEnv::new(Seed::default()).await;
    env.sandbox.set_iot_audit_polls(0);
    env.sandbox.set_iot_mitigation_polls(0);
    let iot = env.iot();
    (env, iot)
}

async fn audit(iot: &aws_sdk_iot::Client, check: &str) -> String {
    start_audit(iot, &[check]).await
}

#[tokio::test]
async fn a_policy_allowing_iot_star_on_star_is_found_overly_permissive_until_fixed() {
    let (_env, iot) = sandbox().await;
    create_policy(&iot, "dev-allow-all", BROAD).await;
    let task = audit(&iot, PERMISSIVE).await;
    let described = describe_audit(&iot, &task).await;
    assert_eq!(described.task_status().unwrap().as_str(), "COMPLETED");
    assert_eq!(
        described.task_type().unwrap().as_str(),
        "ON_DEMAND_AUDIT_TASK"
    );
    let details = &described.audit_details().unwrap()[PERMISSIVE];
    assert_eq!(details.non_compliant_resources_count(), Some(1));
    assert_eq!(
        details.check_run_status().unwrap().as_str(),
        "COMPLETED_NON_COMPLIANT"
    );

    let findings = audit_findings(&iot, &task).await;
    let f = &findings[0];
    assert_eq!(f.severity().unwrap().as_str(), "CRITICAL");
    let r = f.non_compliant_resource().unwrap();
    assert_eq!(r.resource_type().unwrap().as_str(), "IOT_POLICY");
    let pv = r
        .resource_identifier()
        .unwrap()
        .policy_version_identifier()
        .unwrap();
    assert_eq!(
        (pv.policy_name(), pv.policy_version_id()),
        (Some("dev-allow-all"), Some("1"))
    );
    assert_eq!(
        f.reason_for_non_compliance_code(),
        Some("ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS")
    );
    assert!(f.task_start_time().is_some());

    replace_policy(&iot, "dev-allow-all", SCOPED).await;
    let task2 = audit(&iot, PERMISSIVE).await;
    let after = audit_findings(&iot, &task2).await;
    assert!(after.is_empty(), "the fixed policy is compliant");
    let d2 = describe_audit(&iot, &task2).await;
    assert_eq!(
        d2.audit_details().unwrap()[PERMISSIVE].check_compliant(),
        Some(true)
    );

    // ListAuditTasks takes ISO-8601 query times and returns both, newest first.
    let (from, to) = recent(std::time::Duration::from_secs(3600));
    let tasks = iot
        .list_audit_tasks()
        .start_time(from)
        .end_time(to)
        .send()
        .await
        .unwrap();
    let ids: Vec<&str> = tasks.tasks().iter().filter_map(|t| t.task_id()).collect();
    assert_eq!(ids, vec![task2.as_str(), task.as_str()]);
}

#[tokio::test]
async fn a_suppression_flags_the_finding_on_the_next_audit_and_can_be_edited_and_deleted() {
    let (env, iot) = sandbox().await;
    let sandbox = &env.sandbox;
    create_policy(&iot, "p", BROAD).await;
    let in_a_week = DateTime::from_secs(
        (std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 7 * 86_400) as i64,
    );
    let missing_description = iot
        .create_audit_suppression()
        .check_name(PERMISSIVE)
        .resource_identifier(policy_id("p", "1"))
        .description("x".repeat(1001))
        .suppress_indefinitely(true)
        .client_request_token("t1")
        .send()
        .await;
    assert!(
        missing_description.is_err(),
        "descriptions are limited to 1000 characters"
    );
    iot.create_audit_suppression()
        .check_name(PERMISSIVE)
        .resource_identifier(policy_id("p", "1"))
        .description("lab policy")
        .expiration_date(in_a_week)
        .client_request_token("t2")
        .send()
        .await
        .unwrap();
    let listed = iot.list_audit_suppressions().send().await.unwrap();
    assert_eq!(listed.suppressions().len(), 1);
    assert_eq!(
        listed.suppressions()[0].expiration_date().map(|d| d.secs()),
        Some(in_a_week.secs())
    );

    let task = audit(&iot, PERMISSIVE).await;
    let all = audit_findings(&iot, &task).await;
    assert_eq!(all[0].is_suppressed(), Some(true));
    let unsuppressed = iot
        .list_audit_findings()
        .task_id(&task)
        .list_suppressed_findings(false)
        .send()
        .await
        .unwrap();
    assert!(unsuppressed.findings().is_empty());
    let d = describe_audit(&iot, &task).await;
    assert_eq!(
        d.audit_details().unwrap()[PERMISSIVE].suppressed_non_compliant_resources_count(),
        Some(1)
    );

    iot.update_audit_suppression()
        .check_name(PERMISSIVE)
        .resource_identifier(policy_id("p", "1"))
        .suppress_indefinitely(true)
        .send()
        .await
        .unwrap();
    let s = iot.list_audit_suppressions().send().await.unwrap();
    assert_eq!(s.suppressions()[0].suppress_indefinitely(), Some(true));
    assert!(s.suppressions()[0].expiration_date().is_none());
    iot.delete_audit_suppression()
        .check_name(PERMISSIVE)
        .resource_identifier(policy_id("p", "1"))
        .send()
        .await
        .unwrap();
    assert!(
        iot.list_audit_suppressions()
            .send()
            .await
            .unwrap()
            .suppressions()
            .is_empty()
    );
    let task = audit(&iot, PERMISSIVE).await;
    let f = audit_findings(&iot, &task).await;
    assert_eq!(f[0].is_suppressed(), Some(false));

    let requests = sandbox.requests();
    let mutating: Vec<&str> = requests
        .iter()
        .filter(|r| r.mutating && r.status == 200)
        .map(|r| r.operation.as_str())
        .collect();
    assert!(
        mutating.contains(&"CreateAuditSuppression")
            && mutating.contains(&"DeleteAuditSuppression")
    );
    assert!(
        requests
            .iter()
            .any(|r| r.operation == "ListAuditSuppressions" && !r.mutating)
    );
}

#[tokio::test]
async fn mitigation_reports_a_status_per_finding_and_action() {
    let (env, iot) = sandbox().await;
    let sandbox = &env.sandbox;
    create_policy(&iot, "p", BROAD).await;
    sandbox.set_iot_logging(false);
    let task = start_audit(&iot, &[PERMISSIVE, "LOGGING_DISABLED_CHECK"]).await;
    let findings = audit_findings(&iot, &task).await;
    let ids: Vec<String> = findings
        .iter()
        .filter_map(|f| f.finding_id().map(str::to_string))
        .collect();
    assert_eq!(ids.len(), 2);
    let actions = iot.list_mitigation_actions().send().await.unwrap();
    let names: Vec<&str> = actions
        .action_identifiers()
        .iter()
        .filter_map(|a| a.action_name())
        .collect();
    assert!(names.contains(&"ReplaceWithRestrictivePolicy"));

    iot.start_audit_mitigation_actions_task()
        .task_id("mitigate-1")
        .target(
            AuditMitigationActionsTaskTarget::builder()
                .set_finding_ids(Some(ids.clone()))
                .build(),
        )
        .audit_check_to_actions_mapping(
            PERMISSIVE,
            vec!["ReplaceWithRestrictivePolicy".to_string()],
        )
        .audit_check_to_actions_mapping(
            "LOGGING_DISABLED_CHECK",
            vec!["DeactivateDeviceCertificate".to_string()],
        )
        .client_request_token("c1")
        .send()
        .await
        .unwrap();
    let reused = iot
        .start_audit_mitigation_actions_task()
        .task_id("mitigate-1")
        .target(
            AuditMitigationActionsTaskTarget::builder()
                .audit_task_id(&task)
                .build(),
        )
        .audit_check_to_actions_mapping(PERMISSIVE, vec!["NotifySecurityTeam".to_string()])
        .client_request_token("c2")
        .send()
        .await;
    assert!(reused.is_err(), "a mitigation task id can be used once");

    let tasks = recent_mitigation_tasks(&iot).await;
    assert_eq!(tasks.tasks().len(), 1);
    assert_eq!(
        tasks.tasks()[0].task_status().unwrap().as_str(),
        "FAILED",
        "one action did not apply"
    );
    let mut statuses = Vec::new();
    for id in &ids {
        let ex = iot
            .list_audit_mitigation_actions_executions()
            .task_id("mitigate-1")
            .finding_id(id)
            .send()
            .await
            .unwrap();
        for e in ex.actions_executions() {
            statuses.push((
                e.action_name().unwrap().to_string(),
                e.status().unwrap().as_str().to_string(),
            ));
        }
    }
    statuses.sort();
    assert_eq!(
        statuses,
        vec![
            (
                "DeactivateDeviceCertificate".to_string(),
                "FAILED".to_string()
            ),
            (
                "ReplaceWithRestrictivePolicy".to_string(),
                "COMPLETED".to_string()
            ),
        ]
    );
    // The restrictive version is now the default: the next audit finds the policy compliant.
    let again = audit(&iot, PERMISSIVE).await;
    assert!(audit_findings(&iot, &again).await.is_empty());
}

#[tokio::test]
async fn findings_page_through_a_generated_audit_and_the_configuration_lists_checks() {
    let (env, iot) = sandbox().await;
    let task = env.sandbox.generate_iot_audit(600, 1);
    let mut token = None;
    let mut total = 0;
    loop {
        let request = iot.list_audit_findings().task_id(&task).max_results(250);
        let page = request.set_next_token(token).send().await.unwrap();
        total += page.findings().len();
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(total, 600);
    let too_many = iot
        .list_audit_findings()
        .task_id(&task)
        .max_results(251)
        .send()
        .await;
    assert!(too_many.is_err());
    let config = iot
        .describe_account_audit_configuration()
        .send()
        .await
        .unwrap();
    let checks = config.audit_check_configurations().unwrap();
    assert!(checks[PERMISSIVE].enabled());
    assert!(config.audit_notification_target_configurations().is_some());
    let missing = iot.describe_audit_task().task_id("nope").send().await;
    let missing = missing.unwrap_err().into_service_error();
    assert!(missing.is_resource_not_found_exception());
}

#[tokio::test]
async fn a_started_audit_is_in_progress_check_by_check_until_polled_to_completion() {
    let (env, iot) = sandbox().await;
    env.sandbox.set_iot_audit_polls(2);
    create_policy(&iot, "dev-allow-all", BROAD).await;
    let task = start_audit(&iot, &[PERMISSIVE, "LOGGING_DISABLED_CHECK"]).await;
    assert_eq!(audit_findings(&iot, &task).await.len(), 0);
    let first = describe_audit(&iot, &task).await;
    assert_eq!(first.task_status().map(|s| s.as_str()), Some("IN_PROGRESS"));
    let stats = first.task_statistics().unwrap();
    assert_eq!(stats.total_checks(), Some(2));
    assert_eq!(stats.in_progress_checks(), Some(1));
    let second = describe_audit(&iot, &task).await;
    assert_eq!(second.task_status().map(|s| s.as_str()), Some("COMPLETED"));
    assert_eq!(
        second.task_statistics().unwrap().in_progress_checks(),
        Some(0)
    );
    assert_eq!(audit_findings(&iot, &task).await.len(), 1);
}

/// Execution statuses of `task` for one finding, as ListAuditMitigationActionsExecutions
/// reports them (each listing is one poll of the running task).
async fn execution_statuses(iot: &aws_sdk_iot::Client, task: &str, finding: &str) -> Vec<String> {
    iot.list_audit_mitigation_actions_executions()
        .task_id(task)
        .finding_id(finding)
        .send()
        .await
        .unwrap()
        .actions_executions()
        .iter()
        .map(|e| e.status().unwrap().as_str().to_string())
        .collect()
}

#[tokio::test]
async fn a_mitigation_task_runs_from_pending_to_completed_over_polls() {
    let (env, iot) = sandbox().await;
    env.sandbox.set_iot_mitigation_polls(2);
    create_policy(&iot, "p", BROAD).await;
    let task = audit(&iot, PERMISSIVE).await;
    let findings = audit_findings(&iot, &task).await;
    let id = findings[0].finding_id().unwrap().to_string();
    iot.start_audit_mitigation_actions_task()
        .task_id("m-async")
        .target(
            AuditMitigationActionsTaskTarget::builder()
                .finding_ids(&id)
                .build(),
        )
        .audit_check_to_actions_mapping(PERMISSIVE, vec!["ReplaceWithRestrictivePolicy".into()])
        .client_request_token("c1")
        .send()
        .await
        .unwrap();
    // First listing: one poll of two, the only execution is running.
    assert_eq!(
        execution_statuses(&iot, "m-async", &id).await,
        ["IN_PROGRESS"]
    );
    assert_eq!(
        execution_statuses(&iot, "m-async", &id).await,
        ["COMPLETED"]
    );
    let tasks = recent_mitigation_tasks(&iot).await;
    assert_eq!(
        tasks.tasks()[0].task_status().unwrap().as_str(),
        "COMPLETED"
    );
}

#[tokio::test]
async fn iot_reads_are_throttled_with_a_throttling_exception_under_aws_quotas() {
    let (env, _) = sandbox().await;
    env.sandbox.set_quotas(secdeck::sandbox::QuotaMode::Aws);
    let iot = env.clients_without_sdk_retries().iot;
    let mut throttled = None;
    for _ in 0..60 {
        if let Err(e) = iot.describe_account_audit_configuration().send().await {
            throttled = Some(e);
            break;
        }
    }
    let err = throttled.expect("60 calls at once exceed the burst");
    use aws_sdk_iot::error::ProvideErrorMetadata;
    assert_eq!(err.code(), Some("ThrottlingException"));
}

/// The mitigation actions tasks started in the last minute.
async fn recent_mitigation_tasks(
    iot: &aws_sdk_iot::Client,
) -> aws_sdk_iot::operation::list_audit_mitigation_actions_tasks::ListAuditMitigationActionsTasksOutput{
    let (from, to) = recent(std::time::Duration::from_secs(60));
    iot.list_audit_mitigation_actions_tasks()
        .start_time(from)
        .end_time(to)
        .send()
        .await
        .expect("ListAuditMitigationActionsTasks")
}
