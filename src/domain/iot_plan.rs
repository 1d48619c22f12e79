//! The IoT changes the pipeline carries (one `Change::Iot` variant): importing an audit
//! into Security Hub, suppressions, on-demand audits and mitigation tasks. Each knows
//! its operation, title, targets, preview and undo.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::iot::AuditSuppression;
use super::iot_asff::ImportPlan;
use super::plan::{
    Change, JournalValues, LineKind, Moved, Observed, PlannedChange, PreviewLine, Refresh, Reread,
    Rereads,
};

/// Ids listed per category in a preview; the rest are counted.
const PREVIEW_IDS: usize = 10;

// Boxed inside `Change`, and built and moved once per change: variant sizes do not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "iot", rename_all = "snake_case")]
pub enum IotChange {
    /// BatchImportFindings of an audit's findings (new, updated, archived).
    Import(IotImport),
    CreateSuppression {
        suppression: AuditSuppression,
    },
    UpdateSuppression {
        before: AuditSuppression,
        after: AuditSuppression,
    },
    DeleteSuppression {
        suppression: AuditSuppression,
    },
    StartAudit {
        checks: Vec<String>,
    },
    StartMitigation {
        /// A fresh id: IoT refuses a reused mitigation task id.
        task_id: String,
        finding_ids: Vec<String>,
        /// Check name -> mitigation action names.
        actions: BTreeMap<String, Vec<String>>,
    },
}

/// An audit import. The ASFF documents are not journaled (they can be rebuilt from the
/// audit); the ids are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IotImport {
    pub task_id: String,
    pub new_ids: Vec<String>,
    pub updated_ids: Vec<String>,
    pub archived_ids: Vec<String>,
    pub skipped_suppressed: usize,
    /// Already in Security Hub with the same content: not sent.
    #[serde(default)]
    pub unchanged: usize,
    /// new, then updated, then archived documents, in that order.
    #[serde(skip)]
    pub documents: Vec<Value>,
}

/// The part of an imported finding's Id all of them share (`arn:...:audit/finding/`).
fn id_prefix(id: &str) -> Option<&str> {
    const MARK: &str = "audit/finding/";
    id.find(MARK).map(|at| &id[..at + MARK.len()])
}

/// An imported finding's Id from its check on: the shared ARN prefix would fill the line,
/// and a cut line would make every id look the same.
fn short_id(id: &str) -> &str {
    id_prefix(id).map_or(id, |p| &id[p.len()..])
}

