//! Who has the keyboard: the one stack of modal layers over the pane in view. The stack is
//! derived from state (each layer is open while its state says so), in a fixed order, so
//! there is nothing to keep in sync: `top` answers "what has the keyboard now", keys go to
//! it, and an action (from the keymap or a command) goes to the topmost layer that takes
//! actions.

use super::action::{Action, NotifyLevel};
use super::effect::Effect;
use super::input::{self, Prompt};
use super::keys::{Key, KeyCode};
use super::panes::analyzer::rule_editor;
use super::panes::findings::bulk::{self, TriageStage};
use super::panes::findings::fields::{self, FormField};
use super::panes::findings::tickets;
use super::panes::ipsets::InputKind;
use super::pipeline::{self, Stage};
use super::{State, help};

/// The layers, top first in [`ORDER`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    /// `q` while a change executes: the next key decides.
    ConfirmQuit,
    /// A prompt on the bottom line (`:` command line, `/` filter, filter editor, export
    /// path, the IP sets pane's inputs and sync dialog, detail search).
    Prompt,
    /// The findings pane's note editor (a triage stage of the pipeline).
    NoteEditor,
    /// The findings pane's fields form (`E`).
    FieldsForm,
    /// The Access Analyzer's archive-rule editor; a pipeline modal opened over it wins.
    RuleEditor,
    /// The `?` overlay.
    Help,
    /// The pipeline's pickers and preview (with the typed count of a bulk change), the
    /// findings pane's triage pickers and block stage.
    Pipeline,
    /// The interrupted-changes banner (found at start), until each is settled or hidden.
    Interrupted,
    /// The journal view over the pane.
    Journal,
    /// The pane in view: always open, at the bottom.
    Pane,
}

const ORDER: [Layer; 10] = [
    Layer::ConfirmQuit,
    Layer::Prompt,
    Layer::NoteEditor,
    Layer::FieldsForm,
    Layer::RuleEditor,
    Layer::Help,
    Layer::Pipeline,
    Layer::Interrupted,
    Layer::Journal,
    Layer::Pane,
];

impl Layer {
    fn is_open(self, state: &State) -> bool {
        let triage =
            |f: fn(&TriageStage) -> bool| matches!(&state.pipeline.stage, Stage::Triage(t) if f(t));
        match self {
            Layer::ConfirmQuit => state.confirm_quit,
            Layer::Prompt => state.prompt != Prompt::None,
            Layer::NoteEditor => triage(|t| matches!(t, TriageStage::Note { .. })),
            Layer::FieldsForm => triage(|t| matches!(t, TriageStage::Fields(_))),
            Layer::RuleEditor => state.analyzer.rule_editor.is_some() && !state.pipeline.is_modal(),
            Layer::Help => state.help.is_some(),
            Layer::Pipeline => state.pipeline.is_modal(),
            Layer::Interrupted => state.interrupted.is_open(),
            Layer::Journal => state.journal.is_some(),
            Layer::Pane => true,
        }
    }

    /// Layers that read keys themselves (text fields, the quit question); the others
    /// take actions from the keymap.
    pub fn reads_keys(self) -> bool {
        matches!(
            self,
            Layer::ConfirmQuit
                | Layer::Prompt
                | Layer::NoteEditor
                | Layer::FieldsForm
                | Layer::RuleEditor
        )
    }

    /// A text field of this layer has the focus (a paste goes there).
    fn text_focus(self, state: &State) -> bool {
        match self {
            Layer::Prompt => match state.prompt {
                Prompt::IpSets(InputKind::Sync) => {
                    state.ipsets.sync.as_ref().is_some_and(|d| d.text_focus())
                }
                _ => true,
            },
            Layer::NoteEditor => true,
            Layer::FieldsForm => matches!(
                &state.pipeline.stage,
                Stage::Triage(TriageStage::Fields(form)) if form.focus != FormField::Verification
            ),
            Layer::RuleEditor => state
                .analyzer
                .rule_editor
                .as_ref()
                .is_some_and(|ed| ed.editing.is_some()),
            _ => false,
        }
    }
}

/// Every open layer, top first; the pane is always last.
pub fn stack(state: &State) -> impl Iterator<Item = Layer> + '_ {
    ORDER.into_iter().filter(|layer| layer.is_open(state))
}

/// What has the keyboard now.
pub fn top(state: &State) -> Layer {
    stack(state).next().unwrap_or(Layer::Pane)
}

/// A key press, to whatever has the keyboard.
pub fn handle_key(state: &mut State, key: Key) -> Vec<Effect> {
    let layer = top(state);
    let key = if layer.reads_keys() && layer != Layer::ConfirmQuit {
        input::field_key(state, key)
    } else {
        key
    };
    match layer {
        Layer::ConfirmQuit => confirm_quit_key(state, key),
        Layer::Prompt => input::prompt_key(state, key),
        Layer::NoteEditor => bulk::note_key(state, key),
        Layer::FieldsForm => fields::form_key(state, key),
        Layer::RuleEditor => rule_editor::key(state, key),
        Layer::Pipeline if let Some(effects) = bulk::pick_letter(state, key) => effects,
        Layer::Pipeline if let Some(effects) = tickets::opened_key(state, key) => effects,
        Layer::Pipeline if state.pipeline.wants_typed_count() => {
            match pipeline::count_key(state, key) {
                Some(effects) => effects,
                None => input::keymap_key(state, key),
            }
        }
        Layer::Help | Layer::Pipeline | Layer::Interrupted | Layer::Journal | Layer::Pane => {
            input::keymap_key(state, key)
        }
    }
}

