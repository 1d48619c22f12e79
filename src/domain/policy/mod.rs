//! IAM policy documents (trust policies above all): parsing and validation with key order
//! preserved, IAM's size rule, pretty printing with statement spans, and the submodules for
//! principals, the finding-id <-> Sid mapping, the Deny remediation and its rollback,
//! Access-Analyzer-style evaluation and the unified diff shown in previews.
//!
//! Key order matters: a rollback must give back the very document that was there, so the
//! crate enables serde_json's `preserve_order` feature (a `Map` keeps insertion order).

pub mod access;
pub mod arn;
pub mod diff;
pub mod eval;
pub mod principal;
pub mod remediate;
pub mod sid;

#[cfg(test)]
mod principal_shape_tests;
#[cfg(test)]
mod tests;

use std::ops::Range;

use serde_json::{Map, Value};

pub use arn::RoleRef;
pub use principal::{Principal, PrincipalEntry, PrincipalKind};
pub use remediate::{DenyPlan, DenyTarget, RollbackPlan, plan_deny, plan_rollback};
pub use sid::{finding_id_from_sid, sid_for_finding};

/// IAM's default quota for a role trust policy, in characters (whitespace not counted).
pub const DEFAULT_TRUST_POLICY_MAX_CHARS: usize = 2048;

/// Why a policy document was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("the policy document is not valid JSON: {0}")]
    NotJson(String),
    #[error("the policy document is not percent-encoded UTF-8 as IAM returns it: {0}")]
    BadEncoding(String),
    #[error("the policy document must be a JSON object, not {0}")]
    NotObject(&'static str),
    #[error("the policy document has no Statement")]
    NoStatement,
    #[error("Statement must be an object or an array of objects, not {0}")]
    BadStatement(&'static str),
    #[error("statement {index}: {reason}")]
    BadStatementAt { index: usize, reason: String },
    #[error("the Sid {0:?} appears in more than one statement")]
    DuplicateSid(String),
    #[error("the policy is {len} characters (whitespace not counted), over IAM's limit of {limit}")]
    TooLarge { len: usize, limit: usize },
    #[error("principal: {0}")]
    BadPrincipal(String),
    #[error("finding id {0:?} is not a UUID, so no IAM Sid can be derived from it")]
    BadFindingId(String),
    #[error("{0:?} is not a secdeck Sid (SecdeckDeny followed by 32 hex digits)")]
    NotOurSid(String),
    #[error("{0:?} is not an IAM role ARN (arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME)")]
    NotRoleArn(String),
    #[error("the finding grants no sts: action, so there is nothing to deny on a trust policy")]
    NoStsActions,
    #[error("no statement with Sid {0:?} is in the trust policy")]
    SidNotFound(String),
}

/// A validated policy document. The JSON value keeps the order of keys it was parsed with.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyDocument {
    value: Value,
}

impl PolicyDocument {
    /// Parses and validates a policy document as JSON text.
    pub fn parse(text: &str) -> Result<PolicyDocument, PolicyError> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| PolicyError::NotJson(e.to_string()))?;
        PolicyDocument::from_value(value)
    }

    /// Decodes a document as GetRole / ListRoles return it (percent-encoded), then parses it.
    /// Text that is already plain JSON is accepted too (the CLI shows it decoded).
    pub fn decode_iam(encoded: &str) -> Result<PolicyDocument, PolicyError> {
        PolicyDocument::parse(&decode_iam_text(encoded)?)
    }

    pub fn from_value(value: Value) -> Result<PolicyDocument, PolicyError> {
        validate(&value)?;
        Ok(PolicyDocument { value })
    }

    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The statements in document order (a single-object Statement is one statement).
    pub fn statements(&self) -> Vec<&Map<String, Value>> {
        match self.value.get("Statement") {
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_object).collect(),
            Some(Value::Object(one)) => vec![one],
            _ => Vec::new(),
        }
    }

    /// Whether the Statement member is a single object rather than an array.
    pub fn statement_is_object(&self) -> bool {
        matches!(self.value.get("Statement"), Some(Value::Object(_)))
    }

    /// The statement carrying `sid`, with its index.
    pub fn find_sid(&self, sid: &str) -> Option<(usize, &Map<String, Value>)> {
        self.statements()
            .into_iter()
            .enumerate()
            .find(|(_, s)| s.get("Sid").and_then(Value::as_str) == Some(sid))
    }

    /// Compact JSON in the document's own key order.
    pub fn to_compact(&self) -> String {
        self.value.to_string()
    }

    /// Two-space indented JSON in the document's own key order.
    pub fn to_pretty(&self) -> String {
        serde_json::to_string_pretty(&self.value).unwrap_or_else(|_| self.to_compact())
    }

    /// The pretty text's lines and, for each statement, the range of lines it occupies.
    pub fn pretty_with_spans(&self) -> (Vec<String>, Vec<Range<usize>>) {
        let lines: Vec<String> = self.to_pretty().lines().map(str::to_string).collect();
        let spans = statement_spans(&lines, self.statement_is_object());
        (lines, spans)
    }

    /// The length IAM checks against its quota.
    pub fn size(&self) -> usize {
        iam_size(&self.to_compact())
    }

    /// Refuses a document larger than `limit` characters.
    pub fn check_size(&self, limit: usize) -> Result<(), PolicyError> {
        let len = self.size();
        if len > limit {
            return Err(PolicyError::TooLarge { len, limit });
        }
        Ok(())
    }
}

