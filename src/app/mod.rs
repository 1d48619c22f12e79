//! Application state and the pure `update()` that is the only place it changes.
//! `update` never does I/O and never reads a clock: it returns `Effect`s for the runtime.

pub mod action;
pub mod actions;
pub mod commands;
pub mod effect;
pub mod help;
pub mod input;
pub mod interrupted;
pub mod keymap;
pub mod keys;
pub mod layout;
pub mod modal;
pub mod mouse;
#[cfg(test)]
mod mouse_tests;
pub mod notify;
pub mod panes;
pub mod pipeline;
#[cfg(test)]
mod pipeline_tests;
#[cfg(test)]
mod read_only_tests;
pub mod session;
#[cfg(test)]
pub(crate) mod tests;
#[cfg(test)]
mod text_fields_tests;
pub mod widgets;

pub use action::{Action, NotifyLevel};
pub use effect::{Effect, ReadRequest};
pub use keymap::{Context, Keymap};
pub use keys::{Key, KeyCode};
pub use panes::{
    PaneId, PaneMsg,
    analyzer::{AnalyzerMsg, AnalyzerRead},
    audits::{AuditsMsg, IotRead},
    findings::{CachedView, FindingsMsg, FindingsRead, SyncedView},
    ipsets::{IpSetsMsg, IpSetsRead},
    journal::JournalMsg,
};
pub use session::Session;

use crate::theme::Theme;
use input::Prompt;
use notify::Notifications;
use panes::findings::FindingsPane;
use pipeline::Pipeline;

/// Everything the console shows.
#[derive(Debug, Clone)]
pub struct State {
    pub session: Session,
    pub keymap: Keymap,
    pub theme: Theme,
    /// Offered by `:theme` completion; the runtime may add the user's theme files.
    pub theme_names: Vec<String>,
    pub pane: PaneId,
    pub findings: FindingsPane,
    /// Roles to assume for changes in member accounts (config `[cross_account]`).
    pub cross_account: crate::domain::analyzer::CrossAccountRoles,
    pub ipsets: panes::ipsets::IpSetsPane,
    pub analyzer: panes::analyzer::AnalyzerPane,
    pub audits: panes::audits::AuditsPane,
    /// The journal view (`:journal`), over whichever pane is showing.
    pub journal: Option<panes::journal::JournalView>,
    pub pipeline: Pipeline,
    /// Interrupted changes found at start (journal intents without an outcome).
    pub interrupted: interrupted::Banner,
    pub notifications: Notifications,
    pub prompt: Prompt,
    /// The help overlay's scroll position, when it is open.
    pub help: Option<usize>,
    /// `q` was pressed while a change is executing; the next key decides.
    pub confirm_quit: bool,
    /// Terminal size from the last `Resize` (page sizes depend on it).
    pub size: (u16, u16),
    /// Advances on ticks while something is in progress.
    pub spinner: usize,
    pub should_quit: bool,
    /// Something visible changed since the last draw (the runtime clears it).
    pub dirty: bool,
}

impl State {
    pub fn new(session: Session, keymap: Keymap, theme: Theme) -> State {
        let keymap = keymap.for_session(session.read_only);
        State {
            session,
            keymap,
            theme,
            theme_names: Theme::names(),
            pane: PaneId::Findings,
            findings: FindingsPane::default(),
            cross_account: Default::default(),
            ipsets: Default::default(),
            analyzer: Default::default(),
            audits: Default::default(),
            journal: None,
            pipeline: Pipeline::default(),
            interrupted: Default::default(),
            notifications: Notifications::default(),
            prompt: Prompt::None,
            help: None,
            confirm_quit: false,
            size: (80, 24),
            spinner: 0,
            should_quit: false,
            dirty: true,
        }
    }

    /// Rows in one page of the findings table at the current size.
    pub fn page_rows(&self) -> usize {
        self.size
            .1
            .saturating_sub(layout::FINDINGS_TABLE_CHROME)
            .max(1) as usize
    }

    /// The screen cannot show the console ("terminal too small"): keys act blind.
    pub fn too_small(&self) -> bool {
        self.size.0 < layout::MIN_WIDTH || self.size.1 < layout::MIN_HEIGHT
    }

    /// How many preview lines the preview modal shows at the current size.
    pub fn preview_rows(&self, lines: usize) -> usize {
        let notes = self.notifications.lines();
        layout::preview_rows(lines, layout::body_rows(self.size.1, notes))
    }

