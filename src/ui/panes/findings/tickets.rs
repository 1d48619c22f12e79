//! The ticket modals: the connector picker (provider, name, status; a failing connector
//! with its reason, marked as not choosable), the wait for AWS's DRYRUN answers, and the
//! tickets opened with their ids and URLs.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::app::panes::findings::tickets::TicketStage;
use crate::app::{Action, Context, State};
use crate::domain::ticket::{Connector, OpenedTicket, TicketTarget};
use crate::theme::Slot;
use crate::ui::style::{centered, hint_spans, style};
use crate::ui::text;

pub fn draw(frame: &mut Frame, area: Rect, state: &State, stage: &TicketStage) {
    let theme = &state.theme;
    let (title, body, keys) = match stage {
        TicketStage::Loading { targets } => (
            " Open a ticket ",
            vec![
                (for_line(targets), Slot::Muted),
                (
                    "loading connectors (ListConnectorsV2)…".to_string(),
                    Slot::Muted,
                ),
            ],
            vec![(Action::Back, "cancel")],
        ),
        TicketStage::Pick {
            targets,
            connectors,
            cursor,
        } => {
            let mut body = vec![
                (for_line(targets), Slot::Muted),
                ("connector:".to_string(), Slot::Header),
            ];
            for (i, c) in connectors.iter().enumerate() {
                body.extend(connector_lines(c, i == *cursor));
            }
            (
                " Open a ticket ",
                body,
                vec![(Action::Open, "DRYRUN preview"), (Action::Back, "cancel")],
            )
        }
        TicketStage::DryRun { connector, count } => (
            " Open a ticket ",
            vec![(
                format!(
                    "asking AWS for a DRYRUN of {count} ticket(s) in {}… (nothing is opened)",
                    connector.name
                ),
                Slot::Muted,
            )],
            vec![(Action::Back, "cancel")],
        ),
        TicketStage::Opened { tickets, cursor } => {
            let mut body: Vec<(String, Slot)> = tickets
                .iter()
                .enumerate()
                .map(|(i, t)| ticket_line(state, t, i == *cursor))
                .collect();
            body.push((
                "add it as a comment on its finding? (y opens the note editor)".to_string(),
                Slot::Text,
            ));
            (
                " Tickets opened ",
                body,
                vec![(Action::Approve, "add as comment"), (Action::Back, "close")],
            )
        }
    };
    let rect = centered(
        area,
        area.width.saturating_sub(4).min(100),
        (body.len() as u16 + 3).min(area.height),
    );
    let width = rect.width.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = body
        .into_iter()
        .map(|(t, slot)| text::line(text::fit(&t, width), style(theme, slot)))
        .collect();
    let mut hints = state.keymap.hints(Context::Preview, &keys);
    if matches!(stage, TicketStage::Opened { .. }) {
        hints.extend(state.keymap.hints(
            Context::Findings,
            &[(Action::Copy, "copy"), (Action::OpenUrl, "open")],
        ));
    }
    lines.push(Line::from(hint_spans(theme, &hints)));
    let block = Block::bordered()
        .title(text::raw_line(title))
        .border_style(style(theme, Slot::BorderFocused));
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

fn for_line(targets: &[TicketTarget]) -> String {
    match targets {
        [one] => format!("for finding \"{}\"", one.title),
        many => format!("for {} marked findings: one ticket each", many.len()),
    }
}

/// `▶ Jira Cloud  secops-jira  CONNECTED`; a failing one is marked `✗`, says it cannot
/// be chosen, and its reason follows on a line of its own (so it is never cut off).
fn connector_lines(c: &Connector, selected: bool) -> Vec<(String, Slot)> {
    let pointer = if selected { "▶" } else { " " };
    let connected = c.is_connected();
    let (mark, status) = if connected {
        (" ", c.status.clone())
    } else {
        let shown = if c.status.is_empty() {
            "UNKNOWN"
        } else {
            &c.status
        };
        ("✗", format!("{shown}, cannot be chosen"))
    };
    let slot = match (connected, selected) {
        (false, _) => Slot::Error,
        (true, true) => Slot::Selection,
        (true, false) => Slot::Text,
    };
    let mut lines = vec![(
        format!(
            "{pointer}{mark} {:<11} {:<18} {status}",
            c.provider_label(),
            c.name
        ),
        slot,
    )];
    if !connected {
        lines.push((format!("     {}", c.why()), Slot::Error));
    }
    lines
}

/// `▶ SEC-101  https://...  <the finding's title>` (its uid when it left the view).
fn ticket_line(state: &State, t: &OpenedTicket, selected: bool) -> (String, Slot) {
    let pointer = if selected { "▶" } else { " " };
    let slot = if selected {
        Slot::Selection
    } else {
        Slot::Text
    };
    let finding = crate::app::panes::findings::tickets::row_of(state, &t.finding)
        .map_or_else(|| t.finding.clone(), |f| f.title.clone());
    (
        format!(
            "{pointer} {}  {}  {finding}",
            t.ticket_id,
            t.url.as_deref().unwrap_or("(no URL)"),
        ),
        slot,
    )
}
