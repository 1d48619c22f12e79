//! End to end: the whole console (update, effect runner, mutation executor, journal) on
//! the in-process sandbox, driven by keys, checked on the screen, on the requests the
//! sandbox received and on the AWS state afterwards.

mod common;

use common::*;
use secdeck::app::PaneMsg;
use secdeck::app::{Action, Key, KeyCode};
use secdeck::config::AccessFlag;
use secdeck::domain::finding::WorkflowStatus;
use secdeck::journal::{Journal, Phase};
use secdeck::sandbox::Fault;

#[test]
fn demo_shows_findings_navigates_and_opens_the_detail() {
    big_stack(|| async {
        let mut console = findings_console(AccessFlag::Unset).await;
        let table = screen(&console.state);
        assert!(table.contains("Findings ("), "{table}");
        assert!(table.contains("DEMO"), "{table}");
        assert!(table.contains("123456789012"), "account from STS: {table}");

        press(&mut console, "jj");
        let selected = console
            .state
            .findings
            .selected_finding()
            .expect("a row")
            .clone();
        press(&mut console, "<enter>");
        let detail = screen(&console.state);
        assert!(
            detail.contains(&selected.title[..20.min(selected.title.len())]),
            "{detail}"
        );
        assert!(detail.contains("Severity"), "{detail}");

        // The full JSON is in the detail view further down.
        press(&mut console, "G");
        let bottom = screen(&console.state);
        assert!(bottom.contains('}'), "pretty JSON at the end: {bottom}");

        press(&mut console, "<esc>");
        assert_shows(&console.state, &["Findings ("]);
        assert_nothing_sent(&mut console).await;
    });
}

#[test]
fn workflow_change_goes_through_preview_approval_journal_and_undo() {
    big_stack(|| async {
        let mut console = findings_console(AccessFlag::Unset).await;
        let sandbox = console.sandbox().clone();

        // The first NEW finding in the table.
        let row = (0..console.state.findings.visible_len())
            .find(|&i| {
                console.state.findings.visible(i).unwrap().workflow == Some(WorkflowStatus::New)
            })
            .expect("a NEW finding in the demo");
        for _ in 0..row {
            press(&mut console, "j");
        }
        let finding = console.state.findings.selected_finding().unwrap().clone();
        assert_eq!(workflow_of(&sandbox, &finding.id), "NEW");

        // Picker (cursor starts on the current status), one down is NOTIFIED, preview.
        press(&mut console, "wj<enter>");
        assert_shows(&console.state, &["- workflow NEW", "+ workflow NOTIFIED"]);
        assert!(
            sandbox.requests().iter().all(|r| !r.mutating),
            "nothing is sent before approval"
        );

        press_until(&mut console, "y", "the change to finish", |s| {
            s.notifications
                .iter()
                .any(|n| n.message.contains("changed and verified"))
        })
        .await;
        assert_eq!(workflow_of(&sandbox, &finding.id), "NOTIFIED");
        let mutations: Vec<_> = sandbox
            .requests()
            .into_iter()
            .filter(|r| r.mutating)
            .collect();
        assert_eq!(mutations.len(), 1);
        assert_eq!(mutations[0].operation, "BatchUpdateFindings");
        assert_eq!(
            console.state.findings.selected_finding().unwrap().workflow,
            Some(WorkflowStatus::Notified),
            "the row shows the verified status"
        );

        let entries = Journal::read_all(console.journal()).expect("journal readable");
        assert_eq!(entries.len(), 2, "intent and outcome");
        assert_eq!(entries[0].phase, Phase::Intent);
        assert_eq!(entries[1].phase, Phase::Outcome);
        assert_eq!(entries[0].plan_id, entries[1].plan_id);
        assert_eq!(entries[1].targets, vec![finding.id.clone()]);
        assert!(
            !entries[1].aws_request_ids.is_empty(),
            "AWS request id journaled"
        );
        let text = std::fs::read_to_string(console.journal()).unwrap();
        assert!(
            !text.to_lowercase().contains("secret"),
            "no credentials in the journal"
        );

        // Undo is itself previewed and approved.
        press(&mut console, "u");
        let undo = screen(&console.state);
        assert!(undo.contains("- workflow NOTIFIED"), "{undo}");
        assert!(undo.contains("+ workflow NEW"), "{undo}");
        press_until(&mut console, "y", "the undo to finish", |s| {
            s.notifications
                .iter()
                .filter(|n| n.message.contains("changed and verified"))
                // The same message again counts up on its line.
                .map(|n| n.repeats.max(1))
                .sum::<u32>()
                >= 2
        })
        .await;
        assert_eq!(workflow_of(&sandbox, &finding.id), "NEW");
        assert_eq!(Journal::read_all(console.journal()).unwrap().len(), 4);
    });
}

#[test]
fn rejecting_a_preview_sends_nothing() {
    big_stack(|| async {
        let mut console = findings_console(AccessFlag::Unset).await;
        press(&mut console, "wj<enter>n");
        drain(&mut console).await;
        let sandbox = console.sandbox().clone();
        assert!(sandbox.requests().iter().all(|r| !r.mutating));
        assert!(
            !console.journal().exists() || Journal::read_all(console.journal()).unwrap().is_empty()
        );
    });
}

