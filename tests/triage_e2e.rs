//! Headless end-to-end triage: a real console session (update loop, effect runner,
//! mutation executor, journal) on the embedded sandbox, driven by key presses. Checks what
//! the sandbox recorded and what the table shows.

mod aws_support;

use std::time::Duration;

use aws_support::{big_stack, finding, sandbox, workflow_of};
use secdeck::app::panes::findings::bulk::TriageStage;
use secdeck::app::pipeline::Stage;
use secdeck::app::{Action, Key, Session};
use secdeck::config::{AccessFlag, Config};
use secdeck::journal::Journal;
use secdeck::runtime::{Console, ConsoleParts};
use secdeck::sandbox::{Fault, ItemFault, QuotaMode, Sandbox};
use secdeck::tasks::SessionMode;
use secdeck::theme::Theme;
use serde_json::{Value, json};

struct Run {
    console: Console,
    journal: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

async fn start(findings: Vec<Value>) -> Run {
    let sb: Sandbox = sandbox(findings, QuotaMode::Off);
    let sdk_config = sb.sdk_config().await;
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.jsonl");
    let parts = ConsoleParts {
        session: Session {
            region: "us-east-1".into(),
            demo: true,
            ..Session::default()
        },
        sdk_config,
        mode: SessionMode::resolve(AccessFlag::Write, &Config::default(), "default"),
        journal_path: journal.clone(),
        theme: Theme::default_dark(),
        key_overrides: Default::default(),
        note_author: "e2e-analyst".into(),
        themes_dir: None,
        no_color: true,
        startup_errors: Vec::new(),
        pacer: std::sync::Arc::new(secdeck::tasks::retry::Pacer::unlimited()),
        state_file: None,
        sandbox: Some(sb),
        views: vec![("crit".into(), "sev=CRITICAL status=NEW".into())],
        cross_account: Default::default(),
    };
    let mut console = Console::start(parts);
    console.dispatch(Action::Resize {
        width: 120,
        height: 40,
    });
    let mut run = Run {
        console,
        journal,
        _dir: dir,
    };
    run.until(|c| c.state.findings.status == secdeck::app::panes::findings::LoadStatus::Complete)
        .await;
    run
}

impl Run {
    fn keys(&mut self, seq: &str) {
        for k in Key::sequence(seq).unwrap() {
            self.console.dispatch(Action::Key(k));
        }
    }

    /// Feeds background results back in until `done` holds (or fails after 30 s).
    async fn until(&mut self, done: impl Fn(&Console) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while !done(&self.console) {
            let next = tokio::time::timeout_at(deadline, self.console.next_action()).await;
            match next {
                Ok(Some(action)) => self.console.dispatch(action),
                _ => panic!(
                    "condition not reached; state: {:?}",
                    self.console.state.findings.status
                ),
            }
        }
    }

    fn sandbox(&self) -> &Sandbox {
        self.console.sandbox().unwrap()
    }

    fn calls(&self, operation: &str) -> Vec<Value> {
        self.sandbox()
            .requests()
            .into_iter()
            .filter(|r| r.operation == operation)
            .map(|r| r.params)
            .collect()
    }

    fn idle(&self) -> bool {
        !self.console.state.pipeline.is_executing()
    }

