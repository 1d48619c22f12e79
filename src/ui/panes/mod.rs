//! One drawing room per pane, named as in `app::panes`.

pub(crate) mod analyzer;
pub(crate) mod audits;
pub(crate) mod findings;
pub(crate) mod ipsets;
pub(crate) mod journal;

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::app::{PaneId, State};

/// The pane in view, and the journal view over it when open.
pub(crate) fn draw(frame: &mut Frame, area: Rect, state: &State) {
    match state.pane {
        PaneId::Findings => match &state.findings.detail {
            Some(view) => findings::detail::draw(frame, area, view, &state.theme),
            None => findings::draw(frame, area, state),
        },
        PaneId::IpSets => ipsets::draw(frame, area, state),
        PaneId::Analyzer => analyzer::draw(frame, area, state),
        PaneId::Audits => audits::draw(frame, area, state),
    }
    if let Some(view) = &state.journal {
        journal::draw(frame, area, state, view);
    }
}
