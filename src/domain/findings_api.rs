//! Which Security Hub findings API a session reads: the ASFF one (Security Hub CSPM:
//! GetFindings, ...) or the OCSF one of the new Security Hub (GetFindingsV2, ...). The user
//! asks (`--findings-api`, config `findings_api`), the account answers which hubs are
//! enabled (DescribeHub, DescribeSecurityHubV2), and [`FindingsSource::in_use`] decides.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What the user asked for. `Auto`: OCSF when the new Security Hub is enabled, else ASFF.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingsApi {
    #[default]
    Auto,
    Ocsf,
    Asff,
}

impl FindingsApi {
    pub const NAMES: [&'static str; 3] = ["auto", "ocsf", "asff"];

    pub fn as_str(self) -> &'static str {
        match self {
            FindingsApi::Auto => "auto",
            FindingsApi::Ocsf => "ocsf",
            FindingsApi::Asff => "asff",
        }
    }
}

impl fmt::Display for FindingsApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FindingsApi {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "auto" => Ok(FindingsApi::Auto),
            "ocsf" => Ok(FindingsApi::Ocsf),
            "asff" => Ok(FindingsApi::Asff),
            _ => Err(format!(
                "{s:?} is not a findings API (one of {})",
                FindingsApi::NAMES.join(", ")
            )),
        }
    }
}

/// The API the findings pane reads through.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ApiInUse {
    #[default]
    Asff,
    Ocsf,
}

impl ApiInUse {
    pub fn as_str(self) -> &'static str {
        match self {
            ApiInUse::Asff => "asff",
            ApiInUse::Ocsf => "ocsf",
        }
    }
}

/// What the account said about each hub: `None` until it answered (or when the call
/// failed: an error is not "disabled").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HubsEnabled {
    /// Security Hub CSPM (DescribeHub).
    pub cspm: Option<bool>,
    /// The new Security Hub (DescribeSecurityHubV2).
    pub ocsf: Option<bool>,
}

/// The session's findings source: asked, detected, and (after `:source`) switched.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FindingsSource {
    pub requested: FindingsApi,
    pub hubs: HubsEnabled,
    /// Set by `:source ocsf|asff`: wins over `requested` until the session ends.
    pub switched: Option<ApiInUse>,
}

impl FindingsSource {
    pub fn new(requested: FindingsApi) -> FindingsSource {
        FindingsSource {
            requested,
            ..FindingsSource::default()
        }
    }

    /// The API the pane reads through now. `Auto` stays on ASFF until DescribeSecurityHubV2
    /// says the new Security Hub is enabled, so a CSPM-only account behaves as before.
    pub fn in_use(&self) -> ApiInUse {
        if let Some(api) = self.switched {
            return api;
        }
        match (self.requested, self.hubs.ocsf) {
            (FindingsApi::Ocsf, _) | (FindingsApi::Auto, Some(true)) => ApiInUse::Ocsf,
            _ => ApiInUse::Asff,
        }
    }

    /// The status bar's words, or `None` when there is nothing to say (ASFF, as always,
    /// on a CSPM-only account or when asked for: the status bar stays as it was).
    pub fn status_label(&self) -> Option<String> {
        let in_use = self.in_use();
        let both = self.hubs.cspm == Some(true) && self.hubs.ocsf == Some(true);
        let quiet = in_use == ApiInUse::Asff && self.switched.is_none() && !both;
        if quiet {
            return None;
        }
        let mut label = match in_use {
            ApiInUse::Ocsf => "OCSF (Security Hub)".to_string(),
            ApiInUse::Asff => "ASFF (Security Hub CSPM)".to_string(),
        };
        if both {
            label.push_str(", both enabled");
        } else if in_use == ApiInUse::Ocsf && self.hubs.ocsf == Some(false) {
            label.push_str(", Security Hub not enabled");
        } else if in_use == ApiInUse::Asff && self.hubs.cspm == Some(false) {
            label.push_str(", CSPM not enabled");
        }
        Some(label)
    }
}

