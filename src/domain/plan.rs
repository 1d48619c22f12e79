//! Change plans: the data every mutation is described as before anything is sent to AWS.
//! A plan can be previewed (as diff lines), approved, executed, journaled and inverted
//! into its undo plan. Each pane adds its own `Change` variant; the pipeline around it
//! (preview, approval, execute, verify, journal, undo) stays the same.

use serde::{Deserialize, Serialize};

use super::analyzer::{ArchiveRuleChange, FindingsStatusChange, TrustPolicyEdit};
use super::finding::FindingRef;
pub use super::triage::{TriageFields, VerificationState};

/// Above this many items an approval needs the count typed, not just `y`.
pub const BULK_THRESHOLD: usize = 10;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangePlan {
    /// Unique per session; ties the journal's intent and outcome entries together.
    pub id: String,
    pub change: Change,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    /// Security Hub BatchUpdateFindings on one or more findings.
    FindingsUpdate(FindingsUpdate),
    /// WAFv2 UpdateIPSet (boxed: keeps `Change` small), as a diff re-applied to the list current at write time.
    IpSetUpdate(Box<super::waf::IpSetUpdate>),
    /// WAFv2 CreateIPSet.
    IpSetCreate(Box<super::waf::IpSetCreate>),
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
    /// IoT Device Defender audit changes and audit imports into Security Hub.
    Iot(Box<super::iot_plan::IotChange>),
    /// Several of the above approved together and executed in order (block from a
    /// finding, sync from ip-ranges.json).
    Combined(Box<super::combined::CombinedChange>),
}

/// One finding's change: what it is now and what it will be.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingEdit {
    pub finding: FindingRef,
    pub title: String,
    pub before: TriageFields,
    pub after: TriageFields,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingsUpdate {
    pub edits: Vec<FindingEdit>,
}

/// How a preview line should be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineKind {
    Header,
    Context,
    Removed,
    Added,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewLine {
    pub kind: LineKind,
    pub text: String,
}

impl PreviewLine {
    fn new(kind: LineKind, text: impl Into<String>) -> Self {
        PreviewLine {
            kind,
            text: text.into(),
        }
    }
}

impl ChangePlan {
    pub fn new(id: impl Into<String>, change: Change) -> Self {
        ChangePlan {
            id: id.into(),
            change,
        }
    }

