//! Following a started mitigation task: IoT runs it asynchronously, so its executions are
//! polled (ListAuditMitigationActionsExecutions per finding, as a delayed read effect)
//! until every one is COMPLETED, FAILED, SKIPPED or CANCELED, and each finding's row shows
//! its status as it changes. Only COMPLETED counts as success.

use crate::app::State;
use crate::app::action::NotifyLevel;
use crate::app::effect::{Effect, ReadRequest};
use crate::app::panes::audits::IotRead;
use crate::app::panes::audits::progress::POLL_MS;
use crate::domain::iot::MitigationExecution;
use crate::domain::plan::ChangeOutcome;

fn poll(delay_ms: Option<u64>, task_id: String, finding_ids: Vec<String>) -> Effect {
    Effect::Read(ReadRequest::Audits(IotRead::PollMitigation {
        task_id,
        finding_ids,
        delay_ms: delay_ms.unwrap_or(POLL_MS),
    }))
}

fn is_final(status: &str) -> bool {
    matches!(status, "COMPLETED" | "FAILED" | "SKIPPED" | "CANCELED")
}

/// One finding's status from its executions: the worst final one with its error code,
/// else IN_PROGRESS / PENDING, else COMPLETED; and whether it is final.
pub fn finding_status(executions: &[&MitigationExecution]) -> (String, bool) {
    if let Some(bad) = executions
        .iter()
        .find(|e| matches!(e.status.as_str(), "FAILED" | "SKIPPED" | "CANCELED"))
    {
        let code = bad.error_code.as_deref().unwrap_or("no error code");
        let done = executions.iter().all(|e| is_final(&e.status));
        return (
            format!("mitigation {} ({code}: {})", bad.status, bad.action_name),
            done,
        );
    }
    if executions.is_empty() {
        return ("mitigation PENDING".into(), false);
    }
    for running in ["IN_PROGRESS", "PENDING"] {
        if executions.iter().any(|e| e.status == running) {
            return (format!("mitigation {running}"), false);
        }
    }
    ("mitigation COMPLETED".into(), true)
}

/// A mitigation task was started: show what the executor saw per finding, and follow the
/// findings still running.
pub(crate) fn started(
    state: &mut State,
    task_id: &str,
    finding_ids: &[String],
    outcome: &ChangeOutcome,
) -> Vec<Effect> {
    let pane = &mut state.audits;
    for id in &outcome.succeeded {
        pane.mitigation_status
            .insert(id.clone(), "mitigation COMPLETED".into());
    }
    for f in &outcome.failed {
        pane.mitigation_status.insert(
            f.target.clone(),
            format!("mitigation FAILED ({}: {})", f.code, f.message),
        );
    }
    let running: Vec<String> = finding_ids
        .iter()
        .filter(|id| outcome.unverified.contains(id))
        .cloned()
        .collect();
    if running.is_empty() || outcome.error.is_some() {
        return Vec::new();
    }
    for id in &running {
        pane.mitigation_status
            .insert(id.clone(), "mitigation IN_PROGRESS".into());
    }
    vec![poll(pane.poll_every, task_id.to_string(), running)]
}

/// A poll answered: update each finding's status; poll again until all are final.
pub(crate) fn on_polled(
    state: &mut State,
    task_id: String,
    finding_ids: Vec<String>,
    result: Result<Vec<MitigationExecution>, String>,
) -> Vec<Effect> {
    let executions = match result {
        Ok(e) => e,
        Err(e) => {
            state.notify(
                NotifyLevel::Error,
                format!("following mitigation {task_id} failed: {e} (refresh to see its state)"),
            );
            return Vec::new();
        }
    };
    let pane = &mut state.audits;
    let mut running = Vec::new();
    let (mut completed, mut failed) = (0, 0);
    for id in &finding_ids {
        let mine: Vec<&MitigationExecution> =
            executions.iter().filter(|e| &e.finding_id == id).collect();
        let (status, done) = finding_status(&mine);
        if !done {
            running.push(id.clone());
        } else if status == "mitigation COMPLETED" {
            completed += 1;
        } else {
            failed += 1;
        }
        pane.mitigation_status.insert(id.clone(), status);
    }
    if !running.is_empty() {
        return vec![poll(pane.poll_every, task_id, running)];
    }
    let level = if failed == 0 {
        NotifyLevel::Success
    } else {
        NotifyLevel::Warning
    };
    state.notify(
        level,
        format!("mitigation {task_id} finished: {completed} completed, {failed} failed or skipped"),
    );
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exec(finding: &str, status: &str) -> MitigationExecution {
        MitigationExecution {
            task_id: "m".into(),
            finding_id: finding.into(),
            action_name: "Act".into(),
            status: status.into(),
            error_code: (status == "SKIPPED").then(|| "InvalidRequestException".into()),
            message: None,
        }
    }

    #[test]
    fn only_completed_executions_make_a_completed_finding() {
        let (p, i, c, s) = (
            exec("f", "PENDING"),
            exec("f", "IN_PROGRESS"),
            exec("f", "COMPLETED"),
            exec("f", "SKIPPED"),
        );
        assert_eq!(finding_status(&[&p]), ("mitigation PENDING".into(), false));
        assert_eq!(
            finding_status(&[&c, &i]),
            ("mitigation IN_PROGRESS".into(), false)
        );
        assert_eq!(finding_status(&[&c]), ("mitigation COMPLETED".into(), true));
        assert_eq!(
            finding_status(&[&c, &s]),
            (
                "mitigation SKIPPED (InvalidRequestException: Act)".into(),
                true
            )
        );
    }
}
