//! Security Hub BatchUpdateFindings as a change: each finding's triage fields before and
//! after. The preview lists each finding (or groups them by before -> after when there are
//! many); the undo puts back the fields that were changed.

use serde::{Deserialize, Serialize};

use super::preview::{LineKind, PreviewLine, grouped, set_title};
use super::{Change, JournalValues, Moved, Observed, PlannedChange, Refresh, Reread, Rereads};
use crate::domain::finding::FindingRef;
use crate::domain::triage::TriageFields;

/// Above this many edits the preview groups them by (before -> after).
pub const GROUP_PREVIEW_ABOVE: usize = 10;

/// The note an undo writes where the finding had none: BatchUpdateFindings cannot delete
/// a note (`Note.Text` is required, 1-512 characters), and leaving the undone change's
/// note (a suppression reason on a finding back to NEW) would say something false.
pub const NO_NOTE_BEFORE: &str =
    "secdeck: undone; this finding had no note before (Security Hub cannot delete a note)";

/// One finding's change: what it is now and what it will be.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingEdit {
    pub finding: FindingRef,
    pub title: String,
    /// What tells findings of one control apart in the preview: the resource's short
    /// name and account (`user/alice in 123456789012`); empty when not known.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub resource: String,
    pub before: TriageFields,
    pub after: TriageFields,
}

