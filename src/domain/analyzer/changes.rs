//! The Access Analyzer pane's change kinds: a trust-policy edit (secdeck's Deny, or its
//! rollback), an UpdateFindings status change (archive / unarchive) and an archive rule
//! (create / delete). Each payload serves a change and its inverse, so each is seen by
//! the pipeline through a view that knows which one it is.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::Criteria;
use crate::domain::plan::{Change, JournalValues, LineKind, PlannedChange, PreviewLine};
use crate::domain::policy::diff::diff_texts;
use crate::domain::policy::{DenyTarget, PolicyDocument, RoleRef, plan_rollback};

/// A trust-policy edit on one role: the Deny (remediation) or its rollback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustPolicyEdit {
    pub role: RoleRef,
    pub finding_id: String,
    pub analyzer_arn: String,
    /// The Sid of secdeck's statement, derived from the finding id (the journaled mapping).
    pub sid: String,
    /// The decoded document as read when planning: a different one at apply time is a conflict.
    pub before: String,
    /// The exact text UpdateAssumeRolePolicy gets.
    pub after: String,
    /// The document the Deny was added to, so a rollback can give it back byte for byte.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original: Option<String>,
    /// What was denied: needed to re-plan against a changed document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<DenyTarget>,
    /// Start a resource scan afterwards so the finding's new status shows.
    pub rescan: bool,
    /// For a role in another account: the role assumed there to make the change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assume_role: Option<String>,
}

impl TrustPolicyEdit {
    fn preview(&self, title: String) -> Vec<PreviewLine> {
        let mut lines = vec![
            PreviewLine {
                kind: LineKind::Header,
                text: title,
            },
            PreviewLine {
                kind: LineKind::Context,
                text: format!(
                    "role {}  (Sid {} <- finding {})",
                    self.role.arn, self.sid, self.finding_id
                ),
            },
        ];
        if let Some(assumed) = &self.assume_role {
            lines.push(PreviewLine {
                kind: LineKind::Context,
                text: format!("as {assumed} (assumed in account {})", self.role.account),
            });
        }
        let pretty = |t: &str| {
            PolicyDocument::parse(t)
                .map(|d| d.to_pretty())
                .unwrap_or_else(|_| t.to_string())
        };
        lines.extend(diff_texts(
            &pretty(&self.before),
            &pretty(&self.after),
            "trust policy",
        ));
        if self.rescan {
            lines.push(PreviewLine {
                kind: LineKind::Context,
                text: "then: StartResourceScan on the role".into(),
            });
        }
        lines
    }

    /// The rollback of a Deny that was written: remove exactly our statement.
    pub fn rollback(&self) -> Option<TrustPolicyEdit> {
        let doc = PolicyDocument::parse(&self.after).ok()?;
        let rb = plan_rollback(&doc, &self.sid, Some(&self.before)).ok()?;
        Some(TrustPolicyEdit {
            before: self.after.clone(),
            after: rb.text,
            original: Some(self.before.clone()),
            ..self.clone()
        })
    }

    /// Re-applying the Deny a rollback removed.
    pub fn reapply(&self) -> TrustPolicyEdit {
        TrustPolicyEdit {
            before: self.after.clone(),
            after: self.before.clone(),
            original: None,
            ..self.clone()
        }
    }
}

/// UpdateFindings on Access Analyzer findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingsStatusChange {
    pub analyzer_arn: String,
    pub ids: Vec<String>,
    /// A label per id (resource), for the preview.
    pub labels: Vec<String>,
    /// Why: required, journaled with the change.
    pub reason: String,
}

impl FindingsStatusChange {
    fn preview(&self, title: String, from: &str, to: &str) -> Vec<PreviewLine> {
        let mut lines = vec![
            PreviewLine {
                kind: LineKind::Header,
                text: title,
            },
            PreviewLine {
                kind: LineKind::Context,
                text: format!("reason: {}", self.reason),
            },
        ];
        for (i, id) in self.ids.iter().enumerate() {
            let label = self.labels.get(i).map(String::as_str).unwrap_or("");
            lines.push(PreviewLine {
                kind: LineKind::Context,
                text: format!("{label}  {id}"),
            });
            lines.push(PreviewLine {
                kind: LineKind::Removed,
                text: format!("- {from}"),
            });
            lines.push(PreviewLine {
                kind: LineKind::Added,
                text: format!("+ {to}"),
            });
        }
        lines
    }
}

