//! The change pipeline as the user sees it: pick -> plan -> preview -> approve (y, or the
//! typed count for bulk changes) -> executing -> outcome, with undo offered afterwards.
//! Generic over `ChangePlan`; a pane only supplies the plan.

use super::State;
use super::action::{Action, NotifyLevel};
use super::effect::Effect;
use super::keymap::Context;
use super::panes::FinishedChange;
use super::widgets::{Edit, TextInput};
use crate::domain::finding::{FindingRef, WorkflowStatus};
use crate::domain::plan::{
    Change, ChangeOutcome, ChangePlan, FindingEdit, FindingsUpdate, PlanIds, PreviewLine,
    TriageFields,
};

#[derive(Debug, Clone, PartialEq, Default)]
pub enum Stage {
    #[default]
    Idle,
    /// Choosing the new workflow status for one finding.
    PickWorkflow {
        target: FindingRef,
        title: String,
        before: Option<WorkflowStatus>,
        cursor: usize,
    },
    /// The diff is on screen, waiting for y / n (or the typed count); `scroll` is the
    /// first preview line shown when the diff is taller than the screen.
    Preview {
        plan: ChangePlan,
        typed: TextInput,
        scroll: usize,
    },
    Executing {
        plan: ChangePlan,
    },
    /// The findings pane's bulk pickers and note editor.
    Triage(crate::app::panes::findings::bulk::TriageStage),
    /// Block from a finding: choosing the IP set (and the NOTIFIED toggle).
    Block(crate::app::panes::findings::block::BlockStage),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Pipeline {
    pub stage: Stage,
    /// The plan that undoes the last change, when AWS allows it.
    pub undo: Option<ChangePlan>,
    /// Shown above a preview re-planned because its targets moved in AWS since the last
    /// one: what moved, and who moved it when AWS says.
    pub moved: Vec<PreviewLine>,
    /// Where plan ids come from (seeded once per session, see [`PlanIds`]).
    pub ids: PlanIds,
}

impl Pipeline {
    /// The next UUIDv7 of the session's seed: `update` stays deterministic.
    pub fn next_plan_id(&mut self) -> String {
        self.ids.next_id()
    }

    /// True while an IoT change executes (its outcome reloads the audits pane).
    pub fn executing_iot(&self) -> bool {
        matches!(&self.stage, Stage::Executing { plan } if matches!(plan.change, Change::Iot(_)))
    }

    /// The plan being executed, if any.
    pub fn executing_plan(&self) -> Option<&ChangePlan> {
        match &self.stage {
            Stage::Executing { plan } => Some(plan),
            _ => None,
        }
    }

    pub fn is_executing(&self) -> bool {
        matches!(self.stage, Stage::Executing { .. })
    }

    /// True while a modal of the pipeline (picker, preview) has the keyboard.
    pub fn is_modal(&self) -> bool {
        matches!(
            self.stage,
            Stage::PickWorkflow { .. } | Stage::Preview { .. } | Stage::Triage(_) | Stage::Block(_)
        )
    }

    pub fn pick_workflow(
        &mut self,
        target: FindingRef,
        title: String,
        before: Option<WorkflowStatus>,
    ) {
        let cursor = before
            .and_then(|b| WorkflowStatus::ALL.iter().position(|w| *w == b))
            .unwrap_or(0);
        self.stage = Stage::PickWorkflow {
            target,
            title,
            before,
            cursor,
        };
    }

    pub fn move_cursor(&mut self, delta: isize) {
        if let Stage::PickWorkflow { cursor, .. } = &mut self.stage {
            let last = WorkflowStatus::ALL.len() - 1;
            *cursor = cursor.saturating_add_signed(delta).min(last);
        }
    }

