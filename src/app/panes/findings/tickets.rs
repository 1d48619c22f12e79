//! `T` on the findings pane (OCSF rows): a ticket for the selected finding, or one per
//! marked finding. The connector picker lists ListConnectorsV2's connectors (provider,
//! name, status); one that is not CONNECTED shows why and cannot be chosen, so nothing is
//! sent to it. Choosing one asks AWS for a DRYRUN per finding; its answers are the
//! preview the change pipeline shows (then approval, fresh-state check, execute, journal).
//! After the tickets are opened their ids and URLs are shown: copy (`c`), open (`U`,
//! web links only), and `y` opens the finding's note editor with "Ticket <id>: <url>".

use crate::app::State;
use crate::app::action::{Action, NotifyLevel};
use crate::app::effect::{Effect, ReadRequest};
use crate::app::keymap::Context;
use crate::app::keys::Key;
use crate::app::panes::findings::FindingsRead;
use crate::app::panes::findings::bulk::{Target, TriageStage};
use crate::app::panes::findings::copy::{copy_text, open_link};
use crate::app::pipeline::Stage;
use crate::app::widgets::TextInput;
use crate::domain::finding::Finding;
use crate::domain::plan::{Change, ChangeOutcome, ChangePlan};
use crate::domain::ticket::{Connector, OpenedTicket, TicketCreate, TicketTarget};

/// The ticket modals (the pipeline's `Stage::Ticket`).
#[derive(Debug, Clone, PartialEq)]
pub enum TicketStage {
    /// Waiting for ListConnectorsV2.
    Loading { targets: Vec<TicketTarget> },
    /// Choosing the connector.
    Pick {
        targets: Vec<TicketTarget>,
        connectors: Vec<Connector>,
        cursor: usize,
    },
    /// Waiting for AWS's DRYRUN answers.
    DryRun { connector: Connector, count: usize },
    /// Tickets opened: copy, open, or add one as a comment on its finding.
    Opened {
        tickets: Vec<OpenedTicket>,
        cursor: usize,
    },
}

/// An OCSF row's `metadata.uid` (CreateTicketV2's FindingMetadataUid).
fn metadata_uid(f: &Finding) -> Option<String> {
    f.raw.value()["metadata"]["uid"]
        .as_str()
        .map(str::to_string)
}

/// The row in view whose `metadata.uid` is `uid`.
pub(crate) fn row_of<'a>(state: &'a State, uid: &str) -> Option<&'a Finding> {
    let found = |f: &&Finding| metadata_uid(f).as_deref() == Some(uid);
    state.findings.held_rows().find(found)
}

/// `T`: the findings a ticket is opened for, then the connectors.
pub(crate) fn start(state: &mut State) -> Vec<Effect> {
    if !state.findings.on_ocsf() {
        state.notify(
            NotifyLevel::Warning,
            "tickets need the new Security Hub (CreateTicketV2 takes OCSF findings): `:source ocsf`",
        );
        return Vec::new();
    }
    if !matches!(state.pipeline.stage, Stage::Idle) {
        state.notify(NotifyLevel::Warning, "finish the current change first");
        return Vec::new();
    }
    let targets: Vec<TicketTarget> = state
        .findings
        .targets()
        .iter()
        .filter_map(|t| {
            let row = state.findings.held(&t.finding.id)?;
            Some(TicketTarget {
                metadata_uid: metadata_uid(row)?,
                title: t.title.clone(),
            })
        })
        .collect();
    if targets.is_empty() {
        state.notify(
            NotifyLevel::Info,
            "no OCSF finding selected (a ticket needs metadata.uid)",
        );
        return Vec::new();
    }
    state.pipeline.stage = Stage::Ticket(TicketStage::Loading { targets });
    vec![Effect::Read(ReadRequest::Findings(
        FindingsRead::Connectors,
    ))]
}

/// ListConnectorsV2 answered: the picker opens on the first connected connector.
pub(crate) fn connectors_loaded(state: &mut State, result: Result<Vec<Connector>, String>) {
    let Stage::Ticket(TicketStage::Loading { targets }) = &mut state.pipeline.stage else {
        return;
    };
    let targets = std::mem::take(targets);
    match result {
        Ok(connectors) if connectors.is_empty() => {
            state.pipeline.stage = Stage::Idle;
            state.notify(
                NotifyLevel::Warning,
                "no ticketing connector: create one (Jira Cloud, ServiceNow) in Security Hub first",
            );
        }
        Ok(connectors) => {
            let cursor = connectors
                .iter()
                .position(Connector::is_connected)
                .unwrap_or(0);
            state.pipeline.stage = Stage::Ticket(TicketStage::Pick {
                targets,
                connectors,
                cursor,
            });
        }
        Err(e) => {
            state.pipeline.stage = Stage::Idle;
            state.notify(NotifyLevel::Error, format!("no connectors: {e}"));
        }
    }
}

