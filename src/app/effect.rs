//! Effects: what `update()` asks the outside world to do. Reads may run in any session;
//! `Mutate` is only carried out by the mutation executor, which a read-only session
//! never constructs.

use crate::domain::filter::{FindingFilters, SortCriterion};
use crate::domain::plan::ChangePlan;

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Read(ReadRequest),
    Mutate(ChangePlan),
    /// Load a theme by name or path; answered with `Action::ThemeLoaded`.
    LoadTheme(String),
    Quit,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ReadRequest {
    CallerIdentity,
    /// One GetFindings page. A newer `request` for the findings table supersedes older ones.
    FindingsPage {
        request: u64,
        filters: FindingFilters,
        sort: Vec<SortCriterion>,
        next_token: Option<String>,
    },
    /// The IP sets of `scope` (ListIPSets, GetIPSet each, web ACL references);
    /// answered with `Action::IpSetsLoaded`.
    IpSets {
        request: u64,
        scope: crate::domain::waf::WafScope,
    },
}
