//! The one table of every AWS operation secdeck calls: its service, the IAM action that
//! authorises it (not always its name: ListFindingsV2 is `access-analyzer:ListFindings`),
//! whether it reads or changes, and the pane or command it serves. `secdeck iam-policy`
//! builds both roles' policies from it (`iam_policy.rs`); the tests check it against the
//! SDK calls in `src/` and against every request the sandbox serves.

/// An AWS service secdeck talks to; its IAM prefix is also its SigV4 signing name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Service {
    SecurityHub,
    AccessAnalyzer,
    Iam,
    Sts,
    Wafv2,
    Iot,
}

impl Service {
    /// The IAM action prefix (= the signing name the sandbox records).
    pub fn prefix(self) -> &'static str {
        match self {
            Service::SecurityHub => "securityhub",
            Service::AccessAnalyzer => "access-analyzer",
            Service::Iam => "iam",
            Service::Sts => "sts",
            Service::Wafv2 => "wafv2",
            Service::Iot => "iot",
        }
    }

    /// The SDK crate that calls it.
    pub fn sdk_crate(self) -> &'static str {
        match self {
            Service::SecurityHub => "aws-sdk-securityhub",
            Service::AccessAnalyzer => "aws-sdk-accessanalyzer",
            Service::Iam => "aws-sdk-iam",
            Service::Sts => "aws-sdk-sts",
            Service::Wafv2 => "aws-sdk-wafv2",
            Service::Iot => "aws-sdk-iot",
        }
    }

    /// The name used in policy statement ids (alphanumeric).
    pub fn sid_name(self) -> &'static str {
        match self {
            Service::SecurityHub => "SecurityHub",
            Service::AccessAnalyzer => "AccessAnalyzer",
            Service::Iam => "Iam",
            Service::Sts => "Sts",
            Service::Wafv2 => "Waf",
            Service::Iot => "Iot",
        }
    }

    pub const ALL: [Service; 6] = [
        Service::SecurityHub,
        Service::AccessAnalyzer,
        Service::Iam,
        Service::Sts,
        Service::Wafv2,
        Service::Iot,
    ];
}

/// Whether the operation changes anything in AWS (and so belongs to the operator only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    Read,
    Write,
}

/// The pane (with its headless command) an operation serves: one policy statement each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Feature {
    /// Who the session acts as (status bar, journal, import's product ARN).
    Session,
    /// The findings pane, `secdeck export findings`.
    Findings,
    /// The access analyzer pane and its trust-policy remediation.
    Analyzer,
    /// The IP sets pane, `secdeck waf sync`.
    IpSets,
    /// The audits pane, `secdeck iot import-audit`.
    Audits,
}

impl Feature {
    pub fn sid_name(self) -> &'static str {
        match self {
            Feature::Session => "Session",
            Feature::Findings => "Findings",
            Feature::Analyzer => "Analyzer",
            Feature::IpSets => "IpSets",
            Feature::Audits => "Audits",
        }
    }
}

/// One AWS operation secdeck calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    pub service: Service,
    /// The API operation as sent on the wire, e.g. `ListFindingsV2`.
    pub name: &'static str,
    /// The IAM action that authorises it (without prefix); `None`: no permission needed.
    pub action: Option<&'static str>,
    pub access: Access,
    pub feature: Feature,
    /// What secdeck calls it for.
    pub used_for: &'static str,
}

impl Operation {
    /// `prefix:Action`, e.g. `access-analyzer:ListFindings`.
    pub fn iam_action(&self) -> Option<String> {
        self.action
            .map(|action| format!("{}:{action}", self.service.prefix()))
    }
}

const fn op(
    service: Service,
    name: &'static str,
    action: &'static str,
    access: Access,
    feature: Feature,
    used_for: &'static str,
) -> Operation {
    Operation {
        service,
        name,
        action: Some(action),
        access,
        feature,
        used_for,
    }
}

use Access::{Read, Write};
use Feature::{Analyzer, Audits, Findings, IpSets, Session};
use Service::{AccessAnalyzer, Iam, Iot, SecurityHub, Sts, Wafv2};