#[test]
fn read_only_demo_sends_no_mutating_request_whatever_is_pressed() {
    big_stack(|| async {
        let mut console = findings_console(AccessFlag::ReadOnly).await;
        let sandbox = console.sandbox().clone();
        assert_shows(&console.state, &["READ-ONLY"]);

        for key in ["w", "E"] {
            press(&mut console, key);
            assert!(
                screen(&console.state).contains("read-only session"),
                "{key}: {}",
                screen(&console.state)
            );
            press(&mut console, "<esc>");
        }
        // The E form's keys typed blind: no form opens, nothing is sent.
        press(&mut console, "E<right><tab>50<tab>60<tab>owner=x<enter>y");
        assert!(!console.state.pipeline.is_modal());

        // Every printable key, every named key, and the mutating commands typed out,
        // interleaved with navigation, a few times over.
        let mut keys: Vec<Key> = (' '..='~').map(Key::char).collect();
        keys.extend(
            [
                KeyCode::Enter,
                KeyCode::Esc,
                KeyCode::Tab,
                KeyCode::BackTab,
                KeyCode::Backspace,
                KeyCode::Up,
                KeyCode::Down,
                KeyCode::PageDown,
                KeyCode::Home,
                KeyCode::End,
            ]
            .map(Key::plain),
        );
        // ctrl-r (retry_failed) is a change on every pane, the audits pane included.
        keys.extend([Key::ctrl('r'), Key::ctrl('a'), Key::ctrl('g')]);
        for round in 0..3 {
            for (i, key) in keys.iter().enumerate() {
                if key.code == KeyCode::Char('q') || key.code == KeyCode::Char(':') {
                    continue; // quitting or typing a command would end the sweep early
                }
                console.dispatch(Action::Key(*key));
                if (i + round) % 7 == 0 {
                    press(&mut console, "y12<enter>");
                }
                console.dispatch(Action::Key(Key::plain(KeyCode::Esc)));
            }
            for command in [
                ":set_workflow<enter>",
                ":edit_fields<enter>",
                ":approve<enter>",
                ":undo<enter>",
            ] {
                press(&mut console, command);
                press(&mut console, "<enter>y<esc>");
            }
            // Direct actions too, as a remote keymap could send them.
            for action in [
                Action::SetWorkflow,
                Action::EditFields,
                Action::Approve,
                Action::Undo,
                Action::BlockFromFinding,
                Action::SyncIpRanges,
                Action::AddAddressesFromFile,
            ] {
                console.dispatch(action);
            }
            drain(&mut console).await;
        }
        let mutating: Vec<_> = sandbox
            .requests()
            .into_iter()
            .filter(|r| r.mutating)
            .collect();
        assert!(mutating.is_empty(), "read-only sent {mutating:?}");
        assert!(
            !console.journal().exists(),
            "a read-only session never opens the journal"
        );
        assert_shows(&console.state, &["READ-ONLY"]);
    });
}

#[test]
fn a_failed_page_keeps_what_loaded_and_can_be_resumed() {
    big_stack(|| async {
        let findings =
            secdeck::sandbox::seed::generate_findings(450, 7, time::OffsetDateTime::now_utc());
        let ids: Vec<String> = findings
            .iter()
            .filter_map(|f| f["Id"].as_str().map(str::to_string))
            .collect();
        let env = TestEnv::findings(findings).await;
        // Fail the second GetFindings call with a non-retryable error.
        let sandbox = env.sandbox.clone();
        let mut console = env.console(AccessFlag::Unset).await;
        // Hold the first page back until the fault is armed: the next page is only
        // requested once the first is dispatched.
        let first_page = loop {
            match console.next_action().await.expect("actions") {
                page @ Action::Pane(PaneMsg::Findings(secdeck::app::FindingsMsg::Page {
                    ..
                })) => break page,
                other => console.dispatch(other),
            }
        };
        sandbox.inject_fault(Fault {
            operation: Some("GetFindings".into()),
            status: 403,
            code: "AccessDeniedException".into(),
            message: "injected by the test".into(),
            probability: 1.0,
            remaining: Some(1),
            mode: secdeck::sandbox::FaultMode::Refuse,
        });
        console.dispatch(first_page);
        wait_until(&mut console, "the failure", |s| {
            matches!(
                s.findings.status,
                secdeck::app::panes::findings::LoadStatus::Failed { .. }
            )
        })
        .await;
        let loaded = console.state.findings.total();
        assert_eq!(loaded, 100, "the first page stays");
        assert_shows(&console.state, &["AccessDenied"]);

        press_until(&mut console, "R", "the resumed load", findings_loaded).await;
        let total = console.state.findings.total();
        let expected = default_view_count(&sandbox, &ids);
        assert_eq!(
            total, expected,
            "resume loaded exactly the rest, no duplicates"
        );
    });
}

