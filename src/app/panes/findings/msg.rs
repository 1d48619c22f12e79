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
    /// The findings store answered for request `request`: the view's stored rows (None:
    /// nothing usable stored), and whether the view is then fetched in full (else a
    /// delta sync). `notice`: the store was rebuilt or could not be opened.
    Cached {
        request: u64,
        cached: Option<CachedView>,
        full: bool,
        notice: Option<String>,
        /// The rows stay in the store (this console writes it, so pages and deltas land
        /// there): the table reads windows of them (`FindingsRead::Window`) and
        /// `cached.findings` is empty.
        windowed: bool,
    },
    /// A delta sync finished: the view's rows now (stored rows with the changes folded in).
    Synced {
        request: u64,
        result: Result<SyncedView, String>,
    },
    /// A window of the store-backed table (`FindingsRead::Window`) for query `seq`;
    /// `selected`: where the finding the cursor was kept on is now.
    Window {
        seq: u64,
        start: usize,
        result: Result<Vec<Finding>, String>,
        selected: Option<usize>,
    },
    /// The store-backed table's counts for query `seq` (`FindingsRead::Counts`).
    Counts {
        seq: u64,
        result: Result<super::window::Counted, String>,
    },
    /// Every stored row of a query, for what `FindingsRead::Rows` asked them for.
    Rows {
        purpose: RowsFor,
        result: Result<Vec<Finding>, String>,
    },
    /// The store took the re-read findings of a change (`FindingsRead::Reread`).
    StoreChanged,
    /// `:sync full` (and `R` when nothing failed): fetch the view in full.
    SyncFull,
    /// `:findings EXPR`: replace the server-side filter (errors leave the view alone).
    ApplyFilter(String),
    /// `:view NAME`: a saved view from the config.
    ShowView(String),
    /// DescribeHub / DescribeSecurityHubV2 answered (at start).
    HubsDetected(crate::domain::findings_api::HubsEnabled),
    /// GetFindingStatisticsV2 answered for load `request` (OCSF).
    OcsfCounts {
        request: u64,
        result: Result<crate::domain::findings_api::ServerCounts, String>,
    },
    /// GetFindingsTrendsV2 answered after those counts: the last 30 days, oldest first.
    OcsfTrend { request: u64, trend: Vec<i64> },
    /// `:source ocsf|asff`: read findings through that API from now on.
    SwitchSource(crate::domain::findings_api::ApiInUse),
    /// ListConnectorsV2 answered (the ticket connector picker).
    Connectors(Result<Vec<crate::domain::ticket::Connector>, String>),
    /// The DRYRUN answers for a ticket plan: the change to preview.
    TicketDryRun(Box<crate::domain::ticket::TicketCreate>),
    /// `:exposures`: only the open exposure findings (OCSF).
    ShowExposures,
    /// `:scope ou=...[,org=...]` (None: `:scope` alone, the caller's own findings).
    SetScope(Option<crate::domain::org_scope::OrgScope>),
    /// GetFindingStatisticsV2 answered the group list of load `request` grouped by `field`.
    OcsfGroupCounts {
        request: u64,
        field: String,
        result: Result<Vec<(String, i64)>, String>,
    },
    /// A contributing finding read by its uid (not among the loaded rows); `Ok(None)`:
    /// Security Hub did not return it. Boxed: a finding is large and messages are moved.
    ContributingLoaded {
        uid: String,
        result: Result<Option<Box<Finding>>, String>,
    },
}

/// A view's rows as the store holds them, and how old they are (seconds since the sync
/// that wrote them started; the task measures it, `update` has no clock).
#[derive(Debug, Clone, PartialEq)]
pub struct CachedView {
    pub findings: Vec<Finding>,
    pub age_secs: u64,
}

/// A view after a delta sync.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncedView {
    pub findings: Vec<Finding>,
    /// Findings the delta changed, added or removed.
    pub changed: usize,
}

