//! Archiving Access Analyzer findings: an UpdateFindings status change (archive /
//! unarchive) and an archive rule (create / delete). Each payload serves a change and its
//! inverse, so the pipeline sees it through a view that knows which one it is.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::Criteria;
use crate::domain::plan::{
    Change, JournalValues, LineKind, Moved, Observed, PlannedChange, PreviewLine, Refresh, Reread,
    Rereads,
};

/// UpdateFindings on Access Analyzer findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingsStatusChange {
    pub analyzer_arn: String,
    pub ids: Vec<String>,
    /// A label per id (resource), for the preview.
    pub labels: Vec<String>,
    /// Why: required, journaled with the change.
    pub reason: String,
}

impl FindingsStatusChange {
    fn preview(&self, title: String, from: &str, to: &str) -> Vec<PreviewLine> {
        let mut lines = vec![
            PreviewLine {
                kind: LineKind::Header,
                text: title,
            },
            PreviewLine {
                kind: LineKind::Context,
                text: format!("reason: {}", self.reason),
            },
        ];
        for (i, id) in self.ids.iter().enumerate() {
            let label = self.labels.get(i).map(String::as_str).unwrap_or("");
            lines.push(PreviewLine {
                kind: LineKind::Context,
                text: format!("{label}  {id}"),
            });
            lines.push(PreviewLine {
                kind: LineKind::Removed,
                text: format!("- {from}"),
            });
            lines.push(PreviewLine {
                kind: LineKind::Added,
                text: format!("+ {to}"),
            });
        }
        lines
    }
}

/// An archive rule to create (optionally applied to existing findings) or delete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveRuleChange {
    pub analyzer_name: String,
    pub analyzer_arn: String,
    pub rule_name: String,
    pub criteria: Criteria,
    /// Create: ApplyArchiveRule afterwards (archives matching ACTIVE findings).
    pub apply: bool,
    /// How many current ACTIVE findings the criteria match (preview only).
    pub matching_now: usize,
}

impl ArchiveRuleChange {
    fn preview(&self, title: String, adding: bool) -> Vec<PreviewLine> {
        let (kind, sign) = if adding {
            (LineKind::Added, '+')
        } else {
            (LineKind::Removed, '-')
        };
        let mut lines = vec![PreviewLine {
            kind: LineKind::Header,
            text: title,
        }];
        lines.push(PreviewLine {
            kind,
            text: format!("{sign} rule {} on {}", self.rule_name, self.analyzer_name),
        });
        for (k, v) in &self.criteria {
            lines.push(PreviewLine {
                kind,
                text: format!("{sign}   {k} = {}", v.join(" | ")),
            });
        }
        if adding {
            lines.push(PreviewLine {
                kind: LineKind::Context,
                text: if self.apply {
                    format!(
                        "then ApplyArchiveRule: archives the {} ACTIVE finding(s) it matches now",
                        self.matching_now
                    )
                } else {
                    format!(
                        "applies to new findings only ({} current ACTIVE finding(s) match)",
                        self.matching_now
                    )
                },
            });
        }
        lines
    }
}

/// A status change as the change it makes: ACTIVE -> ARCHIVED, or back.
pub struct FindingsStatusView<'a> {
    change: &'a FindingsStatusChange,
    archive: bool,
}

impl<'a> FindingsStatusView<'a> {
    pub fn archive(change: &'a FindingsStatusChange) -> Self {
        FindingsStatusView {
            change,
            archive: true,
        }
    }

    pub fn unarchive(change: &'a FindingsStatusChange) -> Self {
        FindingsStatusView {
            change,
            archive: false,
        }
    }

    /// The status before and after.
    fn statuses(&self) -> (&'static str, &'static str) {
        if self.archive {
            ("ACTIVE", "ARCHIVED")
        } else {
            ("ARCHIVED", "ACTIVE")
        }
    }
}

