//! The audits pane's running-audit polling, suppressions view and import retry, without
//! a terminal or AWS.

use super::tests::{NOW, iot, loaded, state};
use super::*;
use crate::app::keymap::Keymap;
use crate::app::pipeline::Stage;
use crate::app::{IotRead, ReadRequest};
use crate::app::{PaneId, update};
use crate::domain::iot::{AuditSuppression, AuditTask, ResourceIdentifier, TaskStatistics};
use crate::domain::iot_asff::ImportPlan;
use crate::domain::iot_plan::IotImport;
use crate::domain::plan::{Change, ChangeOutcome};

fn messages(s: &State) -> Vec<String> {
    s.notifications.iter().map(|n| n.message.clone()).collect()
}

fn running(done: i64, total: i64, status: &str) -> AuditTask {
    AuditTask {
        task_id: "t0".into(),
        task_status: status.into(),
        task_type: "ON_DEMAND_AUDIT_TASK".into(),
        task_statistics: TaskStatistics {
            total_checks: total,
            in_progress_checks: total - done,
            non_compliant_checks: done,
            ..Default::default()
        },
        ..Default::default()
    }
}

fn polled(s: &mut State, task: AuditTask) -> Vec<Effect> {
    iot(
        s,
        AuditsMsg::TaskPolled {
            task_id: task.task_id.clone(),
            result: Ok(task),
        },
    )
}

fn is_poll(effects: &[Effect]) -> bool {
    matches!(effects, [Effect::Read(ReadRequest::Audits(IotRead::PollTask { task_id, .. }))] if task_id == "t0")
}

#[test]
fn a_running_audit_is_polled_with_its_progress_until_it_completes_then_its_findings_load() {
    let mut s = loaded();
    s.audits.focus = Focus::Tasks;
    update(&mut s, Action::MoveDown);
    let effects = update(&mut s, Action::Open);
    assert!(
        matches!(&effects[..], [Effect::Read(ReadRequest::Audits(IotRead::Findings { task_id, .. }))] if task_id == "t0")
    );

    let effects = polled(&mut s, running(1, 3, "IN_PROGRESS"));
    assert!(is_poll(&effects), "still running: poll again: {effects:?}");
    assert_eq!(s.audits.tasks()[1].checks_done(), (1, 3));

    // A refresh while a poll is in flight does not start a second one.
    let effects = update(&mut s, Action::Refresh);
    let overview = s.audits.overview.clone().unwrap();
    let effects = iot(
        &mut s,
        AuditsMsg::OverviewLoaded {
            request: 2,
            result: Ok(overview),
        },
    )
    .into_iter()
    .chain(effects)
    .collect::<Vec<_>>();
    assert!(
        !effects.iter().any(|e| matches!(
            e,
            Effect::Read(ReadRequest::Audits(IotRead::PollTask { .. }))
        )),
        "{effects:?}"
    );

    let effects = polled(&mut s, running(3, 3, "COMPLETED"));
    assert!(
        matches!(&effects[..], [Effect::Read(ReadRequest::Audits(IotRead::Findings { task_id, .. }))] if task_id == "t0"),
        "{effects:?}"
    );
    assert_eq!(s.audits.tasks()[1].task_status, "COMPLETED");
    assert!(
        messages(&s)[0].contains("audit t0 completed: 3 of 3"),
        "{:?}",
        messages(&s)
    );
    // A late answer for a task no longer followed changes nothing.
    assert!(polled(&mut s, running(1, 3, "IN_PROGRESS")).is_empty());
    assert_eq!(s.audits.tasks()[1].task_status, "COMPLETED");
}

#[test]
fn a_failed_poll_stops_following_and_says_so() {
    let mut s = loaded();
    let effects = iot(
        &mut s,
        AuditsMsg::TaskPolled {
            task_id: "t0".into(),
            result: Err("AccessDenied".into()),
        },
    );
    assert!(effects.is_empty());
    assert!(messages(&s)[0].contains("following audit t0 failed: AccessDenied"));
}

fn suppression(name: &str, expires_in_days: Option<f64>, description: &str) -> AuditSuppression {
    AuditSuppression {
        check_name: "IOT_POLICY_OVERLY_PERMISSIVE_CHECK".into(),
        resource_identifier: ResourceIdentifier {
            client_id: Some(name.into()),
            ..Default::default()
        },
        expiration_date: expires_in_days.map(|d| NOW + d * 86_400.0),
        suppress_indefinitely: expires_in_days.is_none(),
        description: Some(description.into()),
    }
}

/// The suppressions view open on three suppressions (in 30 days, forever, in 3 days).
fn with_view(read_only: bool) -> State {
    let mut s = loaded();
    s.session.read_only = read_only;
    s.keymap = Keymap::default_embedded().for_session(read_only);
    let effects = update(&mut s, Action::ListSuppressions);
    assert_eq!(
        effects,
        vec![Effect::Read(ReadRequest::Audits(IotRead::Suppressions {
            request: 1
        }))]
    );
    iot(
        &mut s,
        AuditsMsg::SuppressionsLoaded {
            request: 1,
            result: Ok(vec![
                suppression("later", Some(30.0), "pilot"),
                suppression("forever", None, "lab"),
                suppression("soon", Some(3.0), "demo fleet"),
            ]),
        },
    );
    s
}

#[test]
fn the_suppressions_view_lists_soonest_expiry_first_and_flags_the_expiring() {
    let s = with_view(false);
    let list = s.audits.suppressions();
    let names: Vec<_> = list
        .iter()
        .map(|x| x.resource_identifier.client_id.clone().unwrap())
        .collect();
    assert_eq!(names, ["soon", "later", "forever"]);
    let expiring: Vec<bool> = list.iter().map(|x| s.audits.is_expiring(x)).collect();
    assert_eq!(expiring, [true, false, false]);
}

