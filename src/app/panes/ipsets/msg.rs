//! What reaches the WAF IP sets pane from tasks; folded in by `reduce`.

use std::sync::Arc;

use crate::domain::ip_ranges::IpRanges;

use super::IpSetRow;

#[derive(Debug, Clone, PartialEq)]
pub enum IpSetsMsg {
    /// The IP sets of a scope with their addresses and referencing rules.
    Loaded {
        request: u64,
        result: Result<Vec<IpSetRow>, String>,
    },
    /// An ip-ranges.json for the sync dialog was read (or failed to be).
    IpRangesLoaded {
        request: u64,
        result: Result<Arc<IpRanges>, String>,
    },
    /// A file of addresses to add to the IP set `set_id` was read.
    AddressFileLoaded {
        set_id: String,
        path: String,
        result: Result<String, String>,
    },
}

/// What the WAF IP sets pane asks its readers for (`Effect::Read`).
#[derive(Debug, Clone, PartialEq)]
pub enum IpSetsRead {
    /// The IP sets of `scope` (ListIPSets, GetIPSet each, web ACL references);
    /// answered with `IpSetsMsg::Loaded`.
    Sets {
        request: u64,
        scope: crate::domain::waf::WafScope,
    },
    /// An ip-ranges.json for the sync dialog; answered with `IpSetsMsg::IpRangesLoaded`.
    IpRanges {
        request: u64,
        source: super::sync::IpRangesSource,
    },
    /// A text file of addresses for IP set `set_id`; answered with
    /// `IpSetsMsg::AddressFileLoaded`.
    AddressFile { set_id: String, path: String },
}