/// IAM does not count whitespace against policy size quotas.
pub fn iam_size(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

/// Percent-decodes a document as IAM returns it; plain JSON passes through unchanged.
pub fn decode_iam_text(encoded: &str) -> Result<String, PolicyError> {
    let trimmed = encoded.trim_start();
    if trimmed.starts_with('{') {
        return Ok(encoded.to_string());
    }
    percent_encoding::percent_decode_str(encoded)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|e| PolicyError::BadEncoding(e.to_string()))
}

/// Percent-encodes a document the way IAM returns it from GetRole.
pub fn encode_iam_text(text: &str) -> String {
    // Unreserved characters stay; everything else is escaped (RFC 3986), as IAM does.
    const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(text, SET).to_string()
}

fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn validate(value: &Value) -> Result<(), PolicyError> {
    let Value::Object(doc) = value else {
        return Err(PolicyError::NotObject(kind_name(value)));
    };
    let statements: Vec<&Value> = match doc.get("Statement") {
        None => return Err(PolicyError::NoStatement),
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        Some(other) => return Err(PolicyError::BadStatement(kind_name(other))),
    };
    let mut sids: Vec<&str> = Vec::new();
    for (index, st) in statements.into_iter().enumerate() {
        let at = |reason: String| PolicyError::BadStatementAt { index, reason };
        let Value::Object(st) = st else {
            return Err(at(format!("must be an object, not {}", kind_name(st))));
        };
        match st.get("Effect").and_then(Value::as_str) {
            Some("Allow" | "Deny") => {}
            Some(other) => return Err(at(format!("Effect {other:?} is neither Allow nor Deny"))),
            None => return Err(at("has no Effect".into())),
        }
        match st.get("Sid") {
            None => {}
            Some(Value::String(s)) if s.is_empty() => {}
            Some(Value::String(s)) => {
                if sids.contains(&s.as_str()) {
                    return Err(PolicyError::DuplicateSid(s.clone()));
                }
                sids.push(s);
            }
            Some(other) => return Err(at(format!("Sid is {}, not a string", kind_name(other)))),
        }
        let actions = ["Action", "NotAction"]
            .iter()
            .filter_map(|k| st.get(*k).map(|v| (*k, v)))
            .collect::<Vec<_>>();
        if actions.len() != 1 {
            return Err(at("needs exactly one of Action or NotAction".into()));
        }
        let (key, action) = actions[0];
        string_or_list(action).map_err(|what| at(format!("{key} is {what}")))?;
        for key in ["Principal", "NotPrincipal"] {
            if let Some(p) = st.get(key) {
                Principal::parse(p).map_err(|e| at(format!("{key}: {e}")))?;
            }
        }
    }
    Ok(())
}

/// A string or a non-empty list of strings (Action, Resource, principal values).
pub(crate) fn string_or_list(v: &Value) -> Result<Vec<&str>, String> {
    match v {
        Value::String(s) => Ok(vec![s.as_str()]),
        Value::Array(items) if !items.is_empty() => items
            .iter()
            .map(|i| {
                i.as_str()
                    .ok_or_else(|| format!("a list holding {}", kind_name(i)))
            })
            .collect(),
        Value::Array(_) => Err("an empty list".into()),
        other => Err(format!(
            "{}, not a string or a list of strings",
            kind_name(other)
        )),
    }
}

/// Line ranges of each statement in serde_json's two-space pretty output.
fn statement_spans(lines: &[String], single: bool) -> Vec<Range<usize>> {
    let open = if single {
        "  \"Statement\": {"
    } else {
        "  \"Statement\": ["
    };
    let Some(start) = lines.iter().position(|l| l == open) else {
        return Vec::new();
    };
    if single {
        let end = lines[start..]
            .iter()
            .position(|l| l == "  }" || l == "  },")
            .map_or(lines.len(), |i| start + i + 1);
        #[allow(clippy::single_range_in_vec_init)] // one statement, one span
        return vec![start..end];
    }
    let mut spans = Vec::new();
    let mut current = None;
    for (i, line) in lines.iter().enumerate().skip(start + 1) {
        if line == "    {" {
            current = Some(i);
        } else if line == "    }" || line == "    }," {
            if let Some(s) = current.take() {
                spans.push(s..i + 1);
            }
        } else if line == "  ]" || line == "  ]," {
            break;
        }
    }
    spans
}
