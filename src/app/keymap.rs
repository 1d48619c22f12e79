//! Keys as data: the default keymap embedded from `assets/keymap.toml`, user overrides
//! merged over it (`"none"` unbinds), and the read-only cut that drops mutating actions.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::action::Action;
use super::keys::{Key, KeyCode};

const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.toml");

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Keymap {
    bindings: BTreeMap<Key, Action>,
    /// Mutating bindings a read-only session dropped: the key is not bound, but pressing
    /// it explains why nothing happens.
    withheld: BTreeMap<Key, Action>,
}

#[derive(Deserialize)]
struct KeymapFile {
    keys: BTreeMap<String, String>,
}

/// Parses an action name as written in a keymap. Internal actions have no name.
pub fn parse_action(name: &str) -> Result<Action, String> {
    serde_json::from_value::<Action>(serde_json::Value::String(name.to_string())).map_err(|_| {
        format!(
            "unknown action {name:?} (known: {})",
            bindable_actions()
                .iter()
                .map(Action::name)
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

/// Every action a key can be bound to, in help order.
pub fn bindable_actions() -> Vec<Action> {
    use Action::*;
    vec![
        ShowFindings,
        ShowAnalyzer,
        ShowIpSets,
        ShowAudits,
        NextPane,
        PrevPane,
        MoveDown,
        MoveUp,
        PageDown,
        PageUp,
        Top,
        Bottom,
        ScrollLeft,
        ScrollRight,
        Open,
        Back,
        Help,
        CommandLine,
        Filter,
        Refresh,
        ResumeLoad,
        EditFilter,
        SortNext,
        SortReverse,
        MarkRange,
        MarkAll,
        ClearMarks,
        ExportView,
        CycleGroup,
        Copy,
        OpenUrl,
        Quit,
        SetWorkflow,
        SetSeverity,
        AddNote,
        EditFields,
        RetryFailed,
        Remediate,
        Rollback,
        Archive,
        Unarchive,
        ArchiveSimilar,
        Mark,
        Suppress,
        Unsuppress,
        Mitigate,
        StartAudit,
        ImportAudit,
        ListSuppressions,
        SwitchScope,
        AddAddresses,
        RemoveAddresses,
        CreateIpSet,
        SyncIpRanges,
        AddAddressesFromFile,
        BlockFromFinding,
        Approve,
        Reject,
        Undo,
    ]
}

impl Keymap {
    /// The keymap shipped in `assets/keymap.toml`.
    pub fn default_embedded() -> Keymap {
        // The embedded file is checked by a test; an error here would leave an empty map,
        // which `:` and the help still make usable.
        let file: Result<KeymapFile, _> = toml::from_str(DEFAULT_KEYMAP);
        let overrides = file.map(|f| f.keys).unwrap_or_default();
        Keymap::default().with_overrides(&overrides).0
    }

    /// Merges `key spec -> action name` entries over this keymap. Bad entries are skipped
    /// and reported, one message each, naming the key and the problem.
    pub fn with_overrides(mut self, overrides: &BTreeMap<String, String>) -> (Keymap, Vec<String>) {
        let mut errors = Vec::new();
        for (spec, name) in overrides {
            let key: Key = match spec.parse() {
                Ok(k) => k,
                Err(e) => {
                    errors.push(format!("keys.{spec:?}: {e}"));
                    continue;
                }
            };
            if name == "none" {
                self.bindings.remove(&key);
                continue;
            }
            match parse_action(name) {
                Ok(action) => {
                    self.bindings.insert(key, action);
                }
                Err(e) => errors.push(format!("keys.{spec:?}: {e}")),
            }
        }
        (self, errors)
    }

    /// The keymap for a session: a read-only one has no mutating bindings at all.
    pub fn for_session(mut self, read_only: bool) -> Keymap {
        if read_only {
            let (mutating, kept) = std::mem::take(&mut self.bindings)
                .into_iter()
                .partition(|(_, a)| a.is_mutating());
            self.bindings = kept;
            self.withheld = mutating;
        }
        self
    }

    pub fn action_for(&self, key: &Key) -> Option<&Action> {
        self.bindings.get(key)
    }

    /// The mutating action `key` would run in a read-write session, if any.
    pub fn withheld(&self, key: &Key) -> Option<&Action> {
        self.withheld.get(key)
    }

    /// Keys bound to `action`, plain characters first (they are what hints should show).
    pub fn keys_for(&self, action: &Action) -> Vec<Key> {
        let mut keys: Vec<Key> = self
            .bindings
            .iter()
            .filter(|(_, a)| *a == action)
            .map(|(k, _)| *k)
            .collect();
        keys.sort_by_key(|k| (k.ctrl || k.alt, !matches!(k.code, KeyCode::Char(_))));
        keys
    }

    /// The first key bound to `action`, for hints like "u to undo".
    pub fn hint(&self, action: &Action) -> Option<String> {
        self.keys_for(action).first().map(Key::to_string)
    }

    pub fn bindings(&self) -> impl Iterator<Item = (&Key, &Action)> {
        self.bindings.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_keymap_parses_completely() {
        let file: KeymapFile = toml::from_str(DEFAULT_KEYMAP).unwrap();
        let (_, errors) = Keymap::default().with_overrides(&file.keys);
        assert!(errors.is_empty(), "{errors:?}");
        let km = Keymap::default_embedded();
        assert_eq!(km.action_for(&Key::char('j')), Some(&Action::MoveDown));
        assert_eq!(km.action_for(&Key::ctrl('d')), Some(&Action::PageDown));
        assert_eq!(
            km.action_for(&Key::plain(KeyCode::BackTab)),
            Some(&Action::PrevPane)
        );
    }

    #[test]
    fn every_bindable_action_has_a_default_key_and_a_description() {
        let km = Keymap::default_embedded();
        for a in bindable_actions() {
            assert!(!km.keys_for(&a).is_empty(), "{} is unbound", a.name());
            assert!(
                !a.description().is_empty(),
                "{} has no description",
                a.name()
            );
        }
    }

    #[test]
    fn overrides_rebind_unbind_and_report_errors() {
        let overrides: BTreeMap<String, String> = [
            ("x", "quit"),
            ("q", "none"),
            ("hyper-x", "quit"),
            ("z", "explode"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let (km, errors) = Keymap::default_embedded().with_overrides(&overrides);
        assert_eq!(km.action_for(&Key::char('x')), Some(&Action::Quit));
        assert_eq!(km.action_for(&Key::char('q')), None);
        assert_eq!(errors.len(), 2);
        assert!(
            errors[0].starts_with("keys.\"hyper-x\": unknown key"),
            "{}",
            errors[0]
        );
        assert!(
            errors[1].starts_with("keys.\"z\": unknown action \"explode\""),
            "{}",
            errors[1]
        );
    }

    #[test]
    fn the_embedded_keymap_parses_and_binds_every_entry() {
        // A duplicate key (two panes claiming one letter) makes the whole file invalid.
        let file: KeymapFile = toml::from_str(DEFAULT_KEYMAP).expect("assets/keymap.toml parses");
        let (_, errors) = Keymap::default().with_overrides(&file.keys);
        assert!(errors.is_empty(), "{errors:?}");
    }

    #[test]
    fn internal_actions_cannot_be_bound() {
        assert!(parse_action("tick").is_err());
        assert!(parse_action("key").is_err());
    }

    #[test]
    fn read_only_sessions_drop_every_mutating_binding() {
        let km = Keymap::default_embedded().for_session(true);
        assert!(km.bindings().all(|(_, a)| !a.is_mutating()));
        assert_eq!(km.action_for(&Key::char('w')), None);
        assert_eq!(km.action_for(&Key::char('n')), Some(&Action::Reject));
        assert_eq!(
            km.withheld(&Key::char('w')),
            Some(&Action::SetWorkflow),
            "kept aside only to explain the refusal"
        );
    }
}
