//! The `?` overlay, drawn from `app::help::sections` (which reads the live keymap).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph};

use super::style::{centered, style};
use crate::app::help::{line_count, sections};
use crate::app::{Action, Context, State};
use crate::theme::Slot;
use crate::ui::text;

pub fn draw(frame: &mut Frame, area: Rect, state: &State, scroll: usize) {
    let theme = &state.theme;
    let ctx = Context::of(state);
    let sections = sections(&state.keymap, ctx, state.session.read_only);
    let key_width = sections
        .iter()
        .flat_map(|s| s.entries.iter().map(|(k, _)| k.chars().count()))
        .max()
        .unwrap_or(0)
        + 2;
    let mut lines = Vec::with_capacity(line_count(&sections));
    for s in &sections {
        lines.push(text::line(s.title.clone(), style(theme, Slot::Header)));
        for (keys, desc) in &s.entries {
            lines.push(Line::from(vec![
                text::span(format!("  {keys:<key_width$}"), style(theme, Slot::Key)),
                text::span(desc.clone(), style(theme, Slot::Text)),
            ]));
        }
        lines.push(Line::default());
    }
    let rect = centered(area, 76, lines.len() as u16 + 2);
    let max_scroll = lines
        .len()
        .saturating_sub(rect.height.saturating_sub(2) as usize);
    let scroll = scroll.min(max_scroll) as u16;
    let block = Block::bordered()
        .title(text::raw_line(title(state, ctx)))
        .border_style(style(theme, Slot::BorderFocused));
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), rect);
}

/// " Keys (esc closes, j/k scroll) ", with the keys in force (any other key closes too).
fn title(state: &State, ctx: Context) -> String {
    let key = |a: &Action| state.keymap.hint(ctx, a);
    let mut parts = Vec::new();
    if let Some(k) = key(&Action::Back) {
        parts.push(format!("{k} closes"));
    }
    if let (Some(down), Some(up)) = (key(&Action::MoveDown), key(&Action::MoveUp)) {
        parts.push(format!("{down}/{up} scroll"));
    }
    match parts.is_empty() {
        true => " Keys ".to_string(),
        false => format!(" Keys ({}) ", parts.join(", ")),
    }
}
