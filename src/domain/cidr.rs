//! CIDR handling for WAF IP sets: parsing with WAF's rules (one IP version per set, host
//! bits refused as WAF refuses them), comparison as networks rather than strings,
//! containment search, set diffs, aggregation, and validation of add/remove edits
//! against the 10,000-address limit before anything is sent.

use std::collections::BTreeSet;
use std::fmt;
use std::net::IpAddr;

use ipnet::IpNet;
use serde::{Deserialize, Serialize};

/// Addresses one IP set may hold (WAFv2 quota "IP addresses per IP set").
pub const MAX_ADDRESSES: usize = 10_000;

/// An IP set's address family, spelled as WAF spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum IpVersion {
    #[serde(rename = "IPV4")]
    V4,
    #[serde(rename = "IPV6")]
    V6,
}

impl IpVersion {
    pub fn as_str(self) -> &'static str {
        match self {
            IpVersion::V4 => "IPV4",
            IpVersion::V6 => "IPV6",
        }
    }

    pub fn parse(s: &str) -> Option<IpVersion> {
        match s {
            "IPV4" => Some(IpVersion::V4),
            "IPV6" => Some(IpVersion::V6),
            _ => None,
        }
    }

    pub fn of(net: &IpNet) -> IpVersion {
        match net {
            IpNet::V4(_) => IpVersion::V4,
            IpNet::V6(_) => IpVersion::V6,
        }
    }
}

impl fmt::Display for IpVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why one address was refused, with the text the user gave.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CidrError {
    #[error("{input:?} is not an IP address or CIDR range")]
    Invalid { input: String },
    #[error("{input:?} is {found}, but the set holds {expected} addresses")]
    WrongVersion {
        input: String,
        found: IpVersion,
        expected: IpVersion,
    },
    #[error("{input:?}: /0 is not allowed in a WAF IP set")]
    ZeroPrefix { input: String },
    /// WAF refuses a CIDR whose address is not the network's (WAFInvalidParameterException);
    /// widening it silently would block far more than was typed.
    #[error("{input} has host bits set; did you mean {network} or {host}?")]
    HostBits {
        input: String,
        network: IpNet,
        host: IpNet,
    },
}

/// Parses a CIDR as WAF stores it: host bits cleared (`10.0.0.5/24` -> `10.0.0.0/24`).
/// `strict` (WAF's own API) requires the `/len`; otherwise a bare address means the one
/// host (`/32` or `/128`), which is what a user pasting attacker IPs means.
pub fn parse(input: &str, strict: bool) -> Result<IpNet, CidrError> {
    let text = input.trim();
    let invalid = || CidrError::Invalid {
        input: input.to_string(),
    };
    let net = match text.parse::<IpNet>() {
        Ok(net) => net,
        Err(_) if !strict => text
            .parse::<IpAddr>()
            .map(IpNet::from)
            .map_err(|_| invalid())?,
        Err(_) => return Err(invalid()),
    };
    if net.prefix_len() == 0 {
        return Err(CidrError::ZeroPrefix {
            input: input.to_string(),
        });
    }
    Ok(net.trunc())
}

/// As [`parse`], and the network must be of `version`.
pub fn parse_for(input: &str, version: IpVersion, strict: bool) -> Result<IpNet, CidrError> {
    let net = parse(input, strict)?;
    if IpVersion::of(&net) != version {
        return Err(CidrError::WrongVersion {
            input: input.to_string(),
            found: IpVersion::of(&net),
            expected: version,
        });
    }
    Ok(net)
}

/// As [`parse_for`], but a CIDR with host bits set (`203.0.113.7/24`) is refused the way
/// WAF refuses it, naming the network and the single host the user may have meant.
pub fn parse_exact(input: &str, version: IpVersion, strict: bool) -> Result<IpNet, CidrError> {
    let net = parse_for(input, version, strict)?;
    let typed = input_addr(input);
    if input.contains('/') && net.addr() != typed {
        return Err(CidrError::HostBits {
            input: input.trim().to_string(),
            network: net,
            host: IpNet::from(typed),
        });
    }
    Ok(net)
}

/// Parses a list already stored in WAF (always valid there); entries that do not parse
/// are returned separately so a caller never silently drops them.
pub fn parse_stored(addresses: &[String]) -> (BTreeSet<IpNet>, Vec<String>) {
    let mut nets = BTreeSet::new();
    let mut bad = Vec::new();
    for a in addresses {
        match parse(a, false) {
            Ok(n) => {
                nets.insert(n);
            }
            Err(_) => bad.push(a.clone()),
        }
    }
    (nets, bad)
}

/// The entries of `set` that contain `addr` (an address or a network), most specific first.
pub fn covering<'a>(set: impl IntoIterator<Item = &'a IpNet>, query: &IpNet) -> Vec<IpNet> {
    let mut found: Vec<IpNet> = set
        .into_iter()
        .filter(|n| n.contains(query))
        .copied()
        .collect();
    found.sort_by_key(|n| std::cmp::Reverse(n.prefix_len()));
    found
}

