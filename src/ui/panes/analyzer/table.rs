//! The findings table: status, type, resource and principal of each finding, with the
//! `:where` filter and `:group` in its title.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Block, Paragraph, Row, Table};

use crate::app::panes::analyzer::AnalyzerPane;
use crate::domain::analyzer::AccessFinding;
use crate::domain::resource_name::short_name;
use crate::theme::{Slot, Theme};
use crate::ui::columns::{self, Column};
use crate::ui::style::{selectable_row, style};
use crate::ui::text;

fn status_slot(status: &str) -> Slot {
    match status {
        "ACTIVE" => Slot::Warning,
        "RESOLVED" => Slot::Success,
        _ => Slot::Muted,
    }
}

fn short_type(t: &str) -> &str {
    t.strip_prefix("AWS::").unwrap_or(t)
}

/// The columns, the ones of least use leaving first on a narrow screen.
const COLUMNS: [Column; 10] = [
    Column::new("", Constraint::Length(1), 1, 0),
    Column::new("status", Constraint::Length(8), 8, 0),
    Column::new("type", Constraint::Length(10), 8, 4),
    Column::new("resource type", Constraint::Length(14), 10, 3),
    Column::new("resource", Constraint::Fill(2), 24, 0),
    Column::new("account", Constraint::Length(12), 12, 5),
    Column::new("principal", Constraint::Fill(2), 12, 1),
    Column::new("actions", Constraint::Fill(2), 8, 2),
    Column::new("public", Constraint::Length(6), 6, 6),
    Column::new("updated", Constraint::Length(10), 10, 7),
];

fn short_finding_type(t: &str) -> String {
    match t {
        "ExternalAccess" => "external".into(),
        "InternalAccess" => "internal".into(),
        other => other
            .replace("Unused", "unused ")
            .replace("IAMUser", "user ")
            .trim()
            .to_string(),
    }
}

/// Principals in the table without the `arn:aws:iam::` noise.
fn short_principal(f: &AccessFinding) -> String {
    f.principal
        .iter()
        .map(|(k, v)| {
            let v = v
                .strip_prefix("arn:aws:iam::")
                .or_else(|| v.strip_prefix("arn:aws:sts::"))
                .unwrap_or(v);
            if k == "AWS" {
                v.to_string()
            } else {
                format!("{k}: {v}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn draw_findings(frame: &mut Frame, area: Rect, pane: &AnalyzerPane, theme: &Theme) {
    let mut title = " Findings ".to_string();
    if !pane.filter.is_empty() {
        let terms: Vec<String> = pane
            .filter
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        title = format!(" Findings where {} ", terms.join(" "));
    }
    if let Some(g) = &pane.group {
        title.push_str(&format!("grouped by {g} "));
    }
    let block = Block::bordered()
        .title(text::raw_line(title))
        .border_style(style(theme, Slot::BorderFocused));
    let inner_rows = area.height.saturating_sub(3) as usize;
    let start = crate::app::layout::window(0, pane.cursor, inner_rows);
    let visible = pane.visible();
    let shown = columns::fit(&COLUMNS, area.width.saturating_sub(2), 1, 0);
    let rows: Vec<Row> = visible
        .iter()
        .enumerate()
        .skip(start)
        .take(inner_rows)
        .map(|(i, f)| {
            let mark = if pane.marked.contains(&f.id) {
                "*"
            } else {
                " "
            };
            let cells = vec![
                text::raw(mark.to_string()),
                text::span(f.status.clone(), style(theme, status_slot(&f.status))),
                text::raw(short_finding_type(&f.finding_type)),
                text::raw(short_type(&f.resource_type).to_string()),
                text::raw(short_name(&f.resource).to_string()),
                text::raw(f.account.clone()),
                text::raw(short_principal(f)),
                text::raw(f.actions.join(",")),
                text::raw(
                    match f.is_public {
                        Some(true) => "public",
                        _ => "",
                    }
                    .to_string(),
                ),
                text::raw(f.updated_at.get(..10).unwrap_or_default().to_string()),
            ];
            let row = Row::new(columns::pick(&cells, &shown));
            selectable_row(row, i == pane.cursor, theme)
        })
        .collect();
    let widths = columns::constraints(&COLUMNS, &shown, area.width.saturating_sub(2), 1, 0);
    let head = Row::new(columns::headers(&COLUMNS, &shown)).style(style(theme, Slot::Header));
    let table = Table::new(rows, widths)
        .header(head)
        .block(block)
        .column_spacing(1);
    frame.render_widget(table, area);
    if visible.is_empty() {
        let msg = match &pane.error {
            Some(e) => e.clone(),
            None if pane.loading || pane.analyzers_loading => "loading…".into(),
            None => "no findings".into(),
        };
        let line = Rect {
            x: area.x + 2,
            y: area.y + 2,
            width: area.width.saturating_sub(4),
            height: 1,
        };
        if area.height > 3 {
            frame.render_widget(
                Paragraph::new(text::raw_line(msg)).style(style(theme, Slot::Muted)),
                line,
            );
        }
    }
}
