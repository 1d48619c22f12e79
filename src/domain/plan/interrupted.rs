//! Interrupted changes: a journal intent that never got its outcome (secdeck was killed,
//! crashed, lost the machine mid-change). At start its targets are re-read and classified
//! (`outcome::classify`, the same classifier as a write whose answer was lost), and the
//! user picks one of three ways on, each journaled: finish the rest (the change planned
//! again against AWS's state now, previewed and approved like any change), undo the
//! applied part, or mark it reviewed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::outcome::{self, NOT_APPLIED, Rereads, TargetClass};
use super::{Change, ChangeOutcome, ChangePlan, TargetFailure};

/// Which way on the user chose for an interrupted change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Way {
    /// The rest of the change, planned again against AWS's state now.
    Finish,
    /// The applied part, undone.
    Undo,
    /// Looked at and left as AWS holds it.
    Reviewed,
}

/// On a plan (and its journal entries): the interrupted plan it settles, and how. Once
/// an entry names it, the interrupted plan is no longer reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolves {
    pub plan_id: String,
    pub way: Way,
}

/// An interrupted change as AWS holds it now.
#[derive(Debug, Clone, PartialEq)]
pub struct InterruptedChange {
    /// The plan of the intent.
    pub plan: ChangePlan,
    /// When the intent was written (RFC 3339).
    pub time: String,
    /// Each target: applied, not applied, or unknown (the re-read failed).
    pub classes: BTreeMap<String, TargetClass>,
    /// The rest of the change against the state now; `None` when nothing is left to do.
    pub finish: Option<Change>,
    /// The undo of the applied part; `None` when nothing was applied (or it cannot be).
    pub undo: Option<Change>,
}

impl InterruptedChange {
    /// Classifies `plan`'s targets from their re-reads and plans the ways on.
    pub fn new(plan: ChangePlan, time: String, rereads: &Rereads) -> Self {
        let classes = outcome::classify(&plan.change, rereads);
        let applied = Self::with_class(&classes, TargetClass::Applied);
        let (finish, undo) = Self::ways(&plan.change, rereads, &applied, classes.len());
        InterruptedChange {
            plan,
            time,
            classes,
            finish,
            undo,
        }
    }

    /// The rest of `change` and the undo of its `applied` targets (of `total`).
    fn ways(
        change: &Change,
        rereads: &Rereads,
        applied: &[String],
        total: usize,
    ) -> (Option<Change>, Option<Change>) {
        let planned = change.planned();
        let finish = match planned.refresh(rereads) {
            Some(refresh) => refresh.replanned,
            // Kinds without a re-plan (trust policies, imports) keep their own checks at
            // write time: the change as planned, unless every target holds it.
            None => (applied.len() < total).then(|| change.clone()),
        };
        let undo = if applied.is_empty() {
            None
        } else {
            planned.undo(applied)
        };
        (finish, undo)
    }

    fn with_class(classes: &BTreeMap<String, TargetClass>, class: TargetClass) -> Vec<String> {
        classes
            .iter()
            .filter(|(_, c)| **c == class)
            .map(|(t, _)| t.clone())
            .collect()
    }

    /// The targets of one class.
    pub fn targets(&self, class: TargetClass) -> Vec<String> {
        Self::with_class(&self.classes, class)
    }

    /// "3 applied, 2 not applied, 0 unknown".
    pub fn counts(&self) -> String {
        format!(
            "{} applied, {} not applied, {} unknown",
            self.targets(TargetClass::Applied).len(),
            self.targets(TargetClass::NotApplied).len(),
            self.targets(TargetClass::Unknown).len()
        )
    }

    /// One line naming the plan, what it was and what AWS holds now (the headless
    /// commands' warning, the banner's first line).
    pub fn summary(&self) -> String {
        format!(
            "interrupted change {} of {} ({}: {}): AWS now holds {}",
            self.plan.id,
            self.time,
            self.plan.operation(),
            self.plan.title(),
            self.counts()
        )
    }

