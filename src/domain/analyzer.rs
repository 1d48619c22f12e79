//! IAM Access Analyzer in domain terms: analyzers, findings, archive-rule criteria, and the
//! change kinds the Access Analyzer pane plans (trust-policy Deny and its rollback,
//! archive / unarchive, archive rule create / delete) with their titles, previews and undo.

use serde::{Deserialize, Serialize};

use super::plan::{LineKind, PreviewLine};
use super::policy::diff::diff_texts;
use super::policy::{DenyTarget, PolicyDocument, RoleRef, plan_rollback};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Analyzer {
    pub name: String,
    pub arn: String,
    /// ACCOUNT, ORGANIZATION, ACCOUNT_UNUSED_ACCESS, ...
    pub kind: String,
    pub status: String,
    pub created_at: String,
}

impl Analyzer {
    /// What the analyzer treats as inside: its account or its organization.
    pub fn zone_of_trust(&self) -> String {
        let account = self.arn.split(':').nth(4).unwrap_or("?");
        if self.kind.starts_with("ORGANIZATION") {
            format!("organization of {account}")
        } else {
            format!("account {account}")
        }
    }
}

/// One finding; V2 summaries leave principal / actions empty until GetFindingV2 fills them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessFinding {
    pub id: String,
    pub analyzer_arn: String,
    pub status: String,
    pub finding_type: String,
    pub resource_type: String,
    pub resource: String,
    pub account: String,
    /// Principal map in the order AWS gave it (`AWS`, `Federated`, ...).
    pub principal: Vec<(String, String)>,
    pub actions: Vec<String>,
    pub condition: Vec<(String, String)>,
    pub is_public: Option<bool>,
    pub created_at: String,
    pub updated_at: String,
    pub error: Option<String>,
    /// Whether principal / actions / condition were fetched (GetFindingV2).
    pub detailed: bool,
}

impl AccessFinding {
    pub fn is_role(&self) -> bool {
        self.resource_type == "AWS::IAM::Role"
    }

    pub fn is_external_access(&self) -> bool {
        self.finding_type == "ExternalAccess"
    }

    pub fn principal_text(&self) -> String {
        self.principal
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Why the trust-policy remediation cannot run on this finding, if it cannot.
    pub fn remediation_blocker(&self) -> Option<String> {
        if !self.is_role() {
            return Some(format!(
                "automatic remediation covers IAM roles only; {} is a {}: change its resource policy",
                self.resource, self.resource_type
            ));
        }
        if !self.is_external_access() {
            return Some(format!(
                "{} findings are not about trust: remediation adds a Deny for external access",
                self.finding_type
            ));
        }
        if self.status != "ACTIVE" {
            return Some(format!(
                "the finding is {}; only ACTIVE findings are remediated",
                self.status
            ));
        }
        None
    }

    pub fn deny_target(&self) -> DenyTarget {
        DenyTarget {
            finding_id: self.id.clone(),
            principal: self.principal.clone(),
            actions: self.actions.clone(),
        }
    }
}

/// The role secdeck assumes in a member account when no other is configured.
pub const DEFAULT_ASSUME_ROLE_NAME: &str = "OrganizationAccountAccessRole";

/// Which role to assume in a member account (the config's `[cross_account]` section):
/// a role per account id, else the default role name, where `{account}` stands for the id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossAccountRoles {
    pub default_role: String,
    /// Account id -> role name, or a full role ARN.
    pub by_account: std::collections::BTreeMap<String, String>,
}

impl Default for CrossAccountRoles {
    fn default() -> Self {
        CrossAccountRoles {
            default_role: DEFAULT_ASSUME_ROLE_NAME.to_string(),
            by_account: Default::default(),
        }
    }
}

impl CrossAccountRoles {
    /// The role ARN to assume to change a role in `account`; None for the session's own
    /// account (or while the session's account is not known yet).
    pub fn role_for(&self, account: &str, session_account: Option<&str>) -> Option<String> {
        if session_account.is_none_or(|s| s == account) {
            return None;
        }
        let role = self
            .by_account
            .get(account)
            .cloned()
            .unwrap_or_else(|| self.default_role.replace("{account}", account));
        Some(if role.starts_with("arn:") {
            role
        } else {
            format!("arn:aws:iam::{account}:role/{role}")
        })
    }
}

impl CrossAccountRoles {
    /// How to reach a role in `account`: Ok(None) only when the session is known to act in
    /// that account, Ok(Some(role to assume)) when it is known to act in another. While the
    /// session's account is unknown the role is refused: read or written by name, it would
    /// be a same-named role in whatever account the session acts in.
    pub fn access_for(
        &self,
        account: &str,
        session_account: Option<&str>,
    ) -> Result<Option<String>, String> {
        match session_account {
            Some(_) => Ok(self.role_for(account, session_account)),
            None => Err(format!(
                "the role is in account {account} and the session's account is unknown \
                 (GetCallerIdentity failed or has not answered): secdeck will not read or \
                 change a role by name in an unknown account; nothing was read or written"
            )),
        }
    }
}

