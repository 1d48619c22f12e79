//! Following running audits: every task the audits pane lists as not finished is polled
//! (DescribeAuditTask, as a delayed read effect, so the UI never waits) and its row shows
//! checks done of total, until it is COMPLETED, FAILED or CANCELED; then its findings are
//! read if they are the ones on screen.

use crate::app::State;
use crate::app::action::NotifyLevel;
use crate::app::effect::{Effect, ReadRequest};
use crate::app::panes::audits::{AuditsPane, IotRead};
use crate::domain::iot::AuditTask;

/// Milliseconds between two polls of a running audit.
pub const POLL_MS: u64 = 1000;

fn poll(pane: &AuditsPane, task_id: String) -> Effect {
    Effect::Read(ReadRequest::Audits(IotRead::PollTask {
        task_id,
        delay_ms: pane.poll_every.unwrap_or(POLL_MS),
    }))
}

/// Polls for the listed running tasks that are not followed yet.
pub(crate) fn start_polls(pane: &mut AuditsPane) -> Vec<Effect> {
    let running: Vec<String> = pane
        .tasks()
        .iter()
        .filter(|t| !t.is_finished())
        .map(|t| t.task_id.clone())
        .collect();
    let mut effects = Vec::new();
    for id in running {
        if pane.polling.insert(id.clone()) {
            effects.push(poll(pane, id));
        }
    }
    effects
}

/// A poll answered: update the row, poll again, or announce the end and read findings.
pub(crate) fn on_polled(
    state: &mut State,
    task_id: String,
    result: Result<AuditTask, String>,
) -> Vec<Effect> {
    let pane = &mut state.audits;
    if !pane.polling.contains(&task_id) {
        return Vec::new();
    }
    let task = match result {
        Ok(task) => task,
        Err(e) => {
            pane.polling.remove(&task_id);
            state.notify(
                NotifyLevel::Error,
                format!("following audit {task_id} failed: {e} (refresh to try again)"),
            );
            return Vec::new();
        }
    };
    if let Some(o) = pane.overview.as_mut()
        && let Some(row) = o.tasks.iter_mut().find(|t| t.task_id == task_id)
    {
        *row = task.clone();
    }
    if !task.is_finished() {
        return vec![poll(pane, task_id)];
    }
    pane.polling.remove(&task_id);
    let st = &task.task_statistics;
    let (level, message) = if task.task_status == "COMPLETED" {
        (
            NotifyLevel::Success,
            format!(
                "audit {task_id} completed: {} of {} check(s) non-compliant",
                st.non_compliant_checks, st.total_checks
            ),
        )
    } else {
        (
            NotifyLevel::Warning,
            format!("audit {task_id} {}", task.task_status),
        )
    };
    let effects = if pane.findings_task.as_deref() == Some(task_id.as_str()) {
        vec![pane.load_findings(&task_id)]
    } else {
        Vec::new()
    };
    state.notify(level, message);
    effects
}
