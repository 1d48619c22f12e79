//! Executes the Access Analyzer pane's changes: trust-policy Deny / rollback (re-read right
//! before writing, refuse to overwrite a document that changed since the preview, size
//! check, write, verify by re-reading, optional re-scan), UpdateFindings, archive rules,
//! and unused-permission recommendations (`permissions.rs`).

use crate::aws::{AwsClients, AwsError, accessanalyzer, iam};
use crate::domain::analyzer::{
    ArchiveRuleChange, FindingsStatusChange, TrustPolicyEdit, same_document,
};
use crate::domain::plan::{Change, ChangeOutcome, ChangePlan, TargetFailure};
use crate::domain::policy::{DEFAULT_TRUST_POLICY_MAX_CHARS, PolicyDocument};

pub use crate::domain::analyzer::POLICY_CHANGED;

/// Failure code of the re-scan after a trust-policy change that was written.
pub const RESCAN_FAILED: &str = "RescanFailed";

fn outcome(plan_id: &str) -> ChangeOutcome {
    ChangeOutcome {
        plan_id: plan_id.to_string(),
        succeeded: Vec::new(),
        failed: Vec::new(),
        unverified: Vec::new(),
        request_ids: Vec::new(),
        error: None,
        ..Default::default()
    }
}

fn fail(mut o: ChangeOutcome, target: &str, code: &str, message: String) -> ChangeOutcome {
    tracing::warn!(target, code, "{message}");
    o.failed.push(TargetFailure {
        target: target.to_string(),
        code: code.to_string(),
        message,
    });
    o
}

fn aws_fail(o: ChangeOutcome, target: &str, e: &AwsError) -> ChangeOutcome {
    let code = e.code.clone().unwrap_or_else(|| format!("{:?}", e.kind));
    fail(o, target, &code, e.to_string())
}

/// Runs one Access Analyzer / IAM change plan. `None` for plans of other services.
pub async fn execute(clients: &AwsClients, plan: &ChangePlan) -> Option<ChangeOutcome> {
    Some(match &plan.change {
        Change::TrustPolicyDeny(e) | Change::TrustPolicyRollback(e) => {
            trust_policy(clients, &plan.id, e).await
        }
        Change::FindingsArchive(c) => status(clients, &plan.id, c, true).await,
        Change::FindingsUnarchive(c) => status(clients, &plan.id, c, false).await,
        Change::ArchiveRuleCreate(r) => rule_create(clients, &plan.id, r).await,
        Change::ArchiveRuleDelete(r) => rule_delete(clients, &plan.id, r).await,
        Change::UnusedPermissions(c) => super::permissions::execute(clients, &plan.id, c).await,
        _ => return None,
    })
}

async fn trust_policy(clients: &AwsClients, plan_id: &str, e: &TrustPolicyEdit) -> ChangeOutcome {
    let o = outcome(plan_id);
    let target = e.role.arn.as_str();
    let client = match iam::client_for(clients, e.assume_role.as_deref()).await {
        Ok(c) => c,
        Err(err) => return fail(o, target, "AssumeRoleFailed", err.to_string()),
    };
    // Re-read right before writing: never overwrite someone else's edit.
    let current = match iam::get_trust_policy_of(&client, &e.role.arn).await {
        Ok(t) => t,
        Err(err) => return aws_fail(o, target, &err),
    };
    if !same_document(&current, &e.before) {
        return fail(
            o,
            target,
            POLICY_CHANGED,
            format!(
                "the trust policy of {} changed since the preview; nothing was written: review the new diff",
                e.role.name
            ),
        );
    }
    match PolicyDocument::parse(&e.after).and_then(|d| d.check_size(DEFAULT_TRUST_POLICY_MAX_CHARS))
    {
        Ok(()) => {}
        Err(err) => {
            return fail(
                o,
                target,
                "PolicyRefused",
                format!("role {}: {err}; nothing was written", e.role.name),
            );
        }
    }
    let mut o = o;
    match iam::update_trust_policy(&client, &e.role.name, &e.after).await {
        Ok(id) => o.request_ids.extend(id),
        Err(err) => return aws_fail(o, target, &err),
    }
    o.succeeded.push(target.to_string());
    match iam::get_trust_policy_of(&client, &e.role.arn).await {
        Ok(now) if same_document(&now, &e.after) => {}
        Ok(_) => o.unverified.push(target.to_string()),
        Err(err) => {
            tracing::warn!(error = %err, "verification read failed");
            o.unverified.push(target.to_string());
        }
    }
    if e.rescan
        && let Err(err) = accessanalyzer::start_resource_scan(
            &clients.accessanalyzer,
            &e.analyzer_arn,
            target,
            &e.role.account,
        )
        .await
    {
        // The change itself stands (it is in `succeeded`); the failed re-scan is said to the
        // user as its own failure, not only logged.
        tracing::warn!(error = %err, "re-scan after the trust policy change failed");
        o.failed.push(TargetFailure {
            target: format!("StartResourceScan {target}"),
            code: RESCAN_FAILED.to_string(),
            message: format!(
                "the trust policy of {} was changed, but StartResourceScan failed: {err}; \
                 the finding's status shows at the next analysis",
                e.role.name
            ),
        });
    }
    o
}

