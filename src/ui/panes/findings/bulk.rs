//! Drawing for the findings pane's triage parts: the bulk pickers, the note editor, the `E` form
//! (pipeline modals), the filter editor line with its error caret, and the severity /
//! workflow summary strip of the current view.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::app::panes::findings::FindingsPane;
use crate::app::panes::findings::bulk::{BulkField, TriageStage};
use crate::app::panes::findings::fields::{FieldsForm, FormField};
use crate::app::widgets::TextInput;
use crate::app::{Action, Context, State};
use crate::domain::filter_expr::FilterExpr;
use crate::domain::finding::{Severity, WorkflowStatus};
use crate::theme::Slot;
use crate::ui::style::{centered, hint_text, severity_slot, style};
use crate::ui::text;
use crate::ui::text_input;

pub fn draw_stage(frame: &mut Frame, area: Rect, state: &State, stage: &TriageStage) {
    let theme = &state.theme;
    match stage {
        TriageStage::Pick {
            field,
            targets,
            cursor,
        } => {
            let choices = field.choices();
            let summary = target_summary(targets.len(), targets.first().map(|t| t.title.as_str()));
            // As wide as its label needs, within the screen (not cut at a fixed width).
            let wanted = text::width(&summary)
                .saturating_add(4)
                .min(u16::MAX as usize) as u16;
            let width = wanted.clamp(48, area.width.saturating_sub(4).max(48));
            let rect = centered(area, width, choices.len() as u16 + 4);
            let what = match field {
                BulkField::Workflow => "workflow status",
                BulkField::Severity => "severity",
                BulkField::OcsfStatus => "status (OCSF)",
                BulkField::OcsfSeverity => "severity (OCSF)",
            };
            let mut lines = vec![text::line(
                text::fit(&summary, rect.width.saturating_sub(2) as usize),
                style(theme, Slot::Muted),
            )];
            let letters = crate::app::panes::findings::bulk::shortcuts(&choices);
            for (i, c) in choices.iter().enumerate() {
                let slot = if i == *cursor {
                    Slot::Selection
                } else {
                    Slot::Text
                };
                let pointer = if i == *cursor { "▶" } else { " " };
                let letter = letters.get(i).copied().unwrap_or(' ');
                lines.push(text::line(
                    format!("{pointer} {letter}  {c}"),
                    style(theme, slot),
                ));
            }
            let keys = state.keymap.hints(
                Context::Preview,
                &[(Action::Open, "choose"), (Action::Back, "cancel")],
            );
            lines.push(text::line(
                format!("letter picks  {}", hint_text(&keys, "  ")),
                style(theme, Slot::Muted),
            ));
            let block = Block::bordered()
                .title(text::raw_line(format!(" Set {what} ")))
                .border_style(style(theme, Slot::BorderFocused));
            frame.render_widget(Clear, rect);
            frame.render_widget(Paragraph::new(lines).block(block), rect);
        }
        TriageStage::Note {
            targets,
            workflow,
            text,
            error,
        } => {
            let rect = centered(area, area.width.saturating_sub(4).min(80), 12);
            let width = rect.width.saturating_sub(2) as usize;
            let mut lines = vec![text::line(
                text::fit(
                    &target_summary(targets.len(), targets.first().map(|t| t.title.as_str())),
                    width,
                ),
                style(theme, Slot::Muted),
            )];
            lines.extend(text_input::lines(text, style(theme, Slot::Input), 5));
            if let Some(e) = error {
                lines.push(text::line(e.clone(), style(theme, Slot::Error)));
            }
            lines.push(text::line(
                {
                    // alt-enter is the editor's own key; enter and esc come from [input].
                    let ok = state
                        .keymap
                        .hints(Context::Input, &[(Action::Open, "preview")]);
                    let no = state
                        .keymap
                        .hints(Context::Input, &[(Action::Back, "cancel")]);
                    format!(
                        "{} chars · {}  alt-enter new line  {}",
                        text.value().chars().count(),
                        hint_text(&ok, ""),
                        hint_text(&no, "")
                    )
                },
                style(theme, Slot::Muted),
            ));
            // OCSF rows take a comment (BatchUpdateFindingsV2), ASFF rows a note.
            let ocsf = targets.first().is_some_and(|t| t.ocsf.is_some());
            let title = match (workflow, ocsf) {
                (Some(w), false) => format!(" Note: why {w}? (required) "),
                (None, false) => " Add a note ".to_string(),
                (Some(w), true) => {
                    let status = crate::domain::ocsf_triage::status_caption(
                        crate::domain::ocsf_triage::status_of_workflow(*w),
                    );
                    format!(" Comment: why {status}? (required) ")
                }
                (None, true) => " Add a comment (OCSF) ".to_string(),
            };
            let block = Block::bordered()
                .title(text::raw_line(title))
                .border_style(style(theme, Slot::BorderFocused));
            frame.render_widget(Clear, rect);
            frame.render_widget(Paragraph::new(lines).block(block), rect);
        }
        TriageStage::Fields(form) => draw_fields_form(frame, area, state, form),
    }
}

