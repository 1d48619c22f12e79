//! The journal view as the root sees it: it takes the keyboard over the pane in view and
//! re-reads the journal after every change, whatever its kind.

use super::JournalMsg;
use crate::app::panes::{FinishedChange, Pane};
use crate::app::{Action, Effect, State};

pub struct Room;

impl Pane for Room {
    fn context(&self) -> crate::app::keymap::Context {
        crate::app::keymap::Context::Journal
    }

    fn handle(&self, state: &mut State, action: Action) -> Vec<Effect> {
        super::handle(state, action)
    }

    fn after_change(&self, state: &mut State, _change: &FinishedChange) -> Vec<Effect> {
        if state.journal.is_some() {
            vec![Effect::LoadJournal]
        } else {
            Vec::new()
        }
    }
}

pub fn reduce(state: &mut State, msg: JournalMsg) -> Vec<Effect> {
    match msg {
        JournalMsg::Show(filter) => super::show(state, filter),
        JournalMsg::Loaded(result) => {
            super::loaded(state, result);
            Vec::new()
        }
    }
}
