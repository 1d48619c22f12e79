//! What a trust policy grants, compared between two versions: the sandbox's answer to
//! CheckNoNewAccess (does the new document let anyone assume the role who could not
//! before, or with fewer conditions?) and CheckNoPublicAccess (does it let everyone?).
//! Grants are (principal, action, condition) triples of Allow statements that no
//! unconditional Deny takes back; an Allow with NotPrincipal or NotAction is taken as
//! granting everyone / every action, the widest reading.

use serde_json::{Map, Value};

use super::PolicyDocument;
use super::eval::{action_list, action_matches, condition_of};
use super::principal::{Principal, PrincipalEntry, PrincipalKind};

/// One grant of an Allow statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Grant {
    /// Index of the statement in the document.
    pub statement: usize,
    pub sid: Option<String>,
    pub principal: PrincipalEntry,
    pub action: String,
    pub condition: Map<String, Value>,
}

/// A statement a check names in its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementRef {
    pub index: usize,
    pub sid: Option<String>,
}

fn everyone() -> PrincipalEntry {
    PrincipalEntry {
        kind: PrincipalKind::Aws,
        value: "*".into(),
    }
}

fn entries_of(st: &Map<String, Value>) -> Vec<PrincipalEntry> {
    if st.contains_key("NotPrincipal") {
        return vec![everyone()];
    }
    st.get("Principal")
        .and_then(|p| Principal::parse(p).ok())
        .map(|p| p.entries())
        .unwrap_or_default()
}

fn actions_of(st: &Map<String, Value>) -> Vec<String> {
    if st.contains_key("NotAction") {
        return vec!["*".into()];
    }
    st.get("Action").map(action_list).unwrap_or_default()
}

fn effect(st: &Map<String, Value>) -> Option<&str> {
    st.get("Effect").and_then(Value::as_str)
}

fn covers(granted: &PrincipalEntry, asked: &PrincipalEntry) -> bool {
    Principal::Entries(vec![granted.clone()]).covers(asked)
}

/// The grants of `doc` that no unconditional Deny removes.
pub fn grants(doc: &PolicyDocument) -> Vec<Grant> {
    let statements = doc.statements();
    let denies: Vec<(Vec<PrincipalEntry>, Vec<String>)> = statements
        .iter()
        .filter(|st| effect(st) == Some("Deny") && !st.contains_key("Condition"))
        .filter(|st| !st.contains_key("NotPrincipal") && !st.contains_key("NotAction"))
        .map(|st| (entries_of(st), actions_of(st)))
        .collect();
    let denied = |entry: &PrincipalEntry, action: &str| {
        denies.iter().any(|(ps, acts)| {
            ps.iter().any(|p| covers(p, entry)) && acts.iter().any(|a| action_matches(a, action))
        })
    };
    let mut out = Vec::new();
    for (index, st) in statements.iter().enumerate() {
        if effect(st) != Some("Allow") {
            continue;
        }
        let condition = condition_of(st);
        let sid = st.get("Sid").and_then(Value::as_str).map(str::to_string);
        for principal in entries_of(st) {
            for action in actions_of(st) {
                if denied(&principal, &action) {
                    continue;
                }
                out.push(Grant {
                    statement: index,
                    sid: sid.clone().filter(|s| !s.is_empty()),
                    principal: principal.clone(),
                    action,
                    condition: condition.clone(),
                });
            }
        }
    }
    out
}

/// Whether `old` already allows what `new` allows: a wider principal, a wider action
/// pattern, and no condition or the same one.
fn already_granted(new: &Grant, old: &Grant) -> bool {
    covers(&old.principal, &new.principal)
        && action_matches(&old.action, &new.action)
        && (old.condition.is_empty() || old.condition == new.condition)
}

fn statements_of<'a>(grants: impl Iterator<Item = &'a Grant>) -> Vec<StatementRef> {
    let mut out: Vec<StatementRef> = Vec::new();
    for g in grants {
        if !out.iter().any(|s| s.index == g.statement) {
            out.push(StatementRef {
                index: g.statement,
                sid: g.sid.clone(),
            });
        }
    }
    out
}

/// The statements of `new` granting access `existing` does not: empty is CheckNoNewAccess's PASS.
pub fn new_access(existing: &PolicyDocument, new: &PolicyDocument) -> Vec<StatementRef> {
    let old = grants(existing);
    let added = grants(new);
    statements_of(
        added
            .iter()
            .filter(|g| !old.iter().any(|o| already_granted(g, o))),
    )
}

/// The statements of `doc` that let everyone assume the role without a condition.
pub fn public_access(doc: &PolicyDocument) -> Vec<StatementRef> {
    let all = grants(doc);
    statements_of(
        all.iter()
            .filter(|g| g.principal.is_everyone() && g.condition.is_empty()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> PolicyDocument {
        PolicyDocument::parse(text).unwrap()
    }

    const BASE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"sts:AssumeRole"}]}"#;

    #[test]
    fn a_deny_added_grants_nothing_new() {
        let after = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"sts:AssumeRole"},{"Sid":"D","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"sts:AssumeRole"}]}"#;
        assert!(new_access(&doc(BASE), &doc(after)).is_empty());
        assert!(grants(&doc(after)).is_empty());
    }

    #[test]
    fn a_new_account_or_a_dropped_condition_is_new_access_naming_the_statement() {
        let wider = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"sts:AssumeRole"},{"Sid":"Wide","Effect":"Allow","Principal":{"AWS":"333333333333"},"Action":"sts:AssumeRole"}]}"#;
        assert_eq!(
            new_access(&doc(BASE), &doc(wider)),
            vec![StatementRef {
                index: 1,
                sid: Some("Wide".into())
            }]
        );
        let conditioned = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x"}}}]}"#;
        assert!(new_access(&doc(BASE), &doc(conditioned)).is_empty());
        assert_eq!(new_access(&doc(conditioned), &doc(BASE)).len(), 1);
    }

    #[test]
    fn removing_a_deny_reopens_access() {
        let denied = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"sts:AssumeRole"},{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"sts:*"}]}"#;
        assert_eq!(new_access(&doc(denied), &doc(BASE))[0].index, 0);
    }

    #[test]
    fn everyone_without_condition_is_public() {
        let public =
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}"#;
        assert_eq!(public_access(&doc(public))[0].index, 0);
        assert!(public_access(&doc(BASE)).is_empty());
        let guarded = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}}]}"#;
        assert!(public_access(&doc(guarded)).is_empty());
    }
}
