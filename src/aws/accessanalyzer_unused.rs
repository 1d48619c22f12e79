//! Access Analyzer adapter for unused and internal access: the details GetFindingV2 gives
//! for those finding types, and unused-permission recommendations
//! (GenerateFindingRecommendation, then GetFindingRecommendation until it is done).

use aws_sdk_accessanalyzer::Client;
use aws_sdk_accessanalyzer::types::{FindingDetails, RecommendedStep as SdkStep};
use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;

use super::AwsError;
use crate::domain::analyzer::{
    AccessFinding, InternalDetails, Recommendation, RecommendedStep, UnusedDetails, UnusedService,
};

fn time(t: Option<&DateTime>) -> Option<String> {
    t.and_then(|t| t.fmt(Format::DateTime).ok())
}

/// Folds one of GetFindingV2's `findingDetails` of the unused or internal kinds into `f`.
pub(super) fn fill_details(f: &mut AccessFinding, d: &FindingDetails) {
    let unused =
        |f: &mut AccessFinding| f.unused.get_or_insert_with(UnusedDetails::default).clone();
    match d {
        FindingDetails::UnusedPermissionDetails(x) => {
            let mut u = unused(f);
            let last = time(x.last_accessed());
            u.services.push(UnusedService {
                namespace: x.service_namespace().to_string(),
                last_accessed: last.clone(),
                actions: x
                    .actions()
                    .iter()
                    .map(|a| (a.action().to_string(), time(a.last_accessed())))
                    .collect(),
            });
            // The finding's last access is the newest of its services'.
            if last > u.last_accessed {
                u.last_accessed = last;
            }
            f.unused = Some(u);
        }
        FindingDetails::UnusedIamRoleDetails(x) => {
            let mut u = unused(f);
            u.last_accessed = time(x.last_accessed());
            f.unused = Some(u);
        }
        FindingDetails::UnusedIamUserPasswordDetails(x) => {
            let mut u = unused(f);
            u.last_accessed = time(x.last_accessed());
            f.unused = Some(u);
        }
        FindingDetails::UnusedIamUserAccessKeyDetails(x) => {
            let mut u = unused(f);
            u.last_accessed = time(x.last_accessed());
            u.access_key_ids.push(x.access_key_id().to_string());
            f.unused = Some(u);
        }
        FindingDetails::InternalAccessDetails(x) => {
            let mut principal: Vec<(String, String)> = x
                .principal()
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default();
            principal.sort();
            f.principal.extend(principal);
            f.actions.extend(x.action().iter().cloned());
            let mut condition: Vec<(String, String)> = x
                .condition()
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default();
            condition.sort();
            f.condition.extend(condition);
            f.internal = Some(InternalDetails {
                access_type: x.access_type().map(|t| t.as_str().to_string()),
                principal_type: x.principal_type().map(|t| t.as_str().to_string()),
                principal_owner_account: x.principal_owner_account().map(str::to_string),
            });
        }
        _ => {}
    }
}

/// GenerateFindingRecommendation: starts the job.
pub async fn generate_recommendation(
    client: &Client,
    analyzer_arn: &str,
    finding_id: &str,
) -> Result<(), AwsError> {
    client
        .generate_finding_recommendation()
        .analyzer_arn(analyzer_arn)
        .id(finding_id)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("access-analyzer:GenerateFindingRecommendation", e))?;
    Ok(())
}

fn step(s: &SdkStep) -> Option<RecommendedStep> {
    let SdkStep::UnusedPermissionsRecommendedStep(x) = s else {
        return None;
    };
    let existing = x.existing_policy_id().unwrap_or_default().to_string();
    Some(match x.recommended_action().as_str() {
        "CREATE_POLICY" => RecommendedStep::CreatePolicy {
            existing,
            policy: x.recommended_policy().unwrap_or_default().to_string(),
            policy_updated_at: time(x.policy_updated_at()),
        },
        _ => RecommendedStep::DetachPolicy { existing },
    })
}

/// GetFindingRecommendation (every page of steps).
pub async fn get_recommendation(
    client: &Client,
    analyzer_arn: &str,
    finding_id: &str,
) -> Result<Recommendation, AwsError> {
    const OP: &str = "access-analyzer:GetFindingRecommendation";
    let mut next: Option<String> = None;
    let mut rec: Option<Recommendation> = None;
    loop {
        let out = client
            .get_finding_recommendation()
            .analyzer_arn(analyzer_arn)
            .id(finding_id)
            .set_next_token(next.take())
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(OP, e))?;
        let r = rec.get_or_insert_with(|| Recommendation {
            status: out.status().as_str().to_string(),
            resource: out.resource_arn().to_string(),
            steps: Vec::new(),
            error: out
                .error()
                .map(|e| format!("{}: {}", e.code(), e.message())),
        });
        r.steps
            .extend(out.recommended_steps().iter().filter_map(step));
        match out.next_token() {
            Some(t) if !t.is_empty() => next = Some(t.to_string()),
            _ => break,
        }
    }
    rec.ok_or_else(|| AwsError::bad_response(OP, "no answer".to_string()))
}
