//! Drawing a text field: its text with the cursor, `▏` after the last character or the
//! character under it in reverse video, in the field's style.

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::app::widgets::TextInput;
use crate::ui::text;

/// The end-of-text cursor.
pub const CURSOR: &str = "▏";

/// `text` with the cursor at character `cursor` (`None`: no cursor, the field is not
/// focused).
pub fn cursor_spans(text: &str, cursor: Option<usize>, style: Style) -> Vec<Span<'static>> {
    let Some(cursor) = cursor else {
        return vec![text::span(text.to_string(), style)];
    };
    let split = text
        .char_indices()
        .nth(cursor)
        .map_or(text.len(), |(i, _)| i);
    let (before, rest) = text.split_at(split);
    let mut chars = rest.chars();
    let Some(under) = chars.next() else {
        return vec![text::span(format!("{before}{CURSOR}"), style)];
    };
    // On a field drawn reversed already (a selected row), the cursor cell is the one
    // that is not.
    let cursor_style = if style.add_modifier.contains(Modifier::REVERSED) {
        style.remove_modifier(Modifier::REVERSED)
    } else {
        style.add_modifier(Modifier::REVERSED)
    };
    vec![
        text::span(before.to_string(), style),
        text::span(under.to_string(), cursor_style),
        text::span(chars.as_str().to_string(), style),
    ]
}

/// A focused field's spans.
pub fn spans(input: &TextInput, style: Style) -> Vec<Span<'static>> {
    cursor_spans(input.value(), Some(input.cursor()), style)
}

/// A focused multi-line field (the note editor): one line per `\n`, the last `max`
/// lines, the cursor on its line.
pub fn lines(input: &TextInput, style: Style, max: usize) -> Vec<Line<'static>> {
    let mut start = 0;
    let body: Vec<Line> = input
        .value()
        .split('\n')
        .map(|line| {
            let len = line.chars().count();
            let at = input.cursor().checked_sub(start).filter(|c| *c <= len);
            start += len + 1;
            Line::from(cursor_spans(line, at, style))
        })
        .collect();
    let skip = body.len().saturating_sub(max);
    body.into_iter().skip(skip).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(spans: &[Span]) -> Vec<String> {
        spans.iter().map(|s| s.content.to_string()).collect()
    }

    #[test]
    fn the_cursor_is_a_bar_at_the_end_and_a_reversed_cell_inside() {
        let mut input = TextInput::new("sev=HIGH");
        assert_eq!(texts(&spans(&input, Style::default())), ["sev=HIGH▏"]);
        input.handle_key(crate::app::Key::plain(crate::app::KeyCode::Home));
        let s = spans(&input, Style::default());
        assert_eq!(texts(&s), ["", "s", "ev=HIGH"]);
        assert!(s[1].style.add_modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn a_note_shows_the_cursor_on_its_line() {
        let mut input = TextInput::new("one\ntwo");
        for _ in 0..4 {
            input.handle_key(crate::app::Key::plain(crate::app::KeyCode::Left));
        }
        let l = lines(&input, Style::default(), 5);
        let shown: Vec<String> = l.iter().map(|l| l.to_string()).collect();
        assert_eq!(shown, ["one▏", "two"]);
    }
}