    fn messages(&self) -> Vec<String> {
        self.console
            .state
            .notifications
            .iter()
            .map(|n| n.message.clone())
            .collect()
    }
}

#[test]
fn filter_grammar_reaches_the_request_and_narrows_the_rows() {
    big_stack(|| async {
        let mut run = start((0..40).map(finding).collect()).await;
        assert_eq!(run.console.state.findings.total(), 40);
        run.sandbox().clear_requests();
        run.keys(":findings sev=CRITICAL,HIGH title~\"Finding<space>002\" status!=RESOLVED<enter>");
        run.until(|c| {
            c.state.findings.status == secdeck::app::panes::findings::LoadStatus::Complete
                && c.state.findings.request > 1
        })
        .await;
        let get = run.calls("GetFindings");
        let filters = &get[0]["Filters"];
        assert_eq!(filters["SeverityLabel"][0]["Value"], "CRITICAL");
        assert_eq!(filters["SeverityLabel"][1]["Value"], "HIGH");
        assert_eq!(filters["Title"][0]["Comparison"], "CONTAINS");
        assert_eq!(filters["WorkflowStatus"][0]["Comparison"], "NOT_EQUALS");
        // Finding 0020..0029: HIGH is i % 5 == 3, CRITICAL is 4.
        let pane = &run.console.state.findings;
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
        run.keys(":findings sev=HIGH updated>7d<enter>");
        assert!(run.calls("GetFindings").is_empty());
        assert_eq!(run.console.state.findings.visible_len(), 4);
        assert!(run.messages()[0].contains("use a date"));

        // A saved view.
        run.keys(":view crit<enter>");
        run.until(|c| {
            c.state.findings.status == secdeck::app::panes::findings::LoadStatus::Complete
                && c.state.findings.request > 2
        })
        .await;
        assert_eq!(run.console.state.findings.total(), 8, "every fifth of 40");
    });
}

#[test]
fn bulk_change_of_250_with_throttling_and_unprocessed_findings_retried_then_undone() {
    big_stack(|| async {
        let mut run = start((0..250).map(finding).collect()).await;
        assert_eq!(run.console.state.findings.total(), 250);
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
        run.keys("<c-a>wj<enter>");
        run.keys("y");
        assert!(run.idle(), "y alone does not approve 250");
        run.keys("250<enter>");
        assert!(run.console.state.pipeline.is_executing());
        run.until(|c| !c.state.pipeline.is_executing()).await;

        let calls = run.calls("BatchUpdateFindings");
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
        let messages = run.messages();
        assert!(
            messages
                .iter()
                .any(|m| m.starts_with("247 changed and verified, 3 failed")),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.contains(
                "3 finding(s) not updated: ConcurrentUpdateError ×3 (ctrl-r retries them)"
            )),
            "{messages:?}"
        );
        let mut marked: Vec<&String> = run.console.state.findings.marks.iter().collect();
        marked.sort();
        assert_eq!(marked, unlucky, "the failed ones stay marked");
        let entries = Journal::read_all(&run.journal).unwrap();
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
        run.keys("<c-r>");
        let Stage::Preview { plan, .. } = &run.console.state.pipeline.stage else {
            panic!("ctrl-r previews the failed findings")
        };
        let mut targets = plan.targets();
        targets.sort();
        assert_eq!(targets, unlucky);
        run.keys("y");
        run.until(|c| !c.state.pipeline.is_executing()).await;
        assert_eq!(workflow_of(run.sandbox(), "f-0150"), "NEW");
        assert!(
            run.messages()
                .iter()
                .any(|m| m.contains("0 changed and verified, 3 failed")),
            "{:?}",
            run.messages()
        );
        run.keys("<c-r>y");
        run.until(|c| !c.state.pipeline.is_executing()).await;
        let retries = run.calls("BatchUpdateFindings");
        assert_eq!(retries.len(), 2, "one call per retry");
        assert_eq!(
            retries[1]["FindingIdentifiers"].as_array().map(Vec::len),
            Some(3)
        );
        for i in 0..250 {
            assert_eq!(workflow_of(run.sandbox(), &format!("f-{i:04}")), "NOTIFIED");
        }
        assert!(
            run.messages()[0].starts_with("3 changed and verified"),
            "{:?}",
            run.messages()
        );
        assert!(run.console.state.findings.marks.is_empty());
        assert!(run.console.state.findings.retry.is_none());
        assert_eq!(Journal::read_all(&run.journal).unwrap().len(), 6);

        // Undo the last change set (the retried three), through the pipeline.
        run.keys("uy");
        run.until(|c| !c.state.pipeline.is_executing()).await;
        for id in unlucky {
            assert_eq!(workflow_of(run.sandbox(), id), "NEW");
        }
        assert_eq!(workflow_of(run.sandbox(), "f-0000"), "NOTIFIED");
        assert_eq!(Journal::read_all(&run.journal).unwrap().len(), 8);
    });
}

