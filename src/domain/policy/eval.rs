//! Trust-policy evaluation the way Access Analyzer reports external access to a role: an
//! Allow naming a principal outside the zone of trust (another account, a federated
//! provider, or everyone), for sts actions, that no unconditional Deny takes back.

use serde_json::{Map, Value};

use super::principal::{Principal, PrincipalEntry, PrincipalKind};
use super::{PolicyDocument, string_or_list};

/// One external grant: who may assume the role, with which actions, under which condition.
#[derive(Debug, Clone, PartialEq)]
pub struct ExternalGrant {
    /// Index of the Allow statement that grants it.
    pub statement: usize,
    pub principal: PrincipalEntry,
    pub actions: Vec<String>,
    pub condition: Map<String, Value>,
    pub is_public: bool,
}

/// Whether `pattern` (with `*` and `?` wildcards, case-insensitive as IAM actions are)
/// matches `action`. Policies are hostile text: the match is iterative and at worst
/// proportional to pattern length times action length, however many `*` a pattern holds
/// (a recursive match took exponential time on `"*****...x"`).
pub fn action_matches(pattern: &str, action: &str) -> bool {
    let (p, a) = (pattern.as_bytes(), action.as_bytes());
    let (mut pi, mut ai) = (0, 0);
    // The last `*` seen and the action position it is currently taken to stretch to.
    let mut star: Option<(usize, usize)> = None;
    while ai < a.len() {
        match p.get(pi) {
            Some(b'*') => {
                star = Some((pi, ai));
                pi += 1;
            }
            Some(b'?') => (pi, ai) = (pi + 1, ai + 1),
            Some(c) if c.eq_ignore_ascii_case(&a[ai]) => (pi, ai) = (pi + 1, ai + 1),
            _ => match star {
                // Let the last `*` take one more byte and retry from there.
                Some((sp, sa)) => {
                    star = Some((sp, sa + 1));
                    (pi, ai) = (sp + 1, sa + 1);
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

/// The actions of an Action value (string or list); nothing for anything else.
pub fn action_list(v: &Value) -> Vec<String> {
    string_or_list(v)
        .map(|l| l.into_iter().map(str::to_string).collect())
        .unwrap_or_default()
}

/// Whether `entry` is outside the zone of trust made of `zone_accounts`.
pub fn is_external(entry: &PrincipalEntry, zone_accounts: &[String]) -> bool {
    match entry.kind {
        PrincipalKind::Aws if entry.is_everyone() => true,
        PrincipalKind::Aws => entry
            .account()
            .is_some_and(|a| !zone_accounts.iter().any(|z| z == a)),
        PrincipalKind::Federated => true,
        PrincipalKind::Service | PrincipalKind::CanonicalUser => false,
    }
}

fn statement_actions(st: &Map<String, Value>) -> Vec<String> {
    st.get("Action")
        .and_then(|a| string_or_list(a).ok())
        .unwrap_or_default()
        .into_iter()
        .filter(|a| {
            action_matches(a, "sts:AssumeRole") || a.to_ascii_lowercase().starts_with("sts:")
        })
        .map(str::to_string)
        .collect()
}

/// A statement's Condition block (empty when it has none).
pub fn condition_of(st: &Map<String, Value>) -> Map<String, Value> {
    st.get("Condition")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// External grants of a trust policy that no unconditional Deny removes.
pub fn external_grants(doc: &PolicyDocument, zone_accounts: &[String]) -> Vec<ExternalGrant> {
    let statements = doc.statements();
    let denies: Vec<(Principal, Vec<String>)> = statements
        .iter()
        .filter(|st| st.get("Effect").and_then(Value::as_str) == Some("Deny"))
        .filter(|st| !st.contains_key("Condition"))
        .filter_map(|st| {
            let p = Principal::parse(st.get("Principal")?).ok()?;
            let actions = string_or_list(st.get("Action")?).ok()?;
            Some((p, actions.into_iter().map(str::to_string).collect()))
        })
        .collect();
    let denied = |entry: &PrincipalEntry, action: &str| {
        denies
            .iter()
            .any(|(p, acts)| p.covers(entry) && acts.iter().any(|a| action_matches(a, action)))
    };
    let mut grants = Vec::new();
    for (index, st) in statements.iter().enumerate() {
        if st.get("Effect").and_then(Value::as_str) != Some("Allow") {
            continue;
        }
        let Some(principal) = st.get("Principal").and_then(|p| Principal::parse(p).ok()) else {
            continue;
        };
        let actions = statement_actions(st);
        if actions.is_empty() {
            continue;
        }
        let condition = condition_of(st);
        for entry in principal.entries() {
            if !is_external(&entry, zone_accounts) {
                continue;
            }
            let open: Vec<String> = actions
                .iter()
                .filter(|a| !denied(&entry, a))
                .cloned()
                .collect();
            if open.is_empty() {
                continue;
            }
            grants.push(ExternalGrant {
                statement: index,
                is_public: entry.is_everyone() && condition.is_empty(),
                principal: entry,
                actions: open,
                condition: condition.clone(),
            });
        }
    }
    grants
}

/// Indexes of the Allow statements that grant access to any of `principal`'s entries:
/// what the detail view highlights.
pub fn granting_statements(doc: &PolicyDocument, principal: &[PrincipalEntry]) -> Vec<usize> {
    doc.statements()
        .iter()
        .enumerate()
        .filter(|(_, st)| st.get("Effect").and_then(Value::as_str) == Some("Allow"))
        .filter(|(_, st)| {
            st.get("Principal")
                .and_then(|p| Principal::parse(p).ok())
                .is_some_and(|p| principal.iter().any(|e| p.covers(e)))
        })
        .map(|(i, _)| i)
        .collect()
}
