//! Pure tests of triage on OCSF rows: the keys plan BatchUpdateFindingsV2 changes, the
//! changes with no OCSF meaning are refused, unprocessed findings are kept for retry.

use serde_json::json;

use super::*;
use crate::app::action::Action;
use crate::app::pipeline_tests::{finish, finish_failing, plan_of};
use crate::app::tests::{keys, loaded_with, messages};
use crate::app::{FindingsMsg, PaneMsg, update};
use crate::domain::ocsf_finding::from_ocsf;

/// A console on OCSF with `n` OCSF rows (status New, severity High, no comment).
fn ocsf_loaded(n: usize) -> State {
    let mut s = loaded_with(Vec::new(), false);
    keys(&mut s, ":source ocsf<enter>");
    let findings = (0..n)
        .map(|i| {
            from_ocsf(json!({
                "metadata": {"uid": format!("uid-{i}"), "product": {"uid": "arn:p"}},
                "finding_info": {"uid": format!("f-{i}"), "title": format!("finding {i}")},
                "status_id": 1, "status": "New", "severity_id": 4, "severity": "High",
                "cloud": {"account": {"uid": "123456789012"}},
            }))
            .unwrap()
        })
        .collect();
    let request = s.findings.request;
    update(
        &mut s,
        Action::Pane(PaneMsg::Findings(FindingsMsg::Page {
            request,
            findings,
            next_token: None,
        })),
    );
    s
}

fn previewed(s: &State) -> ChangePlan {
    match &s.pipeline.stage {
        Stage::Preview { plan, .. } => plan.clone(),
        other => panic!("expected a preview, got {other:?}"),
    }
}

#[test]
fn status_and_severity_keys_plan_batch_update_findings_v2_on_ocsf_rows() {
    let mut s = ocsf_loaded(3);
    keys(&mut s, "w");
    let Stage::Triage(TriageStage::Pick { field, cursor, .. }) = &s.pipeline.stage else {
        panic!("{:?}", s.pipeline.stage);
    };
    assert_eq!((*field, *cursor), (BulkField::OcsfStatus, 0), "on New");
    keys(&mut s, "i");
    let plan = previewed(&s);
    assert_eq!(plan.operation(), "securityhub:BatchUpdateFindingsV2");
    assert_eq!(plan.title(), "Set status In Progress on 1 OCSF finding(s)");
    assert_eq!(plan.targets(), ["uid-0"]);
    keys(&mut s, "n");

    keys(&mut s, "S");
    keys(&mut s, "f");
    let u = previewed(&s);
    let edit = &u.ocsf_update().unwrap().edits[0];
    assert_eq!(
        (edit.before.severity_id, edit.after.severity_id),
        (Some(4), Some(6))
    );
}

#[test]
fn suppressing_asks_for_the_reason_and_sends_it_as_the_comment() {
    let mut s = ocsf_loaded(3);
    keys(&mut s, "w");
    s.dirty = false;
    keys(&mut s, "s");
    assert!(s.dirty, "the note editor is drawn at once");
    assert!(matches!(
        &s.pipeline.stage,
        Stage::Triage(TriageStage::Note {
            workflow: Some(WorkflowStatus::Suppressed),
            ..
        })
    ));
    keys(&mut s, "accepted risk<enter>");
    let plan = previewed(&s);
    let after = &plan.ocsf_update().unwrap().edits[0].after;
    assert_eq!(after.status_id, Some(3));
    assert_eq!(after.comment.as_deref(), Some("accepted risk"));
    let text: Vec<String> = plan.preview().into_iter().map(|l| l.text).collect();
    assert!(
        text.iter()
            .any(|l| l.contains("a comment cannot be removed")),
        "{text:?}"
    );
    keys(&mut s, "n");
    // N: a comment alone.
    keys(&mut s, "Nseen<enter>");
    assert_eq!(
        previewed(&s).ocsf_update().unwrap().edits[0].after,
        OcsfTriage {
            comment: Some("seen".into()),
            ..Default::default()
        }
    );
}

#[test]
fn fields_and_block_have_no_ocsf_meaning_and_are_refused_with_the_way_round() {
    let mut s = ocsf_loaded(3);
    for (key, says) in [
        ("E", "status, severity and comment only"),
        ("b", "`:source asff` blocks"),
    ] {
        assert!(keys(&mut s, key).is_empty(), "{key} sends nothing");
        assert_eq!(s.pipeline.stage, Stage::Idle, "{key} plans nothing");
        assert!(
            messages(&s).join("\n").contains(says),
            "{key}: {:?}",
            messages(&s)
        );
    }
}

#[test]
fn bulk_over_marks_needs_the_count_and_unprocessed_findings_are_kept_for_retry() {
    let mut s = ocsf_loaded(12);
    let plan = plan_of(&keys(&mut s, "<c-a>wi12<enter>"));
    assert_eq!(plan.item_count(), 12);
    let targets = plan.targets();
    let fx = finish_failing(&mut s, &plan, 2, "ConflictException");
    assert!(!fx.is_empty(), "the view reloads: {fx:?}");
    let m = messages(&s).join("\n");
    assert!(
        m.contains("2 finding(s) not updated: ConflictException ×2"),
        "{m}"
    );
    assert_eq!(
        s.findings.marks.len(),
        2,
        "only the failed ones stay marked"
    );
    let row = s
        .findings
        .rows()
        .iter()
        .find(|f| f.id == targets[5])
        .unwrap();
    assert_eq!(row.workflow, Some(WorkflowStatus::Notified));
    assert_eq!(row.raw.value()["status"], "In Progress");
    keys(&mut s, "<c-r>");
    assert_eq!(previewed(&s).targets(), targets[..2].to_vec());
}

#[test]
fn the_undo_offer_says_the_comment_stays() {
    let mut s = ocsf_loaded(2);
    let plan = plan_of(&keys(&mut s, "wrfixed in CHG-7<enter>y"));
    finish(&mut s, &plan, &[]);
    let m = messages(&s).join("\n");
    assert!(
        m.contains("to undo; the comment stays: BatchUpdateFindingsV2 cannot remove it"),
        "{m}"
    );
}