/// Sorted strings the way WAF lists them.
pub fn to_strings<'a>(nets: impl IntoIterator<Item = &'a IpNet>) -> Vec<String> {
    nets.into_iter().map(ToString::to_string).collect()
}

/// What changes between two address lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SetDiff {
    pub added: Vec<IpNet>,
    pub removed: Vec<IpNet>,
    pub unchanged: usize,
}

impl SetDiff {
    pub fn between(before: &BTreeSet<IpNet>, after: &BTreeSet<IpNet>) -> SetDiff {
        SetDiff {
            added: after.difference(before).copied().collect(),
            removed: before.difference(after).copied().collect(),
            unchanged: before.intersection(after).count(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty()
    }
}

/// Merges adjacent and contained prefixes (ipnet's aggregation), keeping coverage exact.
pub fn aggregate(nets: &BTreeSet<IpNet>) -> BTreeSet<IpNet> {
    IpNet::aggregate(&nets.iter().copied().collect())
        .into_iter()
        .collect()
}

/// Applies intended additions and removals to whatever the list is now; used both for the
/// first preview and to re-apply an edit on a fresher list after a lock conflict, so a
/// concurrent writer's entries are kept.
pub fn apply(current: &BTreeSet<IpNet>, add: &[IpNet], remove: &[IpNet]) -> BTreeSet<IpNet> {
    let mut out: BTreeSet<IpNet> = current
        .iter()
        .filter(|n| !remove.contains(n))
        .copied()
        .collect();
    out.extend(add.iter().copied());
    out
}

/// A checked add/remove request against one set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EditCheck {
    /// Networks that will be added (new, valid, not already present).
    pub add: Vec<IpNet>,
    /// Networks that will be removed (present in the set).
    pub remove: Vec<IpNet>,
    /// Inputs refused outright: wrong version, not a CIDR, /0, host bits set.
    pub refused: Vec<CidrError>,
    /// Additions given more than once, or already in the set exactly.
    pub duplicates: Vec<IpNet>,
    /// Additions already covered by a broader entry: (addition, covering entry). Still
    /// added (a narrower entry is harmless), but reported.
    pub covered: Vec<(IpNet, IpNet)>,
    /// Removals that are not in the set.
    pub absent: Vec<IpNet>,
    pub count_before: usize,
    pub count_after: usize,
}

impl EditCheck {
    /// Whether the edit may go ahead: nothing refused and within the limit.
    pub fn problems(&self) -> Vec<String> {
        let mut out: Vec<String> = self.refused.iter().map(ToString::to_string).collect();
        if self.count_after > MAX_ADDRESSES {
            out.push(format!(
                "the set would hold {} addresses; WAF allows at most {MAX_ADDRESSES}",
                self.count_after
            ));
        }
        out
    }

    /// Notes the user should see that do not stop the edit.
    pub fn notes(&self) -> Vec<String> {
        let mut out = Vec::new();
        for d in &self.duplicates {
            out.push(format!("{d} is already in the set"));
        }
        for (n, by) in &self.covered {
            out.push(format!("{n} is already covered by {by}"));
        }
        for a in &self.absent {
            out.push(format!("{a} is not in the set; nothing to remove"));
        }
        out
    }

    pub fn is_noop(&self) -> bool {
        self.add.is_empty() && self.remove.is_empty()
    }
}

/// Validates user input for an edit of a set of `version` currently holding `current`.
pub fn check_edit(
    current: &BTreeSet<IpNet>,
    version: IpVersion,
    add: &[String],
    remove: &[String],
) -> EditCheck {
    let mut check = EditCheck {
        count_before: current.len(),
        ..Default::default()
    };
    let parse_one = |input: &String, check: &mut EditCheck| match parse_exact(input, version, false)
    {
        Ok(net) => Some(net),
        Err(e) => {
            check.refused.push(e);
            None
        }
    };
    for input in add {
        let Some(net) = parse_one(input, &mut check) else {
            continue;
        };
        if current.contains(&net) || check.add.contains(&net) {
            check.duplicates.push(net);
            continue;
        }
        if let Some(by) = covering(current.iter(), &net)
            .into_iter()
            .find(|c| *c != net)
        {
            check.covered.push((net, by));
        }
        check.add.push(net);
    }
    for input in remove {
        let Some(net) = parse_one(input, &mut check) else {
            continue;
        };
        if check.remove.contains(&net) {
            continue;
        }
        if current.contains(&net) {
            check.remove.push(net);
        } else {
            check.absent.push(net);
        }
    }
    check.count_after = apply(current, &check.add, &check.remove).len();
    check
}

/// The address part of `a.b.c.d/len` as typed, to tell whether host bits were cleared.
fn input_addr(input: &str) -> IpAddr {
    input
        .trim()
        .split('/')
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
}

#[cfg(test)]
#[path = "cidr_tests.rs"]
mod tests;
