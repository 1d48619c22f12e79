//! Where things are on screen, defined once: `update()` needs it to move by a screenful
//! (PgDn) and to hit-test mouse clicks, and the UI draws into exactly these rectangles.
//! `panes.rs` splits each pane's body the same way for both.

pub mod panes;

use super::panes::PaneId;

/// Below this the console cannot be drawn: the screen says so and every key but quit is
/// swallowed (a key must never act on something the user cannot see).
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;

/// The pane tabs at the top.
pub const TAB_BAR: u16 = 1;
/// The status bar (profile, account, region, badges).
pub const STATUS_BAR: u16 = 1;
/// The prompt / key-hint line at the bottom.
pub const PROMPT_LINE: u16 = 1;
/// The findings pane's filter and progress line.
pub const FINDINGS_SUMMARY: u16 = 1;
/// The findings pane's severity and workflow counts.
pub const FINDINGS_STRIP: u16 = 1;
/// A bordered table's top and bottom border and its header row.
pub const TABLE_FRAME: u16 = 3;

/// Every row of the frame that is not a findings table row (no notifications shown).
pub const FINDINGS_TABLE_CHROME: u16 =
    TAB_BAR + STATUS_BAR + PROMPT_LINE + FINDINGS_SUMMARY + FINDINGS_STRIP + TABLE_FRAME;

/// Rows between the tab bar and the status bar, with `notifications` lines shown.
pub fn body_rows(screen_height: u16, notifications: u16) -> u16 {
    screen_height.saturating_sub(TAB_BAR + STATUS_BAR + PROMPT_LINE + notifications)
}

/// The preview modal's rows around its diff: two borders, the scroll line, the approval line.
pub const PREVIEW_CHROME: u16 = 4;

/// How many of a preview's `lines` are on screen at once in a body of `body_rows`: the
/// modal is as tall as its lines (and a spare row) need, at most the body.
pub fn preview_rows(lines: usize, body_rows: u16) -> usize {
    let wanted = u16::try_from(lines)
        .unwrap_or(u16::MAX)
        .saturating_add(PREVIEW_CHROME + 1);
    wanted.min(body_rows).saturating_sub(PREVIEW_CHROME) as usize
}

/// A rectangle of cells (the app's own type: `app` does not import ratatui; the UI turns
/// it into a `Rect`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Area {
    pub x: u16,
    pub y: u16,
    pub width: u16,
    pub height: u16,
}

impl Area {
    pub fn new(x: u16, y: u16, width: u16, height: u16) -> Area {
        Area {
            x,
            y,
            width,
            height,
        }
    }

    pub fn contains(&self, column: u16, row: u16) -> bool {
        (self.x..self.x.saturating_add(self.width)).contains(&column)
            && (self.y..self.y.saturating_add(self.height)).contains(&row)
    }

    /// Splits off `rows` rows at the top (fewer when there are not that many): (top, rest).
    pub fn take_top(self, rows: u16) -> (Area, Area) {
        let rows = rows.min(self.height);
        let top = Area {
            height: rows,
            ..self
        };
        let rest = Area {
            y: self.y + rows,
            height: self.height - rows,
            ..self
        };
        (top, rest)
    }

    /// Splits off `rows` rows at the bottom: (rest, bottom).
    pub fn take_bottom(self, rows: u16) -> (Area, Area) {
        let (rest, bottom) = self.take_top(self.height.saturating_sub(rows));
        (rest, bottom)
    }

    /// Inside a one-cell border (a bordered block's inner area).
    pub fn inner(self) -> Area {
        Area {
            x: self.x.saturating_add(1),
            y: self.y.saturating_add(1),
            width: self.width.saturating_sub(2),
            height: self.height.saturating_sub(2),
        }
    }
}

/// The frame's rows, top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Screen {
    pub tabs: Area,
    pub body: Area,
    pub notes: Area,
    pub status: Area,
    pub prompt: Area,
}

/// The frame of a `width` x `height` terminal with `notes` notification lines.
pub fn screen(width: u16, height: u16, notes: u16) -> Screen {
    let all = Area::new(0, 0, width, height);
    let (tabs, rest) = all.take_top(TAB_BAR);
    let (rest, prompt) = rest.take_bottom(PROMPT_LINE);
    let (rest, status) = rest.take_bottom(STATUS_BAR);
    let (body, notes) = rest.take_bottom(notes);
    Screen {
        tabs,
        body,
        notes,
        status,
        prompt,
    }
}

/// The tab bar's separator between two tabs.
pub const TAB_SEPARATOR: &str = "│";

/// Each pane's tab: its label (" 1 Findings ") and where it is drawn, left to right.
pub fn tabs(area: Area) -> Vec<(PaneId, String, Area)> {
    let mut x = area.x;
    let mut out = Vec::new();
    for pane in PaneId::ALL {
        let label = format!(" {} {} ", pane.index() + 1, pane.title());
        let width = (label.chars().count() as u16).min(area.right().saturating_sub(x));
        out.push((pane, label, Area::new(x, area.y, width, area.height)));
        x = x.saturating_add(width + TAB_SEPARATOR.chars().count() as u16);
    }
    out
}

impl Area {
    pub fn right(&self) -> u16 {
        self.x.saturating_add(self.width)
    }
}

/// The first row a table of `rows` visible rows draws, the selected one kept in view:
/// the previous `offset` when it still shows `selected`, else as little scrolling as will.
pub fn window(offset: usize, selected: usize, rows: usize) -> usize {
    let offset = offset.min(selected);
    if rows > 0 && selected >= offset + rows {
        selected + 1 - rows
    } else {
        offset
    }
}
