//! Planning a sync of one IP set from ip-ranges.json: the desired list (optionally
//! aggregated), the diff against the set as it is (empty diff = no-op), the limit,
//! and the plan (update, or create when the set does not exist yet).

use std::collections::BTreeSet;

use ipnet::IpNet;

use super::cidr::{self, IpVersion, MAX_ADDRESSES, SetDiff};
use super::plan::Change;
use super::waf::{
    IpSet, IpSetCreate, IpSetUpdate, WafScope, description_with_token, token_in_description,
};

/// The file a sync works from, as far as the plan cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncSource {
    pub sync_token: String,
    pub create_date: String,
}

/// What a sync would do to one set.
#[derive(Debug, Clone, PartialEq)]
pub struct SetSync {
    pub name: String,
    pub scope: WafScope,
    pub version: IpVersion,
    /// Prefixes selected from the file (deduplicated).
    pub selected: usize,
    /// After aggregation, when asked for.
    pub aggregated: Option<usize>,
    pub diff: SetDiff,
    /// The syncToken the set's description records (the file that last changed it).
    pub recorded_token: Option<String>,
    /// None when there is nothing to do.
    pub change: Option<Change>,
}

impl SetSync {
    /// Lines for a terminal or the preview: counts first, then the lists.
    pub fn report(&self, source: &SyncSource) -> Vec<String> {
        let mut out = vec![format!(
            "{} IP set {} ({}), ip-ranges syncToken {} ({})",
            self.version, self.name, self.scope, source.sync_token, source.create_date
        )];
        let mut counts = format!("  selected {} prefixes", self.selected);
        if let Some(n) = self.aggregated {
            counts.push_str(&format!(", aggregated {} -> {n}", self.selected));
        }
        out.push(counts);
        if self.change.is_none() {
            out.push(match self.recorded_token.as_deref() {
                Some(t) if t == source.sync_token => {
                    format!("  already synced to syncToken {t}: no change")
                }
                Some(t) => format!(
                    "  the set already holds these prefixes (recorded syncToken {t}): no change"
                ),
                None => "  the set already holds these prefixes: no change".to_string(),
            });
            return out;
        }
        if matches!(self.change, Some(Change::IpSetCreate(_))) {
            out.push(format!(
                "  set does not exist: create it with {} addresses",
                self.diff.added.len()
            ));
        }
        out.push(format!(
            "  added {}, removed {}, unchanged {}",
            self.diff.added.len(),
            self.diff.removed.len(),
            self.diff.unchanged
        ));
        out.extend(self.diff.removed.iter().map(|n| format!("  - {n}")));
        out.extend(self.diff.added.iter().map(|n| format!("  + {n}")));
        out
    }
}

