//! Applying an unused-permission recommendation to a role, as one change: each step a
//! managed policy's new default version (CreatePolicyVersion + SetDefaultPolicyVersion),
//! a detach (DetachRolePolicy), or an inline policy's new document or deletion
//! (PutRolePolicy / DeleteRolePolicy). Every step records the state it was planned from,
//! so the executor can refuse to write over a change made since the preview, and its
//! inverse is the undo (the previous document as default again, re-attach, re-put).

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::same_document;
use super::unused::{Recommendation, RecommendedStep};
use crate::domain::plan::{Change, JournalValues, LineKind, Observed, PlannedChange, PreviewLine};
use crate::domain::policy::diff::diff_texts;
use crate::domain::policy::{PolicyDocument, RoleRef};

/// One step, with the state it starts from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum PermissionStep {
    /// The managed policy's default version goes from the document `before` (version
    /// `before_version` when planned) to `after`.
    DefaultVersion {
        policy_arn: String,
        before_version: String,
        before: String,
        after: String,
    },
    /// The managed policy ends attached (`attach`) or detached.
    Attachment { policy_arn: String, attach: bool },
    /// The inline policy `name` goes from `before` to `after` (`None`: absent).
    Inline {
        name: String,
        before: Option<String>,
        after: Option<String>,
    },
}

impl PermissionStep {
    /// The journal's name of what the step changes.
    pub fn target(&self, role: &RoleRef) -> String {
        match self {
            PermissionStep::DefaultVersion { policy_arn, .. } => policy_arn.clone(),
            PermissionStep::Attachment { policy_arn, .. } => {
                format!("{} attached {policy_arn}", role.arn)
            }
            PermissionStep::Inline { name, .. } => format!("{} inline {name}", role.arn),
        }
    }

    /// The step that puts back what this one changes.
    pub fn inverse(&self) -> PermissionStep {
        match self.clone() {
            PermissionStep::DefaultVersion {
                policy_arn,
                before,
                after,
                ..
            } => PermissionStep::DefaultVersion {
                policy_arn,
                before_version: String::new(),
                before: after,
                after: before,
            },
            PermissionStep::Attachment { policy_arn, attach } => PermissionStep::Attachment {
                policy_arn,
                attach: !attach,
            },
            PermissionStep::Inline {
                name,
                before,
                after,
            } => PermissionStep::Inline {
                name,
                before: after,
                after: before,
            },
        }
    }

    /// The IAM operations the step sends.
    pub fn operations(&self) -> &'static str {
        match self {
            // An undo makes the version that holds the old document the default again.
            PermissionStep::DefaultVersion { before_version, .. } if before_version.is_empty() => {
                "SetDefaultPolicyVersion"
            }
            PermissionStep::DefaultVersion { .. } => {
                "CreatePolicyVersion + SetDefaultPolicyVersion"
            }
            PermissionStep::Attachment { attach: true, .. } => "AttachRolePolicy",
            PermissionStep::Attachment { attach: false, .. } => "DetachRolePolicy",
            PermissionStep::Inline { after: Some(_), .. } => "PutRolePolicy",
            PermissionStep::Inline { after: None, .. } => "DeleteRolePolicy",
        }
    }

    /// Whether `now` (a re-read of the step's target) holds what the step writes.
    pub fn holds(&self, now: &Observed) -> Option<bool> {
        match (self, now) {
            (
                PermissionStep::DefaultVersion { after, .. },
                Observed::PolicyDefault { document },
            ) => Some(same_document(document, after)),
            (PermissionStep::Attachment { attach, .. }, Observed::Attached { attached }) => {
                Some(attach == attached)
            }
            (PermissionStep::Inline { after, .. }, Observed::InlinePolicy { document }) => {
                Some(match (after, document) {
                    (Some(a), Some(d)) => same_document(a, d),
                    (None, None) => true,
                    _ => false,
                })
            }
            _ => None,
        }
    }

    fn preview(&self, role: &RoleRef, out: &mut Vec<PreviewLine>) {
        let pretty = |t: &str| {
            PolicyDocument::parse(t)
                .map(|d| d.to_pretty())
                .unwrap_or_else(|_| t.to_string())
        };
        match self {
            PermissionStep::DefaultVersion {
                policy_arn,
                before_version,
                before,
                after,
            } => {
                // An undo knows the document to restore, not its version id ahead.
                let now = if before_version.is_empty() {
                    String::new()
                } else {
                    format!(" (default now {before_version})")
                };
                out.push(PreviewLine::context(format!(
                    "{}: {policy_arn}{now}",
                    self.operations()
                )));
                out.extend(diff_texts(&pretty(before), &pretty(after), "policy"));
            }
            PermissionStep::Attachment { policy_arn, attach } => {
                let (kind, verb) = if *attach {
                    (LineKind::Added, "attach")
                } else {
                    (LineKind::Removed, "detach")
                };
                out.push(PreviewLine::new(
                    kind,
                    format!(
                        "{}: {verb} {policy_arn} {} role {}",
                        self.operations(),
                        if *attach { "to" } else { "from" },
                        role.name
                    ),
                ));
            }
            PermissionStep::Inline {
                name,
                before,
                after,
            } => {
                out.push(PreviewLine::context(format!(
                    "{}: inline policy {name} of role {}",
                    self.operations(),
                    role.name
                )));
                let text = |d: &Option<String>| d.as_deref().map(pretty).unwrap_or_default();
                out.extend(diff_texts(&text(before), &text(after), "inline policy"));
            }
        }
    }
}

