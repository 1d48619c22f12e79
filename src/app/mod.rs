//! Application state and the pure `update()` that is the only place it changes.
//! `update` never does I/O and never reads a clock: it returns `Effect`s for the runtime.

pub mod action;
pub mod commands;
pub mod detail;
pub mod effect;
pub mod findings;
pub mod help;
pub mod input;
pub mod keymap;
pub mod keys;
pub mod notify;
pub mod panes;
pub mod pipeline;
pub mod session;
#[cfg(test)]
mod tests;

pub use action::{Action, NotifyLevel};
pub use effect::{Effect, ReadRequest};
pub use keymap::Keymap;
pub use keys::{Key, KeyCode};
pub use panes::PaneId;
pub use session::Session;

use crate::theme::Theme;
use findings::FindingsPane;
use input::Prompt;
use notify::Notifications;
use pipeline::Pipeline;

/// Lines around the findings table (tabs, summary, table border and header, status,
/// prompt line): what a page of rows leaves out of the terminal height.
const TABLE_CHROME: u16 = 8;

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
    pub pipeline: Pipeline,
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
            pipeline: Pipeline::default(),
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
        self.size.1.saturating_sub(TABLE_CHROME).max(1) as usize
    }

    pub fn notify(&mut self, level: NotifyLevel, message: impl Into<String>) {
        self.notifications.push(level, message);
        self.dirty = true;
    }
}

/// Effects to run when the console starts: who we are, and the first findings page.
pub fn init(state: &mut State) -> Vec<Effect> {
    vec![
        Effect::Read(ReadRequest::CallerIdentity),
        state.findings.start_load(),
    ]
}

pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    let mut effects = match action {
        Action::Tick => {
            tick(state);
            Vec::new()
        }
        Action::Key(key) => input::handle_key(state, key),
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
    effects
}

fn tick(state: &mut State) {
    if state.notifications.tick() {
        state.dirty = true;
    }
    let busy =
        state.findings.status == findings::LoadStatus::Loading || state.pipeline.is_executing();
    if busy {
        state.spinner = state.spinner.wrapping_add(1);
        state.dirty = true;
    }
}