/// Plans the sync of `existing` (or its creation, named `name`) to `selected`.
/// Errors name the set and the limit when the result would not fit.
pub fn plan_set_sync(
    existing: Option<&IpSet>,
    name: &str,
    scope: WafScope,
    version: IpVersion,
    selected: &BTreeSet<IpNet>,
    aggregate: bool,
    source: &SyncSource,
) -> Result<SetSync, String> {
    let desired = if aggregate {
        cidr::aggregate(selected)
    } else {
        selected.clone()
    };
    if desired.len() > MAX_ADDRESSES {
        return Err(format!(
            "IP set {name}: {} prefixes selected{}; WAF allows at most {MAX_ADDRESSES} per set{}",
            desired.len(),
            if aggregate { " after aggregation" } else { "" },
            if aggregate { "" } else { " (try --aggregate)" }
        ));
    }
    let mut sync = SetSync {
        name: name.to_string(),
        scope,
        version,
        selected: selected.len(),
        aggregated: aggregate.then_some(desired.len()),
        diff: SetDiff::default(),
        recorded_token: None,
        change: None,
    };
    let Some(set) = existing else {
        sync.diff = SetDiff::between(&BTreeSet::new(), &desired);
        sync.change = Some(Change::IpSetCreate(Box::new(IpSetCreate {
            scope,
            name: name.to_string(),
            version,
            description: description_with_token("", &source.sync_token),
            addresses: cidr::to_strings(&desired),
        })));
        return Ok(sync);
    };
    if set.version != version {
        return Err(format!(
            "IP set {name} holds {} addresses, but {version} prefixes were to go into it",
            set.version
        ));
    }
    sync.recorded_token = token_in_description(&set.description).map(str::to_string);
    let (current, unparsed) = cidr::parse_stored(&set.addresses);
    if !unparsed.is_empty() {
        return Err(format!(
            "IP set {name} holds entries that are not CIDRs: {}",
            unparsed.join(", ")
        ));
    }
    sync.diff = SetDiff::between(&current, &desired);
    // No-op whenever the set already holds exactly the selection, whatever token it
    // records: the same token with other --services/--regions/--aggregate, or a set edited
    // by hand since, still needs the diff. The token is only rewritten with a real change,
    // so "no change" (exit 0) never writes anything.
    if sync.diff.is_empty() {
        return Ok(sync);
    }
    let description = description_with_token(&set.description, &source.sync_token);
    sync.change = Some(Change::IpSetUpdate(Box::new(IpSetUpdate {
        set: set.set.clone(),
        version,
        add: cidr::to_strings(&sync.diff.added),
        remove: cidr::to_strings(&sync.diff.removed),
        count_before: current.len(),
        count_after: desired.len(),
        description_before: set.description.clone(),
        description: Some(description),
        sync_token: Some(source.sync_token.clone()),
    })));
    Ok(sync)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::waf::IpSetRef;

    fn source(token: &str) -> SyncSource {
        SyncSource {
            sync_token: token.into(),
            create_date: "2026-08-22-15-17-05".into(),
        }
    }

    fn nets(items: &[&str]) -> BTreeSet<IpNet> {
        items.iter().map(|s| s.parse().unwrap()).collect()
    }

    fn set(addresses: &[&str], description: &str) -> IpSet {
        IpSet {
            set: IpSetRef {
                scope: WafScope::Cloudfront,
                name: "cf".into(),
                id: "id".into(),
            },
            arn: "arn".into(),
            description: description.into(),
            version: IpVersion::V4,
            addresses: addresses.iter().map(|s| s.to_string()).collect(),
            lock_token: "t".into(),
        }
    }

    #[test]
    fn a_sync_diffs_against_the_set_and_records_the_token() {
        let existing = set(&["10.0.0.0/24", "192.0.2.0/24"], "CloudFront");
        let s = plan_set_sync(
            Some(&existing),
            "cf",
            WafScope::Cloudfront,
            IpVersion::V4,
            &nets(&["10.0.0.0/25", "10.0.0.128/25", "198.51.100.0/24"]),
            true,
            &source("42"),
        )
        .unwrap();
        assert_eq!(s.aggregated, Some(2));
        assert_eq!(
            (s.diff.added.len(), s.diff.removed.len(), s.diff.unchanged),
            (1, 1, 1)
        );
        let Some(Change::IpSetUpdate(u)) = &s.change else {
            panic!("{s:?}")
        };
        assert_eq!(u.description.as_deref(), Some("CloudFront syncToken:42"));
        let report = s.report(&source("42"));
        assert!(report.contains(&"  selected 3 prefixes, aggregated 3 -> 2".to_string()));
        assert!(report.contains(&"  added 1, removed 1, unchanged 1".to_string()));
    }

    fn plan(existing: &IpSet, selected: &[&str], token: &str) -> SetSync {
        plan_set_sync(
            Some(existing),
            "cf",
            WafScope::Cloudfront,
            IpVersion::V4,
            &nets(selected),
            false,
            &source(token),
        )
        .unwrap()
    }

    #[test]
    fn a_no_op_needs_an_empty_diff_not_just_the_same_token() {
        // Same token, same prefixes: nothing to do.
        let synced = set(&["10.0.0.0/24"], "x syncToken:42");
        let s = plan(&synced, &["10.0.0.0/24"], "42");
        assert!(s.change.is_none(), "{s:?}");
        assert!(
            s.report(&source("42"))
                .contains(&"  already synced to syncToken 42: no change".to_string())
        );
        // Same token, but another selection (or drift since): the diff still applies.
        let s = plan(&synced, &["10.0.0.0/24", "192.0.2.0/24"], "42");
        let Some(Change::IpSetUpdate(u)) = &s.change else {
            panic!("{s:?}")
        };
        assert_eq!(u.add, ["192.0.2.0/24"]);
        let drifted = set(&["10.0.0.0/24", "198.51.100.0/24"], "x [syncToken 42]");
        let s = plan(&drifted, &["10.0.0.0/24"], "42");
        let Some(Change::IpSetUpdate(u)) = &s.change else {
            panic!("{s:?}")
        };
        assert_eq!(u.remove, ["198.51.100.0/24"]);
        // A new token with the same prefixes writes nothing (exit 0, nothing to verify).
        let s = plan(&synced, &["10.0.0.0/24"], "43");
        assert!(s.change.is_none(), "{s:?}");
        assert_eq!(s.recorded_token.as_deref(), Some("42"));
    }

    #[test]
    fn a_missing_set_is_created_and_too_many_prefixes_are_refused() {
        let s = plan_set_sync(
            None,
            "new",
            WafScope::Regional,
            IpVersion::V4,
            &nets(&["10.0.0.0/24"]),
            false,
            &source("1"),
        )
        .unwrap();
        assert!(matches!(s.change, Some(Change::IpSetCreate(_))));
        let many: BTreeSet<IpNet> = (0..10_001u32)
            .map(|i| IpNet::from(std::net::IpAddr::from(std::net::Ipv4Addr::from(i << 8))))
            .collect();
        let err = plan_set_sync(
            None,
            "big",
            WafScope::Regional,
            IpVersion::V4,
            &many,
            false,
            &source("1"),
        )
        .unwrap_err();
        assert!(
            err.contains(
                "10001 prefixes selected; WAF allows at most 10000 per set (try --aggregate)"
            ),
            "{err}"
        );
    }
}
