//! Preview lines: the diff a user approves, as data (the UI picks the colours by kind).

use serde::{Deserialize, Serialize};

/// How a preview line should be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineKind {
    Header,
    Context,
    Removed,
    Added,
    /// A plan's guardrail, or what the change cannot do (an undo that cannot restore).
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewLine {
    pub kind: LineKind,
    pub text: String,
}

impl PreviewLine {
    pub fn new(kind: LineKind, text: impl Into<String>) -> Self {
        PreviewLine {
            kind,
            text: text.into(),
        }
    }

    pub fn header(text: impl Into<String>) -> Self {
        Self::new(LineKind::Header, text)
    }

    pub fn context(text: impl Into<String>) -> Self {
        Self::new(LineKind::Context, text)
    }
}
