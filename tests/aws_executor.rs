//! The mutation executor and effect runner end to end against the in-process sandbox:
//! changes really happen, are verified and journaled; failures are reported; throttling
//! is retried; a read-only session sends nothing mutating.

mod common;

use common::*;
use secdeck::app::{Action, Effect, NotifyLevel, ReadRequest};
use secdeck::app::{FindingsRead, PaneMsg};
use secdeck::domain::filter::FindingFilters;
use secdeck::domain::finding::WorkflowStatus;
use secdeck::domain::plan::{Change, TriageFields};
use secdeck::journal::{Journal, Phase, ResultStatus};
use secdeck::sandbox::Fault;
use secdeck::tasks::{Capability, EffectRunner};

#[test]
fn new_to_notified_changes_aws_is_verified_journaled_and_undoable() {
    big_stack(|| async {
        let sb = TestEnv::findings(findings(5)).await;
        let journal = &sb.journal;
        let ex = sb.executor();
        let targets = ids(0..3);
        let plan = workflow_plan("plan-1", &targets, WorkflowStatus::Notified);

        let (outcome, undo) = ex.execute(plan.clone()).await;
        assert!(outcome.is_complete_success(), "{outcome:?}");
        assert_eq!(outcome.succeeded, targets);
        assert!(!outcome.request_ids.is_empty());
        for id in &targets {
            assert_eq!(workflow_of(&sb, id), "NOTIFIED", "{id} changed in AWS");
        }
        assert_eq!(workflow_of(&sb, "f-0003"), "NEW", "untouched finding");

        let entries = Journal::read_all(journal).unwrap();
        let phases: Vec<_> = entries
            .iter()
            .map(|e| (e.phase, e.plan_id.as_str()))
            .collect();
        assert_eq!(
            phases,
            [(Phase::Intent, "plan-1"), (Phase::Outcome, "plan-1")]
        );
        assert_eq!(
            entries[0].caller_arn.as_deref(),
            Some(sb.config().caller_arn.as_str()),
            "the executor asked STS who is acting"
        );
        assert_eq!(entries[1].result.as_ref().unwrap().status, ResultStatus::Ok);
        assert_eq!(entries[1].aws_request_ids, outcome.request_ids);

        let undo = undo.expect("a workflow change can be undone");
        let Change::FindingsUpdate(u) = &undo.change else {
            panic!("not a findings update")
        };
        assert!(
            u.edits
                .iter()
                .all(|e| e.after.workflow == Some(WorkflowStatus::New))
        );
        execute_ok(&ex, undo).await;
        for id in &targets {
            assert_eq!(workflow_of(&sb, id), "NEW", "{id} restored");
        }
        assert_eq!(Journal::read_all(journal).unwrap().len(), 4);
    });
}

#[test]
fn notes_are_written_with_their_author() {
    big_stack(|| async {
        let sb = TestEnv::findings(findings(1)).await;
        let ex = sb.executor();
        let after = TriageFields {
            note: Some("looked at it".into()),
            ..Default::default()
        };
        execute_ok(&ex, edits_plan("p", vec![("f-0000", after)])).await;
        let f = sb.finding("f-0000").unwrap();
        assert_eq!(f["Note"]["Text"], "looked at it");
        assert_eq!(f["Note"]["UpdatedBy"], "test-analyst");
    });
}

#[test]
fn without_a_configured_author_notes_are_signed_with_the_caller_identity() {
    big_stack(|| async {
        let sb = TestEnv::findings(findings(1)).await;
        let options = secdeck::tasks::ExecutorOptions {
            note_author: String::new(),
            ..fast_options()
        };
        let ex = sb.executor_with(options);
        let after = TriageFields {
            note: Some("looked at it".into()),
            ..Default::default()
        };
        execute_ok(&ex, edits_plan("p", vec![("f-0000", after)])).await;
        let f = sb.finding("f-0000").unwrap();
        let caller = sb.config().caller_arn.clone();
        assert!(caller.starts_with("arn:aws:"), "{caller}");
        assert_eq!(f["Note"]["UpdatedBy"], caller.as_str());
    });
}

#[test]
fn unprocessed_findings_are_reported_not_claimed() {
    big_stack(|| async {
        let sb = TestEnv::findings(findings(2)).await;
        let journal = &sb.journal;
        let ex = sb.executor();
        let targets = vec!["f-0000".to_string(), "no-such-finding".to_string()];
        let (outcome, undo) = ex
            .execute(workflow_plan("p", &targets, WorkflowStatus::Resolved))
            .await;

        assert_eq!(outcome.succeeded, ["f-0000"]);
        assert_eq!(outcome.failed.len(), 1);
        assert_eq!(outcome.failed[0].target, "no-such-finding");
        assert_eq!(outcome.failed[0].code, "FindingNotFound");
        assert!(
            outcome.summary().contains("1 failed"),
            "{}",
            outcome.summary()
        );
        assert_eq!(workflow_of(&sb, "f-0000"), "RESOLVED");
        let Change::FindingsUpdate(u) = &undo.unwrap().change else {
            panic!("not a findings update")
        };
        assert_eq!(u.edits.len(), 1, "only what changed is undone");
        let result = Journal::read_all(journal).unwrap()[1]
            .result
            .clone()
            .unwrap();
        assert_eq!(result.status, ResultStatus::Partial);
        assert_eq!(result.failures[0].target, "no-such-finding");
    });
}