/// The role to assume to change a role in `account` with the default configuration, or
/// None for the session's own account.
pub fn assume_role_for(account: &str, session_account: Option<&str>) -> Option<String> {
    CrossAccountRoles::default().role_for(account, session_account)
}

#[cfg(test)]
mod cross_account_tests {
    use super::*;

    #[test]
    fn configured_roles_win_then_the_default_pattern() {
        let roles = CrossAccountRoles {
            default_role: "SecOps-{account}".into(),
            by_account: [
                ("111111111111".to_string(), "Remediator".to_string()),
                (
                    "222222222222".to_string(),
                    "arn:aws:iam::222222222222:role/team/Fixer".to_string(),
                ),
            ]
            .into(),
        };
        let main = Some("123456789012");
        assert_eq!(roles.role_for("123456789012", main), None, "own account");
        assert_eq!(
            roles.role_for("111111111111", main).as_deref(),
            Some("arn:aws:iam::111111111111:role/Remediator")
        );
        assert_eq!(
            roles.role_for("222222222222", main).as_deref(),
            Some("arn:aws:iam::222222222222:role/team/Fixer")
        );
        assert_eq!(
            roles.role_for("333333333333", main).as_deref(),
            Some("arn:aws:iam::333333333333:role/SecOps-333333333333")
        );
        assert_eq!(
            assume_role_for("333333333333", main).as_deref(),
            Some("arn:aws:iam::333333333333:role/OrganizationAccountAccessRole")
        );
    }

    #[test]
    fn an_unknown_session_account_refuses_instead_of_acting_by_name() {
        let roles = CrossAccountRoles::default();
        let err = roles.access_for("210987654321", None).unwrap_err();
        assert!(err.contains("210987654321"), "{err}");
        assert!(err.contains("session's account is unknown"), "{err}");
        assert_eq!(
            roles.access_for("123456789012", Some("123456789012")),
            Ok(None)
        );
        assert_eq!(
            roles
                .access_for("210987654321", Some("123456789012"))
                .unwrap()
                .as_deref(),
            Some("arn:aws:iam::210987654321:role/OrganizationAccountAccessRole")
        );
    }
}

/// Failure code of a trust-policy change refused because the policy changed since the preview.
pub const POLICY_CHANGED: &str = "PolicyChanged";

/// Archive-rule criteria: attribute -> values it must equal (`eq`).
pub type Criteria = Vec<(String, Vec<String>)>;

/// The criteria "archive similar" starts from: resource type, principal, account.
pub fn similar_criteria(f: &AccessFinding) -> Criteria {
    let mut c = vec![("resourceType".to_string(), vec![f.resource_type.clone()])];
    for (k, v) in &f.principal {
        c.push((format!("principal.{k}"), vec![v.clone()]));
    }
    c.push(("resourceOwnerAccount".to_string(), vec![f.account.clone()]));
    c
}

