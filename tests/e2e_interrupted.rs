//! End to end: an interrupted change. The journal holds an intent with no outcome (the
//! console was killed after 3 of 5 findings were written) and the sandbox is half-changed.
//! At start the console shows the banner (what was planned, what AWS holds now), and each
//! way on works and is journaled: finish the rest, undo the applied part, mark reviewed.

mod common;

use common::*;
use secdeck::app::panes::findings::LoadStatus;
use secdeck::config::AccessFlag;
use secdeck::domain::finding::WorkflowStatus;
use secdeck::domain::plan::Way;
use secdeck::journal::{Entry, Journal, JournalContext, Phase};
use serde_json::json;

const PLAN: &str = "019ae6a8-9800-7000-9e5e-5e5e5e5e5e5e";

fn context() -> JournalContext {
    JournalContext {
        caller_arn: Some("arn:aws:iam::123456789012:user/sandbox".into()),
        account: Some("123456789012".into()),
        profile: None,
        region: "us-east-1".into(),
        endpoint: None,
    }
}

/// Five findings, the first three already NOTIFIED (the part AWS applied), a journal with
/// the intent of setting all five NOTIFIED and no outcome, and a console on both.
async fn half_applied() -> ConsoleEnv {
    let findings = (0..5)
        .map(|i| {
            let mut f = finding(i);
            if i < 3 {
                f["Workflow"] = json!({"Status": "NOTIFIED"});
            }
            f
        })
        .collect();
    let env = TestEnv::findings(findings).await;
    let plan = workflow_plan(PLAN, &ids(0..5), WorkflowStatus::Notified);
    Journal::open(&env.journal)
        .and_then(|j| j.append(&Entry::intent(&context(), &plan)))
        .expect("journal");
    let mut console = env
        .console_with(AccessFlag::Write, |parts| parts.session.profile = None)
        .await;
    wait_until(&mut console, "the banner", |s| {
        s.interrupted.is_open() && s.findings.status == LoadStatus::Complete
    })
    .await;
    console
}

fn still_interrupted(console: &ConsoleEnv) -> usize {
    let entries = Journal::read_all(console.journal()).expect("journal");
    secdeck::journal::interrupted(&entries, &context()).len()
}

#[test]
fn the_banner_says_what_was_planned_and_what_aws_holds_and_finish_does_the_rest() {
    big_stack(|| async {
        let mut console = half_applied().await;
        let text = screen(&console.state);
        assert_contains_all(
            &text,
            &[
                "Interrupted change",
                PLAN,
                "planned: Set workflow NOTIFIED on 5 finding(s)",
                "AWS now holds: 3 applied, 2 not applied, 0 unknown",
                "applied: f-0000, f-0001, f-0002",
                "not applied: f-0003, f-0004",
                "F finish the rest",
                "U undo the applied part",
                "R mark reviewed",
            ],
        );
        assert_nothing_sent(&mut console).await;

        press(&mut console, "F");
        let preview = preview_text(&console.state);
        assert!(
            preview.starts_with("Set workflow NOTIFIED on 2 finding(s)")
                && preview.contains("f-0003")
                && !preview.contains("f-0000"),
            "only the rest: {preview}"
        );
        press_until(&mut console, "y", "the rest", changed).await;
        for id in ids(0..5) {
            assert_eq!(workflow_of(console.sandbox(), &id), "NOTIFIED", "{id}");
        }
        assert!(!console.state.interrupted.is_open(), "the banner is gone");
        let entries = Journal::read_all(console.journal()).expect("journal");
        let follow_up = entries
            .iter()
            .find(|e| e.phase == Phase::Intent && e.plan_id != PLAN)
            .expect("the finish is journaled");
        let resolves = follow_up.resolves.as_ref().expect("it names the plan");
        assert_eq!(
            (resolves.plan_id.as_str(), resolves.way),
            (PLAN, Way::Finish)
        );
        assert_eq!(
            still_interrupted(&console),
            0,
            "not reported at the next start"
        );
    });
}

#[test]
fn undo_takes_back_only_the_applied_part() {
    big_stack(|| async {
        let mut console = half_applied().await;
        press(&mut console, "U");
        let preview = preview_text(&console.state);
        assert!(preview.contains("on 3 finding(s)"), "{preview}");
        press_until(&mut console, "y", "the undo", changed).await;
        for id in ids(0..5) {
            assert_eq!(workflow_of(console.sandbox(), &id), "NEW", "{id}");
        }
        assert_eq!(
            mutating(console.sandbox()),
            ["BatchUpdateFindings 200"],
            "one write, of the three applied findings"
        );
        assert_eq!(still_interrupted(&console), 0);
    });
}

#[test]
fn mark_reviewed_journals_what_aws_holds_and_writes_nothing_to_aws() {
    big_stack(|| async {
        let mut console = half_applied().await;
        press_until(&mut console, "R", "the review", |s| {
            !s.interrupted.is_open()
        })
        .await;
        assert_nothing_sent(&mut console).await;
        let entries = Journal::read_all(console.journal()).expect("journal");
        let outcome = entries
            .iter()
            .find(|e| e.phase == Phase::Outcome && e.plan_id == PLAN)
            .expect("the interrupted plan now has its outcome");
        let result = outcome.result.as_ref().expect("result");
        assert_eq!(result.succeeded, ids(0..3));
        assert_eq!(result.failures.len(), 2);
        assert_eq!(
            outcome.resolves.as_ref().map(|r| r.way),
            Some(Way::Reviewed)
        );
        assert_eq!(still_interrupted(&console), 0);
    });
}