/// Why the store-backed table asks for every row of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowsFor {
    /// To mark them (`toggle`: unmark them instead when all are marked already).
    Mark { toggle: bool },
    /// To export them to `path` (`e`).
    Export { path: String },
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
    /// The view's rows from the findings store (answered by `FindingsMsg::Cached`).
    Open {
        request: u64,
        filters: crate::domain::filter::FindingFilters,
        sort: Vec<crate::domain::filter::SortCriterion>,
    },
    /// A delta sync of the stored view (answered by `FindingsMsg::Synced`).
    Delta {
        request: u64,
        filters: crate::domain::filter::FindingFilters,
        sort: Vec<crate::domain::filter::SortCriterion>,
    },
    /// Re-read findings this console just changed into the store (no answer: a change
    /// without a note moves no time stamp a delta sync could see).
    Reread {
        filters: crate::domain::filter::FindingFilters,
        refs: Vec<crate::domain::finding::FindingRef>,
    },
    /// Rows `start..start + len` of the stored `view` under `query` (answered by
    /// `FindingsMsg::Window`). `anchor`: a row the pane holds and its position (read by
    /// key from it); `rows`: how many rows the query leaves, if known; `keep`: put the
    /// window around this finding and say where it is.
    Window {
        seq: u64,
        view: crate::store::ViewRef,
        query: crate::store::WindowQuery,
        range: (usize, usize),
        anchor: Option<(usize, crate::domain::finding::FindingRef)>,
        rows: Option<usize>,
        keep: Option<(crate::domain::finding::FindingRef, usize)>,
    },
    /// How many stored rows `query` leaves, the summary's counts and, on the group list,
    /// the groups (answered by `FindingsMsg::Counts`).
    Counts {
        seq: u64,
        view: crate::store::ViewRef,
        query: crate::store::WindowQuery,
        groups: Option<crate::store::GroupColumn>,
        /// Count the whole view too (its rows changed since it was counted).
        whole: bool,
    },
    /// Every stored row `query` leaves (answered by `FindingsMsg::Rows`).
    Rows {
        view: crate::store::ViewRef,
        query: crate::store::WindowQuery,
        purpose: RowsFor,
    },
    /// One GetFindingsV2 page (the new Security Hub, OCSF); its rows come back as `Page`.
    OcsfPage {
        request: u64,
        filters: crate::domain::ocsf_filter::OcsfFilters,
        scope: Option<crate::domain::org_scope::OrgScope>,
        sort: Vec<crate::domain::filter::SortCriterion>,
        next_token: Option<String>,
        /// The group list's field: its counts are asked with the first page.
        group_field: Option<&'static str>,
    },
    /// The OCSF view's rows from the findings store (answered by `FindingsMsg::Cached`).
    OcsfOpen {
        request: u64,
        filters: crate::domain::ocsf_filter::OcsfFilters,
        sort: Vec<crate::domain::filter::SortCriterion>,
    },
    /// A delta sync of the stored OCSF view (answered by `Synced`, or by `Cached` with
    /// `full` when it must be fetched in full).
    OcsfDelta {
        request: u64,
        filters: crate::domain::ocsf_filter::OcsfFilters,
        sort: Vec<crate::domain::filter::SortCriterion>,
    },
    /// Which Security Hub is enabled: DescribeHub (CSPM) and DescribeSecurityHubV2.
    Hubs,
    /// `ctrl-g` on OCSF: the view's group counts by `field` (GetFindingStatisticsV2).
    OcsfGroups {
        request: u64,
        filters: crate::domain::ocsf_filter::OcsfFilters,
        scope: Option<crate::domain::org_scope::OrgScope>,
        field: &'static str,
    },
    /// A contributing finding by its `finding_info.uid` (GetFindingsV2).
    OcsfFinding {
        uid: String,
        scope: Option<crate::domain::org_scope::OrgScope>,
    },
    /// GetFindingHistory for the finding open in the detail view.
    History {
        finding: crate::domain::finding::FindingRef,
    },
    /// ListConnectorsV2, for the ticket connector picker.
    Connectors,
    /// CreateTicketV2 Mode=DRYRUN for each finding: AWS's answer is the ticket preview.
    TicketDryRun {
        connector: crate::domain::ticket::Connector,
        targets: Vec<crate::domain::ticket::TicketTarget>,
    },
}
