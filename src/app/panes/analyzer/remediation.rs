//! Remediation and rollback of role trust policies: reading the policy, planning the
//! Deny (or its removal), re-planning when the policy changed, and refreshing after a change.

use super::{View, preview};
use crate::app::AnalyzerRead;
use crate::app::State;
use crate::app::action::{Action, NotifyLevel};
use crate::app::effect::{Effect, ReadRequest};
use crate::app::pipeline::Stage;
use crate::domain::analyzer::{
    AccessFinding, Remediation, plan_remediation, plan_rollback_edit, replan,
};
use crate::domain::plan::{Change, ChangeOutcome, ChangePlan};
use crate::domain::policy::{DEFAULT_TRUST_POLICY_MAX_CHARS, RoleRef};

/// Why a role's trust policy is being read.
#[derive(Debug, Clone, PartialEq)]
pub enum PolicyPurpose {
    Detail {
        finding_id: String,
    },
    Remediate {
        finding_id: String,
    },
    Rollback {
        finding_id: String,
    },
    /// Rolling back a remediation recorded in the journal (`edit` is the journaled Deny,
    /// its `assume_role` the role to act through); the finding may be resolved or gone.
    JournalRollback {
        edit: Box<crate::domain::analyzer::TrustPolicyEdit>,
    },
    /// The policy changed between preview and apply: plan `plan` again.
    Replan {
        plan: Box<ChangePlan>,
    },
}

/// A change finished: refresh what it touched, and re-plan a trust-policy change refused
/// because the policy changed since the preview.
pub fn on_change_finished(
    state: &mut State,
    outcome: &ChangeOutcome,
    plan: Option<ChangePlan>,
) -> Vec<Effect> {
    let Some(plan) = plan.filter(|p| p.id == outcome.plan_id) else {
        return Vec::new();
    };
    match &plan.change {
        Change::TrustPolicyDeny(e) | Change::TrustPolicyRollback(e)
            if outcome
                .failed
                .iter()
                .any(|f| f.code == crate::domain::analyzer::POLICY_CHANGED) =>
        {
            let role_name = e.role.name.clone();
            let assume_role = e.assume_role.clone();
            state.notify(NotifyLevel::Warning, format!("the trust policy of {role_name} changed since the preview: nothing was written; here is the new diff"));
            vec![Effect::Read(ReadRequest::Analyzer(
                AnalyzerRead::TrustPolicy {
                    role_name,
                    role_arn: e.role.arn.clone(),
                    assume_role,
                    purpose: PolicyPurpose::Replan {
                        plan: Box::new(plan),
                    },
                },
            ))]
        }
        Change::TrustPolicyDeny(e) | Change::TrustPolicyRollback(e)
            if e.rescan && outcome.succeeded.contains(&e.role.arn) =>
        {
            // The re-scan is asynchronous on AWS: poll the finding until its status moves.
            let from_status = state
                .analyzer
                .findings
                .iter()
                .find(|f| f.id == e.finding_id)
                .map(|f| f.status.clone())
                .unwrap_or_default();
            let mut effects = state.analyzer.load_findings();
            effects.push(Effect::Read(ReadRequest::Analyzer(
                AnalyzerRead::FindingPoll {
                    analyzer_arn: e.analyzer_arn.clone(),
                    finding_id: e.finding_id.clone(),
                    from_status,
                },
            )));
            state.analyzer.detail = None;
            effects
        }
        Change::TrustPolicyDeny(_)
        | Change::TrustPolicyRollback(_)
        | Change::FindingsArchive(_)
        | Change::FindingsUnarchive(_)
        | Change::ArchiveRuleCreate(_)
        | Change::ArchiveRuleDelete(_) => {
            let mut effects = state.analyzer.load_findings();
            if state.analyzer.view == View::Rules
                && let Some(a) = state.analyzer.current()
            {
                effects.push(Effect::Read(ReadRequest::Analyzer(
                    AnalyzerRead::ArchiveRules {
                        analyzer: a.name.clone(),
                    },
                )));
            }
            state.analyzer.detail = None;
            effects
        }
        _ => Vec::new(),
    }
}

pub(super) fn on_policy(state: &mut State, purpose: PolicyPurpose, result: Result<String, String>) {
    match purpose {
        PolicyPurpose::Detail { finding_id } => {
            if let Some(d) = state.analyzer.detail.as_mut()
                && d.finding.id == finding_id
            {
                d.policy = Some(result);
            }
        }
        PolicyPurpose::Remediate { finding_id } => {
            let Some((f, current)) = finding_and_policy(state, &finding_id, result, "remediation")
            else {
                return;
            };
            match plan_remediation(&f, &current, DEFAULT_TRUST_POLICY_MAX_CHARS, true) {
                Ok(Remediation::Edit(mut edit)) => {
                    edit.assume_role = assumed(state, &edit.role.account);
                    preview(state, Change::TrustPolicyDeny(edit))
                }
                Ok(Remediation::AlreadyApplied { sid }) => state.notify(NotifyLevel::Info, format!("already remediated: the trust policy has secdeck's Deny {sid}; nothing to change")),
                Err(e) => state.notify(NotifyLevel::Warning, e),
            }
        }
        PolicyPurpose::Rollback { finding_id } => {
            let Some((f, current)) = finding_and_policy(state, &finding_id, result, "rollback")
            else {
                return;
            };
            // The journal's record of the remediation gives back the exact original text.
            let original = crate::domain::policy::sid_for_finding(&f.id)
                .ok()
                .and_then(|sid| {
                    crate::app::panes::journal::journaled_original(state, &f.resource, &sid)
                });
            let planned = plan_rollback_edit(
                &f.resource,
                &f.id,
                &f.analyzer_arn,
                &current,
                original.as_deref(),
                true,
            );
            match planned {
                Ok(mut edit) => {
                    edit.assume_role = assumed(state, &edit.role.account);
                    preview(state, Change::TrustPolicyRollback(Box::new(edit)))
                }
                Err(e) => state.notify(NotifyLevel::Warning, e),
            }
        }
        PolicyPurpose::JournalRollback { edit } => {
            crate::app::panes::journal::plan_rollback(state, &edit, result)
        }
        PolicyPurpose::Replan { plan } => {
            let current = match result {
                Ok(c) => c,
                Err(e) => {
                    state.notify(NotifyLevel::Error, format!("cannot re-plan: {e}"));
                    return;
                }
            };
            let (edit, rollback) = match &plan.change {
                Change::TrustPolicyDeny(e) => (e, false),
                Change::TrustPolicyRollback(e) => (e, true),
                _ => return,
            };
            match replan(edit, rollback, &current, DEFAULT_TRUST_POLICY_MAX_CHARS) {
                Ok(Some(new)) => preview(
                    state,
                    if rollback {
                        Change::TrustPolicyRollback(Box::new(new))
                    } else {
                        Change::TrustPolicyDeny(Box::new(new))
                    },
                ),
                Ok(None) => state.notify(
                    NotifyLevel::Info,
                    "someone else already added the same Deny: nothing to change",
                ),
                Err(e) => state.notify(NotifyLevel::Warning, e),
            }
        }
    }
}

