//! The tab bar: one tab per pane, numbered like the keys that select them.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::style::style;
use crate::app::{PaneId, State};
use crate::theme::Slot;
use crate::ui::text;

pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    let theme = &state.theme;
    let mut spans = Vec::new();
    for pane in PaneId::ALL {
        let slot = if pane == state.pane {
            Slot::TabActive
        } else {
            Slot::Tab
        };
        spans.push(text::span(
            format!(" {} {} ", pane.index() + 1, pane.title()),
            style(theme, slot),
        ));
        spans.push(text::span("│", style(theme, Slot::Border)));
    }
    spans.pop();
    frame.render_widget(Line::from(spans), area);
}
