//! One drawing room per pane, named as in `app::panes`.

pub(crate) mod analyzer;
pub(crate) mod audits;
pub(crate) mod findings;
pub(crate) mod ipsets;
pub(crate) mod journal;
