//! The IoT Device Defender audits pane: audit configuration summary, the tasks table,
//! the selected task's findings grouped by check, and the keys that turn a selection into
//! a change plan (suppress, unsuppress, mitigate, start an audit, import into Security
//! Hub). Pure: reads go out as `Effect::Read(ReadRequest::Iot(..))`, results come back as
//! `Action::Iot(..)`, changes go through the pipeline.

use super::State;
use super::action::{Action, NotifyLevel};
use super::commands::CommandLine;
use super::effect::{Effect, ReadRequest};
use super::input::Prompt;
use crate::domain::iot::{
    AuditFinding, AuditSuppression, AuditTask, CheckGroup, IotOverview, group_by_check,
    validate_suppression,
};
use crate::domain::iot_plan::{IotChange, IotImport};
use crate::domain::plan::{Change, ChangeOutcome, ChangePlan, TargetFailure};

pub use super::audits_suppressions::SuppressionsView;

/// Suppressions ending within this many days are listed as expiring.
pub const EXPIRING_DAYS: f64 = 7.0;
/// The tasks window a refresh reads unless `:audits WINDOW` chose another (IoT keeps
/// audit results 90 days).
pub const TASK_WINDOW_DAYS: f64 = 90.0;

/// Reads the pane asks the effect runner for.
#[derive(Debug, Clone, PartialEq)]
pub enum IotRead {
    /// Configuration, tasks (described), suppressions, mitigation actions and tasks.
    Overview {
        request: u64,
        /// ListAuditTasks / ListAuditMitigationActionsTasks look back this many days.
        window_days: u32,
    },
    Findings {
        request: u64,
        task_id: String,
    },
    /// Read what an import needs and plan it (answered with `ImportPlanned`).
    PlanImport {
        task_id: String,
    },
    /// DescribeAuditTask of a running audit after `delay_ms` (answered with `TaskPolled`).
    PollTask {
        task_id: String,
        delay_ms: u64,
    },
    /// Every suppression, all pages (answered with `SuppressionsLoaded`).
    Suppressions {
        request: u64,
    },
    /// The executions of a running mitigation task for these findings, after `delay_ms`
    /// (answered with `MitigationPolled`).
    PollMitigation {
        task_id: String,
        finding_ids: Vec<String>,
        delay_ms: u64,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expiry {
    Days(u32),
    /// A date (`YYYY-MM-DD`), as epoch seconds at 00:00 UTC.
    Until(f64),
    Indefinitely,
}

/// Results and requests for the pane, inside `Action::Iot`.
#[derive(Debug, Clone, PartialEq)]
pub enum IotAction {
    OverviewLoaded {
        request: u64,
        result: Result<IotOverview, String>,
    },
    FindingsLoaded {
        request: u64,
        task_id: String,
        result: Result<Vec<AuditFinding>, String>,
    },
    ImportPlanned(Result<IotImport, String>),
    /// From `:suppress DAYS|forever DESCRIPTION`.
    Suppress {
        expiry: Expiry,
        description: String,
    },
    /// From `:mitigate ACTION`.
    Mitigate {
        action: String,
    },
    /// An import in progress: findings sent so far of `total`.
    ImportProgress {
        sent: usize,
        total: usize,
    },
    /// DescribeAuditTask of a running audit answered.
    TaskPolled {
        task_id: String,
        result: Result<AuditTask, String>,
    },
    SuppressionsLoaded {
        request: u64,
        result: Result<Vec<AuditSuppression>, String>,
    },
    /// From `:audit CHECK[,CHECK...]`: start an on-demand audit of exactly these checks.
    StartAuditOf {
        checks: Vec<String>,
    },
    /// From `:audits WINDOW`: list the audits of the last `days` days.
    SetWindow {
        days: u32,
    },
    /// The executions of a running mitigation task answered.
    MitigationPolled {
        task_id: String,
        finding_ids: Vec<String>,
        result: Result<Vec<crate::domain::iot::MitigationExecution>, String>,
    },
}

impl IotAction {
    pub fn is_mutating(&self) -> bool {
        matches!(
            self,
            IotAction::Suppress { .. }
                | IotAction::Mitigate { .. }
                | IotAction::StartAuditOf { .. }
        )
    }

    /// Parses `:suppress` / `:mitigate` arguments.
    pub fn parse_command(cmd: &str, arg: &str) -> Option<Result<IotAction, String>> {
        match cmd {
            "suppress" => Some(parse_suppress(arg)),
            "mitigate" if arg.is_empty() => Some(Err("usage: :mitigate ACTION_NAME".into())),
            "mitigate" => Some(Ok(IotAction::Mitigate {
                action: arg.to_string(),
            })),
            "audits" => Some(parse_window(arg).map(|days| IotAction::SetWindow { days })),
            "audit" => {
                let checks: Vec<String> = arg
                    .split(',')
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(str::to_string)
                    .collect();
                Some(if checks.is_empty() {
                    Err("usage: :audit CHECK[,CHECK...] (Tab completes check names)".into())
                } else {
                    Ok(IotAction::StartAuditOf { checks })
                })
            }
            _ => None,
        }
    }
}

/// `7d`, `30d`, `12w` or a number of days, up to the 90 days IoT keeps audits.
pub fn parse_window(arg: &str) -> Result<u32, String> {
    const USAGE: &str = "usage: :audits WINDOW (7d, 30d, 4w, up to 90d)";
    let arg = arg.trim();
    let (num, per) = match arg.strip_suffix('w') {
        Some(n) => (n, 7),
        None => (arg.strip_suffix('d').unwrap_or(arg), 1),
    };
    let days = num
        .parse::<u32>()
        .ok()
        .and_then(|n| n.checked_mul(per))
        .filter(|d| (1..=TASK_WINDOW_DAYS as u32).contains(d))
        .ok_or(USAGE)?;
    Ok(days)
}

fn parse_suppress(arg: &str) -> Result<IotAction, String> {
    const USAGE: &str = "usage: :suppress DAYS|YYYY-MM-DD|forever DESCRIPTION";
    let (when, description) = arg.split_once(char::is_whitespace).ok_or(USAGE)?;
    let expiry = match when {
        "forever" | "indefinitely" => Expiry::Indefinitely,
        date if date.contains('-') => Expiry::Until(parse_date(date).ok_or(USAGE)?),
        days => Expiry::Days(
            days.trim_end_matches('d')
                .parse()
                .ok()
                .filter(|d| *d > 0)
                .ok_or(USAGE)?,
        ),
    };
    Ok(IotAction::Suppress {
        expiry,
        description: description.trim().to_string(),
    })
}

/// `YYYY-MM-DD` as epoch seconds at 00:00 UTC.
fn parse_date(text: &str) -> Option<f64> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(text, &format).ok()?;
    Some(date.midnight().assume_utc().unix_timestamp() as f64)
}

impl Expiry {
    /// The expiration date it sets, read at `now` (None: indefinitely).
    pub fn date(&self, now: f64) -> Option<f64> {
        match self {
            Expiry::Days(d) => Some((now + f64::from(*d) * 86_400.0).floor()),
            Expiry::Until(date) => Some(*date),
            Expiry::Indefinitely => None,
        }
    }
}

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
    request: u64,
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
    pub(super) polling: std::collections::BTreeSet<String>,
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