fn id_of(doc: &Value) -> String {
    doc.get("Id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

impl IotImport {
    pub fn from_plan(plan: ImportPlan) -> Self {
        IotImport {
            task_id: plan.task_id.clone(),
            new_ids: plan.new.iter().map(id_of).collect(),
            updated_ids: plan.updated.iter().map(id_of).collect(),
            archived_ids: plan.archive.iter().map(id_of).collect(),
            skipped_suppressed: plan.skipped_suppressed,
            unchanged: plan.unchanged,
            documents: plan.documents().cloned().collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.new_ids.len() + self.updated_ids.len() + self.archived_ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The same import limited to the findings that failed, to try them again.
    pub fn retry_of(&self, failed: &[String]) -> Option<IotImport> {
        let keep = |ids: &[String]| -> Vec<String> {
            ids.iter().filter(|i| failed.contains(i)).cloned().collect()
        };
        let retry = IotImport {
            task_id: self.task_id.clone(),
            new_ids: keep(&self.new_ids),
            updated_ids: keep(&self.updated_ids),
            archived_ids: keep(&self.archived_ids),
            skipped_suppressed: 0,
            unchanged: 0,
            documents: self
                .documents
                .iter()
                .filter(|d| failed.contains(&id_of(d)))
                .cloned()
                .collect(),
        };
        (!retry.is_empty()).then_some(retry)
    }

    /// The RecordState each document sets, by Id (what verification re-reads).
    pub fn expected_states(&self) -> BTreeMap<String, String> {
        self.documents
            .iter()
            .map(|d| {
                let state = d
                    .get("RecordState")
                    .and_then(Value::as_str)
                    .unwrap_or("ACTIVE");
                (id_of(d), state.to_string())
            })
            .collect()
    }
}

fn describe_suppression(s: &AuditSuppression) -> String {
    let until = if s.suppress_indefinitely {
        "indefinitely".to_string()
    } else {
        match s.expiration_date {
            Some(e) => format!("until {}", format_date(e)),
            None => "(no expiry)".to_string(),
        }
    };
    format!(
        "{} on {} {until}: {}",
        s.check_name,
        s.resource_identifier.display(),
        s.description.as_deref().unwrap_or("")
    )
}

/// Epoch seconds as `YYYY-MM-DD`.
pub fn format_date(secs: f64) -> String {
    time::OffsetDateTime::from_unix_timestamp(secs as i64)
        .map(|t| format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day()))
        .unwrap_or_else(|_| format!("{secs}"))
}

fn line(kind: LineKind, text: impl Into<String>) -> PreviewLine {
    PreviewLine {
        kind,
        text: text.into(),
    }
}

impl PlannedChange for IotChange {
    fn operation(&self) -> &'static str {
        match self {
            IotChange::Import(_) => "securityhub:BatchImportFindings",
            IotChange::CreateSuppression { .. } => "iot:CreateAuditSuppression",
            IotChange::UpdateSuppression { .. } => "iot:UpdateAuditSuppression",
            IotChange::DeleteSuppression { .. } => "iot:DeleteAuditSuppression",
            IotChange::StartAudit { .. } => "iot:StartOnDemandAuditTask",
            IotChange::StartMitigation { .. } => "iot:StartAuditMitigationActionsTask",
        }
    }

    fn title(&self) -> String {
        match self {
            IotChange::Import(i) => format!(
                "Import audit {} into Security Hub: {} new, {} updated, {} to archive",
                i.task_id,
                i.new_ids.len(),
                i.updated_ids.len(),
                i.archived_ids.len()
            ),
            IotChange::CreateSuppression { suppression } => {
                format!("Suppress {}", describe_suppression(suppression))
            }
            IotChange::UpdateSuppression { after, .. } => {
                format!("Change suppression to {}", describe_suppression(after))
            }
            IotChange::DeleteSuppression { suppression } => format!(
                "Delete the suppression of {} on {}",
                suppression.check_name,
                suppression.resource_identifier.display()
            ),
            IotChange::StartAudit { checks } => {
                format!("Start an on-demand audit of {} check(s)", checks.len())
            }
            IotChange::StartMitigation {
                task_id,
                finding_ids,
                ..
            } => format!("Mitigate {} finding(s) (task {task_id})", finding_ids.len()),
        }
    }

    fn item_count(&self) -> usize {
        match self {
            IotChange::Import(i) => i.len(),
            IotChange::StartAudit { .. } => 1,
            IotChange::StartMitigation { finding_ids, .. } => finding_ids.len(),
            _ => 1,
        }
    }

    fn targets(&self) -> Vec<String> {
        match self {
            IotChange::Import(i) => i
                .new_ids
                .iter()
                .chain(&i.updated_ids)
                .chain(&i.archived_ids)
                .cloned()
                .collect(),
            IotChange::CreateSuppression { suppression }
            | IotChange::DeleteSuppression { suppression }
            | IotChange::UpdateSuppression {
                after: suppression, ..
            } => vec![format!(
                "{}/{}",
                suppression.check_name,
                suppression.resource_identifier.key()
            )],
            IotChange::StartAudit { checks } => checks.clone(),
            IotChange::StartMitigation { finding_ids, .. } => finding_ids.clone(),
        }
    }

    fn preview(&self) -> Vec<PreviewLine> {
        let mut lines = vec![line(LineKind::Header, self.title())];
        match self {
            IotChange::Import(i) => {
                for (label, kind, ids) in [
                    ("new", LineKind::Added, &i.new_ids),
                    ("updated", LineKind::Context, &i.updated_ids),
                    ("to archive", LineKind::Removed, &i.archived_ids),
                ] {
                    lines.push(line(LineKind::Context, format!("{} {label}", ids.len())));
                    for id in ids.iter().take(PREVIEW_IDS) {
                        let sign = match kind {
                            LineKind::Added => "+",
                            LineKind::Removed => "-",
                            _ => "~",
                        };
                        lines.push(line(kind, format!("{sign} {}", short_id(id))));
                    }
                    if ids.len() > PREVIEW_IDS {
                        lines.push(line(
                            LineKind::Context,
                            format!("  ... and {} more", ids.len() - PREVIEW_IDS),
                        ));
                    }
                }
                if i.unchanged > 0 {
                    lines.push(line(
                        LineKind::Context,
                        format!(
                            "{} finding(s) unchanged since the last import: not sent",
                            i.unchanged
                        ),
                    ));
                }
                if let Some(prefix) = i
                    .new_ids
                    .iter()
                    .chain(&i.updated_ids)
                    .chain(&i.archived_ids)
                    .find_map(|id| id_prefix(id))
                {
                    lines.push(line(
                        LineKind::Context,
                        format!("ids are {prefix}CHECK/RESOURCE (shown from CHECK on)"),
                    ));
                }
                if i.skipped_suppressed > 0 {
                    lines.push(line(
                        LineKind::Context,
                        format!(
                            "{} suppressed finding(s) not imported (nothing to archive)",
                            i.skipped_suppressed
                        ),
                    ));
                }
            }
            IotChange::CreateSuppression { suppression } => {
                lines.push(line(
                    LineKind::Added,
                    format!("+ {}", describe_suppression(suppression)),
                ));
            }
            IotChange::UpdateSuppression { before, after } => {
                lines.push(line(
                    LineKind::Removed,
                    format!("- {}", describe_suppression(before)),
                ));
                lines.push(line(
                    LineKind::Added,
                    format!("+ {}", describe_suppression(after)),
                ));
            }
            IotChange::DeleteSuppression { suppression } => {
                lines.push(line(
                    LineKind::Removed,
                    format!("- {}", describe_suppression(suppression)),
                ));
            }
            IotChange::StartAudit { checks } => {
                for c in checks {
                    lines.push(line(LineKind::Added, format!("+ {c}")));
                }
            }
            IotChange::StartMitigation {
                finding_ids,
                actions,
                ..
            } => {
                for (check, names) in actions {
                    lines.push(line(
                        LineKind::Context,
                        format!("{check}: {}", names.join(", ")),
                    ));
                }
                for id in finding_ids {
                    lines.push(line(LineKind::Added, format!("+ finding {id}")));
                }
            }
        }
        lines
    }

    /// Suppressions can be put back; imports, audits and mitigations cannot be undone.
    fn undo(&self, succeeded: &[String]) -> Option<Change> {
        if succeeded.is_empty() {
            return None;
        }
        let change = match self {
            IotChange::CreateSuppression { suppression } => IotChange::DeleteSuppression {
                suppression: suppression.clone(),
            },
            IotChange::DeleteSuppression { suppression } => IotChange::CreateSuppression {
                suppression: suppression.clone(),
            },
            IotChange::UpdateSuppression { before, after } => IotChange::UpdateSuppression {
                before: after.clone(),
                after: before.clone(),
            },
            _ => return None,
        };
        Some(Change::Iot(Box::new(change)))
    }

    /// IoT changes journal their whole plan (the entry's `change`); per-target values
    /// would only repeat it.
    fn journal_values(&self) -> JournalValues {
        JournalValues::default()
    }

    /// Suppressions are checked against the one AWS holds now (a create against none);
    /// a mitigation task against executions already started under its id.
    fn refresh(&self, now: &Rereads) -> Option<Refresh> {
        let target = self.targets().into_iter().next()?;
        let found = match now.get(&target) {
            Some(Reread::Found(o)) => o,
            _ => return None,
        };
        let existing = match found {
            Observed::Suppression { suppression } => Some(suppression),
            _ => None,
        };
        let mut refresh = Refresh::default();
        let moved = |what: String| vec![Moved::new(&target, what)];
        let (moved, replanned) = match (self, existing) {
            (IotChange::CreateSuppression { .. }, None) => (vec![], Some(self.clone())),
            (IotChange::CreateSuppression { suppression }, Some(now)) => (
                moved(format!("now suppressed: {}", describe_suppression(now))),
                (!suppression_shows(now, suppression)).then(|| IotChange::UpdateSuppression {
                    before: now.clone(),
                    after: suppression.clone(),
                }),
            ),
            (IotChange::UpdateSuppression { before, after }, now) => match now {
                Some(now) if *now == *before || suppression_shows(now, before) => {
                    (vec![], Some(self.clone()))
                }
                Some(now) => (
                    moved(format!(
                        "{} -> {}",
                        describe_suppression(before),
                        describe_suppression(now)
                    )),
                    (!suppression_shows(now, after)).then(|| IotChange::UpdateSuppression {
                        before: now.clone(),
                        after: after.clone(),
                    }),
                ),
                None => (
                    moved("the suppression was deleted".into()),
                    Some(IotChange::CreateSuppression {
                        suppression: after.clone(),
                    }),
                ),
            },
            (IotChange::DeleteSuppression { suppression }, Some(now)) => {
                if suppression_shows(now, suppression) {
                    (vec![], Some(self.clone()))
                } else {
                    (
                        moved(format!(
                            "{} -> {}",
                            describe_suppression(suppression),
                            describe_suppression(now)
                        )),
                        // Delete the one there now, so an undo puts exactly it back.
                        Some(IotChange::DeleteSuppression {
                            suppression: now.clone(),
                        }),
                    )
                }
            }
            (IotChange::DeleteSuppression { .. }, None) => {
                (moved("the suppression was deleted already".into()), None)
            }
            (IotChange::StartMitigation { task_id, .. }, _) => match found {
                Observed::Task { status } => (
                    moved(format!(
                        "mitigation task {task_id} already started ({status})"
                    )),
                    None,
                ),
                _ => (vec![], Some(self.clone())),
            },
            _ => return None,
        };
        refresh.moved = moved;
        refresh.replanned = replanned.map(|c| Change::Iot(Box::new(c)));
        Some(refresh)
    }

    fn holds_after(&self, target: &str, now: &Observed) -> Option<bool> {
        if !self.targets().iter().any(|t| t == target) {
            return None;
        }
        match (self, now) {
            (
                IotChange::Import(i),
                Observed::Imported {
                    record_state,
                    updated_at,
                },
            ) => {
                // The documents are not journaled: a change read back from the journal
                // cannot tell.
                let doc = i.documents.iter().find(|d| id_of(d) == target)?;
                let state = doc
                    .get("RecordState")
                    .and_then(Value::as_str)
                    .unwrap_or("ACTIVE");
                let at = doc.get("UpdatedAt").and_then(Value::as_str)?;
                Some(record_state == state && updated_at == at)
            }
            (IotChange::Import(_), Observed::Absent) => Some(false),
            (
                IotChange::CreateSuppression { suppression: want }
                | IotChange::UpdateSuppression { after: want, .. },
                _,
            ) => match now {
                Observed::Suppression { suppression } => Some(suppression_shows(suppression, want)),
                Observed::Absent => Some(false),
                _ => None,
            },
            (IotChange::DeleteSuppression { .. }, Observed::Absent) => Some(true),
            (IotChange::DeleteSuppression { .. }, Observed::Suppression { .. }) => Some(false),
            (IotChange::StartMitigation { .. }, Observed::Task { .. }) => Some(true),
            (IotChange::StartMitigation { .. }, Observed::Absent) => Some(false),
            _ => None,
        }
    }
}

/// Whether a suppression AWS holds shows what `want` sets (a description `want` leaves
/// unset matches any).
pub fn suppression_shows(found: &AuditSuppression, want: &AuditSuppression) -> bool {
    found.check_name == want.check_name
        && found.resource_identifier == want.resource_identifier
        && found.suppress_indefinitely == want.suppress_indefinitely
        && (want.suppress_indefinitely
            || found.expiration_date.map(|d| d as i64) == want.expiration_date.map(|d| d as i64))
        && (want.description.is_none() || found.description == want.description)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::iot::ResourceIdentifier;
    use crate::domain::plan::Change;
    use serde_json::json;

    fn suppression() -> AuditSuppression {
        AuditSuppression {
            check_name: "IOT_POLICY_OVERLY_PERMISSIVE_CHECK".into(),
            resource_identifier: ResourceIdentifier {
                client_id: Some("c1".into()),
                ..Default::default()
            },
            expiration_date: Some(1_800_000_000.0),
            suppress_indefinitely: false,
            description: Some("lab".into()),
        }
    }

    #[test]
    fn suppressions_undo_into_their_inverse_and_imports_do_not() {
        let create = IotChange::CreateSuppression {
            suppression: suppression(),
        };
        let undo = create.undo(&["x".into()]).unwrap();
        let Change::Iot(undo) = &undo else {
            panic!("not an IoT change")
        };
        assert!(matches!(**undo, IotChange::DeleteSuppression { .. }));
        assert!(
            create.title().contains("until 2027-01-15: lab"),
            "{}",
            create.title()
        );
        let import = IotChange::Import(IotImport::from_plan(ImportPlan::default()));
        assert!(import.undo(&["x".into()]).is_none());
    }

    #[test]
    fn an_import_retries_only_its_failed_findings_and_journals_without_documents() {
        let plan = ImportPlan {
            task_id: "t".into(),
            new: vec![
                json!({"Id": "a", "RecordState": "ACTIVE"}),
                json!({"Id": "b"}),
            ],
            archive: vec![json!({"Id": "c", "RecordState": "ARCHIVED"})],
            ..Default::default()
        };
        let import = IotImport::from_plan(plan);
        assert_eq!(import.expected_states()["c"], "ARCHIVED");
        let retry = import.retry_of(&["b".into(), "c".into()]).unwrap();
        assert_eq!(retry.new_ids, vec!["b"]);
        assert_eq!(retry.archived_ids, vec!["c"]);
        assert_eq!(retry.documents.len(), 2);
        assert!(import.retry_of(&[]).is_none());
        let text =
            serde_json::to_string(&Change::Iot(Box::new(IotChange::Import(import)))).unwrap();
        assert!(
            !text.contains("RecordState"),
            "documents are not journaled: {text}"
        );
        let preview = IotChange::Import(retry).preview();
        assert_eq!(preview[1].text, "1 new");
        assert_eq!(preview[2].text, "+ b");
    }
}