/// The `E` form: one row per field, the focused one highlighted, current values as hints.
fn draw_fields_form(frame: &mut Frame, area: Rect, state: &State, form: &FieldsForm) {
    let theme = &state.theme;
    let rect = centered(area, area.width.saturating_sub(4).min(80), 14);
    let width = rect.width.saturating_sub(2) as usize;
    let mut lines = vec![text::line(
        text::fit(
            &target_summary(
                form.targets.len(),
                form.targets.first().map(|t| t.title.as_str()),
            ),
            width,
        ),
        style(theme, Slot::Muted),
    )];
    for field in FormField::ALL {
        let focused = form.focus == field;
        let pointer = if focused { "▶" } else { " " };
        let slot = if focused {
            Slot::Selection
        } else {
            Slot::Input
        };
        let mut row = vec![text::span(
            format!("{pointer} {:<13}", field.label()),
            style(theme, Slot::Text),
        )];
        row.extend(match form.input(field) {
            Some(input) if focused => text_input::spans(input, style(theme, slot)),
            Some(input) => vec![text::span(input.value().to_string(), style(theme, slot))],
            None => vec![text::span(
                match form.verification {
                    Some(v) => format!("◀ {v} ▶"),
                    None => "◀ (unchanged) ▶".to_string(),
                },
                style(theme, slot),
            )],
        });
        lines.push(Line::from(row));
        lines.push(text::line(
            text::fit(
                &format!("                now: {}", form.current(field)),
                width,
            ),
            style(theme, Slot::Muted),
        ));
    }
    if let Some(e) = &form.error {
        lines.push(text::line(text::fit(e, width), style(theme, Slot::Error)));
    }
    // Tab and the arrows are the form's own keys; enter and esc come from [input].
    let keys = state.keymap.hints(
        Context::Input,
        &[(Action::Open, "preview"), (Action::Back, "cancel")],
    );
    for hint in [
        "blank = unchanged · numbers 0-100 · user fields: k=v; k2=v2 (k= or -k removes)".into(),
        format!("tab / ↑↓ field  ←→ state  {}", hint_text(&keys, "  ")),
    ] {
        lines.push(text::line(
            text::fit(&hint, width),
            style(theme, Slot::Muted),
        ));
    }
    let block = Block::bordered()
        .title(" Edit finding fields ")
        .border_style(style(theme, Slot::BorderFocused));
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

fn target_summary(n: usize, first: Option<&str>) -> String {
    match (n, first) {
        (1, Some(title)) => title.to_string(),
        (n, _) => format!("{n} marked findings"),
    }
}

/// The filter editor line; a parse error is shown after it with a caret under the token
/// on the line above.
pub fn draw_filter_editor(frame: &mut Frame, area: Rect, state: &State, input: &TextInput) {
    let theme = &state.theme;
    let prefix = "filter: ";
    let mut spans = vec![text::span(prefix, style(theme, Slot::Muted))];
    spans.extend(text_input::spans(input, style(theme, Slot::Input)));
    if let Err(e) = FilterExpr::parse(input.value()) {
        spans.push(text::span(
            format!("  ✗ {}", e.message),
            style(theme, Slot::Error),
        ));
        if area.y > 0 {
            let caret = Rect {
                y: area.y - 1,
                height: 1,
                ..area
            };
            let line = format!(
                "{}{}",
                " ".repeat(prefix.len()),
                e.caret_line(input.value())
            );
            frame.render_widget(Clear, caret);
            frame.render_widget(text::line(line, style(theme, Slot::Error)), caret);
        }
    }
    frame.render_widget(Line::from(spans), area);
}

/// `CRITICAL 3  HIGH 12 …  │  NEW 20  NOTIFIED 2 …  │  4 marked` over the visible rows.
pub fn summary_strip(pane: &FindingsPane, state: &State) -> Line<'static> {
    let theme = &state.theme;
    if let Some(counts) = pane.server_counts.as_ref().filter(|_| pane.on_ocsf()) {
        return server_strip(pane, counts, state);
    }
    let (sev, wf) = pane.summary();
    let mut spans = Vec::new();
    for (s, n) in Severity::ALL.iter().zip(sev) {
        if n > 0 {
            spans.push(text::span(
                format!("{} {n}  ", s.as_str()),
                style(theme, severity_slot(Some(*s))),
            ));
        }
    }
    spans.push(text::span("│  ", style(theme, Slot::Muted)));
    for (w, n) in WorkflowStatus::ALL.iter().zip(wf) {
        if n > 0 {
            spans.push(text::span(format!("{w} {n}  "), style(theme, Slot::Text)));
        }
    }
    if !pane.marks.is_empty() {
        spans.push(text::span(
            format!("│  {} marked", pane.marks.len()),
            style(theme, Slot::Warning),
        ));
    }
    Line::from(spans)
}

