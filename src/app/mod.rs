//! Application state and the pure `update()` that is the only place it changes.
//! `update` never does I/O and never reads a clock: it returns `Effect`s for the runtime.

pub mod action;
pub mod commands;
pub mod effect;
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
use panes::{analyzer, audits, findings, ipsets, journal as journal_view};
use pipeline::Pipeline;

/// Lines around the findings table (tabs, summary, strip, table border and header, status,
/// prompt line): what a page of rows leaves out of the terminal height.
const TABLE_CHROME: u16 = 9;

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
    pub ipsets: ipsets::IpSetsPane,
    pub analyzer: analyzer::AnalyzerPane,
    pub audits: audits::AuditsPane,
    /// The journal view (`:journal`), over whichever pane is showing.
    pub journal: Option<journal_view::JournalView>,
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
            cross_account: Default::default(),
            ipsets: ipsets::IpSetsPane::default(),
            analyzer: analyzer::AnalyzerPane::default(),
            audits: audits::AuditsPane::default(),
            journal: None,
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
    let busy = state.findings.status == findings::LoadStatus::Loading
        || state.pipeline.is_executing()
        || state.audits.is_loading();
    if busy {
        state.spinner = state.spinner.wrapping_add(1);
        state.dirty = true;
    }
}

/// Runs one action (from a key, a command or a task result).
pub(crate) fn dispatch(state: &mut State, action: Action) -> Vec<Effect> {
    // One command (`:group`) groups the rows of whichever pane shows them.
    let action = match action {
        Action::SetGrouping(by) if state.pane == PaneId::Analyzer => Action::AnalyzerGroup(by),
        other => other,
    };
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
        Action::FindingHistoryLoaded { finding_id, result } => {
            findings::history_loaded(state, &finding_id, result);
            Vec::new()
        }
        Action::IpSetsLoaded { request, result } => {
            if let Err(e) = &result {
                state.notify(NotifyLevel::Error, format!("loading IP sets failed: {e}"));
            }
            state.ipsets.on_loaded(request, result);
            findings::block::on_sets_loaded(state);
            Vec::new()
        }
        Action::IpRangesLoaded { request, result } => {
            ipsets::sync::on_loaded(state, request, result);
            Vec::new()
        }
        Action::AddressFileLoaded {
            set_id,
            path,
            result,
        } => {
            ipsets::file_loaded(state, &set_id, &path, result);
            Vec::new()
        }
        Action::LocalNotesLoaded { finding_id, notes } => {
            if let Some(d) = &mut state.findings.detail
                && d.finding_id == finding_id
            {
                d.local_notes = Some(notes);
            }
            Vec::new()
        }
        Action::ChangeFinished { outcome, undo } => {
            let waf_change = matches!(
                &state.pipeline.stage,
                pipeline::Stage::Executing { plan } if plan.touches_ip_sets()
            );
            let executing = state
                .pipeline
                .executing_plan()
                .filter(|p| p.id == outcome.plan_id)
                .cloned();
            let iot_change = state.pipeline.executing_iot();
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
            if let Some(f) = outcome.failed.first() {
                message.push_str(&format!(": {}", f.message));
            }
            state.notify(level, message);
            findings::bulk::after_change(state, executing.clone(), &outcome);
            // Show the set as AWS now has it (and the new LockToken for the next edit).
            if waf_change {
                return vec![state.ipsets.start_load()];
            }
            if iot_change {
                return audits::after_change(state, executing, &outcome);
            }
            let mut effects = analyzer::on_change_finished(state, &outcome, executing);
            if state.journal.is_some() {
                effects.push(Effect::LoadJournal);
            }
            effects
        }
        Action::JournalLoaded(result) => {
            journal_view::loaded(state, result);
            Vec::new()
        }
        own if analyzer::is_own(&own) && !(state.pipeline.is_modal() && own.is_mutating()) => {
            analyzer::handle(state, own)
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
            help::handle(state, other);
            Vec::new()
        }
        other if state.pipeline.is_modal() => pipeline::handle(state, other),
        Action::CommandLine => {
            state.prompt = Prompt::Command(Default::default());
            Vec::new()
        }
        Action::ShowJournal(filter) => journal_view::show(state, filter),
        Action::ShowFindings => show(state, PaneId::Findings),
        Action::ApplyFilter(text) => findings::apply_filter(state, &text),
        Action::ShowView(name) => findings::show_view(state, &name),
        Action::SetGrouping(name) => findings::set_grouping(state, &name),
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
        Action::Iot(a) => audits::on_result(state, *a),
        other if state.journal.is_some() => journal_view::handle(state, other),
        other => match state.pane {
            PaneId::Findings => findings::handle(state, other),
            PaneId::IpSets => ipsets::handle(state, other),
            PaneId::Analyzer => analyzer::handle(state, other),
            PaneId::Audits => audits::handle(state, other),
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
    state.journal = None;
    if pane == PaneId::Analyzer {
        return analyzer::on_show(state);
    }
    if pane == PaneId::Audits {
        return audits::on_show(state);
    }
    if pane == PaneId::IpSets && state.ipsets.load == ipsets::Load::NotLoaded {
        return vec![state.ipsets.start_load()];
    }
    Vec::new()
}