#[test]
fn bulk_undo_restores_all_250() {
    big_stack(|| async {
        let mut run = start((0..250).map(finding).collect()).await;
        run.keys("<c-a>wj<enter>y250<enter>");
        run.until(|c| !c.state.pipeline.is_executing()).await;
        assert_eq!(workflow_of(run.sandbox(), "f-0249"), "NOTIFIED");
        // Undo, through the pipeline (typed count again).
        run.keys("u250<enter>");
        run.until(|c| !c.state.pipeline.is_executing()).await;
        for i in 0..250 {
            assert_eq!(workflow_of(run.sandbox(), &format!("f-{i:04}")), "NEW");
        }
        assert_eq!(Journal::read_all(&run.journal).unwrap().len(), 4);
    });
}

#[test]
fn edit_fields_sets_verification_confidence_criticality_and_user_fields_then_undo() {
    big_stack(|| async {
        let mut seeded: Vec<Value> = (0..3).map(finding).collect();
        seeded[0]["VerificationState"] = json!("UNKNOWN");
        seeded[0]["Confidence"] = json!(20);
        seeded[0]["Criticality"] = json!(30);
        seeded[0]["UserDefinedFields"] = json!({"owner": "alice", "stale": "yes"});
        let mut run = start(seeded).await;
        let pane = &run.console.state.findings;
        let row = |id: &str| (0..pane.visible_len()).find(|i| pane.visible(*i).unwrap().id == id);
        let (first, second) = (row("f-0000").unwrap(), row("f-0001").unwrap());
        // Mark f-0000 and f-0001 wherever the sort put them.
        for target in [first, second] {
            run.keys("g");
            for _ in 0..target {
                run.keys("j");
            }
            run.keys("<space>");
        }
        run.sandbox().clear_requests();
        run.keys("E<right><right><tab>85<tab>60<tab>owner=bob;ticket=SEC-9;-stale<enter>");
        let Stage::Preview { plan, .. } = &run.console.state.pipeline.stage else {
            panic!("E previews: {:?}", run.console.state.pipeline.stage)
        };
        let preview: Vec<String> = plan.preview().into_iter().map(|l| l.text).collect();
        // Each field's before -> after, per finding.
        let first = preview
            .iter()
            .position(|l| l.contains("f-0000"))
            .expect("f-0000 in the preview");
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
        run.keys("y");
        run.until(|c| !c.state.pipeline.is_executing()).await;

        let calls = run.calls("BatchUpdateFindings");
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
            run.messages()
                .iter()
                .any(|m| m.starts_with("2 changed and verified")),
            "{:?}",
            run.messages()
        );
        let entries = Journal::read_all(&run.journal).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].before["f-0000"]["confidence"], 20);
        assert_eq!(
            entries[0].after["f-0000"]["user_fields"]["stale"],
            Value::Null
        );

        // Undo puts back what was there: values, and no user field that did not exist.
        run.sandbox().clear_requests();
        run.keys("uy");
        run.until(|c| !c.state.pipeline.is_executing()).await;
        let f0 = run.sandbox().finding("f-0000").unwrap();
        assert_eq!(f0["VerificationState"], "UNKNOWN");
        assert_eq!(
            (f0["Confidence"].clone(), f0["Criticality"].clone()),
            (json!(20), json!(30))
        );
        assert_eq!(
            f0["UserDefinedFields"],
            json!({"owner": "alice", "stale": "yes"})
        );
        let f1 = run.sandbox().finding("f-0001").unwrap();
        assert!(f1.get("UserDefinedFields").is_none(), "{f1}");
        // Numbers and a state it never had cannot be unset through BatchUpdateFindings.
        assert_eq!(f1["Confidence"], 85);
        assert_eq!(
            run.calls("BatchUpdateFindings").len(),
            2,
            "one call per restored set"
        );
        assert_eq!(Journal::read_all(&run.journal).unwrap().len(), 4);
    });
}

#[test]
fn edit_fields_rejects_out_of_range_numbers_before_anything_is_sent() {
    big_stack(|| async {
        let mut run = start((0..2).map(finding).collect()).await;
        run.sandbox().clear_requests();
        run.keys("E<tab>101<enter>");
        let Stage::Triage(TriageStage::Fields(form)) = &run.console.state.pipeline.stage else {
            panic!("the form stays open")
        };
        assert_eq!(
            form.error.as_deref(),
            Some("confidence: \"101\" is not a whole number from 0 to 100")
        );
        run.keys("<esc>");
        assert!(run.idle() && !run.console.state.pipeline.is_modal());
        assert!(run.calls("BatchUpdateFindings").is_empty());
    });
}

