//! Outcomes from AWS, not from the response. After a write meets an error, a timeout or a
//! dropped connection, AWS may still have applied it: the executor re-reads each target
//! (`tasks::mutate::observe`) and this module classifies it as applied, not applied or
//! unknown by comparing what AWS holds now with what the plan writes, then settles the
//! outcome so that a target AWS holds changed is never reported (or journaled) as failed.
//! The same classification serves a journal intent that never got its outcome (an
//! interrupted change): re-read its targets, classify, settle.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Change, ChangeOutcome, TargetFailure};
use crate::domain::analyzer::Criteria;
use crate::domain::iot::AuditSuppression;
use crate::domain::triage::TriageFields;

/// Failure code of a target AWS does not hold changed after a write that errored.
pub const NOT_APPLIED: &str = "NotApplied";

/// What AWS holds for one target, as a re-read found it. (Built once per target per
/// re-read: variant sizes do not matter.)
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Observed {
    /// A Security Hub finding's triage fields.
    Finding { fields: TriageFields },
    /// An OCSF finding's status, severity and comment (GetFindingsV2).
    OcsfFinding {
        triage: crate::domain::ocsf_triage::OcsfTriage,
    },
    /// An Access Analyzer finding's status (ACTIVE, ARCHIVED, RESOLVED).
    AnalyzerStatus { status: String },
    /// A WAF IP set's addresses and description.
    IpSet {
        addresses: Vec<String>,
        description: String,
    },
    /// A role's trust policy document.
    TrustPolicy { document: String },
    /// A managed policy's default version's document.
    PolicyDefault { document: String },
    /// Whether a managed policy is attached to a role.
    Attached { attached: bool },
    /// A role's inline policy (`None`: the role has none of that name).
    InlinePolicy { document: Option<String> },
    /// An archive rule that exists, with its criteria.
    ArchiveRule { criteria: Criteria },
    /// An IoT audit suppression that exists.
    Suppression { suppression: AuditSuppression },
    /// A finding an import wrote: its RecordState and UpdatedAt.
    Imported {
        record_state: String,
        updated_at: String,
    },
    /// A task (mitigation, audit) AWS knows, with its status.
    Task { status: String },
    /// The target does not exist (a rule or suppression deleted, a finding never imported).
    Absent,
}

/// A re-read of one target: what it found, or why it could not tell.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Reread {
    Found(Observed),
    Failed(String),
}

/// The re-read of every target of a change, by target name (as `targets()` names them).
pub type Rereads = BTreeMap<String, Reread>;

/// What a re-read says about one target of a write that met an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetClass {
    /// AWS holds what the change writes.
    Applied,
    /// AWS does not hold it: nothing of ours is there.
    NotApplied,
    /// The re-read failed, or the kind cannot tell from AWS's state.
    Unknown,
}

/// Each target of `change` classified from its re-read (a target with no re-read is
/// unknown).
pub fn classify(change: &Change, rereads: &Rereads) -> BTreeMap<String, TargetClass> {
    let planned = change.planned();
    planned
        .targets()
        .into_iter()
        .map(|target| {
            let class = match rereads.get(&target) {
                None | Some(Reread::Failed(_)) => TargetClass::Unknown,
                Some(Reread::Found(now)) => match planned.holds_after(&target, now) {
                    Some(true) => TargetClass::Applied,
                    Some(false) => TargetClass::NotApplied,
                    None => TargetClass::Unknown,
                },
            };
            (target, class)
        })
        .collect()
}

/// Rewrites `outcome` from the classes AWS's state gave each target after the write met
/// `write_error`: applied targets succeed (and can be undone), not applied ones fail with
/// the write's error, unknown ones are neither. `outcome.error` stays only while some
/// target is not known to be applied.
pub fn settle(
    outcome: &mut ChangeOutcome,
    classes: &BTreeMap<String, TargetClass>,
    write_error: &str,
) {
    let failure_of = |target: &str, outcome: &ChangeOutcome| {
        outcome
            .failed
            .iter()
            .find(|f| f.target == target)
            .cloned()
            .unwrap_or_else(|| TargetFailure {
                target: target.to_string(),
                code: NOT_APPLIED.to_string(),
                message: format!("not applied: {write_error}"),
            })
    };
    let mut failed = Vec::new();
    for (target, class) in classes {
        let was_failed = failure_of(target, outcome);
        outcome.succeeded.retain(|t| t != target);
        outcome.unknown.retain(|t| t != target);
        outcome.failed.retain(|f| &f.target != target);
        match class {
            TargetClass::Applied => {
                outcome.succeeded.push(target.clone());
                // A re-read showed it: no longer waiting to become visible.
                outcome.unverified.retain(|t| t != target);
            }
            TargetClass::NotApplied => {
                outcome.unverified.retain(|t| t != target);
                failed.push(was_failed);
            }
            TargetClass::Unknown => {
                outcome.unverified.retain(|t| t != target);
                outcome.unknown.push(target.clone());
            }
        }
    }
    outcome.failed.extend(failed);
    outcome.write_error = Some(write_error.to_string());
    let all_applied = classes.values().all(|c| *c == TargetClass::Applied);
    outcome.error = if all_applied {
        None
    } else {
        outcome
            .error
            .take()
            .or_else(|| Some(write_error.to_string()))
    };
}