/// An archive rule to create (optionally applied to existing findings) or delete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveRuleChange {
    pub analyzer_name: String,
    pub analyzer_arn: String,
    pub rule_name: String,
    pub criteria: Criteria,
    /// Create: ApplyArchiveRule afterwards (archives matching ACTIVE findings).
    pub apply: bool,
    /// How many current ACTIVE findings the criteria match (preview only).
    pub matching_now: usize,
}

impl ArchiveRuleChange {
    fn preview(&self, title: String, adding: bool) -> Vec<PreviewLine> {
        let (kind, sign) = if adding {
            (LineKind::Added, '+')
        } else {
            (LineKind::Removed, '-')
        };
        let mut lines = vec![PreviewLine {
            kind: LineKind::Header,
            text: title,
        }];
        lines.push(PreviewLine {
            kind,
            text: format!("{sign} rule {} on {}", self.rule_name, self.analyzer_name),
        });
        for (k, v) in &self.criteria {
            lines.push(PreviewLine {
                kind,
                text: format!("{sign}   {k} = {}", v.join(" | ")),
            });
        }
        if adding {
            lines.push(PreviewLine {
                kind: LineKind::Context,
                text: if self.apply {
                    format!(
                        "then ApplyArchiveRule: archives the {} ACTIVE finding(s) it matches now",
                        self.matching_now
                    )
                } else {
                    format!(
                        "applies to new findings only ({} current ACTIVE finding(s) match)",
                        self.matching_now
                    )
                },
            });
        }
        lines
    }
}

/// A trust-policy edit as the change it makes: adding secdeck's Deny, or rolling it back.
pub struct TrustPolicyView<'a> {
    edit: &'a TrustPolicyEdit,
    rollback: bool,
}

impl<'a> TrustPolicyView<'a> {
    pub fn deny(edit: &'a TrustPolicyEdit) -> Self {
        TrustPolicyView {
            edit,
            rollback: false,
        }
    }

    pub fn rollback(edit: &'a TrustPolicyEdit) -> Self {
        TrustPolicyView {
            edit,
            rollback: true,
        }
    }
}

impl PlannedChange for TrustPolicyView<'_> {
    fn operation(&self) -> &'static str {
        "iam:UpdateAssumeRolePolicy"
    }

    fn title(&self) -> String {
        let role = &self.edit.role.name;
        if self.rollback {
            format!("Roll back secdeck's Deny on role {role}")
        } else {
            format!("Deny external access to role {role}")
        }
    }

    fn item_count(&self) -> usize {
        1
    }

    fn targets(&self) -> Vec<String> {
        vec![self.edit.role.arn.clone()]
    }

    fn preview(&self) -> Vec<PreviewLine> {
        self.edit.preview(self.title())
    }

    fn undo(&self, succeeded: &[String]) -> Option<Change> {
        if !succeeded.contains(&self.edit.role.arn) {
            return None;
        }
        if self.rollback {
            Some(Change::TrustPolicyDeny(Box::new(self.edit.reapply())))
        } else {
            let rollback = self.edit.rollback()?;
            Some(Change::TrustPolicyRollback(Box::new(rollback)))
        }
    }

    /// The documents and the finding id <-> Sid mapping.
    fn journal_values(&self) -> JournalValues {
        let e = self.edit;
        let mut values = JournalValues::default();
        values
            .before
            .insert(e.role.arn.clone(), Value::String(e.before.clone()));
        values.after.insert(
            e.role.arn.clone(),
            json!({"document": e.after, "sid": e.sid, "finding_id": e.finding_id,
                "assumed_role": e.assume_role}),
        );
        values
    }
}

/// A status change as the change it makes: ACTIVE -> ARCHIVED, or back.
pub struct FindingsStatusView<'a> {
    change: &'a FindingsStatusChange,
    archive: bool,
}

impl<'a> FindingsStatusView<'a> {
    pub fn archive(change: &'a FindingsStatusChange) -> Self {
        FindingsStatusView {
            change,
            archive: true,
        }
    }

