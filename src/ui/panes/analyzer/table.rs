//! The findings table: status, type, resource and principal of each finding, with the
//! `:where` filter and `:group` in its title.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Block, Paragraph, Row, Table};

use crate::app::panes::analyzer::AnalyzerPane;
use crate::domain::analyzer::AccessFinding;
use crate::theme::{Slot, Theme};
use crate::ui::columns::{self, Column as Fit};
use crate::ui::style::{selectable_row, style};
use crate::ui::text;

fn status_slot(status: &str) -> Slot {
    match status {
        "ACTIVE" => Slot::Warning,
        "RESOLVED" => Slot::Success,
        _ => Slot::Muted,
    }
}

/// One column of the findings table after the mark and the status.
pub(super) struct Column {
    pub head: &'static str,
    pub width: Constraint,
    pub cell: fn(&AccessFinding) -> String,
}

impl Column {
    /// A column of `head`, `width` wide, showing `cell`.
    pub const fn new(
        head: &'static str,
        width: Constraint,
        cell: fn(&AccessFinding) -> String,
    ) -> Self {
        Column { head, width, cell }
    }
}

// The columns external and internal access tables share (widths differ).
pub(super) const fn resource_type_col(width: u16) -> Column {
    Column::new("resource type", Constraint::Length(width), |f| {
        short_type(&f.resource_type).to_string()
    })
}

pub(super) const fn resource_col(fill: u16) -> Column {
    Column::new("resource", Constraint::Fill(fill), |f| {
        short_resource(&f.resource).to_string()
    })
}

pub(super) const fn principal_col(fill: u16) -> Column {
    Column::new("principal", Constraint::Fill(fill), short_principal)
}

pub(super) const ACTIONS: Column =
    Column::new("actions", Constraint::Fill(2), |f| f.actions.join(","));

pub(super) const UPDATED: Column =
    Column::new("updated", Constraint::Length(10), |f| day(&f.updated_at));

/// The columns of an external access analyzer's findings.
pub(super) const EXTERNAL: &[Column] = &[
    Column::new("type", Constraint::Length(10), |f| {
        short_finding_type(&f.finding_type)
    }),
    resource_type_col(14),
    resource_col(4),
    Column::new("account", Constraint::Length(12), |f| f.account.clone()),
    principal_col(3),
    ACTIONS,
    Column::new("public", Constraint::Length(6), |f| {
        if f.is_public == Some(true) {
            "public".into()
        } else {
            String::new()
        }
    }),
    UPDATED,
];

/// The date part of a timestamp.
pub(super) fn day(t: &str) -> String {
    t.get(..10).unwrap_or(t).to_string()
}

pub(super) fn short_type(t: &str) -> &str {
    t.strip_prefix("AWS::").unwrap_or(t)
}

/// The resource's name (a role's name, a bucket), which is what differs.
pub(super) fn short_resource(arn: &str) -> &str {
    crate::domain::resource_name::short_name(arn)
}

pub(super) fn short_finding_type(t: &str) -> String {
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
pub(super) fn short_principal(f: &AccessFinding) -> String {
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

/// The table's columns (mark, status, then the analyzer kind's) with how narrow each may
/// get and which leave first on a narrow screen: the resource and status never.
fn fitted(kind: &[Column]) -> Vec<Fit> {
    let priority = |head: &str| match head {
        "resource" => 0,
        "principal" | "unused actions / access key" => 1,
        "actions" | "services" | "last accessed" => 2,
        "resource type" => 3,
        "type" => 4,
        "account" => 5,
        "public" => 6,
        _ => 7,
    };
    let mut out = vec![
        Fit::new("", Constraint::Length(1), 1, 0),
        Fit::new("status", Constraint::Length(8), 8, 0),
    ];
    out.extend(kind.iter().map(|c| {
        let min = match (c.head, c.width) {
            ("resource", _) => 24,
            (_, Constraint::Length(n)) => n,
            _ => 10,
        };
        Fit::new(c.head, c.width, min, priority(c.head))
    }));
    out
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
    let start = pane.cursor.saturating_sub(inner_rows.saturating_sub(1));
    let visible = pane.visible();
    let columns = super::unused::columns_for(pane.current().map(|a| a.kind.as_str()));
    let fitted = fitted(columns);
    let shown = columns::fit(&fitted, area.width.saturating_sub(2), 1, 0);
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
            let mut cells = vec![
                text::raw(mark.to_string()),
                text::span(f.status.clone(), style(theme, status_slot(&f.status))),
            ];
            cells.extend(columns.iter().map(|c| text::raw((c.cell)(f))));
            selectable_row(
                Row::new(columns::pick(&cells, &shown)),
                i == pane.cursor,
                theme,
            )
        })
        .collect();
    let widths = columns::constraints(&fitted, &shown, area.width.saturating_sub(2), 1, 0);
    let head = Row::new(columns::headers(&fitted, &shown)).style(style(theme, Slot::Header));
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
