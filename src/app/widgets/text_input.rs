//! The one text field every prompt, dialog and form uses: a value with a cursor and the
//! usual line-editing keys. The editing itself is `tui-input`'s core (built without its
//! ratatui backend, so `src/app` stays free of terminal crates); this wrapper maps our
//! `Key` onto it and says what a key did, so a field can keep its own meaning for Enter,
//! Esc, Tab or Up / Down.

use std::fmt;

use tui_input::{Input, InputRequest};

use crate::app::keys::{Key, KeyCode};

/// What a key did to a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// The text changed (the cursor may have moved too).
    Changed,
    /// Only the cursor moved.
    Moved,
    /// An editing key with nothing to do (Backspace at the start, Left at the start).
    Unchanged,
    /// Not an editing key: the field's owner decides what it means.
    Ignored,
}

impl Edit {
    /// The key was an editing key (whether or not anything changed).
    pub fn consumed(self) -> bool {
        self != Edit::Ignored
    }
}

#[derive(Debug, Clone, Default)]
pub struct TextInput {
    input: Input,
}

impl TextInput {
    /// A field holding `text`, the cursor at its end.
    pub fn new(text: impl Into<String>) -> TextInput {
        TextInput {
            input: Input::new(text.into()),
        }
    }

    pub fn value(&self) -> &str {
        self.input.value()
    }

    /// The cursor, in characters from the start.
    pub fn cursor(&self) -> usize {
        self.input.cursor()
    }

    /// The text before and from the cursor (for drawing the cursor).
    pub fn split_at_cursor(&self) -> (&str, &str) {
        let value = self.value();
        let byte = value
            .char_indices()
            .nth(self.cursor())
            .map_or(value.len(), |(i, _)| i);
        value.split_at(byte)
    }

    pub fn is_empty(&self) -> bool {
        self.value().is_empty()
    }

    /// Replaces the text; the cursor goes to its end.
    pub fn set(&mut self, text: impl Into<String>) {
        self.input = Input::new(text.into());
    }

    pub fn clear(&mut self) {
        self.input.reset();
    }

    /// Inserts `c` at the cursor.
    pub fn insert(&mut self, c: char) {
        self.input.handle(InputRequest::InsertChar(c));
    }

    /// Inserts `text` at the cursor (a paste).
    pub fn insert_str(&mut self, text: &str) {
        for c in text.chars() {
            self.insert(c);
        }
    }

    /// Applies an editing key: characters, Left / Right (ctrl / alt: by word), Home / End,
    /// ctrl-a / ctrl-e, Backspace / Delete, ctrl-u (to the start), ctrl-k (to the end),
    /// ctrl-w / alt-Backspace (the word before), alt-d (the word after), ctrl-y (yank).
    pub fn handle_key(&mut self, key: Key) -> Edit {
        let Some(request) = request_for(key) else {
            return Edit::Ignored;
        };
        let (len, cursor) = (self.value().len(), self.cursor());
        self.input.handle(request);
        if self.value().len() != len {
            Edit::Changed
        } else if self.cursor() != cursor {
            Edit::Moved
        } else {
            Edit::Unchanged
        }
    }
}

fn request_for(key: Key) -> Option<InputRequest> {
    use InputRequest::*;
    if let Some(c) = key.typed_char() {
        return Some(InsertChar(c));
    }
    Some(match (key.code, key.ctrl, key.alt) {
        (KeyCode::Left, false, false) => GoToPrevChar,
        (KeyCode::Right, false, false) => GoToNextChar,
        (KeyCode::Left, _, _) | (KeyCode::Char('b'), false, true) => GoToPrevWord,
        (KeyCode::Right, _, _) | (KeyCode::Char('f'), false, true) => GoToNextWord,
        (KeyCode::Home, _, _) | (KeyCode::Char('a'), true, false) => GoToStart,
        (KeyCode::End, _, _) | (KeyCode::Char('e'), true, false) => GoToEnd,
        (KeyCode::Backspace, _, true) | (KeyCode::Char('w'), true, false) => DeletePrevWord,
        (KeyCode::Backspace, _, _) | (KeyCode::Char('h'), true, false) => DeletePrevChar,
        (KeyCode::Delete, _, _) => DeleteNextChar,
        (KeyCode::Char('d'), false, true) => DeleteNextWord,
        (KeyCode::Char('u'), true, false) => DeleteFromStart,
        (KeyCode::Char('k'), true, false) => DeleteTillEnd,
        (KeyCode::Char('y'), true, false) => Yank,
        _ => return None,
    })
}

