//! IAM's per-account role store: each role keeps its trust policy exactly as last
//! submitted (IAM returns the document as sent, percent-encoded), plus the STS sessions
//! that say which account a set of credentials acts in.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::domain::policy::{PolicyDocument, RoleRef};

#[derive(Debug, Clone, PartialEq)]
pub struct Role {
    pub account: String,
    pub name: String,
    pub path: String,
    pub role_id: String,
    pub create_date: String,
    pub description: Option<String>,
    /// The trust policy text as last accepted.
    pub trust_text: String,
    /// Managed policies attached (ARNs, in attach order).
    pub attached: Vec<String>,
    /// Inline policies: name -> document text as last put.
    pub inline: BTreeMap<String, String>,
}

impl Role {
    pub fn arn(&self) -> String {
        format!(
            "arn:aws:iam::{}:role{}{}",
            self.account, self.path, self.name
        )
    }

    pub fn trust(&self) -> Option<PolicyDocument> {
        PolicyDocument::parse(&self.trust_text).ok()
    }
}

/// A role as the demo world (or a test) describes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleSeed {
    pub account: String,
    pub name: String,
    #[serde(default = "root_path")]
    pub path: String,
    #[serde(default)]
    pub description: Option<String>,
    pub trust: serde_json::Value,
    /// Managed policies attached: names of this world's policies in the role's account,
    /// or full ARNs.
    #[serde(default)]
    pub attached_policies: Vec<String>,
    /// Inline policies: name -> document.
    #[serde(default)]
    pub inline_policies: BTreeMap<String, serde_json::Value>,
}

fn root_path() -> String {
    "/".into()
}

/// An STS session the sandbox issued: its credentials act in `account` as `arn`.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub account: String,
    pub arn: String,
}

#[derive(Debug, Default)]
pub struct IamStore {
    /// account -> role name -> role.
    pub accounts: BTreeMap<String, BTreeMap<String, Role>>,
    /// access key id -> session.
    pub sessions: BTreeMap<String, Session>,
    /// Customer managed policies by ARN (see `policies.rs`).
    pub policies: BTreeMap<String, super::policies::ManagedPolicy>,
}

impl IamStore {
    pub fn put(&mut self, seed: &RoleSeed, created: &str) -> Result<(), String> {
        let text = serde_json::to_string(&seed.trust).map_err(|e| e.to_string())?;
        PolicyDocument::parse(&text).map_err(|e| format!("role {}: {e}", seed.name))?;
        let role = Role {
            account: seed.account.clone(),
            name: seed.name.clone(),
            path: seed.path.clone(),
            role_id: stable_id("AROA", &format!("{}/{}", seed.account, seed.name)),
            create_date: created.to_string(),
            description: seed.description.clone(),
            trust_text: text,
            attached: Vec::new(),
            inline: BTreeMap::new(),
        };
        RoleRef::parse(&role.arn()).map_err(|e| e.to_string())?;
        self.accounts
            .entry(seed.account.clone())
            .or_default()
            .insert(seed.name.clone(), role);
        Ok(())
    }

    pub fn role(&self, account: &str, name: &str) -> Option<&Role> {
        self.accounts.get(account)?.get(name)
    }

    pub fn role_mut(&mut self, account: &str, name: &str) -> Option<&mut Role> {
        self.accounts.get_mut(account)?.get_mut(name)
    }

    pub fn role_by_arn(&self, arn: &str) -> Option<&Role> {
        let r = RoleRef::parse(arn).ok()?;
        self.role(&r.account, &r.name)
            .filter(|role| role.path == r.path)
    }

    pub fn roles_in<'a>(&'a self, accounts: &'a [String]) -> impl Iterator<Item = &'a Role> + 'a {
        accounts
            .iter()
            .filter_map(|a| self.accounts.get(a))
            .flat_map(|m| m.values())
    }
}

/// A stable IAM id: `prefix` (`AROA` a role, `ANPA` a policy) and a hash of `key`.
pub(super) fn stable_id(prefix: &str, key: &str) -> String {
    let hash = key.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{prefix}{hash:016X}")
}
