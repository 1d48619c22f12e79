//! The fresh-state check at approval, end to end on the in-process sandbox with a second
//! writer changing the targets between the preview and the approval: nothing is written
//! over their change, the change comes back re-planned against the new state with what
//! moved (and who moved it), and an undo of the re-planned change restores the state as
//! it was right before secdeck's write.

mod common;

use aws_sdk_securityhub::types::{
    AwsSecurityFindingIdentifier, NoteUpdate, SeverityUpdate, WorkflowUpdate,
};
use common::*;
use secdeck::app::pipeline::Stage;
use secdeck::aws::{accessanalyzer, iot as iot_api};
use secdeck::config::AccessFlag;
use secdeck::domain::analyzer::ArchiveRuleChange;
use secdeck::domain::finding::{FindingRef, Severity};
use secdeck::domain::iot::{AuditSuppression, ResourceIdentifier};
use secdeck::domain::iot_plan::IotChange;
use secdeck::domain::plan::{Change, ChangePlan, FindingEdit, FindingsUpdate, TriageFields};
use secdeck::journal::Journal;

/// The second writer: BatchUpdateFindings on one finding through its own SDK client.
async fn colleague_updates(
    env: &TestEnv,
    id: &str,
    set: impl FnOnce(
    aws_sdk_securityhub::operation::batch_update_findings::builders::BatchUpdateFindingsFluentBuilder,
) -> aws_sdk_securityhub::operation::batch_update_findings::builders::BatchUpdateFindingsFluentBuilder,
) {
    let request = env.hub().batch_update_findings().finding_identifiers(
        AwsSecurityFindingIdentifier::builder()
            .id(id)
            .product_arn(PRODUCT_ARN)
            .build(),
    );
    let out = set(request).send().await.unwrap();
    assert_eq!(out.processed_findings().len(), 1, "the colleague's update");
}

fn one_edit(id: &str, before: TriageFields, after: TriageFields) -> ChangePlan {
    ChangePlan::new(
        "p1",
        Change::FindingsUpdate(FindingsUpdate {
            edits: vec![FindingEdit {
                finding: FindingRef {
                    id: id.into(),
                    product_arn: PRODUCT_ARN.into(),
                },
                title: format!("finding {id}"),
                before,
                after,
            }],
        }),
    )
}

#[test]
fn a_colleagues_workflow_change_is_not_overwritten_and_the_new_preview_says_who_moved_it() {
    big_stack(|| async {
        let mut run = seeded_console(findings(3), AccessFlag::Write).await;
        press(&mut run, "wj<enter>");
        let target = match &run.state.pipeline.stage {
            Stage::Preview { plan, .. } => plan.targets()[0].clone(),
            other => panic!("no preview: {other:?}"),
        };
        assert!(preview_text(&run.state).contains("- workflow NEW"));

        colleague_updates(&run.env, &target, |r| {
            r.workflow(WorkflowUpdate::builder().status("RESOLVED".into()).build())
        })
        .await;
        press(&mut run, "y");
        wait_until(&mut run, "the re-planned preview", |s| {
            previewing(s) && !s.pipeline.moved.is_empty()
        })
        .await;

        assert_eq!(
            workflow_of(run.sandbox(), &target),
            "RESOLVED",
            "not overwritten"
        );
        let screen = screen(&run.state);
        let caller = run.sandbox().config().caller_arn.clone();
        assert!(
            screen.contains(&format!("! moved: workflow NEW -> RESOLVED (by {caller}")),
            "{screen}"
        );
        let text = preview_text(&run.state);
        assert!(text.contains("- workflow RESOLVED"), "{text}");
        assert!(text.contains("+ workflow NOTIFIED"), "{text}");
        assert!(
            Journal::read_all(run.journal())
                .unwrap_or_default()
                .is_empty(),
            "nothing written, nothing journaled"
        );

        // Approving the new preview writes; its undo puts back RESOLVED, not NEW.
        press(&mut run, "y");
        wait_until(&mut run, "the change", |s| !s.pipeline.is_executing()).await;
        assert_eq!(workflow_of(run.sandbox(), &target), "NOTIFIED");
        press(&mut run, "u");
        let undo = preview_text(&run.state);
        assert!(undo.contains("+ workflow RESOLVED"), "{undo}");
    });
}

#[test]
fn a_colleagues_severity_change_is_not_overwritten() {
    big_stack(|| async {
        let env = TestEnv::findings(findings(2)).await;
        // f-0001 is LOW (LABELS[1]).
        let plan = one_edit(
            "f-0001",
            TriageFields {
                severity: Some(Severity::Low),
                ..Default::default()
            },
            TriageFields {
                severity: Some(Severity::High),
                ..Default::default()
            },
        );
        colleague_updates(&env, "f-0001", |r| {
            r.severity(SeverityUpdate::builder().label("CRITICAL".into()).build())
        })
        .await;
        env.clear_requests();
        let (outcome, undo) = env.executor().execute(plan).await;

        assert!(undo.is_none());
        assert_eq!(
            calls(&env, "BatchUpdateFindings").len(),
            0,
            "nothing written"
        );
        assert_eq!(
            env.finding("f-0001").unwrap()["Severity"]["Label"],
            "CRITICAL"
        );
        assert!(
            outcome
                .summary()
                .starts_with("nothing written: 1 target(s) moved")
        );
        let replan = outcome.replan.expect("re-planned");
        assert_eq!(replan.moved[0].what, "severity LOW -> CRITICAL");
        assert!(replan.moved[0].by.is_some(), "GetFindingHistory names who");
        let plan = replan.plan.expect("still something to do");
        let Change::FindingsUpdate(u) = &plan.change else {
            panic!("not a findings update")
        };
        assert_eq!(u.edits[0].before.severity, Some(Severity::Critical));
    });
}

