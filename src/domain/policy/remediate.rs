//! The remediation of an external-access finding on a role: append one explicit Deny for
//! the finding's principal and sts actions, under a Sid derived from the finding id; and
//! its rollback, which removes exactly that statement and nothing else.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::principal::{Principal, PrincipalEntry, PrincipalKind};
use super::sid::sid_for_finding;
use super::{PolicyDocument, PolicyError};

/// What the Deny is about: the finding as Access Analyzer reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DenyTarget {
    pub finding_id: String,
    /// The finding's principal map (`{"AWS": "..."}`, `{"Federated": "..."}`), order kept.
    pub principal: Vec<(String, String)>,
    pub actions: Vec<String>,
}

/// The outcome of planning the Deny against the current document.
#[derive(Debug, Clone, PartialEq)]
pub enum DenyPlan {
    Add {
        sid: String,
        statement: Value,
        after: PolicyDocument,
        /// The exact text to send to UpdateAssumeRolePolicy.
        text: String,
    },
    /// A statement with this Sid is already there: running twice adds nothing.
    AlreadyPresent { sid: String },
}

/// The document without our statement, and the text to send.
#[derive(Debug, Clone, PartialEq)]
pub struct RollbackPlan {
    pub sid: String,
    pub after: PolicyDocument,
    pub text: String,
}

/// The principal to deny, refusing shapes a trust-policy Deny cannot or must not name.
pub fn deny_principal(target: &DenyTarget) -> Result<Principal, PolicyError> {
    if target.principal.is_empty() {
        return Err(PolicyError::BadPrincipal(
            "the finding names no principal".into(),
        ));
    }
    let mut entries = Vec::new();
    for (key, raw) in &target.principal {
        let kind = PrincipalKind::parse(key).ok_or_else(|| {
            PolicyError::BadPrincipal(format!(
                "unknown principal type {key:?} (AWS, Service, Federated or CanonicalUser)"
            ))
        })?;
        if kind == PrincipalKind::CanonicalUser {
            return Err(PolicyError::BadPrincipal(
                "a CanonicalUser principal exists only in S3 policies; a role trust policy cannot name one".into(),
            ));
        }
        let entry = PrincipalEntry::new(kind, raw).map_err(PolicyError::BadPrincipal)?;
        if entry.is_everyone() {
            return Err(PolicyError::BadPrincipal(format!(
                "the finding's principal is {key}: * (public access); a Deny for * would lock out \
                 every principal, the trusted ones too: narrow the Allow statement instead"
            )));
        }
        entries.push(entry);
    }
    Ok(Principal::Entries(entries))
}

/// `{Sid, Effect: Deny, Principal, Action}` for the finding, with its Sid.
pub fn deny_statement(target: &DenyTarget) -> Result<(String, Value), PolicyError> {
    let sid = sid_for_finding(&target.finding_id)?;
    let principal = deny_principal(target)?;
    let mut actions: Vec<&str> = Vec::new();
    for a in &target.actions {
        if a.to_ascii_lowercase().starts_with("sts:") && !actions.contains(&a.as_str()) {
            actions.push(a);
        }
    }
    let action = match actions.as_slice() {
        [] => return Err(PolicyError::NoStsActions),
        [one] => Value::String(one.to_string()),
        many => Value::Array(many.iter().map(|a| Value::String(a.to_string())).collect()),
    };
    let mut st = Map::new();
    st.insert("Sid".into(), Value::String(sid.clone()));
    st.insert("Effect".into(), Value::String("Deny".into()));
    st.insert("Principal".into(), principal.to_value());
    st.insert("Action".into(), action);
    Ok((sid, Value::Object(st)))
}

/// Appends the Deny for `target` to `doc`, unless a statement with its Sid is there.
/// Refuses a result over `size_limit` characters before anything is written.
pub fn plan_deny(
    doc: &PolicyDocument,
    target: &DenyTarget,
    size_limit: usize,
) -> Result<DenyPlan, PolicyError> {
    let (sid, statement) = deny_statement(target)?;
    if doc.find_sid(&sid).is_some() {
        return Ok(DenyPlan::AlreadyPresent { sid });
    }
    let mut value = doc.value().clone();
    if let Some(obj) = value.as_object_mut() {
        let current = obj.get_mut("Statement");
        match current {
            Some(Value::Array(items)) => items.push(statement.clone()),
            Some(one @ Value::Object(_)) => {
                let first = one.take();
                *one = Value::Array(vec![first, statement.clone()]);
            }
            _ => return Err(PolicyError::NoStatement),
        }
    }
    let after = PolicyDocument::from_value(value)?;
    after.check_size(size_limit)?;
    let text = after.to_compact();
    Ok(DenyPlan::Add {
        sid,
        statement,
        after,
        text,
    })
}

/// Removes the statement carrying `sid`. When what remains is the `original` document the
/// Deny was added to, the original text is given back byte for byte (a single-object
/// Statement included); otherwise every other edit made since is kept.
pub fn plan_rollback(
    doc: &PolicyDocument,
    sid: &str,
    original: Option<&str>,
) -> Result<RollbackPlan, PolicyError> {
    let (index, _) = doc
        .find_sid(sid)
        .ok_or_else(|| PolicyError::SidNotFound(sid.to_string()))?;
    let mut value = doc.value().clone();
    if let Some(Value::Array(items)) = value.get_mut("Statement") {
        items.remove(index);
    } else {
        // A single statement that is ours: removing it would leave no Statement.
        return Err(PolicyError::NoStatement);
    }
    let after = PolicyDocument::from_value(value)?;
    if let Some(text) = original
        && let Ok(orig) = PolicyDocument::parse(text)
        && same_after_unwrapping(&after, &orig)
    {
        return Ok(RollbackPlan {
            sid: sid.to_string(),
            after: orig,
            text: text.to_string(),
        });
    }
    let text = after.to_compact();
    Ok(RollbackPlan {
        sid: sid.to_string(),
        after,
        text,
    })
}

/// Equal in content and key order, a one-element Statement array matching a lone object.
fn same_after_unwrapping(candidate: &PolicyDocument, original: &PolicyDocument) -> bool {
    if candidate.to_compact() == original.to_compact() {
        return true;
    }
    if !original.statement_is_object() {
        return false;
    }
    let mut unwrapped = candidate.value().clone();
    if let Some(Value::Array(items)) = unwrapped.get_mut("Statement")
        && items.len() == 1
    {
        let only = items.remove(0);
        if let Some(obj) = unwrapped.as_object_mut() {
            obj.insert("Statement".into(), only);
        }
        return serde_json::to_string(&unwrapped).is_ok_and(|c| c == original.to_compact());
    }
    false
}
