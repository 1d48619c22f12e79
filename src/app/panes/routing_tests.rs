//! The root hands every finished change to every room: no pane is skipped because an
//! earlier one claimed the outcome, and nothing is applied twice.

use crate::app::panes::audits::AuditsMsg;
use crate::app::pipeline::Stage;
use crate::app::pipeline_tests::{finish, plan_of};
use crate::app::tests::{keys, loaded};
use crate::app::{Action, Effect, JournalMsg, ReadRequest, State, update};
use crate::app::{IpSetsRead, PaneId, PaneMsg};
use crate::domain::cidr::IpVersion;
use crate::domain::iot_plan::IotChange;
use crate::domain::plan::{Change, ChangeOutcome, ChangePlan};
use crate::domain::waf::{IpSetRef, IpSetUpdate, WafScope};

fn waf_plan() -> ChangePlan {
    ChangePlan::new(
        "plan-9",
        Change::IpSetUpdate(Box::new(IpSetUpdate {
            set: IpSetRef {
                scope: WafScope::Regional,
                name: "blocklist".into(),
                id: "set-1".into(),
            },
            version: IpVersion::V4,
            add: vec!["203.0.113.7/32".into()],
            remove: vec![],
            count_before: 0,
            count_after: 1,
            description_before: String::new(),
            description: None,
            sync_token: None,
        })),
    )
}

fn iot_plan() -> ChangePlan {
    ChangePlan::new(
        "plan-9",
        Change::Iot(Box::new(IotChange::StartAudit {
            checks: vec!["LOGGING_DISABLED_CHECK".into()],
        })),
    )
}

/// Opens the journal view, then lets `plan` finish as if the executor ran it.
fn finish_with_journal_open(s: &mut State, plan: ChangePlan) -> Vec<Effect> {
    update(
        s,
        Action::Pane(PaneMsg::Journal(JournalMsg::Show(String::new()))),
    );
    assert!(s.journal.is_some());
    finish_executing(s, plan)
}

fn finish_executing(s: &mut State, plan: ChangePlan) -> Vec<Effect> {
    s.pipeline.stage = Stage::Executing { plan: plan.clone() };
    let outcome = ChangeOutcome {
        plan_id: plan.id.clone(),
        succeeded: plan.targets(),
        failed: vec![],
        unverified: vec![],
        request_ids: vec![],
        error: None,
    };
    update(
        s,
        Action::ChangeFinished {
            outcome,
            undo: None,
        },
    )
}

#[test]
fn the_journal_view_rereads_the_journal_after_a_waf_change_and_the_sets_reload() {
    let mut s = loaded(2, false);
    let fx = finish_with_journal_open(&mut s, waf_plan());
    assert!(fx.contains(&Effect::LoadJournal), "{fx:?}");
    assert!(
        fx.iter().any(|e| matches!(
            e,
            Effect::Read(ReadRequest::IpSets(IpSetsRead::Sets { .. }))
        )),
        "{fx:?}"
    );
}

#[test]
fn the_journal_view_rereads_the_journal_after_an_iot_change_and_the_audits_reload() {
    let mut s = loaded(2, false);
    let fx = finish_with_journal_open(&mut s, iot_plan());
    assert!(fx.contains(&Effect::LoadJournal), "{fx:?}");
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::Read(ReadRequest::Audits(_)))),
        "{fx:?}"
    );
}

#[test]
fn the_journal_view_rereads_the_journal_after_a_findings_change() {
    let mut s = loaded(2, false);
    let plan = plan_of(&keys(&mut s, "wjj<enter>done<enter>y"));
    let fx = finish_with_journal_open(&mut s, plan);
    assert!(fx.contains(&Effect::LoadJournal), "{fx:?}");
}

#[test]
fn no_journal_read_when_the_view_is_closed() {
    let mut s = loaded(2, false);
    let fx = finish_executing(&mut s, waf_plan());
    assert!(!fx.contains(&Effect::LoadJournal), "{fx:?}");
}

#[test]
fn a_verified_workflow_edit_is_applied_to_the_row_once() {
    let mut s = loaded(3, false);
    let plan = plan_of(&keys(&mut s, "wjj<enter>done<enter>y"));
    let before = s.findings.edits_applied;
    finish(&mut s, &plan, &[]);
    assert_eq!(s.findings.edits_applied - before, 1);
}

#[test]
fn audit_results_arriving_under_the_help_overlay_are_kept() {
    let mut s = loaded(1, false);
    update(&mut s, Action::ShowPane(PaneId::Audits));
    keys(&mut s, "?");
    assert!(s.help.is_some());
    let request = s.audits.request;
    update(
        &mut s,
        Action::Pane(PaneMsg::Audits(Box::new(AuditsMsg::OverviewLoaded {
            request,
            result: Err("boom".into()),
        }))),
    );
    assert!(s.help.is_some(), "a task result does not close the overlay");
    assert!(
        s.notifications
            .iter()
            .any(|n| n.message.contains("loading IoT audits failed: boom"))
    );
}