/// The recommendation applied to one role (or its undo).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionsChange {
    pub role: RoleRef,
    pub finding_id: String,
    pub analyzer_arn: String,
    pub steps: Vec<PermissionStep>,
    /// This is the undo of an applied recommendation.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub undo: bool,
    /// Steps of the recommendation secdeck cannot apply, and why (shown in the preview).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<String>,
}

/// What the role holds now for one recommended step: a managed policy's default version
/// (id, document), or an inline policy's document.
#[derive(Debug, Clone, PartialEq)]
pub enum CurrentPolicy {
    Managed {
        version_id: String,
        document: String,
    },
    Inline {
        document: Option<String>,
    },
}

/// Plans the recommendation's steps against the role's policies as read now (`current`,
/// one per step, in order). An AWS managed policy cannot get a new version: its
/// CREATE_POLICY step is skipped (said in the preview), its DETACH_POLICY applies.
pub fn plan_recommendation(
    role: RoleRef,
    finding_id: &str,
    analyzer_arn: &str,
    rec: &Recommendation,
    current: &[CurrentPolicy],
) -> Result<PermissionsChange, String> {
    if rec.status != "SUCCEEDED" {
        return Err(format!(
            "the recommendation for finding {finding_id} is {}{}",
            rec.status,
            rec.error
                .as_deref()
                .map(|e| format!(": {e}"))
                .unwrap_or_default()
        ));
    }
    if current.len() != rec.steps.len() {
        return Err("the role's policies could not all be read".into());
    }
    let mut steps = Vec::new();
    let mut skipped = Vec::new();
    for (step, now) in rec.steps.iter().zip(current) {
        match (step, now) {
            (
                RecommendedStep::CreatePolicy {
                    existing, policy, ..
                },
                CurrentPolicy::Managed {
                    version_id,
                    document,
                },
            ) => {
                if existing.starts_with("arn:aws:iam::aws:policy/") {
                    skipped.push(format!("{existing} is AWS managed: it gets no new version; make a policy of your own from the recommended document"));
                    continue;
                }
                PolicyDocument::parse(policy).map_err(|e| {
                    format!("the recommended policy for {existing} is not a policy: {e}")
                })?;
                steps.push(PermissionStep::DefaultVersion {
                    policy_arn: existing.clone(),
                    before_version: version_id.clone(),
                    before: document.clone(),
                    after: policy.clone(),
                });
            }
            (
                RecommendedStep::CreatePolicy {
                    existing, policy, ..
                },
                CurrentPolicy::Inline { document },
            ) => {
                PolicyDocument::parse(policy).map_err(|e| {
                    format!("the recommended policy for {existing} is not a policy: {e}")
                })?;
                steps.push(PermissionStep::Inline {
                    name: existing.clone(),
                    before: document.clone(),
                    after: Some(policy.clone()),
                });
            }
            (RecommendedStep::DetachPolicy { existing }, CurrentPolicy::Managed { .. }) => {
                steps.push(PermissionStep::Attachment {
                    policy_arn: existing.clone(),
                    attach: false,
                });
            }
            (RecommendedStep::DetachPolicy { existing }, CurrentPolicy::Inline { document }) => {
                steps.push(PermissionStep::Inline {
                    name: existing.clone(),
                    before: document.clone(),
                    after: None,
                });
            }
        }
    }
    if steps.is_empty() {
        return Err(format!(
            "nothing to apply for finding {finding_id}{}",
            skipped
                .first()
                .map(|s| format!(": {s}"))
                .unwrap_or_default()
        ));
    }
    Ok(PermissionsChange {
        role,
        finding_id: finding_id.to_string(),
        analyzer_arn: analyzer_arn.to_string(),
        steps,
        undo: false,
        skipped,
    })
}

