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
                ("loading connectors (ListConnectorsV2)…".to_string(), Slot::Muted),
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
            body.extend(connectors.iter().enumerate().map(|(i, c)| connector_line(c, i == *cursor)));
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
                .map(|(i, t)| ticket_line(t, i == *cursor))
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
        hints.extend(
            state
                .keymap
                .hints(Context::Findings, &[(Action::Copy, "copy"), (Action::OpenUrl, "open")]),
        );
    }
    lines.push(Line::from(hint_spans(theme, &hints)));
    let block = Block::bordered()
        .title(title)
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

/// `▶ Jira Cloud  secops-jira  CONNECTED`; a failing one: `✗ ... FAILED_TO_CONNECT: why`.
fn connector_line(c: &Connector, selected: bool) -> (String, Slot) {
    let pointer = if selected { "▶" } else { " " };
    let (mark, status, slot) = match c.failing_reason() {
        None => (" ", c.status.clone(), Slot::Text),
        Some(why) => ("✗", format!("{why} (cannot be chosen)"), Slot::Error),
    };
    let slot = if selected && slot == Slot::Text {
        Slot::Selection
    } else {
        slot
    };
    (
        format!(
            "{pointer}{mark} {:<11} {:<18} {status}",
            c.provider_label(),
            c.name
        ),
        slot,
    )
}

fn ticket_line(t: &OpenedTicket, selected: bool) -> (String, Slot) {
    let pointer = if selected { "▶" } else { " " };
    let slot = if selected { Slot::Selection } else { Slot::Text };
    (
        format!(
            "{pointer} {}  {}  finding {}",
            t.ticket_id,
            t.url.as_deref().unwrap_or("(no URL)"),
            t.finding
        ),
        slot,
    )
}
