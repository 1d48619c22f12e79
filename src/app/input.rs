//! The bottom-line prompts (command line, filters, export path, the IP sets pane's inputs,
//! detail search) and the keymap lookup that turns any other key into an action. Which of
//! them gets a key is decided by the modal stack (`modal.rs`).

use super::action::Action;
use super::commands::{Command, CommandLine, Words};
use super::effect::Effect;
use super::keymap::Context;
use super::keys::{Key, KeyCode};
use super::widgets::{Edit, TextInput};
use super::{State, dispatch};

/// The prompt on the bottom line, when one is open.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Prompt {
    #[default]
    None,
    Command(CommandLine),
    /// Typing the findings filter; the text lives in the pane and applies per keystroke.
    Filter,
    /// Editing the server-side filter expression; enter applies it (if it parses).
    FilterEditor(TextInput),
    /// Where `e` writes the view; enter exports.
    ExportPath(TextInput),
    /// Typing in the WAF IP sets pane (addresses to add / remove, or its filter).
    IpSets(crate::app::panes::ipsets::InputKind),
    /// Searching the open detail tab (JSON, Overview, History); enter finds the next match.
    DetailSearch,
    /// `/` on the Access Analyzer pane: the text lives in the pane and applies per keystroke.
    AnalyzerSearch,
}

impl Prompt {
    /// The `:` command line prefilled with `text`.
    pub fn command(text: impl Into<String>) -> Prompt {
        Prompt::Command(CommandLine::new(text))
    }
}

/// The action the keymap in force binds to `key` where the keyboard is now (the one
/// place keys become actions).
pub(super) fn action_for(state: &State, key: &Key) -> Option<Action> {
    state.keymap.action_in(Context::of(state), key).cloned()
}

/// A key for a text field: a key bound in `[input]` to open / back acts as enter / esc.
pub(super) fn field_key(state: &State, key: Key) -> Key {
    state.keymap.field_key(key)
}

/// A key no modal layer reads itself: its bound action, routed by `dispatch`.
pub(super) fn keymap_key(state: &mut State, key: Key) -> Vec<Effect> {
    let context = Context::of(state);
    match state.keymap.action_in(context, &key).cloned() {
        Some(action) => {
            state.dirty = true;
            dispatch(state, action)
        }
        None => match state.keymap.withheld(context, &key).cloned() {
            // Still refused by update() itself; this only produces the explanation.
            Some(action) => dispatch(state, action),
            None => Vec::new(),
        },
    }
}

/// A key while a prompt is open.
pub(super) fn prompt_key(state: &mut State, key: Key) -> Vec<Effect> {
    match &state.prompt {
        Prompt::Command(_) => command_key(state, key),
        Prompt::Filter => {
            filter_key(state, key);
            Vec::new()
        }
        Prompt::FilterEditor(_) => filter_editor_key(state, key),
        Prompt::ExportPath(_) => crate::app::panes::findings::export::path_key(state, key),
        Prompt::IpSets(kind) => {
            let kind = *kind;
            crate::app::panes::ipsets::input_key(state, kind, key)
        }
        Prompt::DetailSearch => {
            crate::app::panes::findings::detail::search_key(state, key);
            Vec::new()
        }
        Prompt::AnalyzerSearch => {
            analyzer_search_key(state, key);
            Vec::new()
        }
        Prompt::None => Vec::new(),
    }
}

fn command_key(state: &mut State, key: Key) -> Vec<Effect> {
    let Prompt::Command(line) = &mut state.prompt else {
        return Vec::new();
    };
    state.dirty = true;
    match key.code {
        KeyCode::Backspace if line.text.is_empty() => state.prompt = Prompt::None,
        KeyCode::Tab => {
            let checks: Vec<String> = state
                .audits
                .overview
                .as_ref()
                .map(|o| o.config.enabled_checks())
                .unwrap_or_default();
            let views: Vec<String> = state
                .findings
                .views
                .iter()
                .map(|(n, _)| n.clone())
                .collect();
            line.complete_from(&Words {
                themes: &state.theme_names,
                checks: &checks,
                views: &views,
            })
        }
        KeyCode::Esc => state.prompt = Prompt::None,
        KeyCode::Enter => {
            let command = line.parse();
            state.prompt = Prompt::None;
            return match command {
                Command::Run(action) => dispatch(state, action),
                Command::Effect(effect) => vec![effect],
                Command::Error(level, message) => {
                    state.notifications.push(level, message);
                    Vec::new()
                }
                Command::Nothing => Vec::new(),
            };
        }
        _ if key.ctrl && key.code == KeyCode::Char('c') => state.prompt = Prompt::None,
        _ => {
            if !line.edit(key).consumed() {
                state.dirty = false;
            }
        }
    }
    Vec::new()
}

fn filter_key(state: &mut State, key: Key) {
    live_filter_key(
        state,
        key,
        |s, k| s.findings.edit_filter(k),
        |s| s.findings.set_filter(""),
    );
}

/// `/` on the Access Analyzer pane: every key edits the search (never a command).
fn analyzer_search_key(state: &mut State, key: Key) {
    live_filter_key(
        state,
        key,
        |s, k| s.analyzer.edit_search(k),
        |s| s.analyzer.set_search(""),
    );
}

/// A `/` prompt that filters as it is typed: enter keeps the text, esc clears it.
fn live_filter_key(
    state: &mut State,
    key: Key,
    edit: fn(&mut State, Key) -> Edit,
    clear: fn(&mut State),
) {
    state.dirty = true;
    match key.code {
        KeyCode::Esc => {
            clear(state);
            state.prompt = Prompt::None;
        }
        KeyCode::Enter => state.prompt = Prompt::None,
        _ => {
            if !edit(state, key).consumed() {
                state.dirty = false;
            }
        }
    }
}

/// The filter editor: a line prefilled with the current expression. Enter applies it;
/// a bad expression keeps the editor open with the error pointing at the token.
fn filter_editor_key(state: &mut State, key: Key) -> Vec<Effect> {
    let Prompt::FilterEditor(text) = &mut state.prompt else {
        return Vec::new();
    };
    state.dirty = true;
    match key.code {
        KeyCode::Esc => state.prompt = Prompt::None,
        KeyCode::Enter => {
            let text = text.value().to_string();
            let effects = crate::app::panes::findings::apply_filter(state, &text);
            if !effects.is_empty() {
                state.prompt = Prompt::None;
            }
            return effects;
        }
        _ => {
            if text.handle_key(key) == Edit::Ignored {
                state.dirty = false;
            }
        }
    }
    Vec::new()
}
