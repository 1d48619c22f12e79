//! The journal view (`:journal [TEXT]`, from any pane): past changes read back from the
//! journal file, newest first, one row per change (its intent and outcome entries joined),
//! filterable by text; on an Access Analyzer remediation `X` plans its rollback from the
//! journal record alone, so a finding that is RESOLVED or gone can still be rolled back.

mod msg;
mod room;
use super::analyzer::PolicyPurpose;
use crate::app::AnalyzerRead;
use crate::app::State;
use crate::app::action::{Action, NotifyLevel};
use crate::app::effect::{Effect, ReadRequest};
use crate::app::pipeline::Stage;
use crate::domain::analyzer::{TrustPolicyEdit, plan_rollback_edit};
use crate::domain::plan::{Change, ChangePlan};
use crate::domain::policy::PolicyDocument;
use crate::journal::{Entry, Phase, ResultStatus};
pub use msg::JournalMsg;
pub use room::{Room, reduce};

/// One change as the journal recorded it.
#[derive(Debug, Clone, PartialEq)]
pub struct JournalRow {
    /// When the intent was written (RFC 3339, UTC).
    pub time: String,
    pub operation: String,
    pub title: String,
    pub targets: Vec<String>,
    /// ok / partial / failed, or "no outcome" when the session stopped mid-change.
    pub outcome: String,
    pub status: Option<ResultStatus>,
    /// Who made it: the caller ARN, else the profile.
    pub who: String,
    /// The targets that succeeded (from the outcome).
    pub succeeded: Vec<String>,
    pub change: ChangePlan,
}

impl JournalRow {
    fn text(&self) -> String {
        format!(
            "{} {} {} {} {} {}",
            self.time,
            self.operation,
            self.title,
            self.targets.join(" "),
            self.outcome,
            self.who
        )
        .to_ascii_lowercase()
    }

