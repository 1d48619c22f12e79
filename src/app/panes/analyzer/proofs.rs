//! Proofs of a previewed trust-policy change (remediate `x`, rollback `X`, undo `u`, a
//! rollback from the journal, a re-planned change): when such a preview appears its
//! proofs are asked for (`AnalyzerRead::Proofs`) and marked running; their results land
//! in the previewed plan if it is still the one on screen. The access preview needs an
//! ACTIVE ACCOUNT analyzer for the role's account; which one, or why none, is decided here.

use crate::app::AnalyzerRead;
use crate::app::State;
use crate::app::effect::{Effect, ReadRequest};
use crate::app::pipeline::Stage;
use crate::domain::analyzer::TrustPolicyEdit;
use crate::domain::plan::Change;
use crate::domain::proofs::{ProofRequest, Proofs};

/// The analyzer for the access preview of a change on a role of `account`, or why none.
fn preview_analyzer(state: &State, edit: &TrustPolicyEdit) -> Result<String, String> {
    let account = &edit.role.account;
    let in_account = |arn: &str| arn.split(':').nth(4) == Some(account.as_str());
    let usable: Vec<_> = state
        .analyzer
        .analyzers
        .iter()
        .filter(|a| a.kind == "ACCOUNT" && a.status == "ACTIVE" && in_account(&a.arn))
        .collect();
    if let Some(a) = usable
        .iter()
        .find(|a| a.arn == edit.analyzer_arn)
        .or(usable.first())
    {
        return Ok(a.arn.clone());
    }
    let own = state
        .analyzer
        .analyzers
        .iter()
        .find(|a| a.arn == edit.analyzer_arn);
    Err(match own {
        Some(a) if a.kind != "ACCOUNT" => format!(
            "analyzer {} is {} and no ACTIVE ACCOUNT analyzer covers account {account}: access previews need one",
            a.name, a.kind
        ),
        Some(a) if a.status != "ACTIVE" => format!(
            "analyzer {} is {}, not ACTIVE, and no other ACCOUNT analyzer covers account {account}",
            a.name, a.status
        ),
        _ => format!("no ACTIVE ACCOUNT analyzer of this session covers account {account}"),
    })
}

/// The targeted finding's principal as the preview lists it (`AWS: arn:...`).
fn principal_text(state: &State, edit: &TrustPolicyEdit) -> Option<String> {
    let listed = state
        .analyzer
        .findings
        .iter()
        .find(|f| f.id == edit.finding_id)
        .map(|f| f.principal.clone());
    let mut pairs = listed.or_else(|| edit.target.as_ref().map(|t| t.principal.clone()))?;
    pairs.sort();
    Some(
        pairs
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join(", "),
    )
}

/// Asks for the proofs of the previewed plan when it is a trust-policy change whose
/// proofs were not asked for yet.
pub fn request(state: &mut State) -> Vec<Effect> {
    let Stage::Preview { plan, .. } = &state.pipeline.stage else {
        return Vec::new();
    };
    let (edit, reopen) = match &plan.change {
        Change::TrustPolicyDeny(e) => (e, false),
        Change::TrustPolicyRollback(e) => (e, true),
        _ => return Vec::new(),
    };
    if plan.proofs.is_some() {
        return Vec::new();
    }
    let request = ProofRequest {
        plan_id: plan.id.clone(),
        role_arn: edit.role.arn.clone(),
        before: edit.before.clone(),
        after: edit.after.clone(),
        finding_id: edit.finding_id.clone(),
        principal: principal_text(state, edit),
        reopen,
        analyzer: preview_analyzer(state, edit),
    };
    if let Stage::Preview { plan, .. } = &mut state.pipeline.stage {
        plan.proofs = Some(Proofs::Running);
    }
    vec![Effect::Read(ReadRequest::Analyzer(AnalyzerRead::Proofs(
        Box::new(request),
    )))]
}

/// The proofs of `plan_id` came back: shown if that plan is still previewed.
pub fn on_ready(state: &mut State, plan_id: &str, proofs: Proofs) {
    if let Stage::Preview { plan, typed, .. } = &mut state.pipeline.stage
        && plan.id == plan_id
    {
        plan.proofs = Some(proofs);
        typed.clear();
    }
}
