//! The change pipeline's modals: the workflow picker and the plan preview (a diff coloured
//! by line kind) with its approval prompt.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph};

use super::style::{centered, hint_spans, hint_text, style};
use crate::app::pipeline::Stage;
use crate::app::widgets::TextInput;
use crate::app::{Action, Context, State, layout};
use crate::domain::finding::WorkflowStatus;
use crate::domain::plan::{ChangePlan, LineKind};
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
        Stage::Preview {
            plan,
            typed,
            scroll,
        } => preview(frame, area, state, plan, typed, *scroll),
        Stage::Triage(stage) => {
            crate::ui::panes::findings::bulk::draw_stage(frame, area, state, stage)
        }
        Stage::Block(stage) => crate::ui::panes::findings::block::draw(frame, area, state, stage),
        Stage::Ticket(stage) => {
            crate::ui::panes::findings::tickets::draw(frame, area, state, stage)
        }
        Stage::Idle | Stage::Executing { .. } => {}
    }
}

/// The plan's diff, scrolled to `scroll` when taller than the screen, a line saying what
/// is above and below, and the approval line (guardrails: `y` refuses, the override key).
fn preview(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    plan: &ChangePlan,
    typed: &TextInput,
    scroll: usize,
) {
    let theme = &state.theme;
    // What moved since the last preview (a re-planned change) comes first.
    let lines = state.pipeline.preview_lines();
    let rows = layout::preview_rows(lines.len(), area.height);
    let width = area.width.saturating_sub(4).min(100);
    let height = (rows as u16 + layout::PREVIEW_CHROME).min(area.height);
    let rect = centered(area, width, height);
    let text_width = rect.width.saturating_sub(2) as usize;
    let scroll = scroll.min(lines.len().saturating_sub(rows));
    let mut out: Vec<Line> = lines
        .iter()
        .skip(scroll)
        .take(rows)
        .map(|l| {
            let slot = match l.kind {
                LineKind::Header => Slot::DiffHeader,
                LineKind::Context => Slot::Text,
                LineKind::Removed => Slot::DiffRemoved,
                LineKind::Added => Slot::DiffAdded,
                LineKind::Warning => Slot::Warning,
            };
            text::line(text::fit(&l.text, text_width), style(theme, slot))
        })
        .collect();
    let below = lines.len().saturating_sub(scroll + rows);
    out.push(text::line(
        scroll_line(state, scroll, below),
        style(theme, Slot::Muted),
    ));
    out.push(approval_line(state, plan, typed));
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

/// "↑ 3 above · ↓ 37 more below (j/k pgdn/pgup)", empty when the whole diff shows.
fn scroll_line(state: &State, above: usize, below: usize) -> String {
    if above == 0 && below == 0 {
        return String::new();
    }
    let mut parts = Vec::new();
    if above > 0 {
        parts.push(format!("↑ {above} above"));
    }
    if below > 0 {
        parts.push(format!("↓ {below} more below"));
    }
    let keys: Vec<String> = [
        Action::MoveDown,
        Action::MoveUp,
        Action::PageDown,
        Action::PageUp,
    ]
    .iter()
    .filter_map(|a| state.keymap.hint(Context::Preview, a))
    .collect();
    format!("{} ({} scroll)", parts.join(" · "), keys.join(" "))
}

/// How to approve: `y` / `n`, or the count to type; with guardrails, the override key.
fn approval_line(state: &State, plan: &ChangePlan, typed: &TextInput) -> Line<'static> {
    let theme = &state.theme;
    let key = |s: &str| text::span(s.to_string(), style(theme, Slot::Key));
    let text = |s: String| text::span(s, style(theme, Slot::Text));
    let guarded = !plan.guardrails.is_empty();
    let approve_key = if guarded {
        state
            .keymap
            .hint(Context::Preview, &Action::ApproveOverride)
            .unwrap_or_else(|| ":approve_override".into())
    } else {
        "enter".into()
    };
    if plan.proofs_running() {
        let mut spans = vec![text(
            "proofs running: approval waits for their results; ".into(),
        )];
        let hints = state
            .keymap
            .hints(Context::Preview, &[(Action::Reject, "reject")]);
        spans.extend(hint_spans(theme, &hints));
        return Line::from(spans);
    }
    if let Some(word) = plan.needs_typed_word()
        && !plan.needs_typed_count()
    {
        let mut spans = vec![
            text(format!("proofs failed: type {word} then ")),
            key("enter"),
            text(" to approve anyway (journaled), ".into()),
            key("esc"),
            text(" to reject: ".into()),
        ];
        spans.extend(super::text_input::spans(typed, style(theme, Slot::Input)));
        return Line::from(spans);
    }
    if plan.needs_typed_count() {
        let mut spans = vec![
            text(format!("type {} then ", plan.item_count())),
            key(&approve_key),
            text(if guarded {
                " to approve past the guardrail, ".into()
            } else {
                " to approve, ".into()
            }),
            key("esc"),
            text(" to reject: ".into()),
        ];
        spans.extend(super::text_input::spans(typed, style(theme, Slot::Input)));
        return Line::from(spans);
    }
    let hints = if guarded {
        state.keymap.hints(
            Context::Preview,
            &[
                (Action::ApproveOverride, "approve past the guardrail"),
                (Action::Reject, "reject"),
            ],
        )
    } else {
        state.keymap.hints(
            Context::Preview,
            &[(Action::Approve, "approve"), (Action::Reject, "reject")],
        )
    };
    Line::from(hint_spans(theme, &hints))
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
