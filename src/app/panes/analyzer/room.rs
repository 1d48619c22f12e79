//! The Access Analyzer pane as the root sees it.

use super::AnalyzerMsg;
use crate::app::PaneMsg;
use crate::app::panes::{FinishedChange, Pane};
use crate::app::{Action, Effect, State};

pub struct Room;

impl Pane for Room {
    fn context(&self) -> crate::app::keymap::Context {
        crate::app::keymap::Context::Analyzer
    }

    fn on_show(&self, state: &mut State) -> Vec<Effect> {
        super::on_show(state)
    }

    fn handle(&self, state: &mut State, action: Action) -> Vec<Effect> {
        match action {
            // `:group` groups the rows of whichever pane shows them.
            Action::SetGrouping(by) => super::handle(
                state,
                Action::Pane(PaneMsg::Analyzer(AnalyzerMsg::Group(by))),
            ),
            other => super::handle(state, other),
        }
    }

    fn after_change(&self, state: &mut State, change: &FinishedChange) -> Vec<Effect> {
        super::on_change_finished(state, &change.outcome, change.plan.clone())
    }
}
