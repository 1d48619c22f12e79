//! The one `Action` enum. Bindable actions are serde-named (`move_down`, `quit`) so the
//! keymap is data; the variants marked `#[serde(skip)]` are internal: key presses, task
//! results and notifications fed back into `update()`.

use serde::{Deserialize, Serialize};

use super::keys::Key;
use crate::domain::finding::Finding;
use crate::domain::identity::CallerIdentity;
use crate::domain::plan::{ChangeOutcome, ChangePlan};
use crate::theme::Theme;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    // ---- bindable: navigation and views
    Quit,
    Help,
    CommandLine,
    Filter,
    NextPane,
    PrevPane,
    ShowFindings,
    ShowAnalyzer,
    ShowIpSets,
    ShowAudits,
    MoveUp,
    MoveDown,
    PageUp,
    PageDown,
    Top,
    Bottom,
    ScrollLeft,
    ScrollRight,
    Open,
    Back,
    Refresh,
    /// Retry the page that failed, keeping what already loaded.
    ResumeLoad,
    // ---- bindable: changes (all go through the change pipeline)
    SetWorkflow,
    Approve,
    Reject,
    Undo,
    // ---- bindable: WAF IP sets pane
    /// REGIONAL <-> CLOUDFRONT.
    SwitchScope,
    AddAddresses,
    RemoveAddresses,

    // ---- internal
    #[serde(skip)]
    Key(Key),
    #[serde(skip)]
    Resize {
        width: u16,
        height: u16,
    },
    #[serde(skip)]
    Tick,
    #[serde(skip)]
    IdentityLoaded(Result<CallerIdentity, String>),
    /// One page of GetFindings for request `request` (stale requests are ignored).
    #[serde(skip)]
    FindingsPage {
        request: u64,
        findings: Vec<Finding>,
        next_token: Option<String>,
    },
    /// A page failed; `next_token` is the token to resume from (None = the first page).
    #[serde(skip)]
    FindingsFailed {
        request: u64,
        error: String,
        next_token: Option<String>,
    },
    /// The mutation executor finished (executed, verified, journaled) a plan.
    #[serde(skip)]
    ChangeFinished {
        outcome: ChangeOutcome,
        undo: Option<ChangePlan>,
    },
    /// The IP sets of a scope with their addresses and referencing rules.
    #[serde(skip)]
    IpSetsLoaded {
        request: u64,
        result: Result<Vec<super::ipsets::IpSetRow>, String>,
    },
    #[serde(skip)]
    ThemeLoaded(Result<Theme, String>),
    #[serde(skip)]
    Notify {
        level: NotifyLevel,
        message: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NotifyLevel {
    Info,
    Success,
    Warning,
    Error,
}

impl Action {
    /// Actions that lead to a change in AWS. In a read-only session they are absent from
    /// the keymap and the help, and refused with a message if they arrive anyway.
    pub fn is_mutating(&self) -> bool {
        matches!(
            self,
            Action::SetWorkflow
                | Action::Approve
                | Action::Undo
                | Action::AddAddresses
                | Action::RemoveAddresses
        )
    }

    /// The serde name, as written in keymaps (`move_down`).
    pub fn name(&self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    /// A one-line description for the help overlay.
    pub fn description(&self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Help => "show / hide this help",
            Action::CommandLine => "command line (:findings, :theme NAME, :q ...)",
            Action::Filter => "filter the loaded rows",
            Action::NextPane => "next pane",
            Action::PrevPane => "previous pane",
            Action::ShowFindings => "Security Hub findings",
            Action::ShowAnalyzer => "Access Analyzer",
            Action::ShowIpSets => "WAF IP sets",
            Action::ShowAudits => "IoT Device Defender audits",
            Action::MoveUp => "up",
            Action::MoveDown => "down",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::Top => "first row",
            Action::Bottom => "last row",
            Action::ScrollLeft => "scroll left",
            Action::ScrollRight => "scroll right",
            Action::Open => "open detail",
            Action::Back => "back / close",
            Action::Refresh => "reload from AWS",
            Action::ResumeLoad => "resume a failed load",
            Action::SetWorkflow => "set workflow status (preview, then approve)",
            Action::Approve => "approve the previewed change",
            Action::Reject => "reject the previewed change",
            Action::Undo => "undo the last change (previewed)",
            Action::SwitchScope => "WAF: switch scope REGIONAL / CLOUDFRONT",
            Action::AddAddresses => "WAF: add addresses to the IP set (previewed)",
            Action::RemoveAddresses => "WAF: remove addresses from the IP set (previewed)",
            _ => "",
        }
    }
}
