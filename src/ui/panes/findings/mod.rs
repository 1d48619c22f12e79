//! The findings table: summary line, load progress, and only the visible window of rows.

pub(crate) mod block;
pub(crate) mod bulk;
pub(crate) mod detail;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState};

use crate::app::panes::findings::{FindingsPane, LoadStatus, SORT_COLUMNS};
use crate::app::{Action, Context, State};
use crate::domain::finding::{Finding, Severity};
use crate::theme::Slot;
use crate::ui::style::{hint_text, severity_slot, style};

pub const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

struct Column {
    header: &'static str,
    width: Constraint,
    /// Minimum cells the column needs; columns are dropped, last priority first, until the
    /// rest fit.
    min: u16,
    priority: u8,
    cell: fn(&Finding) -> String,
}

fn severity_label(s: Option<Severity>) -> &'static str {
    match s {
        Some(Severity::Informational) => "INFO",
        Some(s) => s.as_str(),
        None => "-",
    }
}

fn updated(f: &Finding) -> String {
    f.updated_at
        .chars()
        .take(16)
        .collect::<String>()
        .replacen('T', " ", 1)
}

const COLUMNS: [Column; 8] = [
    Column {
        header: "Severity",
        width: Constraint::Length(9),
        min: 9,
        priority: 0,
        cell: |f| severity_label(f.severity).to_string(),
    },
    Column {
        header: "Title",
        width: Constraint::Fill(3),
        min: 20,
        priority: 0,
        cell: |f| f.title.clone(),
    },
    Column {
        header: "Resource",
        width: Constraint::Fill(2),
        min: 16,
        priority: 1,
        cell: |f| format!("{} {}", f.resource_type, f.resource_id),
    },
    Column {
        header: "Account",
        width: Constraint::Length(12),
        min: 12,
        priority: 5,
        cell: |f| f.account_id.clone(),
    },
    Column {
        header: "Region",
        width: Constraint::Length(14),
        min: 14,
        priority: 3,
        cell: |f| f.region.clone(),
    },
    Column {
        header: "Product",
        width: Constraint::Length(14),
        min: 14,
        priority: 6,
        cell: |f| f.product_name.clone(),
    },
    Column {
        header: "Workflow",
        width: Constraint::Length(10),
        min: 10,
        priority: 2,
        cell: |f| f.workflow.map(|w| w.as_str()).unwrap_or("-").to_string(),
    },
    Column {
        header: "Updated",
        width: Constraint::Length(16),
        min: 16,
        priority: 4,
        cell: updated,
    },
];

/// The columns that fit in `width`, after skipping `skip` columns to the right of the
/// severity (scroll left / right reveals what a narrow terminal drops).
fn columns_for(width: u16, skip: usize) -> Vec<&'static Column> {
    let mut shown: Vec<&Column> = COLUMNS[..1]
        .iter()
        .chain(COLUMNS[1..].iter().skip(skip))
        .collect();
    let need = |cols: &[&Column]| cols.iter().map(|c| c.min + 1).sum::<u16>() + 2;
    while need(&shown) > width {
        let Some((i, _)) = shown
            .iter()
            .enumerate()
            .filter(|(_, c)| c.priority > 0)
            .max_by_key(|(_, c)| c.priority)
        else {
            break;
        };
        shown.remove(i);
    }
    shown
}

fn progress(pane: &FindingsPane, spinner: usize, state: &State) -> Span<'static> {
    let theme = &state.theme;
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let (total, pages) = (pane.total(), pane.pages);
    let counts = format!(
        "{total} finding{}, {pages} page{}",
        plural(total),
        plural(pages)
    );
    match &pane.status {
        LoadStatus::Idle => Span::styled("not loaded", style(theme, Slot::Muted)),
        LoadStatus::Loading => Span::styled(
            format!("{} loading… {counts}", SPINNER[spinner % SPINNER.len()]),
            style(theme, Slot::Info),
        ),
        LoadStatus::Complete => {
            Span::styled(format!("complete · {counts}"), style(theme, Slot::Muted))
        }
        LoadStatus::Failed { .. } => {
            Span::styled(format!("stopped · {counts}"), style(theme, Slot::Error))
        }
    }
}

pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    let pane = &state.findings;
    let theme = &state.theme;
    let failed = matches!(pane.status, LoadStatus::Failed { .. });
    let [summary, strip, error, table] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(u16::from(failed)),
        Constraint::Fill(1),
    ])
    .areas(area);
    frame.render_widget(
        crate::ui::panes::findings::bulk::summary_strip(pane, state),
        strip,
    );

    // Progress sits on the right and wins the space: it is what changes while loading.
    let progress = progress(pane, state.spinner, state);
    let [filters_area, progress_area] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(progress.width() as u16 + 1),
    ])
    .areas(summary);
    let mut spans = vec![
        Span::styled("filter ", style(theme, Slot::Muted)),
        Span::styled(pane.expr.to_string(), style(theme, Slot::Text)),
    ];
    if let Some((i, asc)) = pane.sort_column() {
        let arrow = if asc { "↑" } else { "↓" };
        spans.push(Span::styled(
            format!("  sort {}{arrow}", SORT_COLUMNS[i].0),
            style(theme, Slot::Muted),
        ));
    }
    if !pane.filter().is_empty() {
        spans.push(Span::styled(
            format!(
                "  /{} {} of {}",
                pane.filter(),
                pane.visible_len(),
                pane.total()
            ),
            style(theme, Slot::Input),
        ));
    }
    frame.render_widget(Line::from(spans), filters_area);
    frame.render_widget(Line::from(progress).right_aligned(), progress_area);

    if let LoadStatus::Failed { error: e, .. } = &pane.status {
        let keys = |a: &Action| {
            state
                .keymap
                .hint(Context::Findings, a)
                .unwrap_or_else(|| format!(":{}", a.name()))
        };
        let msg = format!(
            "✗ {e}  ({} resumes, {} reloads)",
            keys(&Action::ResumeLoad),
            keys(&Action::Refresh)
        );
        frame.render_widget(Paragraph::new(msg).style(style(theme, Slot::Error)), error);
    }
    draw_table(frame, table, state);
}

fn draw_table(frame: &mut Frame, area: Rect, state: &State) {
    let (pane, theme) = (&state.findings, &state.theme);
    let open = match &pane.grouping {
        Some(g) if g.open.is_none() => {
            return crate::ui::panes::findings::bulk::draw_groups(frame, area, state);
        }
        Some(g) => g.open_group().map(|grp| {
            let keys = state
                .keymap
                .hints(Context::Findings, &[(Action::Back, "all groups")]);
            let keys = hint_text(&keys, "").replacen(' ', ": ", 1);
            format!(" · {} {} ({keys})", g.by.name(), grp.key)
        }),
        None => None,
    };
    let block = Block::bordered()
        .title(format!(
            " Findings ({}){} ",
            pane.visible_len(),
            open.unwrap_or_default()
        ))
        .border_style(style(theme, Slot::BorderFocused));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let body_rows = inner.height.saturating_sub(1) as usize;
    if pane.visible_len() == 0 {
        let msg = match (&pane.status, pane.filter().is_empty()) {
            (_, false) => format!("no loaded finding matches /{}", pane.filter()),
            (LoadStatus::Loading | LoadStatus::Idle, _) => "loading…".to_string(),
            _ => format!("no findings match {}", pane.expr),
        };
        frame.render_widget(Paragraph::new(msg).style(style(theme, Slot::Muted)), inner);
        return;
    }
    // The window is [offset, offset + body_rows): only these rows are built.
    let mut offset = pane.offset.min(pane.selected);
    if body_rows > 0 && pane.selected >= offset + body_rows {
        offset = pane.selected + 1 - body_rows;
    }
    let columns = columns_for(inner.width, pane.column_offset);
    let rows: Vec<Row> = (offset..offset + body_rows)
        .map_while(|i| pane.visible(i))
        .map(|f| {
            let marked = pane.is_marked(f);
            Row::new(columns.iter().map(|c| {
                if c.header == "Severity" {
                    // The mark shares the severity cell so marking never shifts columns.
                    let mark = if marked { "●" } else { " " };
                    let label = format!("{mark}{}", (c.cell)(f));
                    Cell::from(label).style(style(theme, severity_slot(f.severity)))
                } else {
                    Cell::from((c.cell)(f))
                }
            }))
            .style(style(
                theme,
                if marked { Slot::Warning } else { Slot::Text },
            ))
        })
        .collect();
    let sorted = pane.sort_column();
    let header = Row::new(columns.iter().map(|c| match sorted {
        Some((i, asc)) if SORT_COLUMNS[i].0 == c.header => {
            format!("{}{}", c.header, if asc { "↑" } else { "↓" })
        }
        _ => c.header.to_string(),
    }))
    .style(style(theme, Slot::Header));
    let table = Table::new(rows, columns.iter().map(|c| c.width))
        .header(header)
        .row_highlight_style(style(theme, Slot::Selection))
        .highlight_symbol("▶ ");
    let mut table_state = TableState::default().with_selected(Some(pane.selected - offset));
    frame.render_stateful_widget(table, inner, &mut table_state);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_and_ui_agree_on_how_far_columns_scroll() {
        // Everything right of the severity except the last column can scroll away.
        assert_eq!(
            COLUMNS.len() - 2,
            crate::app::panes::findings::MAX_COLUMN_OFFSET
        );
    }

    #[test]
    fn narrow_tables_keep_severity_title_and_resource() {
        let names: Vec<_> = columns_for(60, 0).iter().map(|c| c.header).collect();
        assert_eq!(names[..3], ["Severity", "Title", "Resource"]);
        let wide: Vec<_> = columns_for(200, 0).iter().map(|c| c.header).collect();
        assert_eq!(wide.len(), COLUMNS.len());
    }
}
