//! Mouse events, hit-tested against the layout the UI draws (`layout::tabs`,
//! `layout::panes::rows`) and turned into the actions a key would send: a click on a tab
//! shows its pane, a click on a row moves the selection there (`MoveDown` / `MoveUp`), a
//! click on the selected row opens it (`Open`, so a double-click opens too), the wheel
//! moves by `WHEEL_ROWS` in whatever has the keyboard (tables, previews, help).

use super::action::Action;
use super::effect::Effect;
use super::layout::panes::{Rows, RowsOf};
use super::layout::{self, screen};
use super::modal::{self, Layer};
use super::panes::audits::Focus;
use super::{State, dispatch};

/// Rows one wheel notch moves.
pub const WHEEL_ROWS: usize = 3;

/// A mouse event at a cell (0-based column and row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mouse {
    pub kind: MouseKind,
    pub column: u16,
    pub row: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MouseKind {
    /// The left button went down.
    Click,
    ScrollDown,
    ScrollUp,
}

/// A mouse event; ignored when the session has the mouse off (`--no-mouse`) or the screen
/// is too small to show what it would act on.
pub fn handle(state: &mut State, mouse: Mouse) -> Vec<Effect> {
    if !state.session.mouse || state.too_small() {
        return Vec::new();
    }
    match mouse.kind {
        MouseKind::ScrollDown => wheel(state, Action::MoveDown),
        MouseKind::ScrollUp => wheel(state, Action::MoveUp),
        MouseKind::Click => click(state, mouse.column, mouse.row),
    }
}

/// The wheel scrolls whatever has the keyboard, unless that is a text field.
fn wheel(state: &mut State, action: Action) -> Vec<Effect> {
    if modal::top(state).reads_keys() {
        return Vec::new();
    }
    state.dirty = true;
    (0..WHEEL_ROWS)
        .flat_map(|_| dispatch(state, action.clone()))
        .collect()
}

/// Clicks act on the pane (or the journal view over it) only: over a dialog or the help
/// they would act on something hidden.
fn click(state: &mut State, column: u16, row: u16) -> Vec<Effect> {
    if !matches!(modal::top(state), Layer::Pane | Layer::Journal) {
        return Vec::new();
    }
    let notes = state.notifications.lines();
    let frame = screen(state.size.0, state.size.1, notes);
    if frame.tabs.contains(column, row) {
        let tab = layout::tabs(frame.tabs)
            .into_iter()
            .find(|(_, _, area)| area.contains(column, row));
        return match tab {
            Some((pane, _, _)) => {
                state.dirty = true;
                dispatch(state, Action::ShowPane(pane))
            }
            None => Vec::new(),
        };
    }
    let hit = layout::panes::rows(state)
        .into_iter()
        .find_map(|rows| rows.index_at(column, row).map(|i| (rows, i)));
    match hit {
        Some((rows, index)) => {
            state.dirty = true;
            select(state, rows, index)
        }
        None => Vec::new(),
    }
}

/// Moves the selection of `rows` to `index` the way the keys would; the selected row again
/// opens it.
fn select(state: &mut State, rows: Rows, index: usize) -> Vec<Effect> {
    // The audits pane has two lists: a click in the one without the focus gives it the focus.
    let refocus = match (rows.of, state.audits.focus) {
        (RowsOf::AuditTasks, Focus::Findings) => Some(Focus::Tasks),
        (RowsOf::AuditFindings, Focus::Tasks) => Some(Focus::Findings),
        _ => None,
    };
    if let Some(focus) = refocus {
        state.audits.focus = focus;
        if focus == Focus::Findings {
            state.audits.finding_cursor = 0;
        }
    } else if index == rows.selected {
        return dispatch(state, Action::Open);
    }
    let (action, steps) = if index >= rows.selected {
        (Action::MoveDown, index - rows.selected)
    } else {
        (Action::MoveUp, rows.selected - index)
    };
    (0..steps)
        .flat_map(|_| dispatch(state, action.clone()))
        .collect()
}
