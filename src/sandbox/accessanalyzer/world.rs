//! The Access Analyzer + IAM part of a sandbox world: the organization's accounts, roles
//! with their trust policies, analyzers with archive rules, and findings on resources the
//! sandbox does not model (S3, KMS, SQS, ...). Role findings are not listed: the emulator
//! derives them by scanning the roles, as Access Analyzer would.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::scan::scan_all;
use super::store::{Analyzer, AnalyzerStore, ArchiveRule, Finding};
use crate::sandbox::iam::policies::PolicySeed;
use crate::sandbox::iam::store::{IamStore, RoleSeed};

const DEMO: &str = include_str!("../../../assets/demo/accessanalyzer/world.json");

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessWorld {
    #[serde(default)]
    pub organization: Vec<String>,
    #[serde(default)]
    pub roles: Vec<RoleSeed>,
    /// Customer managed policies the roles attach by name.
    #[serde(default)]
    pub policies: Vec<PolicySeed>,
    #[serde(default)]
    pub analyzers: Vec<AnalyzerSeed>,
    /// Findings with `analyzer` naming an analyzer of this world.
    #[serde(default)]
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnalyzerSeed {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub account: String,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub archive_rules: Vec<RuleSeed>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleSeed {
    pub rule_name: String,
    pub filter: Map<String, Value>,
}

impl AccessWorld {
    /// The embedded demo world (assets/demo/accessanalyzer/world.json).
    pub fn demo() -> Result<AccessWorld, String> {
        serde_json::from_str(DEMO)
            .map_err(|e| format!("assets/demo/accessanalyzer/world.json: {e}"))
    }

    /// Builds the stores, then scans every role as the analyzers would.
    pub(crate) fn build(
        &self,
        region: &str,
        now: &str,
    ) -> Result<(IamStore, AnalyzerStore), String> {
        let mut iam = IamStore::default();
        for role in &self.roles {
            iam.put(role, now)?;
        }
        iam.seed_permissions(&self.policies, &self.roles, now)?;
        let mut store = AnalyzerStore::default();
        for a in &self.analyzers {
            let zone = if a.kind.starts_with("ORGANIZATION") {
                self.organization.clone()
            } else {
                vec![a.account.clone()]
            };
            let created = a.created_at.clone().unwrap_or_else(|| now.to_string());
            store.analyzers.push(Analyzer {
                name: a.name.clone(),
                arn: format!(
                    "arn:aws:access-analyzer:{region}:{}:analyzer/{}",
                    a.account, a.name
                ),
                kind: a.kind.clone(),
                status: "ACTIVE".into(),
                created_at: created.clone(),
                zone,
                archive_rules: a
                    .archive_rules
                    .iter()
                    .map(|r| ArchiveRule {
                        rule_name: r.rule_name.clone(),
                        filter: r.filter.clone(),
                        created_at: created.clone(),
                        updated_at: created.clone(),
                    })
                    .collect(),
                last_resource_analyzed: None,
            });
        }
        for f in &self.findings {
            let analyzer = store
                .by_name(&f.analyzer)
                .ok_or_else(|| format!("finding {}: no analyzer named {:?}", f.id, f.analyzer))?;
            let mut f = f.clone();
            f.analyzer = analyzer.arn.clone();
            for t in [&mut f.created_at, &mut f.updated_at, &mut f.analyzed_at] {
                if t.is_empty() {
                    *t = now.to_string();
                }
            }
            store.findings.push(f);
        }
        scan_all(&mut store, &iam, now);
        Ok((iam, store))
    }
}
