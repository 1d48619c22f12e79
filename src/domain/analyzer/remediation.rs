//! Planning the trust-policy changes against the document just read: the Deny for a
//! finding, its rollback, and the same edit re-planned when the document changed since
//! the preview.

use super::{AccessFinding, TrustPolicyEdit};
use crate::domain::policy::{self, PolicyDocument, RoleRef, plan_rollback};

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
    match policy::plan_deny(&doc, &target, size_limit)
        .map_err(|e| format!("role {}: {e}", role.name))?
    {
        policy::DenyPlan::AlreadyPresent { sid } => Ok(Remediation::AlreadyApplied { sid }),
        policy::DenyPlan::Add { sid, text, .. } => {
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
    let sid = policy::sid_for_finding(finding_id).map_err(|e| e.to_string())?;
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
    match policy::plan_deny(&doc, target, size_limit).map_err(|e| e.to_string())? {
        policy::DenyPlan::AlreadyPresent { .. } => Ok(None),
        policy::DenyPlan::Add { text, .. } => Ok(Some(TrustPolicyEdit {
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
