//! IAM's customer managed policies (with up to five versions, one the default) and the
//! permissions a role holds: attached managed policies and inline policies. Documents are
//! kept as sent, as IAM keeps them.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::store::{IamStore, RoleSeed, stable_id};
use crate::domain::policy::PolicyDocument;

/// IAM keeps at most this many versions of a managed policy.
pub const MAX_VERSIONS: usize = 5;

#[derive(Debug, Clone, PartialEq)]
pub struct PolicyVersion {
    pub version_id: String,
    pub document: String,
    pub create_date: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ManagedPolicy {
    pub account: String,
    pub name: String,
    pub path: String,
    pub policy_id: String,
    pub create_date: String,
    pub update_date: String,
    pub default_version: String,
    pub versions: Vec<PolicyVersion>,
    /// The number the next version gets (IAM never reuses a version id).
    pub next_version: u32,
}

impl ManagedPolicy {
    pub fn arn(&self) -> String {
        format!(
            "arn:aws:iam::{}:policy{}{}",
            self.account, self.path, self.name
        )
    }

    pub fn version(&self, id: &str) -> Option<&PolicyVersion> {
        self.versions.iter().find(|v| v.version_id == id)
    }

    pub fn default_document(&self) -> &str {
        self.version(&self.default_version)
            .map_or("", |v| v.document.as_str())
    }

    /// Adds a version with `document`; returns its id.
    pub fn add_version(&mut self, document: &str, now: &str, set_default: bool) -> String {
        let id = format!("v{}", self.next_version);
        self.next_version += 1;
        self.versions.push(PolicyVersion {
            version_id: id.clone(),
            document: document.to_string(),
            create_date: now.to_string(),
        });
        if set_default {
            self.default_version = id.clone();
            self.update_date = now.to_string();
        }
        id
    }
}

/// A managed policy as the demo world (or a test) describes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicySeed {
    pub account: String,
    pub name: String,
    #[serde(default = "root_path")]
    pub path: String,
    pub document: Value,
}

fn root_path() -> String {
    "/".into()
}

impl IamStore {
    /// Creates a managed policy (version v1, the default); returns its ARN.
    pub fn create_policy(
        &mut self,
        account: &str,
        name: &str,
        path: &str,
        document: &str,
        now: &str,
    ) -> String {
        let mut p = ManagedPolicy {
            account: account.to_string(),
            name: name.to_string(),
            path: path.to_string(),
            policy_id: stable_id("ANPA", &format!("policy:{account}/{name}")),
            create_date: now.to_string(),
            update_date: now.to_string(),
            default_version: String::new(),
            versions: Vec::new(),
            next_version: 1,
        };
        p.add_version(document, now, true);
        let arn = p.arn();
        self.policies.insert(arn.clone(), p);
        arn
    }

    /// How many roles have the policy attached.
    pub fn attachment_count(&self, arn: &str) -> usize {
        self.accounts
            .values()
            .flat_map(|m| m.values())
            .filter(|r| r.attached.iter().any(|a| a == arn))
            .count()
    }

    /// The world's policies, then each role's attachments and inline policies.
    pub fn seed_permissions(
        &mut self,
        policies: &[PolicySeed],
        roles: &[RoleSeed],
        now: &str,
    ) -> Result<(), String> {
        for p in policies {
            let text = serde_json::to_string(&p.document).map_err(|e| e.to_string())?;
            PolicyDocument::parse(&text).map_err(|e| format!("policy {}: {e}", p.name))?;
            self.create_policy(&p.account, &p.name, &p.path, &text, now);
        }
        for seed in roles {
            let mut attached = Vec::new();
            for name in &seed.attached_policies {
                let arn = if name.starts_with("arn:") {
                    name.clone()
                } else {
                    self.policies
                        .values()
                        .find(|p| p.account == seed.account && &p.name == name)
                        .map(ManagedPolicy::arn)
                        .ok_or_else(|| {
                            format!(
                                "role {}: no policy named {name:?} in its account",
                                seed.name
                            )
                        })?
                };
                attached.push(arn);
            }
            let mut inline = BTreeMap::new();
            for (name, doc) in &seed.inline_policies {
                let text = serde_json::to_string(doc).map_err(|e| e.to_string())?;
                PolicyDocument::parse(&text)
                    .map_err(|e| format!("role {} inline policy {name}: {e}", seed.name))?;
                inline.insert(name.clone(), text);
            }
            let role = self
                .role_mut(&seed.account, &seed.name)
                .ok_or_else(|| format!("role {} was not created", seed.name))?;
            role.attached = attached;
            role.inline = inline;
        }
        Ok(())
    }
}
