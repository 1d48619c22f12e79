//! Mitigation tasks that take a while, as in AWS: a started task is IN_PROGRESS and its
//! executions go PENDING -> IN_PROGRESS -> their final status one step per poll (a
//! ListAuditMitigationActionsTasks, or a ListAuditMitigationActionsExecutions of the task).
//! Like audits (`progress.rs`), polls are counted, not seconds; `IotStore::mitigation_polls`
//! sets how many (0 = done at once). The actions' effects are applied at start: only the
//! statuses reported are delayed.

use super::store::{IotStore, StoredMitigationTask};
use crate::domain::iot::MitigationExecution;

/// Polls a started mitigation task stays IN_PROGRESS for, unless configured.
pub const DEFAULT_MITIGATION_POLLS: u32 = 3;

/// The finished result of a mitigation task still shown as running.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingMitigation {
    pub result: StoredMitigationTask,
    pub polls: u32,
    pub polls_needed: u32,
}

/// The task as listed while `polls` of `needed` polls have happened: the first executions
/// are final, the next one is IN_PROGRESS, the rest PENDING.
fn running_view(result: &StoredMitigationTask, polls: u32, needed: u32) -> StoredMitigationTask {
    let total = result.executions.len();
    let done = total * polls as usize / needed.max(1) as usize;
    let executions = result
        .executions
        .iter()
        .enumerate()
        .map(|(i, e)| {
            if i < done {
                return e.clone();
            }
            let status = if i == done && polls > 0 {
                "IN_PROGRESS"
            } else {
                "PENDING"
            };
            MitigationExecution {
                status: status.into(),
                error_code: None,
                message: None,
                ..e.clone()
            }
        })
        .collect();
    let mut view = result.clone();
    view.meta.task_status = "IN_PROGRESS".into();
    view.executions = executions;
    view
}

impl IotStore {
    /// Adds a just-started mitigation task whose outcome is `result`.
    pub fn start_mitigation(&mut self, result: StoredMitigationTask) {
        if self.mitigation_polls == 0 {
            self.mitigation_tasks.push(result);
            return;
        }
        let needed = self.mitigation_polls;
        self.mitigation_tasks.push(running_view(&result, 0, needed));
        self.pending_mitigations.insert(
            result.meta.task_id.clone(),
            PendingMitigation {
                result,
                polls: 0,
                polls_needed: needed,
            },
        );
    }

    /// A listing that shows task `id`: a running mitigation task advances one step.
    pub fn poll_mitigation(&mut self, id: &str) {
        let Some(pending) = self.pending_mitigations.get_mut(id) else {
            return;
        };
        pending.polls += 1;
        let view = if pending.polls >= pending.polls_needed {
            match self.pending_mitigations.remove(id) {
                Some(p) => p.result,
                None => return,
            }
        } else {
            running_view(&pending.result, pending.polls, pending.polls_needed)
        };
        if let Some(slot) = self
            .mitigation_tasks
            .iter_mut()
            .find(|t| t.meta.task_id == id)
        {
            *slot = view;
        }
    }

    /// Every running mitigation task advances one step (a ListAuditMitigationActionsTasks).
    pub fn poll_mitigations(&mut self) {
        let ids: Vec<String> = self.pending_mitigations.keys().cloned().collect();
        for id in ids {
            self.poll_mitigation(&id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::iot::handlers::new_mitigation_task;

    fn result() -> StoredMitigationTask {
        let exec = |finding: &str, status: &str| MitigationExecution {
            task_id: "m1".into(),
            finding_id: finding.into(),
            action_name: "A".into(),
            status: status.into(),
            error_code: (status == "FAILED").then(|| "InvalidRequestException".into()),
            message: None,
        };
        new_mitigation_task(
            "m1",
            "t1",
            vec![exec("f1", "COMPLETED"), exec("f2", "FAILED")],
        )
    }

    fn statuses(store: &IotStore) -> (String, Vec<String>) {
        let t = &store.mitigation_tasks[0];
        let s = t.executions.iter().map(|e| e.status.clone()).collect();
        (t.meta.task_status.clone(), s)
    }

    #[test]
    fn a_started_mitigation_moves_from_pending_to_its_final_statuses() {
        let mut store = IotStore::new("1", "us-east-1");
        store.mitigation_polls = 2;
        store.start_mitigation(result());
        assert_eq!(
            statuses(&store),
            (
                "IN_PROGRESS".into(),
                vec!["PENDING".into(), "PENDING".into()]
            )
        );
        store.poll_mitigation("m1");
        assert_eq!(
            statuses(&store),
            (
                "IN_PROGRESS".into(),
                vec!["COMPLETED".into(), "IN_PROGRESS".into()]
            )
        );
        store.poll_mitigations();
        assert_eq!(
            statuses(&store),
            ("FAILED".into(), vec!["COMPLETED".into(), "FAILED".into()])
        );
        assert!(store.pending_mitigations.is_empty());
    }

    #[test]
    fn with_no_polls_a_mitigation_is_done_at_once() {
        let mut store = IotStore::new("1", "us-east-1");
        store.mitigation_polls = 0;
        store.start_mitigation(result());
        assert_eq!(statuses(&store).0, "FAILED");
    }
}
