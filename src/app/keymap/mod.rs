//! Keys as data: the default keymap embedded from `assets/keymap.toml`, one section per
//! context (`[global]`, `[findings]`, ..., `[input]`, `[preview]`), user overrides merged
//! over it (`"none"` unbinds), and the read-only cut that drops mutating actions from
//! every section. Lookup goes context first, then global.

mod context;
mod overrides;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

pub use context::Context;
pub use overrides::{KeyEntry, KeyOverrides};

use super::action::Action;
use super::actions;
use super::keys::{Key, KeyCode};

const DEFAULT_KEYMAP: &str = include_str!("../../../assets/keymap.toml");

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Keymap {
    sections: BTreeMap<Context, Section>,
}

#[derive(Debug, Clone, PartialEq, Default)]
struct Section {
    bindings: BTreeMap<Key, Action>,
    /// Keys unbound here (`"none"`) that the global binding must not reach either.
    blocked: BTreeSet<Key>,
    /// Mutating bindings a read-only session dropped: the key is not bound, but pressing
    /// it explains why nothing happens.
    withheld: BTreeMap<Key, Action>,
}

impl Section {
    /// The key means nothing here by itself: lookup may fall through to global.
    fn passes(&self, key: &Key) -> bool {
        !self.bindings.contains_key(key)
            && !self.blocked.contains(key)
            && !self.withheld.contains_key(key)
    }
}

/// Parses an action name as written in a keymap. Internal actions have no name.
pub fn parse_action(name: &str) -> Result<Action, String> {
    actions::parse_name(name).ok_or_else(|| {
        format!(
            "unknown action {name:?} (known: {})",
            actions::command_names().join(", ")
        )
    })
}

/// Every action a key can be bound to, in help order (derived from `actions::spec`).
pub fn bindable_actions() -> Vec<Action> {
    actions::in_help_order()
}

impl Keymap {
    /// The keymap shipped in `assets/keymap.toml`.
    pub fn default_embedded() -> Keymap {
        // The embedded file is checked by a test; an entry it got wrong is left out, and
        // `:` and the help still make the console usable.
        overrides::from_file(DEFAULT_KEYMAP).0
    }

    /// Merges the config's `[keys]` over this keymap. A flat entry (`[keys] x = "quit"`)
    /// or one in `[keys.global]` says what the key means everywhere: it replaces the key
    /// in every section but text input. `[keys.PANE]` entries then apply in their pane.
    /// Bad entries are skipped and reported, one message each, naming section and key.
    pub fn with_overrides(self, overrides: &KeyOverrides) -> (Keymap, Vec<String>) {
        overrides::apply(self, overrides)
    }

    /// The keymap for a session: a read-only one has no mutating bindings in any section.
    pub fn for_session(mut self, read_only: bool) -> Keymap {
        if read_only {
            for section in self.sections.values_mut() {
                let (mutating, kept) = std::mem::take(&mut section.bindings)
                    .into_iter()
                    .partition(|(_, a)| a.is_mutating());
                section.bindings = kept;
                section.withheld.extend(mutating);
            }
        }
        self
    }

    fn section(&self, ctx: Context) -> Option<&Section> {
        self.sections.get(&ctx)
    }

    fn section_mut(&mut self, ctx: Context) -> &mut Section {
        self.sections.entry(ctx).or_default()
    }

    /// Whether a key unbound in `ctx` reaches the global section.
    fn falls_through(&self, ctx: Context, key: &Key) -> bool {
        ctx != Context::Global
            && ctx != Context::Input
            && self.section(ctx).is_none_or(|s| s.passes(key))
    }

    /// What `key` does in `ctx`: its section first, then global.
    pub fn action_in(&self, ctx: Context, key: &Key) -> Option<&Action> {
        if let Some(a) = self.section(ctx).and_then(|s| s.bindings.get(key)) {
            return Some(a);
        }
        if self.falls_through(ctx, key) {
            return self.section(Context::Global)?.bindings.get(key);
        }
        None
    }

