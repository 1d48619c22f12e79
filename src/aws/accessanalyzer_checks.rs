//! Access Analyzer's policy checks and access previews for role trust policies, as the
//! domain's proof inputs: ValidatePolicy (every page), CheckNoNewAccess,
//! CheckNoPublicAccess, CreateAccessPreview, GetAccessPreview, ListAccessPreviewFindings.

use aws_sdk_accessanalyzer::Client;
use aws_sdk_accessanalyzer::types::{
    AccessCheckPolicyType, AccessCheckResourceType, Configuration, IamRoleConfiguration,
    PathElement, PolicyType, ReasonSummary, ValidatePolicyResourceType,
};

use super::AwsError;
use crate::domain::proofs::{CheckAnswer, PolicyFinding, PreviewFinding};

/// `Statement[1].Action[0]`, from a location's path.
fn path_text(path: &[PathElement]) -> String {
    let mut out = String::new();
    for p in path {
        match p {
            PathElement::Index(i) => out.push_str(&format!("[{i}]")),
            PathElement::Key(k) | PathElement::Value(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            _ => {}
        }
    }
    if out.is_empty() {
        "the document".into()
    } else {
        out
    }
}

/// ValidatePolicy of a role trust policy, every page.
pub async fn validate_trust_policy(
    client: &Client,
    document: &str,
) -> Result<Vec<PolicyFinding>, AwsError> {
    let mut out = Vec::new();
    let mut pages = client
        .validate_policy()
        .policy_document(document)
        .policy_type(PolicyType::ResourcePolicy)
        .validate_policy_resource_type(ValidatePolicyResourceType::RoleTrust)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| AwsError::from_sdk("access-analyzer:ValidatePolicy", e))?;
        out.extend(page.findings().iter().map(|f| {
            PolicyFinding {
                finding_type: f.finding_type().as_str().to_string(),
                issue_code: f.issue_code().to_string(),
                details: f.finding_details().to_string(),
                path: f
                    .locations()
                    .first()
                    .map(|l| path_text(l.path()))
                    .unwrap_or_else(|| "the document".into()),
            }
        }));
    }
    Ok(out)
}

fn answer(pass: bool, message: Option<&str>, reasons: &[ReasonSummary]) -> CheckAnswer {
    CheckAnswer {
        pass,
        message: message.unwrap_or_default().to_string(),
        reasons: reasons
            .iter()
            .map(|r| {
                (
                    r.statement_index(),
                    r.statement_id().map(str::to_string),
                    r.description().unwrap_or_default().to_string(),
                )
            })
            .collect(),
    }
}

/// CheckNoNewAccess of a trust policy edit (`new` against `existing`).
pub async fn check_no_new_access(
    client: &Client,
    existing: &str,
    new: &str,
) -> Result<CheckAnswer, AwsError> {
    let out = client
        .check_no_new_access()
        .existing_policy_document(existing)
        .new_policy_document(new)
        .policy_type(AccessCheckPolicyType::ResourcePolicy)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("access-analyzer:CheckNoNewAccess", e))?;
    let pass = out.result().is_some_and(|r| r.as_str() == "PASS");
    Ok(answer(pass, out.message(), out.reasons()))
}

/// CheckNoPublicAccess of a role trust policy.
pub async fn check_no_public_access(
    client: &Client,
    document: &str,
) -> Result<CheckAnswer, AwsError> {
    let out = client
        .check_no_public_access()
        .policy_document(document)
        .resource_type(AccessCheckResourceType::RoleTrust)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("access-analyzer:CheckNoPublicAccess", e))?;
    let pass = out.result().is_some_and(|r| r.as_str() == "PASS");
    Ok(answer(pass, out.message(), out.reasons()))
}

/// CreateAccessPreview of `role_arn` with `trust_policy`; returns the preview id.
pub async fn create_access_preview(
    client: &Client,
    analyzer_arn: &str,
    role_arn: &str,
    trust_policy: &str,
) -> Result<String, AwsError> {
    let config = Configuration::IamRole(
        IamRoleConfiguration::builder()
            .trust_policy(trust_policy)
            .build(),
    );
    let out = client
        .create_access_preview()
        .analyzer_arn(analyzer_arn)
        .configurations(role_arn, config)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("access-analyzer:CreateAccessPreview", e))?;
    Ok(out.id().to_string())
}

/// GetAccessPreview: its status (CREATING, COMPLETED, FAILED) and the reason of a failure.
pub async fn access_preview_status(
    client: &Client,
    analyzer_arn: &str,
    id: &str,
) -> Result<(String, Option<String>), AwsError> {
    let out = client
        .get_access_preview()
        .analyzer_arn(analyzer_arn)
        .access_preview_id(id)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("access-analyzer:GetAccessPreview", e))?;
    let preview = out.access_preview();
    Ok((
        preview
            .map(|p| p.status().as_str().to_string())
            .unwrap_or_default(),
        preview
            .and_then(|p| p.status_reason())
            .map(|r| r.code().as_str().to_string()),
    ))
}

/// ListAccessPreviewFindings, every page.
pub async fn access_preview_findings(
    client: &Client,
    analyzer_arn: &str,
    id: &str,
) -> Result<Vec<PreviewFinding>, AwsError> {
    let mut out = Vec::new();
    let mut pages = client
        .list_access_preview_findings()
        .analyzer_arn(analyzer_arn)
        .access_preview_id(id)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page =
            page.map_err(|e| AwsError::from_sdk("access-analyzer:ListAccessPreviewFindings", e))?;
        out.extend(page.findings().iter().map(|f| {
            let mut principal: Vec<String> = f
                .principal()
                .map(|m| m.iter().map(|(k, v)| format!("{k}: {v}")).collect())
                .unwrap_or_default();
            principal.sort();
            PreviewFinding {
                change_type: f.change_type().as_str().to_string(),
                status: f.status().as_str().to_string(),
                existing_id: f.existing_finding_id().map(str::to_string),
                existing_status: f.existing_finding_status().map(|s| s.as_str().to_string()),
                principal: principal.join(", "),
            }
        }));
    }
    Ok(out)
}
