//! Keymap contexts: one section of the keymap per place that has the keyboard, and which
//! one has it now (derived from the state, never stored).

use crate::app::State;
use crate::app::modal::{self, Layer};

/// A section of the keymap. Lookup tries the context's section, then `Global` (except in
/// `Input`, where every other key types text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    Global,
    Findings,
    Analyzer,
    IpSets,
    Audits,
    Journal,
    /// A text field or form has the keyboard (`:`, `/`, prompts, the note editor).
    Input,
    /// A modal of the change pipeline: the plan preview and the pickers before it.
    Preview,
}

impl Context {
    pub const ALL: [Context; 8] = [
        Context::Global,
        Context::Findings,
        Context::Analyzer,
        Context::IpSets,
        Context::Audits,
        Context::Journal,
        Context::Input,
        Context::Preview,
    ];

    /// The section name in `assets/keymap.toml` and in the config (`[keys.findings]`).
    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Findings => "findings",
            Context::Analyzer => "analyzer",
            Context::IpSets => "ipsets",
            Context::Audits => "audits",
            Context::Journal => "journal",
            Context::Input => "input",
            Context::Preview => "preview",
        }
    }

    /// The heading of the section in the help overlay.
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::Findings => "Findings pane",
            Context::Analyzer => "Access Analyzer pane",
            Context::IpSets => "WAF IP sets pane",
            Context::Audits => "IoT audits pane",
            Context::Journal => "Journal",
            Context::Input => "Text input",
            Context::Preview => "Preview and pickers",
        }
    }

    pub fn parse(name: &str) -> Option<Context> {
        Context::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The keymap section for what has the keyboard (`modal::top`): a text field, a
    /// pipeline modal, else the room in view (the journal view when open, else the pane).
    /// The help overlay and the quit question use the section of the layer under them.
    pub fn of(state: &State) -> Context {
        let layer = modal::stack(state).find(|l| !matches!(l, Layer::ConfirmQuit | Layer::Help));
        match layer {
            Some(l) if l.reads_keys() => Context::Input,
            Some(Layer::Pipeline | Layer::Interrupted) => Context::Preview,
            _ => crate::app::panes::room_in_view(state).context(),
        }
    }
}