    /// The mutating action `key` would run in `ctx` in a read-write session, if any.
    pub fn withheld(&self, ctx: Context, key: &Key) -> Option<&Action> {
        if let Some(a) = self.section(ctx).and_then(|s| s.withheld.get(key)) {
            return Some(a);
        }
        if self.falls_through(ctx, key) {
            return self.section(Context::Global)?.withheld.get(key);
        }
        None
    }

    /// In a text field, a key bound in `[input]` to `open` or `back` acts as enter or
    /// esc (the field's own editing keys are fixed).
    pub fn field_key(&self, key: Key) -> Key {
        match self.action_in(Context::Input, &key) {
            Some(Action::Open) => Key::plain(KeyCode::Enter),
            Some(Action::Back) => Key::plain(KeyCode::Esc),
            _ => key,
        }
    }

    /// Keys that run `action` in `ctx`, plain characters first (they are what hints show).
    pub fn keys_in(&self, ctx: Context, action: &Action) -> Vec<Key> {
        let own = self
            .section(ctx)
            .into_iter()
            .flat_map(|s| s.bindings.iter());
        let global = self
            .section(Context::Global)
            .into_iter()
            .flat_map(|s| s.bindings.iter())
            .filter(|(k, _)| self.falls_through(ctx, k));
        let mut keys: Vec<Key> = own
            .chain(global)
            .filter(|(_, a)| *a == action)
            .map(|(k, _)| *k)
            .collect();
        keys.sort_by_key(hint_order);
        keys.dedup();
        keys
    }

    /// The first key that runs `action` in `ctx`, for hints like "u to undo".
    pub fn hint(&self, ctx: Context, action: &Action) -> Option<String> {
        self.keys_in(ctx, action).first().map(Key::to_string)
    }

    /// `(key, label)` for each action that has a key in `ctx`, in the order given; the
    /// ones without a key (unbound, read-only) are left out.
    pub fn hints<'a>(&self, ctx: Context, wanted: &[(Action, &'a str)]) -> Vec<(String, &'a str)> {
        wanted
            .iter()
            .filter_map(|(a, label)| self.hint(ctx, a).map(|k| (k, *label)))
            .collect()
    }

    /// The footer of `ctx`: the actions the table shows there, with their first key that
    /// `usable` accepts (those without one left out); back and quit come last.
    pub fn footer(&self, ctx: Context, usable: impl Fn(&Key) -> bool) -> Vec<(Action, Key)> {
        let mut shown: Vec<Action> = actions::bindable()
            .into_iter()
            .filter(|a| actions::spec(a).is_some_and(|s| s.footer.shows_in(ctx)))
            .collect();
        shown.sort_by_key(|a| matches!(a, Action::Back | Action::Quit));
        shown
            .into_iter()
            .filter_map(|a| {
                let key = self.keys_in(ctx, &a).into_iter().find(|k| usable(k))?;
                Some((a, key))
            })
            .collect()
    }

    /// The bindings of one section as written (no fall-through).
    pub fn bindings(&self, ctx: Context) -> impl Iterator<Item = (&Key, &Action)> {
        self.section(ctx)
            .into_iter()
            .flat_map(|s| s.bindings.iter())
    }

    /// The keys `ctx`'s own section binds to `action`.
    pub fn own_keys(&self, ctx: Context, action: &Action) -> Vec<Key> {
        let mut keys: Vec<Key> = self
            .bindings(ctx)
            .filter(|(_, a)| *a == action)
            .map(|(k, _)| *k)
            .collect();
        keys.sort_by_key(hint_order);
        keys
    }
}

/// Plain characters first, then named keys, then chords: the first is what hints show.
fn hint_order(k: &Key) -> (bool, bool, Key) {
    (k.ctrl || k.alt, !matches!(k.code, KeyCode::Char(_)), *k)
}
