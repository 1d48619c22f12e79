//! AWS's published ip-ranges.json: strict parsing (errors name the problem and where it
//! is), selection by service / region / network border group, and the IPv4 / IPv6 split
//! that feeds the IPv4 and IPv6 IP sets of a sync.

use std::collections::BTreeSet;

use ipnet::IpNet;
use serde::Deserialize;

use super::cidr;

/// Where AWS publishes the file.
pub const OFFICIAL_URL: &str = "https://ip-ranges.amazonaws.com/ip-ranges.json";
/// Services a sync selects when none are named.
pub const DEFAULT_SERVICES: &[&str] = &["CLOUDFRONT", "ROUTE53_HEALTHCHECKS"];

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
struct RawFile {
    #[serde(rename = "syncToken")]
    sync_token: String,
    #[serde(rename = "createDate")]
    create_date: String,
    prefixes: Vec<RawV4>,
    ipv6_prefixes: Vec<RawV6>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
struct RawV4 {
    ip_prefix: String,
    region: String,
    service: String,
    network_border_group: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
struct RawV6 {
    ipv6_prefix: String,
    region: String,
    service: String,
    network_border_group: String,
}

/// One published prefix, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prefix {
    pub net: IpNet,
    pub region: String,
    pub service: String,
    pub network_border_group: String,
}

/// A parsed ip-ranges.json.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpRanges {
    pub sync_token: String,
    pub create_date: String,
    pub prefixes: Vec<Prefix>,
}

/// Why a file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IpRangesError {
    #[error("{source_name}: not a valid ip-ranges.json: {message} (line {line}, column {column})")]
    Json {
        source_name: String,
        message: String,
        line: usize,
        column: usize,
    },
    #[error("{source_name}: {list}[{index}] ({field} {value:?}): {problem}")]
    Prefix {
        source_name: String,
        list: &'static str,
        index: usize,
        field: &'static str,
        value: String,
        problem: String,
    },
    #[error("{source_name}: syncToken is empty")]
    NoSyncToken { source_name: String },
    #[error("{source_name}: syncToken {shown:?}: {problem}")]
    BadSyncToken {
        source_name: String,
        /// The start of the token (a hostile file's token may be megabytes long).
        shown: String,
        problem: String,
    },
}

/// What to take from the file; empty `regions` means every region.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selection {
    pub services: Vec<String>,
    /// Matched against both `region` and `network_border_group`.
    pub regions: Vec<String>,
}

/// Prefixes selected for a sync, deduplicated and sorted per family.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selected {
    pub v4: BTreeSet<IpNet>,
    pub v6: BTreeSet<IpNet>,
}

impl IpRanges {
    /// `source_name` (a path or URL) is used in error messages.
    pub fn parse(bytes: &[u8], source_name: &str) -> Result<IpRanges, IpRangesError> {
        let raw: RawFile = serde_json::from_slice(bytes).map_err(|e| IpRangesError::Json {
            source_name: source_name.to_string(),
            message: e.to_string(),
            // serde says column 0 before the first character of a line; columns count from 1.
            line: e.line(),
            column: e.column().max(1),
        })?;
        if raw.sync_token.trim().is_empty() {
            return Err(IpRangesError::NoSyncToken {
                source_name: source_name.to_string(),
            });
        }
        if let Err(problem) = super::waf::check_sync_token(&raw.sync_token) {
            return Err(IpRangesError::BadSyncToken {
                source_name: source_name.to_string(),
                shown: raw.sync_token.chars().take(40).collect(),
                problem,
            });
        }
        let mut prefixes = Vec::with_capacity(raw.prefixes.len() + raw.ipv6_prefixes.len());
        let entries = raw
            .prefixes
            .into_iter()
            .enumerate()
            .map(|(i, p)| {
                (
                    "prefixes",
                    "ip_prefix",
                    i,
                    p.ip_prefix,
                    p.region,
                    p.service,
                    p.network_border_group,
                    cidr::IpVersion::V4,
                )
            })
            .chain(raw.ipv6_prefixes.into_iter().enumerate().map(|(i, p)| {
                (
                    "ipv6_prefixes",
                    "ipv6_prefix",
                    i,
                    p.ipv6_prefix,
                    p.region,
                    p.service,
                    p.network_border_group,
                    cidr::IpVersion::V6,
                )
            }));
        for (list, field, index, value, region, service, network_border_group, version) in entries {
            // One rule with `+` and `f`: host bits are refused with the network suggested,
            // never silently widened to it.
            let net =
                cidr::parse_exact(&value, version, true).map_err(|e| IpRangesError::Prefix {
                    source_name: source_name.to_string(),
                    list,
                    index,
                    field,
                    value: value.clone(),
                    problem: e.to_string(),
                })?;
            prefixes.push(Prefix {
                net,
                region,
                service,
                network_border_group,
            });
        }
        Ok(IpRanges {
            sync_token: raw.sync_token,
            create_date: raw.create_date,
            prefixes,
        })
    }

    /// Every service named in the file, sorted.
    pub fn services(&self) -> BTreeSet<&str> {
        self.prefixes.iter().map(|p| p.service.as_str()).collect()
    }

    /// The selected prefixes; a service or region the file never mentions is an error
    /// (most likely a typo that would otherwise empty the set).
    pub fn select(&self, selection: &Selection) -> Result<Selected, String> {
        let services = self.services();
        for s in &selection.services {
            if !services.contains(s.as_str()) {
                return Err(format!(
                    "service {s:?} is not in this ip-ranges.json (syncToken {}); it has: {}",
                    self.sync_token,
                    services.iter().copied().collect::<Vec<_>>().join(", ")
                ));
            }
        }
        for r in &selection.regions {
            if !self
                .prefixes
                .iter()
                .any(|p| &p.region == r || &p.network_border_group == r)
            {
                return Err(format!(
                    "region or network border group {r:?} is not in this ip-ranges.json"
                ));
            }
        }
        let mut out = Selected::default();
        for p in &self.prefixes {
            let service_ok = selection.services.iter().any(|s| s == &p.service);
            let region_ok = selection.regions.is_empty()
                || selection
                    .regions
                    .iter()
                    .any(|r| r == &p.region || r == &p.network_border_group);
            if service_ok && region_ok {
                match p.net {
                    IpNet::V4(_) => out.v4.insert(p.net),
                    IpNet::V6(_) => out.v6.insert(p.net),
                };
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
#[path = "ip_ranges_tests.rs"]
mod tests;
