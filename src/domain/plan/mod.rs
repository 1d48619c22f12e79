//! Change plans: the data every mutation is described as before anything is sent to AWS.
//! A plan can be previewed (as diff lines), approved, executed, journaled and inverted
//! into its undo plan. Every change type implements [`PlannedChange`] in its own module;
//! [`Change`] is the closed set of them (serde-tagged for the journal) and dispatches to
//! that interface, so the pipeline around it (preview, approval, execute, verify, journal,
//! undo) stays the same for every kind.

mod findings_update;
pub mod fresh;
mod id;
pub mod interrupted;
#[cfg(test)]
mod kinds_tests;
mod ocsf_update;
pub mod outcome;
mod preview;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::analyzer::{
    ArchiveRuleChange, ArchiveRuleView, FindingsStatusChange, FindingsStatusView,
    PermissionsChange, TrustPolicyEdit, TrustPolicyView,
};
pub use super::proofs::Proofs;
pub use super::triage::{TriageFields, VerificationState};
pub use findings_update::{FindingEdit, FindingsUpdate, GROUP_PREVIEW_ABOVE, NO_NOTE_BEFORE};
pub use fresh::{Moved, Refresh, Replan};
pub use id::PlanIds;
pub use interrupted::{InterruptedChange, Resolves, Way};
pub use ocsf_update::{COMMENT_STAYS, OcsfEdit, OcsfFindingsUpdate};
pub use outcome::{Observed, Reread, Rereads, TargetClass};
pub use preview::{LineKind, PreviewLine};

/// Above this many items an approval needs the count typed, not just `y`.
pub const BULK_THRESHOLD: usize = 10;

/// The interface every change type implements: what the pipeline asks of a change.
pub trait PlannedChange {
    /// The AWS operation the change executes, as `service:Operation`.
    fn operation(&self) -> &'static str;
    /// One line saying what the change does.
    fn title(&self) -> String;
    /// Number of AWS resources the change touches (bulk approval counts these).
    fn item_count(&self) -> usize;
    /// The targets, as the journal names them.
    fn targets(&self) -> Vec<String>;
    /// The diff the user approves.
    fn preview(&self) -> Vec<PreviewLine>;
    /// The change that puts back what this one changed, for the targets in `succeeded`;
    /// `None` when nothing can be undone.
    fn undo(&self, succeeded: &[String]) -> Option<Change>;
    /// Each target's values before and after, as the journal records them.
    fn journal_values(&self) -> JournalValues;
    /// Whether executing it changes WAF IP sets (the pane reloads after it).
    fn touches_ip_sets(&self) -> bool {
        false
    }
    /// Whether `now` (a re-read of `target`) holds what this change writes there: after a
    /// write met an error, `Some(true)` is applied, `Some(false)` not applied; `None`
    /// when AWS's state cannot tell (see [`outcome`]).
    fn holds_after(&self, _target: &str, _now: &Observed) -> Option<bool> {
        None
    }
    /// The fresh-state check: given every target re-read right before writing, what
    /// moved since the plan recorded its "before", and the change planned again against
    /// the state now. `None` when this kind keeps its own check (trust policies, IP set
    /// updates' lock-token loop) or has no prior state (imports, audits).
    fn refresh(&self, _now: &Rereads) -> Option<Refresh> {
        None
    }
}

/// Target -> its values before / after a change, for the journal.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JournalValues {
    pub before: BTreeMap<String, Value>,
    pub after: BTreeMap<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangePlan {
    /// A UUIDv7 ([`PlanIds`]): unique across sessions and time-ordered; ties the journal's
    /// intent and outcome entries together.
    pub id: String,
    pub change: Change,
    /// Why secdeck thinks the change may be a mistake (block into an ALLOW set, act on a
    /// SUPPRESSED finding, ...): shown in the preview; `y` refuses the plan, only the
    /// override key approves it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub guardrails: Vec<String>,
    /// Approved past its guardrails with the override key (the journal says so).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub overridden: bool,
    /// The interrupted plan this one settles (finishes, undoes, marks reviewed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolves: Option<Resolves>,
    /// Access Analyzer's checks of a trust-policy change (see [`super::proofs`]): shown in
    /// the preview; a failed one makes approval need the typed override word.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proofs: Option<Proofs>,
    /// Approved past failed proofs with the typed override word (the journal says so).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub proofs_overridden: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    /// Security Hub BatchUpdateFindings on one or more findings.
    FindingsUpdate(FindingsUpdate),
    /// Security Hub BatchUpdateFindingsV2 on OCSF findings (status, severity, comment).
    OcsfFindingsUpdate(Box<OcsfFindingsUpdate>),
    /// Security Hub BatchImportFindings of the findings of a file (`import findings`).
    FindingsImport(Box<super::findings_import::FindingsImport>),
    /// WAFv2 UpdateIPSet (boxed: keeps `Change` small), as a diff re-applied to the list current at write time.
    IpSetUpdate(Box<super::waf::IpSetUpdate>),
    /// WAFv2 CreateIPSet.
    IpSetCreate(Box<super::waf::IpSetCreate>),
    /// WAFv2 DeleteIPSet (its addresses kept: the undo re-creates the set).
    IpSetDelete(Box<super::waf::IpSetDelete>),
    /// IAM UpdateAssumeRolePolicy appending secdeck's Deny for an Access Analyzer finding.
    TrustPolicyDeny(Box<TrustPolicyEdit>),
    /// IAM UpdateAssumeRolePolicy removing exactly the statement secdeck added.
    TrustPolicyRollback(Box<TrustPolicyEdit>),
    /// Access Analyzer UpdateFindings to ARCHIVED / ACTIVE.
    FindingsArchive(Box<FindingsStatusChange>),
    FindingsUnarchive(Box<FindingsStatusChange>),
    /// Access Analyzer CreateArchiveRule (+ ApplyArchiveRule) / DeleteArchiveRule.
    ArchiveRuleCreate(Box<ArchiveRuleChange>),
    ArchiveRuleDelete(Box<ArchiveRuleChange>),
    /// IAM: an unused-permission recommendation applied to a role, or its undo.
    UnusedPermissions(Box<PermissionsChange>),
    /// IoT Device Defender audit changes and audit imports into Security Hub.
    Iot(Box<super::iot_plan::IotChange>),
    /// Several of the above approved together and executed in order (block from a
    /// finding, sync from ip-ranges.json).
    Combined(Box<super::combined::CombinedChange>),
}

