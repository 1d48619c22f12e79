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
    // ---- bindable: navigation
    /// Show a pane; bound by the name `PaneId::show_action` gives (`show_findings`).
    #[serde(skip)]
    ShowPane(crate::app::panes::PaneId),
    NextPane,
    PrevPane,
    // ---- bindable: moving
    MoveDown,
    MoveUp,
    PageDown,
    PageUp,
    Top,
    Bottom,
    ScrollLeft,
    ScrollRight,
    // ---- bindable: views
    Help,
    CommandLine,
    Filter,
    Open,
    Back,
    Refresh,
    /// Retry the page that failed, keeping what already loaded.
    ResumeLoad,
    /// IoT audits: the suppressions view (suppress edits, unsuppress deletes the selected).
    ListSuppressions,
    /// REGIONAL <-> CLOUDFRONT.
    SwitchScope,
    // ---- bindable: triage
    /// Mark / unmark the selected row for bulk actions.
    Mark,
    EditFilter,
    SortNext,
    SortReverse,
    MarkRange,
    MarkAll,
    ClearMarks,
    /// Mark every row in view with the selected finding's control (else its generator).
    MarkSameControl,
    /// Mark every row in view on the selected finding's resource.
    MarkSameResource,
    /// Mark every row in view of the selected finding's type.
    MarkSameType,
    /// Write the current view (or the marked rows) to a file.
    ExportView,
    /// Group by the next attribute (control, resource, product, account, severity, type, none).
    CycleGroup,
    /// Copy the finding Id (table) or the top line (detail) to the clipboard (OSC 52).
    Copy,
    /// Open the finding's SourceUrl or console page (the URL is always shown).
    OpenUrl,
    // ---- bindable: changes (all go through the change pipeline)
    SetWorkflow,
    SetSeverity,
    AddNote,
    /// Verification state, confidence, criticality and user-defined fields (a small form).
    EditFields,
    /// Preview the failed findings of the last change again.
    RetryFailed,
    /// Findings pane: add the remote IPs of the marked (or selected) findings to a chosen
    /// IP set, optionally setting the findings NOTIFIED, in one approval.
    BlockFromFinding,
    /// Findings pane (OCSF): open a ticket for the marked (or selected) findings in a
    /// connector picked from ListConnectorsV2; AWS's DRYRUN answer is the preview.
    CreateTicket,
    /// Deny the finding's principal in the role's trust policy.
    Remediate,
    /// Remove secdeck's Deny for the finding from the role's trust policy.
    Rollback,
    /// Archive the marked (or selected) findings; asks for the reason.
    Archive,
    Unarchive,
    /// Build an archive rule from the selected finding.
    ArchiveSimilar,
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
    AddAddresses,
    RemoveAddresses,
    /// Create an IP set in the current scope (name, version, description; previewed).
    CreateIpSet,
    /// Delete the selected IP set (previewed; refused while a web ACL rule uses it).
    DeleteIpSet,
    /// IP sets pane: sync IP sets from an ip-ranges.json (source, services, regions,
    /// aggregate, target sets; previewed per set).
    SyncIpRanges,
    /// IP sets pane: add the addresses listed in a file (one per line, `#` comments).
    AddAddressesFromFile,
    /// The interrupted-changes banner: finish the rest, undo the applied part (both
    /// previewed), or mark it reviewed.
    FinishInterrupted,
    UndoInterrupted,
    MarkReviewed,
    Approve,
    /// Approve a previewed plan that a guardrail refuses (the guardrails are journaled).
    ApproveOverride,
    Reject,
    Undo,
    // ---- bindable: quitting (last in the views group)
    Quit,

    /// `:group NAME` (or `none`).
    #[serde(skip)]
    SetGrouping(String),
    // ---- internal
    #[serde(skip)]
    Key(Key),
    /// A click or wheel notch (`app::mouse`): hit-tested and turned into the actions above.
    #[serde(skip)]
    Mouse(crate::app::mouse::Mouse),
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
        /// Boxed: an outcome is large and actions are moved around a lot.
        outcome: Box<ChangeOutcome>,
        undo: Option<ChangePlan>,
    },
    #[serde(skip)]
    ThemeLoaded(Result<Theme, String>),
    /// The executor's answers about interrupted changes.
    #[serde(skip)]
    Interrupted(crate::app::interrupted::InterruptedMsg),
    /// Each pane's task results and commands, folded in by the pane's `reduce`.
    #[serde(skip)]
    Pane(crate::app::panes::PaneMsg),
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
    /// Actions that lead to a change in AWS (the table in `actions.rs` says which bindable
    /// ones do). In a read-only session they are absent from the keymap and the help, and
    /// refused with a message if they arrive anyway.
    pub fn is_mutating(&self) -> bool {
        match self {
            Action::Pane(msg) => msg.change_command().is_some(),
            other => super::actions::spec(other).is_some_and(|s| s.mutating),
        }
    }

    /// The name written in keymaps (`move_down`, `show_findings`).
    pub fn name(&self) -> String {
        match self {
            Action::ShowPane(pane) => return pane.show_action().to_string(),
            Action::Pane(msg) => return msg.change_command().unwrap_or_default().to_string(),
            _ => {}
        }
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    /// A one-line description for the help overlay (empty for internal actions).
    pub fn description(&self) -> &'static str {
        super::actions::spec(self).map_or("", |s| s.description)
    }

    /// The short word after the key in footers and hints ("w workflow").
    pub fn label(&self) -> &'static str {
        super::actions::spec(self).map_or("", |s| s.label)
    }
}
