//! The IoT Device Defender audits pane: audit configuration summary, the tasks table,
//! the selected task's findings grouped by check, and the keys that turn a selection into
//! a change plan (suppress, unsuppress, mitigate, start an audit, import into Security
//! Hub). Pure: reads go out as `Effect::Read(ReadRequest::Audits(..))`, results come back as
//! `Action::Pane(PaneMsg::Audits(..))`, changes go through the pipeline.
//! This module owns the pane's state and routes its actions; the jobs live in submodules.

mod actions;
mod findings;
mod import;
mod keys;
mod marks;
mod mitigate;
mod mitigation;
mod progress;
mod room;
mod suppress;
pub use room::{Room, reduce};
mod suppressions;

use crate::app::State;
use crate::app::action::{Action, NotifyLevel};
use crate::app::effect::{Effect, ReadRequest};
use crate::app::input::Prompt;
use crate::domain::iot::{CheckGroup, IotOverview};
use crate::domain::iot_plan::IotChange;
use crate::domain::plan::{ChangePlan, TargetFailure};
use keys::handle_pane;
use mitigate::mitigate;
use suppress::suppress;

pub use crate::app::panes::audits::suppressions::SuppressionsView;
pub use actions::{AuditsMsg, Expiry, IotRead};
pub use import::after_change;

