//! The change pipeline's modals: the workflow picker and the plan preview (a diff coloured
//! by line kind) with its approval prompt.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph};

use super::style::{centered, hint_spans, hint_text, style};
use crate::app::pipeline::Stage;
use crate::app::{Action, Context, State};
use crate::domain::finding::WorkflowStatus;
use crate::domain::plan::LineKind;
use crate::theme::Slot;
use crate::ui::text;

pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    match &state.pipeline.stage {
        Stage::PickWorkflow {
            title,
            before,
            cursor,
            ..
        } => picker(frame, area, state, title, *before, *cursor),
        Stage::Preview { plan, typed } => {
            let theme = &state.theme;
            let lines = plan.preview();
            let width = area.width.saturating_sub(4).min(100);
            let height = (lines.len() as u16 + 5).min(area.height);
            let rect = centered(area, width, height);
            let text_width = rect.width.saturating_sub(2) as usize;
            let mut out: Vec<Line> = lines
                .iter()
                .map(|l| {
                    let slot = match l.kind {
                        LineKind::Header => Slot::DiffHeader,
                        LineKind::Context => Slot::Text,
                        LineKind::Removed => Slot::DiffRemoved,
                        LineKind::Added => Slot::DiffAdded,
                    };
                    text::line(text::fit(&l.text, text_width), style(theme, slot))
                })
                .collect();
            out.push(Line::default());
            let key = |s: &str| text::span(s.to_string(), style(theme, Slot::Key));
            let text = |s: String| text::span(s, style(theme, Slot::Text));
            out.push(if plan.needs_typed_count() {
                let mut spans = vec![
                    text(format!("type {} then ", plan.item_count())),
                    key("enter"),
                    text(" to approve, ".into()),
                    key("esc"),
                    text(" to reject: ".into()),
                ];
                spans.extend(super::text_input::spans(typed, style(theme, Slot::Input)));
                Line::from(spans)
            } else {
                Line::from(hint_spans(
                    theme,
                    &state.keymap.hints(
                        Context::Preview,
                        &[(Action::Approve, "approve"), (Action::Reject, "reject")],
                    ),
                ))
            });
            // Keep the prompt visible even when the diff is taller than the screen.
            let room = rect.height.saturating_sub(2) as usize;
            if out.len() > room && room > 0 {
                let prompt = out.pop();
                out.truncate(room - 1);
                out.extend(prompt);
            }
            let block = Block::bordered()
                .title(text::raw_line(format!(
                    " Preview {} ({}) ",
                    plan.id,
                    plan.operation()
                )))
                .border_style(style(theme, Slot::BorderFocused));
            frame.render_widget(Clear, rect);
            frame.render_widget(Paragraph::new(out).block(block), rect);
        }
        Stage::Triage(stage) => {
            crate::ui::panes::findings::bulk::draw_stage(frame, area, state, stage)
        }
        Stage::Block(stage) => crate::ui::panes::findings::block::draw(frame, area, state, stage),
        Stage::Idle | Stage::Executing { .. } => {}
    }
}

fn picker(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    title: &str,
    before: Option<WorkflowStatus>,
    cursor: usize,
) {
    let theme = &state.theme;
    let rect = centered(area, 44, WorkflowStatus::ALL.len() as u16 + 4);
    let mut lines = vec![text::line(
        text::fit(title, rect.width.saturating_sub(2) as usize),
        style(theme, Slot::Muted),
    )];
    for (i, w) in WorkflowStatus::ALL.iter().enumerate() {
        let current = if Some(*w) == before {
            "  (current)"
        } else {
            ""
        };
        let text = format!("{} {w}{current}", if i == cursor { "▶" } else { " " });
        let slot = if i == cursor {
            Slot::Selection
        } else {
            Slot::Text
        };
        lines.push(text::line(text, style(theme, slot)));
    }
    let keys = state.keymap.hints(
        Context::Preview,
        &[(Action::Open, "choose"), (Action::Back, "cancel")],
    );
    lines.push(text::line(
        hint_text(&keys, "  "),
        style(theme, Slot::Muted),
    ));
    let block = Block::bordered()
        .title(" Set workflow status ")
        .border_style(style(theme, Slot::BorderFocused));
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}
