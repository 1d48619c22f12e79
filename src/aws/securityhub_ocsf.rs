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
use crate::domain::findings_api::{HubsEnabled, ServerCounts};
use crate::domain::ocsf_filter::OcsfFilters;
use crate::domain::org_scope::OrgScope;

/// `:scope` as GetFindingsV2 / GetFindingStatisticsV2 `Scopes` (None: the caller's own view).
pub fn finding_scopes(
    scope: Option<&OrgScope>,
) -> Option<aws_sdk_securityhub::types::FindingScopes> {
    use aws_sdk_securityhub::types::{AwsOrganizationScope, FindingScopes};
    let s = scope?;
    let org = AwsOrganizationScope::builder()
        .set_organizational_unit_id(s.organizational_unit.clone())
        .set_organization_id(s.organization.clone())
        .build();
    Some(FindingScopes::builder().aws_organizations(org).build())
}

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
    scope: Option<&OrgScope>,
    sort: &[SortCriterion],
    next_token: Option<String>,
    max_results: i32,
) -> Result<FindingsPage, AwsError> {
    let query = OcsfQuery {
        filters: ocsf_finding_filters(filters),
        sort: to_sdk_sort(sort),
        scopes: finding_scopes(scope),
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

/// The strip's counts for `filters`: severity and status groups from one
/// GetFindingStatisticsV2 call. The trend (`ocsf_trend`) is asked after it, so the
/// counts do not wait for it.
pub async fn ocsf_counts(
    client: &Client,
    filters: &OcsfFilters,
    scope: Option<&OrgScope>,
) -> Result<ServerCounts, AwsError> {
    use aws_sdk_securityhub::types::{GroupByField, GroupByRule};
    use securityhub_v2::counts::{MAX_GROUPS, finding_statistics};
    let rule = |field: GroupByField| {
        GroupByRule::builder()
            .set_filters(ocsf_finding_filters(filters))
            .group_by_field(field)
            .build()
    };
    let rules = vec![rule(GroupByField::Severity), rule(GroupByField::Status)];
    let groups = finding_statistics(client, rules, finding_scopes(scope), true, MAX_GROUPS).await?;
    let of = |i: usize| groups.get(i).map(|g| g.groups.clone()).unwrap_or_default();
    let mut severity = of(0);
    severity.sort_by_key(|(caption, _)| severity_rank(caption));
    Ok(ServerCounts {
        severity,
        status: of(1),
        trend: Vec::new(),
    })
}

/// The last 30 days' daily totals from GetFindingsTrendsV2, oldest first; empty when the
/// trend failed (logged: the counts still show).
pub async fn ocsf_trend(client: &Client, retry: &crate::aws::retry::RetryPolicy) -> Vec<i64> {
    let end = time::OffsetDateTime::now_utc();
    let start = end - time::Duration::days(30);
    match securityhub_v2::counts::findings_trends(client, None, start, end, retry).await {
        Ok(t) => t.points.iter().map(|(_, c)| c.total()).collect(),
        Err(e) => {
            tracing::warn!(error = %e, "GetFindingsTrendsV2: no trend");
            Vec::new()
        }
    }
}

/// Most severe first; unknown captions last.
fn severity_rank(caption: &str) -> usize {
    [
        "Fatal",
        "Critical",
        "High",
        "Medium",
        "Low",
        "Informational",
    ]
    .iter()
    .position(|s| s.eq_ignore_ascii_case(caption))
    .unwrap_or(9)
}

/// `ctrl-g` on OCSF: how many findings of the view each value of `field` has, counted by
/// Security Hub (GetFindingStatisticsV2, one rule with the view's filters, up to 400
/// groups, largest first).
pub async fn group_counts(
    client: &Client,
    filters: &OcsfFilters,
    scope: Option<&OrgScope>,
    field: &str,
) -> Result<Vec<(String, i64)>, AwsError> {
    use aws_sdk_securityhub::types::{GroupByField, GroupByRule};
    use securityhub_v2::counts::{MAX_GROUPS, finding_statistics};
    let rule = GroupByRule::builder()
        .set_filters(ocsf_finding_filters(filters))
        .group_by_field(GroupByField::from(field))
        .build();
    let groups =
        finding_statistics(client, vec![rule], finding_scopes(scope), true, MAX_GROUPS).await?;
    Ok(groups
        .into_iter()
        .next()
        .map(|g| g.groups)
        .unwrap_or_default())
}

/// One finding by its `finding_info.uid` (a contributing finding of an exposure, when it
/// is not among the loaded rows): GetFindingsV2 filtered on that uid. `Ok(None)`: Security
/// Hub does not return it (deleted, or outside this account's or scope's view).
pub async fn finding_by_uid(
    client: &Client,
    uid: &str,
    scope: Option<&OrgScope>,
) -> Result<Option<crate::domain::finding::Finding>, AwsError> {
    use crate::domain::filter::StringComparison;
    use crate::domain::ocsf_filter::{Composite, Leaf, Operator};
    let filters = OcsfFilters {
        operator: Operator::And,
        composites: vec![Composite {
            operator: Operator::And,
            leaves: vec![Leaf::String {
                field: "finding_info.uid",
                comparison: StringComparison::Equals,
                value: uid.to_string(),
            }],
            nested: Vec::new(),
        }],
    };
    let page = get_ocsf_findings_page(client, &filters, scope, &[], None, 1).await?;
    Ok(page.findings.into_iter().next())
}
