//! `:scope ou=ou-xxxx[,org=o-xxxx]`: the organization scope a delegated administrator
//! reads findings in (GetFindingsV2 / GetFindingStatisticsV2 `Scopes.AwsOrganizations`).

/// One AwsOrganizationScope: an OU (optionally with its organization), or a whole
/// organization. AWS fills in the caller's organization when only the OU is given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgScope {
    pub organizational_unit: Option<String>,
    pub organization: Option<String>,
}

impl OrgScope {
    /// `:scope` argument: `ou=ID`, `org=ID`, or both separated by a comma; empty clears
    /// (`Ok(None)`). Ids are checked for AWS's prefixes (`ou-`, `o-`) so a typo is refused
    /// here, with the part named, rather than by AWS.
    pub fn parse(arg: &str) -> Result<Option<OrgScope>, String> {
        let arg = arg.trim();
        if arg.is_empty() {
            return Ok(None);
        }
        let mut scope = OrgScope {
            organizational_unit: None,
            organization: None,
        };
        for part in arg.split(',').map(str::trim) {
            let (key, value) = part.split_once('=').ok_or_else(|| {
                format!("{part:?}: expected ou=ou-... or org=o-... (usage: :scope ou=ID[,org=ID])")
            })?;
            let (slot, prefix) = match key.trim().to_ascii_lowercase().as_str() {
                "ou" => (&mut scope.organizational_unit, "ou-"),
                "org" => (&mut scope.organization, "o-"),
                other => {
                    return Err(format!(
                        "{other:?} is not ou or org (usage: :scope ou=ID[,org=ID])"
                    ));
                }
            };
            let value = value.trim();
            if !value.starts_with(prefix) || value.len() <= prefix.len() {
                return Err(format!("{key}={value:?}: an id starting with {prefix}"));
            }
            if slot.replace(value.to_string()).is_some() {
                return Err(format!("{key} given twice"));
            }
        }
        Ok(Some(scope))
    }

    /// The status bar's words: `scope ou-ab12-cd345678` (`in o-...` when given).
    pub fn label(&self) -> String {
        match (&self.organizational_unit, &self.organization) {
            (Some(ou), Some(org)) => format!("scope {ou} in {org}"),
            (Some(ou), None) => format!("scope {ou}"),
            (None, Some(org)) => format!("scope {org}"),
            (None, None) => "scope".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_an_ou_with_or_without_its_org_and_refuses_what_aws_would_not_know() {
        let s = OrgScope::parse("ou=ou-ab12-cd345678, org=o-abcd1234567890")
            .unwrap()
            .unwrap();
        assert_eq!(s.organizational_unit.as_deref(), Some("ou-ab12-cd345678"));
        assert_eq!(s.label(), "scope ou-ab12-cd345678 in o-abcd1234567890");
        assert_eq!(OrgScope::parse("  ").unwrap(), None);
        for (bad, says) in [
            ("ou=r-1234", "starting with ou-"),
            ("account=1", "is not ou or org"),
            ("ou-1234", "expected ou="),
            ("ou=ou-1,ou=ou-2", "twice"),
        ] {
            let e = OrgScope::parse(bad).unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }
}