impl Change {
    /// The change seen through the interface its type implements. The Access Analyzer
    /// kinds share a payload between a change and its inverse (deny / rollback, archive /
    /// unarchive, create / delete), so they are seen through a view that knows which.
    pub fn planned(&self) -> Box<dyn PlannedChange + '_> {
        match self {
            Change::FindingsUpdate(u) => Box::new(u),
            Change::OcsfFindingsUpdate(u) => Box::new(&**u),
            Change::FindingsImport(i) => Box::new(&**i),
            Change::IpSetUpdate(u) => Box::new(&**u),
            Change::IpSetCreate(c) => Box::new(&**c),
            Change::IpSetDelete(d) => Box::new(&**d),
            Change::TrustPolicyDeny(e) => Box::new(TrustPolicyView::deny(e)),
            Change::TrustPolicyRollback(e) => Box::new(TrustPolicyView::rollback(e)),
            Change::FindingsArchive(c) => Box::new(FindingsStatusView::archive(c)),
            Change::FindingsUnarchive(c) => Box::new(FindingsStatusView::unarchive(c)),
            Change::ArchiveRuleCreate(r) => Box::new(ArchiveRuleView::create(r)),
            Change::ArchiveRuleDelete(r) => Box::new(ArchiveRuleView::delete(r)),
            Change::UnusedPermissions(c) => Box::new(&**c),
            Change::Iot(c) => Box::new(&**c),
            Change::Combined(c) => Box::new(&**c),
        }
    }
}

/// A borrowed change is the change (so `Change::planned` can hand out references).
impl<T: PlannedChange + ?Sized> PlannedChange for &T {
    fn operation(&self) -> &'static str {
        (**self).operation()
    }
    fn title(&self) -> String {
        (**self).title()
    }
    fn item_count(&self) -> usize {
        (**self).item_count()
    }
    fn targets(&self) -> Vec<String> {
        (**self).targets()
    }
    fn preview(&self) -> Vec<PreviewLine> {
        (**self).preview()
    }
    fn undo(&self, succeeded: &[String]) -> Option<Change> {
        (**self).undo(succeeded)
    }
    fn journal_values(&self) -> JournalValues {
        (**self).journal_values()
    }
    fn touches_ip_sets(&self) -> bool {
        (**self).touches_ip_sets()
    }
    fn holds_after(&self, target: &str, now: &Observed) -> Option<bool> {
        (**self).holds_after(target, now)
    }
    fn refresh(&self, now: &Rereads) -> Option<Refresh> {
        (**self).refresh(now)
    }
}

impl ChangePlan {
    pub fn new(id: impl Into<String>, change: Change) -> Self {
        ChangePlan {
            id: id.into(),
            change,
            guardrails: Vec::new(),
            overridden: false,
            resolves: None,
            proofs: None,
            proofs_overridden: false,
        }
    }

