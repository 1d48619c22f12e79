//! On-demand audits that take a while, as in AWS: a started audit is IN_PROGRESS and
//! reveals its checks one poll at a time (each DescribeAuditTask of it is a poll) until it
//! is COMPLETED and its findings are listed. Counting polls instead of seconds keeps tests
//! deterministic; `IotStore::audit_polls` sets how many (0 = done at once).

use std::collections::BTreeMap;

use super::checks::statistics;
use super::store::{IotStore, StoredTask};
use crate::domain::iot::CheckDetails;

/// DescribeAuditTask polls a started audit stays IN_PROGRESS for, unless configured.
pub const DEFAULT_AUDIT_POLLS: u32 = 6;

/// The finished result of an audit still shown as running.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingAudit {
    pub result: StoredTask,
    pub polls: u32,
    pub polls_needed: u32,
}

fn running_details(
    result: &BTreeMap<String, CheckDetails>,
    done: usize,
) -> BTreeMap<String, CheckDetails> {
    result
        .iter()
        .enumerate()
        .map(|(i, (check, d))| {
            let d = if i < done {
                d.clone()
            } else {
                CheckDetails {
                    check_run_status: "IN_PROGRESS".into(),
                    ..Default::default()
                }
            };
            (check.clone(), d)
        })
        .collect()
}

/// The task as listed while `polls` of `needed` polls have happened.
fn running_view(result: &StoredTask, polls: u32, needed: u32) -> StoredTask {
    let total = result.task.audit_details.len();
    let done = total * polls as usize / needed.max(1) as usize;
    let details = running_details(&result.task.audit_details, done);
    let mut task = result.task.clone();
    task.task_status = "IN_PROGRESS".into();
    task.task_statistics = statistics(&details);
    task.audit_details = details;
    StoredTask {
        task,
        findings: Vec::new(),
    }
}

impl IotStore {
    /// Adds a just-started audit whose outcome is `result`: running for `audit_polls`
    /// polls, or finished at once.
    pub fn start_audit(&mut self, result: StoredTask) -> String {
        let id = result.task.task_id.clone();
        if self.audit_polls == 0 {
            self.push_task(result);
            return id;
        }
        let needed = self.audit_polls;
        self.push_task(running_view(&result, 0, needed));
        self.pending.insert(
            id.clone(),
            PendingAudit {
                result,
                polls: 0,
                polls_needed: needed,
            },
        );
        id
    }

    /// A DescribeAuditTask of `id`: a running audit advances one step.
    pub fn poll_audit(&mut self, id: &str) {
        let Some(pending) = self.pending.get_mut(id) else {
            return;
        };
        pending.polls += 1;
        let view = if pending.polls >= pending.polls_needed {
            match self.pending.remove(id) {
                Some(p) => p.result,
                None => return,
            }
        } else {
            running_view(&pending.result, pending.polls, pending.polls_needed)
        };
        if let Some(i) = self.task_index.get(id).copied()
            && let Some(slot) = self.tasks.get_mut(i)
        {
            *slot = view;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::iot::AuditTask;

    fn result() -> StoredTask {
        let details = |s: &str| CheckDetails {
            check_run_status: s.into(),
            ..Default::default()
        };
        StoredTask {
            task: AuditTask {
                task_id: "t1".into(),
                task_status: "COMPLETED".into(),
                audit_details: [
                    ("A".to_string(), details("COMPLETED_COMPLIANT")),
                    ("B".to_string(), details("COMPLETED_NON_COMPLIANT")),
                ]
                .into_iter()
                .collect(),
                ..Default::default()
            },
            findings: vec![Default::default()],
        }
    }

    #[test]
    fn a_started_audit_runs_check_by_check_until_its_polls_are_used() {
        let mut store = IotStore::new("1", "us-east-1");
        store.audit_polls = 2;
        let id = store.start_audit(result());
        let t = &store.task(&id).unwrap();
        assert_eq!(t.task.task_status, "IN_PROGRESS");
        assert_eq!(t.task.task_statistics.in_progress_checks, 2);
        assert!(t.findings.is_empty());
        store.poll_audit(&id);
        let t = &store.task(&id).unwrap();
        assert_eq!(t.task.task_status, "IN_PROGRESS");
        assert_eq!(t.task.task_statistics.compliant_checks, 1);
        assert_eq!(t.task.task_statistics.in_progress_checks, 1);
        store.poll_audit(&id);
        let t = &store.task(&id).unwrap();
        assert_eq!(t.task.task_status, "COMPLETED");
        assert_eq!(t.findings.len(), 1);
        assert_eq!(store.in_progress_audits(), 0);
    }

    #[test]
    fn with_no_polls_an_audit_is_done_at_once() {
        let mut store = IotStore::new("1", "us-east-1");
        store.audit_polls = 0;
        let id = store.start_audit(result());
        assert_eq!(store.task(&id).unwrap().task.task_status, "COMPLETED");
    }
}
