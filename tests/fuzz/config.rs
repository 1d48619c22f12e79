//! The config file and its `[keys]`: arbitrary text never panics, every problem is reported
//! at a `path:line:column` inside the file, and a file that does not read cleanly is never
//! accepted silently. Fail closed: a generated config whose read_only settings make a
//! session read-only stays read-only whatever junk is added elsewhere, the rest of the file
//! stays in force, and no key binding, however wrong, gives a read-only session a
//! mutating action. Keys print back to specs that parse to the same key.

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;
use secdeck::app::keymap::{Context, KeyEntry, KeyOverrides, bindable_actions};
use secdeck::app::{Key, KeyCode, Keymap};
use secdeck::config::{AccessFlag, Config, ConfigError, LoadedConfig, resolve_read_only};

use crate::support::{config, text_from};

const PATH: &str = "conf.toml";

const FRAGMENTS: &[&str] = &[
    "read_only",
    "theme",
    "journal",
    "note_author",
    "[profiles.prod]",
    "[keys]",
    "[keys.findings]",
    "[[views]]",
    "[cross_account]",
    "[cross_account.roles]",
    "name",
    "filter",
    "region",
    " = ",
    "=",
    "true",
    "false",
    "\"x\"",
    "'x'",
    "3",
    "\n",
    "[",
    "]",
    "{",
    "}",
    ",",
    "\"\"\"",
    "#",
    "q",
    "\"ctrl-c\"",
    "\"quit\"",
    "\"none\"",
    "them",
    "1979-05-27",
    "inf",
];

const SECTIONS: &[&str] = &[
    "global", "findings", "analyzer", "ipsets", "audits", "journal", "input", "preview",
];

fn contexts() -> Vec<Context> {
    SECTIONS.iter().filter_map(|s| Context::parse(s)).collect()
}

/// Every `path:line:column` the load reports points inside `text`.
fn check_located(text: &str, e: &ConfigError) -> Result<(), TestCaseError> {
    let ConfigError::Parse {
        path,
        line,
        column,
        message,
    } = e
    else {
        return Err(TestCaseError::fail(format!("text gave a file error: {e}")));
    };
    prop_assert_eq!(path, Path::new(PATH));
    prop_assert!(!message.is_empty());
    let lines: Vec<&str> = text.split('\n').collect();
    prop_assert!(
        *line >= 1 && *line <= lines.len(),
        "{} of {} lines",
        e,
        lines.len()
    );
    let width = lines[line - 1].chars().count();
    prop_assert!(
        *column >= 1 && *column <= width + 1,
        "{}: line is {:?}",
        e,
        lines[line - 1]
    );
    let place = format!("{PATH}:{line}:{column}: ");
    prop_assert!(
        e.to_string().starts_with(&place),
        "{} does not start {}",
        e,
        place
    );
    Ok(())
}

fn check_loaded(text: &str, loaded: &LoadedConfig) -> Result<(), TestCaseError> {
    match Config::parse(Path::new(PATH), text) {
        Ok(strict) => {
            prop_assert_eq!(&loaded.config, &strict);
            prop_assert!(loaded.notices().is_empty());
        }
        Err(e) => {
            check_located(text, &e)?;
            prop_assert!(!loaded.notices().is_empty(), "refused text read silently");
        }
    }
    for w in loaded.warnings.iter().chain(&loaded.error) {
        check_located(text, w)?;
    }
    if loaded.error.is_some() {
        prop_assert!(resolve_read_only(AccessFlag::Unset, &loaded.config, "any").read_only);
    }
    Ok(())
}

// ---- generated configs ----

