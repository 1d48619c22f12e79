//! The interrupted-changes banner: at start the executor finds the journal's intents
//! without an outcome for this session (profile, account, region), re-reads their targets
//! and classifies them; the banner shows one at a time, what was planned and what AWS
//! holds now, with three ways on, each journaled: finish the rest and undo the applied
//! part (both previewed and approved like any change, their plans naming the interrupted
//! one), or mark it reviewed. Esc hides the banner until the next start.

use super::State;
use super::action::{Action, NotifyLevel};
use super::effect::Effect;
use super::panes::FinishedChange;
use super::pipeline::Stage;
use crate::domain::plan::{InterruptedChange, Way};

/// What the executor answers.
#[derive(Debug, Clone, PartialEq)]
pub enum InterruptedMsg {
    /// The interrupted changes of this session's scope, re-read and classified.
    Found(Result<Vec<InterruptedChange>, String>),
    /// "Mark reviewed" was journaled (or not).
    Reviewed {
        plan_id: String,
        result: Result<(), String>,
    },
}

/// What the runtime asks the executor.
#[derive(Debug, Clone, PartialEq)]
pub enum InterruptedEffect {
    Find,
    MarkReviewed(Box<InterruptedChange>),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Banner {
    /// Oldest first; the banner shows the first.
    pub changes: Vec<InterruptedChange>,
    /// Esc: not shown again this session.
    pub hidden: bool,
}

impl Banner {
    /// The banner has something to show (and the keyboard, under the pipeline's modals).
    pub fn is_open(&self) -> bool {
        !self.hidden && !self.changes.is_empty()
    }

    pub fn current(&self) -> Option<&InterruptedChange> {
        self.changes.first()
    }

    fn remove(&mut self, plan_id: &str) -> bool {
        let before = self.changes.len();
        self.changes.retain(|c| c.plan.id != plan_id);
        self.changes.len() != before
    }
}

/// At start: look for interrupted changes (only a session that can write acts on them).
pub fn find(state: &State) -> Option<Effect> {
    (!state.session.read_only).then_some(Effect::Interrupted(InterruptedEffect::Find))
}

/// The executor's answers.
pub(super) fn reduce(state: &mut State, msg: InterruptedMsg) -> Vec<Effect> {
    match msg {
        InterruptedMsg::Found(Ok(changes)) => {
            if let Some(first) = changes.first() {
                tracing::warn!(plan = %first.plan.id, count = changes.len(), "interrupted changes found");
            }
            state.interrupted.changes = changes;
        }
        InterruptedMsg::Found(Err(e)) => state.notify(
            NotifyLevel::Error,
            format!("cannot look for interrupted changes: {e}"),
        ),
        InterruptedMsg::Reviewed { plan_id, result } => match result {
            Ok(()) => {
                state.interrupted.remove(&plan_id);
                state.notify(
                    NotifyLevel::Success,
                    format!("interrupted change {plan_id} marked reviewed in the journal"),
                );
            }
            Err(e) => state.notify(NotifyLevel::Error, format!("not marked reviewed: {e}")),
        },
    }
    Vec::new()
}

/// Keys while the banner has the keyboard.
pub(super) fn handle(state: &mut State, action: Action) -> Vec<Effect> {
    let Some(current) = state.interrupted.current().cloned() else {
        return Vec::new();
    };
    let way = match action {
        Action::FinishInterrupted => Way::Finish,
        Action::UndoInterrupted => Way::Undo,
        Action::MarkReviewed => {
            return vec![Effect::Interrupted(InterruptedEffect::MarkReviewed(
                Box::new(current),
            ))];
        }
        Action::Back | Action::Reject => {
            state.interrupted.hidden = true;
            state.notify(
                NotifyLevel::Info,
                format!(
                    "interrupted change {} left as it is until the next start",
                    current.plan.id
                ),
            );
            return Vec::new();
        }
        _ => {
            state.dirty = false;
            return Vec::new();
        }
    };
    if !matches!(state.pipeline.stage, Stage::Idle) {
        state.notify(NotifyLevel::Warning, "finish the current change first");
        return Vec::new();
    }
    let id = state.pipeline.next_plan_id();
    match current.follow_up(way, id) {
        Some(plan) => {
            state.pipeline.preview(plan);
            // Finishing or undoing a trust-policy change is proved like the change.
            return crate::app::panes::analyzer::proofs::request(state);
        }
        None => {
            let why = match way {
                Way::Finish => "nothing left to finish: AWS holds the whole change",
                _ => "nothing to undo: AWS holds none of the change",
            };
            state.notify(NotifyLevel::Info, why);
        }
    }
    Vec::new()
}

/// A change finished: the interrupted change it settles is closed once its intent is in
/// the journal (a change stopped by the fresh-state check wrote nothing).
pub(super) fn after_change(state: &mut State, finished: &FinishedChange) {
    let Some(resolves) = finished.plan.as_ref().and_then(|p| p.resolves.as_ref()) else {
        return;
    };
    if finished.outcome.replan.is_none() && state.interrupted.remove(&resolves.plan_id) {
        let way = match resolves.way {
            Way::Finish => "finished",
            Way::Undo => "undone",
            Way::Reviewed => "reviewed",
        };
        state.notify(
            NotifyLevel::Info,
            format!("interrupted change {} {way}", resolves.plan_id),
        );
    }
}