    /// Turns the picked status into a plan and shows its preview. `Err` says why not
    /// (nothing to change).
    pub fn choose(&mut self) -> Result<(), String> {
        let Stage::PickWorkflow {
            target,
            title,
            before,
            cursor,
        } = std::mem::take(&mut self.stage)
        else {
            return Ok(());
        };
        let after = WorkflowStatus::ALL[cursor.min(WorkflowStatus::ALL.len() - 1)];
        if before == Some(after) {
            return Err(format!("workflow is already {after}: nothing to change"));
        }
        let edit = FindingEdit {
            finding: target,
            title,
            resource: String::new(),
            before: TriageFields {
                workflow: before,
                ..TriageFields::default()
            },
            after: TriageFields {
                workflow: Some(after),
                ..TriageFields::default()
            },
        };
        let id = self.next_plan_id();
        self.preview(ChangePlan::new(
            id,
            Change::FindingsUpdate(FindingsUpdate { edits: vec![edit] }),
        ));
        Ok(())
    }

    pub fn preview(&mut self, plan: ChangePlan) {
        self.moved.clear();
        self.stage = Stage::Preview {
            plan,
            typed: TextInput::default(),
            scroll: 0,
        };
    }

    /// The lines of the preview modal: what moved (a re-planned change), then the plan's
    /// preview. Empty when no plan is previewed.
    pub fn preview_lines(&self) -> Vec<PreviewLine> {
        match &self.stage {
            Stage::Preview { plan, .. } => {
                let mut lines = self.moved.clone();
                lines.extend(plan.preview());
                lines
            }
            _ => Vec::new(),
        }
    }

    /// Moves the previewed diff by `delta` lines, `rows` of it on screen.
    pub fn scroll_preview(&mut self, delta: isize, rows: usize) {
        let last = self.preview_lines().len().saturating_sub(rows);
        if let Stage::Preview { scroll, .. } = &mut self.stage {
            *scroll = scroll.saturating_add_signed(delta).min(last);
        }
    }

    /// The guardrails of the previewed plan (empty when none or no preview).
    pub fn previewed_guardrails(&self) -> &[String] {
        match &self.stage {
            Stage::Preview { plan, .. } => &plan.guardrails,
            _ => &[],
        }
    }

    /// Approves the previewed plan (`past_guardrails`: with the override key). Returns it
    /// for execution, or `Err` with what the user still has to do (type the count) or
    /// why it is refused (its guardrails).
    pub fn approve(&mut self, past_guardrails: bool) -> Result<Option<ChangePlan>, String> {
        let Stage::Preview { plan, typed, .. } = &self.stage else {
            return Ok(None);
        };
        if plan.needs_typed_count() && typed.value().trim() != plan.item_count().to_string() {
            return Err(format!(
                "type {} (the number of items) and press enter to approve",
                plan.item_count()
            ));
        }
        if !plan.guardrails.is_empty() && !past_guardrails {
            return Err(format!("refused: {}", plan.guardrails.join("; ")));
        }
        if plan.proofs_running() {
            return Err("the proofs are still running: approve once their results show".into());
        }
        let word = plan.needs_typed_word();
        if let Some(word) = word
            && typed.value().trim() != word
        {
            let failures = plan
                .proofs
                .as_ref()
                .map(|p| p.failures())
                .unwrap_or_default();
            // A wrong word is typed again from scratch.
            if let Some(typed) = self.typed_mut() {
                typed.clear();
            }
            return Err(format!(
                "refused: {}; type {word} and press enter to approve anyway",
                failures.join("; ")
            ));
        }
        let mut plan = plan.clone();
        plan.overridden = !plan.guardrails.is_empty();
        plan.proofs_overridden = word.is_some();
        // A new change makes the remembered undo stale; its own undo comes with its outcome.
        self.undo = None;
        self.stage = Stage::Executing { plan: plan.clone() };
        Ok(Some(plan))
    }

    /// The previewed plan waits for a typed count, or for the override word of failed proofs.
    pub fn wants_typed_count(&self) -> bool {
        matches!(&self.stage, Stage::Preview { plan, .. } if plan.needs_typed_count())
            || self.wants_typed_word()
    }

    /// The previewed plan's proofs failed: approving it takes the typed override word.
    pub fn wants_typed_word(&self) -> bool {
        matches!(&self.stage, Stage::Preview { plan, .. } if plan.needs_typed_word().is_some())
    }

