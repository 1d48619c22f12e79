//! Pure tests of the change pipeline through `update`: pick, preview, approve (typed count
//! for bulk), reject, outcome and undo offer.

use super::tests::{finding, keys, loaded, messages};
use super::*;
use crate::domain::finding::WorkflowStatus;
use crate::domain::plan::{Change, ChangeOutcome, ChangePlan};
use pipeline::Stage;

pub(super) fn plan_of(fx: &[Effect]) -> ChangePlan {
    match fx {
        [Effect::Mutate(plan)] => plan.clone(),
        other => panic!("expected one mutation, got {other:?}"),
    }
}

#[test]
fn set_workflow_picks_previews_and_approves() {
    let mut s = loaded(3, false);
    keys(&mut s, "jw");
    assert!(
        matches!(
            s.pipeline.stage,
            Stage::Triage(crate::app::panes::findings::bulk::TriageStage::Pick { cursor: 0, .. })
        ),
        "starts at NEW"
    );
    keys(&mut s, "jj<enter>");
    assert!(
        matches!(
            s.pipeline.stage,
            Stage::Triage(crate::app::panes::findings::bulk::TriageStage::Note { .. })
        ),
        "RESOLVED asks for the reason"
    );
    keys(&mut s, "fixed<enter>");
    let Stage::Preview { plan, .. } = &s.pipeline.stage else {
        panic!("expected the preview, got {:?}", s.pipeline.stage);
    };
    let mut ids = super::tests::test_ids();
    assert_eq!(plan.id, ids.next_id(), "the session's first UUIDv7");
    assert!(plan.id.starts_with("019ae6a8-9800-7000-"), "{}", plan.id);
    assert_eq!(
        plan.title(),
        "Set workflow RESOLVED, note \"fixed\" on 1 finding(s)"
    );
    let plan = plan_of(&keys(&mut s, "y"));
    let Change::FindingsUpdate(u) = &plan.change else {
        panic!("not a findings update")
    };
    assert_eq!(u.edits[0].finding.id, "f-1");
    assert_eq!(u.edits[0].before.workflow, Some(WorkflowStatus::New));
    assert!(s.pipeline.is_executing());
}

#[test]
fn choosing_the_current_status_makes_no_plan() {
    let mut s = loaded(1, false);
    assert!(keys(&mut s, "w<enter>y").is_empty());
    assert_eq!(s.pipeline.stage, Stage::Idle);
    assert!(messages(&s)[0].contains("already NEW"));
}

#[test]
fn rejecting_a_preview_sends_nothing() {
    let mut s = loaded(1, false);
    assert!(keys(&mut s, "wj<enter>n").is_empty());
    assert_eq!(s.pipeline.stage, Stage::Idle);
    let said = s.notifications.iter().next().map(|n| n.message.clone());
    assert!(
        said.as_deref().is_some_and(|m| m.starts_with("not sent: ")),
        "n says the change was not sent: {said:?}"
    );
    assert!(keys(&mut s, "wj<enter><esc>y").is_empty());
}

pub(super) fn finish(s: &mut State, plan: &ChangePlan, unverified: &[&str]) {
    let succeeded = plan.targets();
    let undo = plan.undo(&succeeded, "executor-id");
    let outcome = ChangeOutcome {
        plan_id: plan.id.clone(),
        succeeded,
        failed: vec![],
        unverified: unverified.iter().map(|s| s.to_string()).collect(),
        request_ids: vec![],
        error: None,
        ..Default::default()
    };
    update(
        s,
        Action::ChangeFinished {
            outcome: Box::new(outcome),
            undo,
        },
    );
}

/// Reports `plan` finished with its first `failing` targets unprocessed (`code`) and the
/// rest changed; returns what the panes asked for after it.
pub(super) fn finish_failing(
    s: &mut State,
    plan: &ChangePlan,
    failing: usize,
    code: &str,
) -> Vec<Effect> {
    let targets = plan.targets();
    let outcome = ChangeOutcome {
        plan_id: plan.id.clone(),
        succeeded: targets[failing..].to_vec(),
        failed: targets[..failing]
            .iter()
            .map(|t| crate::domain::plan::TargetFailure {
                target: t.clone(),
                code: code.into(),
                message: "injected".into(),
            })
            .collect(),
        ..Default::default()
    };
    update(
        s,
        Action::ChangeFinished {
            outcome: Box::new(outcome),
            undo: None,
        },
    )
}

