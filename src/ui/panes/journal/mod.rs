//! The journal view: past changes (time, outcome, kind, targets, who), newest first, over
//! the pane's body; the selected row's details underneath.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Row, Table};

use crate::app::panes::journal::{JournalRow, JournalView};
use crate::app::{Action, Context, State};
use crate::journal::ResultStatus;
use crate::theme::Slot;
use crate::ui::columns::{self, Column};
use crate::ui::style::{hint_text, selectable_row, style};
use crate::ui::text;

/// When, how it went and what stay on narrow screens; who and the targets leave first.
const COLUMNS: [Column; 5] = [
    Column::new("time (UTC)", Constraint::Length(19), 19, 0),
    Column::new("outcome", Constraint::Length(10), 10, 0),
    Column::new("change", Constraint::Fill(5), 20, 0),
    Column::new("targets", Constraint::Fill(3), 12, 1),
    Column::new("who", Constraint::Fill(3), 12, 2),
];

pub fn draw(frame: &mut Frame, area: Rect, state: &State, view: &JournalView) {
    let theme = &state.theme;
    frame.render_widget(Clear, area);
    let (table_area, detail_area) = crate::app::layout::panes::journal(crate::ui::area(area));
    let (table_area, detail_area) = (crate::ui::rect(table_area), crate::ui::rect(detail_area));
    let visible = view.visible();
    let mut title = format!(" Journal · {} change(s) ", visible.len());
    if !view.filter.is_empty() {
        title.push_str(&format!("matching {:?} ", view.filter));
    }
    let block = Block::bordered()
        .title(text::raw_line(title))
        .border_style(style(theme, Slot::BorderFocused));
    let inner_rows = table_area.height.saturating_sub(3) as usize;
    let inner_width = table_area.width.saturating_sub(2);
    let shown = columns::fit(&COLUMNS, inner_width, 1, 0);
    let start = crate::app::layout::window(0, view.cursor, inner_rows);
    let rows: Vec<Row> = visible
        .iter()
        .enumerate()
        .skip(start)
        .take(inner_rows)
        .map(|(i, r)| {
            let cells = vec![
                text::raw(r.time.get(..19).unwrap_or(&r.time).replace('T', " ")),
                text::span(
                    r.outcome.split(':').next().unwrap_or_default().to_string(),
                    style(theme, outcome_slot(r.status)),
                ),
                text::raw(r.title.clone()),
                text::raw(short_targets(r)),
                text::raw(short_who(&r.who).to_string()),
            ];
            selectable_row(
                Row::new(columns::pick(&cells, &shown)),
                i == view.cursor,
                theme,
            )
        })
        .collect();
    let widths = columns::constraints(&COLUMNS, &shown, inner_width, 1, 0);
    let head = Row::new(columns::headers(&COLUMNS, &shown)).style(style(theme, Slot::Header));
    frame.render_widget(
        Table::new(rows, widths)
            .header(head)
            .block(block)
            .column_spacing(1),
        table_area,
    );
    let message = match &view.rows {
        None => Some("reading the journal…".to_string()),
        Some(Err(e)) => Some(format!("the journal cannot be read: {e}")),
        Some(Ok(_)) if visible.is_empty() => Some("no changes recorded".to_string()),
        Some(Ok(_)) => None,
    };
    if let Some(msg) = message
        && table_area.height > 3
    {
        let line = Rect {
            x: table_area.x + 2,
            y: table_area.y + 2,
            width: table_area.width.saturating_sub(4),
            height: 1,
        };
        frame.render_widget(
            Paragraph::new(text::raw_line(msg)).style(style(theme, Slot::Muted)),
            line,
        );
    }
    draw_detail(frame, detail_area, view.selected(), state);
}

fn draw_detail(frame: &mut Frame, area: Rect, row: Option<&JournalRow>, state: &State) {
    let theme = &state.theme;
    let block = Block::bordered().border_style(style(theme, Slot::Border));
    let mut lines = Vec::new();
    if let Some(r) = row {
        lines.push(Line::from(vec![
            text::span(format!("{}  ", r.title), style(theme, Slot::Header)),
            text::span(r.outcome.clone(), style(theme, outcome_slot(r.status))),
        ]));
        lines.push(text::raw_line(format!(
            "{} ({})  by {}",
            r.operation, r.change.id, r.who
        )));
        lines.push(text::raw_line(r.targets.join(", ")));
    }
    let keys = state.keymap.hints(
        Context::Journal,
        &[
            (Action::Rollback, "roll back a remediation"),
            (Action::Filter, "filter"),
            (Action::Refresh, "re-read"),
            (Action::Back, "close"),
        ],
    );
    lines.push(Line::from(text::span(
        hint_text(&keys, "  "),
        style(theme, Slot::Muted),
    )));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// The caller without the `arn:aws:iam::` / `arn:aws:sts::` noise.
fn short_who(who: &str) -> &str {
    who.strip_prefix("arn:aws:iam::")
        .or_else(|| who.strip_prefix("arn:aws:sts::"))
        .unwrap_or(who)
}

fn outcome_slot(status: Option<ResultStatus>) -> Slot {
    match status {
        Some(ResultStatus::Ok) => Slot::Success,
        Some(ResultStatus::Partial | ResultStatus::Unknown) => Slot::Warning,
        Some(ResultStatus::Failed) => Slot::Error,
        None => Slot::Muted,
    }
}

/// The first target (its resource part for an ARN) and how many more.
fn short_targets(r: &JournalRow) -> String {
    let Some(first) = r.targets.first() else {
        return String::new();
    };
    let short = first
        .splitn(6, ':')
        .nth(5)
        .filter(|s| !s.is_empty())
        .unwrap_or(first);
    match r.targets.len() {
        1 => short.to_string(),
        n => format!("{short} +{}", n - 1),
    }
}
