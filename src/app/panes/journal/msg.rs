//! What reaches the journal view from `:journal` and the journal reader.

use crate::journal::Entry;

#[derive(Debug, Clone, PartialEq)]
pub enum JournalMsg {
    /// `:journal [TEXT]`: the journal view, filtered by TEXT.
    Show(String),
    /// The journal file as read (every entry, oldest first).
    Loaded(Result<Vec<Entry>, String>),
}
