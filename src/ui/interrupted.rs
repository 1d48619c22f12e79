//! The interrupted-changes banner (mirrors `app::interrupted`): what was planned, what
//! AWS holds now per class of target, and the three ways on.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph};

use super::style::{centered, hint_spans, style};
use super::text;
use crate::app::{Action, Context, State};
use crate::domain::plan::{InterruptedChange, TargetClass};
use crate::theme::Slot;

pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    let Some(change) = state.interrupted.current() else {
        return;
    };
    let theme = &state.theme;
    let rect = centered(area, area.width.saturating_sub(4).min(110), 9);
    let width = rect.width.saturating_sub(2) as usize;
    let line = |s: String, slot: Slot| text::line(text::fit(&s, width), style(theme, slot));
    let mut lines = vec![
        line(
            format!(
                "{} of {}, journaled {}: the journal has its intent but no outcome",
                change.plan.id,
                change.plan.operation(),
                change.time
            ),
            Slot::Muted,
        ),
        line(format!("planned: {}", change.plan.title()), Slot::Text),
        line(format!("AWS now holds: {}", change.counts()), Slot::Warning),
    ];
    for (class, label) in [
        (TargetClass::Applied, "applied"),
        (TargetClass::NotApplied, "not applied"),
        (TargetClass::Unknown, "unknown"),
    ] {
        lines.extend(targets_line(change, class, label).map(|t| line(t, Slot::Text)));
    }
    let keys = state.keymap.hints(
        Context::Preview,
        &[
            (Action::FinishInterrupted, "finish the rest"),
            (Action::UndoInterrupted, "undo the applied part"),
            (Action::MarkReviewed, "mark reviewed"),
            (Action::Back, "later"),
        ],
    );
    lines.push(Line::from(hint_spans(theme, &keys)));
    let more = state.interrupted.changes.len();
    let title = if more > 1 {
        format!(" Interrupted change (1 of {more}) ")
    } else {
        " Interrupted change ".to_string()
    };
    let block = Block::bordered()
        .title(text::raw_line(title))
        .border_style(style(theme, Slot::Warning));
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

/// "  applied: f-1, f-2 … (+8)", `None` when no target is of `class`.
fn targets_line(change: &InterruptedChange, class: TargetClass, label: &str) -> Option<String> {
    let targets = change.targets(class);
    let shown: Vec<&str> = targets.iter().take(3).map(String::as_str).collect();
    let rest = targets.len().saturating_sub(shown.len());
    (!targets.is_empty()).then(|| {
        let mut text = format!("  {label}: {}", shown.join(", "));
        if rest > 0 {
            text.push_str(&format!(" (+{rest})"));
        }
        text
    })
}
