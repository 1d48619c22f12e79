//! The rows the screen spends around the findings table. `update()` needs them to move by
//! a screenful (PgDn); the UI lays the frame out with the same numbers. Defined once here.

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