/// Counts the new Security Hub computed for the pane's filter (GetFindingStatisticsV2),
/// before the rows are loaded, and the 30-day daily totals (GetFindingsTrendsV2).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerCounts {
    /// (OCSF severity caption, count), most severe first.
    pub severity: Vec<(String, i64)>,
    /// (OCSF status caption, count), in AWS's order.
    pub status: Vec<(String, i64)>,
    /// Findings per day over the last 30 days, oldest first; empty until GetFindingsTrendsV2
    /// answers (asked after the counts) and when it failed.
    pub trend: Vec<i64>,
}

impl ServerCounts {
    pub fn total(&self) -> i64 {
        self.status.iter().map(|(_, n)| n).sum()
    }

    /// The trend as a sparkline (`▁▂▃▄▅▆▇█`), scaled to its largest day.
    pub fn sparkline(&self) -> String {
        const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
        let max = self.trend.iter().copied().max().unwrap_or(0).max(1);
        self.trend
            .iter()
            .map(|&n| BARS[((n.max(0) * 7 + max / 2) / max).min(7) as usize])
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(requested: FindingsApi, cspm: Option<bool>, ocsf: Option<bool>) -> FindingsSource {
        FindingsSource {
            requested,
            hubs: HubsEnabled { cspm, ocsf },
            switched: None,
        }
    }

    #[test]
    fn auto_reads_ocsf_only_once_the_new_hub_says_it_is_enabled() {
        use FindingsApi::*;
        assert_eq!(source(Auto, None, None).in_use(), ApiInUse::Asff);
        assert_eq!(
            source(Auto, Some(true), Some(false)).in_use(),
            ApiInUse::Asff
        );
        assert_eq!(
            source(Auto, Some(true), Some(true)).in_use(),
            ApiInUse::Ocsf
        );
        assert_eq!(
            source(Auto, Some(false), Some(true)).in_use(),
            ApiInUse::Ocsf
        );
        assert_eq!(source(Asff, None, Some(true)).in_use(), ApiInUse::Asff);
        assert_eq!(
            source(Ocsf, Some(true), Some(false)).in_use(),
            ApiInUse::Ocsf
        );
    }

    #[test]
    fn a_switch_wins_over_what_was_asked() {
        let mut s = source(FindingsApi::Auto, Some(true), Some(true));
        s.switched = Some(ApiInUse::Asff);
        assert_eq!(s.in_use(), ApiInUse::Asff);
    }

    #[test]
    fn a_cspm_only_account_on_auto_shows_nothing_new() {
        assert_eq!(
            source(FindingsApi::Auto, Some(true), Some(false)).status_label(),
            None
        );
        assert_eq!(source(FindingsApi::Auto, None, None).status_label(), None);
    }

    #[test]
    fn the_label_says_the_api_and_when_both_are_enabled() {
        let both = source(FindingsApi::Auto, Some(true), Some(true));
        assert_eq!(
            both.status_label().as_deref(),
            Some("OCSF (Security Hub), both enabled")
        );
        let asked = source(FindingsApi::Ocsf, Some(true), Some(false));
        assert_eq!(
            asked.status_label().as_deref(),
            Some("OCSF (Security Hub), Security Hub not enabled")
        );
        assert_eq!(
            source(FindingsApi::Asff, Some(true), None).status_label(),
            None
        );
        let mut switched = source(FindingsApi::Auto, Some(true), None);
        switched.switched = Some(ApiInUse::Asff);
        assert_eq!(
            switched.status_label().as_deref(),
            Some("ASFF (Security Hub CSPM)")
        );
    }

    #[test]
    fn the_sparkline_scales_to_the_largest_day() {
        let counts = ServerCounts {
            trend: vec![0, 1, 7, 14],
            ..ServerCounts::default()
        };
        assert_eq!(counts.sparkline(), "▁▂▅█");
        assert_eq!(ServerCounts::default().sparkline(), "");
    }

    #[test]
    fn names_parse_case_insensitively_and_a_typo_names_the_choices() {
        assert_eq!("OCSF".parse::<FindingsApi>(), Ok(FindingsApi::Ocsf));
        let err = "ocfs".parse::<FindingsApi>().unwrap_err();
        assert!(err.contains("auto, ocsf, asff"), "{err}");
    }
}
