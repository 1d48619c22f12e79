//! Application state and the pure `update()` that is the only place it changes.

pub mod action;
pub mod effect;
pub mod keys;
pub mod session;

pub use action::{Action, NotifyLevel};
pub use effect::{Effect, ReadRequest};
pub use keys::{Key, KeyCode};
pub use session::Session;

/// Everything the console shows. (Skeleton: filled in by the shell work.)
#[derive(Debug)]
pub struct State {
    pub session: Session,
    pub should_quit: bool,
    pub dirty: bool,
}

impl State {
    pub fn new(session: Session) -> Self {
        State {
            session,
            should_quit: false,
            dirty: true,
        }
    }
}

/// Effects to run when the console starts.
pub fn init(_state: &mut State) -> Vec<Effect> {
    vec![Effect::Read(ReadRequest::CallerIdentity)]
}

pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    state.dirty = true;
    if action == Action::Quit {
        state.should_quit = true;
        return vec![Effect::Quit];
    }
    Vec::new()
}
