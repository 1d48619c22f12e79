//! The console's panes, in tab order, and the one interface the root routes through.
//! A pane is a folder here (state, messages, keys, `reduce`, `after_change`) and one in
//! `src/ui/panes/` with the same name (its drawing). The journal view is a room too: it
//! takes the keyboard over whichever pane is showing.

pub mod analyzer;
pub mod audits;
pub mod findings;
pub mod ipsets;
pub mod journal;
#[cfg(test)]
mod routing_tests;

use super::State;
use super::action::Action;
use super::effect::Effect;
use super::keymap::Context;
use crate::domain::plan::{ChangeOutcome, ChangePlan};

/// A change the executor reported back: the plan as it was sent (when it is the one the
/// pipeline was executing) and what AWS said.
#[derive(Debug, Clone, PartialEq)]
pub struct FinishedChange {
    pub plan: Option<ChangePlan>,
    pub outcome: ChangeOutcome,
}

/// Each pane's task results and `:` commands, as one `Action::Pane`: the root hands them
/// to `reduce` here, which folds each into its pane.
#[derive(Debug, Clone, PartialEq)]
pub enum PaneMsg {
    Findings(findings::FindingsMsg),
    Analyzer(analyzer::AnalyzerMsg),
    IpSets(ipsets::IpSetsMsg),
    Audits(Box<audits::AuditsMsg>),
    Journal(journal::JournalMsg),
}

impl PaneMsg {
    /// The `:` command of a message that starts a change (`:archive REASON`), if it is one.
    pub fn change_command(&self) -> Option<&'static str> {
        match self {
            PaneMsg::Audits(msg) => msg.change_command(),
            PaneMsg::Analyzer(msg) => msg.change_command(),
            PaneMsg::Findings(_) | PaneMsg::IpSets(_) | PaneMsg::Journal(_) => None,
        }
    }
}

/// Folds a pane message into its pane.
pub fn reduce(state: &mut State, msg: PaneMsg) -> Vec<Effect> {
    match msg {
        PaneMsg::Findings(msg) => findings::reduce(state, msg),
        PaneMsg::Analyzer(msg) => analyzer::reduce(state, msg),
        PaneMsg::IpSets(msg) => ipsets::reduce(state, msg),
        PaneMsg::Audits(msg) => audits::reduce(state, *msg),
        PaneMsg::Journal(msg) => journal::reduce(state, msg),
    }
}

/// What `update` asks the readers in `tasks/` for (`Effect::Read`), by pane; each pane
/// declares its own reads next to its messages.
#[derive(Debug, Clone, PartialEq)]
pub enum ReadRequest {
    /// STS GetCallerIdentity, for the status bar.
    CallerIdentity,
    Findings(findings::FindingsRead),
    Analyzer(analyzer::AnalyzerRead),
    IpSets(ipsets::IpSetsRead),
    Audits(audits::IotRead),
}

/// What the root knows about a pane. Each pane's task results arrive as its own message
/// type (`PaneMsg::Findings(FindingsMsg)`, ...) and are folded in by its `reduce`.
pub trait Pane: Sync {
    /// The keymap section looked up first while this room has the keyboard.
    fn context(&self) -> Context;
    /// The pane came into view: load what it shows.
    fn on_show(&self, _state: &mut State) -> Vec<Effect> {
        Vec::new()
    }
    /// A bindable action while this pane has the keyboard.
    fn handle(&self, state: &mut State, action: Action) -> Vec<Effect>;
    /// A change finished, whichever pane started it: every pane sees every outcome.
    fn after_change(&self, state: &mut State, change: &FinishedChange) -> Vec<Effect>;
    /// Something of this pane is in progress (the spinner turns).
    fn is_busy(&self, _state: &State) -> bool {
        false
    }
}

/// Every room, the journal view included, in the order outcomes are folded in.
const ROOMS: [&dyn Pane; 5] = [
    &findings::Room,
    &analyzer::Room,
    &ipsets::Room,
    &audits::Room,
    &journal::Room,
];

/// The room of a tab.
pub fn room(id: PaneId) -> &'static dyn Pane {
    match id {
        PaneId::Findings => &findings::Room,
        PaneId::Analyzer => &analyzer::Room,
        PaneId::IpSets => &ipsets::Room,
        PaneId::Audits => &audits::Room,
    }
}

/// The room that has the keyboard: the journal view when open, else the pane in view.
pub fn room_in_view(state: &State) -> &'static dyn Pane {
    if state.journal.is_some() {
        &journal::Room
    } else {
        room(state.pane)
    }
}

pub fn after_change(state: &mut State, change: &FinishedChange) -> Vec<Effect> {
    ROOMS
        .iter()
        .flat_map(|room| room.after_change(state, change))
        .collect()
}

pub fn any_busy(state: &State) -> bool {
    ROOMS.iter().any(|room| room.is_busy(state))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PaneId {
    Findings,
    Analyzer,
    IpSets,
    Audits,
}

impl PaneId {
    pub const ALL: [PaneId; 4] = [
        PaneId::Findings,
        PaneId::Analyzer,
        PaneId::IpSets,
        PaneId::Audits,
    ];

    pub fn title(self) -> &'static str {
        match self {
            PaneId::Findings => "Findings",
            PaneId::Analyzer => "Access Analyzer",
            PaneId::IpSets => "WAF IP sets",
            PaneId::Audits => "IoT audits",
        }
    }

    /// The heading of its keymap section in the help overlay.
    pub fn section_title(self) -> &'static str {
        match self {
            PaneId::Findings => "Findings pane",
            PaneId::Analyzer => "Access Analyzer pane",
            PaneId::IpSets => "WAF IP sets pane",
            PaneId::Audits => "IoT audits pane",
        }
    }

    /// The name of the action that shows it, as written in keymaps (`show_findings`).
    pub fn show_action(self) -> &'static str {
        match self {
            PaneId::Findings => "show_findings",
            PaneId::Analyzer => "show_analyzer",
            PaneId::IpSets => "show_ip_sets",
            PaneId::Audits => "show_audits",
        }
    }

    /// The short word after its key in footers.
    pub fn label(self) -> &'static str {
        match self {
            PaneId::Findings => "findings",
            PaneId::Analyzer => "analyzer",
            PaneId::IpSets => "ip sets",
            PaneId::Audits => "audits",
        }
    }

    /// What it shows, for the help overlay.
    pub fn description(self) -> &'static str {
        match self {
            PaneId::Findings => "Security Hub findings",
            PaneId::Analyzer => "Access Analyzer",
            PaneId::IpSets => "WAF IP sets",
            PaneId::Audits => "IoT Device Defender audits",
        }
    }

    /// The `:` command that shows this pane; also its keymap section's name.
    pub fn command(self) -> &'static str {
        match self {
            PaneId::Findings => "findings",
            PaneId::Analyzer => "analyzer",
            PaneId::IpSets => "ipsets",
            PaneId::Audits => "audits",
        }
    }

    pub fn index(self) -> usize {
        PaneId::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    /// The next pane (`step` 1) or the previous one (`step` -1), wrapping around.
    pub fn step(self, step: isize) -> PaneId {
        let n = PaneId::ALL.len() as isize;
        PaneId::ALL[((self.index() as isize + step).rem_euclid(n)) as usize]
    }
}
