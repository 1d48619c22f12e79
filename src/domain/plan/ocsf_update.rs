//! Security Hub BatchUpdateFindingsV2 as a change: each OCSF finding's status, severity
//! and comment before and after, the finding named by its `metadata.uid`. The preview
//! lists each finding (grouped by before -> after when there are many); the undo puts
//! back status and severity. A comment cannot be removed (the API has no way to), which
//! the preview and the undo's preview say.

use serde::{Deserialize, Serialize};

use super::preview::{LineKind, PreviewLine, grouped, set_title};
use super::{Change, JournalValues, Moved, Observed, PlannedChange, Refresh, Reread, Rereads};
use crate::domain::ocsf_triage::OcsfTriage;

/// Above this many edits the preview groups them by (before -> after).
const GROUP_PREVIEW_ABOVE: usize = super::GROUP_PREVIEW_ABOVE;

/// What the preview says when the change writes a comment.
pub const COMMENT_STAYS: &str = "undo restores status and severity; a comment cannot be removed";

/// One OCSF finding's change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OcsfEdit {
    /// `metadata.uid`: how BatchUpdateFindingsV2 addresses it (`MetadataUids`).
    pub uid: String,
    pub title: String,
    /// The resource's short name and account, when known.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub resource: String,
    pub before: OcsfTriage,
    pub after: OcsfTriage,
}

