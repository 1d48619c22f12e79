//! Tickets for OCSF findings, end to end through the console on the sandbox (`T` on the
//! findings pane of the new Security Hub): the connector picker (ListConnectorsV2), AWS's
//! DRYRUN answer as the preview, approval, the fresh-state check, CreateTicketV2, the
//! journal, the ticket shown (copy / open) and offered as a comment on the finding.

mod common;

use common::hostile;
use common::model::ServiceModel;
use common::*;
use secdeck::app::panes::findings::bulk::TriageStage;
use secdeck::app::panes::findings::tickets::TicketStage;
use secdeck::app::pipeline::Stage;
use secdeck::app::{Action, State};
use secdeck::config::AccessFlag;
use secdeck::domain::findings_api::FindingsApi;
use secdeck::journal::{Journal, Phase};

const JIRA: &str = "c-jira-secops";

/// A console on the demo world reading the new Security Hub (OCSF).
async fn ocsf_console(access: AccessFlag) -> ConsoleEnv {
    let mut console = TestEnv::demo()
        .await
        .console_with(access, |p| p.findings_api = FindingsApi::Ocsf)
        .await;
    wait_until(&mut console, "the OCSF findings", findings_loaded).await;
    // Fixed plan ids: the preview's title shows them.
    console.state.pipeline.ids = common::render::fixed_plan_ids();
    console
}

fn picking(s: &State) -> bool {
    matches!(s.pipeline.stage, Stage::Ticket(TicketStage::Pick { .. }))
}

fn opened(s: &State) -> bool {
    matches!(s.pipeline.stage, Stage::Ticket(TicketStage::Opened { .. }))
}

/// The `metadata.uid` of the row at `index`.
fn uid_of_row(s: &State, index: usize) -> String {
    let doc = s.findings.rows()[index].raw.value();
    doc["metadata"]["uid"]
        .as_str()
        .expect("metadata.uid")
        .to_string()
}

/// The box titled `title` as drawn at 80x24 (the console is put back to 120x40).
fn box_at_80x24(console: &mut ConsoleEnv, title: &str) -> String {
    console.dispatch(Action::Resize {
        width: 80,
        height: 24,
    });
    let drawn = screen_at(&console.state, 80, 24);
    console.dispatch(Action::Resize {
        width: 120,
        height: 40,
    });
    box_titled(&drawn, title)
}

/// Snapshot `name`: the box titled `title` at 80x24.
fn snapshot_box(console: &mut ConsoleEnv, name: &str, title: &str) {
    insta::assert_snapshot!(name, box_at_80x24(console, title));
}