    /// The AWS operation this plan executes, as `service:Operation`.
    pub fn operation(&self) -> &'static str {
        match &self.change {
            Change::FindingsUpdate(_) => "securityhub:BatchUpdateFindings",
            Change::IpSetUpdate(_) => "wafv2:UpdateIPSet",
            Change::IpSetCreate(_) => "wafv2:CreateIPSet",
            Change::TrustPolicyDeny(_) | Change::TrustPolicyRollback(_) => {
                "iam:UpdateAssumeRolePolicy"
            }
            Change::FindingsArchive(_) | Change::FindingsUnarchive(_) => {
                "access-analyzer:UpdateFindings"
            }
            Change::ArchiveRuleCreate(_) => "access-analyzer:CreateArchiveRule",
            Change::ArchiveRuleDelete(_) => "access-analyzer:DeleteArchiveRule",
            Change::Iot(c) => c.operation(),
            Change::Combined(c) => c.operation(),
        }
    }

    /// One line saying what the change does.
    pub fn title(&self) -> String {
        match &self.change {
            Change::FindingsUpdate(u) => {
                let afters: std::collections::BTreeSet<String> =
                    u.edits.iter().map(|e| e.after.describe_after()).collect();
                let what = if afters.len() == 1 {
                    afters.into_iter().next().unwrap_or_default()
                } else {
                    // Values differ per finding (an undo, a block note naming each one's
                    // IPs): name the fields; the preview lists each finding's values.
                    let mut fields: Vec<String> = Vec::new();
                    for name in u.edits.iter().flat_map(|e| e.after.field_names()) {
                        if !fields.contains(&name) {
                            fields.push(name);
                        }
                    }
                    format!("{} (per finding)", fields.join(", "))
                };
                format!("Set {what} on {} finding(s)", u.edits.len())
            }
            Change::IpSetUpdate(u) => u.title(),
            Change::IpSetCreate(c) => c.title(),
            Change::TrustPolicyDeny(e) => format!("Deny external access to role {}", e.role.name),
            Change::TrustPolicyRollback(e) => {
                format!("Roll back secdeck's Deny on role {}", e.role.name)
            }
            Change::FindingsArchive(c) => format!("Archive {} finding(s)", c.ids.len()),
            Change::FindingsUnarchive(c) => format!("Unarchive {} finding(s)", c.ids.len()),
            Change::ArchiveRuleCreate(r) => format!("Create archive rule {}", r.rule_name),
            Change::ArchiveRuleDelete(r) => format!("Delete archive rule {}", r.rule_name),
            Change::Iot(c) => c.title(),
            Change::Combined(c) => c.title.clone(),
        }
    }

    /// Number of AWS resources the change touches.
    pub fn item_count(&self) -> usize {
        match &self.change {
            Change::FindingsUpdate(u) => u.edits.len(),
            // One resource, but approval of a big edit should need the count typed.
            Change::IpSetUpdate(u) => u.add.len() + u.remove.len(),
            Change::IpSetCreate(c) => c.addresses.len(),
            Change::FindingsArchive(c) | Change::FindingsUnarchive(c) => c.ids.len(),
            Change::TrustPolicyDeny(_)
            | Change::TrustPolicyRollback(_)
            | Change::ArchiveRuleCreate(_)
            | Change::ArchiveRuleDelete(_) => 1,
            Change::Iot(c) => c.item_count(),
            Change::Combined(c) => c.item_count(),
        }
    }

    /// Bulk changes need the item count typed back as approval.
    pub fn needs_typed_count(&self) -> bool {
        self.item_count() > BULK_THRESHOLD
    }

    /// Targets, for the journal.
    pub fn targets(&self) -> Vec<String> {
        match &self.change {
            Change::FindingsUpdate(u) => u.edits.iter().map(|e| e.finding.id.clone()).collect(),
            Change::IpSetUpdate(u) => vec![u.set.target()],
            Change::IpSetCreate(c) => vec![c.target()],
            Change::TrustPolicyDeny(e) | Change::TrustPolicyRollback(e) => vec![e.role.arn.clone()],
            Change::FindingsArchive(c) | Change::FindingsUnarchive(c) => c.ids.clone(),
            Change::ArchiveRuleCreate(r) | Change::ArchiveRuleDelete(r) => {
                vec![format!("{}/{}", r.analyzer_arn, r.rule_name)]
            }
            Change::Iot(c) => c.targets(),
            Change::Combined(c) => c.targets(),
        }
    }

    /// The diff the user approves.
    pub fn preview(&self) -> Vec<PreviewLine> {
        match &self.change {
            Change::FindingsUpdate(u) if u.edits.len() > GROUP_PREVIEW_ABOVE => {
                grouped_preview(self.title(), &u.edits)
            }
            Change::FindingsUpdate(u) => {
                let mut lines = vec![PreviewLine::new(LineKind::Header, self.title())];
                for e in &u.edits {
                    lines.push(PreviewLine::new(
                        LineKind::Context,
                        format!("{}  {}", e.title, e.finding.id),
                    ));
                    lines.extend(diff_lines(&e.before, &e.after));
                }
                lines
            }
            Change::IpSetUpdate(u) => u.preview(),
            Change::IpSetCreate(c) => c.preview(),
            Change::TrustPolicyDeny(e) | Change::TrustPolicyRollback(e) => e.preview(self.title()),
            Change::FindingsArchive(c) => c.preview(self.title(), "ACTIVE", "ARCHIVED"),
            Change::FindingsUnarchive(c) => c.preview(self.title(), "ARCHIVED", "ACTIVE"),
            Change::ArchiveRuleCreate(r) => r.preview(self.title(), true),
            Change::ArchiveRuleDelete(r) => r.preview(self.title(), false),
            Change::Iot(c) => c.preview(),
            Change::Combined(c) => c.preview(),
        }
    }

    /// The plan that puts back what this plan changed, for the edits that succeeded.
    /// `None` when nothing can be undone.
    pub fn undo(&self, succeeded: &[String], new_id: impl Into<String>) -> Option<ChangePlan> {
        match &self.change {
            Change::FindingsUpdate(u) => {
                let edits: Vec<FindingEdit> = u
                    .edits
                    .iter()
                    .filter(|e| succeeded.contains(&e.finding.id))
                    .filter_map(|e| {
                        // Only fields we changed and knew the old value of can be restored.
                        let after = e.before.restore(&e.after);
                        (!after.is_empty()).then(|| FindingEdit {
                            finding: e.finding.clone(),
                            title: e.title.clone(),
                            before: e.after.clone(),
                            after,
                        })
                    })
                    .collect();
                (!edits.is_empty()).then(|| {
                    ChangePlan::new(new_id, Change::FindingsUpdate(FindingsUpdate { edits }))
                })
            }
            Change::IpSetUpdate(u) => succeeded
                .contains(&u.set.target())
                .then(|| ChangePlan::new(new_id, Change::IpSetUpdate(Box::new(u.inverse())))),
            // Deleting needs a fresh LockToken and fails while a rule references the set:
            // not offered as an automatic undo.
            Change::IpSetCreate(_) => None,
            Change::Iot(c) => c.undo(succeeded, new_id.into()),
            Change::Combined(c) => c.undo(succeeded, new_id.into()),
            other => super::analyzer::undo(other, succeeded).map(|c| ChangePlan::new(new_id, c)),
        }
    }
}

