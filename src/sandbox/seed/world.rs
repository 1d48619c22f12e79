//! The description of a generated world (accounts, regions, product mix), read from
//! `assets/demo/world.toml`; every key is optional and defaults to the built-in world.

use std::collections::BTreeMap;

use serde::Deserialize;

/// The product families the generator knows how to write findings for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Security Hub CSPM control findings (FSBP, CIS, PCI DSS, NIST 800-53).
    Controls,
    #[serde(rename = "guardduty")]
    GuardDuty,
    Inspector,
    Macie,
    AccessAnalyzer,
    IotDeviceDefender,
    Prowler,
    Trivy,
    /// A private integration importing through product/{account}/default.
    Custom,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weighted {
    pub name: String,
    #[serde(default = "one")]
    pub weight: u32,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WorldSpec {
    /// PRNG seed of the generated part.
    pub seed: u64,
    /// How many findings to generate (the real examples come on top).
    pub generated_findings: usize,
    /// Account ids, weighted; the first is the administrator account.
    pub accounts: Vec<Weighted>,
    pub regions: Vec<Weighted>,
    /// Relative weight of each product family (BTreeMap: a fixed order keeps worlds
    /// deterministic).
    pub mix: BTreeMap<Source, u32>,
}

impl Default for WorldSpec {
    fn default() -> Self {
        let w = |name: &str, weight| Weighted {
            name: name.to_string(),
            weight,
        };
        WorldSpec {
            seed: 20_261_124,
            generated_findings: 600,
            accounts: vec![
                w("123456789012", 5),
                w("210987654321", 3),
                w("345678901234", 2),
                w("456789012345", 2),
                w("567890123456", 1),
            ],
            regions: vec![
                w("us-east-1", 6),
                w("eu-west-1", 3),
                w("us-west-2", 2),
                w("eu-central-1", 2),
                w("ap-southeast-2", 1),
            ],
            mix: BTreeMap::from([
                (Source::Controls, 38),
                (Source::GuardDuty, 16),
                (Source::Inspector, 16),
                (Source::Macie, 5),
                (Source::AccessAnalyzer, 6),
                (Source::IotDeviceDefender, 4),
                (Source::Prowler, 7),
                (Source::Trivy, 5),
                (Source::Custom, 3),
            ]),
        }
    }
}

impl WorldSpec {
    /// Parses a world description; the error says what is wrong, the caller adds where.
    pub fn from_toml(text: &str) -> Result<Self, String> {
        let spec: WorldSpec = toml::from_str(text).map_err(|e| e.to_string())?;
        if spec.accounts.is_empty() || spec.regions.is_empty() || spec.mix.is_empty() {
            return Err("accounts, regions and mix must each list at least one entry".into());
        }
        if spec.mix.values().all(|w| *w == 0) {
            return Err("mix weights are all zero".into());
        }
        Ok(spec)
    }

    pub fn source_weights(&self) -> Vec<(Source, u32)> {
        self.mix.iter().map(|(s, w)| (*s, *w)).collect()
    }

    pub fn account_weights(&self) -> Vec<(&str, u32)> {
        self.accounts
            .iter()
            .map(|a| (a.name.as_str(), a.weight))
            .collect()
    }

    pub fn region_weights(&self) -> Vec<(&str, u32)> {
        self.regions
            .iter()
            .map(|r| (r.name.as_str(), r.weight))
            .collect()
    }
}