#[test]
fn a_dryrun_preview_then_a_real_ticket_journaled_shown_and_offered_as_a_comment() {
    big_stack(|| async {
        let mut console = ocsf_console(AccessFlag::Unset).await;
        let uid = uid_of_row(&console.state, 0);
        press_until(&mut console, "T", "the connector picker", picking).await;
        snapshot_box(&mut console, "connector_picker_80x24", "Open a ticket");

        press_until(&mut console, "<enter>", "the DRYRUN preview", previewing).await;
        let sent = calls(console.sandbox(), "CreateTicketV2");
        assert_eq!(sent.len(), 1, "{sent:?}");
        assert_eq!(sent[0]["Mode"], "DRYRUN");
        assert_eq!(sent[0]["FindingMetadataUid"], uid.as_str());
        assert_eq!(sent[0]["ConnectorId"], JIRA);
        assert!(
            console.sandbox().tickets().is_empty(),
            "DRYRUN opened nothing"
        );
        assert_contains_all(
            &preview_text(&console.state),
            &[
                "AWS's DRYRUN answer",
                "would open ticket DRYRUN",
                "no undo",
                &uid,
            ],
        );
        snapshot_box(&mut console, "ticket_preview_80x24", "Preview");

        press_until(&mut console, "y", "the ticket", opened).await;
        let sent = calls(console.sandbox(), "CreateTicketV2");
        assert_eq!(sent.len(), 2, "the DRYRUN, then the ticket: {sent:?}");
        assert_eq!(sent[1].get("Mode"), None, "{sent:?}");
        assert!(sent[1]["ClientToken"].is_string(), "{sent:?}");
        let tickets = console.sandbox().tickets();
        assert_eq!(
            tickets,
            [(JIRA.to_string(), uid.clone(), "SEC-101".to_string())]
        );
        let url = "https://jira.example.com/browse/SEC-101";
        assert_shows(&console.state, &["Tickets opened", "SEC-101", url]);
        // The fresh-state check read the connector and the finding again before writing.
        assert_eq!(count(console.sandbox(), "ListConnectorsV2"), 2);
        let reads = calls(console.sandbox(), "GetFindingsV2");
        let check = &reads.last().unwrap()["Filters"]["CompositeFilters"][0]["StringFilters"][0];
        assert_eq!(check["FieldName"], "metadata.uid");
        assert_eq!(check["Filter"]["Value"], uid.as_str());

        let entries = Journal::read_all(console.journal()).expect("journal");
        let outcome = entries
            .iter()
            .find(|e| e.phase == Phase::Outcome)
            .expect("outcome");
        assert_eq!(outcome.operation, "securityhub:CreateTicketV2");
        let journaled = &outcome.result.as_ref().unwrap().tickets;
        assert_eq!(journaled[0].ticket_id, "SEC-101");
        assert_eq!(journaled[0].url.as_deref(), Some(url));
        assert_eq!(journaled[0].finding, uid);
        assert_eq!(
            sent[1]["ClientToken"],
            format!("{}-0", outcome.plan_id).as_str()
        );
        snapshot_box(&mut console, "tickets_opened_80x24", "Tickets opened");

        press(&mut console, "c");
        assert_eq!(console.copied.last().unwrap(), &format!("SEC-101 {url}"));
        press(&mut console, "U");
        assert_notified(&console.state, &format!("open {url}"));
        press(&mut console, "y");
        let Stage::Triage(TriageStage::Note { text, targets, .. }) = &console.state.pipeline.stage
        else {
            panic!("no note editor:\n{}", screen(&console.state))
        };
        assert_eq!(text.value(), format!("Ticket SEC-101: {url}"));
        assert_eq!(targets.len(), 1);
        assert_shows(&console.state, &["Ticket SEC-101"]);
        // Accepted, the comment goes through its own preview to BatchUpdateFindingsV2.
        press_until(&mut console, "<enter>", "the comment preview", previewing).await;
        assert_contains_all(&preview_text(&console.state), &["Ticket SEC-101"]);
        press_until(&mut console, "y", "the comment", idle).await;
        let comments = calls(console.sandbox(), "BatchUpdateFindingsV2");
        assert_eq!(comments.len(), 1, "{comments:?}");
        assert_eq!(
            comments[0]["Comment"],
            format!("Ticket SEC-101: {url}").as_str()
        );
        // Every V2 request the console sent is one AWS's model accepts.
        ServiceModel::load("securityhub")
            .check_recorded("securityhub", &console.sandbox().requests());
    });
}

#[test]
fn a_failing_connector_is_shown_and_refused_before_anything_is_sent() {
    big_stack(|| async {
        let mut console = ocsf_console(AccessFlag::Unset).await;
        press_until(&mut console, "T", "the connector picker", picking).await;
        assert_shows(
            &console.state,
            &[
                "legacy-jira",
                "FAILED_TO_CONNECT, cannot be chosen",
                "Jira Cloud answered 401 Unauthorized: the API token was revoked",
            ],
        );
        press(&mut console, "G<enter>");
        assert_notified(&console.state, "legacy-jira cannot take tickets");
        assert_notified(&console.state, "AWS says: Jira Cloud answered 401");
        // Why: GetConnectorV2 for the failing connector only.
        let asked = calls(console.sandbox(), "GetConnectorV2");
        assert_eq!(asked.len(), 1, "{asked:?}");
        assert_eq!(asked[0]["ConnectorId"], "c-jira-legacy");
        assert!(picking(&console.state), "still choosing");
        drain(&mut console).await;
        assert_eq!(count(console.sandbox(), "CreateTicketV2"), 0);

        // A connector that fails between the preview and the approval: nothing is opened.
        press_until(&mut console, "g<enter>", "the DRYRUN preview", previewing).await;
        assert!(
            console
                .sandbox()
                .set_connector_status(JIRA, "FAILED_TO_CONNECT")
        );
        press_until(&mut console, "y", "the fresh-state check", idle).await;
        assert_notified(&console.state, "nothing written");
        assert_eq!(
            count(console.sandbox(), "CreateTicketV2"),
            1,
            "the DRYRUN only"
        );
        assert!(console.sandbox().tickets().is_empty());
        let journal = Journal::read_all(console.journal()).unwrap_or_default();
        assert!(journal.is_empty(), "no intent either: {journal:?}");
    });
}

