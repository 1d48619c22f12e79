//! The executor's two guarantees around every write, for every change kind:
//! - the fresh-state check right before writing: re-read the targets; if any moved since
//!   the plan recorded its "before", write nothing and hand back the change re-planned
//!   against the state now, with what moved and who moved it (when AWS says);
//! - outcomes from AWS, not from the response: after a write met an error (a 500, a
//!   timeout, a dropped connection), re-read the targets and settle each as applied / not
//!   applied / unknown (`domain::plan::outcome`).

use super::new_plan_id;
use super::observe::{self, ObserveCx};
use crate::domain::iot_plan::IotChange;
use crate::domain::plan::outcome;
use crate::domain::plan::{Change, ChangeOutcome, ChangePlan, Replan, Reread};

/// What the fresh-state check decided.
pub(super) enum Fresh {
    /// Nothing moved (or the kind keeps its own check at write time): write.
    Go,
    /// Nothing may be written: the outcome says why (moved targets and the re-plan, or a
    /// target that could not be re-read).
    Stop(ChangeOutcome),
}

/// Whether the change's kind is checked here. IP set updates re-apply their diff to the
/// list read at write time under WAF's lock token, and trust policies and recommendation
/// steps compare the document at write time (their own checks, in their executors); imports and audits create state
/// rather than change it.
fn checked(change: &Change) -> bool {
    match change {
        Change::FindingsUpdate(_)
        | Change::OcsfFindingsUpdate(_)
        | Change::FindingsArchive(_)
        | Change::FindingsUnarchive(_)
        | Change::ArchiveRuleCreate(_)
        | Change::ArchiveRuleDelete(_)
        | Change::IpSetCreate(_)
        | Change::IpSetDelete(_) => true,
        Change::IpSetUpdate(_)
        | Change::TrustPolicyDeny(_)
        | Change::TrustPolicyRollback(_)
        | Change::UnusedPermissions(_) => false,
        Change::Iot(c) => !matches!(**c, IotChange::Import(_) | IotChange::StartAudit { .. }),
        Change::FindingsImport(_) => false,
        Change::Combined(c) => c.steps.iter().any(checked),
    }
}

/// Re-reads the plan's targets and compares them with its "before".
pub(super) async fn check(cx: &ObserveCx<'_>, plan: &ChangePlan) -> Fresh {
    if !checked(&plan.change) {
        return Fresh::Go;
    }
    let now = observe::reread(cx, &plan.change).await;
    if let Some((target, why)) = now.iter().find_map(|(t, r)| match r {
        Reread::Failed(why) => Some((t, why)),
        Reread::Found(_) => None,
    }) {
        return Fresh::Stop(ChangeOutcome {
            plan_id: plan.id.clone(),
            error: Some(format!(
                "nothing written: {target} could not be re-read right before writing ({why})"
            )),
            ..Default::default()
        });
    }
    let Some(refresh) = plan.change.planned().refresh(&now) else {
        return Fresh::Go;
    };
    if refresh.is_fresh() {
        return Fresh::Go;
    }
    let mut moved = refresh.moved;
    // Who moved a Security Hub finding: GetFindingHistory's newest update names them.
    for m in &mut moved {
        if let Some(finding) = finding_ref(&plan.change, &m.target)
            && let Some((by, at)) = observe::last_updated_by(cx, &finding).await
        {
            m.by = Some(by);
            m.at = Some(at);
        }
    }
    tracing::info!(plan = %plan.id, moved = moved.len(), "targets moved since the preview: nothing written");
    Fresh::Stop(ChangeOutcome {
        plan_id: plan.id.clone(),
        replan: Some(Box::new(Replan {
            moved,
            // Its guardrails stay: approving past them again takes the override key again.
            plan: refresh.replanned.map(|change| {
                let mut new =
                    ChangePlan::new(new_plan_id(), change).with_guardrails(plan.guardrails.clone());
                new.resolves = plan.resolves.clone();
                new
            }),
        })),
        ..Default::default()
    })
}

/// The Security Hub finding `target` names in this change, if it is one.
fn finding_ref(change: &Change, target: &str) -> Option<crate::domain::finding::FindingRef> {
    let update = match change {
        Change::FindingsUpdate(u) => u,
        Change::Combined(c) => c.findings_update()?,
        _ => return None,
    };
    update
        .edits
        .iter()
        .find(|e| e.finding.id == target)
        .map(|e| e.finding.clone())
}

/// After a write that met an error: re-read every target and settle the outcome from
/// what AWS holds.
pub(super) async fn settle_after_error(
    cx: &ObserveCx<'_>,
    plan: &ChangePlan,
    outcome: &mut ChangeOutcome,
) {
    let Some(error) = outcome.error.clone() else {
        return;
    };
    let now = observe::reread(cx, &plan.change).await;
    let classes = outcome::classify(&plan.change, &now);
    tracing::info!(plan = %plan.id, error = %error, ?classes, "write met an error: targets classified from a re-read");
    outcome::settle(outcome, &classes, &error);
}