impl ChangePlan {
    /// The Security Hub findings update this plan makes, on its own or as a step.
    pub fn findings_update(&self) -> Option<&FindingsUpdate> {
        match &self.change {
            Change::FindingsUpdate(u) => Some(u),
            Change::Combined(c) => c.findings_update(),
            _ => None,
        }
    }

    /// Whether executing the plan changes WAF IP sets (the pane reloads after it).
    pub fn touches_ip_sets(&self) -> bool {
        match &self.change {
            Change::IpSetUpdate(_) | Change::IpSetCreate(_) => true,
            Change::Combined(c) => c
                .steps
                .iter()
                .any(|s| matches!(s, Change::IpSetUpdate(_) | Change::IpSetCreate(_))),
            _ => false,
        }
    }
}

/// Above this many edits the preview groups them by (before -> after).
pub const GROUP_PREVIEW_ABOVE: usize = 10;

/// One block per distinct before -> after, with its count and a few example titles.
fn grouped_preview(title: String, edits: &[FindingEdit]) -> Vec<PreviewLine> {
    let mut groups: Vec<(&TriageFields, &TriageFields, Vec<&FindingEdit>)> = Vec::new();
    for e in edits {
        match groups
            .iter_mut()
            .find(|(b, a, _)| **b == e.before && **a == e.after)
        {
            Some((_, _, v)) => v.push(e),
            None => groups.push((&e.before, &e.after, vec![e])),
        }
    }
    let mut lines = vec![PreviewLine::new(LineKind::Header, title)];
    for (before, after, members) in groups {
        lines.push(PreviewLine::new(
            LineKind::Context,
            format!("{} finding(s):", members.len()),
        ));
        lines.extend(diff_lines(before, after));
        for e in members.iter().take(3) {
            lines.push(PreviewLine::new(
                LineKind::Context,
                format!("    {}  {}", e.title, e.finding.id),
            ));
        }
        if members.len() > 3 {
            lines.push(PreviewLine::new(
                LineKind::Context,
                format!("    … and {} more", members.len() - 3),
            ));
        }
    }
    lines
}

