//! Access Analyzer adapter: analyzers, findings (V2 summaries streamed page by page, details
//! from GetFindingV2), UpdateFindings, archive rules and resource scans, as domain types.

use aws_sdk_accessanalyzer::Client;
use aws_sdk_accessanalyzer::operation::RequestId;
use aws_sdk_accessanalyzer::types::{Criterion, FindingDetails, FindingStatusUpdate};
use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;

use super::AwsError;
use crate::domain::analyzer::{AccessFinding, Analyzer, Criteria};

fn time(t: &DateTime) -> String {
    t.fmt(Format::DateTime).unwrap_or_default()
}

fn sorted(map: Option<&std::collections::HashMap<String, String>>) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = map
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    v.sort();
    v
}

pub async fn list_analyzers(client: &Client) -> Result<Vec<Analyzer>, AwsError> {
    let mut out = Vec::new();
    let mut pages = client.list_analyzers().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| AwsError::from_sdk("access-analyzer:ListAnalyzers", e))?;
        out.extend(page.analyzers().iter().map(|a| Analyzer {
            name: a.name().to_string(),
            arn: a.arn().to_string(),
            kind: a.r#type().as_str().to_string(),
            status: a.status().as_str().to_string(),
            created_at: time(a.created_at()),
        }));
    }
    Ok(out)
}

/// One ListFindingsV2 page: summaries without principal / actions, and the next token.
pub async fn list_findings_page(
    client: &Client,
    analyzer_arn: &str,
    next_token: Option<String>,
    page_size: i32,
) -> Result<(Vec<AccessFinding>, Option<String>), AwsError> {
    let out = client
        .list_findings_v2()
        .analyzer_arn(analyzer_arn)
        .max_results(page_size)
        .set_next_token(next_token)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("access-analyzer:ListFindingsV2", e))?;
    let findings = out
        .findings()
        .iter()
        .map(|f| AccessFinding {
            id: f.id().to_string(),
            analyzer_arn: analyzer_arn.to_string(),
            status: f.status().as_str().to_string(),
            finding_type: f
                .finding_type()
                .map(|t| t.as_str().to_string())
                .unwrap_or_default(),
            resource_type: f.resource_type().as_str().to_string(),
            resource: f.resource().unwrap_or_default().to_string(),
            account: f.resource_owner_account().to_string(),
            created_at: time(f.created_at()),
            updated_at: time(f.updated_at()),
            error: f.error().map(str::to_string),
            ..Default::default()
        })
        .collect();
    Ok((findings, out.next_token().map(str::to_string)))
}

/// GetFindingV2: the finding with its principal, actions and condition.
pub async fn get_finding(
    client: &Client,
    analyzer_arn: &str,
    id: &str,
) -> Result<AccessFinding, AwsError> {
    let f = client
        .get_finding_v2()
        .analyzer_arn(analyzer_arn)
        .id(id)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("access-analyzer:GetFindingV2", e))?;
    let mut finding = AccessFinding {
        id: f.id().to_string(),
        analyzer_arn: analyzer_arn.to_string(),
        status: f.status().as_str().to_string(),
        finding_type: f
            .finding_type()
            .map(|t| t.as_str().to_string())
            .unwrap_or_default(),
        resource_type: f.resource_type().as_str().to_string(),
        resource: f.resource().unwrap_or_default().to_string(),
        account: f.resource_owner_account().to_string(),
        created_at: time(f.created_at()),
        updated_at: time(f.updated_at()),
        error: f.error().map(str::to_string),
        detailed: true,
        ..Default::default()
    };
    for d in f.finding_details() {
        if let FindingDetails::ExternalAccessDetails(x) = d {
            finding.principal.extend(sorted(x.principal()));
            finding.actions.extend(x.action().iter().cloned());
            finding.condition.extend(sorted(Some(x.condition())));
            finding.is_public = x.is_public();
        } else {
            super::accessanalyzer_unused::fill_details(&mut finding, d);
        }
    }
    Ok(finding)
}

/// UpdateFindings to ARCHIVED (or back to ACTIVE); returns the request id.
pub async fn set_status(
    client: &Client,
    analyzer_arn: &str,
    ids: &[String],
    archive: bool,
) -> Result<Option<String>, AwsError> {
    let status = if archive {
        FindingStatusUpdate::Archived
    } else {
        FindingStatusUpdate::Active
    };
    let out = client
        .update_findings()
        .analyzer_arn(analyzer_arn)
        .status(status)
        .set_ids(Some(ids.to_vec()))
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("access-analyzer:UpdateFindings", e))?;
    Ok(out.request_id().map(str::to_string))
}

pub async fn create_archive_rule(
    client: &Client,
    analyzer_name: &str,
    rule: &str,
    criteria: &Criteria,
) -> Result<Option<String>, AwsError> {
    let mut req = client
        .create_archive_rule()
        .analyzer_name(analyzer_name)
        .rule_name(rule);
    for (key, values) in criteria {
        req = req.filter(
            key,
            Criterion::builder().set_eq(Some(values.clone())).build(),
        );
    }
    let out = req
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("access-analyzer:CreateArchiveRule", e))?;
    Ok(out.request_id().map(str::to_string))
}

pub async fn apply_archive_rule(
    client: &Client,
    analyzer_arn: &str,
    rule: &str,
) -> Result<Option<String>, AwsError> {
    let out = client
        .apply_archive_rule()
        .analyzer_arn(analyzer_arn)
        .rule_name(rule)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("access-analyzer:ApplyArchiveRule", e))?;
    Ok(out.request_id().map(str::to_string))
}

pub async fn delete_archive_rule(
    client: &Client,
    analyzer_name: &str,
    rule: &str,
) -> Result<Option<String>, AwsError> {
    let out = client
        .delete_archive_rule()
        .analyzer_name(analyzer_name)
        .rule_name(rule)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("access-analyzer:DeleteArchiveRule", e))?;
    Ok(out.request_id().map(str::to_string))
}

/// Archive rules of an analyzer (every page): name and `eq` criteria.
pub async fn list_archive_rules(
    client: &Client,
    analyzer_name: &str,
) -> Result<Vec<(String, Criteria)>, AwsError> {
    let mut rules = Vec::new();
    let mut pages = client
        .list_archive_rules()
        .analyzer_name(analyzer_name)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| AwsError::from_sdk("access-analyzer:ListArchiveRules", e))?;
        rules.extend(page.archive_rules().iter().map(|r| {
            let mut c: Criteria = r
                .filter()
                .iter()
                .map(|(k, v)| (k.clone(), v.eq().to_vec()))
                .collect();
            c.sort();
            (r.rule_name().to_string(), c)
        }));
    }
    Ok(rules)
}

pub async fn start_resource_scan(
    client: &Client,
    analyzer_arn: &str,
    resource_arn: &str,
    owner: &str,
) -> Result<(), AwsError> {
    client
        .start_resource_scan()
        .analyzer_arn(analyzer_arn)
        .resource_arn(resource_arn)
        .resource_owner_account(owner)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("access-analyzer:StartResourceScan", e))?;
    Ok(())
}