/// The DRYRUN answers: the preview, or why there is nothing to approve.
pub(crate) fn dry_run_answered(state: &mut State, mut change: TicketCreate) {
    if !matches!(
        state.pipeline.stage,
        Stage::Ticket(TicketStage::DryRun { .. })
    ) {
        return;
    }
    if change.targets.is_empty() {
        state.pipeline.stage = Stage::Idle;
        let why = change
            .dry_runs
            .iter()
            .find_map(|d| d.answer.as_ref().err().cloned())
            .unwrap_or_default();
        state.notify(
            NotifyLevel::Error,
            format!("AWS's DRYRUN refused every ticket: {why}"),
        );
        return;
    }
    let id = state.pipeline.next_plan_id();
    change.token_seed = id.clone();
    state
        .pipeline
        .preview(ChangePlan::new(id, Change::TicketCreate(Box::new(change))));
}

/// Actions while a ticket modal has the keyboard.
pub(crate) fn handle(state: &mut State, action: Action) -> Vec<Effect> {
    let Stage::Ticket(stage) = &mut state.pipeline.stage else {
        return Vec::new();
    };
    let last = match stage {
        TicketStage::Pick { connectors, .. } => connectors.len().saturating_sub(1),
        TicketStage::Opened { tickets, .. } => tickets.len().saturating_sub(1),
        TicketStage::Loading { .. } | TicketStage::DryRun { .. } => 0,
    };
    if let TicketStage::Pick { cursor, .. } | TicketStage::Opened { cursor, .. } = stage {
        match action {
            Action::MoveDown => *cursor = (*cursor + 1).min(last),
            Action::MoveUp => *cursor = cursor.saturating_sub(1),
            Action::Top => *cursor = 0,
            Action::Bottom => *cursor = last,
            _ => {}
        }
    }
    match action {
        Action::MoveDown | Action::MoveUp | Action::Top | Action::Bottom => Vec::new(),
        Action::Open if matches!(stage, TicketStage::Pick { .. }) => choose(state),
        Action::Approve | Action::Open if matches!(stage, TicketStage::Opened { .. }) => {
            offer_comment(state);
            Vec::new()
        }
        Action::Back | Action::Reject => {
            state.pipeline.stage = Stage::Idle;
            Vec::new()
        }
        _ => {
            state.dirty = false;
            Vec::new()
        }
    }
}

/// Enter on the picker: a failing connector is refused here, before anything is sent.
fn choose(state: &mut State) -> Vec<Effect> {
    let Stage::Ticket(TicketStage::Pick {
        targets,
        connectors,
        cursor,
    }) = &mut state.pipeline.stage
    else {
        return Vec::new();
    };
    let Some(connector) = connectors.get(*cursor).cloned() else {
        return Vec::new();
    };
    if let Some(why) = connector.failing_reason() {
        state.notify(
            NotifyLevel::Warning,
            format!(
                "{} cannot take tickets ({why}): nothing sent",
                connector.name
            ),
        );
        return Vec::new();
    }
    let targets = std::mem::take(targets);
    state.pipeline.stage = Stage::Ticket(TicketStage::DryRun {
        connector: connector.clone(),
        count: targets.len(),
    });
    vec![Effect::Read(ReadRequest::Findings(
        FindingsRead::TicketDryRun { connector, targets },
    ))]
}

/// `c` / `U` on the opened tickets: the findings pane's own copy / open keys.
pub(crate) fn opened_key(state: &mut State, key: Key) -> Option<Vec<Effect>> {
    let Stage::Ticket(TicketStage::Opened { tickets, cursor }) = &state.pipeline.stage else {
        return None;
    };
    let ticket = tickets.get(*cursor)?.clone();
    match state.keymap.action_in(Context::Findings, &key) {
        Some(Action::Copy) => {
            let text = match &ticket.url {
                Some(url) => format!("{} {url}", ticket.ticket_id),
                None => ticket.ticket_id.clone(),
            };
            Some(copy_text(state, "ticket", &text))
        }
        Some(Action::OpenUrl) => match ticket.url {
            Some(url) => Some(open_link(state, url)),
            None => {
                state.notify(NotifyLevel::Info, "AWS gave no URL for this ticket");
                Some(Vec::new())
            }
        },
        _ => None,
    }
}

