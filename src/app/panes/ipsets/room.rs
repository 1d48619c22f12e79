//! The WAF IP sets pane as the root sees it.

use super::IpSetsMsg;
use crate::app::panes::{FinishedChange, Pane};
use crate::app::{Action, Effect, NotifyLevel, State};

pub struct Room;

impl Pane for Room {
    fn context(&self) -> crate::app::keymap::Context {
        crate::app::keymap::Context::IpSets
    }

    fn on_show(&self, state: &mut State) -> Vec<Effect> {
        if state.ipsets.load == super::Load::NotLoaded {
            return vec![state.ipsets.start_load()];
        }
        Vec::new()
    }

    fn handle(&self, state: &mut State, action: Action) -> Vec<Effect> {
        super::handle(state, action)
    }

    /// Show the sets as AWS now has them (and the new LockToken for the next edit).
    fn after_change(&self, state: &mut State, change: &FinishedChange) -> Vec<Effect> {
        match &change.plan {
            Some(plan) if plan.touches_ip_sets() => {
                if let crate::domain::plan::Change::IpSetCreate(c) = &plan.change
                    && c.scope == state.ipsets.scope
                {
                    state.ipsets.select_name = Some(c.name.clone());
                }
                vec![state.ipsets.start_load()]
            }
            _ => Vec::new(),
        }
    }
}

pub fn reduce(state: &mut State, msg: IpSetsMsg) -> Vec<Effect> {
    match msg {
        IpSetsMsg::Loaded { request, result } => {
            if let Err(e) = &result {
                state.notify(NotifyLevel::Error, format!("loading IP sets failed: {e}"));
            }
            state.ipsets.on_loaded(request, result);
            // The block picker of the findings pane offers these sets.
            crate::app::panes::findings::block::on_sets_loaded(state);
        }
        IpSetsMsg::IpRangesLoaded { request, result } => {
            super::sync::on_loaded(state, request, result)
        }
        IpSetsMsg::AddressFileLoaded {
            set_id,
            path,
            result,
        } => super::file_loaded(state, &set_id, &path, result),
    }
    Vec::new()
}