impl PlannedChange for PermissionsChange {
    /// The step that says most: a new default version, else a (de)tachment, else an
    /// inline policy (the journal's `change` lists every step).
    fn operation(&self) -> &'static str {
        let has = |f: fn(&PermissionStep) -> bool| self.steps.iter().any(f);
        if has(|s| matches!(s, PermissionStep::DefaultVersion { .. })) {
            if self.undo {
                "iam:SetDefaultPolicyVersion"
            } else {
                "iam:CreatePolicyVersion"
            }
        } else if has(|s| matches!(s, PermissionStep::Attachment { attach: false, .. })) {
            "iam:DetachRolePolicy"
        } else if has(|s| matches!(s, PermissionStep::Attachment { .. })) {
            "iam:AttachRolePolicy"
        } else if has(|s| matches!(s, PermissionStep::Inline { after: None, .. })) {
            "iam:DeleteRolePolicy"
        } else {
            "iam:PutRolePolicy"
        }
    }

    fn title(&self) -> String {
        if self.undo {
            format!(
                "Undo the unused-permission recommendation on role {}",
                self.role.name
            )
        } else {
            format!(
                "Apply the unused-permission recommendation to role {}",
                self.role.name
            )
        }
    }

    fn item_count(&self) -> usize {
        self.steps.len()
    }

    fn targets(&self) -> Vec<String> {
        self.steps.iter().map(|s| s.target(&self.role)).collect()
    }

    fn preview(&self) -> Vec<PreviewLine> {
        let mut lines = vec![
            PreviewLine::header(self.title()),
            PreviewLine::context(format!(
                "role {}  (finding {})",
                self.role.arn, self.finding_id
            )),
        ];
        for s in &self.skipped {
            lines.push(PreviewLine::new(
                LineKind::Warning,
                format!("not applied: {s}"),
            ));
        }
        for step in &self.steps {
            step.preview(&self.role, &mut lines);
        }
        lines
    }

    fn undo(&self, succeeded: &[String]) -> Option<Change> {
        let steps: Vec<PermissionStep> = self
            .steps
            .iter()
            .rev()
            .filter(|s| succeeded.contains(&s.target(&self.role)))
            .map(PermissionStep::inverse)
            .collect();
        if steps.is_empty() {
            return None;
        }
        Some(Change::UnusedPermissions(Box::new(PermissionsChange {
            steps,
            undo: !self.undo,
            skipped: Vec::new(),
            ..self.clone()
        })))
    }

    fn holds_after(&self, target: &str, now: &Observed) -> Option<bool> {
        self.steps
            .iter()
            .find(|s| s.target(&self.role) == target)
            .and_then(|s| s.holds(now))
    }

    fn journal_values(&self) -> JournalValues {
        let mut values = JournalValues::default();
        for step in &self.steps {
            let target = step.target(&self.role);
            let (before, after) = match step {
                PermissionStep::DefaultVersion {
                    before_version,
                    before,
                    after,
                    ..
                } => (
                    json!({"default_version": before_version, "document": before}),
                    json!({"document": after}),
                ),
                PermissionStep::Attachment { attach, .. } => (json!(!attach), json!(attach)),
                PermissionStep::Inline { before, after, .. } => (json!(before), json!(after)),
            };
            values.before.insert(target.clone(), before);
            values.after.insert(
                target,
                json!({"value": after, "finding_id": self.finding_id, "role": self.role.arn}),
            );
        }
        values
    }
}
