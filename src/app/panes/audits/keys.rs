//! What the pane's keys do: moving in the tasks table and the findings list, opening a
//! task, refreshing, and starting the changes (audit, import, suppress, mitigate).

use super::import::retry_import;
use super::{Focus, IotRead, prefill, preview};
use crate::app::State;
use crate::app::action::{Action, NotifyLevel};
use crate::app::effect::{Effect, ReadRequest};
use crate::domain::iot_plan::IotChange;

pub(super) fn handle_pane(state: &mut State, action: Action) -> Vec<Effect> {
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
        Action::ListSuppressions => return crate::app::panes::audits::suppressions::open(state),
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
                    return vec![Effect::Read(ReadRequest::Audits(IotRead::PlanImport {
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

/// `:audit CHECKS`: previews an on-demand audit of exactly these checks, which must be
/// enabled (StartOnDemandAuditTask refuses others).
pub(super) fn start_audit_of(state: &mut State, checks: Vec<String>) {
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
