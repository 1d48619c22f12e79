//! The IoT audits pane as the root sees it.

use super::AuditsMsg;
use crate::app::panes::{FinishedChange, Pane};
use crate::app::{Action, Effect, State};
use crate::domain::plan::Change;

pub struct Room;

impl Pane for Room {
    fn context(&self) -> crate::app::keymap::Context {
        crate::app::keymap::Context::Audits
    }

    fn on_show(&self, state: &mut State) -> Vec<Effect> {
        super::on_show(state)
    }

    fn handle(&self, state: &mut State, action: Action) -> Vec<Effect> {
        super::handle(state, action)
    }

    fn after_change(&self, state: &mut State, change: &FinishedChange) -> Vec<Effect> {
        match &change.plan {
            Some(plan) if matches!(plan.change, Change::Iot(_)) => {
                super::after_change(state, Some(plan.clone()), &change.outcome)
            }
            _ => Vec::new(),
        }
    }

    fn is_busy(&self, state: &State) -> bool {
        state.audits.is_loading()
    }
}

pub fn reduce(state: &mut State, msg: AuditsMsg) -> Vec<Effect> {
    super::on_result(state, msg)
}