    /// The remediation this row records, when it is one that took effect.
    fn applied_deny(&self) -> Option<&TrustPolicyEdit> {
        match &self.change.change {
            Change::TrustPolicyDeny(e) if self.succeeded.contains(&e.role.arn) => Some(e),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct JournalView {
    /// Oldest first, as in the file; None while loading.
    pub rows: Option<Result<Vec<JournalRow>, String>>,
    pub filter: String,
    pub cursor: usize,
}

impl JournalView {
    /// The rows shown: newest first, those matching every word of the filter.
    pub fn visible(&self) -> Vec<&JournalRow> {
        let Some(Ok(rows)) = &self.rows else {
            return Vec::new();
        };
        let words: Vec<String> = self
            .filter
            .split_whitespace()
            .map(str::to_ascii_lowercase)
            .collect();
        rows.iter()
            .rev()
            .filter(|r| {
                let text = r.text();
                words.iter().all(|w| text.contains(w.as_str()))
            })
            .collect()
    }

    pub fn selected(&self) -> Option<&JournalRow> {
        self.visible().get(self.cursor).copied()
    }

    /// A later change that already removed `edit`'s statement, if the journal has one
    /// (and no later re-apply put it back).
    fn rolled_back_since(&self, edit: &TrustPolicyEdit) -> Option<&JournalRow> {
        let Some(Ok(rows)) = &self.rows else {
            return None;
        };
        rows.iter().rev().find_map(|r| match &r.change.change {
            Change::TrustPolicyRollback(e) | Change::TrustPolicyDeny(e)
                if e.role.arn == edit.role.arn
                    && e.sid == edit.sid
                    && r.succeeded.contains(&e.role.arn) =>
            {
                Some(matches!(r.change.change, Change::TrustPolicyRollback(_)).then_some(r))
            }
            _ => None,
        })?
    }
}

/// The exact trust-policy text secdeck's Deny `sid` was added to on role `role_arn`, from
/// the latest remediation the loaded journal records as applied; None when the journal is
/// not loaded or has no such record (the rollback then removes the statement only).
pub fn journaled_original(state: &State, role_arn: &str, sid: &str) -> Option<String> {
    let Some(Ok(rows)) = state
        .journal
        .as_ref()
        .map(|v| &v.rows)?
        .as_ref()
        .map(|r| r.as_ref())
    else {
        return None;
    };
    rows.iter()
        .rev()
        .filter_map(JournalRow::applied_deny)
        .find(|e| e.role.arn == role_arn && e.sid == sid)
        .map(|e| e.original.clone().unwrap_or_else(|| e.before.clone()))
}

/// Joins intent and outcome entries into rows. Plan ids repeat across sessions, so an
/// outcome belongs to the latest intent with its id that has none yet.
pub fn rows_from_entries(entries: Vec<Entry>) -> Vec<JournalRow> {
    let mut rows: Vec<JournalRow> = Vec::new();
    for e in entries {
        let who = e
            .caller_arn
            .clone()
            .or_else(|| e.profile.as_ref().map(|p| format!("profile {p}")))
            .unwrap_or_else(|| "?".into());
        let open = rows.iter().rposition(|r| {
            r.change.id == e.plan_id && r.status.is_none() && r.outcome == "no outcome"
        });
        match (e.phase, open) {
            (Phase::Outcome, Some(i)) => {
                let row = &mut rows[i];
                if let Some(result) = &e.result {
                    row.status = Some(result.status);
                    row.outcome = outcome_text(result.status, result.error.as_deref());
                    row.succeeded = result.succeeded.clone();
                }
                if row.who.starts_with("profile ") && e.caller_arn.is_some() {
                    row.who = who;
                }
            }
            (phase, _) => {
                let result = e.result.as_ref().filter(|_| phase == Phase::Outcome);
                rows.push(JournalRow {
                    time: e
                        .time
                        .format(&time::format_description::well_known::Rfc3339)
                        .unwrap_or_default(),
                    operation: e.operation.clone(),
                    title: e.change.title(),
                    targets: e.targets.clone(),
                    outcome: result
                        .map(|r| outcome_text(r.status, r.error.as_deref()))
                        .unwrap_or_else(|| "no outcome".into()),
                    status: result.map(|r| r.status),
                    who,
                    succeeded: result.map(|r| r.succeeded.clone()).unwrap_or_default(),
                    change: e.change,
                });
            }
        }
    }
    rows
}

fn outcome_text(status: ResultStatus, error: Option<&str>) -> String {
    let word = match status {
        ResultStatus::Ok => "ok",
        ResultStatus::Partial => "partial",
        ResultStatus::Failed => "failed",
    };
    match error {
        Some(e) => format!("{word}: {e}"),
        None => word.to_string(),
    }
}

/// `:journal [TEXT]`: open the view (re-reading the file) with TEXT as the filter.
pub fn show(state: &mut State, filter: String) -> Vec<Effect> {
    let view = state.journal.get_or_insert_with(JournalView::default);
    if view.filter != filter {
        view.cursor = 0;
    }
    view.filter = filter;
    view.rows = None;
    vec![Effect::LoadJournal]
}

/// The journal file was read.
pub fn loaded(state: &mut State, result: Result<Vec<Entry>, String>) {
    if let Some(view) = state.journal.as_mut() {
        let rows = result.map(rows_from_entries);
        let n = rows.as_ref().map_or(0, Vec::len);
        view.rows = Some(rows);
        view.cursor = view.cursor.min(n.saturating_sub(1));
    }
}

/// Keys while the view is open (and no preview has the keyboard).
pub fn handle(state: &mut State, action: Action) -> Vec<Effect> {
    let page = state.page_rows();
    let Some(view) = state.journal.as_mut() else {
        return Vec::new();
    };
    let last = view.visible().len().saturating_sub(1);
    match action {
        Action::MoveDown => view.cursor = (view.cursor + 1).min(last),
        Action::MoveUp => view.cursor = view.cursor.saturating_sub(1),
        Action::PageDown => view.cursor = (view.cursor + page).min(last),
        Action::PageUp => view.cursor = view.cursor.saturating_sub(page),
        Action::Top => view.cursor = 0,
        Action::Bottom => view.cursor = last,
        Action::Back => state.journal = None,
        Action::Refresh => {
            view.rows = None;
            return vec![Effect::LoadJournal];
        }
        // `/` edits the filter on the command line, prefilled.
        Action::Filter => {
            state.prompt = crate::app::input::Prompt::command(format!("journal {}", view.filter));
        }
        Action::Rollback => return rollback(state),
        _ => state.dirty = false,
    }
    Vec::new()
}

/// `X` on a row: plan the rollback of the remediation it records, from the record alone.
fn rollback(state: &mut State) -> Vec<Effect> {
    if !matches!(state.pipeline.stage, Stage::Idle) {
        state.notify(NotifyLevel::Info, "finish the current change first");
        return Vec::new();
    }
    let Some(view) = state.journal.as_ref() else {
        return Vec::new();
    };
    let Some(row) = view.selected() else {
        state.notify(NotifyLevel::Info, "no journal entry selected");
        return Vec::new();
    };
    let edit = match (&row.change.change, row.applied_deny()) {
        (_, Some(edit)) => edit.clone(),
        (Change::TrustPolicyDeny(_), None) => {
            let why = format!(
                "this remediation did not take effect ({}): nothing to roll back",
                row.outcome
            );
            state.notify(NotifyLevel::Info, why);
            return Vec::new();
        }
        (Change::TrustPolicyRollback(e), None) => {
            let why = format!(
                "this entry is itself a rollback (Sid {} on role {}); pick the remediation to roll back",
                e.sid, e.role.name
            );
            state.notify(NotifyLevel::Info, why);
            return Vec::new();
        }
        _ => {
            let why = format!(
                "rollback from the journal covers Access Analyzer remediations; this entry is {}",
                row.operation
            );
            state.notify(NotifyLevel::Info, why);
            return Vec::new();
        }
    };
    if let Some(done) = view.rolled_back_since(&edit) {
        let why = format!(
            "already rolled back at {} (Sid {} on role {}): nothing to change",
            done.time, edit.sid, edit.role.name
        );
        state.notify(NotifyLevel::Info, why);
        return Vec::new();
    }
    let session = state.session.identity.as_ref().map(|i| i.account.as_str());
    let assume_role = match &edit.assume_role {
        Some(role) => Some(role.clone()),
        None => match state.cross_account.access_for(&edit.role.account, session) {
            Ok(role) => role,
            Err(why) => {
                state.notify(NotifyLevel::Error, format!("cannot roll back: {why}"));
                return Vec::new();
            }
        },
    };
    vec![Effect::Read(ReadRequest::Analyzer(
        AnalyzerRead::TrustPolicy {
            role_name: edit.role.name.clone(),
            role_arn: edit.role.arn.clone(),
            assume_role: assume_role.clone(),
            purpose: PolicyPurpose::JournalRollback {
                edit: Box::new(TrustPolicyEdit {
                    assume_role,
                    ..edit
                }),
            },
        },
    ))]
}

/// Plans the rollback of a journaled Deny against the policy just read. The statement
/// being gone (rolled back elsewhere, or removed by hand) is said plainly; nothing is planned.
pub(crate) fn plan_rollback(
    state: &mut State,
    edit: &TrustPolicyEdit,
    result: Result<String, String>,
) {
    let current = match result {
        Ok(c) => c,
        Err(e) => {
            state.notify(
                NotifyLevel::Error,
                format!("cannot plan the rollback of role {}: {e}", edit.role.name),
            );
            return;
        }
    };
    let present = PolicyDocument::parse(&current)
        .map(|d| d.find_sid(&edit.sid).is_some())
        .unwrap_or(true);
    if !present {
        state.notify(
            NotifyLevel::Info,
            format!(
                "secdeck's Deny {} is no longer in the trust policy of {} (already rolled back or removed): nothing to change",
                edit.sid, edit.role.name
            ),
        );
        return;
    }
    match plan_rollback_edit(
        &edit.role.arn,
        &edit.finding_id,
        &edit.analyzer_arn,
        &current,
        Some(&edit.before),
        edit.rescan,
    ) {
        Ok(mut rb) => {
            rb.assume_role = edit.assume_role.clone();
            let id = state.pipeline.next_plan_id();
            let plan = ChangePlan::new(id, Change::TrustPolicyRollback(Box::new(rb)));
            state.pipeline.preview(plan);
        }
        Err(e) => state.notify(NotifyLevel::Warning, e),
    }
}

#[cfg(test)]
mod tests;