#[test]
fn in_the_view_p_edits_the_selected_suppression_and_capital_p_deletes_it() {
    let mut s = with_view(false);
    update(&mut s, Action::Suppress);
    let crate::app::input::Prompt::Command(line) = &s.prompt else {
        panic!("no prompt: {:?}", s.prompt)
    };
    assert!(
        line.text.value().starts_with("suppress 2027-01-")
            && line.text.value().ends_with(" demo fleet"),
        "{}",
        line.text
    );
    s.prompt = Default::default();
    iot(
        &mut s,
        AuditsMsg::Suppress {
            expiry: Expiry::Indefinitely,
            description: "kept for the lab".into(),
        },
    );
    let Stage::Preview { plan, .. } = &s.pipeline.stage else {
        panic!("no preview")
    };
    let Change::Iot(change) = &plan.change else {
        panic!()
    };
    let IotChange::UpdateSuppression { before, after } = &**change else {
        panic!("{change:?}")
    };
    assert_eq!(
        before.resource_identifier.client_id.as_deref(),
        Some("soon")
    );
    assert!(after.suppress_indefinitely && after.expiration_date.is_none());
    assert_eq!(after.description.as_deref(), Some("kept for the lab"));
    update(&mut s, Action::Reject);

    // A date, typed as the prompt offers it.
    let Some(Ok(AuditsMsg::Suppress { expiry, .. })) =
        AuditsMsg::parse_command("suppress", "2027-02-01 later")
    else {
        panic!()
    };
    assert_eq!(expiry.date(NOW), Some(1_801_440_000.0));

    update(&mut s, Action::MoveDown);
    update(&mut s, Action::Unsuppress);
    let Stage::Preview { plan, .. } = &s.pipeline.stage else {
        panic!("no preview")
    };
    assert_eq!(
        plan.targets(),
        vec!["IOT_POLICY_OVERLY_PERMISSIVE_CHECK/client/later".to_string()]
    );
    update(&mut s, Action::Reject);
    update(&mut s, Action::Back);
    assert!(s.audits.suppressions_view.is_none());
    assert_eq!(s.pane, PaneId::Audits);
}

#[test]
fn read_only_sessions_see_the_suppressions_but_cannot_change_them() {
    let mut s = with_view(true);
    assert!(
        s.keymap
            .hint(crate::app::Context::Audits, &Action::ListSuppressions)
            .is_some()
    );
    for action in [Action::Suppress, Action::Unsuppress, Action::RetryFailed] {
        assert!(update(&mut s, action.clone()).is_empty(), "{action:?}");
        assert!(
            s.keymap
                .hint(crate::app::Context::Audits, &action)
                .is_none(),
            "{action:?} is bound"
        );
        assert_eq!(s.pipeline.stage, Stage::Idle, "{action:?}");
    }
    iot(
        &mut s,
        AuditsMsg::Suppress {
            expiry: Expiry::Days(3),
            description: "x".into(),
        },
    );
    assert_eq!(s.pipeline.stage, Stage::Idle);
    assert_eq!(s.audits.suppressions().len(), 3);
}

fn import_plan() -> ChangePlan {
    let plan = ImportPlan {
        task_id: "t1".into(),
        new: ["a", "b", "c"]
            .iter()
            .map(|id| serde_json::json!({"Id": id, "RecordState": "ACTIVE"}))
            .collect(),
        ..Default::default()
    };
    ChangePlan::new(
        "plan-1",
        Change::Iot(Box::new(IotChange::Import(IotImport::from_plan(plan)))),
    )
}

fn failure(id: &str) -> TargetFailure {
    TargetFailure {
        target: id.into(),
        code: "InternalException".into(),
        message: "try again".into(),
    }
}

#[test]
fn an_import_with_failed_findings_lists_them_and_retries_exactly_those() {
    let mut s = loaded();
    let outcome = ChangeOutcome {
        plan_id: "plan-1".into(),
        succeeded: vec!["a".into()],
        failed: vec![failure("b"), failure("c")],
        unverified: vec![],
        request_ids: vec![],
        error: None,
    };
    after_change(&mut s, Some(import_plan()), &outcome);
    assert_eq!(s.audits.import_failures.len(), 2);
    assert!(
        messages(&s)
            .iter()
            .any(|m| m.contains("2 finding(s) not imported: InternalException ×2")),
        "{:?}",
        messages(&s)
    );
    update(&mut s, Action::RetryFailed);
    let Stage::Preview { plan, .. } = &s.pipeline.stage else {
        panic!("no preview")
    };
    assert_eq!(plan.targets(), vec!["b".to_string(), "c".to_string()]);
    update(&mut s, Action::Reject);
    update(&mut s, Action::RetryFailed);
    assert_eq!(s.pipeline.stage, Stage::Idle);
    assert!(messages(&s)[0].contains("no failed import to retry"));

    // A clean import clears the list.
    let clean = ChangeOutcome {
        failed: vec![],
        succeeded: vec!["b".into(), "c".into()],
        ..outcome
    };
    after_change(&mut s, Some(import_plan()), &clean);
    assert!(s.audits.import_failures.is_empty() && s.audits.retry.is_none());
}

#[test]
fn retry_failed_without_a_failed_import_says_there_is_nothing() {
    let mut s = state(false);
    update(&mut s, Action::ShowPane(PaneId::Audits));
    update(&mut s, Action::RetryFailed);
    assert_eq!(s.pipeline.stage, Stage::Idle);
    assert!(messages(&s)[0].contains("no failed import to retry"));
}
