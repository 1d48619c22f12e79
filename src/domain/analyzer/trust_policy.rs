//! A trust-policy edit on one role (secdeck's Deny for an Access Analyzer finding, or its
//! rollback) and the change it makes, seen through [`TrustPolicyView`].

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::domain::plan::{Change, JournalValues, LineKind, Observed, PlannedChange, PreviewLine};
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

    /// The role holds the document this change writes.
    fn holds_after(&self, target: &str, now: &Observed) -> Option<bool> {
        match now {
            Observed::TrustPolicy { document } if target == self.edit.role.arn => {
                Some(super::same_document(document, &self.edit.after))
            }
            _ => None,
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