/// Whether a finding matches every criterion (what ApplyArchiveRule would archive if ACTIVE).
pub fn criteria_match(f: &AccessFinding, criteria: &Criteria) -> bool {
    criteria.iter().all(|(key, values)| {
        let have: Vec<String> = match key.as_str() {
            "resourceType" => vec![f.resource_type.clone()],
            "resource" => vec![f.resource.clone()],
            "resourceOwnerAccount" => vec![f.account.clone()],
            "status" => vec![f.status.clone()],
            "findingType" => vec![f.finding_type.clone()],
            "isPublic" => f.is_public.map(|p| p.to_string()).into_iter().collect(),
            "action" => f.actions.clone(),
            k => match k.strip_prefix("principal.") {
                Some(p) => f
                    .principal
                    .iter()
                    .filter(|(pk, _)| pk == p)
                    .map(|(_, v)| v.clone())
                    .collect(),
                None => Vec::new(),
            },
        };
        have.iter().any(|h| values.contains(h))
    })
}

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
    pub fn preview(&self, title: String) -> Vec<PreviewLine> {
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
    pub fn preview(&self, title: String, from: &str, to: &str) -> Vec<PreviewLine> {
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
    pub fn preview(&self, title: String, adding: bool) -> Vec<PreviewLine> {
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

#[cfg(test)]
mod tests;

/// The undo of an Access Analyzer change, for the targets that succeeded.
pub(crate) fn undo(
    change: &super::plan::Change,
    succeeded: &[String],
) -> Option<super::plan::Change> {
    use super::plan::Change;
    match change {
        Change::TrustPolicyDeny(e) if succeeded.contains(&e.role.arn) => e
            .rollback()
            .map(|r| Change::TrustPolicyRollback(Box::new(r))),
        Change::TrustPolicyRollback(e) if succeeded.contains(&e.role.arn) => {
            Some(Change::TrustPolicyDeny(Box::new(e.reapply())))
        }
        Change::FindingsArchive(c) | Change::FindingsUnarchive(c) => {
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
            Some(match change {
                Change::FindingsArchive(_) => Change::FindingsUnarchive(Box::new(back)),
                _ => Change::FindingsArchive(Box::new(back)),
            })
        }
        Change::ArchiveRuleCreate(r) if !succeeded.is_empty() => {
            Some(Change::ArchiveRuleDelete(Box::new(ArchiveRuleChange {
                apply: false,
                ..(**r).clone()
            })))
        }
        Change::ArchiveRuleDelete(r) if !succeeded.is_empty() => {
            Some(Change::ArchiveRuleCreate(Box::new(ArchiveRuleChange {
                apply: false,
                ..(**r).clone()
            })))
        }
        _ => None,
    }
}

/// What remediating a finding against the role's current trust policy comes to.
#[derive(Debug, Clone, PartialEq)]
pub enum Remediation {
    Edit(Box<TrustPolicyEdit>),
    /// secdeck's Deny for this finding is already in the policy: nothing to do.
    AlreadyApplied {
        sid: String,
    },
}

/// Plans the Deny for `f` against `current` (the decoded trust policy just read).
pub fn plan_remediation(
    f: &AccessFinding,
    current: &str,
    size_limit: usize,
    rescan: bool,
) -> Result<Remediation, String> {
    if let Some(why) = f.remediation_blocker() {
        return Err(why);
    }
    let role = RoleRef::parse(&f.resource).map_err(|e| e.to_string())?;
    let doc = PolicyDocument::parse(current).map_err(|e| format!("role {}: {e}", role.name))?;
    let target = f.deny_target();
    match super::policy::plan_deny(&doc, &target, size_limit)
        .map_err(|e| format!("role {}: {e}", role.name))?
    {
        super::policy::DenyPlan::AlreadyPresent { sid } => Ok(Remediation::AlreadyApplied { sid }),
        super::policy::DenyPlan::Add { sid, text, .. } => {
            Ok(Remediation::Edit(Box::new(TrustPolicyEdit {
                role,
                finding_id: f.id.clone(),
                analyzer_arn: f.analyzer_arn.clone(),
                sid,
                before: current.to_string(),
                after: text,
                original: None,
                target: Some(target),
                rescan,
                assume_role: None,
            })))
        }
    }
}

/// Plans removing secdeck's Deny for `finding_id` from `current`; `original` (from the
/// journal) lets the rollback give back the exact earlier text.
pub fn plan_rollback_edit(
    role_arn: &str,
    finding_id: &str,
    analyzer_arn: &str,
    current: &str,
    original: Option<&str>,
    rescan: bool,
) -> Result<TrustPolicyEdit, String> {
    let role = RoleRef::parse(role_arn).map_err(|e| e.to_string())?;
    let sid = super::policy::sid_for_finding(finding_id).map_err(|e| e.to_string())?;
    let doc = PolicyDocument::parse(current).map_err(|e| format!("role {}: {e}", role.name))?;
    let rb = plan_rollback(&doc, &sid, original).map_err(|e| format!("role {}: {e}", role.name))?;
    Ok(TrustPolicyEdit {
        role,
        finding_id: finding_id.to_string(),
        analyzer_arn: analyzer_arn.to_string(),
        sid,
        before: current.to_string(),
        after: rb.text,
        original: original.map(str::to_string),
        target: None,
        rescan,
        assume_role: None,
    })
}

/// The same edit planned again against a document that changed since the preview.
pub fn replan(
    edit: &TrustPolicyEdit,
    rollback: bool,
    current: &str,
    size_limit: usize,
) -> Result<Option<TrustPolicyEdit>, String> {
    if rollback {
        return plan_rollback_edit(
            &edit.role.arn,
            &edit.finding_id,
            &edit.analyzer_arn,
            current,
            edit.original.as_deref(),
            edit.rescan,
        )
        .map(Some);
    }
    let Some(target) = &edit.target else {
        return Err("the plan does not say what it denied; remediate the finding again".into());
    };
    let doc =
        PolicyDocument::parse(current).map_err(|e| format!("role {}: {e}", edit.role.name))?;
    match super::policy::plan_deny(&doc, target, size_limit).map_err(|e| e.to_string())? {
        super::policy::DenyPlan::AlreadyPresent { .. } => Ok(None),
        super::policy::DenyPlan::Add { text, .. } => Ok(Some(TrustPolicyEdit {
            before: current.to_string(),
            after: text,
            ..edit.clone()
        })),
    }
}

/// Whether two policy texts are the same document (key order included, whitespace not).
pub fn same_document(a: &str, b: &str) -> bool {
    match (PolicyDocument::parse(a), PolicyDocument::parse(b)) {
        (Ok(x), Ok(y)) => x.to_compact() == y.to_compact(),
        _ => a == b,
    }
}
