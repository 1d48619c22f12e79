//! Headless end-to-end triage: a real console session (update loop, effect runner,
//! mutation executor, journal) on the embedded sandbox, driven by key presses. Checks what
//! the sandbox recorded and what the table shows.

mod common;

use common::*;
use secdeck::app::panes::findings::LoadStatus;
use secdeck::app::panes::findings::bulk::TriageStage;
use secdeck::app::pipeline::Stage;
use secdeck::config::AccessFlag;
use secdeck::journal::Journal;
use secdeck::sandbox::{Fault, ItemFault};
use serde_json::{Value, json};

/// A console session with write access on a sandbox holding `findings`, with the saved
/// view `crit` and the note author `e2e-analyst`, its findings loaded.
async fn start(findings: Vec<Value>) -> ConsoleEnv {
    let mut run = TestEnv::findings(findings)
        .await
        .console_with(AccessFlag::Write, |parts| {
            parts.session.profile = None;
            parts.note_author = "e2e-analyst".into();
            parts.no_color = true;
            parts.views = vec![("crit".into(), "sev=CRITICAL status=NEW".into())];
        })
        .await;
    wait_until(&mut run, "the findings", |s| {
        s.findings.status == LoadStatus::Complete
    })
    .await;
    run
}

/// Runs the change on screen to its end.
async fn finish(run: &mut ConsoleEnv) {
    wait_until(run, "the change", |s| !s.pipeline.is_executing()).await;
}

fn calls_to(run: &ConsoleEnv, operation: &str) -> Vec<Value> {
    calls(run.sandbox(), operation)
}

fn executing(run: &ConsoleEnv) -> bool {
    run.state.pipeline.is_executing()
}

#[test]
fn filter_grammar_reaches_the_request_and_narrows_the_rows() {
    big_stack(|| async {
        let mut run = start(findings(40)).await;
        assert_eq!(run.state.findings.total(), 40);
        run.sandbox().clear_requests();
        press(
            &mut run,
            ":findings sev=CRITICAL,HIGH title~\"Finding<space>002\" status!=RESOLVED<enter>",
        );
        wait_until(&mut run, "the filtered findings", |s| {
            s.findings.status == LoadStatus::Complete && s.findings.request > 1
        })
        .await;
        let get = calls_to(&run, "GetFindings");
        let filters = &get[0]["Filters"];
        assert_eq!(filters["SeverityLabel"][0]["Value"], "CRITICAL");
        assert_eq!(filters["SeverityLabel"][1]["Value"], "HIGH");
        assert_eq!(filters["Title"][0]["Comparison"], "CONTAINS");
        assert_eq!(filters["WorkflowStatus"][0]["Comparison"], "NOT_EQUALS");
        // Finding 0020..0029: HIGH is i % 5 == 3, CRITICAL is 4.
        let pane = &run.state.findings;
        let mut titles: Vec<&str> = (0..pane.visible_len())
            .map(|i| pane.visible(i).unwrap().title.as_str())
            .collect();
        titles.sort();
        assert_eq!(
            titles,
            [
                "Finding 0023",
                "Finding 0024",
                "Finding 0028",
                "Finding 0029"
            ]
        );

        // A bad expression sends nothing and leaves the rows alone.
        run.sandbox().clear_requests();
        press(&mut run, ":findings sev=HIGH updated>7d<enter>");
        assert!(calls_to(&run, "GetFindings").is_empty());
        assert_eq!(run.state.findings.visible_len(), 4);
        assert!(messages(&run.state)[0].contains("use a date"));

        // A saved view.
        press(&mut run, ":view crit<enter>");
        wait_until(&mut run, "the saved view", |s| {
            s.findings.status == LoadStatus::Complete && s.findings.request > 2
        })
        .await;
        assert_eq!(run.state.findings.total(), 8, "every fifth of 40");
    });
}

