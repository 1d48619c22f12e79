//! IAM Access Analyzer in domain terms: analyzers, findings and archive-rule criteria
//! here; the roles assumed in member accounts ([`cross_account`]), and the change kinds
//! the Access Analyzer pane plans: the trust-policy Deny and its rollback
//! ([`trust_policy`], planned against the current document in [`remediation`]), and
//! archive / unarchive and archive rules ([`archive`]).

mod archive;
mod cross_account;
mod permissions;
#[cfg(test)]
mod permissions_tests;
mod remediation;
mod trust_policy;
mod unused;

use serde::{Deserialize, Serialize};

use super::policy::DenyTarget;

pub use archive::{ArchiveRuleChange, ArchiveRuleView, FindingsStatusChange, FindingsStatusView};
pub use cross_account::{CrossAccountRoles, DEFAULT_ASSUME_ROLE_NAME, assume_role_for};
pub use permissions::{CurrentPolicy, PermissionStep, PermissionsChange, plan_recommendation};
pub use remediation::{Remediation, plan_remediation, plan_rollback_edit, replan, same_document};
pub use trust_policy::{TrustPolicyEdit, TrustPolicyView};
pub use unused::{InternalDetails, Recommendation, RecommendedStep, UnusedDetails, UnusedService};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Analyzer {
    pub name: String,
    pub arn: String,
    /// ACCOUNT, ORGANIZATION, ACCOUNT_UNUSED_ACCESS, ...
    pub kind: String,
    pub status: String,
    pub created_at: String,
}

impl Analyzer {
    /// What the analyzer treats as inside: its account or its organization.
    pub fn zone_of_trust(&self) -> String {
        let account = self.arn.split(':').nth(4).unwrap_or("?");
        if self.kind.starts_with("ORGANIZATION") {
            format!("organization of {account}")
        } else {
            format!("account {account}")
        }
    }
}

/// One finding; V2 summaries leave principal / actions empty until GetFindingV2 fills them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessFinding {
    pub id: String,
    pub analyzer_arn: String,
    pub status: String,
    pub finding_type: String,
    pub resource_type: String,
    pub resource: String,
    pub account: String,
    /// Principal map in the order AWS gave it (`AWS`, `Federated`, ...).
    pub principal: Vec<(String, String)>,
    pub actions: Vec<String>,
    pub condition: Vec<(String, String)>,
    pub is_public: Option<bool>,
    pub created_at: String,
    pub updated_at: String,
    pub error: Option<String>,
    /// Whether principal / actions / condition were fetched (GetFindingV2).
    pub detailed: bool,
    /// An unused-access finding's details (GetFindingV2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unused: Option<UnusedDetails>,
    /// An internal-access finding's details beyond principal and actions (GetFindingV2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal: Option<InternalDetails>,
}

impl AccessFinding {
    pub fn is_role(&self) -> bool {
        self.resource_type == "AWS::IAM::Role"
    }

    pub fn is_external_access(&self) -> bool {
        self.finding_type == "ExternalAccess"
    }

    /// Whether the finding says who can access the resource (external or internal
    /// access), rather than what goes unused.
    pub fn is_access(&self) -> bool {
        !self.finding_type.starts_with("Unused")
    }

    pub fn is_unused_permission(&self) -> bool {
        self.finding_type == "UnusedPermission"
    }

    pub fn principal_text(&self) -> String {
        self.principal
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Why the trust-policy remediation cannot run on this finding, if it cannot.
    pub fn remediation_blocker(&self) -> Option<String> {
        if !self.is_role() {
            return Some(format!(
                "automatic remediation covers IAM roles only; {} is a {}: change its resource policy",
                self.resource, self.resource_type
            ));
        }
        if !self.is_external_access() {
            return Some(format!(
                "{} findings are not about trust: remediation adds a Deny for external access",
                self.finding_type
            ));
        }
        if self.status != "ACTIVE" {
            return Some(format!(
                "the finding is {}; only ACTIVE findings are remediated",
                self.status
            ));
        }
        None
    }

    pub fn deny_target(&self) -> DenyTarget {
        DenyTarget {
            finding_id: self.id.clone(),
            principal: self.principal.clone(),
            actions: self.actions.clone(),
        }
    }
}

/// Failure code of a trust-policy change refused because the policy changed since the preview.
pub const POLICY_CHANGED: &str = "PolicyChanged";

/// Archive-rule criteria: attribute -> values it must equal (`eq`).
pub type Criteria = Vec<(String, Vec<String>)>;

/// The criteria "archive similar" starts from: resource type, principal, account.
pub fn similar_criteria(f: &AccessFinding) -> Criteria {
    let mut c = vec![("resourceType".to_string(), vec![f.resource_type.clone()])];
    for (k, v) in &f.principal {
        c.push((format!("principal.{k}"), vec![v.clone()]));
    }
    c.push(("resourceOwnerAccount".to_string(), vec![f.account.clone()]));
    c
}

/// Whether a finding matches every criterion (what ApplyArchiveRule would archive if ACTIVE).
pub fn criteria_match(f: &AccessFinding, criteria: &Criteria) -> bool {
    criteria.iter().all(|(key, values)| {
        let have: Vec<String> = match key.as_str() {
            "resourceType" => vec![f.resource_type.clone()],
            "resource" => vec![f.resource.clone()],
            "resourceOwnerAccount" => vec![f.account.clone()],
            "status" => vec![f.status.clone()],
            "findingType" => vec![f.finding_type.clone()],
            "isPublic" => f.is_public.map(|p| p.to_string()).into_iter().collect(),
            "action" => f.actions.clone(),
            k => match k.strip_prefix("principal.") {
                Some(p) => f
                    .principal
                    .iter()
                    .filter(|(pk, _)| pk == p)
                    .map(|(_, v)| v.clone())
                    .collect(),
                None => Vec::new(),
            },
        };
        have.iter().any(|h| values.contains(h))
    })
}

#[cfg(test)]
mod tests;
