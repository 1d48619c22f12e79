//! An unused-permission recommendation, read on tokio: GenerateFindingRecommendation, then
//! GetFindingRecommendation until it is no longer IN_PROGRESS (with backoff), then each
//! policy the steps name as the role holds it now, planned into the change the pane
//! previews (`AnalyzerMsg::RecommendationReady`).

use std::time::Duration;

use crate::app::{Action, AnalyzerMsg, PaneMsg};
use crate::aws::{AwsClients, AwsError, accessanalyzer_unused as unused, iam_policies};
use crate::domain::analyzer::{
    CurrentPolicy, PermissionsChange, Recommendation, RecommendedStep, plan_recommendation,
};
use crate::domain::policy::RoleRef;

/// How many times GetFindingRecommendation is asked, and the first pause (doubled each time).
const POLLS: u32 = 8;
const FIRST_PAUSE_MS: u64 = 250;

pub async fn run(
    clients: AwsClients,
    analyzer_arn: String,
    finding_id: String,
    role_arn: String,
) -> Action {
    let result = plan(&clients, &analyzer_arn, &finding_id, &role_arn)
        .await
        .map(Box::new);
    Action::Pane(PaneMsg::Analyzer(AnalyzerMsg::RecommendationReady {
        finding_id,
        result,
    }))
}

async fn poll(
    clients: &AwsClients,
    analyzer_arn: &str,
    id: &str,
) -> Result<Recommendation, String> {
    let aa = &clients.accessanalyzer;
    unused::generate_recommendation(aa, analyzer_arn, id)
        .await
        .map_err(|e| e.to_string())?;
    let mut pause = Duration::from_millis(FIRST_PAUSE_MS);
    for _ in 0..POLLS {
        tokio::time::sleep(pause).await;
        pause *= 2;
        let rec = unused::get_recommendation(aa, analyzer_arn, id)
            .await
            .map_err(|e| e.to_string())?;
        if rec.status != "IN_PROGRESS" {
            return Ok(rec);
        }
    }
    Err(format!(
        "the recommendation for finding {id} is still IN_PROGRESS after {POLLS} polls: try again later"
    ))
}

async fn current(
    clients: &AwsClients,
    role: &RoleRef,
    step: &RecommendedStep,
) -> Result<CurrentPolicy, AwsError> {
    let existing = step.existing();
    if step.is_managed() {
        let d = iam_policies::get_default_version(&clients.iam, existing).await?;
        Ok(CurrentPolicy::Managed {
            version_id: d.version_id,
            document: d.document,
        })
    } else {
        Ok(CurrentPolicy::Inline {
            document: iam_policies::get_inline(&clients.iam, &role.name, existing).await?,
        })
    }
}

async fn plan(
    clients: &AwsClients,
    analyzer_arn: &str,
    finding_id: &str,
    role_arn: &str,
) -> Result<PermissionsChange, String> {
    let role = RoleRef::parse(role_arn).map_err(|e| format!("{role_arn}: {e}"))?;
    let rec = poll(clients, analyzer_arn, finding_id).await?;
    let mut now = Vec::new();
    for step in &rec.steps {
        now.push(
            current(clients, &role, step)
                .await
                .map_err(|e| format!("reading {} for the preview: {e}", step.existing()))?,
        );
    }
    plan_recommendation(role, finding_id, analyzer_arn, &rec, &now)
}