    pub fn notify(&mut self, level: NotifyLevel, message: impl Into<String>) {
        self.notifications.push(level, message);
        self.dirty = true;
    }
}

/// Effects to run when the console starts: who we are, and the first findings page.
pub fn init(state: &mut State) -> Vec<Effect> {
    let mut effects = vec![
        Effect::Read(ReadRequest::CallerIdentity),
        state.findings.start_load(),
    ];
    effects.extend(state.findings.detect_hubs());
    effects.extend(interrupted::find(state));
    effects
}

pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    let mut effects = match action {
        Action::Tick => {
            tick(state);
            Vec::new()
        }
        Action::Key(key) if state.too_small() => blind_key(state, key),
        Action::Paste(_) if state.too_small() => Vec::new(),
        Action::Mouse(mouse) => mouse::handle(state, mouse),
        Action::Key(key) => modal::handle_key(state, key),
        other => {
            state.dirty = true;
            dispatch(state, other)
        }
    };
    // Belt and braces: the pipeline cannot reach a mutation in read-only mode, and this
    // makes sure no future path does either.
    if state.session.read_only {
        effects.retain(|e| !matches!(e, Effect::Mutate(_)));
    }
    // The store-backed findings table asks for the rows, counts and marks it lacks.
    effects.extend(state.findings.window_reads());
    effects
}

/// A key while the screen is too small to show the console: nothing it would act on is
/// visible, so only the quit key (as bound in `[global]`) does anything.
fn blind_key(state: &mut State, key: Key) -> Vec<Effect> {
    if state.keymap.action_in(Context::Global, &key) != Some(&Action::Quit) {
        return Vec::new();
    }
    state.dirty = true;
    if state.confirm_quit {
        // The quit question was open: the quit key again answers it.
        state.should_quit = true;
        return vec![Effect::Quit];
    }
    dispatch(state, Action::Quit)
}

fn tick(state: &mut State) {
    if state.notifications.tick() {
        state.dirty = true;
    }
    if state.pipeline.is_executing() || panes::any_busy(state) {
        state.spinner = state.spinner.wrapping_add(1);
        state.dirty = true;
    }
}

/// Runs one action (from a key, a command or a task result). Routes only: what an action
/// means is decided by the pane, the pipeline or the overlay it belongs to.
pub(crate) fn dispatch(state: &mut State, action: Action) -> Vec<Effect> {
    if action.is_mutating() && state.session.read_only {
        let message = format!("read-only session: {} is not available", action.name());
        state.notify(NotifyLevel::Warning, message);
        return Vec::new();
    }
    match action {
        Action::Quit => quit(state),
        Action::Resize { width, height } => {
            state.size = (width, height);
            let page = state.page_rows();
            state.findings.scroll_into_view(page);
            Vec::new()
        }
        Action::IdentityLoaded(result) => session::identity_loaded(state, result),
        Action::ChangeFinished { outcome, undo } => {
            let finished = pipeline::finished(state, *outcome, undo);
            interrupted::after_change(state, &finished);
            panes::after_change(state, &finished)
        }
        Action::ThemeLoaded(result) => session::theme_loaded(state, result),
        Action::Notify { level, message } => {
            state.notify(level, message);
            Vec::new()
        }
        Action::Pane(msg) => panes::reduce(state, msg),
        Action::Interrupted(msg) => interrupted::reduce(state, msg),
        Action::Help => {
            state.help = if state.help.is_some() { None } else { Some(0) };
            Vec::new()
        }
        Action::Paste(text) => modal::paste(state, &text),
        other => modal::route(state, other),
    }
}

/// An action no modal layer took: switching panes, the command line, undo, else the
/// journal view or the pane in view.
fn navigate(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::CommandLine => {
            state.prompt = Prompt::Command(Default::default());
            Vec::new()
        }
        Action::ShowPane(pane) => show(state, pane),
        Action::NextPane => show(state, state.pane.step(1)),
        Action::PrevPane => show(state, state.pane.step(-1)),
        Action::Undo => pipeline::undo(state),
        other => panes::room_in_view(state).handle(state, other),
    }
}

fn quit(state: &mut State) -> Vec<Effect> {
    if state.pipeline.is_executing() && !state.session.read_only {
        state.confirm_quit = true;
        return Vec::new();
    }
    state.should_quit = true;
    vec![Effect::Quit]
}

fn show(state: &mut State, pane: PaneId) -> Vec<Effect> {
    state.pane = pane;
    state.journal = None;
    panes::room(pane).on_show(state)
}
