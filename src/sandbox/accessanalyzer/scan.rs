//! The analysis the emulator does for roles, like Access Analyzer: each Allow in a trust
//! policy naming a principal outside the analyzer's zone of trust, not taken back by a
//! Deny, is an ACTIVE ExternalAccess finding; a grant that is gone on a later scan turns
//! its finding RESOLVED; new findings go through the analyzer's archive rules.

use serde_json::{Map, Value, json};

use super::store::{AnalyzerStore, Finding, matches};
use crate::domain::policy::eval::external_grants;
use crate::domain::policy::{PrincipalEntry, PrincipalKind};
use crate::sandbox::iam::store::{IamStore, Role};

/// A stable UUID-shaped id, so the demo world's findings keep their ids across runs.
pub fn stable_id(parts: &[&str]) -> String {
    let fnv = |seed: u64| {
        parts
            .iter()
            .flat_map(|p| p.bytes().chain([0]))
            .fold(seed, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            })
    };
    let hex = format!(
        "{:016x}{:016x}",
        fnv(0xcbf2_9ce4_8422_2325),
        fnv(0x8422_2325_cbf2_9ce4)
    );
    format!(
        "{}-{}-4{}-a{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

pub(crate) fn principal_key(principal: &Map<String, Value>) -> Option<PrincipalEntry> {
    let (k, v) = principal.iter().next()?;
    PrincipalEntry::new(PrincipalKind::parse(k)?, v.as_str()?).ok()
}

/// Re-analyzes `role` for the analyzer at `index`; returns the ids of new findings.
pub fn scan_role(store: &mut AnalyzerStore, index: usize, role: &Role, now: &str) -> Vec<String> {
    let Some(analyzer) = store.analyzers.get_mut(index) else {
        return Vec::new();
    };
    if !analyzer.is_external_access() || !analyzer.zone.contains(&role.account) {
        return Vec::new();
    }
    let arn = role.arn();
    analyzer.last_resource_analyzed = Some((arn.clone(), now.to_string()));
    let analyzer_arn = analyzer.arn.clone();
    let rules: Vec<Map<String, Value>> = analyzer
        .archive_rules
        .iter()
        .map(|r| r.filter.clone())
        .collect();
    let grants = role
        .trust()
        .map(|doc| external_grants(&doc, &analyzer.zone))
        .unwrap_or_default();

    let mut seen = Vec::new();
    let mut created = Vec::new();
    for g in &grants {
        let existing = store.findings.iter_mut().find(|f| {
            f.analyzer == analyzer_arn
                && f.resource == arn
                && f.is_external()
                && principal_key(&f.principal).as_ref() == Some(&g.principal)
        });
        let f = match existing {
            Some(f) => {
                if f.status == "RESOLVED" {
                    f.status = "ACTIVE".into();
                    f.updated_at = now.to_string();
                }
                f
            }
            None => {
                let id = stable_id(&[&analyzer_arn, &arn, &g.principal.to_string()]);
                store.findings.push(Finding {
                    id: id.clone(),
                    analyzer: analyzer_arn.clone(),
                    status: "ACTIVE".into(),
                    finding_type: "ExternalAccess".into(),
                    resource_type: "AWS::IAM::Role".into(),
                    resource: arn.clone(),
                    resource_owner_account: role.account.clone(),
                    principal: Map::new(),
                    action: Vec::new(),
                    condition: Map::new(),
                    is_public: false,
                    created_at: now.to_string(),
                    updated_at: now.to_string(),
                    analyzed_at: now.to_string(),
                    error: None,
                    details: None,
                });
                created.push(id);
                let last = store.findings.len() - 1;
                &mut store.findings[last]
            }
        };
        let mut principal = Map::new();
        principal.insert(g.principal.kind.key().into(), json!(g.principal.value));
        f.principal = principal;
        f.action = g.actions.clone();
        f.condition = flatten_condition(&g.condition);
        f.is_public = g.is_public;
        f.analyzed_at = now.to_string();
        seen.push(f.id.clone());
    }
    for f in store.findings.iter_mut() {
        if f.analyzer == analyzer_arn
            && f.resource == arn
            && f.is_external()
            && !seen.contains(&f.id)
            && f.status != "RESOLVED"
        {
            f.status = "RESOLVED".into();
            f.updated_at = now.to_string();
            f.analyzed_at = now.to_string();
        }
    }
    // Archive rules apply to new findings as they are created.
    for f in store
        .findings
        .iter_mut()
        .filter(|f| created.contains(&f.id))
    {
        if rules.iter().any(|r| matches(f, r)) {
            f.status = "ARCHIVED".into();
        }
    }
    created
}

/// Scans every role in every external-access analyzer's zone of trust.
pub fn scan_all(store: &mut AnalyzerStore, iam: &IamStore, now: &str) {
    for index in 0..store.analyzers.len() {
        let zone = store.analyzers[index].zone.clone();
        let roles: Vec<Role> = iam.roles_in(&zone).cloned().collect();
        for role in &roles {
            scan_role(store, index, role, now);
        }
    }
}

/// Access Analyzer reports a condition as a flat map of condition key -> value, not the
/// policy's `{operator: {key: value}}`.
pub(crate) fn flatten_condition(condition: &Map<String, Value>) -> Map<String, Value> {
    let mut flat = Map::new();
    for keys in condition.values().filter_map(Value::as_object) {
        for (k, v) in keys {
            let text = match v {
                Value::String(s) => s.clone(),
                Value::Array(items) => items
                    .iter()
                    .map(|i| {
                        i.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| i.to_string())
                    })
                    .collect::<Vec<_>>()
                    .join(","),
                other => other.to_string(),
            };
            flat.insert(k.clone(), Value::String(text));
        }
    }
    flat
}