async fn status(
    clients: &AwsClients,
    plan_id: &str,
    c: &FindingsStatusChange,
    archive: bool,
) -> ChangeOutcome {
    let mut o = outcome(plan_id);
    if c.reason.trim().is_empty() {
        o.error = Some("a reason is required to change a finding's status".into());
        return o;
    }
    match accessanalyzer::set_status(&clients.accessanalyzer, &c.analyzer_arn, &c.ids, archive)
        .await
    {
        Ok(id) => {
            o.request_ids.extend(id);
            o.succeeded = c.ids.clone();
        }
        Err(err) => {
            o.error = Some(err.to_string());
            return o;
        }
    }
    let want = if archive { "ARCHIVED" } else { "ACTIVE" };
    for id in &c.ids {
        match accessanalyzer::get_finding(&clients.accessanalyzer, &c.analyzer_arn, id).await {
            Ok(f) if f.status == want => {}
            _ => o.unverified.push(id.clone()),
        }
    }
    o
}

async fn rule_create(clients: &AwsClients, plan_id: &str, r: &ArchiveRuleChange) -> ChangeOutcome {
    let mut o = outcome(plan_id);
    let target = format!("{}/{}", r.analyzer_arn, r.rule_name);
    let aa = &clients.accessanalyzer;
    match accessanalyzer::create_archive_rule(aa, &r.analyzer_name, &r.rule_name, &r.criteria).await
    {
        Ok(id) => o.request_ids.extend(id),
        Err(err) => return aws_fail(o, &target, &err),
    }
    o.succeeded.push(target.clone());
    if r.apply {
        match accessanalyzer::apply_archive_rule(aa, &r.analyzer_arn, &r.rule_name).await {
            Ok(id) => o.request_ids.extend(id),
            Err(err) => {
                o.error = Some(format!(
                    "the rule was created but applying it failed: {err}"
                ))
            }
        }
    }
    match accessanalyzer::list_archive_rules(aa, &r.analyzer_name).await {
        Ok(rules) if rules.iter().any(|(n, _)| n == &r.rule_name) => {}
        _ => o.unverified.push(target),
    }
    o
}

async fn rule_delete(clients: &AwsClients, plan_id: &str, r: &ArchiveRuleChange) -> ChangeOutcome {
    let mut o = outcome(plan_id);
    let target = format!("{}/{}", r.analyzer_arn, r.rule_name);
    let aa = &clients.accessanalyzer;
    match accessanalyzer::delete_archive_rule(aa, &r.analyzer_name, &r.rule_name).await {
        Ok(id) => o.request_ids.extend(id),
        Err(err) => return aws_fail(o, &target, &err),
    }
    o.succeeded.push(target.clone());
    match accessanalyzer::list_archive_rules(aa, &r.analyzer_name).await {
        Ok(rules) if !rules.iter().any(|(n, _)| n == &r.rule_name) => {}
        _ => o.unverified.push(target),
    }
    o
}
