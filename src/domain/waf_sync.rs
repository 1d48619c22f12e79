//! Planning a sync of one IP set from ip-ranges.json: the desired list (optionally
//! aggregated), the diff against the set as it is, the syncToken no-op rule, the limit,
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
    /// The set already records this file's syncToken: nothing to do.
    pub same_token: bool,
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
        if self.same_token {
            out.push(format!(
                "  already synced to syncToken {}: no change",
                source.sync_token
            ));
            return out;
        }
        let mut counts = format!("  selected {} prefixes", self.selected);
        if let Some(n) = self.aggregated {
            counts.push_str(&format!(", aggregated {} -> {n}", self.selected));
        }
        out.push(counts);
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
        same_token: false,
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
    if token_in_description(&set.description) == Some(source.sync_token.as_str()) {
        sync.same_token = true;
        return Ok(sync);
    }
    let (current, unparsed) = cidr::parse_stored(&set.addresses);
    if !unparsed.is_empty() {
        return Err(format!(
            "IP set {name} holds entries that are not CIDRs: {}",
            unparsed.join(", ")
        ));
    }
    sync.diff = SetDiff::between(&current, &desired);
    let description = description_with_token(&set.description, &source.sync_token);
    // Even with no address change, record the token so the next run is a no-op.
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
        assert_eq!(u.description.as_deref(), Some("CloudFront [syncToken 42]"));
        let report = s.report(&source("42"));
        assert!(report.contains(&"  selected 3 prefixes, aggregated 3 -> 2".to_string()));
        assert!(report.contains(&"  added 1, removed 1, unchanged 1".to_string()));
    }

    #[test]
    fn the_same_sync_token_is_a_no_op() {
        let existing = set(&[], "x [syncToken 42]");
        let s = plan_set_sync(
            Some(&existing),
            "cf",
            WafScope::Cloudfront,
            IpVersion::V4,
            &nets(&["10.0.0.0/24"]),
            false,
            &source("42"),
        )
        .unwrap();
        assert!(s.same_token && s.change.is_none());
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