/// On OCSF: the counts Security Hub computed for the whole filter (not only the loaded
/// rows), and the 30-day trend.
fn server_strip(
    pane: &FindingsPane,
    counts: &crate::domain::findings_api::ServerCounts,
    state: &State,
) -> Line<'static> {
    let theme = &state.theme;
    let mut spans = vec![text::span(
        format!("{} in Security Hub: ", counts.total()),
        style(theme, Slot::Muted),
    )];
    for (caption, n) in counts.severity.iter().filter(|(_, n)| *n > 0) {
        let slot = severity_slot(crate::domain::ocsf_finding::severity_of_caption(caption));
        spans.push(text::span(format!("{caption} {n}  "), style(theme, slot)));
    }
    spans.push(text::span("│  ", style(theme, Slot::Muted)));
    for (caption, n) in counts.status.iter().filter(|(_, n)| *n > 0) {
        spans.push(text::span(
            format!("{caption} {n}  "),
            style(theme, Slot::Text),
        ));
    }
    if !counts.trend.is_empty() {
        spans.push(text::span("│  30d ", style(theme, Slot::Muted)));
        spans.push(text::span(counts.sparkline(), style(theme, Slot::Info)));
    }
    if !pane.marks.is_empty() {
        spans.push(text::span(
            format!("  │  {} marked", pane.marks.len()),
            style(theme, Slot::Warning),
        ));
    }
    Line::from(spans)
}

/// The group list: key, count, marked, and the count of each severity.
pub fn draw_groups(frame: &mut Frame, area: Rect, state: &State) {
    let (pane, theme) = (&state.findings, &state.theme);
    use ratatui::layout::Constraint;
    use ratatui::widgets::{Row, Table, TableState};
    let Some(g) = &pane.grouping else { return };
    // On OCSF the counts are Security Hub's (the whole view, loaded or not).
    let counted = match (pane.server_counted(), pane.on_ocsf()) {
        (true, _) => " · counts from Security Hub",
        (false, true) => " · counting…",
        (false, false) => "",
    };
    let block = Block::bordered()
        .title(text::raw_line(format!(
            " Findings by {} ({} groups){counted} · {} ",
            g.by.name(),
            g.groups.len(),
            hint_text(
                &state.keymap.hints(
                    Context::Findings,
                    &[(Action::Open, "expands,"), (Action::Mark, "marks a group")]
                ),
                " "
            )
        )))
        .border_style(style(theme, Slot::BorderFocused));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let body_rows = inner.height.saturating_sub(1) as usize;
    let offset = crate::app::layout::window(g.offset, g.selected, body_rows);
    let rows: Vec<Row> = g
        .groups
        .iter()
        .enumerate()
        .skip(offset)
        .take(body_rows)
        .map(|(_, grp)| {
            // Only counted when something is marked: a big group is many rows.
            let marked = if pane.marks.is_empty() {
                0
            } else {
                grp.members
                    .iter()
                    .filter(|&&m| {
                        pane.rows()
                            .get(m)
                            .is_some_and(|f| pane.marks.contains(&f.id))
                    })
                    .count()
            };
            let mut cells = vec![
                text::cell(grp.key.clone()),
                text::cell(grp.server_count.unwrap_or(grp.count as i64).to_string()),
                text::cell(if marked > 0 {
                    marked.to_string()
                } else {
                    String::new()
                })
                .style(style(theme, Slot::Warning)),
            ];
            for (n, s) in grp.severities.iter().zip(Severity::ALL) {
                let text = if *n > 0 { n.to_string() } else { String::new() };
                cells.push(text::cell(text).style(style(theme, severity_slot(Some(s)))));
            }
            Row::new(cells).style(style(theme, Slot::Text))
        })
        .collect();
    let header = Row::new([
        "Group", "Count", "Marked", "CRIT", "HIGH", "MED", "LOW", "INFO",
    ])
    .style(style(theme, Slot::Header));
    let widths = [
        Constraint::Fill(1),
        Constraint::Length(7),
        Constraint::Length(7),
        Constraint::Length(6),
        Constraint::Length(6),
        Constraint::Length(6),
        Constraint::Length(6),
        Constraint::Length(6),
    ];
    let table = Table::new(rows, widths)
        .header(header)
        .row_highlight_style(style(theme, Slot::Selection))
        .highlight_symbol("▶ ");
    let mut table_state =
        TableState::default().with_selected((!g.groups.is_empty()).then(|| g.selected - offset));
    frame.render_stateful_widget(table, inner, &mut table_state);
}