/// `y` on an opened ticket: its finding's note editor, prefilled with the ticket.
fn offer_comment(state: &mut State) {
    let Stage::Ticket(TicketStage::Opened { tickets, cursor }) = &state.pipeline.stage else {
        return;
    };
    let Some(ticket) = tickets.get(*cursor).cloned() else {
        return;
    };
    let Some(target) = row_of(state, &ticket.finding).map(Target::of) else {
        state.notify(
            NotifyLevel::Info,
            format!(
                "finding {} is no longer in view: comment not offered",
                ticket.finding
            ),
        );
        return;
    };
    state.pipeline.stage = Stage::Triage(TriageStage::Note {
        targets: vec![target],
        workflow: None,
        text: TextInput::new(ticket.comment()),
        error: None,
    });
}

/// After a ticket change ran: marks of ticketed findings clear and the tickets show.
pub(crate) fn after_change(state: &mut State, plan: Option<&ChangePlan>, outcome: &ChangeOutcome) {
    let Some(Change::TicketCreate(_)) = plan.map(|p| &p.change) else {
        return;
    };
    if outcome.tickets.is_empty() {
        return;
    }
    let ids: Vec<String> = state
        .findings
        .held_rows()
        .filter(|f| {
            let uid = metadata_uid(f);
            outcome
                .tickets
                .iter()
                .any(|t| Some(&t.finding) == uid.as_ref())
        })
        .map(|f| f.id.clone())
        .collect();
    for id in ids {
        state.findings.marks.remove(&id);
    }
    state.findings.forget_unmarked();
    if matches!(state.pipeline.stage, Stage::Idle) {
        state.pipeline.stage = Stage::Ticket(TicketStage::Opened {
            tickets: outcome.tickets.clone(),
            cursor: 0,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::tests::{keys, loaded};
    use crate::app::{FindingsMsg, PaneMsg, update};

    fn connector(id: &str, status: &str) -> Connector {
        Connector {
            id: id.into(),
            name: id.into(),
            arn: None,
            description: None,
            provider: "JIRA_CLOUD".into(),
            status: status.into(),
            enablement: None,
            health: Some("token revoked".into()),
        }
    }

    fn target() -> TicketTarget {
        TicketTarget {
            metadata_uid: "uid-1".into(),
            title: "t".into(),
        }
    }

    #[test]
    fn a_failing_connector_cannot_be_chosen_and_nothing_is_asked_of_aws() {
        let mut s = loaded(2, false);
        s.pipeline.stage = Stage::Ticket(TicketStage::Pick {
            targets: vec![target()],
            connectors: vec![connector("down", "FAILED_TO_CONNECT")],
            cursor: 0,
        });
        assert!(keys(&mut s, "<enter>").is_empty(), "no DRYRUN asked");
        assert!(matches!(
            s.pipeline.stage,
            Stage::Ticket(TicketStage::Pick { .. })
        ));
        assert!(
            s.notifications
                .iter()
                .any(|n| n.message.contains("AWS says: token revoked"))
        );
    }

    #[test]
    fn answers_that_arrive_after_esc_open_nothing() {
        let mut s = loaded(2, false);
        s.pipeline.stage = Stage::Ticket(TicketStage::Loading {
            targets: vec![target()],
        });
        keys(&mut s, "<esc>");
        assert_eq!(s.pipeline.stage, Stage::Idle);
        let msg = FindingsMsg::Connectors(Ok(vec![connector("up", "CONNECTED")]));
        update(&mut s, crate::app::Action::Pane(PaneMsg::Findings(msg)));
        let change = TicketCreate::from_dry_runs(connector("up", "CONNECTED"), vec![], vec![]);
        let msg = FindingsMsg::TicketDryRun(Box::new(change));
        update(&mut s, crate::app::Action::Pane(PaneMsg::Findings(msg)));
        assert_eq!(s.pipeline.stage, Stage::Idle, "no picker, no preview");
    }
}
