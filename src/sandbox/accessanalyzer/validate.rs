//! ValidatePolicy for role trust policies (`AWS::IAM::AssumeRolePolicyDocument`): the
//! checks of AWS's policy check reference that matter for a trust policy (JSON syntax,
//! missing Statement / Effect / Action / Principal, invalid Effect and principal, actions
//! not in STS's list of trust-policy actions) and a security warning for a statement that
//! lets everyone assume the role without a condition (that code is the sandbox's own).
//! Each finding has AWS's members: findingType, issueCode, findingDetails, learnMoreLink
//! and locations (path and span).

use serde_json::{Map, Value, json};

use super::spans::{Step, location, point};
use crate::domain::policy::Principal;
use crate::domain::policy::eval::{action_list, action_matches};

/// The actions a trust policy may name (sts actions a principal takes on a role).
pub const TRUST_ACTIONS: &[&str] = &[
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
    "sts:SetContext",
    "sts:SetSourceIdentity",
    "sts:TagSession",
];

const REFERENCE: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html";

struct Out<'a> {
    text: &'a str,
    findings: Vec<Value>,
}

impl Out<'_> {
    fn add(&mut self, kind: &str, code: &str, details: String, path: &[Step]) {
        let anchor = format!(
            "{}-{}",
            kind.to_ascii_lowercase().replace('_', "-"),
            code.to_ascii_lowercase().replace('_', "-")
        );
        self.findings.push(json!({
            "findingType": kind,
            "issueCode": code,
            "findingDetails": details,
            "learnMoreLink": format!("{REFERENCE}#access-analyzer-reference-policy-checks-{anchor}"),
            "locations": [location(self.text, path)],
        }));
    }
}

/// The findings ValidatePolicy gives for `text` as a role trust policy.
pub fn validate_trust_policy(text: &str) -> Vec<Value> {
    let mut out = Out {
        text,
        findings: Vec::new(),
    };
    let doc: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let offset = offset_of(text, e.line(), e.column());
            let details = format!(
                "Fix the JSON syntax error at index {offset} line {} column {}.",
                e.line(),
                e.column().saturating_sub(1)
            );
            let mut f = json!({
                "findingType": "ERROR", "issueCode": "JSON_SYNTAX_ERROR", "findingDetails": details,
                "learnMoreLink": format!("{REFERENCE}#access-analyzer-reference-policy-checks-error-json-syntax-error"),
            });
            f["locations"] = json!([point(text, offset)]);
            return vec![f];
        }
    };
    let Some(obj) = doc.as_object() else {
        out.add(
            "ERROR",
            "DATA_TYPE_MISMATCH",
            "The text does not match the expected JSON data type Object.".into(),
            &[],
        );
        return out.findings;
    };
    if !obj.contains_key("Version") {
        out.add(
            "WARNING",
            "MISSING_VERSION",
            "We recommend that you specify the Version element to help you with debugging permission issues.".into(),
            &[],
        );
    }
    match obj.get("Statement") {
        Some(Value::Array(items)) => {
            for (i, st) in items.iter().enumerate() {
                statement(&mut out, st, &[Step::Key("Statement"), Step::Index(i)]);
            }
        }
        Some(one @ Value::Object(_)) => statement(&mut out, one, &[Step::Key("Statement")]),
        _ => out.add(
            "ERROR",
            "MISSING_STATEMENT",
            "Add a statement to the policy.".into(),
            &[],
        ),
    }
    out.findings
}

/// Byte offset of serde_json's 1-based line and column.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(text.len())
}

fn with(path: &[Step], more: &[Step]) -> Vec<Step> {
    path.iter().chain(more).cloned().collect()
}

fn statement(out: &mut Out, st: &Value, at: &[Step]) {
    let Some(st) = st.as_object() else {
        out.add(
            "ERROR",
            "DATA_TYPE_MISMATCH",
            "The text does not match the expected JSON data type Object.".into(),
            at,
        );
        return;
    };
    let effect = st.get("Effect").and_then(Value::as_str);
    match (st.get("Effect"), effect) {
        (None, _) => out.add(
            "ERROR",
            "MISSING_EFFECT",
            "Add an Effect element to the policy statement with a value of Allow or Deny.".into(),
            at,
        ),
        (_, Some("Allow" | "Deny")) => {}
        (Some(v), _) => out.add(
            "ERROR",
            "INVALID_EFFECT",
            format!("The Effect element value {v} is not valid. Use Allow or Deny."),
            &with(at, &[Step::Key("Effect")]),
        ),
    }
    actions(out, st, at);
    principal(out, st, at);
    if effect == Some("Allow") && !st.contains_key("Condition") && everyone(st) {
        out.add(
            "SECURITY_WARNING",
            "TRUST_POLICY_ALLOWS_ALL_PRINCIPALS",
            "The statement lets any principal, in any account, assume the role. Name the principals you trust, or add a condition that limits them.".into(),
            &with(at, &[Step::Key("Principal")]),
        );
    }
}