impl PlannedChange for FindingsStatusView<'_> {
    fn operation(&self) -> &'static str {
        "access-analyzer:UpdateFindings"
    }

    fn title(&self) -> String {
        let verb = if self.archive { "Archive" } else { "Unarchive" };
        format!("{verb} {} finding(s)", self.change.ids.len())
    }

    fn item_count(&self) -> usize {
        self.change.ids.len()
    }

    fn targets(&self) -> Vec<String> {
        self.change.ids.clone()
    }

    fn preview(&self) -> Vec<PreviewLine> {
        let (from, to) = self.statuses();
        self.change.preview(self.title(), from, to)
    }

    fn undo(&self, succeeded: &[String]) -> Option<Change> {
        let c = self.change;
        let keep: Vec<usize> = (0..c.ids.len())
            .filter(|&i| succeeded.contains(&c.ids[i]))
            .collect();
        if keep.is_empty() {
            return None;
        }
        let back = FindingsStatusChange {
            analyzer_arn: c.analyzer_arn.clone(),
            ids: keep.iter().map(|&i| c.ids[i].clone()).collect(),
            labels: keep
                .iter()
                .filter_map(|&i| c.labels.get(i).cloned())
                .collect(),
            reason: format!("undo: {}", c.reason),
        };
        Some(if self.archive {
            Change::FindingsUnarchive(Box::new(back))
        } else {
            Change::FindingsArchive(Box::new(back))
        })
    }

    /// A finding moved when its status is no longer the one the change starts from; the
    /// re-plan keeps the findings still in that status.
    fn refresh(&self, now: &Rereads) -> Option<Refresh> {
        let (from, _) = self.statuses();
        let c = self.change;
        let mut refresh = Refresh::default();
        let mut keep = Vec::new();
        for (i, id) in c.ids.iter().enumerate() {
            match now.get(id) {
                Some(Reread::Found(Observed::AnalyzerStatus { status })) if status != from => {
                    refresh
                        .moved
                        .push(Moved::new(id, format!("status {from} -> {status}")));
                }
                _ => keep.push(i),
            }
        }
        refresh.replanned = (!keep.is_empty()).then(|| {
            let back = FindingsStatusChange {
                ids: keep.iter().map(|&i| c.ids[i].clone()).collect(),
                labels: keep
                    .iter()
                    .filter_map(|&i| c.labels.get(i).cloned())
                    .collect(),
                ..c.clone()
            };
            if self.archive {
                Change::FindingsArchive(Box::new(back))
            } else {
                Change::FindingsUnarchive(Box::new(back))
            }
        });
        Some(refresh)
    }

    /// The finding has the status this change sets.
    fn holds_after(&self, target: &str, now: &Observed) -> Option<bool> {
        if !self.change.ids.iter().any(|id| id == target) {
            return None;
        }
        match now {
            Observed::AnalyzerStatus { status } => Some(status == self.statuses().1),
            _ => None,
        }
    }

    fn journal_values(&self) -> JournalValues {
        let (from, to) = self.statuses();
        let mut values = JournalValues::default();
        for id in &self.change.ids {
            values.before.insert(id.clone(), json!({"status": from}));
            values.after.insert(
                id.clone(),
                json!({"status": to, "reason": self.change.reason}),
            );
        }
        values
    }
}

/// An archive rule as the change it makes: creating it, or deleting it.
pub struct ArchiveRuleView<'a> {
    rule: &'a ArchiveRuleChange,
    create: bool,
}

impl<'a> ArchiveRuleView<'a> {
    pub fn create(rule: &'a ArchiveRuleChange) -> Self {
        ArchiveRuleView { rule, create: true }
    }

    pub fn delete(rule: &'a ArchiveRuleChange) -> Self {
        ArchiveRuleView {
            rule,
            create: false,
        }
    }

    fn key(&self) -> String {
        format!("{}/{}", self.rule.analyzer_arn, self.rule.rule_name)
    }
}

