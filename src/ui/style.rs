//! Theme looks -> ratatui styles. The only place the theme's plain data meets ratatui.

use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};

use crate::domain::finding::Severity;
use crate::theme::{Colour, Look, Slot, Theme};

fn colour(c: Colour) -> Color {
    match c {
        Colour::Rgb(r, g, b) => Color::Rgb(r, g, b),
        Colour::Named(name) => match name {
            "black" => Color::Black,
            "red" => Color::Red,
            "green" => Color::Green,
            "yellow" => Color::Yellow,
            "blue" => Color::Blue,
            "magenta" => Color::Magenta,
            "cyan" => Color::Cyan,
            "gray" => Color::Gray,
            "darkgray" => Color::DarkGray,
            "lightred" => Color::LightRed,
            "lightgreen" => Color::LightGreen,
            "lightyellow" => Color::LightYellow,
            "lightblue" => Color::LightBlue,
            "lightmagenta" => Color::LightMagenta,
            "lightcyan" => Color::LightCyan,
            "white" => Color::White,
            _ => Color::Reset,
        },
    }
}

fn modifiers(look: Look) -> Modifier {
    let mut m = Modifier::empty();
    for (on, flag) in [
        (look.bold, Modifier::BOLD),
        (look.reverse, Modifier::REVERSED),
        (look.dim, Modifier::DIM),
        (look.italic, Modifier::ITALIC),
        (look.underline, Modifier::UNDERLINED),
    ] {
        if on {
            m |= flag;
        }
    }
    m
}

/// The style of a theme slot. `selection` colours the background, the rest the text.
pub fn style(theme: &Theme, slot: Slot) -> Style {
    let look = theme.look(slot);
    let mut s = Style::default().add_modifier(modifiers(look));
    if let Some(c) = look.colour {
        s = if matches!(slot, Slot::Selection | Slot::Background) {
            s.bg(colour(c))
        } else {
            s.fg(colour(c))
        };
    }
    s
}

/// Paints the theme's `background` (and `text` colour) into every cell the frame left
/// at the terminal's default, dialogs included: a light theme must not depend on the
/// terminal being light.
pub fn paint_background(buf: &mut ratatui::buffer::Buffer, theme: &Theme) {
    let Some(bg) = theme.look(Slot::Background).colour.map(colour) else {
        return;
    };
    let fg = theme.look(Slot::Text).colour.map(colour);
    for cell in buf.content.iter_mut() {
        if cell.bg == Color::Reset {
            cell.bg = bg;
        }
        if let (Color::Reset, Some(fg)) = (cell.fg, fg) {
            cell.fg = fg;
        }
    }
}

pub fn severity_slot(sev: Option<Severity>) -> Slot {
    match sev {
        Some(Severity::Critical) => Slot::SeverityCritical,
        Some(Severity::High) => Slot::SeverityHigh,
        Some(Severity::Medium) => Slot::SeverityMedium,
        Some(Severity::Low) => Slot::SeverityLow,
        Some(Severity::Informational) | None => Slot::SeverityInformational,
    }
}

/// A box of at most `width` x `height` centred in `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    area.centered(
        Constraint::Length(width.min(area.width)),
        Constraint::Length(height.min(area.height)),
    )
}

/// Key hints as spans: each key in the key colour, its label muted ("w workflow  q quit").
/// The pairs come from the keymap in force (`Keymap::hints`, `Keymap::footer`).
pub fn hint_spans(theme: &Theme, pairs: &[(String, &str)]) -> Vec<ratatui::text::Span<'static>> {
    let mut spans = Vec::with_capacity(pairs.len() * 2);
    for (key, label) in pairs {
        spans.push(super::text::span(key.clone(), style(theme, Slot::Key)));
        spans.push(super::text::span(
            format!(" {label}  "),
            style(theme, Slot::Muted),
        ));
    }
    spans
}

/// Key hints as one plain string, pairs joined by `sep` ("/ filter · + add").
pub fn hint_text(pairs: &[(String, &str)], sep: &str) -> String {
    pairs
        .iter()
        .map(|(k, l)| format!("{k} {l}"))
        .collect::<Vec<_>>()
        .join(sep)
}

/// A table row, in the selection colours when it is the selected one.
pub fn selectable_row<'a>(
    row: ratatui::widgets::Row<'a>,
    selected: bool,
    theme: &Theme,
) -> ratatui::widgets::Row<'a> {
    if selected {
        row.style(style(theme, Slot::Selection))
    } else {
        row
    }
}
