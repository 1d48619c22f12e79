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
    Change, ChangeOutcome, ChangePlan, FindingEdit, FindingsUpdate, TriageFields,
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
    /// The diff is on screen, waiting for y / n (or the typed count).
    Preview {
        plan: ChangePlan,
        typed: TextInput,
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
    plans_made: u64,
}

impl Pipeline {
    /// Plan ids are a per-session counter: `update` stays deterministic.
    pub fn next_plan_id(&mut self) -> String {
        self.plans_made += 1;
        format!("plan-{}", self.plans_made)
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
        self.stage = Stage::Preview {
            plan,
            typed: TextInput::default(),
        };
    }

    /// Approves the previewed plan. Returns it for execution, or `Err` with what the user
    /// still has to do (type the count).
    pub fn approve(&mut self) -> Result<Option<ChangePlan>, String> {
        let Stage::Preview { plan, typed } = &self.stage else {
            return Ok(None);
        };
        if plan.needs_typed_count() && typed.value().trim() != plan.item_count().to_string() {
            return Err(format!(
                "type {} (the number of items) and press enter to approve",
                plan.item_count()
            ));
        }
        let plan = plan.clone();
        // A new change makes the remembered undo stale; its own undo comes with its outcome.
        self.undo = None;
        self.stage = Stage::Executing { plan: plan.clone() };
        Ok(Some(plan))
    }

    /// The previewed plan waits for a typed count.
    pub fn wants_typed_count(&self) -> bool {
        matches!(&self.stage, Stage::Preview { plan, .. } if plan.needs_typed_count())
    }

    pub fn typed_mut(&mut self) -> Option<&mut TextInput> {
        match &mut self.stage {
            Stage::Preview { typed, .. } => Some(typed),
            _ => None,
        }
    }

    pub fn cancel(&mut self) -> bool {
        if self.is_modal() {
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
    let level = if outcome.is_complete_success() {
        NotifyLevel::Success
    } else {
        NotifyLevel::Error
    };
    let mut message = outcome.summary();
    if state.pipeline.undo.is_some()
        && let Some(key) = state.keymap.hint(Context::of(state), &Action::Undo)
    {
        message.push_str(&format!(" ({key} to undo)"));
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
    }
    Vec::new()
}

/// Actions while the picker or the preview has the keyboard.
pub(super) fn handle(state: &mut State, action: Action) -> Vec<Effect> {
    if matches!(state.pipeline.stage, Stage::Triage(_)) {
        return crate::app::panes::findings::bulk::handle(state, action);
    }
    if matches!(state.pipeline.stage, Stage::Block(_)) {
        return crate::app::panes::findings::block::handle(state, action);
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
        Action::Approve => match p.approve() {
            // The status bar shows "executing plan-N" until the outcome arrives; a
            // notification would outlive the change it announced.
            Ok(Some(plan)) => return vec![Effect::Mutate(plan)],
            Ok(None) => {}
            Err(e) => state.notify(NotifyLevel::Warning, e),
        },
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

/// The typed count of a bulk approval: digits and the editing keys of a text field.
/// `None` lets the key through to the keymap.
pub(super) fn count_key(state: &mut State, key: super::keys::Key) -> Option<Vec<Effect>> {
    use super::keys::KeyCode;
    let typed = state.pipeline.typed_mut()?;
    match key.code {
        KeyCode::Char(c) if c.is_ascii_digit() && !key.ctrl && !key.alt => typed.insert(c),
        KeyCode::Enter => {
            state.dirty = true;
            return Some(super::dispatch(state, Action::Approve));
        }
        KeyCode::Esc => {
            state.dirty = true;
            return Some(super::dispatch(state, Action::Reject));
        }
        // Letters do nothing here: a stray `y` must not approve a bulk change.
        _ if key.typed_char().is_some() => {}
        _ => {
            if typed.handle_key(key) == Edit::Ignored {
                return None;
            }
        }
    }
    state.dirty = true;
    Some(Vec::new())
}
