//! The findings pane's reads on the new Security Hub: which hubs are enabled
//! (DescribeHub for CSPM, DescribeSecurityHubV2 for the new one) and GetFindingsV2 pages
//! as rows (`domain::ocsf_finding`), with the console's compiled OCSF filter and sort.

use aws_sdk_securityhub::Client;

use super::error::AwsError;
use super::filters::to_sdk_sort;
use super::ocsf_filters::ocsf_finding_filters;
use super::securityhub::FindingsPage;
use super::securityhub_v2::{self, OcsfQuery};
use crate::domain::filter::SortCriterion;
use crate::domain::findings_api::HubsEnabled;
use crate::domain::ocsf_filter::OcsfFilters;

const DESCRIBE_HUB: &str = "securityhub:DescribeHub";

/// Whether Security Hub CSPM is enabled: DescribeHub answers, or says the account is not
/// subscribed (InvalidAccessException; ResourceNotFoundException in some Regions).
pub async fn cspm_enabled(client: &Client) -> Result<bool, AwsError> {
    match client.describe_hub().send().await {
        Ok(_) => Ok(true),
        Err(e) => {
            let e = AwsError::from_sdk(DESCRIBE_HUB, e);
            match e.code.as_deref() {
                Some("InvalidAccessException" | "ResourceNotFoundException") => Ok(false),
                _ => Err(e),
            }
        }
    }
}

/// Both hubs asked at once. A call that fails leaves its hub unknown (`None`), logged,
/// not shown: the session goes on as it would without detection.
pub async fn detect_hubs(client: &Client) -> HubsEnabled {
    let (cspm, ocsf) = tokio::join!(cspm_enabled(client), securityhub_v2::describe(client));
    let known = |what: &str, r: Result<bool, AwsError>| match r {
        Ok(v) => Some(v),
        Err(e) => {
            tracing::warn!(error = %e, "{what}: cannot tell whether it is enabled");
            None
        }
    };
    HubsEnabled {
        cspm: known("Security Hub CSPM", cspm),
        ocsf: known("Security Hub", ocsf.map(|hub| hub.is_some())),
    }
}

/// One GetFindingsV2 page as rows. A document without an id is skipped with a warning
/// (it cannot be addressed), as on the ASFF path.
pub async fn get_ocsf_findings_page(
    client: &Client,
    filters: &OcsfFilters,
    sort: &[SortCriterion],
    next_token: Option<String>,
    max_results: i32,
) -> Result<FindingsPage, AwsError> {
    let query = OcsfQuery {
        filters: ocsf_finding_filters(filters),
        sort: to_sdk_sort(sort),
        scopes: None,
    };
    let page = securityhub_v2::get_findings_page(client, &query, next_token, max_results).await?;
    let findings = page
        .findings
        .into_iter()
        .filter_map(|doc| match crate::domain::ocsf_finding::from_ocsf(doc) {
            Ok(f) => Some(f),
            Err(e) => {
                tracing::warn!(error = %e, "skipping an OCSF finding");
                None
            }
        })
        .collect();
    Ok(FindingsPage {
        findings,
        next_token: page.next_token,
    })
}