    /// The word to type before approving (failed proofs), if any.
    pub fn needs_typed_word(&self) -> Option<&'static str> {
        let failed = self
            .proofs
            .as_ref()
            .is_some_and(|p| !p.failures().is_empty());
        failed.then_some(super::proofs::OVERRIDE_WORD)
    }

    /// Whether the plan's proofs are still running (approval waits for them).
    pub fn proofs_running(&self) -> bool {
        matches!(self.proofs, Some(Proofs::Running))
    }

    /// The failed proofs the user approved past, for the journal.
    pub fn overridden_proofs(&self) -> Vec<String> {
        match &self.proofs {
            Some(p) if self.proofs_overridden => p.failures(),
            _ => Vec::new(),
        }
    }

    /// The plan with these guardrails (see [`ChangePlan::guardrails`]).
    pub fn with_guardrails(mut self, guardrails: Vec<String>) -> Self {
        self.guardrails = guardrails;
        self
    }

    /// The guardrails the user approved past, for the journal.
    pub fn overridden_guardrails(&self) -> &[String] {
        if self.overridden {
            &self.guardrails
        } else {
            &[]
        }
    }

    /// The AWS operation this plan executes, as `service:Operation`.
    pub fn operation(&self) -> &'static str {
        self.change.planned().operation()
    }

    /// One line saying what the change does.
    pub fn title(&self) -> String {
        self.change.planned().title()
    }

    /// Number of AWS resources the change touches.
    pub fn item_count(&self) -> usize {
        self.change.planned().item_count()
    }

    /// Bulk changes need the item count typed back as approval.
    pub fn needs_typed_count(&self) -> bool {
        self.item_count() > BULK_THRESHOLD
    }

    /// Targets, for the journal.
    pub fn targets(&self) -> Vec<String> {
        self.change.planned().targets()
    }

    /// The diff the user approves, its guardrails right under the title.
    pub fn preview(&self) -> Vec<PreviewLine> {
        let mut lines = self.change.planned().preview();
        let at = lines.len().min(1);
        let guardrails = self
            .guardrails
            .iter()
            .map(|g| PreviewLine::new(LineKind::Warning, format!("guardrail: {g}")));
        lines.splice(at..at, guardrails);
        if let Some(proofs) = &self.proofs {
            let at = (at + self.guardrails.len()).min(lines.len());
            lines.splice(at..at, proofs.lines());
        }
        lines
    }

    /// The plan that puts back what this plan changed, for the edits that succeeded.
    /// `None` when nothing can be undone.
    pub fn undo(&self, succeeded: &[String], new_id: impl Into<String>) -> Option<ChangePlan> {
        self.change
            .planned()
            .undo(succeeded)
            .map(|change| ChangePlan::new(new_id, change))
    }

    /// Each target's values before and after, for the journal.
    pub fn journal_values(&self) -> JournalValues {
        self.change.planned().journal_values()
    }

    /// The Security Hub findings update this plan makes, on its own or as a step.
    pub fn findings_update(&self) -> Option<&FindingsUpdate> {
        match &self.change {
            Change::FindingsUpdate(u) => Some(u),
            Change::Combined(c) => c.findings_update(),
            _ => None,
        }
    }

    /// The OCSF findings update (BatchUpdateFindingsV2) this plan makes.
    pub fn ocsf_update(&self) -> Option<&OcsfFindingsUpdate> {
        match &self.change {
            Change::OcsfFindingsUpdate(u) => Some(u),
            _ => None,
        }
    }

    /// What an undo of this plan cannot put back, said with the undo offer: a comment
    /// written through BatchUpdateFindingsV2 (the API cannot remove one).
    pub fn undo_leaves(&self) -> Option<&'static str> {
        self.ocsf_update()
            .is_some_and(|u| u.edits.iter().any(|e| e.after.comment.is_some()))
            .then_some("the comment stays: BatchUpdateFindingsV2 cannot remove it")
    }

    /// Whether executing the plan changes WAF IP sets (the pane reloads after it).
    pub fn touches_ip_sets(&self) -> bool {
        self.change.planned().touches_ip_sets()
    }
}

/// What happened to one target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetFailure {
    pub target: String,
    pub code: String,
    pub message: String,
}

/// The result of executing a plan, after verification.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ChangeOutcome {
    pub plan_id: String,
    pub succeeded: Vec<String>,
    pub failed: Vec<TargetFailure>,
    /// Targets that AWS confirmed but a re-read did not show the new value for.
    pub unverified: Vec<String>,
    pub request_ids: Vec<String>,
    /// A whole-call failure (throttled past retries, access denied, ...).
    pub error: Option<String>,
    /// Targets whose state a re-read after a failed write could not tell (see
    /// [`outcome`]): neither succeeded nor failed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown: Vec<String>,
    /// The error a write met before its targets were classified by re-reading AWS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub write_error: Option<String>,
    /// Set when the fresh-state check found targets moved: nothing was written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replan: Option<Box<Replan>>,
}

impl ChangeOutcome {
    pub fn is_complete_success(&self) -> bool {
        self.replan.is_none()
            && self.error.is_none()
            && self.failed.is_empty()
            && self.unverified.is_empty()
            && self.unknown.is_empty()
    }

    pub fn summary(&self) -> String {
        if let Some(replan) = &self.replan {
            return replan.summary();
        }
        if let Some(settled) = outcome::describe(self) {
            return settled;
        }
        if let Some(e) = &self.error {
            return format!("failed: {e}");
        }
        let mut s = format!(
            "{} changed and verified",
            self.succeeded.len() - self.unverified.len().min(self.succeeded.len())
        );
        if !self.failed.is_empty() {
            s.push_str(&format!(", {} failed", self.failed.len()));
        }
        if !self.unverified.is_empty() {
            s.push_str(&format!(
                ", {} not yet visible on re-read",
                self.unverified.len()
            ));
        }
        s
    }
}