/// One line for the screen on how a settled outcome came about, e.g.
/// `the write met an error; re-read from AWS: 1 applied, 0 not applied, 0 unknown` (the
/// error itself is journaled and logged: the counts must fit the status line). `None`
/// when every target is known not applied: a plain failure, said as one.
pub fn describe(outcome: &ChangeOutcome) -> Option<String> {
    outcome.write_error.as_ref()?;
    if outcome.succeeded.is_empty() && outcome.unknown.is_empty() {
        return None;
    }
    let not_applied = outcome
        .failed
        .iter()
        .filter(|f| !outcome.succeeded.contains(&f.target))
        .count();
    Some(format!(
        "the write met an error; re-read from AWS: {} applied, {not_applied} not applied, {} unknown",
        outcome.succeeded.len(),
        outcome.unknown.len()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::finding::{FindingRef, WorkflowStatus};
    use crate::domain::plan::{FindingEdit, FindingsUpdate};

    fn workflow(w: WorkflowStatus) -> TriageFields {
        TriageFields {
            workflow: Some(w),
            ..Default::default()
        }
    }

    fn change() -> Change {
        let edit = |id: &str| FindingEdit {
            finding: FindingRef {
                id: id.into(),
                product_arn: "p".into(),
            },
            title: id.into(),
            resource: String::new(),
            before: workflow(WorkflowStatus::New),
            after: workflow(WorkflowStatus::Notified),
        };
        Change::FindingsUpdate(FindingsUpdate {
            edits: vec![edit("a"), edit("b"), edit("c")],
        })
    }

    fn found(w: WorkflowStatus) -> Reread {
        Reread::Found(Observed::Finding {
            fields: workflow(w),
        })
    }

    #[test]
    fn a_lost_answer_is_settled_by_what_aws_holds() {
        let rereads: Rereads = [
            ("a".to_string(), found(WorkflowStatus::Notified)),
            ("b".to_string(), found(WorkflowStatus::New)),
            ("c".to_string(), Reread::Failed("timeout".into())),
        ]
        .into();
        let classes = classify(&change(), &rereads);
        assert_eq!(classes["a"], TargetClass::Applied);
        assert_eq!(classes["b"], TargetClass::NotApplied);
        assert_eq!(classes["c"], TargetClass::Unknown);

        let mut outcome = ChangeOutcome {
            plan_id: "p".into(),
            error: Some("dispatch failure".into()),
            ..Default::default()
        };
        settle(&mut outcome, &classes, "dispatch failure");
        assert_eq!(outcome.succeeded, ["a"]);
        assert_eq!(outcome.failed.len(), 1);
        assert_eq!(outcome.failed[0].target, "b");
        assert_eq!(outcome.failed[0].code, NOT_APPLIED);
        assert_eq!(outcome.unknown, ["c"]);
        assert_eq!(
            describe(&outcome).unwrap(),
            "the write met an error; re-read from AWS: 1 applied, 1 not applied, 1 unknown"
        );
    }

    #[test]
    fn all_applied_clears_the_error_so_nothing_says_failed() {
        let rereads: Rereads = ["a", "b", "c"]
            .iter()
            .map(|t| (t.to_string(), found(WorkflowStatus::Notified)))
            .collect();
        let mut outcome = ChangeOutcome {
            plan_id: "p".into(),
            error: Some("500 InternalException".into()),
            ..Default::default()
        };
        settle(
            &mut outcome,
            &classify(&change(), &rereads),
            "500 InternalException",
        );
        assert!(outcome.error.is_none());
        assert!(outcome.failed.is_empty());
        assert_eq!(outcome.succeeded, ["a", "b", "c"]);
        assert!(!outcome.summary().contains("failed"));
    }
}
