//! The findings table: summary line, load progress, and only the visible window of rows.

pub(crate) mod block;
pub(crate) mod bulk;
pub(crate) mod detail;
pub(crate) mod tickets;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row, Table, TableState};

use crate::app::panes::findings::columns::{COLUMNS, FindingColumn, Width};
use crate::app::panes::findings::{FindingsPane, LoadStatus, age_text};
use crate::app::{Action, Context, State, layout};
use crate::theme::Slot;
use crate::ui::style::{hint_text, severity_slot, style};
use crate::ui::text;

pub const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

fn constraint(width: Width) -> Constraint {
    match width {
        Width::Fixed(n) => Constraint::Length(n),
        Width::Fill(n) => Constraint::Fill(n),
    }
}

/// The columns that fit in `width`, after skipping `skip` columns to the right of the
/// severity (scroll left / right reveals what a narrow terminal drops).
fn columns_for(width: u16, skip: usize) -> Vec<&'static FindingColumn> {
    let mut shown: Vec<&FindingColumn> = COLUMNS[..1]
        .iter()
        .chain(COLUMNS[1..].iter().skip(skip))
        .collect();
    let need = |cols: &[&FindingColumn]| cols.iter().map(|c| c.min + 1).sum::<u16>() + 2;
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
    // Rows the store gave and a delta brought up to date came in no page of this session.
    let counts = match (pages, &pane.cache) {
        (0, Some(_)) => format!("{total} finding{}, stored + delta sync", plural(total)),
        _ => format!(
            "{total} finding{}, {pages} page{}",
            plural(total),
            plural(pages)
        ),
    };
    match &pane.status {
        LoadStatus::Idle => text::span("not loaded", style(theme, Slot::Muted)),
        LoadStatus::Loading if pane.cache.as_ref().is_some_and(|c| c.syncing) => text::span(
            format!(
                "{} cached {} ago · syncing · {total} finding{}",
                SPINNER[spinner % SPINNER.len()],
                age_text(pane.cache.as_ref().map_or(0, |c| c.age_secs)),
                plural(total)
            ),
            style(theme, Slot::Info),
        ),
        LoadStatus::Loading => text::span(
            format!("{} loading… {counts}", SPINNER[spinner % SPINNER.len()]),
            style(theme, Slot::Info),
        ),
        LoadStatus::Complete => {
            text::span(format!("complete · {counts}"), style(theme, Slot::Muted))
        }
        LoadStatus::Failed { .. } => {
            text::span(format!("stopped · {counts}"), style(theme, Slot::Error))
        }
    }
}

pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    let pane = &state.findings;
    let theme = &state.theme;
    let failed = matches!(pane.status, LoadStatus::Failed { .. });
    let parts = layout::panes::findings(crate::ui::area(area), failed);
    let [summary, strip, error, table] =
        [parts.summary, parts.strip, parts.error, parts.table].map(crate::ui::rect);
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
        text::span("filter ", style(theme, Slot::Muted)),
        text::span(pane.filter_text(), style(theme, Slot::Text)),
    ];
    if let Some((i, asc)) = pane.sort_column() {
        let arrow = if asc { "↑" } else { "↓" };
        spans.push(text::span(
            format!("  sort {}{arrow}", COLUMNS[i].header),
            style(theme, Slot::Muted),
        ));
    }
    if !pane.filter().is_empty() {
        spans.push(text::span(
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
        frame.render_widget(
            Paragraph::new(text::raw_line(msg)).style(style(theme, Slot::Error)),
            error,
        );
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
        .title(text::raw_line(format!(
            " Findings ({}){} ",
            pane.visible_len(),
            open.unwrap_or_default()
        )))
        .border_style(style(theme, Slot::BorderFocused));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let body_rows = inner.height.saturating_sub(1) as usize;
    if pane.visible_len() == 0 {
        let msg = match (&pane.status, pane.filter().is_empty()) {
            (_, false) => format!("no loaded finding matches /{}", pane.filter()),
            (LoadStatus::Loading | LoadStatus::Idle, _) => "loading…".to_string(),
            _ => format!("no findings match {}", pane.filter_text()),
        };
        frame.render_widget(
            Paragraph::new(text::raw_line(msg)).style(style(theme, Slot::Muted)),
            inner,
        );
        return;
    }
    // The window is [offset, offset + body_rows): only these rows are built.
    let offset = layout::window(pane.offset, pane.selected, body_rows);
    let columns = columns_for(inner.width, pane.column_offset);
    let rows: Vec<Row> = (offset..offset + body_rows)
        .map_while(|i| pane.visible(i))
        .map(|f| {
            let marked = pane.is_marked(f);
            let cells = columns.iter().map(|c| {
                if c.header == "Severity" {
                    // The mark shares the severity cell so marking never shifts columns.
                    let mark = if marked { "●" } else { " " };
                    let label = format!("{mark}{}", (c.cell)(f));
                    text::cell(label).style(style(theme, severity_slot(f.severity)))
                } else {
                    text::cell((c.cell)(f))
                }
            });
            Row::new(cells).style(style(
                theme,
                if marked { Slot::Warning } else { Slot::Text },
            ))
        })
        .collect();
    let sorted = pane.sort_column();
    let cells = columns.iter().map(|c| match sorted {
        Some((i, asc)) if i < COLUMNS.len() && COLUMNS[i].header == c.header => {
            text::cell(format!("{}{}", c.header, if asc { "↑" } else { "↓" }))
        }
        _ => text::cell(c.header),
    });
    let header = Row::new(cells).style(style(theme, Slot::Header));
    let table = Table::new(rows, columns.iter().map(|c| constraint(c.width)))
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
    fn narrow_tables_keep_severity_title_and_resource() {
        let names: Vec<_> = columns_for(60, 0).iter().map(|c| c.header).collect();
        assert_eq!(names[..3], ["Severity", "Title", "Resource"]);
        let wide: Vec<_> = columns_for(200, 0).iter().map(|c| c.header).collect();
        assert_eq!(wide.len(), COLUMNS.len());
    }
}

#[cfg(test)]
mod layout_tests {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use crate::app::tests::loaded;
    use crate::app::{Action, update};

    /// PgDn moves by what `update()` thinks a screenful is: the UI must draw exactly that
    /// many rows, at any size.
    #[test]
    fn the_table_draws_as_many_rows_as_a_page_moves() {
        for (w, h) in [(80, 24), (120, 40), (60, 15)] {
            let mut state = loaded(200, false);
            update(
                &mut state,
                Action::Resize {
                    width: w,
                    height: h,
                },
            );
            let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
            terminal.draw(|f| crate::ui::draw(f, &state)).unwrap();
            let screen = terminal.backend().buffer().clone();
            let rows = (0..h)
                .filter(|y| {
                    (0..w)
                        .map(|x| screen[(x, *y)].symbol().to_string())
                        .collect::<String>()
                        .contains("Finding number")
                })
                .count();
            assert_eq!(rows, state.page_rows(), "at {w}x{h}");
        }
    }
}
