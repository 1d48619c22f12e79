//! Pure rendering: `draw(frame, state)` lays out the screen from borrowed state and
//! never changes it. One module per pane or overlay.

mod columns;
mod command;
mod help;
mod interrupted;
mod panes;
mod pipeline;
mod status;
pub mod style;
mod tabs;
pub mod text;
pub mod text_input;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::{State, layout};
use crate::theme::Slot;

/// Below this the layout cannot show a table row; we say so instead (and `update`
/// swallows every key but quit).
pub use crate::app::layout::{MIN_HEIGHT, MIN_WIDTH};

pub use panes::findings::SPINNER;

pub fn draw(frame: &mut Frame, state: &State) {
    draw_layers(frame, state);
    style::paint_background(frame.buffer_mut(), &state.theme);
}

fn draw_layers(frame: &mut Frame, state: &State) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let msg = format!(
            "terminal too small (need {MIN_WIDTH}x{MIN_HEIGHT}, have {}x{})",
            area.width, area.height
        );
        let text = Paragraph::new(text::raw_line(msg))
            .style(style::style(&state.theme, Slot::Warning))
            .wrap(Wrap { trim: true });
        frame.render_widget(text, area);
        return;
    }
    let notes = state.notifications.lines();
    // The same rectangles `update()` hit-tests mouse clicks against.
    let screen = layout::screen(area.width, area.height, notes);
    let (body, notes_area) = (rect(screen.body), rect(screen.notes));
    let (status_area, prompt_area) = (rect(screen.status), rect(screen.prompt));
    tabs::draw(frame, screen.tabs, state);
    panes::draw(frame, body, state);
    status::draw_notifications(frame, notes_area, state);
    status::draw_status(frame, status_area, state);
    command::draw(frame, prompt_area, state);
    if state.interrupted.is_open() {
        interrupted::draw(frame, body, state);
    }
    pipeline::draw(frame, body, state);
    if let Some(scroll) = state.help {
        help::draw(frame, body, state, scroll);
    }
}

/// A layout rectangle (`app::layout`) as ratatui's.
pub(crate) fn rect(a: layout::Area) -> Rect {
    Rect::new(a.x, a.y, a.width, a.height)
}

/// A ratatui rectangle as the layout's, to split it the way `app::layout` does.
pub(crate) fn area(r: Rect) -> layout::Area {
    layout::Area::new(r.x, r.y, r.width, r.height)
}
