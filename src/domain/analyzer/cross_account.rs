//! Which role secdeck assumes to change a role in a member account (the config's
//! `[cross_account]` section), and the refusal while the session's account is unknown.

/// The role secdeck assumes in a member account when no other is configured.
pub const DEFAULT_ASSUME_ROLE_NAME: &str = "OrganizationAccountAccessRole";

/// Which role to assume in a member account (the config's `[cross_account]` section):
/// a role per account id, else the default role name, where `{account}` stands for the id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossAccountRoles {
    pub default_role: String,
    /// Account id -> role name, or a full role ARN.
    pub by_account: std::collections::BTreeMap<String, String>,
}

impl Default for CrossAccountRoles {
    fn default() -> Self {
        CrossAccountRoles {
            default_role: DEFAULT_ASSUME_ROLE_NAME.to_string(),
            by_account: Default::default(),
        }
    }
}

impl CrossAccountRoles {
    /// The role ARN to assume to change a role in `account`; None for the session's own
    /// account (or while the session's account is not known yet).
    pub fn role_for(&self, account: &str, session_account: Option<&str>) -> Option<String> {
        if session_account.is_none_or(|s| s == account) {
            return None;
        }
        let role = self
            .by_account
            .get(account)
            .cloned()
            .unwrap_or_else(|| self.default_role.replace("{account}", account));
        Some(if role.starts_with("arn:") {
            role
        } else {
            format!("arn:aws:iam::{account}:role/{role}")
        })
    }
}

impl CrossAccountRoles {
    /// How to reach a role in `account`: Ok(None) only when the session is known to act in
    /// that account, Ok(Some(role to assume)) when it is known to act in another. While the
    /// session's account is unknown the role is refused: read or written by name, it would
    /// be a same-named role in whatever account the session acts in.
    pub fn access_for(
        &self,
        account: &str,
        session_account: Option<&str>,
    ) -> Result<Option<String>, String> {
        match session_account {
            Some(_) => Ok(self.role_for(account, session_account)),
            None => Err(format!(
                "the role is in account {account} and the session's account is unknown \
                 (GetCallerIdentity failed or has not answered): secdeck will not read or \
                 change a role by name in an unknown account; nothing was read or written"
            )),
        }
    }
}

/// The role to assume to change a role in `account` with the default configuration, or
/// None for the session's own account.
pub fn assume_role_for(account: &str, session_account: Option<&str>) -> Option<String> {
    CrossAccountRoles::default().role_for(account, session_account)
}

#[cfg(test)]
mod cross_account_tests {
    use super::*;

    #[test]
    fn configured_roles_win_then_the_default_pattern() {
        let roles = CrossAccountRoles {
            default_role: "SecOps-{account}".into(),
            by_account: [
                ("111111111111".to_string(), "Remediator".to_string()),
                (
                    "222222222222".to_string(),
                    "arn:aws:iam::222222222222:role/team/Fixer".to_string(),
                ),
            ]
            .into(),
        };
        let main = Some("123456789012");
        assert_eq!(roles.role_for("123456789012", main), None, "own account");
        assert_eq!(
            roles.role_for("111111111111", main).as_deref(),
            Some("arn:aws:iam::111111111111:role/Remediator")
        );
        assert_eq!(
            roles.role_for("222222222222", main).as_deref(),
            Some("arn:aws:iam::222222222222:role/team/Fixer")
        );
        assert_eq!(
            roles.role_for("333333333333", main).as_deref(),
            Some("arn:aws:iam::333333333333:role/SecOps-333333333333")
        );
        assert_eq!(
            assume_role_for("333333333333", main).as_deref(),
            Some("arn:aws:iam::333333333333:role/OrganizationAccountAccessRole")
        );
    }

    #[test]
    fn an_unknown_session_account_refuses_instead_of_acting_by_name() {
        let roles = CrossAccountRoles::default();
        let err = roles.access_for("210987654321", None).unwrap_err();
        assert!(err.contains("210987654321"), "{err}");
        assert!(err.contains("session's account is unknown"), "{err}");
        assert_eq!(
            roles.access_for("123456789012", Some("123456789012")),
            Ok(None)
        );
        assert_eq!(
            roles
                .access_for("210987654321", Some("123456789012"))
                .unwrap()
                .as_deref(),
            Some("arn:aws:iam::210987654321:role/OrganizationAccountAccessRole")
        );
    }
}