/// The listed finding and its role's trust policy, or a notification saying why the
/// `what` (remediation, rollback) cannot be planned.
fn finding_and_policy(
    state: &mut State,
    finding_id: &str,
    result: Result<String, String>,
    what: &str,
) -> Option<(AccessFinding, String)> {
    let f = state
        .analyzer
        .findings
        .iter()
        .find(|f| f.id == finding_id)
        .cloned();
    let (Some(f), Ok(current)) = (f, result.clone()) else {
        let why = result
            .err()
            .unwrap_or_else(|| "the finding is no longer listed".into());
        state.notify(NotifyLevel::Error, format!("cannot plan the {what}: {why}"));
        return None;
    };
    Some((f, current))
}

/// The role to assume for `account`, when it is not the session's.
fn assumed(state: &State, account: &str) -> Option<String> {
    state.cross_account.role_for(
        account,
        state.session.identity.as_ref().map(|i| i.account.as_str()),
    )
}

pub(super) fn read_policy(
    state: &mut State,
    f: &AccessFinding,
    purpose: PolicyPurpose,
) -> Vec<Effect> {
    // A role in an account the session is not known to act in is refused, never read by
    // name: a same-named role in the session's own account would stand in for it.
    let session = state.session.identity.as_ref().map(|i| i.account.as_str());
    let access = RoleRef::parse(&f.resource)
        .map_err(|e| e.to_string())
        .and_then(|r| Ok((state.cross_account.access_for(&r.account, session)?, r)));
    match access {
        Ok((assume_role, role)) => vec![Effect::Read(ReadRequest::Analyzer(
            AnalyzerRead::TrustPolicy {
                assume_role,
                role_arn: role.arn,
                role_name: role.name,
                purpose,
            },
        ))],
        Err(e) => {
            state.notify(NotifyLevel::Error, e);
            Vec::new()
        }
    }
}

pub(super) fn act_on_finding(state: &mut State, action: Action) -> Vec<Effect> {
    if !matches!(state.pipeline.stage, Stage::Idle) {
        state.notify(NotifyLevel::Info, "finish the current change first");
        return Vec::new();
    }
    let f = match &state.analyzer.detail {
        Some(d) => Some(d.finding.clone()),
        None => state.analyzer.selected_finding().cloned(),
    };
    let Some(f) = f else {
        return Vec::new();
    };
    // On an unused-permission finding, remediating is applying AWS's recommendation.
    if action == Action::Remediate && f.is_unused_permission() {
        return super::unused::recommend(state, &f);
    }
    if action == Action::Remediate {
        if let Some(why) = f.remediation_blocker() {
            state.notify(NotifyLevel::Warning, why);
            return Vec::new();
        }
        read_policy(
            state,
            &f,
            PolicyPurpose::Remediate {
                finding_id: f.id.clone(),
            },
        )
    } else {
        if !f.is_role() {
            state.notify(
                NotifyLevel::Warning,
                format!(
                    "rollback removes secdeck's Deny from a role trust policy; {} is a {}",
                    f.resource, f.resource_type
                ),
            );
            return Vec::new();
        }
        read_policy(
            state,
            &f,
            PolicyPurpose::Rollback {
                finding_id: f.id.clone(),
            },
        )
    }
}

/// The finding as polled after a re-scan: the row shows it, and the user is told.
pub(super) fn on_rescanned(
    state: &mut State,
    finding_id: &str,
    result: Result<Box<AccessFinding>, String>,
    changed: bool,
) {
    match result {
        Ok(f) => {
            let (resource, status) = (f.resource.clone(), f.status.clone());
            if let Some(row) = state.analyzer.findings.iter_mut().find(|r| r.id == f.id) {
                *row = *f;
            }
            if changed {
                state.notify(
                    NotifyLevel::Success,
                    format!("after the re-scan, the finding on {resource} is {status}"),
                );
            } else {
                state.notify(
                    NotifyLevel::Info,
                    format!("the finding on {resource} is still {status}: the scan has not finished; r refreshes later"),
                );
            }
        }
        Err(e) => state.notify(
            NotifyLevel::Warning,
            format!("GetFindingV2 for finding {finding_id} after the re-scan failed: {e}"),
        ),
    }
}