/// `- before` / `+ after` for a one-field change; one `field: before -> after` line per
/// field when the change sets several (verification, confidence, user fields, ...).
fn diff_lines(before: &TriageFields, after: &TriageFields) -> Vec<PreviewLine> {
    let changes = before.field_changes(after);
    if changes.len() <= 1 {
        return vec![
            PreviewLine::new(LineKind::Removed, format!("- {}", before.describe())),
            PreviewLine::new(LineKind::Added, format!("+ {}", after.describe_after())),
        ];
    }
    changes
        .into_iter()
        .map(|(name, old, new)| {
            PreviewLine::new(LineKind::Added, format!("  {name}: {old} -> {new}"))
        })
        .collect()
}

/// What happened to one target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetFailure {
    pub target: String,
    pub code: String,
    pub message: String,
}

/// The result of executing a plan, after verification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeOutcome {
    pub plan_id: String,
    pub succeeded: Vec<String>,
    pub failed: Vec<TargetFailure>,
    /// Targets that AWS confirmed but a re-read did not show the new value for.
    pub unverified: Vec<String>,
    pub request_ids: Vec<String>,
    /// A whole-call failure (throttled past retries, access denied, ...).
    pub error: Option<String>,
}

impl ChangeOutcome {
    pub fn is_complete_success(&self) -> bool {
        self.error.is_none() && self.failed.is_empty() && self.unverified.is_empty()
    }

    pub fn summary(&self) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::finding::WorkflowStatus;

    fn edit(id: &str, before: WorkflowStatus, after: WorkflowStatus) -> FindingEdit {
        FindingEdit {
            finding: FindingRef {
                id: id.into(),
                product_arn: "arn:p".into(),
            },
            title: format!("finding {id}"),
            before: TriageFields {
                workflow: Some(before),
                ..Default::default()
            },
            after: TriageFields {
                workflow: Some(after),
                ..Default::default()
            },
        }
    }

    #[test]
    fn undo_restores_each_findings_previous_status_for_the_succeeded_ones() {
        let plan = ChangePlan::new(
            "p1",
            Change::FindingsUpdate(FindingsUpdate {
                edits: vec![
                    edit("a", WorkflowStatus::New, WorkflowStatus::Resolved),
                    edit("b", WorkflowStatus::Notified, WorkflowStatus::Resolved),
                    edit("c", WorkflowStatus::New, WorkflowStatus::Resolved),
                ],
            }),
        );
        let undo = plan.undo(&["a".into(), "b".into()], "p2").unwrap();
        let Change::FindingsUpdate(u) = &undo.change else {
            panic!("not a findings update")
        };
        assert_eq!(u.edits.len(), 2);
        assert_eq!(u.edits[0].after.workflow, Some(WorkflowStatus::New));
        assert_eq!(u.edits[1].after.workflow, Some(WorkflowStatus::Notified));
        assert_eq!(undo.title(), "Set workflow (per finding) on 2 finding(s)");
    }

    #[test]
    fn bulk_needs_the_count_typed() {
        let edits = (0..11)
            .map(|i| {
                edit(
                    &i.to_string(),
                    WorkflowStatus::New,
                    WorkflowStatus::Notified,
                )
            })
            .collect();
        let plan = ChangePlan::new("p", Change::FindingsUpdate(FindingsUpdate { edits }));
        assert!(plan.needs_typed_count());
        assert_eq!(plan.title(), "Set workflow NOTIFIED on 11 finding(s)");
        let text: Vec<String> = plan.preview().into_iter().map(|l| l.text).collect();
        assert_eq!(
            text[1..4],
            ["11 finding(s):", "- workflow NEW", "+ workflow NOTIFIED"]
        );
        assert_eq!(text.last().map(String::as_str), Some("    … and 8 more"));
    }
}