#[test]
fn marked_findings_get_one_ticket_each() {
    big_stack(|| async {
        let mut console = ocsf_console(AccessFlag::Unset).await;
        let uids = [uid_of_row(&console.state, 0), uid_of_row(&console.state, 1)];
        press(&mut console, "<space><space>");
        press_until(&mut console, "T", "the connector picker", picking).await;
        assert_shows(&console.state, &["for 2 marked findings: one ticket each"]);
        press_until(&mut console, "j<enter>", "the DRYRUN preview", previewing).await;
        let dry: Vec<_> = calls(console.sandbox(), "CreateTicketV2");
        assert_eq!(dry.len(), 2);
        assert!(
            dry.iter()
                .all(|c| c["Mode"] == "DRYRUN" && c["ConnectorId"] == "c-snow-itsm")
        );
        press_until(&mut console, "y", "the tickets", opened).await;
        let tickets = console.sandbox().tickets();
        let ticketed: Vec<&str> = tickets.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(ticketed, [uids[0].as_str(), uids[1].as_str()]);
        assert!(
            tickets.iter().all(|t| t.2.starts_with("INC")),
            "{tickets:?}"
        );
        assert_shows(&console.state, &[&tickets[0].2, &tickets[1].2]);
        assert!(
            console.state.findings.marks.is_empty(),
            "ticketed marks clear"
        );
    });
}

#[test]
fn asff_rows_and_read_only_sessions_cannot_open_tickets() {
    big_stack(|| async {
        let mut console = findings_console(AccessFlag::Unset).await;
        press(&mut console, "T");
        assert_notified(&console.state, "tickets need the new Security Hub");
        assert!(idle(&console.state));

        let mut read_only = ocsf_console(AccessFlag::ReadOnly).await;
        read_only.dispatch(Action::CreateTicket);
        assert_notified(
            &read_only.state,
            "read-only session: create_ticket is not available",
        );
        drain(&mut read_only).await;
        assert_eq!(count(read_only.sandbox(), "ListConnectorsV2"), 0);
        assert_eq!(count(read_only.sandbox(), "CreateTicketV2"), 0);
    });
}

#[test]
fn hostile_connector_names_and_ticket_links_are_shown_as_markers_never_run() {
    big_stack(|| async {
        let mut console = ocsf_console(AccessFlag::Unset).await;
        let sandbox = console.sandbox().clone();
        let planted = hostile::hostile("jira");
        assert!(sandbox.edit_connector(JIRA, |c| {
            c["Name"] = planted.as_str().into();
            c["ProviderSummary"]["ProviderConfiguration"]["JiraCloud"]["Domain"] =
                planted.as_str().into();
        }));
        press_until(&mut console, "T", "the connector picker", picking).await;
        hostile::assert_shown_safely(&console.state, "connector picker", "Open a ticket");
        press_until(&mut console, "<enter>", "the DRYRUN preview", previewing).await;
        hostile::assert_shown_safely(&console.state, "ticket preview", "would open ticket");
        press_until(&mut console, "y", "the ticket", opened).await;
        hostile::assert_shown_safely(&console.state, "tickets opened", "Tickets opened");
        // The clipboard gets the link without its control characters; the opener nothing.
        press(&mut console, "c");
        let copied = console.copied.last().expect("copied").clone();
        assert!(copied.starts_with("SEC-101 https://"), "{copied:?}");
        assert!(
            !copied.chars().any(secdeck::domain::sanitize::is_hostile),
            "{copied:?}"
        );
        press(&mut console, "U");
        assert_notified(
            &console.state,
            "not opened (only https: and http: links are)",
        );
    });
}