#[test]
fn throttling_is_retried_until_everything_is_done() {
    big_stack(|| async {
        // 40 findings with 40 different notes: 40 BatchUpdateFindings calls, about a third
        // of them throttled (the sandbox's fault RNG is seeded, so this is repeatable), and
        // no SDK retries, so ours must do the work. (Hitting the real token bucket instead
        // would depend on how fast the machine is.)
        let sb = TestEnv::findings(findings(40)).await;
        sb.inject_fault(Fault {
            probability: 0.3,
            remaining: None,
            ..Fault::next("BatchUpdateFindings", 0, 429, "LimitExceededException")
        });
        let ex = executor(
            sb.clients_without_sdk_retries(),
            &sb.journal,
            fast_options(),
        );
        let targets = ids(0..40);
        let edits = targets
            .iter()
            .map(|id| {
                let after = TriageFields {
                    note: Some(format!("note for {id}")),
                    ..Default::default()
                };
                (id.as_str(), after)
            })
            .collect();
        let (outcome, _) = ex.execute(edits_plan("bulk", edits)).await;

        assert!(outcome.is_complete_success(), "{}", outcome.summary());
        assert_eq!(outcome.succeeded.len(), 40);
        let updates: Vec<_> = sb
            .requests()
            .into_iter()
            .filter(|r| r.operation == "BatchUpdateFindings")
            .collect();
        assert!(
            updates.iter().any(|r| r.status == 429),
            "some calls were throttled"
        );
        assert_eq!(updates.iter().filter(|r| r.status == 200).count(), 40);
        assert_eq!(
            sb.finding("f-0039").unwrap()["Note"]["Text"],
            "note for f-0039"
        );
    });
}

#[test]
fn throttled_past_every_retry_fails_cleanly_and_changes_nothing() {
    big_stack(|| async {
        let sb = TestEnv::findings(findings(2)).await;
        sb.inject_fault(Fault {
            remaining: None,
            ..Fault::next("BatchUpdateFindings", 1, 429, "LimitExceededException")
        });
        let journal = &sb.journal;
        let mut options = fast_options();
        options.retry.max_retries = 2;
        let ex = executor(sb.clients_without_sdk_retries(), journal, options);
        let (outcome, undo) = ex
            .execute(workflow_plan("p", &ids(0..2), WorkflowStatus::Suppressed))
            .await;

        assert!(outcome.succeeded.is_empty());
        let error = outcome.error.clone().expect("a whole-call failure");
        assert!(error.contains("LimitExceededException"), "{error}");
        assert!(
            outcome.summary().starts_with("failed: "),
            "{}",
            outcome.summary()
        );
        assert!(undo.is_none());
        assert_eq!(workflow_of(&sb, "f-0000"), "NEW");
        let attempts = sb
            .requests()
            .iter()
            .filter(|r| r.operation == "BatchUpdateFindings")
            .count();
        assert_eq!(attempts, 3, "one call and two retries");
        let result = Journal::read_all(journal).unwrap()[1]
            .result
            .clone()
            .unwrap();
        assert_eq!(result.status, ResultStatus::Failed);
    });
}

#[test]
fn a_journal_that_cannot_be_written_stops_the_change() {
    big_stack(|| async {
        let sb = TestEnv::findings(findings(1)).await;
        // /dev/full accepts the open and fails every write (ENOSPC), like a full disk.
        let ex = executor(
            sb.clients(),
            std::path::Path::new("/dev/full"),
            fast_options(),
        );
        let (outcome, _) = ex
            .execute(workflow_plan("p", &ids(0..1), WorkflowStatus::Notified))
            .await;
        let error = outcome.error.expect("refused");
        assert!(
            error.starts_with("not executed: cannot write the journal"),
            "{error}"
        );
        assert_eq!(workflow_of(&sb, "f-0000"), "NEW");
        assert!(
            sb.requests().iter().all(|r| !r.mutating),
            "nothing mutating was sent"
        );
    });
}

