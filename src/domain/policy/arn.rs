//! IAM role ARNs: the role name is the last segment of the whole resource part, so roles
//! with a path (`role/service-role/x`) resolve to the right name.

use serde::{Deserialize, Serialize};

use super::PolicyError;
use super::principal::is_account_id;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleRef {
    pub arn: String,
    pub partition: String,
    pub account: String,
    /// `/` or `/a/b/`, as IAM writes paths.
    pub path: String,
    pub name: String,
}

impl RoleRef {
    pub fn parse(arn: &str) -> Result<RoleRef, PolicyError> {
        let bad = || PolicyError::NotRoleArn(arn.to_string());
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let ["arn", partition, "iam", "", account, resource] = parts.as_slice() else {
            return Err(bad());
        };
        let rest = resource.strip_prefix("role/").ok_or_else(bad)?;
        let (path, name) = match rest.rsplit_once('/') {
            Some((p, n)) => (format!("/{p}/"), n),
            None => ("/".to_string(), rest),
        };
        let name_ok = !name.is_empty()
            && name.len() <= 64
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
        if partition.is_empty() || !is_account_id(account) || !name_ok || path.contains("//") {
            return Err(bad());
        }
        Ok(RoleRef {
            arn: arn.to_string(),
            partition: partition.to_string(),
            account: account.to_string(),
            path,
            name: name.to_string(),
        })
    }
}
