//! What reaches the Access Analyzer pane from tasks and `:` commands; folded in by `reduce`.

use crate::domain::analyzer::{AccessFinding, Analyzer, Criteria, PermissionsChange};

use super::PolicyPurpose;

#[derive(Debug, Clone, PartialEq)]
pub enum AnalyzerMsg {
    /// `:analyzer NAME`.
    Select(String),
    /// `:archive REASON` / `:unarchive REASON`.
    ArchiveWithReason {
        archive: bool,
        reason: String,
    },
    /// `:archive-similar [RULE]`.
    ArchiveSimilarNamed(Option<String>),
    /// `:rules`.
    ShowArchiveRules,
    /// `:where KEY=VALUE ...` on the Access Analyzer table.
    Where(String),
    /// `:group resource|principal|none`.
    Group(String),
    /// `:delete-rule NAME`.
    DeleteArchiveRule(String),
    AnalyzersLoaded(Result<Vec<Analyzer>, String>),
    /// One ListFindingsV2 page (details filled in) for request `request`.
    FindingsPage {
        request: u64,
        result: Result<Vec<AccessFinding>, String>,
        next_token: Option<String>,
    },
    TrustPolicyLoaded {
        purpose: PolicyPurpose,
        result: Result<String, String>,
    },
    /// The finding as GetFindingV2 shows it after a re-scan; `changed` is false when its
    /// status was still the old one after the last poll.
    FindingRescanned {
        finding_id: String,
        result: Result<Box<AccessFinding>, String>,
        changed: bool,
    },
    ArchiveRulesLoaded {
        analyzer: String,
        result: Result<Vec<(String, Criteria)>, String>,
    },
    /// An unused-permission recommendation, generated, polled and planned against the
    /// role's policies now (or why not).
    RecommendationReady {
        finding_id: String,
        result: Result<Box<PermissionsChange>, String>,
    },
}

impl AnalyzerMsg {
    /// The commands that lead to a change in AWS (refused in read-only sessions).
    pub fn is_mutating(&self) -> bool {
        self.change_command().is_some()
    }

    /// The `:` command of a message that starts a change (named when a read-only session
    /// refuses it).
    pub fn change_command(&self) -> Option<&'static str> {
        match self {
            AnalyzerMsg::ArchiveWithReason { archive: true, .. } => Some(":archive"),
            AnalyzerMsg::ArchiveWithReason { archive: false, .. } => Some(":unarchive"),
            AnalyzerMsg::ArchiveSimilarNamed(_) => Some(":archive-similar"),
            AnalyzerMsg::DeleteArchiveRule(_) => Some(":delete-rule"),
            _ => None,
        }
    }
}

/// What the Access Analyzer pane asks its reader for (`Effect::Read`).
#[derive(Debug, Clone, PartialEq)]
pub enum AnalyzerRead {
    /// ListAnalyzers.
    Analyzers,
    /// One ListFindingsV2 page with each finding's details (GetFindingV2).
    Findings {
        request: u64,
        analyzer_arn: String,
        next_token: Option<String>,
    },
    /// A role's trust policy (GetRole, decoded), for the detail view or a plan.
    TrustPolicy {
        role_name: String,
        /// The role's full ARN: the role GetRole answers for must be this one.
        role_arn: String,
        /// A role in another account is read through this assumed role.
        assume_role: Option<String>,
        purpose: PolicyPurpose,
    },
    ArchiveRules {
        analyzer: String,
    },
    /// After a trust-policy change and its re-scan: GetFindingV2 a few times, with backoff,
    /// until the finding's status is no longer `from_status` (the scan is asynchronous on
    /// AWS); answered with `AnalyzerMsg::FindingRescanned`.
    FindingPoll {
        analyzer_arn: String,
        finding_id: String,
        from_status: String,
    },
    /// An UnusedPermission finding's recommendation: GenerateFindingRecommendation, poll
    /// GetFindingRecommendation, read the policies it names; answered with
    /// `AnalyzerMsg::RecommendationReady`.
    Recommendation {
        analyzer_arn: String,
        finding_id: String,
        role_arn: String,
    },
}