#[derive(Debug, Clone)]
struct Generated {
    profiles: Vec<String>,
    theme: Option<String>,
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A valid config: read_only settings, a theme, profiles, views, keys.
fn valid_config() -> impl Strategy<Value = (Generated, String)> {
    (
        proptest::option::of(proptest::bool::ANY),
        proptest::option::of("[a-z]{1,10}"),
        proptest::collection::btree_map(
            "[a-z][a-z0-9-]{0,8}",
            (
                proptest::option::of(proptest::bool::ANY),
                proptest::option::of("[a-z]{2}-[a-z]{4,7}-[1-3]"),
            ),
            0..4,
        ),
        proptest::collection::vec(("[a-z]{1,8}", "[a-z]{1,8}"), 0..3),
    )
        .prop_map(|(global, theme, profiles, views)| {
            let mut top = String::new();
            if let Some(ro) = global {
                top.push_str(&format!("read_only = {ro}\n"));
            }
            if let Some(t) = &theme {
                top.push_str(&format!("theme = {}\n", toml_string(t)));
            }
            let mut tables = String::new();
            for (name, (ro, region)) in &profiles {
                tables.push_str(&format!("\n[profiles.{}]\n", toml_string(name)));
                if let Some(ro) = ro {
                    tables.push_str(&format!("read_only = {ro}\n"));
                }
                if let Some(r) = region {
                    tables.push_str(&format!("region = {}\n", toml_string(r)));
                }
            }
            for (name, value) in views {
                tables.push_str(&format!(
                    "\n[[views]]\nname = {}\nfilter = {}\n",
                    toml_string(&name),
                    toml_string(&format!("title~{value}"))
                ));
            }
            tables.push_str("\n[keys]\nx = \"quit\"\n");
            let generated = Generated {
                profiles: profiles.keys().cloned().collect(),
                theme,
            };
            (generated, format!("{top}\x00{tables}"))
        })
}

/// A mistake somewhere other than a read_only setting.
fn junk() -> impl Strategy<Value = (bool, String)> {
    // (goes at the top level before any table?, text)
    prop_oneof![
        Just((true, "them = \"light\"\n".to_string())),
        Just((true, "note_author = 3\n".to_string())),
        Just((true, "journal = [1, 2]\n".to_string())),
        "[a-z_]{1,12}".prop_map(|k| (true, format!("{k}x = 1\n"))),
        Just((false, "\n[keys]\nq = 3\n".to_string())),
        Just((
            false,
            "\n[keys.findings]\nW = [\"set_workflow\"]\n".to_string()
        )),
        Just((
            false,
            "\n[[views]]\nname = \"s3\"\nfliter = \"rtype=AwsS3Bucket\"\n".to_string()
        )),
        Just((
            false,
            "\n[cross_account]\ndefault_rol = \"x\"\n".to_string()
        )),
        Just((
            false,
            "\n[profiles.junk]\nregoin = \"eu-west-1\"\n".to_string()
        )),
        Just((false, "\n[colors]\nred = 1\n".to_string())),
        // Not TOML at all: the whole file is unusable.
        Just((false, "\n[keys\n".to_string())),
        Just((false, "\nread_only = = true\n".to_string())),
        // Random fragments, but never a read_only setting of their own.
        text_from(FRAGMENTS, 8)
            .prop_filter("no read_only of its own", |t| !t.contains("read_only")
                && !t.contains("[profiles"))
            .prop_map(|t| (false, format!("\n{t}\n"))),
    ]
}

fn assemble(parts: &str, junk: &[(bool, String)]) -> String {
    let (top, tables) = parts.split_once('\x00').unwrap();
    let mut text = String::new();
    for (at_top, j) in junk {
        if *at_top {
            text.push_str(j);
        }
    }
    text.push_str(top);
    text.push_str(tables);
    for (at_top, j) in junk {
        if !*at_top {
            text.push_str(j);
        }
    }
    text
}

fn spec_of(key: &Key) -> String {
    key.to_string()
}

fn any_key() -> impl Strategy<Value = Key> {
    let code = prop_oneof![
        4 => any::<char>().prop_map(KeyCode::Char),
        1 => proptest::sample::select(&[
            KeyCode::Enter, KeyCode::Esc, KeyCode::Tab, KeyCode::BackTab, KeyCode::Backspace,
            KeyCode::Delete, KeyCode::Up, KeyCode::Down, KeyCode::Left, KeyCode::Right,
            KeyCode::PageUp, KeyCode::PageDown, KeyCode::Home, KeyCode::End,
        ][..]),
        1 => any::<u8>().prop_map(KeyCode::F),
    ];
    (code, proptest::bool::ANY, proptest::bool::ANY).prop_map(|(code, ctrl, alt)| Key {
        code,
        ctrl,
        alt,
    })
}

fn key_spec() -> impl Strategy<Value = String> {
    prop_oneof![
        any_key().prop_map(|k| spec_of(&k)),
        text_from(
            &[
                "ctrl-", "c-", "alt-", "m-", "shift-", "f", "1", "x", "-", "tab", "enter", "space",
                "lt"
            ],
            4
        ),
    ]
}

fn action_name() -> impl Strategy<Value = String> {
    let names: Vec<String> = bindable_actions().iter().map(|a| a.name()).collect();
    prop_oneof![
        4 => proptest::sample::select(names),
        1 => Just("none".to_string()),
        1 => "[a-z_]{1,12}",
    ]
}

fn overrides() -> impl Strategy<Value = KeyOverrides> {
    let section_name = prop_oneof![
        4 => proptest::sample::select(SECTIONS).prop_map(str::to_string),
        1 => "[a-z]{1,8}",
    ];
    let flat = (key_spec(), action_name()).prop_map(|(k, a)| (k, KeyEntry::Action(a)));
    let section = (
        section_name,
        proptest::collection::btree_map(key_spec(), action_name(), 0..6),
    )
        .prop_map(|(s, t)| (s, KeyEntry::Section(t)));
    proptest::collection::vec(prop_oneof![flat, section], 0..8)
        .prop_map(|entries| entries.into_iter().collect::<BTreeMap<_, _>>())
}

proptest! {
    #![proptest_config(config(500))]

    #[test]
    fn arbitrary_text_is_read_or_refused_at_a_place_in_the_file(
        text in prop_oneof![any::<String>(), text_from(FRAGMENTS, 30)],
    ) {
        let loaded = Config::parse_lenient(Path::new(PATH), &text);
        check_loaded(&text, &loaded)?;
    }

    #[test]
    fn read_only_stays_whatever_junk_is_added_elsewhere(
        (generated, parts) in valid_config(),
        junk in proptest::collection::vec(junk(), 1..4),
        stranger in "[a-z]{1,6}",
    ) {
        let clean_text = assemble(&parts, &[]);
        let clean = Config::parse(Path::new(PATH), &clean_text)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{clean_text}")))?;
        let text = assemble(&parts, &junk);
        let loaded = Config::parse_lenient(Path::new(PATH), &text);
        check_loaded(&text, &loaded)?;
        let mut profiles = generated.profiles.clone();
        profiles.push(stranger);
        for p in &profiles {
            let before = resolve_read_only(AccessFlag::Unset, &clean, p);
            let after = resolve_read_only(AccessFlag::Unset, &loaded.config, p);
            prop_assert!(
                !before.read_only || after.read_only,
                "profile {}: {} became {}\n{}", p, before, after, text
            );
            prop_assert!(!resolve_read_only(AccessFlag::ReadOnly, &loaded.config, p).to_string().starts_with("read-write"));
        }
        if loaded.error.is_none() {
            // Junk elsewhere leaves the rest of the file in force.
            prop_assert_eq!(&loaded.config.theme, &generated.theme, "{}", text);
            prop_assert_eq!(loaded.config.read_only, clean.read_only);
        }
    }

    #[test]
    fn a_misspelt_or_mistyped_read_only_makes_the_session_read_only(
        (_generated, parts) in valid_config(),
        spelling in proptest::sample::select(&[
            "read_only = \"yes\"", "read_only = 1", "readonly = true", "read-only = true",
            "Read_Only = true", "readOnly = true", "read_only = [true]", "[profile.all]\nread_only = true",
        ][..]),
    ) {
        // Without any valid read_only elsewhere, the spoiled one decides.
        let parts: String = parts.lines().filter(|l| !l.starts_with("read_only")).collect::<Vec<_>>().join("\n");
        let (top, tables) = parts.split_once('\x00').unwrap();
        let text = format!("{spelling}\n{top}\n{tables}");
        let loaded = Config::parse_lenient(Path::new(PATH), &text);
        check_loaded(&text, &loaded)?;
        let r = resolve_read_only(AccessFlag::Unset, &loaded.config, "default");
        prop_assert!(r.read_only, "{}\n{}", r, text);
        prop_assert!(!resolve_read_only(AccessFlag::Write, &loaded.config, "default").read_only);
    }

    #[test]
    fn keys_print_to_specs_that_parse_to_the_same_key(key in any_key()) {
        let spec = spec_of(&key);
        let parsed: Key = spec.parse().map_err(|e| TestCaseError::fail(format!("{spec:?}: {e}")))?;
        prop_assert_eq!(parsed, key, "spec {:?}", spec);
    }

    #[test]
    fn no_binding_gives_a_read_only_session_a_mutating_action(
        overrides in overrides(),
        extra in proptest::collection::vec(any_key(), 0..10),
    ) {
        let (keymap, errors) = Keymap::default_embedded().with_overrides(&overrides);
        for e in &errors {
            prop_assert!(e.starts_with("keys."), "{} does not name the section", e);
        }
        let keymap = keymap.for_session(true);
        let mut keys: Vec<Key> = overrides
            .iter()
            .flat_map(|(k, e)| match e {
                KeyEntry::Action(_) => vec![k.clone()],
                KeyEntry::Section(t) => t.keys().cloned().collect(),
            })
            .filter_map(|spec| spec.parse().ok())
            .collect();
        keys.extend(extra);
        keys.extend("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ".chars().map(Key::char));
        for ctx in contexts() {
            for key in &keys {
                if let Some(a) = keymap.action_in(ctx, key) {
                    prop_assert!(!a.is_mutating(), "{:?} {} runs {:?} read-only", ctx, key, a);
                }
            }
        }
    }

    #[test]
    fn a_valid_global_binding_means_its_action_everywhere_but_text_input(
        key in any_key().prop_filter("a key with a modifier or a name", |k| k.typed_char().is_none()),
        action in proptest::sample::select(bindable_actions()),
    ) {
        let overrides: KeyOverrides = [(spec_of(&key), KeyEntry::Action(action.name()))].into_iter().collect();
        let (keymap, errors) = Keymap::default_embedded().with_overrides(&overrides);
        prop_assert!(errors.is_empty(), "{:?}", errors);
        for ctx in contexts().into_iter().filter(|c| *c != Context::Input) {
            prop_assert_eq!(keymap.action_in(ctx, &key), Some(&action), "{:?}", ctx);
        }
    }
}
