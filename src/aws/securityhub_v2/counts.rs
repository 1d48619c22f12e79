//! Counts computed by AWS instead of by loading every finding: GetFindingStatisticsV2
//! (finding counts grouped by a field, at most 400 groups a rule) and GetFindingsTrendsV2
//! (counts per severity per day/week/month over a window).

use aws_sdk_securityhub::Client;
use aws_sdk_securityhub::types::{FindingScopes, FindingsTrendsFilters, GroupByRule, SortOrder};
use aws_smithy_types::DateTime;
use time::OffsetDateTime;

use super::super::error::AwsError;
use super::super::pages::all_pages;
use super::super::retry::RetryPolicy;

pub const STATISTICS: &str = "securityhub:GetFindingStatisticsV2";
pub const TRENDS: &str = "securityhub:GetFindingsTrendsV2";
/// GetFindingStatisticsV2 returns at most this many groups a rule.
pub const MAX_GROUPS: i32 = 400;

/// One rule's answer: the field grouped by and (value, count) per group, in AWS's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupCounts {
    pub field: String,
    pub groups: Vec<(String, i64)>,
}

/// One GetFindingStatisticsV2 call: one `GroupCounts` per rule, in the rules' order.
/// `max_groups` is clamped to 1-400; `descending` sorts groups by count, largest first.
pub async fn finding_statistics(
    client: &Client,
    rules: Vec<GroupByRule>,
    scopes: Option<FindingScopes>,
    descending: bool,
    max_groups: i32,
) -> Result<Vec<GroupCounts>, AwsError> {
    if rules.is_empty() {
        return Err(AwsError::invalid_request(STATISTICS, "no GroupByRules"));
    }
    let order = if descending {
        SortOrder::Descending
    } else {
        SortOrder::Ascending
    };
    let out = client
        .get_finding_statistics_v2()
        .set_group_by_rules(Some(rules))
        .set_scopes(scopes)
        .sort_order(order)
        .max_statistic_results(max_groups.clamp(1, MAX_GROUPS))
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(STATISTICS, e))?;
    Ok(out
        .group_by_results()
        .iter()
        .map(|r| GroupCounts {
            field: r.group_by_field().unwrap_or_default().to_string(),
            groups: r
                .group_by_values()
                .iter()
                .map(|v| {
                    let value = v.field_value().unwrap_or_default().to_string();
                    (value, i64::from(v.count().unwrap_or(0)))
                })
                .collect(),
        })
        .collect())
}

/// Finding counts per OCSF severity at one point of a trend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SeverityCounts {
    pub unknown: i64,
    pub informational: i64,
    pub low: i64,
    pub medium: i64,
    pub high: i64,
    pub critical: i64,
    pub fatal: i64,
    pub other: i64,
}

impl SeverityCounts {
    pub fn total(&self) -> i64 {
        self.unknown
            + self.informational
            + self.low
            + self.medium
            + self.high
            + self.critical
            + self.fatal
            + self.other
    }
}

/// A trend: AWS's granularity (`Daily`, `Weekly`, `Monthly`) and one point per period.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Trend {
    pub granularity: String,
    pub points: Vec<(OffsetDateTime, SeverityCounts)>,
}

/// GetFindingsTrendsV2 over `[start, end]`, every page.
pub async fn findings_trends(
    client: &Client,
    filters: Option<FindingsTrendsFilters>,
    start: OffsetDateTime,
    end: OffsetDateTime,
    retry: &RetryPolicy,
) -> Result<Trend, AwsError> {
    let mut granularity = String::new();
    let granularity_slot = &mut granularity;
    let points = all_pages(TRENDS, retry, |token| {
        let filters = filters.clone();
        async move {
            let out = client
                .get_findings_trends_v2()
                .set_filters(filters)
                .start_time(to_smithy(start))
                .end_time(to_smithy(end))
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(TRENDS, e))?;
            let granularity = out.granularity().map(|g| g.as_str().to_string());
            let points: Vec<_> = out
                .trends_metrics()
                .iter()
                .filter_map(|m| {
                    let at = OffsetDateTime::from_unix_timestamp(m.timestamp()?.secs()).ok()?;
                    let s = m.trends_values()?.severity_trends()?;
                    let counts = SeverityCounts {
                        unknown: s.unknown().unwrap_or(0),
                        informational: s.informational().unwrap_or(0),
                        low: s.low().unwrap_or(0),
                        medium: s.medium().unwrap_or(0),
                        high: s.high().unwrap_or(0),
                        critical: s.critical().unwrap_or(0),
                        fatal: s.fatal().unwrap_or(0),
                        other: s.other().unwrap_or(0),
                    };
                    Some((at, counts))
                })
                .collect();
            Ok((
                vec![(granularity, points)],
                out.next_token().map(str::to_string),
            ))
        }
    })
    .await?;
    let mut trend = Trend::default();
    for (g, page) in points {
        if let Some(g) = g {
            *granularity_slot = g;
        }
        trend.points.extend(page);
    }
    trend.granularity = granularity;
    Ok(trend)
}

fn to_smithy(t: OffsetDateTime) -> DateTime {
    DateTime::from_secs(t.unix_timestamp())
}