/// Runs one action (from a key, a command or a task result).
pub(crate) fn dispatch(state: &mut State, action: Action) -> Vec<Effect> {
    if action.is_mutating() && state.session.read_only {
        state.notify(
            NotifyLevel::Warning,
            format!("read-only session: {} is not available", action.name()),
        );
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
        Action::IdentityLoaded(Ok(identity)) => {
            state.session.identity = Some(identity);
            Vec::new()
        }
        Action::IdentityLoaded(Err(e)) => {
            state.notify(NotifyLevel::Error, format!("GetCallerIdentity failed: {e}"));
            Vec::new()
        }
        Action::FindingsPage {
            request,
            findings,
            next_token,
        } => state.findings.on_page(request, findings, next_token),
        Action::FindingsFailed {
            request,
            error,
            next_token,
        } => {
            if state.findings.on_failed(request, error.clone(), next_token) {
                state.notify(
                    NotifyLevel::Error,
                    format!("loading findings failed: {error}"),
                );
            }
            Vec::new()
        }
        Action::ChangeFinished { outcome, undo } => {
            let applied = state.pipeline.finish(&outcome, undo);
            for (id, workflow) in applied {
                state.findings.set_workflow(&id, workflow);
            }
            let level = if outcome.is_complete_success() {
                NotifyLevel::Success
            } else {
                NotifyLevel::Error
            };
            let mut message = outcome.summary();
            if state.pipeline.undo.is_some()
                && let Some(key) = state.keymap.hint(&Action::Undo)
            {
                message.push_str(&format!(" ({key} to undo)"));
            }
            state.notify(level, message);
            Vec::new()
        }
        Action::ThemeLoaded(Ok(theme)) => {
            let name = theme.name.clone();
            state.theme = theme;
            state.notify(NotifyLevel::Success, format!("theme {name}"));
            Vec::new()
        }
        Action::ThemeLoaded(Err(e)) => {
            state.notify(NotifyLevel::Error, e);
            Vec::new()
        }
        Action::Notify { level, message } => {
            state.notify(level, message);
            Vec::new()
        }
        Action::Help => {
            state.help = if state.help.is_some() { None } else { Some(0) };
            Vec::new()
        }
        other if state.help.is_some() => {
            help_action(state, other);
            Vec::new()
        }
        other if state.pipeline.is_modal() => pipeline_action(state, other),
        Action::CommandLine => {
            state.prompt = Prompt::Command(Default::default());
            Vec::new()
        }
        Action::ShowFindings => show(state, PaneId::Findings),
        Action::ShowAnalyzer => show(state, PaneId::Analyzer),
        Action::ShowIpSets => show(state, PaneId::IpSets),
        Action::ShowAudits => show(state, PaneId::Audits),
        Action::NextPane => show(state, state.pane.step(1)),
        Action::PrevPane => show(state, state.pane.step(-1)),
        Action::Undo => {
            if let Err(e) = state.pipeline.start_undo() {
                state.notify(NotifyLevel::Info, e);
            }
            Vec::new()
        }
        other => match state.pane {
            PaneId::Findings => findings_action(state, other),
            _ => Vec::new(),
        },
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
    Vec::new()
}

fn help_action(state: &mut State, action: Action) {
    let Some(scroll) = &mut state.help else {
        return;
    };
    match action {
        Action::MoveDown => *scroll += 1,
        Action::MoveUp => *scroll = scroll.saturating_sub(1),
        Action::PageDown => *scroll += 10,
        Action::PageUp => *scroll = scroll.saturating_sub(10),
        Action::Top => *scroll = 0,
        _ => state.help = None,
    }
}

fn pipeline_action(state: &mut State, action: Action) -> Vec<Effect> {
    let p = &mut state.pipeline;
    match action {
        Action::MoveDown => p.move_cursor(1),
        Action::MoveUp => p.move_cursor(-1),
        Action::Top => p.move_cursor(-10),
        Action::Bottom => p.move_cursor(10),
        Action::Open if matches!(p.stage, pipeline::Stage::PickWorkflow { .. }) => {
            if let Err(e) = p.choose() {
                state.notify(NotifyLevel::Info, e);
            }
        }
        Action::Approve => match p.approve() {
            Ok(Some(plan)) => {
                state.notify(NotifyLevel::Info, format!("executing {}…", plan.title()));
                return vec![Effect::Mutate(plan)];
            }
            Ok(None) => {}
            Err(e) => state.notify(NotifyLevel::Warning, e),
        },
        Action::Reject | Action::Back => {
            p.cancel();
        }
        _ => state.dirty = false,
    }
    Vec::new()
}

fn findings_action(state: &mut State, action: Action) -> Vec<Effect> {
    let page = state.page_rows();
    let pane = &mut state.findings;
    if let Some(detail) = &mut pane.detail {
        match action {
            Action::MoveDown => detail.scroll_by(1),
            Action::MoveUp => detail.scroll_by(-1),
            Action::PageDown => detail.scroll_by(page as isize),
            Action::PageUp => detail.scroll_by(-(page as isize)),
            Action::Top => detail.scroll = 0,
            Action::Bottom => detail.scroll_by(isize::MAX / 2),
            Action::Back => pane.detail = None,
            Action::SetWorkflow => return set_workflow(state),
            Action::Refresh => return vec![pane.start_load()],
            Action::ResumeLoad => return pane.resume(),
            _ => state.dirty = false,
        }
        return Vec::new();
    }
    match action {
        Action::MoveDown => pane.move_by(1, page),
        Action::MoveUp => pane.move_by(-1, page),
        Action::PageDown => pane.move_by(page as isize, page),
        Action::PageUp => pane.move_by(-(page as isize), page),
        Action::Top => pane.move_by(isize::MIN / 2, page),
        Action::Bottom => pane.move_by(isize::MAX / 2, page),
        Action::Open => {
            pane.detail = pane.selected_finding().map(detail::DetailView::new);
        }
        Action::Back if !pane.filter().is_empty() => pane.set_filter(""),
        Action::ScrollRight if pane.column_offset < findings::MAX_COLUMN_OFFSET => {
            pane.column_offset += 1
        }
        Action::ScrollLeft if pane.column_offset > 0 => pane.column_offset -= 1,
        Action::Filter => state.prompt = Prompt::Filter,
        Action::Refresh => return vec![pane.start_load()],
        Action::ResumeLoad => return pane.resume(),
        Action::SetWorkflow => return set_workflow(state),
        _ => state.dirty = false,
    }
    Vec::new()
}

fn set_workflow(state: &mut State) -> Vec<Effect> {
    if state.pipeline.is_executing() {
        state.notify(NotifyLevel::Warning, "a change is already executing");
        return Vec::new();
    }
    let finding = match &state.findings.detail {
        Some(d) => state
            .findings
            .selected_finding()
            .filter(|f| f.id == d.finding_id),
        None => state.findings.selected_finding(),
    };
    match finding {
        Some(f) => {
            let (target, title, before) = (f.reference(), f.title.clone(), f.workflow);
            state.pipeline.pick_workflow(target, title, before);
        }
        None => state.notify(NotifyLevel::Info, "no finding selected"),
    }
    Vec::new()
}
