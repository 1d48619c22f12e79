//! Unused-permission recommendations from the Access Analyzer pane: `x` on an
//! UnusedPermission finding asks for the recommendation (generated, polled and planned by
//! a read task), and the plan it comes back as goes to the change pipeline's preview.

use super::preview;
use crate::app::AnalyzerRead;
use crate::app::State;
use crate::app::action::NotifyLevel;
use crate::app::effect::{Effect, ReadRequest};
use crate::app::pipeline::Stage;
use crate::domain::analyzer::{AccessFinding, PermissionsChange};
use crate::domain::plan::Change;
use crate::domain::policy::RoleRef;

/// Why the recommendation cannot be asked for this finding, if it cannot.
fn blocker(f: &AccessFinding) -> Option<String> {
    if !f.is_role() {
        return Some(format!(
            "recommendations are applied to IAM roles; {} is a {}",
            f.resource, f.resource_type
        ));
    }
    if f.status != "ACTIVE" {
        return Some(format!(
            "the finding is {}; only ACTIVE findings get a recommendation",
            f.status
        ));
    }
    None
}

/// Why the role cannot be changed from this session: its account must be the session's
/// (a role is read and written by name, so a same-named role in another account must
/// never stand in for it; member-account roles are not planned here yet).
fn account_blocker(state: &State, f: &AccessFinding) -> Option<String> {
    let session = state.session.identity.as_ref().map(|i| i.account.as_str());
    let account = RoleRef::parse(&f.resource).ok()?.account;
    match state.cross_account.access_for(&account, session) {
        Err(e) => Some(e),
        Ok(Some(_)) => Some(format!(
            "the role is in account {account}, not the session's: apply its recommendation from a session in that account; nothing was read or written"
        )),
        Ok(None) => None,
    }
}

/// Asks for the recommendation of an UnusedPermission finding.
pub(super) fn recommend(state: &mut State, f: &AccessFinding) -> Vec<Effect> {
    if let Some(why) = blocker(f).or_else(|| account_blocker(state, f)) {
        state.notify(NotifyLevel::Warning, why);
        return Vec::new();
    }
    state.notify(
        NotifyLevel::Info,
        format!(
            "generating the recommendation for {}…",
            f.resource.rsplit('/').next().unwrap_or(&f.resource)
        ),
    );
    vec![Effect::Read(ReadRequest::Analyzer(
        AnalyzerRead::Recommendation {
            analyzer_arn: f.analyzer_arn.clone(),
            finding_id: f.id.clone(),
            role_arn: f.resource.clone(),
        },
    ))]
}

/// The planned recommendation is previewed (unless another change has the pipeline).
pub(super) fn on_recommendation(
    state: &mut State,
    finding_id: &str,
    result: Result<Box<PermissionsChange>, String>,
) {
    match result {
        Ok(change) if matches!(state.pipeline.stage, Stage::Idle) => {
            preview(state, Change::UnusedPermissions(change))
        }
        Ok(_) => state.notify(
            NotifyLevel::Info,
            "the recommendation is ready, but another change is in progress: press x again when it is done",
        ),
        Err(e) => state.notify(
            NotifyLevel::Warning,
            format!("no recommendation for finding {finding_id}: {e}"),
        ),
    }
}
