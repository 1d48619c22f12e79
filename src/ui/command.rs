//! The bottom line: the `:` command line (with completions above it), the `/` filter
//! prompt, the quit confirmation, or key hints.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::style::{hint_spans, hint_text, style};
use super::text_input::{CURSOR, spans};
use crate::app::input::Prompt;
use crate::app::panes::ipsets::InputKind;
use crate::app::{Action, Context, State};
use crate::theme::Slot;
use crate::ui::text;

pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    let theme = &state.theme;
    let input = style(theme, Slot::Input);
    if state.confirm_quit {
        let line = text::line(
            "a change is executing: quit anyway? (y / any other key cancels)",
            style(theme, Slot::Warning),
        );
        frame.render_widget(line, area);
        return;
    }
    match &state.prompt {
        Prompt::Command(cmd) => {
            frame.render_widget(field(":", spans(&cmd.text, input), "", input), area);
            completions(frame, area, state, &cmd.completions, cmd.chosen);
        }
        Prompt::Filter => {
            let text = spans(state.findings.filter_input(), input);
            frame.render_widget(field("/", text, "", input), area);
        }
        Prompt::AnalyzerSearch => {
            let text = spans(&state.analyzer.search, input);
            let hint = format!(
                "  {} of {}",
                state.analyzer.visible().len(),
                state.analyzer.findings.len()
            );
            frame.render_widget(field("/", text, &hint, input), area);
        }
        Prompt::DetailSearch => {
            let text = match &state.findings.detail {
                Some(d) => spans(&d.search, input),
                None => vec![text::span(CURSOR, input)],
            };
            let keys = state.keymap.hints(
                Context::Input,
                &[(Action::Open, "next match"), (Action::Back, "done")],
            );
            let hint = format!("  ({})", hint_text(&keys, ", "));
            frame.render_widget(field("search: ", text, &hint, input), area);
        }
        Prompt::ExportPath(path) => {
            let what = match state.findings.marks.len() {
                0 => format!("{} findings in view", state.findings.visible_len()),
                n => format!("{n} marked findings"),
            };
            let label = format!("export {what} to: ");
            let line = field(&label, spans(path, input), "  (.jsonl .csv .json)", input);
            frame.render_widget(line, area);
        }
        Prompt::FilterEditor(text) => {
            crate::ui::panes::findings::bulk::draw_filter_editor(frame, area, state, text);
        }
        Prompt::IpSets(kind) => {
            let (label, text) = match kind {
                InputKind::Add => ("add (space-separated) > ", &state.ipsets.input),
                InputKind::Remove => ("remove (space-separated) > ", &state.ipsets.input),
                InputKind::Filter => ("/", &state.ipsets.filter),
                InputKind::Create => (
                    "new IP set: NAME IPV4|IPV6 [description] > ",
                    &state.ipsets.input,
                ),
                InputKind::File => (
                    "add addresses from file (one per line, # comments) > ",
                    &state.ipsets.input,
                ),
                // The dialog draws itself; the line says how to leave it.
                InputKind::Sync => {
                    let keys = state
                        .keymap
                        .hints(Context::Input, &[(Action::Back, "cancel")]);
                    let line = format!("sync from ip-ranges.json · {}", hint_text(&keys, " · "));
                    frame.render_widget(text::line(line, input), area);
                    return;
                }
            };
            frame.render_widget(field(label, spans(text, input), "", input), area);
        }
        Prompt::None => {
            // What has the keyboard now: the pane in view, the journal, the preview.
            let footer = crate::app::help::footer(state);
            frame.render_widget(Line::from(hint_spans(theme, &footer)), area);
        }
    }
}

/// A prompt line: label, the field with its cursor, a hint after it, all in `style`.
fn field(
    label: &str,
    text: Vec<Span<'static>>,
    hint: &str,
    style: ratatui::style::Style,
) -> Line<'static> {
    let mut out = vec![text::span(label.to_string(), style)];
    out.extend(text);
    out.push(text::span(hint.to_string(), style));
    Line::from(out)
}

/// The candidate list, drawn upward from just above the command line.
fn completions(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    items: &[String],
    chosen: Option<usize>,
) {
    if items.is_empty() || area.y == 0 {
        return;
    }
    let theme = &state.theme;
    let height = (items.len() as u16).min(8).min(area.y);
    let width = items.iter().map(|i| i.chars().count()).max().unwrap_or(0) as u16 + 3;
    let rect = Rect {
        x: area.x + 1,
        y: area.y - height,
        width: width.min(area.width.saturating_sub(1)),
        height,
    };
    let lines: Vec<Line> = items
        .iter()
        .take(height as usize)
        .enumerate()
        .map(|(i, item)| {
            let slot = if Some(i) == chosen {
                Slot::Selection
            } else {
                Slot::Text
            };
            text::line(
                format!(
                    " {}",
                    text::fit(item, (rect.width as usize).saturating_sub(1))
                ),
                style(theme, slot),
            )
        })
        .collect();
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).style(style(theme, Slot::Text)), rect);
}
