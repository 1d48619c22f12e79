//! Key presses: text-entry modes (command line, filter, typed approval count, quit
//! confirmation) consume keys first; otherwise the keymap turns a key into an action.

use super::action::{Action, NotifyLevel};
use super::commands::{Command, CommandLine};
use super::effect::Effect;
use super::keys::{Key, KeyCode};
use super::{State, dispatch};

/// What has the keyboard besides the keymap.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Prompt {
    #[default]
    None,
    Command(CommandLine),
    /// Typing the findings filter; the text lives in the pane and applies per keystroke.
    Filter,
    /// Editing the server-side filter expression; enter applies it (if it parses).
    FilterEditor(String),
    /// Where `e` writes the view; enter exports.
    ExportPath(String),
    /// Typing in the WAF IP sets pane (addresses to add / remove, or its filter).
    IpSets(crate::app::panes::ipsets::InputKind),
    /// Searching the open detail tab (JSON, Overview, History); enter finds the next match.
    DetailSearch,
}

pub fn handle_key(state: &mut State, key: Key) -> Vec<Effect> {
    let context = super::keymap::Context::of(state);
    let key = match context {
        super::keymap::Context::Input => state.keymap.field_key(key),
        _ => key,
    };
    if state.confirm_quit {
        state.confirm_quit = false;
        state.dirty = true;
        let quit = key.typed_char() == Some('y')
            || state.keymap.action_in(context, &key) == Some(&Action::Quit);
        return if quit {
            state.should_quit = true;
            vec![Effect::Quit]
        } else {
            state
                .notifications
                .push(NotifyLevel::Info, "quit cancelled");
            Vec::new()
        };
    }
    match &state.prompt {
        Prompt::Command(_) => return command_key(state, key),
        Prompt::Filter => {
            filter_key(state, key);
            return Vec::new();
        }
        Prompt::FilterEditor(_) => return filter_editor_key(state, key),
        Prompt::ExportPath(_) => return crate::app::panes::findings::export::path_key(state, key),
        Prompt::IpSets(kind) => {
            let kind = *kind;
            return crate::app::panes::ipsets::input_key(state, kind, key);
        }
        Prompt::DetailSearch => {
            crate::app::panes::findings::detail::search_key(state, key);
            return Vec::new();
        }
        Prompt::None => {}
    }
    if state.analyzer.rule_editor.is_some() && !state.pipeline.is_modal() {
        return crate::app::panes::analyzer::rule_editor::key(state, key);
    }
    if matches!(
        state.pipeline.stage,
        super::pipeline::Stage::Triage(crate::app::panes::findings::bulk::TriageStage::Note { .. })
    ) {
        return crate::app::panes::findings::bulk::note_key(state, key);
    }
    if matches!(
        state.pipeline.stage,
        super::pipeline::Stage::Triage(crate::app::panes::findings::bulk::TriageStage::Fields(_))
    ) {
        return crate::app::panes::findings::fields::form_key(state, key);
    }
    if state.pipeline.wants_typed_count()
        && let Some(effects) = count_key(state, key)
    {
        return effects;
    }
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

fn command_key(state: &mut State, key: Key) -> Vec<Effect> {
    let Prompt::Command(line) = &mut state.prompt else {
        return Vec::new();
    };
    state.dirty = true;
    if let Some(c) = key.typed_char() {
        line.push(c);
        return Vec::new();
    }
    match key.code {
        KeyCode::Backspace if line.text.is_empty() => state.prompt = Prompt::None,
        KeyCode::Backspace => line.backspace(),
        KeyCode::Tab => {
            let checks: Vec<String> = state
                .audits
                .overview
                .as_ref()
                .map(|o| o.config.enabled_checks())
                .unwrap_or_default();
            line.complete_with(&state.theme_names, &checks)
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
        _ => state.dirty = false,
    }
    Vec::new()
}

fn filter_key(state: &mut State, key: Key) {
    let pane = &mut state.findings;
    let mut text = pane.filter().to_string();
    state.dirty = true;
    if let Some(c) = key.typed_char() {
        text.push(c);
        pane.set_filter(&text);
        return;
    }
    match key.code {
        KeyCode::Backspace => {
            text.pop();
            pane.set_filter(&text);
        }
        KeyCode::Esc => {
            pane.set_filter("");
            state.prompt = Prompt::None;
        }
        KeyCode::Enter => state.prompt = Prompt::None,
        _ => state.dirty = false,
    }
}

/// The filter editor: a line prefilled with the current expression. Enter applies it;
/// a bad expression keeps the editor open with the error pointing at the token.
fn filter_editor_key(state: &mut State, key: Key) -> Vec<Effect> {
    let Prompt::FilterEditor(text) = &mut state.prompt else {
        return Vec::new();
    };
    state.dirty = true;
    if let Some(c) = key.typed_char() {
        text.push(c);
        return Vec::new();
    }
    match key.code {
        KeyCode::Backspace => {
            text.pop();
        }
        KeyCode::Char('u') if key.ctrl => text.clear(),
        KeyCode::Esc => state.prompt = Prompt::None,
        KeyCode::Enter => {
            let text = text.clone();
            let effects = crate::app::panes::findings::apply_filter(state, &text);
            if !effects.is_empty() {
                state.prompt = Prompt::None;
            }
            return effects;
        }
        _ => state.dirty = false,
    }
    Vec::new()
}

/// The typed count of a bulk approval. `None` lets the key through to the keymap.
fn count_key(state: &mut State, key: Key) -> Option<Vec<Effect>> {
    let typed = state.pipeline.typed_mut()?;
    match key.code {
        KeyCode::Char(c) if c.is_ascii_digit() && !key.ctrl && !key.alt => typed.push(c),
        KeyCode::Backspace => {
            typed.pop();
        }
        KeyCode::Enter => {
            state.dirty = true;
            return Some(dispatch(state, Action::Approve));
        }
        KeyCode::Esc => {
            state.dirty = true;
            return Some(dispatch(state, Action::Reject));
        }
        // Letters do nothing here: a stray `y` must not approve a bulk change.
        _ if key.typed_char().is_some() => {}
        _ => return None,
    }
    state.dirty = true;
    Some(Vec::new())
}