impl FindingEdit {
    /// The resource when known (findings of one control differ there), else the Id.
    fn shown_target(&self) -> &str {
        if self.resource.is_empty() {
            &self.finding.id
        } else {
            &self.resource
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingsUpdate {
    pub edits: Vec<FindingEdit>,
}

impl PlannedChange for FindingsUpdate {
    fn operation(&self) -> &'static str {
        "securityhub:BatchUpdateFindings"
    }

    fn title(&self) -> String {
        // Values may differ per finding (an undo, a block note naming each one's IPs):
        // the title names the fields then, and the preview lists each finding's values.
        set_title(
            self.edits.iter().map(|e| e.after.describe_after()),
            self.edits.iter().flat_map(|e| e.after.field_names()),
            self.edits.len(),
            "finding(s)",
        )
    }

    fn item_count(&self) -> usize {
        self.edits.len()
    }

    fn targets(&self) -> Vec<String> {
        self.edits.iter().map(|e| e.finding.id.clone()).collect()
    }

    fn preview(&self) -> Vec<PreviewLine> {
        let mut lines = if self.edits.len() > GROUP_PREVIEW_ABOVE {
            let mut lines = vec![PreviewLine::header(self.title())];
            lines.extend(grouped(
                &self.edits,
                |e| (&e.before, &e.after),
                diff_lines,
                |e| format!("{}  {}", e.shown_target(), e.title),
            ));
            lines
        } else {
            let mut lines = vec![PreviewLine::header(self.title())];
            for e in &self.edits {
                // The resource first: at 80 columns a control's long title would hide it.
                lines.push(PreviewLine::context(format!(
                    "{}  {}",
                    e.shown_target(),
                    e.title
                )));
                lines.extend(diff_lines(&e.before, &e.after));
            }
            lines
        };
        lines.extend(unrestorable_notes(&self.edits));
        lines
    }

    fn undo(&self, succeeded: &[String]) -> Option<Change> {
        let edits: Vec<FindingEdit> = self
            .edits
            .iter()
            .filter(|e| succeeded.contains(&e.finding.id))
            .filter_map(|e| {
                // Only fields we changed and knew the old value of can be restored.
                let mut after = e.before.restore(&e.after);
                if e.after.note.is_some() && e.before.note.is_none() {
                    // The plan read the finding without a note: say so in its place.
                    after.note = Some(NO_NOTE_BEFORE.to_string());
                }
                (!after.is_empty()).then(|| FindingEdit {
                    finding: e.finding.clone(),
                    title: e.title.clone(),
                    resource: e.resource.clone(),
                    before: e.after.clone(),
                    after,
                })
            })
            .collect();
        (!edits.is_empty()).then(|| Change::FindingsUpdate(FindingsUpdate { edits }))
    }

    fn journal_values(&self) -> JournalValues {
        let mut values = JournalValues::default();
        for e in &self.edits {
            let id = e.finding.id.clone();
            let before = serde_json::to_value(&e.before).unwrap_or_default();
            let after = serde_json::to_value(&e.after).unwrap_or_default();
            values.before.insert(id.clone(), before);
            values.after.insert(id, after);
        }
        values
    }

    /// A finding moved when a field the edit sets holds another value now than its
    /// "before" recorded; the re-plan takes each finding's values now as its "before" and
    /// drops findings that already show the change.
    fn refresh(&self, now: &Rereads) -> Option<Refresh> {
        let mut refresh = Refresh::default();
        let mut edits = Vec::new();
        for e in &self.edits {
            let fields = match now.get(&e.finding.id) {
                Some(Reread::Found(Observed::Finding { fields, .. })) => fields,
                // Gone (the write reports FindingNotFound for it), or not re-read (the
                // executor refuses to write before asking): nothing to compare.
                _ => {
                    edits.push(e.clone());
                    continue;
                }
            };
            // Only the fields this edit sets: what else the plan recorded is context.
            let current = e.after.before_from(fields);
            if current != e.after.before_from(&e.before) {
                let what = Moved::what(e.before.field_changes(&current));
                refresh.moved.push(Moved::new(&e.finding.id, what));
            }
            if e.after.changes(fields) {
                edits.push(FindingEdit {
                    before: current,
                    ..e.clone()
                });
            }
        }
        refresh.replanned =
            (!edits.is_empty()).then(|| Change::FindingsUpdate(FindingsUpdate { edits }));
        Some(refresh)
    }

    fn holds_after(&self, target: &str, now: &Observed) -> Option<bool> {
        let edit = self.edits.iter().find(|e| e.finding.id == target)?;
        match now {
            Observed::Finding { fields, .. } => Some(edit.after.shown_by(fields)),
            Observed::Absent => Some(false),
            _ => None,
        }
    }
}

/// What an undo cannot put back, said in its preview: a note where there was none.
fn unrestorable_notes(edits: &[FindingEdit]) -> Vec<PreviewLine> {
    let n = edits
        .iter()
        .filter(|e| e.after.note.as_deref() == Some(NO_NOTE_BEFORE))
        .count();
    if n == 0 {
        return Vec::new();
    }
    vec![PreviewLine::new(
        LineKind::Warning,
        format!(
            "cannot be restored: {n} finding(s) had no note before, and Security Hub cannot delete a note (BatchUpdateFindings needs Note.Text); the note becomes {NO_NOTE_BEFORE:?}"
        ),
    )]
}

/// `- before` / `+ after` for a one-field change; one `field: before -> after` line per
/// field when the change sets several (verification, confidence, user fields, ...).
fn diff_lines(before: &TriageFields, after: &TriageFields) -> Vec<PreviewLine> {
    let changes = before.field_changes(after);
    if changes.len() <= 1 {
        return vec![
            PreviewLine::new(LineKind::Removed, format!("- {}", before.describe())),
            PreviewLine::new(LineKind::Added, format!("+ {}", after.describe_after())),
        ];
    }
    changes
        .into_iter()
        .map(|(name, old, new)| {
            PreviewLine::new(LineKind::Added, format!("  {name}: {old} -> {new}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::finding::WorkflowStatus;
    use crate::domain::plan::ChangePlan;

    fn edit(id: &str, before: WorkflowStatus, after: WorkflowStatus) -> FindingEdit {
        FindingEdit {
            finding: FindingRef {
                id: id.into(),
                product_arn: "arn:p".into(),
            },
            title: format!("finding {id}"),
            resource: String::new(),
            before: TriageFields {
                workflow: Some(before),
                ..Default::default()
            },
            after: TriageFields {
                workflow: Some(after),
                ..Default::default()
            },
        }
    }

    #[test]
    fn undo_restores_each_findings_previous_status_for_the_succeeded_ones() {
        let plan = ChangePlan::new(
            "p1",
            Change::FindingsUpdate(FindingsUpdate {
                edits: vec![
                    edit("a", WorkflowStatus::New, WorkflowStatus::Resolved),
                    edit("b", WorkflowStatus::Notified, WorkflowStatus::Resolved),
                    edit("c", WorkflowStatus::New, WorkflowStatus::Resolved),
                ],
            }),
        );
        let undo = plan.undo(&["a".into(), "b".into()], "p2").unwrap();
        let Change::FindingsUpdate(u) = &undo.change else {
            panic!("not a findings update")
        };
        assert_eq!(u.edits.len(), 2);
        assert_eq!(u.edits[0].after.workflow, Some(WorkflowStatus::New));
        assert_eq!(u.edits[1].after.workflow, Some(WorkflowStatus::Notified));
        assert_eq!(undo.title(), "Set workflow (per finding) on 2 finding(s)");
    }

    #[test]
    fn bulk_needs_the_count_typed() {
        let edits = (0..11)
            .map(|i| {
                edit(
                    &i.to_string(),
                    WorkflowStatus::New,
                    WorkflowStatus::Notified,
                )
            })
            .collect();
        let plan = ChangePlan::new("p", Change::FindingsUpdate(FindingsUpdate { edits }));
        assert!(plan.needs_typed_count());
        assert_eq!(plan.title(), "Set workflow NOTIFIED on 11 finding(s)");
        let text: Vec<String> = plan.preview().into_iter().map(|l| l.text).collect();
        assert_eq!(
            text[1..4],
            ["11 finding(s):", "- workflow NEW", "+ workflow NOTIFIED"]
        );
        assert_eq!(text.last().map(String::as_str), Some("    … and 8 more"));
    }
}