/// Every AWS operation secdeck calls. Adding an SDK call without a row here fails
/// `tests/iam_policy.rs`; so does a row no code calls.
#[rustfmt::skip]
pub const OPERATIONS: &[Operation] = &[
    // STS: "No permissions are required to perform this operation" (GetCallerIdentity
    // works even under an explicit deny), so it is in no policy statement.
    Operation {
        service: Sts,
        name: "GetCallerIdentity",
        action: None,
        access: Read,
        feature: Session,
        used_for: "who the session acts as (journal entries, import's product ARN)",
    },
    op(SecurityHub, "GetFindings", "GetFindings", Read, Findings, "list, reload and export findings; verify changes"),
    // The new Security Hub (OCSF, src/aws/securityhub_v2/): its V2 operations use the
    // CSPM actions where AWS says so (GetFindingsV2 -> GetFindings, BatchUpdateFindingsV2 ->
    // BatchUpdateFindings, GetFindingStatisticsV2 -> GetAdhocInsightResults), else their name.
    op(SecurityHub, "DescribeSecurityHubV2", "DescribeSecurityHubV2", Read, Findings, "which findings API is enabled"),
    op(SecurityHub, "GetFindingsV2", "GetFindings", Read, Findings, "list, reload and export OCSF findings"),
    op(SecurityHub, "GetFindingStatisticsV2", "GetAdhocInsightResults", Read, Findings, "counts and group counts without loading findings"),
    op(SecurityHub, "GetFindingsTrendsV2", "GetFindingsTrendsV2", Read, Findings, "the severity trend"),
    op(SecurityHub, "BatchUpdateFindingsV2", "BatchUpdateFindings", Write, Findings, "triage of OCSF findings: status, severity, comment"),
    op(SecurityHub, "ListConnectorsV2", "ListConnectorsV2", Read, Findings, "ticketing connectors to choose from"),
    // "Grants permission to retrieve details for a connectorV2" (SDK docs of GetConnectorV2).
    op(SecurityHub, "GetConnectorV2", "GetConnectorV2", Read, Findings, "why a ticketing connector is not connected"),
    op(SecurityHub, "CreateTicketV2", "CreateTicketV2", Write, Findings, "a ticket for a finding (DRYRUN preview first)"),
    op(SecurityHub, "GetFindingHistory", "GetFindingHistory", Read, Findings, "a finding's history in the detail view"),
    op(SecurityHub, "BatchUpdateFindings", "BatchUpdateFindings", Write, Findings, "triage: workflow, severity, notes, fields"),
    op(SecurityHub, "BatchImportFindings", "BatchImportFindings", Write, Audits, "IoT audit findings imported as ASFF"),
    op(AccessAnalyzer, "ListAnalyzers", "ListAnalyzers", Read, Analyzer, "the analyzers to choose from"),
    // "ListFindings and ListFindingsV2 both use access-analyzer:ListFindings".
    op(AccessAnalyzer, "ListFindingsV2", "ListFindings", Read, Analyzer, "an analyzer's findings"),
    // "GetFinding and GetFindingV2 both use access-analyzer:GetFinding".
    op(AccessAnalyzer, "GetFindingV2", "GetFinding", Read, Analyzer, "a finding's details"),
    op(AccessAnalyzer, "ListArchiveRules", "ListArchiveRules", Read, Analyzer, "an analyzer's archive rules"),
    op(AccessAnalyzer, "UpdateFindings", "UpdateFindings", Write, Analyzer, "archive / reactivate findings"),
    op(AccessAnalyzer, "CreateArchiveRule", "CreateArchiveRule", Write, Analyzer, "archive rules from a finding"),
    op(AccessAnalyzer, "ApplyArchiveRule", "ApplyArchiveRule", Write, Analyzer, "apply a new rule to existing findings"),
    op(AccessAnalyzer, "DeleteArchiveRule", "DeleteArchiveRule", Write, Analyzer, "undo of an archive rule"),
    op(AccessAnalyzer, "ValidatePolicy", "ValidatePolicy", Read, Analyzer, "proofs: a trust policy change validated before approval"),
    op(AccessAnalyzer, "CheckNoNewAccess", "CheckNoNewAccess", Read, Analyzer, "proofs: the new trust policy grants nothing new"),
    op(AccessAnalyzer, "CheckNoPublicAccess", "CheckNoPublicAccess", Read, Analyzer, "proofs: the new trust policy is not public"),
    op(AccessAnalyzer, "CreateAccessPreview", "CreateAccessPreview", Read, Analyzer, "proofs: the findings the new trust policy would have"),
    op(AccessAnalyzer, "GetAccessPreview", "GetAccessPreview", Read, Analyzer, "proofs: the access preview's status"),
    op(AccessAnalyzer, "ListAccessPreviewFindings", "ListAccessPreviewFindings", Read, Analyzer, "proofs: the access preview's findings"),
    op(AccessAnalyzer, "StartResourceScan", "StartResourceScan", Write, Analyzer, "re-scan a role after its trust policy changed"),
    // Starts an advisory job; it changes no resource, so the read-only role has it too.
    op(AccessAnalyzer, "GenerateFindingRecommendation", "GenerateFindingRecommendation", Read, Analyzer, "start an unused-permission recommendation"),
    op(AccessAnalyzer, "GetFindingRecommendation", "GetFindingRecommendation", Read, Analyzer, "an unused-permission recommendation's steps"),
    op(Iam, "GetRole", "GetRole", Read, Analyzer, "a role's trust policy (preview, fresh-state check, verify)"),
    op(Iam, "GetPolicy", "GetPolicy", Read, Analyzer, "a managed policy's default version (recommendation preview, check, verify)"),
    op(Iam, "GetPolicyVersion", "GetPolicyVersion", Read, Analyzer, "a managed policy version's document"),
    op(Iam, "ListPolicyVersions", "ListPolicyVersions", Read, Analyzer, "the version an undo makes the default again"),
    op(Iam, "ListAttachedRolePolicies", "ListAttachedRolePolicies", Read, Analyzer, "whether a policy is attached (check, verify)"),
    op(Iam, "GetRolePolicy", "GetRolePolicy", Read, Analyzer, "a role's inline policy (preview, check, verify)"),
    op(Iam, "CreatePolicyVersion", "CreatePolicyVersion", Write, Analyzer, "the recommended (narrowed) policy as a new version"),
    op(Iam, "SetDefaultPolicyVersion", "SetDefaultPolicyVersion", Write, Analyzer, "make the new version (or, undoing, the old one) the default"),
    op(Iam, "DetachRolePolicy", "DetachRolePolicy", Write, Analyzer, "detach a wholly unused policy"),
    op(Iam, "AttachRolePolicy", "AttachRolePolicy", Write, Analyzer, "undo of a detach"),
    op(Iam, "PutRolePolicy", "PutRolePolicy", Write, Analyzer, "a narrowed inline policy; undo of a delete"),
    op(Iam, "DeleteRolePolicy", "DeleteRolePolicy", Write, Analyzer, "delete a wholly unused inline policy"),
    op(Iam, "UpdateAssumeRolePolicy", "UpdateAssumeRolePolicy", Write, Analyzer, "trust policy remediation"),
    op(Sts, "AssumeRole", "AssumeRole", Read, Analyzer, "roles of [cross_account] in member accounts"),
    op(Wafv2, "ListIPSets", "ListIPSets", Read, IpSets, "the IP sets of a scope"),
    op(Wafv2, "GetIPSet", "GetIPSet", Read, IpSets, "an IP set's addresses and lock token"),
    op(Wafv2, "ListWebACLs", "ListWebACLs", Read, IpSets, "which web ACLs use an IP set"),
    op(Wafv2, "GetWebACL", "GetWebACL", Read, IpSets, "which web ACLs use an IP set"),
    op(Wafv2, "UpdateIPSet", "UpdateIPSet", Write, IpSets, "add / remove addresses, block, waf sync"),
    op(Wafv2, "CreateIPSet", "CreateIPSet", Write, IpSets, "waf sync --create, undo of a delete"),
    op(Wafv2, "DeleteIPSet", "DeleteIPSet", Write, IpSets, "delete an unreferenced IP set (D)"),
    op(Iot, "DescribeAccountAuditConfiguration", "DescribeAccountAuditConfiguration", Read, Audits, "the audit checks enabled"),
    op(Iot, "ListAuditTasks", "ListAuditTasks", Read, Audits, "audit runs"),
    op(Iot, "DescribeAuditTask", "DescribeAuditTask", Read, Audits, "an audit run's progress"),
    op(Iot, "ListAuditFindings", "ListAuditFindings", Read, Audits, "an audit run's findings"),
    op(Iot, "ListAuditSuppressions", "ListAuditSuppressions", Read, Audits, "suppressed findings"),
    op(Iot, "ListMitigationActions", "ListMitigationActions", Read, Audits, "mitigation actions to choose from"),
    op(Iot, "ListAuditMitigationActionsTasks", "ListAuditMitigationActionsTasks", Read, Audits, "mitigation runs"),
    op(Iot, "ListAuditMitigationActionsExecutions", "ListAuditMitigationActionsExecutions", Read, Audits, "a mitigation run's results"),
    op(Iot, "StartOnDemandAuditTask", "StartOnDemandAuditTask", Write, Audits, "run an audit now"),
    op(Iot, "StartAuditMitigationActionsTask", "StartAuditMitigationActionsTask", Write, Audits, "apply mitigation actions"),
    op(Iot, "CreateAuditSuppression", "CreateAuditSuppression", Write, Audits, "suppress a finding"),
    op(Iot, "UpdateAuditSuppression", "UpdateAuditSuppression", Write, Audits, "change a suppression"),
    op(Iot, "DeleteAuditSuppression", "DeleteAuditSuppression", Write, Audits, "lift a suppression"),
];

/// The row for `operation` of the service whose prefix is `service`.
pub fn find<'a>(table: &'a [Operation], service: &str, operation: &str) -> Option<&'a Operation> {
    table
        .iter()
        .find(|o| o.service.prefix() == service && o.name == operation)
}
