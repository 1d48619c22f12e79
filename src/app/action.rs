//! The one `Action` enum. Bindable actions are serde-named (`move_down`, `quit`) so the
//! keymap is data; the variants marked `#[serde(skip)]` are internal: key presses, task
//! results and notifications fed back into `update()`.

use serde::{Deserialize, Serialize};

use super::keys::Key;
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
    // ---- bindable: triage (findings pane)
    EditFilter,
    SortNext,
    SortReverse,
    MarkRange,
    MarkAll,
    ClearMarks,
    /// Write the current view (or the marked rows) to a file.
    ExportView,
    /// Copy the finding Id (table) or the top line (detail) to the clipboard (OSC 52).
    Copy,
    /// Open the finding's SourceUrl or console page (the URL is always shown).
    OpenUrl,
    /// Group by the next attribute (control, resource, product, account, severity, type, none).
    CycleGroup,
    // ---- bindable: changes (all go through the change pipeline)
    SetWorkflow,
    SetSeverity,
    AddNote,
    /// Verification state, confidence, criticality and user-defined fields (a small form).
    EditFields,
    /// Preview the failed findings of the last change again.
    RetryFailed,
    /// IoT audits: suppress the selected finding (asks for expiry and description).
    Suppress,
    /// IoT audits: delete the selected finding's suppression.
    Unsuppress,
    /// IoT audits: apply a mitigation action to the selected finding.
    Mitigate,
    /// IoT audits: start an on-demand audit of the enabled checks.
    StartAudit,
    /// IoT audits: import the selected audit into Security Hub.
    ImportAudit,
    /// IoT audits: the suppressions view (suppress edits, unsuppress deletes the selected).
    ListSuppressions,
    Approve,
    Reject,
    Undo,
    // ---- bindable: Access Analyzer pane (changes go through the change pipeline)
    /// Deny the finding's principal in the role's trust policy.
    Remediate,
    /// Remove secdeck's Deny for the finding from the role's trust policy.
    Rollback,
    /// Archive the marked (or selected) findings; asks for the reason.
    Archive,
    Unarchive,
    /// Build an archive rule from the selected finding.
    ArchiveSimilar,
    /// Mark / unmark the selected row for bulk actions.
    Mark,
    // ---- bindable: WAF IP sets pane
    /// REGIONAL <-> CLOUDFRONT.
    SwitchScope,
    AddAddresses,
    RemoveAddresses,
    /// Create an IP set in the current scope (name, version, description; previewed).
    CreateIpSet,
    /// Findings pane: add the remote IPs of the marked (or selected) findings to a chosen
    /// IP set, optionally setting the findings NOTIFIED, in one approval.
    BlockFromFinding,
    /// IP sets pane: sync IP sets from an ip-ranges.json (source, services, regions,
    /// aggregate, target sets; previewed per set).
    SyncIpRanges,
    /// IP sets pane: add the addresses listed in a file (one per line, `#` comments).
    AddAddressesFromFile,

    /// `:group NAME` (or `none`).
    #[serde(skip)]
    SetGrouping(String),
    // ---- internal
    #[serde(skip)]
    Key(Key),
    /// Text pasted into the terminal (bracketed paste): goes to the focused text field.
    #[serde(skip)]
    Paste(String),
    #[serde(skip)]
    Resize {
        width: u16,
        height: u16,
    },
    #[serde(skip)]
    Tick,
    #[serde(skip)]
    IdentityLoaded(Result<CallerIdentity, String>),
    /// The mutation executor finished (executed, verified, journaled) a plan.
    #[serde(skip)]
    ChangeFinished {
        outcome: ChangeOutcome,
        undo: Option<ChangePlan>,
    },
    #[serde(skip)]
    ThemeLoaded(Result<Theme, String>),
    /// Each pane's task results and commands, folded in by the pane's `reduce`.
    #[serde(skip)]
    Findings(crate::app::panes::findings::FindingsMsg),
    #[serde(skip)]
    Analyzer(crate::app::panes::analyzer::AnalyzerMsg),
    #[serde(skip)]
    IpSets(crate::app::panes::ipsets::IpSetsMsg),
    #[serde(skip)]
    Audits(Box<crate::app::panes::audits::AuditsMsg>),
    #[serde(skip)]
    Journal(crate::app::panes::journal::JournalMsg),
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
                | Action::SetSeverity
                | Action::AddNote
                | Action::EditFields
                | Action::RetryFailed
                | Action::Approve
                | Action::Undo
                | Action::Remediate
                | Action::Rollback
                | Action::Archive
                | Action::Unarchive
                | Action::ArchiveSimilar
                | Action::Suppress
                | Action::Unsuppress
                | Action::Mitigate
                | Action::StartAudit
                | Action::ImportAudit
                | Action::AddAddresses
                | Action::RemoveAddresses
                | Action::CreateIpSet
                | Action::BlockFromFinding
                | Action::SyncIpRanges
                | Action::AddAddressesFromFile
        ) || matches!(self, Action::Audits(a) if a.is_mutating())
            || matches!(self, Action::Analyzer(a) if a.is_mutating())
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
            Action::ScrollLeft => "scroll left (detail: previous tab)",
            Action::ScrollRight => "scroll right (detail: next tab)",
            Action::Open => "open detail",
            Action::Back => "back / close",
            Action::Refresh => "reload from AWS",
            Action::ResumeLoad => "resume a failed load",
            Action::Suppress => "suppress the selected audit finding (expiry, description)",
            Action::Unsuppress => "delete the selected audit finding's suppression",
            Action::Mitigate => "apply a mitigation action to the selected audit finding",
            Action::StartAudit => "start an on-demand audit (pick the checks)",
            Action::ImportAudit => "import the selected audit into Security Hub",
            Action::ListSuppressions => {
                "IoT: all suppressions, those expiring within 7 days highlighted"
            }
            Action::EditFilter => "edit the server-side filter (sev=HIGH status=NEW updated<7d)",
            Action::SortNext => "sort by the next column (server-side)",
            Action::SortReverse => "reverse the sort order",
            Action::MarkRange => "mark from the last marked row to here",
            Action::MarkAll => "mark every row in view",
            Action::ClearMarks => "clear marks",
            Action::Copy => "copy the finding Id, or in the detail the top line (OSC 52)",
            Action::OpenUrl => "open the finding's SourceUrl / console page",
            Action::CycleGroup => {
                "group by control / resource / product / account / severity / type"
            }
            Action::ExportView => {
                "export the view (or the marks) to a file: .jsonl .csv .json (ASFF)"
            }
            Action::SetWorkflow => {
                "set workflow status of marked / selected (preview, then approve)"
            }
            Action::SetSeverity => "set severity of marked / selected (preview, then approve)",
            Action::AddNote => "add a note to marked / selected (preview, then approve)",
            Action::EditFields => {
                "set verification / confidence / criticality / user fields of marked / selected (previewed)"
            }
            Action::RetryFailed => "retry the findings the last change could not update",
            Action::Approve => "approve the previewed change",
            Action::Reject => "reject the previewed change",
            Action::Undo => "undo the last change (previewed)",
            Action::Remediate => {
                "deny the finding's external access in the role trust policy (previewed)"
            }
            Action::Rollback => "remove secdeck's Deny for the finding (previewed)",
            Action::Archive => "archive marked / selected findings (reason required)",
            Action::Unarchive => "unarchive marked / selected findings (reason required)",
            Action::ArchiveSimilar => "archive rule from the selected finding (previewed)",
            Action::Mark => "mark / unmark the row",
            Action::SwitchScope => "WAF: switch scope REGIONAL / CLOUDFRONT",
            Action::AddAddresses => "WAF: add addresses to the IP set (previewed)",
            Action::RemoveAddresses => "WAF: remove addresses from the IP set (previewed)",
            Action::CreateIpSet => {
                "WAF: create an IP set: NAME IPV4|IPV6 [description] (previewed)"
            }
            Action::BlockFromFinding => {
                "block the finding's remote IPs in a WAF IP set (marked: all), optionally NOTIFIED"
            }
            Action::SyncIpRanges => "WAF: sync IP sets from AWS ip-ranges.json (previewed)",
            Action::AddAddressesFromFile => {
                "WAF: add the addresses in a file, one per line (previewed)"
            }
            _ => "",
        }
    }
}