#[test]
fn suppressed_needs_a_note_and_unprocessed_findings_are_shown_and_retryable() {
    big_stack(|| async {
        let mut run = start((0..3).map(finding).collect()).await;
        // Make one loaded row point at a product AWS does not know: BatchUpdateFindings
        // answers it as an UnprocessedFinding (FindingNotFound).
        let victim = run.console.state.findings.visible(1).unwrap().id.clone();
        run.console.state.findings.edit_row(&victim, |f| {
            f.product_arn = "arn:aws:securityhub:us-east-1::product/aws/gone".into();
        });
        run.keys("<c-a>wjjj<enter><enter>");
        assert!(
            run.console.state.pipeline.is_modal() && run.idle(),
            "SUPPRESSED without a note goes nowhere"
        );
        run.keys("accepted risk<enter>y");
        run.until(|c| !c.state.pipeline.is_executing()).await;
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
        assert!(
            run.messages()
                .iter()
                .any(|m| m.contains("1 finding(s) not updated: FindingNotFound ×1")),
            "{:?}",
            run.messages()
        );
        assert_eq!(
            run.console.state.findings.marks.iter().collect::<Vec<_>>(),
            [&victim],
            "the failed one stays marked"
        );
        // Retry: previewed again, and still not claimed as done.
        run.keys("<c-r>y");
        run.until(|c| !c.state.pipeline.is_executing()).await;
        assert!(
            run.messages()[0].contains("not updated"),
            "{:?}",
            run.messages()
        );
        assert_eq!(workflow_of(run.sandbox(), &victim), "NEW");
    });
}

#[test]
fn e_writes_the_view_to_a_file() {
    big_stack(|| async {
        let mut run = start((0..12).map(finding).collect()).await;
        let path = run.journal.with_file_name("view.csv");
        run.keys(&format!("e<c-u>{}<enter>", path.display()));
        run.until(|c| {
            c.state
                .notifications
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
        let mut run = start((0..3).map(finding).collect()).await;
        run.keys("wj<enter>y");
        run.until(|c| !c.state.pipeline.is_executing()).await;
        run.keys("<enter>ll");
        let detail = run.console.state.findings.detail.as_ref().unwrap();
        assert_eq!(detail.tab, DetailTab::History);
        run.until(|c| {
            c.state
                .findings
                .detail
                .as_ref()
                .is_some_and(|d| matches!(d.history, HistoryState::Loaded(_)))
        })
        .await;
        let lines = run
            .console
            .state
            .findings
            .detail
            .as_ref()
            .unwrap()
            .tab_lines();
        let text: Vec<String> = lines
            .iter()
            .map(|l| match l {
                DetailLine::Heading(t) | DetailLine::Text(t) | DetailLine::Json(t) => t.clone(),
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
        assert!(
            run.sandbox()
                .requests()
                .iter()
                .any(|r| r.operation == "GetFindingHistory")
        );
        // h goes back to the JSON tab.
        run.keys("h");
        assert_eq!(
            run.console.state.findings.detail.as_ref().unwrap().tab,
            DetailTab::Json
        );
    });
}

#[test]
fn every_note_written_stays_in_the_local_history() {
    big_stack(|| async {
        let mut run = start((0..2).map(finding).collect()).await;
        for note in ["first look", "false positive, ticket 7"] {
            run.keys(&format!("N{}<enter>y", note.replace(' ', "<space>")));
            run.until(|c| !c.state.pipeline.is_executing()).await;
        }
        let id = run
            .console
            .state
            .findings
            .selected_finding()
            .unwrap()
            .id
            .clone();
        let aws = run.sandbox().finding(&id).unwrap();
        assert_eq!(
            aws["Note"]["Text"], "false positive, ticket 7",
            "AWS keeps one"
        );
        run.keys("<enter>ll");
        run.until(|c| {
            c.state.findings.detail.as_ref().is_some_and(|d| {
                d.local_notes.is_some()
                    && matches!(
                        d.history,
                        secdeck::app::panes::findings::detail::HistoryState::Loaded(_)
                    )
            })
        })
        .await;
        let detail = run.console.state.findings.detail.as_ref().unwrap();
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
