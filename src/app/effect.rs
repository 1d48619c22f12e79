//! Effects: what `update()` asks the outside world to do. Reads may run in any session;
//! `Mutate` is only carried out by the mutation executor, which a read-only session
//! never constructs.

use crate::domain::filter::{FindingFilters, SortCriterion};
use crate::domain::plan::ChangePlan;

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Read(ReadRequest),
    Mutate(ChangePlan),
    /// Write findings to `path` (format from the extension); answered with a notification.
    ExportFindings {
        path: String,
        findings: Vec<crate::domain::finding::Finding>,
    },
    /// Put text on the terminal's clipboard (OSC 52).
    Copy(String),
    /// Open a URL in a browser, if one is available (the URL is also shown to the user).
    OpenUrl(String),
    /// Load a theme by name or path; answered with `Action::ThemeLoaded`.
    LoadTheme(String),
    /// Remember `name` as the analyzer chosen under `key` (profile|account|region) in the
    /// state file, for the next session.
    RememberAnalyzer {
        key: String,
        name: String,
    },
    /// Look for interrupted changes, or mark one reviewed (the executor; answered with
    /// `Action::Interrupted`).
    Interrupted(crate::app::interrupted::InterruptedEffect),
    /// Read the journal file; answered with `Action::Journal(crate::app::JournalMsg::Loaded)`.
    LoadJournal,
    Quit,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ReadRequest {
    CallerIdentity,
    /// One GetFindings page. A newer `request` for the findings table supersedes older ones.
    FindingsPage {
        request: u64,
        filters: FindingFilters,
        sort: Vec<SortCriterion>,
        next_token: Option<String>,
    },
    /// GetFindingHistory for the finding open in the detail view.
    FindingHistory {
        finding: crate::domain::finding::FindingRef,
    },
    /// Access Analyzer: ListAnalyzers.
    Analyzers,
    /// One ListFindingsV2 page with each finding's details (GetFindingV2).
    AnalyzerFindings {
        request: u64,
        analyzer_arn: String,
        next_token: Option<String>,
    },
    /// A role's trust policy (GetRole, decoded), for the detail view or a plan.
    RoleTrustPolicy {
        role_name: String,
        /// The role's full ARN: the role GetRole answers for must be this one.
        role_arn: String,
        /// A role in another account is read through this assumed role.
        assume_role: Option<String>,
        purpose: crate::app::panes::analyzer::PolicyPurpose,
    },
    ArchiveRules {
        analyzer: String,
    },
    /// After a trust-policy change and its re-scan: GetFindingV2 a few times, with backoff,
    /// until the finding's status is no longer `from_status` (the scan is asynchronous on
    /// AWS); answered with `Action::Analyzer(crate::app::AnalyzerMsg::FindingRescanned)`.
    AnalyzerFindingPoll {
        analyzer_arn: String,
        finding_id: String,
        from_status: String,
    },
    /// IoT audits pane reads (configuration, tasks, findings, import planning).
    Iot(crate::app::panes::audits::IotRead),
    /// The IP sets of `scope` (ListIPSets, GetIPSet each, web ACL references);
    /// answered with `Action::IpSets(crate::app::IpSetsMsg::Loaded)`.
    IpSets {
        request: u64,
        scope: crate::domain::waf::WafScope,
    },
    /// An ip-ranges.json for the sync dialog; answered with `Action::IpSets(crate::app::IpSetsMsg::IpRangesLoaded)`.
    IpRanges {
        request: u64,
        source: crate::app::panes::ipsets::sync::IpRangesSource,
    },
    /// A text file of addresses for IP set `set_id`; answered with
    /// `Action::IpSets(crate::app::IpSetsMsg::AddressFileLoaded)`.
    AddressFile {
        set_id: String,
        path: String,
    },
}
