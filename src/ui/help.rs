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
    // As wide as the longest line needs, within the terminal (2 cells spare each side);
    // descriptions that still do not fit wrap under themselves instead of being cut.
    let longest = sections
        .iter()
        .flat_map(|s| {
            s.entries
                .iter()
                .map(|(_, d)| key_width + 2 + text::width(d))
        })
        .max()
        .unwrap_or(0);
    let width = (longest as u16 + 2)
        .min(area.width.saturating_sub(4))
        .max(20);
    let desc_width = (width as usize).saturating_sub(key_width + 4).max(10);
    let mut lines = Vec::with_capacity(line_count(&sections));
    for s in &sections {
        lines.push(text::line(s.title.clone(), style(theme, Slot::Header)));
        for (keys, desc) in &s.entries {
            for (i, part) in words(desc, desc_width).into_iter().enumerate() {
                let keys = if i == 0 { keys.as_str() } else { "" };
                lines.push(Line::from(vec![
                    text::span(format!("  {keys:<key_width$}"), style(theme, Slot::Key)),
                    text::span(part, style(theme, Slot::Text)),
                ]));
            }
        }
        lines.push(Line::default());
    }
    let rect = centered(area, width, lines.len() as u16 + 2);
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

/// `s` in lines of at most `width` columns, broken between words (our own text: the
/// descriptions of the actions); a word longer than a line is cut by `text::wrap`.
fn words(s: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in s.split(' ') {
        let wanted = text::width(&line) + usize::from(!line.is_empty()) + text::width(word);
        if wanted > width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
        .into_iter()
        .flat_map(|l| text::wrap(&l, width))
        .collect()
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

#[cfg(test)]
mod tests {
    #[test]
    fn descriptions_break_between_words() {
        assert_eq!(
            super::words("edit the server-side filter", 12),
            ["edit the", "server-side", "filter"]
        );
        assert_eq!(super::words("abcdefgh", 5), ["abcde", "fgh"]);
    }
}