#[test]
fn bulk_change_of_250_with_throttling_and_unprocessed_findings_retried_then_undone() {
    big_stack(|| async {
        let mut run = start(findings(250)).await;
        assert_eq!(run.state.findings.total(), 250);
        run.sandbox().clear_requests();
        // Throttling on two of the calls: retried, nothing lost.
        run.sandbox().inject_fault(Fault::next(
            "BatchUpdateFindings",
            2,
            429,
            "LimitExceededException",
        ));
        // And AWS answers three findings as UnprocessedFindings, each on two attempts.
        let unlucky = ["f-0007", "f-0150", "f-0249"];
        run.sandbox().inject_targeted_item_fault(ItemFault::ids(
            "BatchUpdateFindings",
            &unlucky,
            2,
            "ConcurrentUpdateError",
        ));
        press(&mut run, "<c-a>wj<enter>");
        press(&mut run, "y");
        assert!(!executing(&run), "y alone does not approve 250");
        press(&mut run, "250<enter>");
        assert!(run.state.pipeline.is_executing());
        finish(&mut run).await;

        let calls = calls_to(&run, "BatchUpdateFindings");
        let sizes: Vec<usize> = calls
            .iter()
            .map(|p| p["FindingIdentifiers"].as_array().map_or(0, Vec::len))
            .collect();
        // Two throttled attempts are recorded too; the three that went through carry 250.
        assert_eq!(sizes.len(), 5, "{sizes:?}");
        assert_eq!(sizes[2..], [100, 100, 50]);
        for i in 0..250 {
            let id = format!("f-{i:04}");
            let expected = if unlucky.contains(&id.as_str()) {
                "NEW"
            } else {
                "NOTIFIED"
            };
            assert_eq!(workflow_of(run.sandbox(), &id), expected, "{id}");
        }
        // Only what AWS confirmed is reported done; the rest is shown with its code.
        let shown = messages(&run.state);
        assert!(
            shown
                .iter()
                .any(|m| m.starts_with("247 changed and verified, 3 failed")),
            "{shown:?}"
        );
        assert!(
            shown.iter().any(|m| m.contains(
                "3 finding(s) not updated: ConcurrentUpdateError ×3 (ctrl-r retries them)"
            )),
            "{shown:?}"
        );
        let mut marked: Vec<&String> = run.state.findings.marks.iter().collect();
        marked.sort();
        assert_eq!(marked, unlucky, "the failed ones stay marked");
        let entries = Journal::read_all(run.journal()).unwrap();
        assert_eq!(entries.len(), 2, "intent and outcome");
        let result = entries[1].result.as_ref().unwrap();
        assert_eq!(result.succeeded.len(), 247);
        let mut failed: Vec<(&str, &str)> = result
            .failures
            .iter()
            .map(|f| (f.target.as_str(), f.code.as_str()))
            .collect();
        failed.sort();
        assert_eq!(
            failed,
            unlucky.map(|id| (id, "ConcurrentUpdateError")),
            "the journal names each unprocessed finding and its code"
        );

        // ctrl-r previews just those three again; the first retry still fails (the fault
        // fires twice), the second goes through.
        run.sandbox().clear_requests();
        press(&mut run, "<c-r>");
        let Stage::Preview { plan, .. } = &run.state.pipeline.stage else {
            panic!("ctrl-r previews the failed findings")
        };
        let mut targets = plan.targets();
        targets.sort();
        assert_eq!(targets, unlucky);
        press(&mut run, "y");
        finish(&mut run).await;
        assert_eq!(workflow_of(run.sandbox(), "f-0150"), "NEW");
        assert_notified(&run.state, "0 changed and verified, 3 failed");
        press(&mut run, "<c-r>y");
        finish(&mut run).await;
        let retries = calls_to(&run, "BatchUpdateFindings");
        assert_eq!(retries.len(), 2, "one call per retry");
        assert_eq!(
            retries[1]["FindingIdentifiers"].as_array().map(Vec::len),
            Some(3)
        );
        for i in 0..250 {
            assert_eq!(workflow_of(run.sandbox(), &format!("f-{i:04}")), "NOTIFIED");
        }
        assert!(
            messages(&run.state)[0].starts_with("3 changed and verified"),
            "{:?}",
            messages(&run.state)
        );
        assert!(run.state.findings.marks.is_empty());
        assert!(run.state.findings.retry.is_none());
        assert_eq!(Journal::read_all(run.journal()).unwrap().len(), 6);

        // Undo the last change set (the retried three), through the pipeline.
        press(&mut run, "uy");
        finish(&mut run).await;
        for id in unlucky {
            assert_eq!(workflow_of(run.sandbox(), id), "NEW");
        }
        assert_eq!(workflow_of(run.sandbox(), "f-0000"), "NOTIFIED");
        assert_eq!(Journal::read_all(run.journal()).unwrap().len(), 8);
    });
}