#[test]
fn a_read_only_session_sends_no_mutating_request() {
    big_stack(|| async {
        let sb = TestEnv::findings(findings(3)).await;
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut runner = EffectRunner::new(sb.clients(), tx, Capability::ReadOnly);
        assert!(runner.is_read_only());

        runner.run(Effect::Mutate(workflow_plan(
            "p",
            &ids(0..3),
            WorkflowStatus::Resolved,
        )));
        match rx.recv().await.unwrap() {
            Action::Notify { level, message } => {
                assert_eq!(level, NotifyLevel::Error);
                assert!(message.contains("read-only"), "{message}");
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        // Reads still work.
        runner.run(Effect::Read(ReadRequest::Findings(FindingsRead::Page {
            request: 1,
            filters: FindingFilters::default_view(),
            sort: vec![],
            next_token: None,
        })));
        match rx.recv().await.unwrap() {
            Action::Pane(PaneMsg::Findings(secdeck::app::FindingsMsg::Page {
                request,
                findings,
                ..
            })) => {
                assert_eq!((request, findings.len()), (1, 3));
            }
            other => panic!("expected a page, got {other:?}"),
        }
        assert!(!sb.requests().is_empty());
        assert!(
            sb.requests().iter().all(|r| !r.mutating),
            "{:?}",
            sb.requests()
        );
        assert_eq!(workflow_of(&sb, "f-0000"), "NEW");
    });
}

#[test]
fn the_runner_executes_changes_and_hands_back_theme_and_quit() {
    big_stack(|| async {
        let sb = TestEnv::findings(findings(2)).await;
        let c = sb.clients();
        let ex = sb.executor();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut runner = EffectRunner::new(c, tx, Capability::ReadWrite(ex));

        assert_eq!(runner.run(Effect::Quit), Some(Effect::Quit));
        assert_eq!(
            runner.run(Effect::LoadTheme("light".into())),
            Some(Effect::LoadTheme("light".into()))
        );
        runner.run(Effect::Read(ReadRequest::CallerIdentity));
        match rx.recv().await.unwrap() {
            Action::IdentityLoaded(Ok(id)) => assert_eq!(id.arn, sb.config().caller_arn),
            other => panic!("expected the identity, got {other:?}"),
        }
        runner.run(Effect::Mutate(workflow_plan(
            "p",
            &ids(0..2),
            WorkflowStatus::Notified,
        )));
        match rx.recv().await.unwrap() {
            Action::ChangeFinished { outcome, undo } => {
                assert!(outcome.is_complete_success(), "{outcome:?}");
                assert!(undo.is_some());
            }
            other => panic!("expected the outcome, got {other:?}"),
        }
        assert_eq!(workflow_of(&sb, "f-0001"), "NOTIFIED");
    });
}

#[test]
fn a_failed_page_reports_the_token_to_resume_from() {
    big_stack(|| async {
        let sb = TestEnv::findings(findings(150)).await;
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut runner = EffectRunner::new(sb.clients(), tx, Capability::ReadOnly);
        let page = |request, next_token| {
            Effect::Read(ReadRequest::Findings(FindingsRead::Page {
                request,
                filters: FindingFilters::default(),
                sort: vec![],
                next_token,
            }))
        };
        runner.run(page(7, None));
        let Some(Action::Pane(PaneMsg::Findings(secdeck::app::FindingsMsg::Page {
            next_token: Some(token),
            ..
        }))) = rx.recv().await
        else {
            panic!("expected a first page with a next token");
        };
        sb.inject_fault(Fault::next("GetFindings", 1, 403, "AccessDeniedException"));
        runner.run(page(7, Some(token.clone())));
        match rx.recv().await.unwrap() {
            Action::Pane(PaneMsg::Findings(secdeck::app::FindingsMsg::PageFailed {
                request,
                error,
                next_token,
            })) => {
                assert_eq!(request, 7);
                assert_eq!(next_token, Some(token), "resume where it failed");
                assert!(error.contains("AccessDeniedException"), "{error}");
            }
            other => panic!("expected a failure, got {other:?}"),
        }
    });
}

#[test]
fn a_newer_findings_request_supersedes_the_older_one() {
    big_stack(|| async {
        let config = secdeck::sandbox::SandboxConfig {
            latency: Some(std::time::Duration::from_millis(300)),
            ..Default::default()
        };
        let env = TestEnv::with_config(config, seed_of(findings(3))).await;
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut runner = EffectRunner::new(env.clients(), tx, Capability::ReadOnly);
        for request in [1, 2] {
            runner.run(Effect::Read(ReadRequest::Findings(FindingsRead::Page {
                request,
                filters: FindingFilters::default(),
                sort: vec![],
                next_token: None,
            })));
        }
        let first = rx.recv().await.unwrap();
        assert!(
            matches!(
                first,
                Action::Pane(PaneMsg::Findings(secdeck::app::FindingsMsg::Page {
                    request: 2,
                    ..
                }))
            ),
            "{first:?}"
        );
        // Once the runner is gone every sender is gone, so this drains all that was sent.
        drop(runner);
        let rest = rx.recv().await;
        assert!(
            rest.is_none(),
            "the superseded request still answered: {rest:?}"
        );
    });
}