    pub(super) fn load_overview(&mut self) -> Effect {
        self.request += 1;
        self.overview_status = Load::Loading;
        Effect::Read(ReadRequest::Iot(IotRead::Overview {
            request: self.request,
            window_days: self.window_days(),
        }))
    }

    pub(super) fn load_findings(&mut self, task_id: &str) -> Effect {
        self.findings_request += 1;
        self.findings_status = Load::Loading;
        if self.findings_task.as_deref() != Some(task_id) {
            self.groups.clear();
            self.marked.clear();
            self.rows.clear();
            self.finding_cursor = 0;
        }
        self.findings_task = Some(task_id.to_string());
        Effect::Read(ReadRequest::Iot(IotRead::Findings {
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

    pub fn selected_finding(&self) -> Option<&AuditFinding> {
        match self.rows.get(self.finding_cursor)? {
            Row::Finding(g, f) => self.groups.get(*g)?.findings.get(*f),
            Row::Check(_) => None,
        }
    }

    /// The suppression in force for a finding's check + resource, if any.
    pub fn suppression_of(&self, f: &AuditFinding) -> Option<&AuditSuppression> {
        self.overview
            .as_ref()?
            .suppressions
            .iter()
            .find(|s| s.covers(f))
    }

    /// Suppressions ending within [`EXPIRING_DAYS`].
    pub fn expiring(&self) -> Vec<&AuditSuppression> {
        let Some(o) = &self.overview else {
            return Vec::new();
        };
        o.suppressions
            .iter()
            .filter(|s| s.expires_within(o.now, EXPIRING_DAYS))
            .collect()
    }

    fn set_findings(&mut self, findings: Vec<AuditFinding>) {
        self.groups = group_by_check(&findings);
        self.rows = self
            .groups
            .iter()
            .enumerate()
            .flat_map(|(g, group)| {
                std::iter::once(Row::Check(g))
                    .chain((0..group.findings.len()).map(move |f| Row::Finding(g, f)))
            })
            .collect();
        self.finding_cursor = self.finding_cursor.min(self.rows.len().saturating_sub(1));
    }

    /// The task whose findings are shown, as last read.
    pub fn findings_task_info(&self) -> Option<&AuditTask> {
        let id = self.findings_task.as_deref()?;
        self.tasks().iter().find(|t| t.task_id == id)
    }

    pub(super) fn move_cursor(&mut self, delta: isize) {
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
                effects = super::audits_mitigation::started(state, &task_id, &finding_ids, outcome);
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
        .hint(&Action::RetryFailed)
        .unwrap_or_else(|| ":retry_failed".into());
    let message = format!(
        "{} finding(s) not imported: {} ({hint} retries them)",
        outcome.failed.len(),
        codes.join(", ")
    );
    state.notify(NotifyLevel::Error, message);
}

/// `retry_failed`: preview the import of the findings the last import could not import.
fn retry_import(state: &mut State) {
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

pub(super) fn preview(state: &mut State, change: IotChange) {
    let id = state.pipeline.next_plan_id();
    state.pipeline.preview(ChangePlan::new(
        id,
        crate::domain::plan::Change::Iot(Box::new(change)),
    ));
}

pub(super) fn prefill(state: &mut State, text: &str) {
    state.prompt = Prompt::Command(CommandLine {
        text: text.to_string(),
        ..Default::default()
    });
}

/// Bindable actions while the pane is shown.
pub fn handle(state: &mut State, action: Action) -> Vec<Effect> {
    if let Some(effects) = super::audits_suppressions::handle(state, &action) {
        return effects;
    }
    handle_pane(state, action)
}

fn handle_pane(state: &mut State, action: Action) -> Vec<Effect> {
    let page = state.page_rows() as isize;
    let pane = &mut state.audits;
    match action {
        Action::MoveDown => pane.move_cursor(1),
        Action::MoveUp => pane.move_cursor(-1),
        Action::PageDown => pane.move_cursor(page),
        Action::PageUp => pane.move_cursor(-page),
        Action::Top => pane.move_cursor(-(isize::MAX / 2)),
        Action::Bottom => pane.move_cursor(isize::MAX / 2),
        Action::Open if pane.focus == Focus::Tasks => {
            if let Some(id) = pane.selected_task_id().map(str::to_string) {
                pane.focus = Focus::Findings;
                return vec![pane.load_findings(&id)];
            }
        }
        Action::Back => pane.focus = Focus::Tasks,
        Action::Mark => pane.toggle_mark(),
        Action::ListSuppressions => return super::audits_suppressions::open(state),
        Action::RetryFailed => retry_import(state),
        Action::Refresh => {
            let mut effects = vec![pane.load_overview()];
            if let Some(task) = pane.findings_task.clone() {
                effects.push(pane.load_findings(&task));
            }
            return effects;
        }
        Action::StartAudit => {
            // A picker: the command line prefilled with the enabled checks, to edit.
            let checks = pane
                .overview
                .as_ref()
                .map(|o| o.config.enabled_checks())
                .unwrap_or_default();
            if checks.is_empty() {
                state.notify(NotifyLevel::Warning, "no audit checks are enabled");
            } else {
                prefill(state, &format!("audit {}", checks.join(",")));
            }
        }
        Action::ImportAudit => {
            let task = match pane.focus {
                Focus::Tasks => pane.tasks().get(pane.task_cursor),
                Focus::Findings => pane
                    .tasks()
                    .iter()
                    .find(|t| Some(&t.task_id) == pane.findings_task.as_ref()),
            };
            match task {
                Some(t) if t.task_status == "COMPLETED" => {
                    let task_id = t.task_id.clone();
                    state.notify(
                        NotifyLevel::Info,
                        format!("planning the import of audit {task_id}…"),
                    );
                    return vec![Effect::Read(ReadRequest::Iot(IotRead::PlanImport {
                        task_id,
                    }))];
                }
                Some(t) => {
                    let msg = format!(
                        "audit {} is {}: only completed audits import",
                        t.task_id, t.task_status
                    );
                    state.notify(NotifyLevel::Warning, msg);
                }
                None => state.notify(NotifyLevel::Info, "select an audit task first"),
            }
        }
        Action::Suppress => match pane.selected_finding() {
            Some(_) => prefill(state, "suppress 30 "),
            None => state.notify(NotifyLevel::Info, "select a finding to suppress"),
        },
        Action::Mitigate if !pane.marked.is_empty() => prefill(state, "mitigate "),
        Action::Mitigate => match pane.selected_finding() {
            Some(f) if f.finding_id.is_some() => prefill(state, "mitigate "),
            Some(_) => state.notify(NotifyLevel::Warning, "this finding has no id to mitigate"),
            None => state.notify(NotifyLevel::Info, "select a finding to mitigate"),
        },
        Action::Unsuppress => {
            let existing = pane
                .selected_finding()
                .and_then(|f| pane.suppression_of(f))
                .cloned();
            match existing {
                Some(suppression) => preview(state, IotChange::DeleteSuppression { suppression }),
                None => state.notify(NotifyLevel::Info, "the selected finding is not suppressed"),
            }
        }
        _ => state.dirty = false,
    }
    Vec::new()
}

/// Task results and the `:suppress` / `:mitigate` commands.
pub fn on_result(state: &mut State, action: IotAction) -> Vec<Effect> {
    let pane = &mut state.audits;
    match action {
        IotAction::OverviewLoaded { request, result } => {
            if request != pane.request {
                return Vec::new();
            }
            match result {
                Ok(overview) => {
                    pane.overview = Some(overview);
                    pane.overview_status = Load::Loaded;
                    super::audits_suppressions::clamp(pane);
                    // Running audits are followed until they finish.
                    let mut effects = super::audits_progress::start_polls(pane);
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
        }
        IotAction::FindingsLoaded {
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
        IotAction::ImportPlanned(Ok(import)) if import.is_empty() => {
            state.notify(
                NotifyLevel::Info,
                "nothing to import: Security Hub is up to date",
            );
        }
        IotAction::ImportPlanned(Ok(import)) => preview(state, IotChange::Import(import)),
        IotAction::ImportPlanned(Err(e)) => {
            state.notify(
                NotifyLevel::Error,
                format!("planning the import failed: {e}"),
            );
        }
        IotAction::Suppress {
            expiry,
            description,
        } => suppress(state, expiry, description),
        IotAction::Mitigate { action } => mitigate(state, action),
        IotAction::ImportProgress { sent, total } => {
            pane.import_progress = (sent < total).then_some((sent, total));
        }
        IotAction::TaskPolled { task_id, result } => {
            return super::audits_progress::on_polled(state, task_id, result);
        }
        IotAction::SuppressionsLoaded { request, result } => {
            super::audits_suppressions::on_loaded(state, request, result);
        }
        IotAction::StartAuditOf { checks } => start_audit_of(state, checks),
        IotAction::SetWindow { days } => {
            pane.window = Some(days);
            return vec![pane.load_overview()];
        }
        IotAction::MitigationPolled {
            task_id,
            finding_ids,
            result,
        } => {
            return super::audits_mitigation::on_polled(state, task_id, finding_ids, result);
        }
    }
    Vec::new()
}

fn suppress(state: &mut State, expiry: Expiry, description: String) {
    if state.audits.suppressions_view.is_some() {
        return super::audits_suppressions::edit(state, expiry, description);
    }
    let pane = &state.audits;
    let (Some(f), Some(o)) = (pane.selected_finding(), &pane.overview) else {
        state.notify(NotifyLevel::Info, "select a finding to suppress");
        return;
    };
    let after = AuditSuppression {
        check_name: f.check_name.clone(),
        resource_identifier: f.non_compliant_resource.resource_identifier.clone(),
        expiration_date: expiry.date(o.now),
        suppress_indefinitely: expiry == Expiry::Indefinitely,
        description: Some(description),
    };
    if let Err(e) = validate_suppression(&after, o.now) {
        state.notify(NotifyLevel::Warning, e);
        return;
    }
    let change = match pane.suppression_of(f).cloned() {
        Some(before) => IotChange::UpdateSuppression { before, after },
        None => IotChange::CreateSuppression { suppression: after },
    };
    preview(state, change);
}

/// `:audit CHECKS`: previews an on-demand audit of exactly these checks, which must be
/// enabled (StartOnDemandAuditTask refuses others).
fn start_audit_of(state: &mut State, checks: Vec<String>) {
    let enabled = state
        .audits
        .overview
        .as_ref()
        .map(|o| o.config.enabled_checks())
        .unwrap_or_default();
    let unknown: Vec<&str> = checks
        .iter()
        .filter(|c| !enabled.contains(c))
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        state.notify(
            NotifyLevel::Warning,
            format!(
                "not enabled for this account: {} (Tab completes the enabled checks)",
                unknown.join(", ")
            ),
        );
        return;
    }
    preview(state, IotChange::StartAudit { checks });
}

fn mitigate(state: &mut State, action: String) {
    let pane = &state.audits;
    let targets = pane.target_findings();
    let (false, Some(o)) = (targets.is_empty(), &pane.overview) else {
        state.notify(NotifyLevel::Info, "select or mark findings to mitigate");
        return;
    };
    if !o.mitigation_actions.iter().any(|a| a.action_name == action) {
        let names: Vec<&str> = o
            .mitigation_actions
            .iter()
            .map(|a| a.action_name.as_str())
            .collect();
        state.notify(
            NotifyLevel::Warning,
            format!(
                "no mitigation action {action:?}; defined: {}",
                names.join(", ")
            ),
        );
        return;
    }
    let mut finding_ids = Vec::new();
    let mut actions: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for f in &targets {
        let Some(id) = f.finding_id.clone() else {
            continue;
        };
        finding_ids.push(id);
        actions
            .entry(f.check_name.clone())
            .or_insert_with(|| vec![action.clone()]);
    }
    if finding_ids.is_empty() {
        state.notify(NotifyLevel::Warning, "this finding has no id to mitigate");
        return;
    }
    let now_ms = (o.now * 1000.0) as u64;
    state.audits.mitigations_started += 1;
    // Fresh per session (time of the last read) and per mitigation within it.
    let task_id = format!("secdeck-{now_ms}-{}", state.audits.mitigations_started);
    state.audits.marked.clear();
    preview(
        state,
        IotChange::StartMitigation {
            task_id,
            finding_ids,
            actions,
        },
    );
}

#[cfg(test)]
#[path = "audits_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "audits_flow_tests.rs"]
mod flow_tests;