#[test]
fn bulk_undo_restores_all_250() {
    big_stack(|| async {
        let mut run = start(findings(250)).await;
        press(&mut run, "<c-a>wj<enter>y250<enter>");
        finish(&mut run).await;
        assert_eq!(workflow_of(run.sandbox(), "f-0249"), "NOTIFIED");
        // Undo, through the pipeline (typed count again).
        press(&mut run, "u250<enter>");
        finish(&mut run).await;
        for i in 0..250 {
            assert_eq!(workflow_of(run.sandbox(), &format!("f-{i:04}")), "NEW");
        }
        assert_eq!(Journal::read_all(run.journal()).unwrap().len(), 4);
    });
}

#[test]
fn edit_fields_sets_verification_confidence_criticality_and_user_fields_then_undo() {
    big_stack(|| async {
        let mut seeded: Vec<Value> = findings(3);
        seeded[0]["VerificationState"] = json!("UNKNOWN");
        seeded[0]["Confidence"] = json!(20);
        seeded[0]["Criticality"] = json!(30);
        seeded[0]["UserDefinedFields"] = json!({"owner": "alice", "stale": "yes"});
        let mut run = start(seeded).await;
        let pane = &run.state.findings;
        let row = |id: &str| (0..pane.visible_len()).find(|i| pane.visible(*i).unwrap().id == id);
        let (first, second) = (row("f-0000").unwrap(), row("f-0001").unwrap());
        // Mark f-0000 and f-0001 wherever the sort put them.
        for target in [first, second] {
            press(&mut run, "g");
            for _ in 0..target {
                press(&mut run, "j");
            }
            press(&mut run, "<space>");
        }
        run.sandbox().clear_requests();
        press(
            &mut run,
            "E<right><right><tab>85<tab>60<tab>owner=bob;ticket=SEC-9;-stale<enter>",
        );
        let Stage::Preview { plan, .. } = &run.state.pipeline.stage else {
            panic!("E previews: {:?}", run.state.pipeline.stage)
        };
        let preview: Vec<String> = plan.preview().into_iter().map(|l| l.text).collect();
        // Each field's before -> after, per finding.
        let first = preview
            .iter()
            .position(|l| l.contains("bucket-0 in 123456789012  Finding 0000"))
            .expect("f-0000 in the preview, by its resource");
        assert_eq!(
            preview[first + 1..first + 7],
            [
                "  verification: UNKNOWN -> TRUE_POSITIVE",
                "  confidence: 20 -> 85",
                "  criticality: 30 -> 60",
                "  udf owner: \"alice\" -> \"bob\"",
                "  udf stale: \"yes\" -> (removed)",
                "  udf ticket: (none) -> \"SEC-9\"",
            ],
            "{preview:#?}"
        );
        assert!(
            preview.contains(&"  udf owner: (none) -> \"bob\"".to_string())
                && preview.contains(&"  confidence: (none) -> 85".to_string()),
            "the second finding had none of them: {preview:#?}"
        );
        press(&mut run, "y");
        finish(&mut run).await;

        let calls = calls_to(&run, "BatchUpdateFindings");
        assert_eq!(calls.len(), 1, "same new values: one call");
        assert_eq!(calls[0]["VerificationState"], "TRUE_POSITIVE");
        assert_eq!(calls[0]["Confidence"], 85);
        assert_eq!(calls[0]["Criticality"], 60);
        assert_eq!(
            calls[0]["UserDefinedFields"],
            json!({"owner": "bob", "stale": "", "ticket": "SEC-9"})
        );
        for id in ["f-0000", "f-0001"] {
            let doc = run.sandbox().finding(id).unwrap();
            assert_eq!(doc["VerificationState"], "TRUE_POSITIVE", "{id}");
            assert_eq!(
                (doc["Confidence"].clone(), doc["Criticality"].clone()),
                (json!(85), json!(60))
            );
            assert_eq!(
                doc["UserDefinedFields"],
                json!({"owner": "bob", "ticket": "SEC-9"}),
                "{id}"
            );
        }
        assert!(
            run.sandbox()
                .finding("f-0002")
                .unwrap()
                .get("Confidence")
                .is_none()
        );
        assert!(
            messages(&run.state)
                .iter()
                .any(|m| m.starts_with("2 changed and verified")),
            "{:?}",
            messages(&run.state)
        );
        let entries = Journal::read_all(run.journal()).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].before["f-0000"]["confidence"], 20);
        assert_eq!(
            entries[0].after["f-0000"]["user_fields"]["stale"],
            Value::Null
        );

        // Undo puts back what was there: values, and no user field that did not exist.
        run.sandbox().clear_requests();
        press(&mut run, "uy");
        finish(&mut run).await;
        assert_eq!(
            analyst_fields(&run.sandbox().finding("f-0000").unwrap()),
            json!({
                "VerificationState": "UNKNOWN",
                "Confidence": 20,
                "Criticality": 30,
                "UserDefinedFields": {"owner": "alice", "stale": "yes"},
            })
        );
        let f1 = run.sandbox().finding("f-0001").unwrap();
        assert!(f1.get("UserDefinedFields").is_none(), "{f1}");
        // Numbers and a state it never had cannot be unset through BatchUpdateFindings.
        assert_eq!(f1["Confidence"], 85);
        assert_eq!(
            calls_to(&run, "BatchUpdateFindings").len(),
            2,
            "one call per restored set"
        );
        assert_eq!(Journal::read_all(run.journal()).unwrap().len(), 4);
    });
}

