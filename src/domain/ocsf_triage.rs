//! The fields BatchUpdateFindingsV2 sets on an OCSF finding (`status_id`, `severity_id`,
//! `comment`): how a plan holds them (`before` / `after`), how they read out of an OCSF
//! document, their OCSF captions, and which of them an undo can put back (a comment
//! cannot be removed: the API has no way to delete one).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::finding::{Severity, WorkflowStatus};

/// OCSF `status_id` values with their captions, in the order the picker offers them.
pub const STATUSES: [(i32, &str); 7] = [
    (1, "New"),
    (2, "In Progress"),
    (3, "Suppressed"),
    (4, "Resolved"),
    (5, "Archived"),
    (0, "Unknown"),
    (99, "Other"),
];

/// OCSF `severity_id` values with their captions, in the order the picker offers them.
pub const SEVERITIES: [(i32, &str); 8] = [
    (1, "Informational"),
    (2, "Low"),
    (3, "Medium"),
    (4, "High"),
    (5, "Critical"),
    (6, "Fatal"),
    (0, "Unknown"),
    (99, "Other"),
];

fn caption(table: &[(i32, &'static str)], id: i32) -> String {
    table
        .iter()
        .find(|(i, _)| *i == id)
        .map_or_else(|| format!("id {id}"), |(_, c)| (*c).to_string())
}

pub fn status_caption(id: i32) -> String {
    caption(&STATUSES, id)
}

pub fn severity_caption(id: i32) -> String {
    caption(&SEVERITIES, id)
}

/// The OCSF status of an ASFF workflow status (NOTIFIED is In Progress).
pub fn status_of_workflow(w: WorkflowStatus) -> i32 {
    match w {
        WorkflowStatus::New => 1,
        WorkflowStatus::Notified => 2,
        WorkflowStatus::Suppressed => 3,
        WorkflowStatus::Resolved => 4,
    }
}

/// The table's workflow for an OCSF status (`None`: no ASFF equivalent).
pub fn workflow_of_status(id: i32) -> Option<WorkflowStatus> {
    Some(match id {
        1 => WorkflowStatus::New,
        2 => WorkflowStatus::Notified,
        3 => WorkflowStatus::Suppressed,
        4 => WorkflowStatus::Resolved,
        _ => return None,
    })
}

/// The OCSF severity of an ASFF severity label.
pub fn severity_of_label(s: Severity) -> i32 {
    match s {
        Severity::Informational => 1,
        Severity::Low => 2,
        Severity::Medium => 3,
        Severity::High => 4,
        Severity::Critical => 5,
    }
}

/// The table's severity for an OCSF severity (Fatal shows as CRITICAL).
pub fn label_of_severity(id: i32) -> Option<Severity> {
    Some(match id {
        1 => Severity::Informational,
        2 => Severity::Low,
        3 => Severity::Medium,
        4 => Severity::High,
        5 | 6 => Severity::Critical,
        _ => return None,
    })
}

/// What BatchUpdateFindingsV2 sets. `None`: not part of this change (in `after`), or
/// absent / unknown (in `before`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OcsfTriage {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_id: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity_id: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl OcsfTriage {
    /// The values an OCSF document holds now.
    pub fn of_ocsf(doc: &Value) -> OcsfTriage {
        let id = |key: &str| {
            doc.get(key)
                .and_then(Value::as_i64)
                .and_then(|n| i32::try_from(n).ok())
        };
        OcsfTriage {
            status_id: id("status_id"),
            severity_id: id("severity_id"),
            comment: doc
                .get("comment")
                .and_then(Value::as_str)
                .map(str::to_string),
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == OcsfTriage::default()
    }

    /// The part of `current` that `self` (an `after`) sets: the `before` of an edit.
    pub fn before_from(&self, current: &OcsfTriage) -> OcsfTriage {
        OcsfTriage {
            status_id: self.status_id.and(current.status_id),
            severity_id: self.severity_id.and(current.severity_id),
            comment: self.comment.as_ref().and(current.comment.clone()),
        }
    }

    /// Whether applying `self` (an `after`) to `current` would change anything.
    pub fn changes(&self, current: &OcsfTriage) -> bool {
        self.status_id.is_some_and(|s| current.status_id != Some(s))
            || self
                .severity_id
                .is_some_and(|s| current.severity_id != Some(s))
            || self
                .comment
                .as_ref()
                .is_some_and(|c| current.comment.as_ref() != Some(c))
    }

    /// What puts back what `after` changed, given the values before (`self`): status and
    /// severity when known; never the comment (BatchUpdateFindingsV2 cannot remove one).
    pub fn restore(&self, after: &OcsfTriage) -> OcsfTriage {
        OcsfTriage {
            status_id: after.status_id.and(self.status_id),
            severity_id: after.severity_id.and(self.severity_id),
            comment: None,
        }
    }

    /// Each field `after` sets, as (name, value in `self`, value in `after`).
    pub fn field_changes(&self, after: &OcsfTriage) -> Vec<(&'static str, String, String)> {
        let none = || "(none)".to_string();
        let mut out = Vec::new();
        if let Some(s) = after.status_id {
            let old = self.status_id.map_or_else(none, status_caption);
            out.push(("status", old, status_caption(s)));
        }
        if let Some(s) = after.severity_id {
            let old = self.severity_id.map_or_else(none, severity_caption);
            out.push(("severity", old, severity_caption(s)));
        }
        if let Some(c) = &after.comment {
            let old = self
                .comment
                .as_ref()
                .map_or_else(none, |c| format!("{c:?}"));
            out.push(("comment", old, format!("{c:?}")));
        }
        out
    }

    /// `status Suppressed, comment "why"`; `(none)` for a field that is absent.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(s) = self.status_id {
            parts.push(format!("status {}", status_caption(s)));
        }
        if let Some(s) = self.severity_id {
            parts.push(format!("severity {}", severity_caption(s)));
        }
        if let Some(c) = &self.comment {
            parts.push(format!("comment {c:?}"));
        }
        if parts.is_empty() {
            "(none)".to_string()
        } else {
            parts.join(", ")
        }
    }

    /// The names of the fields set, for a title whose values differ per finding.
    pub fn field_names(&self) -> Vec<&'static str> {
        [
            self.status_id.map(|_| "status"),
            self.severity_id.map(|_| "severity"),
            self.comment.as_ref().map(|_| "comment"),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// The OCSF values of an ASFF-shaped edit (workflow, severity label, note): what the
    /// note editor and the pickers produce on OCSF rows. `None` when it sets anything
    /// else (verification, confidence, ...: BatchUpdateFindingsV2 has no such field).
    pub fn of_triage(t: &super::triage::TriageFields) -> Option<OcsfTriage> {
        let rest = super::triage::TriageFields {
            workflow: None,
            severity: None,
            note: None,
            ..t.clone()
        };
        rest.is_empty().then(|| OcsfTriage {
            status_id: t.workflow.map(status_of_workflow),
            severity_id: t.severity.map(severity_of_label),
            comment: t.note.clone(),
        })
    }

    /// Puts these values into an OCSF document (the row's copy, after AWS confirmed them).
    pub fn apply_to(&self, doc: &mut Value) {
        let Some(obj) = doc.as_object_mut() else {
            return;
        };
        if let Some(s) = self.status_id {
            obj.insert("status_id".into(), s.into());
            obj.insert("status".into(), status_caption(s).into());
        }
        if let Some(s) = self.severity_id {
            obj.insert("severity_id".into(), s.into());
            obj.insert("severity".into(), severity_caption(s).into());
        }
        if let Some(c) = &self.comment {
            obj.insert("comment".into(), c.as_str().into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_read_from_a_document_and_an_undo_never_restores_the_comment() {
        let doc = json!({"status_id": 1, "severity_id": 4, "comment": "seen"});
        let now = OcsfTriage::of_ocsf(&doc);
        assert_eq!(
            now.describe(),
            "status New, severity High, comment \"seen\""
        );
        let after = OcsfTriage {
            status_id: Some(3),
            comment: Some("fp".into()),
            ..Default::default()
        };
        let before = after.before_from(&now);
        assert_eq!(before.severity_id, None, "only the fields the edit sets");
        assert!(after.changes(&now));
        let undo = before.restore(&after);
        assert_eq!(undo.status_id, Some(1));
        assert_eq!(undo.comment, None);
        let mut doc = doc;
        after.apply_to(&mut doc);
        assert!(!after.changes(&OcsfTriage::of_ocsf(&doc)));
        assert_eq!(doc["status"], "Suppressed");
    }

    #[test]
    fn asff_edits_map_to_ocsf_ids_and_other_fields_have_none() {
        let t = crate::domain::triage::TriageFields {
            workflow: Some(WorkflowStatus::Notified),
            severity: Some(Severity::Critical),
            note: Some("n".into()),
            ..Default::default()
        };
        let o = OcsfTriage::of_triage(&t).unwrap();
        assert_eq!((o.status_id, o.severity_id), (Some(2), Some(5)));
        let t = crate::domain::triage::TriageFields {
            confidence: Some(80),
            ..Default::default()
        };
        assert_eq!(OcsfTriage::of_triage(&t), None);
        assert_eq!(workflow_of_status(2), Some(WorkflowStatus::Notified));
        assert_eq!(workflow_of_status(5), None);
    }
}