impl OcsfEdit {
    fn shown_target(&self) -> &str {
        if self.resource.is_empty() {
            &self.uid
        } else {
            &self.resource
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OcsfFindingsUpdate {
    pub edits: Vec<OcsfEdit>,
}

impl PlannedChange for OcsfFindingsUpdate {
    fn operation(&self) -> &'static str {
        "securityhub:BatchUpdateFindingsV2"
    }

    fn title(&self) -> String {
        set_title(
            self.edits.iter().map(|e| e.after.describe()),
            self.edits.iter().flat_map(|e| e.after.field_names()),
            self.edits.len(),
            "OCSF finding(s)",
        )
    }

    fn item_count(&self) -> usize {
        self.edits.len()
    }

    fn targets(&self) -> Vec<String> {
        self.edits.iter().map(|e| e.uid.clone()).collect()
    }

    fn preview(&self) -> Vec<PreviewLine> {
        let mut lines = vec![PreviewLine::header(self.title())];
        if self.edits.len() > GROUP_PREVIEW_ABOVE {
            lines.extend(grouped(
                &self.edits,
                |e| (&e.before, &e.after),
                diff_lines,
                |e| format!("{}  {}", e.shown_target(), e.title),
            ));
        } else {
            for e in &self.edits {
                lines.push(PreviewLine::context(format!(
                    "{}  {}",
                    e.shown_target(),
                    e.title
                )));
                lines.extend(diff_lines(&e.before, &e.after));
            }
        }
        if self.edits.iter().any(|e| e.after.comment.is_some()) {
            lines.push(PreviewLine::new(LineKind::Warning, COMMENT_STAYS));
        }
        // An undo of a change that wrote a comment: say it stays.
        let kept = self
            .edits
            .iter()
            .filter(|e| e.before.comment.is_some() && e.after.comment.is_none())
            .count();
        if kept > 0 {
            lines.push(PreviewLine::new(
                LineKind::Warning,
                format!("the comment on {kept} finding(s) stays: a comment cannot be removed"),
            ));
        }
        lines
    }

    fn undo(&self, succeeded: &[String]) -> Option<Change> {
        let edits: Vec<OcsfEdit> = self
            .edits
            .iter()
            .filter(|e| succeeded.contains(&e.uid))
            .filter_map(|e| {
                let after = e.before.restore(&e.after);
                (!after.is_empty()).then(|| OcsfEdit {
                    before: e.after.clone(),
                    after,
                    ..e.clone()
                })
            })
            .collect();
        (!edits.is_empty())
            .then(|| Change::OcsfFindingsUpdate(Box::new(OcsfFindingsUpdate { edits })))
    }

    fn journal_values(&self) -> JournalValues {
        let mut values = JournalValues::default();
        for e in &self.edits {
            let json = |t: &OcsfTriage| serde_json::to_value(t).unwrap_or_default();
            values.before.insert(e.uid.clone(), json(&e.before));
            values.after.insert(e.uid.clone(), json(&e.after));
        }
        values
    }

    /// A finding moved when a field the edit sets holds another value now than its
    /// "before"; the re-plan starts from the values now and drops findings that already
    /// show the change.
    fn refresh(&self, now: &Rereads) -> Option<Refresh> {
        let mut refresh = Refresh::default();
        let mut edits = Vec::new();
        for e in &self.edits {
            let Some(Reread::Found(Observed::OcsfFinding { triage })) = now.get(&e.uid) else {
                // Gone (the write reports it unprocessed) or not re-read (the executor
                // stops before writing): nothing to compare.
                edits.push(e.clone());
                continue;
            };
            let current = e.after.before_from(triage);
            if current != e.after.before_from(&e.before) {
                let what = Moved::what(e.before.field_changes(&current));
                refresh.moved.push(Moved::new(&e.uid, what));
            }
            if e.after.changes(triage) {
                edits.push(OcsfEdit {
                    before: current,
                    ..e.clone()
                });
            }
        }
        refresh.replanned = (!edits.is_empty())
            .then(|| Change::OcsfFindingsUpdate(Box::new(OcsfFindingsUpdate { edits })));
        Some(refresh)
    }

    fn holds_after(&self, target: &str, now: &Observed) -> Option<bool> {
        let edit = self.edits.iter().find(|e| e.uid == target)?;
        match now {
            Observed::OcsfFinding { triage } => Some(!edit.after.changes(triage)),
            Observed::Absent => Some(false),
            _ => None,
        }
    }
}

/// `- status New` / `+ status Suppressed` for one field; one `name: before -> after`
/// line per field when the change sets several.
fn diff_lines(before: &OcsfTriage, after: &OcsfTriage) -> Vec<PreviewLine> {
    let changes = before.field_changes(after);
    match changes.as_slice() {
        [(name, old, new)] => vec![
            PreviewLine::new(LineKind::Removed, format!("- {name} {old}")),
            PreviewLine::new(LineKind::Added, format!("+ {name} {new}")),
        ],
        _ => changes
            .into_iter()
            .map(|(name, old, new)| {
                PreviewLine::new(LineKind::Added, format!("  {name}: {old} -> {new}"))
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::plan::ChangePlan;

    fn edit(uid: &str, status: i32, comment: Option<&str>) -> OcsfEdit {
        OcsfEdit {
            uid: uid.into(),
            title: format!("finding {uid}"),
            resource: String::new(),
            before: OcsfTriage {
                status_id: Some(status),
                ..Default::default()
            },
            after: OcsfTriage {
                status_id: Some(3),
                comment: comment.map(str::to_string),
                ..Default::default()
            },
        }
    }

    fn plan(edits: Vec<OcsfEdit>) -> ChangePlan {
        ChangePlan::new(
            "p",
            Change::OcsfFindingsUpdate(Box::new(OcsfFindingsUpdate { edits })),
        )
    }

    #[test]
    fn the_preview_diffs_each_finding_and_says_a_comment_cannot_be_undone() {
        let p = plan(vec![
            edit("u-1", 1, None),
            edit("u-2", 2, Some("false positive")),
        ]);
        let text: Vec<String> = p.preview().into_iter().map(|l| l.text).collect();
        assert_eq!(
            text[..4],
            [
                "Set status, comment (per finding) on 2 OCSF finding(s)",
                "u-1  finding u-1",
                "- status New",
                "+ status Suppressed",
            ]
        );
        assert!(text.contains(&"  status: In Progress -> Suppressed".to_string()));
        assert!(text.contains(&"  comment: (none) -> \"false positive\"".to_string()));
        assert_eq!(text.last().unwrap(), COMMENT_STAYS);
        assert_eq!(p.operation(), "securityhub:BatchUpdateFindingsV2");
    }

    #[test]
    fn undo_restores_status_per_finding_and_keeps_the_comment() {
        let p = plan(vec![
            edit("u-1", 1, Some("fp")),
            edit("u-2", 2, Some("fp")),
            edit("u-3", 1, Some("fp")),
        ]);
        let undo = p.undo(&["u-1".into(), "u-2".into()], "p2").unwrap();
        let Change::OcsfFindingsUpdate(u) = &undo.change else {
            panic!("not an OCSF update")
        };
        let restored: Vec<_> = u.edits.iter().map(|e| e.after.status_id).collect();
        assert_eq!(restored, [Some(1), Some(2)]);
        assert!(u.edits.iter().all(|e| e.after.comment.is_none()));
        let text: Vec<String> = undo.preview().into_iter().map(|l| l.text).collect();
        assert!(
            text.last()
                .unwrap()
                .contains("the comment on 2 finding(s) stays"),
            "{text:?}"
        );
        // A comment-only change has nothing to undo.
        let mut only_comment = edit("u-4", 1, Some("seen"));
        only_comment.after.status_id = None;
        only_comment.before.status_id = None;
        assert!(
            plan(vec![only_comment])
                .undo(&["u-4".into()], "p3")
                .is_none()
        );
    }

    #[test]
    fn a_finding_that_moved_is_re_planned_from_its_state_now() {
        let p = plan(vec![edit("u-1", 1, None), edit("u-2", 1, None)]);
        let found = |status| {
            Reread::Found(Observed::OcsfFinding {
                triage: OcsfTriage {
                    status_id: Some(status),
                    severity_id: Some(4),
                    comment: None,
                },
            })
        };
        let fresh: Rereads = [("u-1".into(), found(1)), ("u-2".into(), found(1))].into();
        assert!(p.change.planned().refresh(&fresh).unwrap().is_fresh());
        let moved: Rereads = [("u-1".into(), found(4)), ("u-2".into(), found(1))].into();
        let r = p.change.planned().refresh(&moved).unwrap();
        assert_eq!(r.moved, [Moved::new("u-1", "status New -> Resolved")]);
        let Some(Change::OcsfFindingsUpdate(u)) = r.replanned else {
            panic!("re-planned")
        };
        assert_eq!(u.edits[0].before.status_id, Some(4));
        assert_eq!(u.edits.len(), 2);
        assert_eq!(
            p.change.planned().holds_after("u-1", &Observed::Absent),
            Some(false)
        );
    }

    #[test]
    fn many_findings_are_grouped_and_need_the_count_typed() {
        let p = plan((0..12).map(|i| edit(&format!("u-{i}"), 1, None)).collect());
        assert!(p.needs_typed_count());
        let text: Vec<String> = p.preview().into_iter().map(|l| l.text).collect();
        assert_eq!(
            text[..4],
            [
                "Set status Suppressed on 12 OCSF finding(s)",
                "12 finding(s):",
                "- status New",
                "+ status Suppressed"
            ]
        );
    }

    #[test]
    fn the_journal_names_the_kind_and_keeps_only_the_fields_set() {
        let p = plan(vec![edit("f-0003", 1, Some("accepted risk"))]);
        let json = serde_json::to_value(&p.change).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "ocsf_findings_update", "edits": [{
                "uid": "f-0003", "title": "finding f-0003",
                "before": {"status_id": 1},
                "after": {"status_id": 3, "comment": "accepted risk"}
            }]})
        );
        let back: Change = serde_json::from_value(json).unwrap();
        assert_eq!(back, p.change);
        let values = p.journal_values();
        assert_eq!(values.after["f-0003"]["comment"], "accepted risk");
    }
}