#[test]
fn edit_fields_rejects_out_of_range_numbers_before_anything_is_sent() {
    big_stack(|| async {
        let mut run = start(findings(2)).await;
        run.sandbox().clear_requests();
        press(&mut run, "E<tab>101<enter>");
        let Stage::Triage(TriageStage::Fields(form)) = &run.state.pipeline.stage else {
            panic!("the form stays open")
        };
        assert_eq!(
            form.error.as_deref(),
            Some("confidence: \"101\" is not a whole number from 0 to 100")
        );
        press(&mut run, "<esc>");
        assert!(!executing(&run) && !run.state.pipeline.is_modal());
        assert!(calls_to(&run, "BatchUpdateFindings").is_empty());
    });
}

#[test]
fn suppressed_needs_a_note_and_unprocessed_findings_are_shown_and_retryable() {
    big_stack(|| async {
        let mut run = start(findings(3)).await;
        // Make one loaded row point at a product AWS does not know: BatchUpdateFindings
        // answers it as an UnprocessedFinding (FindingNotFound).
        let victim = run.state.findings.visible(1).unwrap().id.clone();
        run.state.findings.edit_row(&victim, |f| {
            f.product_arn = "arn:aws:securityhub:us-east-1::product/aws/gone".into();
        });
        press(&mut run, "<c-a>wjjj<enter><enter>");
        assert!(
            run.state.pipeline.is_modal() && !executing(&run),
            "SUPPRESSED without a note goes nowhere"
        );
        press(&mut run, "accepted risk<enter>y");
        finish(&mut run).await;
        let others: Vec<String> = (0..3)
            .map(|i| format!("f-{i:04}"))
            .filter(|id| *id != victim)
            .collect();
        for id in &others {
            let doc = run.sandbox().finding(id).unwrap();
            assert_eq!(doc["Workflow"]["Status"], "SUPPRESSED");
            assert_eq!(doc["Note"]["Text"], "accepted risk");
            assert_eq!(doc["Note"]["UpdatedBy"], "e2e-analyst");
        }
        assert_eq!(workflow_of(run.sandbox(), &victim), "NEW");
        assert_notified(&run.state, "1 finding(s) not updated: FindingNotFound ×1");
        assert_eq!(
            run.state.findings.marks.iter().collect::<Vec<_>>(),
            [&victim],
            "the failed one stays marked"
        );
        // Retry: previewed again, and still not claimed as done.
        press(&mut run, "<c-r>y");
        finish(&mut run).await;
        assert!(
            messages(&run.state)[0].contains("not updated"),
            "{:?}",
            messages(&run.state)
        );
        assert_eq!(workflow_of(run.sandbox(), &victim), "NEW");
    });
}

