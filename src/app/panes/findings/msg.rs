//! What reaches the findings pane from tasks and `:` commands; folded in by `reduce`.

use crate::domain::finding::Finding;
use crate::domain::finding_history::HistoryRecord;

use super::notes::LocalNote;

#[derive(Debug, Clone, PartialEq)]
pub enum FindingsMsg {
    /// One page of GetFindings for request `request` (stale requests are ignored).
    Page {
        request: u64,
        findings: Vec<Finding>,
        next_token: Option<String>,
    },
    /// A page failed; `next_token` is the token to resume from (None = the first page).
    PageFailed {
        request: u64,
        error: String,
        next_token: Option<String>,
    },
    /// GetFindingHistory answered for the finding with this id.
    HistoryLoaded {
        finding_id: String,
        result: Result<Vec<HistoryRecord>, String>,
    },
    /// The notes the journal recorded for this finding (read when History opens).
    LocalNotesLoaded {
        finding_id: String,
        notes: Vec<LocalNote>,
    },
    /// `:findings EXPR`: replace the server-side filter (errors leave the view alone).
    ApplyFilter(String),
    /// `:view NAME`: a saved view from the config.
    ShowView(String),
    /// DescribeHub / DescribeSecurityHubV2 answered (at start).
    HubsDetected(crate::domain::findings_api::HubsEnabled),
    /// GetFindingStatisticsV2 / GetFindingsTrendsV2 answered for load `request` (OCSF).
    OcsfCounts {
        request: u64,
        result: Result<crate::domain::findings_api::ServerCounts, String>,
    },
    /// `:source ocsf|asff`: read findings through that API from now on.
    SwitchSource(crate::domain::findings_api::ApiInUse),
}

/// What the findings pane asks the Security Hub reader for (`Effect::Read`).
#[derive(Debug, Clone, PartialEq)]
pub enum FindingsRead {
    /// One GetFindings page. A newer `request` for the findings table supersedes older ones.
    Page {
        request: u64,
        filters: crate::domain::filter::FindingFilters,
        sort: Vec<crate::domain::filter::SortCriterion>,
        next_token: Option<String>,
    },
    /// One GetFindingsV2 page (the new Security Hub, OCSF); its rows come back as `Page`.
    OcsfPage {
        request: u64,
        filters: crate::domain::ocsf_filter::OcsfFilters,
        sort: Vec<crate::domain::filter::SortCriterion>,
        next_token: Option<String>,
    },
    /// Which Security Hub is enabled: DescribeHub (CSPM) and DescribeSecurityHubV2.
    Hubs,
    /// GetFindingHistory for the finding open in the detail view.
    History {
        finding: crate::domain::finding::FindingRef,
    },
}