// `Input` has no equality of its own; two fields are equal when they show the same.
impl PartialEq for TextInput {
    fn eq(&self, other: &Self) -> bool {
        self.value() == other.value() && self.cursor() == other.cursor()
    }
}

impl Eq for TextInput {}

impl PartialEq<str> for TextInput {
    fn eq(&self, other: &str) -> bool {
        self.value() == other
    }
}

impl PartialEq<&str> for TextInput {
    fn eq(&self, other: &&str) -> bool {
        self.value() == *other
    }
}

impl From<&str> for TextInput {
    fn from(text: &str) -> Self {
        TextInput::new(text)
    }
}

impl From<String> for TextInput {
    fn from(text: String) -> Self {
        TextInput::new(text)
    }
}

impl fmt::Display for TextInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.value())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(field: &mut TextInput, keys: &str) {
        for key in Key::sequence(keys).unwrap() {
            field.handle_key(key);
        }
    }

    #[test]
    fn edits_in_the_middle_of_the_line() {
        let mut f = TextInput::default();
        typed(&mut f, "sev=HIGH<home>status=NEW <end>,CRITICAL");
        assert_eq!(f, "status=NEW sev=HIGH,CRITICAL");
        // Six to the right is before the `=`: delete it, type a `:` there.
        typed(
            &mut f,
            "<home><right><right><right><right><right><right><delete>:",
        );
        assert_eq!(f, "status:NEW sev=HIGH,CRITICAL");
        assert_eq!(f.split_at_cursor(), ("status:", "NEW sev=HIGH,CRITICAL"));
    }

    #[test]
    fn ctrl_u_clears_to_the_start_and_ctrl_k_to_the_end() {
        let mut f = TextInput::new("sev=HIGH status=NEW");
        assert_eq!(f.handle_key(Key::ctrl('u')), Edit::Changed);
        assert_eq!(f, "", "at the end, ctrl-u clears the field");
        f.set("sev=HIGH status=NEW");
        typed(&mut f, "<ctrl-a><alt-f><ctrl-k>");
        assert_eq!(f, "sev=", "alt-f goes to the start of the next word");
        f.set("sev=HIGH status=NEW");
        typed(&mut f, "<left><left><left><ctrl-u>");
        assert_eq!((f.value(), f.cursor()), ("NEW", 0));
    }

    #[test]
    fn ctrl_w_deletes_the_word_before_the_cursor() {
        let mut f = TextInput::new("add 10.0.0.1 192.168.0.0/16");
        typed(&mut f, "<ctrl-w>");
        assert_eq!(f, "add 10.0.0.1 192.168.0.0/");
        f.set("owner=alice ticket");
        typed(&mut f, "<ctrl-w><ctrl-e>");
        assert_eq!(f, "owner=alice ");
    }

    #[test]
    fn says_what_a_key_did() {
        let mut f = TextInput::new("ab");
        assert_eq!(f.handle_key(Key::plain(KeyCode::Left)), Edit::Moved);
        assert_eq!(f.handle_key(Key::plain(KeyCode::Backspace)), Edit::Changed);
        assert_eq!(
            f.handle_key(Key::plain(KeyCode::Backspace)),
            Edit::Unchanged
        );
        assert_eq!(f.handle_key(Key::plain(KeyCode::Enter)), Edit::Ignored);
        assert_eq!(f.handle_key(Key::plain(KeyCode::Tab)), Edit::Ignored);
        assert_eq!(f.handle_key(Key::ctrl('c')), Edit::Ignored);
        assert_eq!((f.value(), f.cursor()), ("b", 0));
    }

    #[test]
    fn paste_inserts_at_the_cursor() {
        let mut f = TextInput::new("sev=");
        typed(&mut f, "<home>");
        f.insert_str("status=NEW ");
        assert_eq!((f.value(), f.cursor()), ("status=NEW sev=", 11));
    }
}
