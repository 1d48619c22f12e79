//! After an IoT change: an import's failures kept for `retry_failed`, a started audit
//! selected when it appears, mitigation results per finding, and the re-reads.

use crate::app::State;
use crate::app::action::{Action, NotifyLevel};
use crate::app::effect::Effect;
use crate::domain::iot_plan::{IotChange, IotImport};
use crate::domain::plan::{Change, ChangeOutcome, ChangePlan};

/// An IoT change finished: keep an import's failures for a retry, re-read what it changed.
pub fn after_change(
    state: &mut State,
    executing: Option<ChangePlan>,
    outcome: &ChangeOutcome,
) -> Vec<Effect> {
    let mut effects = Vec::new();
    if let Some(Change::Iot(change)) = executing.map(|p| p.change) {
        match *change {
            IotChange::Import(import) => import_finished(state, &import, outcome),
            // A mitigation reports per finding and may still be running: follow it.
            IotChange::StartMitigation {
                task_id,
                finding_ids,
                ..
            } => {
                effects = crate::app::panes::audits::mitigation::started(
                    state,
                    &task_id,
                    &finding_ids,
                    outcome,
                );
            }
            _ => {}
        }
    }
    let pane = &mut state.audits;
    pane.import_progress = None;
    if let Some(task) = outcome.succeeded.first()
        && !pane.tasks().iter().any(|t| &t.task_id == task)
        && !task.contains('/')
    {
        // A started audit reports its new task id: select it when it appears.
        pane.select_task = Some(task.clone());
    }
    effects.push(pane.load_overview());
    if let Some(task) = pane.findings_task.clone() {
        effects.push(pane.load_findings(&task));
    }
    effects
}

/// Lists the findings an import could not import (by error code) and keeps their import
/// for `retry_failed`; a clean import clears both.
fn import_finished(state: &mut State, import: &IotImport, outcome: &ChangeOutcome) {
    let pane = &mut state.audits;
    pane.import_failures = outcome.failed.clone();
    let failed: Vec<String> = outcome.failed.iter().map(|f| f.target.clone()).collect();
    pane.retry = import
        .retry_of(&failed)
        .map(|retry| ChangePlan::new("retry", Change::Iot(Box::new(IotChange::Import(retry)))));
    if outcome.failed.is_empty() {
        return;
    }
    let mut codes: std::collections::BTreeMap<&str, usize> = Default::default();
    for f in &outcome.failed {
        *codes.entry(f.code.as_str()).or_default() += 1;
    }
    let codes: Vec<String> = codes.iter().map(|(c, n)| format!("{c} ×{n}")).collect();
    let hint = state
        .keymap
        .hint(crate::app::Context::Audits, &Action::RetryFailed)
        .unwrap_or_else(|| ":retry_failed".into());
    let message = format!(
        "{} finding(s) not imported: {} ({hint} retries them)",
        outcome.failed.len(),
        codes.join(", ")
    );
    state.notify(NotifyLevel::Error, message);
}

/// `retry_failed`: preview the import of the findings the last import could not import.
pub(super) fn retry_import(state: &mut State) {
    if state.pipeline.is_executing() {
        state.notify(NotifyLevel::Warning, "a change is already executing");
        return;
    }
    match state.audits.retry.take() {
        Some(mut plan) => {
            plan.id = state.pipeline.next_plan_id();
            state.pipeline.preview(plan);
        }
        None => state.notify(NotifyLevel::Info, "no failed import to retry"),
    }
}