    pub fn unarchive(change: &'a FindingsStatusChange) -> Self {
        FindingsStatusView {
            change,
            archive: false,
        }
    }

    /// The status before and after.
    fn statuses(&self) -> (&'static str, &'static str) {
        if self.archive {
            ("ACTIVE", "ARCHIVED")
        } else {
            ("ARCHIVED", "ACTIVE")
        }
    }
}

impl PlannedChange for FindingsStatusView<'_> {
    fn operation(&self) -> &'static str {
        "access-analyzer:UpdateFindings"
    }

    fn title(&self) -> String {
        let verb = if self.archive { "Archive" } else { "Unarchive" };
        format!("{verb} {} finding(s)", self.change.ids.len())
    }

    fn item_count(&self) -> usize {
        self.change.ids.len()
    }

    fn targets(&self) -> Vec<String> {
        self.change.ids.clone()
    }

    fn preview(&self) -> Vec<PreviewLine> {
        let (from, to) = self.statuses();
        self.change.preview(self.title(), from, to)
    }

    fn undo(&self, succeeded: &[String]) -> Option<Change> {
        let c = self.change;
        let keep: Vec<usize> = (0..c.ids.len())
            .filter(|&i| succeeded.contains(&c.ids[i]))
            .collect();
        if keep.is_empty() {
            return None;
        }
        let back = FindingsStatusChange {
            analyzer_arn: c.analyzer_arn.clone(),
            ids: keep.iter().map(|&i| c.ids[i].clone()).collect(),
            labels: keep
                .iter()
                .filter_map(|&i| c.labels.get(i).cloned())
                .collect(),
            reason: format!("undo: {}", c.reason),
        };
        Some(if self.archive {
            Change::FindingsUnarchive(Box::new(back))
        } else {
            Change::FindingsArchive(Box::new(back))
        })
    }

    fn journal_values(&self) -> JournalValues {
        let (from, to) = self.statuses();
        let mut values = JournalValues::default();
        for id in &self.change.ids {
            values.before.insert(id.clone(), json!({"status": from}));
            values.after.insert(
                id.clone(),
                json!({"status": to, "reason": self.change.reason}),
            );
        }
        values
    }
}

/// An archive rule as the change it makes: creating it, or deleting it.
pub struct ArchiveRuleView<'a> {
    rule: &'a ArchiveRuleChange,
    create: bool,
}

impl<'a> ArchiveRuleView<'a> {
    pub fn create(rule: &'a ArchiveRuleChange) -> Self {
        ArchiveRuleView { rule, create: true }
    }

    pub fn delete(rule: &'a ArchiveRuleChange) -> Self {
        ArchiveRuleView {
            rule,
            create: false,
        }
    }

    fn key(&self) -> String {
        format!("{}/{}", self.rule.analyzer_arn, self.rule.rule_name)
    }
}

impl PlannedChange for ArchiveRuleView<'_> {
    fn operation(&self) -> &'static str {
        if self.create {
            "access-analyzer:CreateArchiveRule"
        } else {
            "access-analyzer:DeleteArchiveRule"
        }
    }

    fn title(&self) -> String {
        let verb = if self.create { "Create" } else { "Delete" };
        format!("{verb} archive rule {}", self.rule.rule_name)
    }

    fn item_count(&self) -> usize {
        1
    }

    fn targets(&self) -> Vec<String> {
        vec![self.key()]
    }

    fn preview(&self) -> Vec<PreviewLine> {
        self.rule.preview(self.title(), self.create)
    }

    /// The opposite rule change; a re-created rule is not applied to existing findings.
    fn undo(&self, succeeded: &[String]) -> Option<Change> {
        if succeeded.is_empty() {
            return None;
        }
        let rule = Box::new(ArchiveRuleChange {
            apply: false,
            ..self.rule.clone()
        });
        Some(if self.create {
            Change::ArchiveRuleDelete(rule)
        } else {
            Change::ArchiveRuleCreate(rule)
        })
    }

    fn journal_values(&self) -> JournalValues {
        let rule = json!({"criteria": self.rule.criteria, "apply": self.rule.apply});
        let mut values = JournalValues::default();
        if self.create {
            values.after.insert(self.key(), rule);
        } else {
            values.before.insert(self.key(), rule);
        }
        values
    }
}
