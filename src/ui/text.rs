//! The one door from a string to the screen. Every string the UI shows (finding fields,
//! policy lines, IP set names, audit resources, notifications, errors, journal rows, typed
//! input) becomes ratatui text here, and here only, with the characters that can drive a
//! terminal or disguise what is read made visible (`⟨U+202E⟩`, see
//! [`sanitize`](crate::domain::sanitize)). Widths are measured on the visible form, so a
//! cut or a wrap happens after the markers are in. `tests/ui_text_boundary.rs` keeps the
//! other UI modules from building ratatui text from a string themselves.

use std::borrow::Cow;

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Cell;
use unicode_width::UnicodeWidthChar;

use crate::domain::sanitize;

/// `s` as it may be shown: hostile characters as `⟨U+XXXX⟩` (borrowed when there is none,
/// and idempotent: shown text passes through unchanged).
pub fn shown<'a>(s: impl Into<Cow<'a, str>>) -> Cow<'a, str> {
    match s.into() {
        Cow::Borrowed(b) => sanitize::visible(b),
        Cow::Owned(o) if o.chars().any(sanitize::is_hostile) => {
            Cow::Owned(sanitize::visible(&o).into_owned())
        }
        Cow::Owned(o) => Cow::Owned(o),
    }
}

/// A span of `s` in `style`.
pub fn span<'a>(s: impl Into<Cow<'a, str>>, style: Style) -> Span<'a> {
    Span::styled(shown(s), style)
}

/// An unstyled span of `s` (it takes the style of its line, row or cell).
pub fn raw<'a>(s: impl Into<Cow<'a, str>>) -> Span<'a> {
    Span::raw(shown(s))
}

/// A line of `s` in `style`.
pub fn line<'a>(s: impl Into<Cow<'a, str>>, style: Style) -> Line<'a> {
    Line::from(span(s, style))
}

/// An unstyled line of `s`: a block title, a paragraph that is styled as a whole.
pub fn raw_line<'a>(s: impl Into<Cow<'a, str>>) -> Line<'a> {
    Line::from(raw(s))
}

/// A table cell of `s`.
pub fn cell<'a>(s: impl Into<Cow<'a, str>>) -> Cell<'a> {
    Cell::from(raw(s))
}

/// Terminal columns `s` takes once shown.
pub fn width(s: &str) -> usize {
    shown(s).chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// `s` shown and cut to `width` columns, the cut marked with `…`.
pub fn fit(s: &str, width: usize) -> String {
    let s = shown(s);
    let total: usize = s.chars().map(|c| c.width().unwrap_or(0)).sum();
    if total <= width {
        return s.into_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width.saturating_sub(1) {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// `s` shown and split into pieces of at most `width` columns (a hard wrap: JSON and ARNs
/// have no good break points). Always at least one piece.
pub fn wrap(s: &str, width: usize) -> Vec<String> {
    let s = shown(s);
    if width == 0 || s.is_empty() {
        return vec![String::new()];
    }
    let mut pieces = vec![String::new()];
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width && used > 0 {
            pieces.push(String::new());
            used = 0;
        }
        pieces.last_mut().expect("one piece at least").push(c);
        used += w;
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_constructor_shows_hostile_characters() {
        let hostile = "\u{1b}]0;x\u{7}\u{202E}gnp.exe\u{200B}";
        let expect = "⟨U+001B⟩]0;x⟨U+0007⟩⟨U+202E⟩gnp.exe⟨U+200B⟩";
        assert_eq!(span(hostile, Style::default()).content, expect);
        assert_eq!(raw(hostile.to_string()).content, expect);
        assert_eq!(line(hostile, Style::default()).to_string(), expect);
        assert_eq!(raw_line(hostile).to_string(), expect);
        assert_eq!(fit(hostile, 100), expect);
        assert_eq!(wrap(hostile, 100), [expect]);
    }

    #[test]
    fn widths_are_measured_on_the_shown_text() {
        // One ESC is 8 columns once shown: the cut comes after the marker, not 8 chars later.
        assert_eq!(width("a\u{1b}b"), 10);
        assert_eq!(fit("a\u{1b}bcdef", 10), "a⟨U+001B⟩…");
        assert_eq!(wrap("ab\u{202E}", 4), ["ab⟨U", "+202", "E⟩"]);
        // Wide characters take two columns; a piece never splits one.
        assert_eq!(fit("検査検査", 5), "検査…");
        assert_eq!(wrap("検査検", 3), ["検", "査", "検"]);
        assert_eq!(fit("plain", 5), "plain");
        assert_eq!(fit("plain", 0), "");
    }

    #[test]
    fn shown_text_is_left_alone() {
        let once = shown("x\u{9b}y").into_owned();
        assert_eq!(shown(once.as_str()), once);
        assert!(matches!(shown("ordinary"), Cow::Borrowed(_)));
    }
}