impl PlannedChange for ArchiveRuleView<'_> {
    fn operation(&self) -> &'static str {
        if self.create {
            "access-analyzer:CreateArchiveRule"
        } else {
            "access-analyzer:DeleteArchiveRule"
        }
    }

    fn title(&self) -> String {
        let verb = if self.create { "Create" } else { "Delete" };
        format!("{verb} archive rule {}", self.rule.rule_name)
    }

    fn item_count(&self) -> usize {
        1
    }

    fn targets(&self) -> Vec<String> {
        vec![self.key()]
    }

    fn preview(&self) -> Vec<PreviewLine> {
        self.rule.preview(self.title(), self.create)
    }

    /// The opposite rule change; a re-created rule is not applied to existing findings.
    fn undo(&self, succeeded: &[String]) -> Option<Change> {
        if succeeded.is_empty() {
            return None;
        }
        let rule = Box::new(ArchiveRuleChange {
            apply: false,
            ..self.rule.clone()
        });
        Some(if self.create {
            Change::ArchiveRuleDelete(rule)
        } else {
            Change::ArchiveRuleCreate(rule)
        })
    }

    /// A create moved when a rule of that name now exists (nothing left to do); a delete
    /// when the rule is gone (nothing left) or its criteria changed (re-planned to delete
    /// the rule as it is now, so an undo puts back exactly that).
    fn refresh(&self, now: &Rereads) -> Option<Refresh> {
        let key = self.key();
        let mut refresh = Refresh::default();
        let keep = match (self.create, now.get(&key)) {
            (true, Some(Reread::Found(Observed::ArchiveRule { criteria }))) => {
                let what = format!("a rule of that name now exists ({})", show(criteria));
                refresh.moved.push(Moved::new(&key, what));
                None
            }
            (false, Some(Reread::Found(Observed::Absent))) => {
                refresh
                    .moved
                    .push(Moved::new(&key, "the rule was deleted already"));
                None
            }
            (false, Some(Reread::Found(Observed::ArchiveRule { criteria })))
                if !same_criteria(criteria, &self.rule.criteria) =>
            {
                let what = format!(
                    "criteria {} -> {}",
                    show(&self.rule.criteria),
                    show(criteria)
                );
                refresh.moved.push(Moved::new(&key, what));
                Some(ArchiveRuleChange {
                    criteria: criteria.clone(),
                    ..self.rule.clone()
                })
            }
            _ => Some(self.rule.clone()),
        };
        refresh.replanned = keep.map(|rule| {
            let rule = Box::new(rule);
            if self.create {
                Change::ArchiveRuleCreate(rule)
            } else {
                Change::ArchiveRuleDelete(rule)
            }
        });
        Some(refresh)
    }

    /// A create holds once the rule exists, a delete once it is gone.
    fn holds_after(&self, target: &str, now: &Observed) -> Option<bool> {
        if target != self.key() {
            return None;
        }
        match now {
            Observed::ArchiveRule { .. } => Some(self.create),
            Observed::Absent => Some(!self.create),
            _ => None,
        }
    }

    fn journal_values(&self) -> JournalValues {
        let rule = json!({"criteria": self.rule.criteria, "apply": self.rule.apply});
        let mut values = JournalValues::default();
        if self.create {
            values.after.insert(self.key(), rule);
        } else {
            values.before.insert(self.key(), rule);
        }
        values
    }
}

/// `k = a | b; k2 = c`, for what moved.
fn show(criteria: &Criteria) -> String {
    criteria
        .iter()
        .map(|(k, v)| format!("{k} = {}", v.join(" | ")))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The same criteria, whatever the order of keys and values.
fn same_criteria(a: &Criteria, b: &Criteria) -> bool {
    let norm = |c: &Criteria| {
        let mut c: Vec<(String, Vec<String>)> = c
            .iter()
            .map(|(k, v)| {
                let mut v = v.clone();
                v.sort();
                (k.clone(), v)
            })
            .collect();
        c.sort();
        c
    };
    norm(a) == norm(b)
}
