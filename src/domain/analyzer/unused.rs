//! Unused-access and internal-access findings in domain terms: what GetFindingV2's
//! details say (last accessed, service namespaces, unused actions, access key ids; the
//! internal access type and principal), and an unused-permission recommendation's steps.

use serde::{Deserialize, Serialize};

/// One service namespace of an UnusedPermission finding.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnusedService {
    pub namespace: String,
    pub last_accessed: Option<String>,
    /// The unused actions with their last access; empty: the whole service is unused.
    pub actions: Vec<(String, Option<String>)>,
}

/// The details of an unused-access finding (role, permission, access key, password).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnusedDetails {
    /// When the role, key or password was last used (newest of the services for permissions).
    pub last_accessed: Option<String>,
    pub services: Vec<UnusedService>,
    pub access_key_ids: Vec<String>,
}

impl UnusedDetails {
    pub fn namespaces(&self) -> Vec<String> {
        self.services.iter().map(|s| s.namespace.clone()).collect()
    }

    /// The unused actions; a wholly unused service shows as `service:*`.
    pub fn unused_actions(&self) -> Vec<String> {
        self.services
            .iter()
            .flat_map(|s| {
                if s.actions.is_empty() {
                    vec![format!("{}:*", s.namespace)]
                } else {
                    s.actions.iter().map(|(a, _)| a.clone()).collect()
                }
            })
            .collect()
    }
}

/// The details of an internal-access finding beyond principal / actions / condition.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InternalDetails {
    /// INTRA_ACCOUNT or INTRA_ORG.
    pub access_type: Option<String>,
    /// IAM_ROLE or IAM_USER.
    pub principal_type: Option<String>,
    pub principal_owner_account: Option<String>,
}

impl InternalDetails {
    /// The scope in a table cell: `account` or `org`.
    pub fn short_scope(&self) -> &str {
        match self.scope() {
            "organization" => "org",
            other => other,
        }
    }

    /// The scope in words: within the account or the organization.
    pub fn scope(&self) -> &str {
        match self.access_type.as_deref() {
            Some("INTRA_ACCOUNT") => "account",
            Some("INTRA_ORG") => "organization",
            Some(other) => other,
            None => "",
        }
    }
}

/// One step of an unused-permission recommendation (UnusedPermissionsRecommendedStep).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecommendedStep {
    /// Replace the policy `existing` (a managed policy ARN or an inline policy name) by
    /// `policy`.
    CreatePolicy {
        existing: String,
        policy: String,
        policy_updated_at: Option<String>,
    },
    /// Detach the managed policy (ARN) or delete the inline policy (name) `existing`.
    DetachPolicy { existing: String },
}

impl RecommendedStep {
    pub fn existing(&self) -> &str {
        match self {
            RecommendedStep::CreatePolicy { existing, .. } => existing,
            RecommendedStep::DetachPolicy { existing } => existing,
        }
    }

    /// Whether `existing` names a managed policy (an ARN) rather than an inline policy.
    pub fn is_managed(&self) -> bool {
        self.existing().starts_with("arn:")
    }
}

/// GetFindingRecommendation's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recommendation {
    /// IN_PROGRESS, SUCCEEDED or FAILED.
    pub status: String,
    pub resource: String,
    pub steps: Vec<RecommendedStep>,
    /// A FAILED recommendation's error code and message.
    pub error: Option<String>,
}
