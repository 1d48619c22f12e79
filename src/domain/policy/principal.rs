//! Policy principals of every shape IAM accepts: `"*"`, `{"AWS": "*"}`, account ids (which
//! IAM stores as `arn:aws:iam::ACCOUNT:root`), ARNs, unique ids, lists of them, and the
//! `Service`, `Federated` and `CanonicalUser` keys.

use std::fmt;

use serde_json::{Map, Value};

use super::string_or_list;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PrincipalKind {
    Aws,
    Service,
    Federated,
    CanonicalUser,
}

impl PrincipalKind {
    pub fn parse(key: &str) -> Option<PrincipalKind> {
        match key {
            "AWS" => Some(PrincipalKind::Aws),
            "Service" => Some(PrincipalKind::Service),
            "Federated" => Some(PrincipalKind::Federated),
            "CanonicalUser" => Some(PrincipalKind::CanonicalUser),
            _ => None,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            PrincipalKind::Aws => "AWS",
            PrincipalKind::Service => "Service",
            PrincipalKind::Federated => "Federated",
            PrincipalKind::CanonicalUser => "CanonicalUser",
        }
    }
}

/// One principal, its value normalised (account ids become root ARNs).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PrincipalEntry {
    pub kind: PrincipalKind,
    pub value: String,
}

impl PrincipalEntry {
    /// Builds and normalises one entry; the error says why the value is refused.
    pub fn new(kind: PrincipalKind, raw: &str) -> Result<PrincipalEntry, String> {
        let value = match kind {
            PrincipalKind::Aws => normalize_aws(raw)?,
            _ if raw.is_empty() || raw.chars().any(char::is_whitespace) => {
                return Err(format!(
                    "{} value {raw:?} is empty or has spaces",
                    kind.key()
                ));
            }
            _ => raw.to_string(),
        };
        Ok(PrincipalEntry { kind, value })
    }

    pub fn is_everyone(&self) -> bool {
        self.value == "*"
    }

    /// The account an `AWS` principal belongs to, if it names one.
    pub fn account(&self) -> Option<&str> {
        if self.kind != PrincipalKind::Aws {
            return None;
        }
        let mut parts = self.value.splitn(6, ':');
        let (Some("arn"), Some(_), Some("iam" | "sts"), Some(_), Some(account)) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return None;
        };
        is_account_id(account).then_some(account)
    }
}

impl fmt::Display for PrincipalEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.key(), self.value)
    }
}

/// A statement's Principal (or NotPrincipal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// The bare `"*"`: everyone, anonymous included.
    Everyone,
    Entries(Vec<PrincipalEntry>),
}

impl Principal {
    pub fn parse(v: &Value) -> Result<Principal, String> {
        match v {
            Value::String(s) if s == "*" => Ok(Principal::Everyone),
            Value::String(s) => Err(format!(
                "the string {s:?} is not a principal; use \"*\" or an object such as {{\"AWS\": \"...\"}}"
            )),
            Value::Object(map) => Principal::from_map(map),
            other => Err(format!(
                "must be \"*\" or an object, not {}",
                super::kind_name(other)
            )),
        }
    }

    pub fn from_map(map: &Map<String, Value>) -> Result<Principal, String> {
        if map.is_empty() {
            return Err("the principal object is empty".into());
        }
        let mut entries = Vec::new();
        for (key, values) in map {
            let kind = PrincipalKind::parse(key).ok_or_else(|| {
                format!("unknown principal type {key:?} (AWS, Service, Federated or CanonicalUser)")
            })?;
            for raw in string_or_list(values).map_err(|what| format!("{key} is {what}"))? {
                entries.push(PrincipalEntry::new(kind, raw)?);
            }
        }
        Ok(Principal::Entries(entries))
    }

    /// The entries; the bare `"*"` is one `AWS: *` entry.
    pub fn entries(&self) -> Vec<PrincipalEntry> {
        match self {
            Principal::Everyone => vec![PrincipalEntry {
                kind: PrincipalKind::Aws,
                value: "*".into(),
            }],
            Principal::Entries(e) => e.clone(),
        }
    }

    /// Whether this principal set includes `entry` (wildcards included).
    pub fn covers(&self, entry: &PrincipalEntry) -> bool {
        match self {
            Principal::Everyone => true,
            Principal::Entries(es) => es.iter().any(|e| {
                e.kind == entry.kind && (e.value == entry.value || (e.is_everyone()))
                    || (e.kind == PrincipalKind::Aws
                        && entry.kind == PrincipalKind::Aws
                        && root_covers(&e.value, &entry.value))
            }),
        }
    }

    /// As JSON, one key per kind in first-seen order, a single value as a string.
    pub fn to_value(&self) -> Value {
        match self {
            Principal::Everyone => Value::String("*".into()),
            Principal::Entries(es) => {
                let mut map = Map::new();
                for e in es {
                    let slot = map
                        .entry(e.kind.key().to_string())
                        .or_insert_with(|| Value::Array(Vec::new()));
                    if let Value::Array(items) = slot {
                        items.push(Value::String(e.value.clone()));
                    }
                }
                for v in map.values_mut() {
                    if let Value::Array(items) = v
                        && items.len() == 1
                    {
                        *v = items.remove(0);
                    }
                }
                Value::Object(map)
            }
        }
    }
}

/// An account's root ARN trusts every principal of that account.
fn root_covers(granted: &str, asked: &str) -> bool {
    let Some(account) = granted
        .strip_prefix("arn:")
        .and_then(|r| r.split_once(":iam::"))
        .and_then(|(_, rest)| rest.strip_suffix(":root"))
    else {
        return false;
    };
    PrincipalEntry {
        kind: PrincipalKind::Aws,
        value: asked.to_string(),
    }
    .account()
        == Some(account)
}

pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// `*`, an account id (-> its root ARN), an IAM/STS ARN, or an IAM unique id.
pub fn normalize_aws(raw: &str) -> Result<String, String> {
    if raw == "*" {
        return Ok(raw.to_string());
    }
    if is_account_id(raw) {
        return Ok(format!("arn:aws:iam::{raw}:root"));
    }
    if let Some(rest) = raw.strip_prefix("arn:") {
        let parts: Vec<&str> = rest.splitn(5, ':').collect();
        if let [partition, "iam" | "sts", "", account, resource] = parts.as_slice()
            && !partition.is_empty()
            && (is_account_id(account) || *account == "*")
            && !resource.is_empty()
        {
            return Ok(raw.to_string());
        }
        return Err(format!(
            "AWS principal {raw:?} is not an IAM or STS ARN (arn:PARTITION:iam::ACCOUNT:...)"
        ));
    }
    // IAM replaces a deleted principal by its unique id (AIDA..., AROA...).
    if raw.len() >= 16 && raw.starts_with('A') && raw.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Ok(raw.to_string());
    }
    Err(format!(
        "AWS principal {raw:?} is not \"*\", a 12-digit account id, an ARN or a unique id"
    ))
}