#[test]
fn a_colleagues_note_is_not_overwritten_and_the_undo_of_the_replan_restores_it() {
    big_stack(|| async {
        let env = TestEnv::findings(findings(1)).await;
        let note = |t: &str| TriageFields {
            note: Some(t.into()),
            ..Default::default()
        };
        let plan = one_edit(
            "f-0000",
            TriageFields::default(),
            note("blocked at the WAF"),
        );
        colleague_updates(&env, "f-0000", |r| {
            r.note(
                NoteUpdate::builder()
                    .text("on it")
                    .updated_by("bob")
                    .build(),
            )
        })
        .await;
        let exec = env.executor();
        let (outcome, _) = exec.execute(plan).await;
        assert_eq!(env.finding("f-0000").unwrap()["Note"]["Text"], "on it");
        let replan = outcome.replan.expect("re-planned");
        assert_eq!(replan.moved[0].what, "note (none) -> \"on it\"");

        let undo = execute_ok(&exec, replan.plan.unwrap()).await;
        assert_eq!(
            env.finding("f-0000").unwrap()["Note"]["Text"],
            "blocked at the WAF"
        );
        execute_ok(&exec, undo.expect("undo")).await;
        assert_eq!(env.finding("f-0000").unwrap()["Note"]["Text"], "on it");
    });
}

fn suppression(description: &str) -> AuditSuppression {
    AuditSuppression {
        check_name: "IOT_POLICY_OVERLY_PERMISSIVE_CHECK".into(),
        resource_identifier: ResourceIdentifier {
            client_id: Some("dev-1".into()),
            ..Default::default()
        },
        expiration_date: Some(4_000_000_000.0),
        suppress_indefinitely: false,
        description: Some(description.into()),
    }
}

#[test]
fn a_colleagues_iot_suppression_change_is_not_overwritten() {
    big_stack(|| async {
        let env = TestEnv::demo().await;
        let iot = env.iot();
        iot_api::create_suppression(&iot, &suppression("lab"))
            .await
            .unwrap();
        let plan = ChangePlan::new(
            "s1",
            Change::Iot(Box::new(IotChange::DeleteSuppression {
                suppression: suppression("lab"),
            })),
        );
        // A colleague extends it with their own reason.
        iot_api::update_suppression(&iot, &suppression("vendor fix due in March"))
            .await
            .unwrap();
        let exec = env.executor();
        let (outcome, _) = exec.execute(plan).await;

        let list = iot_api::list_suppressions(&iot, &Default::default())
            .await
            .unwrap();
        assert_eq!(list.len(), 1, "not deleted");
        assert_eq!(
            list[0].description.as_deref(),
            Some("vendor fix due in March")
        );
        let replan = outcome.replan.expect("re-planned");
        assert!(
            replan.moved[0].what.contains("vendor fix due in March"),
            "{:?}",
            replan.moved
        );
        let plan = replan
            .plan
            .expect("the delete, of the suppression as it is now");
        let undo = execute_ok(&exec, plan).await;
        execute_ok(&exec, undo.expect("undo")).await;
        let list = iot_api::list_suppressions(&iot, &Default::default())
            .await
            .unwrap();
        assert_eq!(
            list[0].description.as_deref(),
            Some("vendor fix due in March")
        );
    });
}

#[test]
fn a_colleagues_archive_rule_change_is_not_overwritten() {
    big_stack(|| async {
        let env = TestEnv::findings(Vec::new()).await;
        let aa = env.clients().accessanalyzer;
        let analyzer = "ConsoleAnalyzer-account";
        let arn = env.analyzer_arn(analyzer).unwrap();
        let criteria = |account: &str| {
            vec![(
                "resourceOwnerAccount".to_string(),
                vec![account.to_string()],
            )]
        };
        accessanalyzer::create_archive_rule(&aa, analyzer, "trusted", &criteria("111122223333"))
            .await
            .unwrap();
        let plan = ChangePlan::new(
            "r1",
            Change::ArchiveRuleDelete(Box::new(ArchiveRuleChange {
                analyzer_name: analyzer.into(),
                analyzer_arn: arn.clone(),
                rule_name: "trusted".into(),
                criteria: criteria("111122223333"),
                apply: false,
                matching_now: 0,
            })),
        );
        // A colleague replaces the rule with other criteria.
        accessanalyzer::delete_archive_rule(&aa, analyzer, "trusted")
            .await
            .unwrap();
        accessanalyzer::create_archive_rule(&aa, analyzer, "trusted", &criteria("444455556666"))
            .await
            .unwrap();
        let (outcome, _) = env.executor().execute(plan).await;

        let rules = accessanalyzer::list_archive_rules(&aa, analyzer)
            .await
            .unwrap();
        let trusted = rules.iter().find(|(name, _)| name == "trusted");
        assert_eq!(
            trusted.map(|r| &r.1),
            Some(&criteria("444455556666")),
            "kept"
        );
        let replan = outcome.replan.expect("re-planned");
        assert_eq!(
            replan.moved[0].what,
            "criteria resourceOwnerAccount = 111122223333 -> resourceOwnerAccount = 444455556666"
        );
        let Some(ChangePlan {
            change: Change::ArchiveRuleDelete(r),
            ..
        }) = replan.plan
        else {
            panic!("the delete re-planned")
        };
        assert_eq!(
            r.criteria,
            criteria("444455556666"),
            "undo would restore theirs"
        );
    });
}