#[test]
fn e_writes_the_view_to_a_file() {
    big_stack(|| async {
        let mut run = start(findings(12)).await;
        let path = run.journal().with_file_name("view.csv");
        press(&mut run, &format!("e<c-u>{}<enter>", path.display()));
        wait_until(&mut run, "the export", |s| {
            s.notifications
                .iter()
                .any(|n| n.message.starts_with("exported"))
        })
        .await;
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 13, "header and 12 rows");
        assert!(text.lines().nth(1).unwrap().contains("Finding 00"));
    });
}

#[test]
fn the_history_tab_shows_get_finding_history() {
    big_stack(|| async {
        use secdeck::app::panes::findings::detail::{DetailLine, DetailTab, HistoryState};
        let mut run = start(findings(3)).await;
        press(&mut run, "wj<enter>y");
        finish(&mut run).await;
        press(&mut run, "<enter>ll");
        let detail = run.state.findings.detail.as_ref().unwrap();
        assert_eq!(detail.tab, DetailTab::History);
        wait_until(&mut run, "the history", |s| {
            s.findings
                .detail
                .as_ref()
                .is_some_and(|d| matches!(d.history, HistoryState::Loaded(_)))
        })
        .await;
        let lines = run.state.findings.detail.as_ref().unwrap().tab_lines();
        let text: Vec<String> = lines
            .iter()
            .map(|l| match l {
                DetailLine::Heading(t)
                | DetailLine::Text(t)
                | DetailLine::Json(t)
                | DetailLine::Pick { text: t, .. } => t.clone(),
                DetailLine::Field { value, .. } => value.clone(),
                DetailLine::Blank => String::new(),
            })
            .collect();
        // Newest first: the workflow change, then the import that created it.
        assert!(
            text[0].contains("updated by") && text[0].contains("BATCH_UPDATE_FINDINGS"),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|t| t.starts_with("Workflow:") && t.contains("NOTIFIED")),
            "{text:?}"
        );
        assert!(count(run.sandbox(), "GetFindingHistory") > 0);
        // h goes back to the JSON tab.
        press(&mut run, "h");
        assert_eq!(
            run.state.findings.detail.as_ref().unwrap().tab,
            DetailTab::Json
        );
    });
}

#[test]
fn every_note_written_stays_in_the_local_history() {
    big_stack(|| async {
        let mut run = start(findings(2)).await;
        for note in ["first look", "false positive, ticket 7"] {
            press(
                &mut run,
                &format!("N{}<enter>y", note.replace(' ', "<space>")),
            );
            finish(&mut run).await;
        }
        let id = run.state.findings.selected_finding().unwrap().id.clone();
        let aws = run.sandbox().finding(&id).unwrap();
        assert_eq!(
            aws["Note"]["Text"], "false positive, ticket 7",
            "AWS keeps one"
        );
        press(&mut run, "<enter>ll");
        wait_until(&mut run, "the notes and history", |s| {
            s.findings.detail.as_ref().is_some_and(|d| {
                d.local_notes.is_some()
                    && matches!(
                        d.history,
                        secdeck::app::panes::findings::detail::HistoryState::Loaded(_)
                    )
            })
        })
        .await;
        let detail = run.state.findings.detail.as_ref().unwrap();
        let notes = detail.local_notes.as_ref().unwrap();
        let texts: Vec<&str> = notes.iter().map(|n| n.text.as_str()).collect();
        assert_eq!(texts, ["first look", "false positive, ticket 7"]);
        let lines = format!("{:?}", detail.tab_lines());
        assert!(
            lines.contains("Notes written from this console (2"),
            "{lines}"
        );
        assert!(lines.contains("    first look"), "{lines}");
    });
}
