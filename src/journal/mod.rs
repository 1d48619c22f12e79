//! The append-only audit journal: one JSON line before a change is executed ("intent")
//! and one after ("outcome"), each fsync'd, so a crash mid-change still leaves a record
//! of what was about to happen. Never holds credentials. The entry (data) and the file
//! (I/O) are separate so readers of entries need no file.

mod entry;
mod file;

pub use entry::{Entry, JournalContext, JournalResult, Phase, ResultStatus, interrupted};
pub use file::{Journal, JournalError};
