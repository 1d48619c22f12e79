//! The analyst-owned fields of a finding that BatchUpdateFindings sets (workflow, severity,
//! note, verification state, confidence, criticality, user-defined fields): how a plan
//! holds them (`before` / `after`), how they read out of an ASFF document, how they are
//! described in a preview, and which of them an undo can put back.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::finding::{Finding, Severity, WorkflowStatus};

/// VerificationState of a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum VerificationState {
    Unknown,
    TruePositive,
    FalsePositive,
    BenignPositive,
}

impl VerificationState {
    pub const ALL: [VerificationState; 4] = [
        VerificationState::Unknown,
        VerificationState::TruePositive,
        VerificationState::FalsePositive,
        VerificationState::BenignPositive,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            VerificationState::Unknown => "UNKNOWN",
            VerificationState::TruePositive => "TRUE_POSITIVE",
            VerificationState::FalsePositive => "FALSE_POSITIVE",
            VerificationState::BenignPositive => "BENIGN_POSITIVE",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for VerificationState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Security Hub keeps at most this many user-defined fields on a finding.
pub const MAX_USER_FIELDS: usize = 50;

/// The triage fields BatchUpdateFindings can set that the console tracks. `None` means
/// "not part of this change" (in `after`) or "unknown / absent" (in `before`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TriageFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow: Option<WorkflowStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification: Option<VerificationState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criticality: Option<u8>,
    /// User-defined fields by name: `Some(value)` is (or becomes) the value, `None` is
    /// absent (in `before`) or removed (in `after`; sent as an empty value, which
    /// BatchUpdateFindings treats as a deletion). Only the names a change touches.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub user_fields: BTreeMap<String, Option<String>>,
}

impl TriageFields {
    /// The current values of every field in an ASFF document (all user-defined fields).
    pub fn of_asff(doc: &Value) -> TriageFields {
        let percent = |key: &str| {
            doc.get(key)
                .and_then(Value::as_u64)
                .and_then(|n| u8::try_from(n).ok())
        };
        TriageFields {
            workflow: doc
                .get("Workflow")
                .and_then(|w| w.get("Status"))
                .and_then(Value::as_str)
                .and_then(WorkflowStatus::parse),
            severity: doc
                .get("Severity")
                .and_then(|s| s.get("Label"))
                .and_then(Value::as_str)
                .and_then(Severity::parse),
            note: doc
                .get("Note")
                .and_then(|n| n.get("Text"))
                .and_then(Value::as_str)
                .map(str::to_string),
            verification: doc
                .get("VerificationState")
                .and_then(Value::as_str)
                .and_then(VerificationState::parse),
            confidence: percent("Confidence"),
            criticality: percent("Criticality"),
            user_fields: doc
                .get("UserDefinedFields")
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .filter_map(|(k, v)| Some((k.clone(), Some(v.as_str()?.to_string()))))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// A loaded finding's current values; workflow and severity as the table shows them
    /// (with the legacy fallbacks `Finding` applies).
    pub fn of_finding(f: &Finding) -> TriageFields {
        TriageFields {
            workflow: f.workflow,
            severity: f.severity,
            ..TriageFields::of_asff(&f.raw.value())
        }
    }

    /// Whether the change sets nothing at all.
    pub fn is_empty(&self) -> bool {
        *self == TriageFields::default()
    }

    /// The part of `current` that `self` (an `after`) changes: the `before` of an edit.
    /// Every user-defined name of `self` is present, `None` when the finding lacks it.
    pub fn before_from(&self, current: &TriageFields) -> TriageFields {
        TriageFields {
            workflow: self.workflow.and(current.workflow),
            severity: self.severity.and(current.severity),
            note: self.note.as_ref().and(current.note.clone()),
            verification: self.verification.and(current.verification),
            confidence: self.confidence.and(current.confidence),
            criticality: self.criticality.and(current.criticality),
            user_fields: self
                .user_fields
                .keys()
                .map(|k| (k.clone(), current.user_fields.get(k).cloned().flatten()))
                .collect(),
        }
    }

    /// Whether applying `self` (an `after`) to `current` would change anything.
    pub fn changes(&self, current: &TriageFields) -> bool {
        self.workflow.is_some_and(|w| current.workflow != Some(w))
            || self.severity.is_some_and(|s| current.severity != Some(s))
            || self
                .note
                .as_ref()
                .is_some_and(|n| current.note.as_ref() != Some(n))
            || self
                .verification
                .is_some_and(|v| current.verification != Some(v))
            || self
                .confidence
                .is_some_and(|c| current.confidence != Some(c))
            || self
                .criticality
                .is_some_and(|c| current.criticality != Some(c))
            || self
                .user_fields
                .iter()
                .any(|(k, v)| current.user_fields.get(k).cloned().flatten() != *v)
    }

    /// Whether `current` (re-read from AWS) shows every value `self` (an `after`) sets.
    pub fn shown_by(&self, current: &TriageFields) -> bool {
        !self.changes(current)
    }

    /// The values that put back what `after` changed, given what they were (`self`, a
    /// `before`). Fields whose old value is unknown cannot be restored and are left out;
    /// a user-defined field that did not exist is removed again.
    pub fn restore(&self, after: &TriageFields) -> TriageFields {
        TriageFields {
            workflow: after.workflow.and(self.workflow),
            severity: after.severity.and(self.severity),
            note: after.note.as_ref().and(self.note.clone()),
            verification: after.verification.and(self.verification),
            confidence: after.confidence.and(self.confidence),
            criticality: after.criticality.and(self.criticality),
            user_fields: after
                .user_fields
                .keys()
                .map(|k| (k.clone(), self.user_fields.get(k).cloned().flatten()))
                .collect(),
        }
    }

    /// Each field `after` sets, as (name, value in `self`, value in `after`); `(none)`
    /// where a value is absent or unknown. For previews of multi-field changes.
    pub fn field_changes(&self, after: &TriageFields) -> Vec<(String, String, String)> {
        fn show<T: ToString>(v: Option<T>) -> String {
            v.map_or_else(|| "(none)".to_string(), |v| v.to_string())
        }
        let mut out = Vec::new();
        if let Some(w) = after.workflow {
            out.push(("workflow".into(), show(self.workflow), w.to_string()));
        }
        if let Some(s) = after.severity {
            out.push(("severity".into(), show(self.severity), s.to_string()));
        }
        if let Some(v) = after.verification {
            out.push((
                "verification".into(),
                show(self.verification),
                v.to_string(),
            ));
        }
        if let Some(c) = after.confidence {
            out.push(("confidence".into(), show(self.confidence), c.to_string()));
        }
        if let Some(c) = after.criticality {
            out.push(("criticality".into(), show(self.criticality), c.to_string()));
        }
        for (k, v) in &after.user_fields {
            let quoted = |v: Option<&String>| v.map(|v| format!("{v:?}"));
            let old = self.user_fields.get(k).and_then(Option::as_ref);
            if old.is_none() && v.is_none() {
                continue; // removing a field this finding does not have: no change
            }
            let new = quoted(v.as_ref()).unwrap_or_else(|| "(removed)".to_string());
            out.push((format!("udf {k}"), show(quoted(old)), new));
        }
        if let Some(n) = &after.note {
            out.push((
                "note".into(),
                show(self.note.as_ref().map(|n| format!("{n:?}"))),
                format!("{n:?}"),
            ));
        }
        out
    }

    /// One line for previews and titles: `workflow NEW, confidence 80, udf owner=alice`.
    /// A user field without a value shows as `(none)`.
    pub fn describe(&self) -> String {
        self.describe_with("(none)")
    }

    /// As [`describe`](Self::describe) for an `after`: a user field without a value is
    /// being removed.
    /// The names of the fields this change sets, in display order.
    pub fn field_names(&self) -> Vec<String> {
        let mut names: Vec<String> = [
            (self.workflow.is_some(), "workflow"),
            (self.severity.is_some(), "severity"),
            (self.verification.is_some(), "verification"),
            (self.confidence.is_some(), "confidence"),
            (self.criticality.is_some(), "criticality"),
        ]
        .into_iter()
        .filter(|(set, _)| *set)
        .map(|(_, name)| name.to_string())
        .collect();
        names.extend(self.user_fields.keys().map(|k| format!("udf {k}")));
        if self.note.is_some() {
            names.push("note".into());
        }
        names
    }

    pub fn describe_after(&self) -> String {
        self.describe_with("(removed)")
    }

    fn describe_with(&self, no_value: &str) -> String {
        let mut parts = Vec::new();
        if let Some(w) = self.workflow {
            parts.push(format!("workflow {w}"));
        }
        if let Some(s) = self.severity {
            parts.push(format!("severity {s}"));
        }
        if let Some(v) = self.verification {
            parts.push(format!("verification {v}"));
        }
        if let Some(c) = self.confidence {
            parts.push(format!("confidence {c}"));
        }
        if let Some(c) = self.criticality {
            parts.push(format!("criticality {c}"));
        }
        for (k, v) in &self.user_fields {
            parts.push(match v {
                Some(v) => format!("udf {k}={v:?}"),
                None => format!("udf {k} {no_value}"),
            });
        }
        if let Some(n) = &self.note {
            parts.push(format!("note {n:?}"));
        }
        if parts.is_empty() {
            "(unset)".to_string()
        } else {
            parts.join(", ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn udf(pairs: &[(&str, Option<&str>)]) -> BTreeMap<String, Option<String>> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.map(str::to_string)))
            .collect()
    }

    #[test]
    fn reads_every_field_from_asff() {
        let t = TriageFields::of_asff(&json!({
            "Workflow": {"Status": "NEW"}, "Severity": {"Label": "LOW"},
            "VerificationState": "TRUE_POSITIVE", "Confidence": 40, "Criticality": 90,
            "UserDefinedFields": {"owner": "alice"}
        }));
        assert_eq!(t.verification, Some(VerificationState::TruePositive));
        assert_eq!((t.confidence, t.criticality), (Some(40), Some(90)));
        assert_eq!(t.user_fields, udf(&[("owner", Some("alice"))]));
    }

    #[test]
    fn undo_of_a_new_user_field_removes_it_and_restores_a_changed_one() {
        let current = TriageFields {
            confidence: Some(10),
            user_fields: udf(&[("owner", Some("alice")), ("keep", Some("x"))]),
            ..Default::default()
        };
        let after = TriageFields {
            confidence: Some(80),
            verification: Some(VerificationState::FalsePositive),
            user_fields: udf(&[("owner", Some("bob")), ("ticket", Some("SEC-1"))]),
            ..Default::default()
        };
        assert!(after.changes(&current));
        let before = after.before_from(&current);
        assert_eq!(
            before.user_fields,
            udf(&[("owner", Some("alice")), ("ticket", None)])
        );
        let undo = before.restore(&after);
        assert_eq!(undo.confidence, Some(10));
        assert_eq!(undo.verification, None, "unknown before: not restorable");
        assert_eq!(
            undo.user_fields,
            udf(&[("owner", Some("alice")), ("ticket", None)])
        );
        assert_eq!(
            before.describe(),
            "confidence 10, udf owner=\"alice\", udf ticket (none)"
        );
    }

    #[test]
    fn a_removed_field_is_shown_when_absent_and_unchanged_when_already_absent() {
        let after = TriageFields {
            user_fields: udf(&[("stale", None)]),
            ..Default::default()
        };
        let without = TriageFields::default();
        assert!(after.shown_by(&without));
        assert!(!after.changes(&without));
        let with = TriageFields {
            user_fields: udf(&[("stale", Some("1"))]),
            ..Default::default()
        };
        assert!(!after.shown_by(&with));
        assert!(after.changes(&with));
    }
}
