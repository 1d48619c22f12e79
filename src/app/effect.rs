//! Effects: what `update()` asks the outside world to do. Reads may run in any session;
//! `Mutate` is only carried out by the mutation executor, which a read-only session
//! never constructs.

use crate::domain::plan::ChangePlan;

/// Reads are declared with the panes that ask for them (`panes::ReadRequest`).
pub use super::panes::ReadRequest;

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Read(ReadRequest),
    Mutate(ChangePlan),
    /// Write findings to `path` (format from the extension); answered with a notification.
    ExportFindings {
        path: String,
        findings: Vec<crate::domain::finding::Finding>,
    },
    /// Put text on the terminal's clipboard (OSC 52).
    Copy(String),
    /// Open a URL in a browser, if one is available (the URL is also shown to the user).
    OpenUrl(String),
    /// Load a theme by name or path; answered with `Action::ThemeLoaded`.
    LoadTheme(String),
    /// Remember `name` as the analyzer chosen under `key` (profile|account|region) in the
    /// state file, for the next session.
    RememberAnalyzer {
        key: String,
        name: String,
    },
    /// Read the journal file; answered with `Action::Pane(PaneMsg::Journal(crate::app::JournalMsg::Loaded))`.
    LoadJournal,
    Quit,
}
