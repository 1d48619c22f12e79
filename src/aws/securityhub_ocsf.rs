//! The findings pane's reads on the new Security Hub: is it enabled (DescribeSecurityHubV2)
//! and GetFindingsV2 pages
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

/// Whether the new Security Hub is enabled (DescribeSecurityHubV2). Security Hub CSPM is
/// not asked (no DescribeHub call): the findings pane learns it from its first GetFindings
/// answer. A failed call leaves the hub unknown (`None`), logged, not shown: the session
/// goes on as it would without detection.
pub async fn detect_hubs(client: &Client) -> HubsEnabled {
    let ocsf = match securityhub_v2::describe(client).await {
        Ok(hub) => Some(hub.is_some()),
        Err(e) => {
            tracing::warn!(error = %e, "cannot tell whether Security Hub (V2) is enabled");
            None
        }
    };
    HubsEnabled { cspm: None, ocsf }
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