/// A bindable action, to the topmost layer that takes actions.
pub fn route(state: &mut State, action: Action) -> Vec<Effect> {
    let layer = stack(state).find(|layer| !layer.reads_keys());
    match layer {
        Some(Layer::Help) => help::handle(state, action),
        Some(Layer::Pipeline) => pipeline::handle(state, action),
        Some(Layer::Interrupted) => super::interrupted::handle(state, action),
        _ => super::navigate(state, action),
    }
}

/// Pasted text goes to the focused text field as typed characters (line breaks become
/// spaces, except in the note editor); with no text field focused it is dropped, so a
/// paste can never act as a string of commands.
pub fn paste(state: &mut State, text: &str) -> Vec<Effect> {
    let layer = top(state);
    if !layer.text_focus(state) {
        return Vec::new();
    }
    let multiline = layer == Layer::NoteEditor;
    let mut effects = Vec::new();
    for c in text.trim_end_matches(['\r', '\n']).chars() {
        let key = match c {
            '\n' if multiline => Key {
                code: KeyCode::Enter,
                ctrl: false,
                alt: true,
            },
            '\n' | '\t' => Key::char(' '),
            c if c.is_control() => continue,
            c => Key::char(c),
        };
        effects.extend(handle_key(state, key));
    }
    effects
}

/// The quit question: `y` (or the quit key again) quits, anything else cancels.
fn confirm_quit_key(state: &mut State, key: Key) -> Vec<Effect> {
    state.confirm_quit = false;
    state.dirty = true;
    let quit =
        key.typed_char() == Some('y') || input::action_for(state, &key) == Some(Action::Quit);
    if quit {
        state.should_quit = true;
        vec![Effect::Quit]
    } else {
        state
            .notifications
            .push(NotifyLevel::Info, "quit cancelled");
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::PaneMsg;
    use crate::app::panes::analyzer::rule_editor::RuleEditor;
    use crate::app::tests::{keys, loaded};
    use crate::app::{JournalMsg, update};
    use crate::domain::plan::{Change, ChangePlan, FindingsUpdate};

    fn layers(s: &State) -> Vec<Layer> {
        stack(s).collect()
    }

    fn a_plan() -> ChangePlan {
        ChangePlan::new(
            "plan-7",
            Change::FindingsUpdate(FindingsUpdate { edits: Vec::new() }),
        )
    }

    #[test]
    fn the_stack_is_what_is_open_top_first_with_the_pane_at_the_bottom() {
        let mut s = loaded(3, false);
        assert_eq!(layers(&s), [Layer::Pane]);
        update(
            &mut s,
            Action::Pane(PaneMsg::Journal(JournalMsg::Show(String::new()))),
        );
        assert_eq!(layers(&s), [Layer::Journal, Layer::Pane]);
        keys(&mut s, "?");
        assert_eq!(layers(&s), [Layer::Help, Layer::Journal, Layer::Pane]);
        keys(&mut s, "<esc>:");
        assert_eq!(layers(&s), [Layer::Prompt, Layer::Journal, Layer::Pane]);
        assert_eq!(top(&s), Layer::Prompt);
    }

    #[test]
    fn keys_under_the_help_overlay_never_reach_the_preview() {
        let mut s = loaded(3, false);
        s.pipeline.preview(a_plan());
        keys(&mut s, "?");
        assert_eq!(top(&s), Layer::Help);
        keys(&mut s, "j");
        assert_eq!(s.help, Some(1), "j scrolls the help");
        assert!(keys(&mut s, "y").is_empty(), "y closes the help only");
        assert_eq!(top(&s), Layer::Pipeline);
        assert!(matches!(s.pipeline.stage, Stage::Preview { .. }));
    }

    #[test]
    fn an_action_from_a_command_goes_to_the_topmost_layer_that_takes_actions() {
        let mut s = loaded(3, false);
        keys(&mut s, "?");
        update(&mut s, Action::MoveDown);
        assert_eq!(s.help, Some(1));
        assert_eq!(
            s.findings.selected, 0,
            "the table under the help did not move"
        );
    }

    #[test]
    fn a_preview_over_the_rule_editor_has_the_keyboard_until_it_closes() {
        let mut s = loaded(3, false);
        keys(&mut s, "2");
        s.analyzer.rule_editor = Some(RuleEditor::new("a", "arn", "r".into(), Vec::new()));
        s.pipeline.preview(a_plan());
        assert_eq!(top(&s), Layer::Pipeline);
        keys(&mut s, "n");
        assert_eq!(s.pipeline.stage, Stage::Idle);
        assert_eq!(top(&s), Layer::RuleEditor, "the editor is back on top");
        keys(&mut s, "n");
        assert!(s.analyzer.rule_editor.is_none(), "n closes the editor");
    }

    #[test]
    fn the_quit_question_is_above_everything() {
        let mut s = loaded(3, false);
        keys(&mut s, ":");
        s.confirm_quit = true;
        assert_eq!(top(&s), Layer::ConfirmQuit);
        keys(&mut s, "x");
        assert!(!s.should_quit && !s.confirm_quit);
        assert_eq!(top(&s), Layer::Prompt, "the command line is still open");
    }
}
