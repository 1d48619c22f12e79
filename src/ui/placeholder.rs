//! Panes that are not wired up yet: a clear "not yet connected" message.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::style::style;
use crate::app::PaneId;
use crate::theme::{Slot, Theme};

pub fn draw(frame: &mut Frame, area: Rect, pane: PaneId, theme: &Theme) {
    let message = pane.placeholder().unwrap_or_default();
    let block = Block::bordered()
        .title(format!(" {} ", pane.title()))
        .border_style(style(theme, Slot::Border));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let top = inner.height.saturating_sub(3) / 2;
    let body = Rect {
        y: inner.y + top,
        height: inner.height - top,
        ..inner
    };
    let text = Paragraph::new(message)
        .style(style(theme, Slot::Muted))
        .alignment(Alignment::Center)
        .wrap(Wrap { trim: true });
    frame.render_widget(text, body);
}