/// Suppressions ending within this many days are listed as expiring.
pub const EXPIRING_DAYS: f64 = 7.0;
/// The tasks window a refresh reads unless `:audits WINDOW` chose another (IoT keeps
/// audit results 90 days).
pub const TASK_WINDOW_DAYS: f64 = 90.0;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Load {
    #[default]
    Idle,
    Loading,
    Loaded,
    Failed(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    #[default]
    Tasks,
    Findings,
}

/// One line of the grouped findings list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    Check(usize),
    Finding(usize, usize),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditsPane {
    pub overview: Option<IotOverview>,
    pub overview_status: Load,
    pub(crate) request: u64,
    pub task_cursor: usize,
    pub findings_task: Option<String>,
    pub groups: Vec<CheckGroup>,
    pub rows: Vec<Row>,
    pub findings_status: Load,
    findings_request: u64,
    pub finding_cursor: usize,
    pub focus: Focus,
    /// A task to select once the next overview arrives (a just-started audit).
    select_task: Option<String>,
    mitigations_started: u64,
    /// Finding id -> the last mitigation's result for it, as the executor verified it.
    pub mitigation_status: std::collections::BTreeMap<String, String>,
    /// (sent, total) of the import executing now.
    pub import_progress: Option<(usize, usize)>,
    /// Running audits being polled (one poll in flight each).
    pub(crate) polling: std::collections::BTreeSet<String>,
    /// Milliseconds between polls of a running audit (None: `POLL_MS`).
    pub poll_every: Option<u64>,
    /// The suppressions view (`L`), when open.
    pub suppressions_view: Option<SuppressionsView>,
    /// The findings the last import could not import, with their error codes.
    pub import_failures: Vec<TargetFailure>,
    /// The import of just those findings, for `retry_failed`.
    pub retry: Option<ChangePlan>,
    /// Marked findings by id (space): `:mitigate` covers them all.
    pub marked: std::collections::BTreeSet<String>,
    /// Days of audit tasks listed, from `:audits WINDOW` (None: `TASK_WINDOW_DAYS`).
    pub window: Option<u32>,
}

impl AuditsPane {
    /// Days of audit tasks the pane lists.
    pub fn window_days(&self) -> u32 {
        self.window.unwrap_or(TASK_WINDOW_DAYS as u32)
    }

    pub(crate) fn load_overview(&mut self) -> Effect {
        self.request += 1;
        self.overview_status = Load::Loading;
        Effect::Read(ReadRequest::Audits(IotRead::Overview {
            request: self.request,
            window_days: self.window_days(),
        }))
    }

    pub(crate) fn load_findings(&mut self, task_id: &str) -> Effect {
        self.findings_request += 1;
        self.findings_status = Load::Loading;
        if self.findings_task.as_deref() != Some(task_id) {
            self.groups.clear();
            self.marked.clear();
            self.rows.clear();
            self.finding_cursor = 0;
        }
        self.findings_task = Some(task_id.to_string());
        Effect::Read(ReadRequest::Audits(IotRead::Findings {
            request: self.findings_request,
            task_id: task_id.to_string(),
        }))
    }

    pub fn is_loading(&self) -> bool {
        self.overview_status == Load::Loading || self.findings_status == Load::Loading
    }

    pub fn tasks(&self) -> &[crate::domain::iot::AuditTask] {
        self.overview.as_ref().map_or(&[], |o| &o.tasks)
    }

    pub fn selected_task_id(&self) -> Option<&str> {
        self.tasks()
            .get(self.task_cursor)
            .map(|t| t.task_id.as_str())
    }

    pub(crate) fn move_cursor(&mut self, delta: isize) {
        let tasks = self.tasks().len();
        let (cursor, len) = match self.focus {
            Focus::Tasks => (&mut self.task_cursor, tasks),
            Focus::Findings => (&mut self.finding_cursor, self.rows.len()),
        };
        let max = len.saturating_sub(1) as isize;
        *cursor = (*cursor as isize + delta).clamp(0, max) as usize;
    }
}

/// The pane was shown: load it the first time.
pub fn on_show(state: &mut State) -> Vec<Effect> {
    match state.audits.overview_status {
        Load::Idle => vec![state.audits.load_overview()],
        _ => Vec::new(),
    }
}

pub(crate) fn preview(state: &mut State, change: IotChange) {
    let id = state.pipeline.next_plan_id();
    state.pipeline.preview(ChangePlan::new(
        id,
        crate::domain::plan::Change::Iot(Box::new(change)),
    ));
}

pub(crate) fn prefill(state: &mut State, text: &str) {
    state.prompt = Prompt::command(text);
}

/// Bindable actions while the pane is shown.
pub fn handle(state: &mut State, action: Action) -> Vec<Effect> {
    if let Some(effects) = crate::app::panes::audits::suppressions::handle(state, &action) {
        return effects;
    }
    handle_pane(state, action)
}

/// Task results and the `:suppress` / `:mitigate` commands.
pub fn on_result(state: &mut State, action: AuditsMsg) -> Vec<Effect> {
    if matches!(action, AuditsMsg::ImportPlanned(_)) {
        // The plan (or its failure) answers "planning the import...": it goes.
        state.notifications.dismiss("planning the import of audit");
    }
    let pane = &mut state.audits;
    match action {
        AuditsMsg::OverviewLoaded { request, result } => {
            return overview_loaded(state, request, result);
        }
        AuditsMsg::FindingsLoaded {
            request,
            task_id,
            result,
        } => {
            if request != pane.findings_request || pane.findings_task.as_deref() != Some(&task_id) {
                return Vec::new();
            }
            match result {
                Ok(findings) => {
                    pane.set_findings(findings);
                    pane.findings_status = Load::Loaded;
                }
                Err(e) => {
                    pane.findings_status = Load::Failed(e.clone());
                    state.notify(
                        NotifyLevel::Error,
                        format!("loading audit findings failed: {e}"),
                    );
                }
            }
        }
        AuditsMsg::ImportPlanned(Ok(import)) if import.is_empty() => {
            state.notify(
                NotifyLevel::Info,
                "nothing to import: Security Hub is up to date",
            );
        }
        AuditsMsg::ImportPlanned(Ok(import)) => preview(state, IotChange::Import(import)),
        AuditsMsg::ImportPlanned(Err(e)) => {
            state.notify(
                NotifyLevel::Error,
                format!("planning the import failed: {e}"),
            );
        }
        AuditsMsg::Suppress {
            expiry,
            description,
        } => suppress(state, expiry, description),
        AuditsMsg::Mitigate { action } => mitigate(state, action),
        AuditsMsg::ImportProgress { sent, total } => {
            pane.import_progress = (sent < total).then_some((sent, total));
        }
        AuditsMsg::TaskPolled { task_id, result } => {
            return crate::app::panes::audits::progress::on_polled(state, task_id, result);
        }
        AuditsMsg::SuppressionsLoaded { request, result } => {
            crate::app::panes::audits::suppressions::on_loaded(state, request, result);
        }
        AuditsMsg::StartAuditOf { checks } => keys::start_audit_of(state, checks),
        AuditsMsg::SetWindow { days } => {
            pane.window = Some(days);
            return vec![pane.load_overview()];
        }
        AuditsMsg::MitigationPolled {
            task_id,
            finding_ids,
            result,
        } => {
            return crate::app::panes::audits::mitigation::on_polled(
                state,
                task_id,
                finding_ids,
                result,
            );
        }
    }
    Vec::new()
}

/// The audits list arrived: follow running audits, keep (or restore) the selection and
/// load the selected audit's findings.
fn overview_loaded(
    state: &mut State,
    request: u64,
    result: Result<crate::domain::iot::IotOverview, String>,
) -> Vec<Effect> {
    let pane = &mut state.audits;
    if request != pane.request {
        return Vec::new();
    }
    match result {
        Ok(overview) => {
            pane.overview = Some(overview);
            pane.overview_status = Load::Loaded;
            crate::app::panes::audits::suppressions::clamp(pane);
            // Running audits are followed until they finish.
            let mut effects = crate::app::panes::audits::progress::start_polls(pane);
            if let Some(sel) = pane.select_task.take()
                && let Some(i) = pane.tasks().iter().position(|t| t.task_id == sel)
            {
                pane.task_cursor = i;
                effects.push(pane.load_findings(&sel));
                return effects;
            }
            pane.task_cursor = pane.task_cursor.min(pane.tasks().len().saturating_sub(1));
            if pane.findings_task.is_none()
                && let Some(id) = pane.selected_task_id().map(str::to_string)
            {
                effects.push(pane.load_findings(&id));
            }
            return effects;
        }
        Err(e) => {
            pane.overview_status = Load::Failed(e.clone());
            state.notify(
                NotifyLevel::Error,
                format!("loading IoT audits failed: {e}"),
            );
        }
    }
    Vec::new()
}

#[cfg(test)]
pub(crate) mod tests;

#[cfg(test)]
mod flow_tests;
