//! The analyzers list and the archive rules view.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Block, Paragraph, Row, Table};

use crate::app::panes::analyzer::AnalyzerPane;
use crate::app::{Action, Context, State};
use crate::theme::{Slot, Theme};
use crate::ui::style::{hint_text, selectable_row, style};
use crate::ui::text;

pub(super) fn draw_analyzers(frame: &mut Frame, area: Rect, state: &State) {
    let (pane, theme) = (&state.analyzer, &state.theme);
    let picks = state
        .keymap
        .hints(Context::Analyzer, &[(Action::Open, "picks")]);
    let title = match picks.is_empty() {
        true => " Analyzers ".to_string(),
        false => format!(" Analyzers ({}) ", hint_text(&picks, "")),
    };
    let block = Block::bordered()
        .title(text::raw_line(title))
        .border_style(style(theme, Slot::BorderFocused));
    let rows: Vec<Row> = pane
        .analyzers
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let chosen = if pane.selected.as_ref() == Some(&a.name) {
                "●"
            } else {
                " "
            };
            let row = Row::new(vec![
                text::cell(chosen),
                text::cell(a.name.as_str()),
                text::cell(a.kind.as_str()),
                text::cell(a.status.as_str()),
                text::cell(a.zone_of_trust()),
                text::cell(a.created_at.get(..10).unwrap_or_default()),
            ]);
            selectable_row(row, i == pane.analyzer_cursor, theme)
        })
        .collect();
    let widths = [
        Constraint::Length(1),
        Constraint::Fill(2),
        Constraint::Length(24),
        Constraint::Length(8),
        Constraint::Fill(2),
        Constraint::Length(10),
    ];
    let head = Row::new(["", "name", "type", "status", "zone of trust", "created"])
        .style(style(theme, Slot::Header));
    frame.render_widget(
        Table::new(rows, widths)
            .header(head)
            .block(block)
            .column_spacing(1),
        area,
    );
}

pub(super) fn draw_rules(frame: &mut Frame, area: Rect, pane: &AnalyzerPane, theme: &Theme) {
    let block = Block::bordered()
        .title(" Archive rules (:delete-rule NAME) ")
        .border_style(style(theme, Slot::BorderFocused));
    let mut lines = Vec::new();
    for (name, criteria) in &pane.rules {
        lines.push(text::line(name.clone(), style(theme, Slot::Header)));
        for (k, v) in criteria {
            lines.push(text::line(
                format!("  {k} = {}", v.join(" | ")),
                style(theme, Slot::Text),
            ));
        }
    }
    if lines.is_empty() {
        lines.push(text::line("no archive rules", style(theme, Slot::Muted)));
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
