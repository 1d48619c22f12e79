//! Outcomes from AWS, not from the response: the sandbox applies a write and then drops
//! the connection (or answers 500), as a proxy losing the answer would. The executor
//! re-reads the targets: the journal says applied, the screen says so, and the undo is
//! offered; nothing says `failed` for a target AWS holds changed.

mod common;

use common::*;
use secdeck::aws::wafv2;
use secdeck::config::AccessFlag;
use secdeck::domain::analyzer::FindingsStatusChange;
use secdeck::domain::plan::{Change, ChangePlan};
use secdeck::domain::waf::{WafScope, plan_edit};
use secdeck::journal::{Journal, Phase, ResultStatus};
use secdeck::sandbox::Fault;

/// The outcome entry of the only change in the journal.
fn outcome_entry(journal: &std::path::Path) -> secdeck::journal::JournalResult {
    let entries = Journal::read_all(journal).unwrap();
    let outcome = entries
        .iter()
        .find(|e| e.phase == Phase::Outcome)
        .expect("an outcome entry");
    outcome.result.clone().unwrap()
}

#[test]
fn a_dropped_batch_update_findings_is_journaled_applied_and_can_be_undone() {
    big_stack(|| async {
        let mut run = seeded_console(findings(3), AccessFlag::Write).await;
        // Every attempt (the SDK retries a dropped connection) writes, then loses its answer.
        run.sandbox().inject_fault(Fault {
            remaining: None,
            ..Fault::applied_then_dropped("BatchUpdateFindings", 0)
        });
        press(&mut run, "wj<enter>");
        let target = preview_target(&run.state);
        press(&mut run, "y");
        wait_until(&mut run, "the change", |s| !s.pipeline.is_executing()).await;
        run.sandbox().clear_faults();

        assert_eq!(workflow_of(run.sandbox(), &target), "NOTIFIED");
        let result = outcome_entry(run.journal());
        assert_eq!(result.status, ResultStatus::Ok, "{result:?}");
        assert_eq!(result.succeeded, [target.as_str()]);
        assert!(result.failures.is_empty());
        assert!(result.write_error.is_some(), "the lost answer is on record");
        let screen = screen(&run.state);
        assert!(
            screen.contains("re-read from AWS: 1 applied, 0 not applied, 0 unknown"),
            "{screen}"
        );
        assert!(screen.contains("u to undo"), "{screen}");

        press(&mut run, "u");
        assert!(preview_text(&run.state).contains("+ workflow NEW"));
        press(&mut run, "y");
        wait_until(&mut run, "the undo", |s| !s.pipeline.is_executing()).await;
        assert_eq!(workflow_of(run.sandbox(), &target), "NEW");
    });
}

fn preview_target(state: &secdeck::app::State) -> String {
    match &state.pipeline.stage {
        secdeck::app::pipeline::Stage::Preview { plan, .. } => plan.targets()[0].clone(),
        other => panic!("no preview: {other:?}"),
    }
}

#[tokio::test]
async fn a_dropped_update_ip_set_is_journaled_applied_and_can_be_undone() {
    let env = TestEnv::new(demo_seed_without_findings()).await;
    let clients = env.clients_without_sdk_retries();
    let exec = executor(clients.clone(), &env.journal, fast_options());
    let set = ip_set_named(&clients.wafv2, WafScope::Regional, "blocked-attackers-v4").await;
    let current = wafv2::get_ip_set(&clients.wafv2, &set).await.unwrap();
    let (update, _) = plan_edit(&current, &strings(&["192.0.2.99"]), &[]).unwrap();
    env.inject_fault(Fault::applied_then_dropped("UpdateIPSet", 1));

    let (outcome, undo) = exec
        .execute(ChangePlan::new("w1", Change::IpSetUpdate(Box::new(update))))
        .await;

    let now = env.ip_set_addresses("blocked-attackers-v4").unwrap();
    assert!(now.contains(&"192.0.2.99/32".to_string()), "{now:?}");
    assert!(outcome.is_complete_success(), "{outcome:?}");
    assert!(outcome.write_error.is_some());
    let result = outcome_entry(&env.journal);
    assert_eq!(result.status, ResultStatus::Ok, "{result:?}");
    assert_eq!(result.succeeded, [set.target()]);

    execute_ok(&exec, undo.expect("the undo is offered")).await;
    let now = env.ip_set_addresses("blocked-attackers-v4").unwrap();
    assert!(!now.contains(&"192.0.2.99/32".to_string()), "{now:?}");
}

#[test]
fn an_access_analyzer_update_findings_answered_500_after_applying_is_journaled_applied() {
    big_stack(|| async {
        let env = TestEnv::findings(Vec::new()).await;
        let clients = env.clients_without_sdk_retries();
        let exec = executor(clients.clone(), &env.journal, fast_options());
        let f = common::analyzer::access_finding(
            &env,
            &clients,
            "ConsoleAnalyzer-account",
            "arn:aws:s3:::my-bucket",
        )
        .await;
        env.inject_fault(Fault::applied_then_failed(
            "UpdateFindings",
            1,
            500,
            "InternalServerException",
        ));
        let plan = ChangePlan::new(
            "a1",
            Change::FindingsArchive(Box::new(FindingsStatusChange {
                analyzer_arn: f.analyzer_arn.clone(),
                ids: vec![f.id.clone()],
                labels: vec!["my-bucket".into()],
                reason: "public by design".into(),
            })),
        );
        let (outcome, undo) = exec.execute(plan).await;

        assert_eq!(env.analyzer_finding(&f.id).unwrap()["status"], "ARCHIVED");
        assert_eq!(outcome.succeeded, [f.id.as_str()], "{outcome:?}");
        let result = outcome_entry(&env.journal);
        assert_eq!(result.status, ResultStatus::Ok, "{result:?}");
        assert!(
            result
                .write_error
                .unwrap()
                .contains("InternalServerException")
        );
        execute_ok(&exec, undo.expect("the undo is offered")).await;
        assert_eq!(env.analyzer_finding(&f.id).unwrap()["status"], "ACTIVE");
    });
}

#[tokio::test]
async fn a_write_refused_before_it_ran_is_not_applied() {
    let env = TestEnv::findings(findings(2)).await;
    let exec = executor(
        env.clients_without_sdk_retries(),
        &env.journal,
        fast_options(),
    );
    env.inject_fault(Fault::next(
        "BatchUpdateFindings",
        1,
        500,
        "InternalException",
    ));
    let plan = workflow_plan(
        "p1",
        &ids(0..2),
        secdeck::domain::finding::WorkflowStatus::Notified,
    );
    let (outcome, undo) = exec.execute(plan).await;
    assert!(undo.is_none());
    assert_eq!(outcome.failed.len(), 2, "{outcome:?}");
    assert!(
        outcome
            .failed
            .iter()
            .all(|f| f.code != "NotApplied" || f.message.contains("not applied"))
    );
    let result = outcome_entry(&env.journal);
    assert_eq!(result.status, ResultStatus::Failed);
    assert_eq!(workflow_of(&env, "f-0000"), "NEW");
}
