//! The tab bar: one tab per pane, numbered like the keys that select them, each where
//! `layout::tabs` puts it (a click there shows the pane).

use ratatui::Frame;
use ratatui::text::Line;

use super::style::style;
use crate::app::State;
use crate::app::layout::{self, Area};
use crate::theme::Slot;
use crate::ui::text;

pub fn draw(frame: &mut Frame, area: Area, state: &State) {
    let theme = &state.theme;
    let mut spans = Vec::new();
    for (pane, label, _) in layout::tabs(area) {
        let slot = if pane == state.pane {
            Slot::TabActive
        } else {
            Slot::Tab
        };
        spans.push(text::span(label, style(theme, slot)));
        spans.push(text::span(
            layout::TAB_SEPARATOR,
            style(theme, Slot::Border),
        ));
    }
    spans.pop();
    frame.render_widget(Line::from(spans), super::rect(area));
}