#[test]
fn a_verified_change_updates_the_row_and_offers_undo_through_the_pipeline() {
    let mut s = loaded(2, false);
    let plan = plan_of(&keys(&mut s, "wjj<enter>done<enter>y"));
    finish(&mut s, &plan, &[]);
    assert_eq!(s.pipeline.stage, Stage::Idle);
    let resolved = &plan.targets()[0];
    assert_eq!(
        s.findings.total(),
        1,
        "RESOLVED leaves the NEW,NOTIFIED view"
    );
    assert!(s.findings.rows().iter().all(|f| &f.id != resolved));
    assert_eq!(messages(&s)[0], "1 changed and verified (u to undo)");
    keys(&mut s, "u");
    let Stage::Preview { plan: undo, .. } = &s.pipeline.stage else {
        panic!("undo is previewed first");
    };
    let mut ids = super::tests::test_ids();
    ids.next_id();
    assert_eq!(undo.id, ids.next_id(), "ids come from the session's seed");
    let undo = plan_of(&keys(&mut s, "y"));
    let Change::FindingsUpdate(u) = &undo.change else {
        panic!("not a findings update")
    };
    assert_eq!(u.edits[0].after.workflow, Some(WorkflowStatus::New));
}

#[test]
fn an_unverified_change_leaves_the_row_alone() {
    let mut s = loaded(1, false);
    let plan = plan_of(&keys(&mut s, "wj<enter>y"));
    finish(&mut s, &plan, &["f-0"]);
    assert_eq!(
        s.findings.visible(0).and_then(|f| f.workflow),
        Some(WorkflowStatus::New)
    );
    assert!(messages(&s)[0].contains("not yet visible"));
}

#[test]
fn bulk_plans_need_the_count_typed_and_y_alone_does_nothing() {
    let mut s = loaded(1, false);
    let edits = (0..12)
        .map(|i| crate::domain::plan::FindingEdit {
            finding: finding(i).reference(),
            title: format!("t{i}"),
            resource: String::new(),
            before: Default::default(),
            after: crate::domain::plan::TriageFields {
                workflow: Some(WorkflowStatus::Resolved),
                ..Default::default()
            },
        })
        .collect();
    let plan = ChangePlan::new(
        "bulk",
        Change::FindingsUpdate(crate::domain::plan::FindingsUpdate { edits }),
    );
    s.pipeline.preview(plan);
    let footer: Vec<String> = crate::app::help::footer(&s)
        .into_iter()
        .map(|(k, l)| format!("{k} {l}"))
        .collect();
    assert_eq!(
        footer,
        ["esc back", "ctrl-c quit"],
        "letters type the count: the footer names only keys that still work"
    );
    assert!(keys(&mut s, "y").is_empty(), "a stray y must not approve");
    assert!(keys(&mut s, "11<enter>").is_empty());
    assert!(messages(&s)[0].contains("type 12"));
    keys(&mut s, "<backspace><backspace>");
    let plan = plan_of(&keys(&mut s, "12<enter>"));
    assert_eq!(plan.item_count(), 12);
}

#[test]
fn a_failed_change_is_reported_and_offers_no_undo() {
    let mut s = loaded(1, false);
    let plan = plan_of(&keys(&mut s, "wj<enter>y"));
    let outcome = ChangeOutcome {
        plan_id: plan.id.clone(),
        succeeded: vec![],
        failed: vec![],
        unverified: vec![],
        request_ids: vec![],
        error: Some("AccessDeniedException: not authorized".into()),
        ..Default::default()
    };
    update(
        &mut s,
        Action::ChangeFinished {
            outcome: Box::new(outcome),
            undo: None,
        },
    );
    assert_eq!(s.pipeline.stage, Stage::Idle);
    assert_eq!(
        messages(&s)[0],
        "failed: AccessDeniedException: not authorized"
    );
    assert_eq!(
        s.notifications.iter().next().map(|n| n.level),
        Some(NotifyLevel::Error)
    );
    assert_eq!(
        s.findings.visible(0).and_then(|f| f.workflow),
        Some(WorkflowStatus::New)
    );
    keys(&mut s, "u");
    assert_eq!(s.pipeline.stage, Stage::Idle);
    assert_eq!(messages(&s)[0], "nothing to undo");
}
