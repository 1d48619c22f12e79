//! The rows the screen spends around the findings table. `update()` needs them to move by
//! a screenful (PgDn); the UI lays the frame out with the same numbers. Defined once here.

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