    pub fn typed_mut(&mut self) -> Option<&mut TextInput> {
        match &mut self.stage {
            Stage::Preview { typed, .. } => Some(typed),
            _ => None,
        }
    }

    pub fn cancel(&mut self) -> bool {
        if self.is_modal() {
            self.moved.clear();
            self.stage = Stage::Idle;
            return true;
        }
        false
    }

    /// The executor reported back: the executing plan ends (one change executes at a
    /// time, so any outcome ends it) and is returned when the outcome names it.
    pub fn finish(
        &mut self,
        outcome: &ChangeOutcome,
        undo: Option<ChangePlan>,
    ) -> Option<ChangePlan> {
        let plan = match std::mem::take(&mut self.stage) {
            Stage::Executing { plan } => Some(plan).filter(|p| p.id == outcome.plan_id),
            other => {
                self.stage = other;
                None
            }
        };
        if undo.is_some() {
            self.undo = undo;
        }
        plan
    }

    /// Starts the preview of the remembered undo plan, under a fresh id.
    pub fn start_undo(&mut self) -> Result<(), String> {
        if !matches!(self.stage, Stage::Idle) {
            return Err("finish the current change first".into());
        }
        let Some(mut plan) = self.undo.clone() else {
            return Err("nothing to undo".into());
        };
        plan.id = self.next_plan_id();
        self.preview(plan);
        Ok(())
    }
}

/// The executor finished a plan: end it, say how it went (with the undo key when there
/// is an undo), and hand the outcome to the panes.
pub(super) fn finished(
    state: &mut State,
    outcome: ChangeOutcome,
    undo: Option<ChangePlan>,
) -> FinishedChange {
    let plan = state.pipeline.finish(&outcome, undo);
    let level = if outcome.replan.is_some() || outcome.write_error.is_some() {
        NotifyLevel::Warning
    } else if outcome.is_complete_success() {
        NotifyLevel::Success
    } else {
        NotifyLevel::Error
    };
    // Targets moved in AWS since the preview: nothing was written; the change planned
    // again against the new state needs its own preview and approval.
    if let Some(replan) = &outcome.replan
        && let Some(new_plan) = &replan.plan
    {
        state.pipeline.preview(new_plan.clone());
        state.pipeline.moved = replan.lines();
    }
    let mut message = outcome.summary();
    let leaves = plan.as_ref().and_then(ChangePlan::undo_leaves);
    let key = state.keymap.hint(Context::of(state), &Action::Undo);
    match (state.pipeline.undo.is_some(), key, leaves) {
        (true, Some(key), None) => message.push_str(&format!(" ({key} to undo)")),
        (true, Some(key), Some(leaves)) => message.push_str(&format!(" ({key} to undo; {leaves})")),
        (false, _, Some(leaves)) if !outcome.succeeded.is_empty() => {
            message.push_str(&format!(" ({leaves})"))
        }
        _ => {}
    }
    if let Some(f) = outcome.failed.first() {
        message.push_str(&format!(": {}", f.message));
    }
    state.notify(level, message);
    FinishedChange { plan, outcome }
}

/// `u`: preview the remembered undo plan.
pub(super) fn undo(state: &mut State) -> Vec<Effect> {
    if let Err(e) = state.pipeline.start_undo() {
        state.notify(NotifyLevel::Info, e);
        return Vec::new();
    }
    // An undo of a trust-policy change is proved like the change itself.
    crate::app::panes::analyzer::proofs::request(state)
}

/// Actions while the picker or the preview has the keyboard.
pub(super) fn handle(state: &mut State, action: Action) -> Vec<Effect> {
    if matches!(state.pipeline.stage, Stage::Triage(_)) {
        return crate::app::panes::findings::bulk::handle(state, action);
    }
    if matches!(state.pipeline.stage, Stage::Block(_)) {
        return crate::app::panes::findings::block::handle(state, action);
    }
    if matches!(state.pipeline.stage, Stage::Preview { .. }) {
        let rows = state.preview_rows(state.pipeline.preview_lines().len());
        if let Some(delta) = scroll_lines(&action, rows) {
            state.pipeline.scroll_preview(delta, rows);
            return Vec::new();
        }
    }
    let p = &mut state.pipeline;
    match action {
        Action::MoveDown => p.move_cursor(1),
        Action::MoveUp => p.move_cursor(-1),
        Action::Top => p.move_cursor(-10),
        Action::Bottom => p.move_cursor(10),
        Action::Open if matches!(p.stage, Stage::PickWorkflow { .. }) => {
            if let Err(e) = p.choose() {
                state.notify(NotifyLevel::Info, e);
            }
        }
        Action::Approve => return approve(state, false),
        Action::ApproveOverride => return approve(state, true),
        Action::Reject | Action::Back => {
            let title = match &p.stage {
                Stage::Preview { plan, .. } => Some(plan.title()),
                _ => None,
            };
            p.cancel();
            if let Some(title) = title {
                state.notify(NotifyLevel::Info, format!("not sent: {title}"));
            }
        }
        _ => state.dirty = false,
    }
    Vec::new()
}

/// How far a key scrolls a preview with `rows` lines on screen.
fn scroll_lines(action: &Action, rows: usize) -> Option<isize> {
    let page = isize::try_from(rows).unwrap_or(isize::MAX).max(1);
    match action {
        Action::MoveDown => Some(1),
        Action::MoveUp => Some(-1),
        Action::PageDown => Some(page),
        Action::PageUp => Some(-page),
        Action::Top => Some(isize::MIN / 2),
        Action::Bottom => Some(isize::MAX / 2),
        _ => None,
    }
}

/// `y` (or the override key): the plan goes to the executor, unless the preview is not on
/// screen, the count is not typed, or a guardrail refuses it without the override.
fn approve(state: &mut State, past_guardrails: bool) -> Vec<Effect> {
    if state.too_small() {
        state.notify(
            NotifyLevel::Warning,
            "the preview is not on screen (terminal too small): nothing approved",
        );
        return Vec::new();
    }
    match state.pipeline.approve(past_guardrails) {
        // The status bar shows "executing <plan id>" until the outcome arrives; a
        // notification would outlive the change it announced.
        Ok(Some(plan)) => vec![Effect::Mutate(plan)],
        Ok(None) => Vec::new(),
        Err(mut e) => {
            if !state.pipeline.previewed_guardrails().is_empty()
                && let Some(key) = state
                    .keymap
                    .hint(Context::Preview, &Action::ApproveOverride)
            {
                e.push_str(&format!(" ({key} approves anyway; the journal records it)"));
            }
            state.notify(NotifyLevel::Warning, e);
            Vec::new()
        }
    }
}

/// The typed count of a bulk approval: digits and the editing keys of a text field.
/// `None` lets the key through to the keymap.
pub(super) fn count_key(state: &mut State, key: super::keys::Key) -> Option<Vec<Effect>> {
    use super::keys::KeyCode;
    // The override word of failed proofs is typed letter by letter; a count is digits.
    let word = state.pipeline.wants_typed_word();
    let typed = state.pipeline.typed_mut()?;
    match key.code {
        KeyCode::Char(c)
            if (c.is_ascii_digit() || (word && c.is_ascii_alphabetic()))
                && !key.ctrl
                && !key.alt =>
        {
            typed.insert(c)
        }
        KeyCode::Enter => {
            state.dirty = true;
            return Some(super::dispatch(state, Action::Approve));
        }
        KeyCode::Esc => {
            state.dirty = true;
            return Some(super::dispatch(state, Action::Reject));
        }
        // Letters do not type here and a stray `y` must not approve a bulk change; the
        // preview's scrolling keys and the guardrail override still act.
        _ if key.typed_char().is_some() => {
            let action = state.keymap.action_in(Context::Preview, &key).cloned();
            if let Some(
                action @ (Action::MoveDown
                | Action::MoveUp
                | Action::Top
                | Action::Bottom
                | Action::ApproveOverride),
            ) = action
            {
                state.dirty = true;
                return Some(super::dispatch(state, action));
            }
        }
        _ => {
            if typed.handle_key(key) == Edit::Ignored {
                return None;
            }
        }
    }
    state.dirty = true;
    Some(Vec::new())
}