fn everyone(st: &Map<String, Value>) -> bool {
    st.get("Principal")
        .and_then(|p| Principal::parse(p).ok())
        .is_some_and(|p| p.entries().iter().any(|e| e.is_everyone()))
}

fn actions(out: &mut Out, st: &Map<String, Value>, at: &[Step]) {
    let (key, value) = match (st.get("Action"), st.get("NotAction")) {
        (Some(v), _) => ("Action", v),
        (None, Some(v)) => ("NotAction", v),
        (None, None) => {
            out.add(
                "ERROR",
                "MISSING_ACTION",
                "Add an Action or NotAction element to the policy statement.".into(),
                at,
            );
            return;
        }
    };
    let list = action_list(value);
    for (i, action) in list.iter().enumerate() {
        let here = match value {
            Value::Array(_) => with(at, &[Step::Key(key), Step::Index(i)]),
            _ => with(at, &[Step::Key(key)]),
        };
        if action == "*" {
            continue;
        }
        let Some((service, _)) = action.split_once(':') else {
            out.add(
                "ERROR",
                "INVALID_ACTION",
                format!("The action {action} does not exist."),
                &here,
            );
            continue;
        };
        if !service.eq_ignore_ascii_case("sts") {
            out.add(
                "ERROR",
                "UNSUPPORTED_ACTION_IN_POLICY",
                format!("The action {action} is not supported for the resource-based policy attached to the resource type AWS::IAM::AssumeRolePolicyDocument."),
                &here,
            );
        } else if !TRUST_ACTIONS.iter().any(|t| action_matches(action, t)) {
            out.add(
                "ERROR",
                "INVALID_ACTION",
                format!("The action {action} does not exist."),
                &here,
            );
        }
    }
}

fn principal(out: &mut Out, st: &Map<String, Value>, at: &[Step]) {
    let (key, value) = match (st.get("Principal"), st.get("NotPrincipal")) {
        (Some(v), _) => ("Principal", v),
        (None, Some(v)) => ("NotPrincipal", v),
        (None, None) => {
            out.add(
                "ERROR",
                "MISSING_PRINCIPAL",
                "Add a Principal element to the policy statement.".into(),
                at,
            );
            return;
        }
    };
    if let Err(why) = Principal::parse(value) {
        let here = with(at, &[Step::Key(key)]);
        if why.starts_with("unknown principal type") {
            let bad = value
                .as_object()
                .and_then(|m| {
                    m.keys().find(|k| {
                        !["AWS", "Service", "Federated", "CanonicalUser"].contains(&k.as_str())
                    })
                })
                .cloned()
                .unwrap_or_default();
            out.add(
                "ERROR",
                "INVALID_PRINCIPAL_KEY",
                format!("The principal key {bad} is not valid."),
                &here,
            );
        } else {
            out.add(
                "ERROR",
                "INVALID_PRINCIPAL_FORMAT",
                format!("The Principal element contents are not valid: {why}"),
                &here,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<(String, String)> {
        validate_trust_policy(text)
            .iter()
            .map(|f| {
                (
                    f["findingType"].as_str().unwrap().to_string(),
                    f["issueCode"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn a_good_trust_policy_has_no_findings() {
        let good = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"sts:AssumeRole"}]}"#;
        assert!(validate_trust_policy(good).is_empty());
    }

    #[test]
    fn syntax_missing_principal_unknown_action_and_public_trust_are_reported() {
        assert_eq!(codes("{\"Statement\": [")[0].1, "JSON_SYNTAX_ERROR");
        let bad = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole","sts:AssumeEverything"]},{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"},{"Effect":"Allow","Principal":{"Bogus":"x"},"Action":"s3:GetObject"}]}"#;
        assert_eq!(
            codes(bad),
            [
                ("ERROR", "INVALID_ACTION"),
                ("ERROR", "MISSING_PRINCIPAL"),
                ("SECURITY_WARNING", "TRUST_POLICY_ALLOWS_ALL_PRINCIPALS"),
                ("ERROR", "UNSUPPORTED_ACTION_IN_POLICY"),
                ("ERROR", "INVALID_PRINCIPAL_KEY"),
            ]
            .map(|(a, b)| (a.to_string(), b.to_string()))
        );
        let f = &validate_trust_policy(bad)[0];
        assert_eq!(
            f["locations"][0]["path"],
            json!([{"key": "Statement"}, {"index": 0}, {"key": "Action"}, {"index": 1}])
        );
        assert!(
            f["learnMoreLink"]
                .as_str()
                .unwrap()
                .ends_with("#access-analyzer-reference-policy-checks-error-invalid-action")
        );
    }
}
