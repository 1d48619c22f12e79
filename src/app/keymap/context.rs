//! Keymap contexts: one section of the keymap per place that has the keyboard, and which
//! one has it now (derived from the state, never stored).

use crate::app::State;
use crate::app::modal::{self, Layer};
use crate::app::panes::PaneId;

/// A section of the keymap. Lookup tries the context's section, then `Global` (except in
/// `Input`, where every other key types text). Each pane's section is named after the pane
/// (`PaneId::command`), so a new pane brings its section without a change here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    Global,
    /// The pane in view has the keyboard.
    Pane(PaneId),
    /// The journal view (`:journal`), over whichever pane is showing.
    Journal,
    /// A text field or form has the keyboard (`:`, `/`, prompts, the note editor).
    Input,
    /// A modal of the change pipeline: the plan preview and the pickers before it.
    Preview,
}

/// Shorthands for the sections of the built-in panes, used by the actions table and tests.
#[allow(non_upper_case_globals)]
impl Context {
    pub const Findings: Context = Context::Pane(PaneId::Findings);
    pub const Analyzer: Context = Context::Pane(PaneId::Analyzer);
    pub const IpSets: Context = Context::Pane(PaneId::IpSets);
    pub const Audits: Context = Context::Pane(PaneId::Audits);
}

impl Context {
    /// Every section, in the order of `assets/keymap.toml` and the help overlay.
    pub fn all() -> impl Iterator<Item = Context> {
        std::iter::once(Context::Global)
            .chain(PaneId::ALL.into_iter().map(Context::Pane))
            .chain([Context::Journal, Context::Input, Context::Preview])
    }

    /// The section name in `assets/keymap.toml` and in the config (`[keys.findings]`).
    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Pane(pane) => pane.command(),
            Context::Journal => "journal",
            Context::Input => "input",
            Context::Preview => "preview",
        }
    }

    /// The heading of the section in the help overlay.
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::Pane(pane) => pane.section_title(),
            Context::Journal => "Journal",
            Context::Input => "Text input",
            Context::Preview => "Preview and pickers",
        }
    }

    pub fn parse(name: &str) -> Option<Context> {
        Context::all().find(|c| c.name() == name)
    }

    /// The keymap section for what has the keyboard (`modal::top`): a text field, a
    /// pipeline modal, else the room in view (the journal view when open, else the pane).
    /// The help overlay and the quit question use the section of the layer under them.
    pub fn of(state: &State) -> Context {
        let layer = modal::stack(state).find(|l| !matches!(l, Layer::ConfirmQuit | Layer::Help));
        match layer {
            Some(l) if l.reads_keys() => Context::Input,
            Some(Layer::Pipeline) => Context::Preview,
            _ => crate::app::panes::room_in_view(state).context(),
        }
    }
}