    /// The outcome the journal records when the change is marked reviewed: applied
    /// targets succeeded, the others did not (or are unknown), as the re-read found them.
    pub fn outcome(&self) -> ChangeOutcome {
        ChangeOutcome {
            plan_id: self.plan.id.clone(),
            succeeded: self.targets(TargetClass::Applied),
            failed: self
                .targets(TargetClass::NotApplied)
                .into_iter()
                .map(|target| TargetFailure {
                    target,
                    code: NOT_APPLIED.to_string(),
                    message: "not applied: the change was interrupted".into(),
                })
                .collect(),
            unknown: self.targets(TargetClass::Unknown),
            error: Some("interrupted before its outcome was journaled".into()),
            ..ChangeOutcome::default()
        }
    }

    /// The plan that goes `way` (finish or undo), under `id`, naming this change as the
    /// one it settles; `None` when there is nothing to do that way.
    pub fn follow_up(&self, way: Way, id: String) -> Option<ChangePlan> {
        let change = match way {
            Way::Finish => self.finish.clone(),
            Way::Undo => self.undo.clone(),
            Way::Reviewed => None,
        }?;
        let mut plan = ChangePlan::new(id, change);
        plan.resolves = Some(self.resolves(way));
        Some(plan)
    }

    /// What the journal entries of a way on name.
    pub fn resolves(&self, way: Way) -> Resolves {
        Resolves {
            plan_id: self.plan.id.clone(),
            way,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::finding::{FindingRef, WorkflowStatus};
    use crate::domain::plan::outcome::{Observed, Reread};
    use crate::domain::plan::{FindingEdit, FindingsUpdate, TriageFields};

    fn status(w: WorkflowStatus) -> TriageFields {
        TriageFields {
            workflow: Some(w),
            ..TriageFields::default()
        }
    }

    fn plan(ids: &[&str]) -> ChangePlan {
        let edits = ids
            .iter()
            .map(|id| FindingEdit {
                finding: FindingRef {
                    id: id.to_string(),
                    product_arn: "arn:p".into(),
                },
                title: format!("finding {id}"),
                resource: String::new(),
                before: status(WorkflowStatus::New),
                after: status(WorkflowStatus::Notified),
            })
            .collect();
        ChangePlan::new("p-1", Change::FindingsUpdate(FindingsUpdate { edits }))
    }

    fn found(w: WorkflowStatus) -> Reread {
        Reread::Found(Observed::Finding { fields: status(w) })
    }

    #[test]
    fn a_half_applied_change_finishes_the_rest_and_undoes_the_applied_part() {
        let mut rereads = Rereads::new();
        rereads.insert("a".into(), found(WorkflowStatus::Notified));
        rereads.insert("b".into(), found(WorkflowStatus::New));
        rereads.insert("c".into(), Reread::Failed("throttled".into()));
        let ic = InterruptedChange::new(plan(&["a", "b", "c"]), "t".into(), &rereads);
        assert_eq!(ic.counts(), "1 applied, 1 not applied, 1 unknown");
        assert!(ic.summary().starts_with(
            "interrupted change p-1 of t (securityhub:BatchUpdateFindings: Set workflow NOTIFIED on 3 finding(s))"
        ));

        let finish = ic.follow_up(Way::Finish, "f".into()).unwrap();
        assert_eq!(finish.targets(), ["b", "c"], "applied targets are left out");
        assert_eq!(finish.resolves, Some(ic.resolves(Way::Finish)));
        let undo = ic.follow_up(Way::Undo, "u".into()).unwrap();
        assert_eq!(undo.targets(), ["a"], "only the applied part is undone");

        let outcome = ic.outcome();
        assert_eq!(outcome.succeeded, ["a"]);
        assert_eq!(outcome.failed[0].target, "b");
        assert_eq!(outcome.unknown, ["c"]);
    }

    #[test]
    fn nothing_applied_offers_no_undo_and_all_applied_nothing_to_finish() {
        let mut none = Rereads::new();
        none.insert("a".into(), found(WorkflowStatus::New));
        let ic = InterruptedChange::new(plan(&["a"]), "t".into(), &none);
        assert!(ic.undo.is_none() && ic.finish.is_some());
        let mut all = Rereads::new();
        all.insert("a".into(), found(WorkflowStatus::Notified));
        let ic = InterruptedChange::new(plan(&["a"]), "t".into(), &all);
        assert!(ic.finish.is_none() && ic.undo.is_some());
    }
}