/// The default view counted from AWS state: ACTIVE and NEW or NOTIFIED.
fn default_view_count(sandbox: &secdeck::sandbox::Sandbox, ids: &[String]) -> usize {
    ids.iter()
        .filter_map(|id| sandbox.finding(id))
        .filter(|f| f["RecordState"] == "ACTIVE")
        .filter(|f| matches!(f["Workflow"]["Status"].as_str(), Some("NEW" | "NOTIFIED")))
        .count()
}

/// The sandbox's own answer to GetFindingsV2 under `filter` (the console's grammar),
/// through a plain SDK client: the finding ids, sorted.
async fn ocsf_ids(env: &TestEnv, filter: &str) -> Vec<String> {
    use secdeck::aws::securityhub_v2::{OcsfQuery, get_all_findings};
    let compiled = secdeck::domain::ocsf_filter::OcsfFilters::compile(filter).unwrap();
    let query = OcsfQuery {
        filters: secdeck::aws::ocsf_filters::ocsf_finding_filters(&compiled),
        ..OcsfQuery::default()
    };
    let docs = get_all_findings(&env.hub(), &query, &Default::default())
        .await
        .expect("GetFindingsV2");
    let mut ids: Vec<String> = docs
        .iter()
        .map(|d| {
            // The row id: metadata.uid, else finding_info.uid (AWS's sample has no metadata.uid).
            d["metadata"]["uid"]
                .as_str()
                .or(d["finding_info"]["uid"].as_str())
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    ids.sort();
    ids
}

fn row_ids(s: &secdeck::app::State) -> Vec<String> {
    let mut ids: Vec<String> = s.findings.rows().iter().map(|f| f.id.clone()).collect();
    ids.sort();
    ids
}

#[test]
fn ocsf_console_shows_what_get_findings_v2_answers_and_sends_or_and_nested_filters() {
    big_stack(|| async {
        use secdeck::domain::findings_api::FindingsApi;
        let mut console = TestEnv::demo()
            .await
            .console_with(AccessFlag::Unset, |p| p.findings_api = FindingsApi::Ocsf)
            .await;
        wait_until(&mut console, "the OCSF findings", findings_loaded).await;
        let default = secdeck::domain::ocsf_filter::DEFAULT_VIEW;
        assert_eq!(
            row_ids(&console.state),
            ocsf_ids(&console.env, default).await
        );
        assert_eq!(count(console.sandbox(), "GetFindings"), 0, "no ASFF read");
        // The strip's counts are Security Hub's (GetFindingStatisticsV2, same filter).
        wait_until(&mut console, "the counts", |s| {
            s.findings.server_counts.is_some()
        })
        .await;
        let total = console.state.findings.rows().len();
        let counts = console.state.findings.server_counts.clone().unwrap();
        assert_eq!(counts.total() as usize, total, "{counts:?}");
        let stats = calls(console.sandbox(), "GetFindingStatisticsV2");
        assert_eq!(stats[0]["GroupByRules"][1]["GroupByField"], "status");
        assert_shows(&console.state, &[&format!("{total} in Security Hub: ")]);
        // The 30-day trend is asked once the counts are in, and joins them in the strip.
        wait_until(&mut console, "the trend", |s| {
            s.findings
                .server_counts
                .as_ref()
                .is_some_and(|c| c.trend.len() >= 30)
        })
        .await;
        let trends = calls(console.sandbox(), "GetFindingsTrendsV2");
        assert_eq!(trends.len(), 1, "{trends:?}");
        assert_shows(&console.state, &["│  30d "]);
        assert_shows(
            &console.state,
            &[
                "findings OCSF (Security Hub)",
                "filter status=New,in_progress",
            ],
        );

        let filter = "sev=Critical,High (class=\"Detection Finding\" | exposure=true)";
        press(&mut console, &format!(":findings {filter}<enter>"));
        wait_until(&mut console, "the filtered findings", findings_loaded).await;
        let sent = calls(console.sandbox(), "GetFindingsV2");
        let filters = &sent.last().expect("a GetFindingsV2 request")["Filters"];
        assert_eq!(filters["CompositeOperator"], "AND", "{filters:#}");
        let [severity, either] = filters["CompositeFilters"].as_array().unwrap().as_slice() else {
            panic!("two composites: {filters:#}")
        };
        assert_eq!(severity["Operator"], "OR");
        assert_eq!(severity["StringFilters"][0]["FieldName"], "severity");
        assert_eq!(severity["StringFilters"][1]["Filter"]["Value"], "High");
        assert_eq!(either["Operator"], "OR");
        let fields = texts_of(&either["StringFilters"], "FieldName");
        assert_eq!(fields, ["class_name", "finding_info.analytic.name"]);
        let shown = row_ids(&console.state);
        assert_eq!(shown, ocsf_ids(&console.env, filter).await);
        for f in console.state.findings.rows() {
            let doc = f.raw.value();
            assert!(
                matches!(doc["severity"].as_str(), Some("Critical" | "High")),
                "{doc:#}"
            );
            let exposure = doc["finding_info"]["analytic"]["name"] == "Exposure";
            assert!(
                doc["class_name"] == "Detection Finding" || exposure,
                "{doc:#}"
            );
        }
        assert_shows(&console.state, &[&format!("filter {filter}")]);
    });
}
