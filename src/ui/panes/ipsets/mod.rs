//! The WAF IP sets pane: the sets of the current scope (count vs the 10,000 limit and the
//! web ACL rules using each), or one set's addresses with the filter / search result.

pub(crate) mod sync;

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Row, Table, TableState};

use crate::app::panes::ipsets::{IpSetRow, IpSetsPane, Load};
use crate::app::{Action, Context, State};
use crate::domain::cidr::MAX_ADDRESSES;
use crate::theme::{Slot, Theme};
use crate::ui::columns::{self, Column};
use crate::ui::style::{hint_text, style};
use crate::ui::text;

pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    let pane = &state.ipsets;
    match pane.open_row() {
        Some(row) => addresses(frame, area, state, row),
        None => table(frame, area, pane, &state.theme),
    }
    if let Some(dialog) = &pane.sync {
        crate::ui::panes::ipsets::sync::draw(frame, area, state, dialog);
    }
}

fn used_by(row: &IpSetRow) -> String {
    if row.references.is_empty() {
        return "(not referenced)".into();
    }
    row.references
        .iter()
        .map(|r| format!("{}/{} #{} {}", r.web_acl, r.rule, r.priority, r.action))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The sets table's columns: name, count and who uses a set stay on narrow screens.
const COLUMNS: [Column; 5] = [
    Column::new("Name", Constraint::Fill(1), 20, 0),
    Column::new("IP", Constraint::Length(4), 4, 3),
    Column::new("Addresses", Constraint::Length(13), 13, 0),
    Column::new("Description", Constraint::Fill(2), 16, 2),
    Column::new(
        "Used by (web ACL/rule #priority action)",
        Constraint::Fill(4),
        24,
        1,
    ),
];

fn table(frame: &mut Frame, area: Rect, pane: &IpSetsPane, theme: &Theme) {
    let block = Block::bordered()
        .title(text::raw_line(format!(" WAF IP sets · {} ", pane.scope)))
        .border_style(style(theme, Slot::Border));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let message = match &pane.load {
        Load::NotLoaded | Load::Loading if pane.rows.is_empty() => {
            Some("loading IP sets…".to_string())
        }
        Load::Failed(e) if pane.rows.is_empty() => Some(format!("could not load IP sets: {e}")),
        Load::Loaded if pane.rows.is_empty() => {
            Some(format!("no {} IP sets (t switches scope)", pane.scope))
        }
        _ => None,
    };
    if let Some(m) = message {
        frame.render_widget(
            Paragraph::new(text::raw_line(m)).style(style(theme, Slot::Muted)),
            inner,
        );
        return;
    }
    let shown = columns::fit(&COLUMNS, inner.width, 1, 2);
    let header = Row::new(columns::headers(&COLUMNS, &shown)).style(style(theme, Slot::Header));
    let rows = pane.rows.iter().map(|r| {
        let count = r.set.addresses.len();
        let count_slot = if count * 10 >= MAX_ADDRESSES * 9 {
            Slot::Warning
        } else {
            Slot::Text
        };
        let cells = [
            text::cell(r.set.set.name.clone()),
            text::cell(r.set.version.as_str()),
            text::cell(format!("{count} / {MAX_ADDRESSES}")).style(style(theme, count_slot)),
            text::cell(r.set.description.clone()),
            text::cell(used_by(r)),
        ];
        Row::new(columns::pick(&cells, &shown))
    });
    let widths = columns::constraints(&COLUMNS, &shown, inner.width, 1, 2);
    let table = Table::new(rows, widths)
        .header(header)
        .row_highlight_style(style(theme, Slot::Selection))
        .highlight_symbol("▶ ");
    let mut ts = TableState::default().with_selected(Some(pane.cursor));
    frame.render_stateful_widget(table, inner, &mut ts);
}

fn addresses(frame: &mut Frame, area: Rect, state: &State, row: &IpSetRow) {
    let (pane, theme) = (&state.ipsets, &state.theme);
    let view = pane.addresses();
    let set = &row.set;
    let block = Block::bordered()
        .title(text::raw_line(format!(
            " {} · {} {} · {} / {MAX_ADDRESSES} addresses ",
            set.set.name,
            set.set.scope,
            set.version,
            set.addresses.len()
        )))
        .border_style(style(theme, Slot::Border));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let refs = row.references.len().max(1) as u16;
    let (refs_area, note_area, list_area) =
        crate::app::layout::panes::addresses(crate::ui::area(inner), refs);
    let [refs_area, note_area, list_area] = [refs_area, note_area, list_area].map(crate::ui::rect);
    let ref_lines: Vec<Line> = if row.references.is_empty() {
        vec![text::line(
            "not referenced by any web ACL rule",
            style(theme, Slot::Muted),
        )]
    } else {
        row.references
            .iter()
            .map(|r| {
                Line::from(vec![
                    text::span("used by ", style(theme, Slot::Muted)),
                    text::raw(r.describe()),
                ])
            })
            .collect()
    };
    frame.render_widget(Paragraph::new(ref_lines), refs_area);
    let note = match (&view.note, pane.filter.is_empty()) {
        (Some(n), _) => text::line(n.clone(), style(theme, Slot::Info)),
        (None, true) => text::line(
            {
                let keys = state.keymap.hints(
                    Context::IpSets,
                    &[
                        (Action::Filter, "filter or search an address"),
                        (Action::AddAddresses, "add"),
                        (Action::AddAddressesFromFile, "add from file"),
                        (Action::RemoveAddresses, "remove"),
                        (Action::Back, "back"),
                    ],
                );
                format!("{} entries · {}", view.rows.len(), hint_text(&keys, " · "))
            },
            style(theme, Slot::Muted),
        ),
        (None, false) => text::line(
            format!(
                "{} of {} entries match \"{}\"",
                view.rows.len(),
                set.addresses.len(),
                pane.filter.value()
            ),
            style(theme, Slot::Muted),
        ),
    };
    frame.render_widget(note, note_area);
    let height = list_area.height as usize;
    let cursor = pane.addr_cursor.min(view.rows.len().saturating_sub(1));
    let start = crate::app::layout::window(0, cursor, height);
    let lines: Vec<Line> = view
        .rows
        .iter()
        .enumerate()
        .skip(start)
        .take(height)
        .map(|(i, a)| {
            let slot = if i == cursor {
                Slot::Selection
            } else {
                Slot::Text
            };
            let marker = if i == cursor { "▶ " } else { "  " };
            text::line(format!("{marker}{a}"), style(theme, slot))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list_area);
}
