use std::collections::BTreeMap;

use super::overrides::from_file;
use super::*;
use crate::app::actions::{bindable, spec};

fn flat(entries: &[(&str, &str)]) -> KeyOverrides {
    entries
        .iter()
        .map(|(k, v)| (k.to_string(), KeyEntry::Action(v.to_string())))
        .collect()
}

fn section(name: &str, entries: &[(&str, &str)]) -> (String, KeyEntry) {
    let table: BTreeMap<String, String> = entries
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    (name.to_string(), KeyEntry::Section(table))
}

#[test]
fn the_embedded_keymap_parses_and_binds_every_entry() {
    // A duplicate key in one section makes the whole file invalid.
    let (km, errors) = from_file(DEFAULT_KEYMAP);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(km, Keymap::default_embedded());
    let g = Context::Global;
    assert_eq!(km.action_in(g, &Key::char('j')), Some(&Action::MoveDown));
    assert_eq!(km.action_in(g, &Key::ctrl('d')), Some(&Action::PageDown));
    assert_eq!(
        km.action_in(g, &Key::plain(KeyCode::BackTab)),
        Some(&Action::PrevPane)
    );
}

#[test]
fn the_table_and_the_keymap_file_agree_on_where_each_action_is_bound() {
    let km = Keymap::default_embedded();
    for action in bindable() {
        let s = spec(&action).unwrap();
        let bound_in: Vec<Context> = Context::all()
            .filter(|c| km.bindings(*c).any(|(_, a)| *a == action))
            .collect();
        assert_eq!(
            bound_in,
            s.sections,
            "{}: assets/keymap.toml binds it in {bound_in:?}, the table says {:?}",
            action.name(),
            s.sections
        );
    }
}

#[test]
fn lookup_is_context_first_then_global() {
    let km = Keymap::default_embedded();
    let w = Key::char('w');
    assert_eq!(
        km.action_in(Context::Findings, &w),
        Some(&Action::SetWorkflow)
    );
    for ctx in [
        Context::Analyzer,
        Context::IpSets,
        Context::Audits,
        Context::Journal,
    ] {
        assert_eq!(km.action_in(ctx, &w), None, "{ctx:?}");
        // Global keys reach every pane.
        assert_eq!(km.action_in(ctx, &Key::char('q')), Some(&Action::Quit));
    }
    // The same letter, the natural thing in each pane.
    assert_eq!(
        km.action_in(Context::Analyzer, &Key::char('X')),
        Some(&Action::Rollback)
    );
    assert_eq!(km.action_in(Context::Findings, &Key::char('X')), None);
    assert_eq!(
        km.action_in(Context::IpSets, &Key::char('s')),
        Some(&Action::SyncIpRanges)
    );
    assert_eq!(km.action_in(Context::Findings, &Key::char('s')), None);
    // Text input never falls back to global: `q` types a q.
    assert_eq!(km.action_in(Context::Input, &Key::char('q')), None);
}

#[test]
fn a_pane_section_can_give_a_letter_its_own_meaning() {
    let overrides: KeyOverrides = [section("ipsets", &[("w", "add_addresses")])].into();
    let (km, errors) = Keymap::default_embedded().with_overrides(&overrides);
    assert!(errors.is_empty(), "{errors:?}");
    let w = Key::char('w');
    assert_eq!(
        km.action_in(Context::IpSets, &w),
        Some(&Action::AddAddresses)
    );
    assert_eq!(
        km.action_in(Context::Findings, &w),
        Some(&Action::SetWorkflow)
    );
    assert_eq!(km.action_in(Context::Audits, &w), None);
}

#[test]
fn flat_overrides_are_global_rebind_unbind_and_report_errors() {
    let overrides = flat(&[
        ("x", "quit"),
        ("q", "none"),
        ("hyper-x", "quit"),
        ("z", "explode"),
        ("w", "none"),
    ]);
    let (km, errors) = Keymap::default_embedded().with_overrides(&overrides);
    for ctx in [Context::Global, Context::Findings, Context::Analyzer] {
        // A global entry says what the key means everywhere: the analyzer's `x`
        // (remediate) gives way to it.
        assert_eq!(km.action_in(ctx, &Key::char('x')), Some(&Action::Quit));
        assert_eq!(km.action_in(ctx, &Key::char('q')), None);
        assert_eq!(km.action_in(ctx, &Key::char('w')), None, "{ctx:?}");
    }
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
fn section_overrides_rebind_and_unbind_in_their_pane_only() {
    let overrides: KeyOverrides = [
        section(
            "findings",
            &[("W", "set_workflow"), ("w", "none"), ("q", "none")],
        ),
        ("x".to_string(), KeyEntry::Action("refresh".into())),
    ]
    .into();
    let (km, errors) = Keymap::default_embedded().with_overrides(&overrides);
    assert!(errors.is_empty(), "{errors:?}");
    let f = Context::Findings;
    assert_eq!(km.action_in(f, &Key::char('W')), Some(&Action::SetWorkflow));
    assert_eq!(km.action_in(f, &Key::char('w')), None);
    assert_eq!(km.hint(f, &Action::SetWorkflow).as_deref(), Some("W"));
    // "none" in a pane hides the global binding there, and only there.
    assert_eq!(km.action_in(f, &Key::char('q')), None);
    assert_eq!(
        km.action_in(Context::IpSets, &Key::char('q')),
        Some(&Action::Quit)
    );
    assert_eq!(km.action_in(f, &Key::char('x')), Some(&Action::Refresh));
}

#[test]
fn bad_section_entries_name_the_section_and_the_key() {
    let overrides: KeyOverrides = [
        section("findings", &[("hyper-w", "set_workflow"), ("K", "explode")]),
        section("ipsets", &[("w", "set_workflow")]),
        section("nosuch", &[("w", "quit")]),
        section(
            "input",
            &[("x", "back"), ("ctrl-g", "quit"), ("ctrl-o", "open")],
        ),
    ]
    .into();
    let (km, errors) = Keymap::default_embedded().with_overrides(&overrides);
    let expected = [
        "keys.findings.\"K\": unknown action \"explode\"",
        "keys.findings.\"hyper-w\": unknown key",
        "keys.input.\"ctrl-g\": quit does nothing in a text field",
        "keys.input.\"x\": x types text in a field",
        "keys.ipsets.\"w\": set_workflow does nothing in ipsets (it works in: findings)",
        "keys.nosuch: unknown section (known: global, findings,",
    ];
    assert_eq!(errors.len(), expected.len(), "{errors:#?}");
    for (e, want) in errors.iter().zip(expected) {
        assert!(e.starts_with(want), "{e}\n  wanted {want}");
    }
    assert_eq!(km.field_key(Key::ctrl('o')), Key::plain(KeyCode::Enter));
    assert_eq!(km.field_key(Key::char('x')), Key::char('x'));
}

#[test]
fn internal_actions_cannot_be_bound() {
    assert!(parse_action("tick").is_err());
    assert!(parse_action("key").is_err());
}

#[test]
fn read_only_sessions_drop_every_mutating_binding_in_every_section() {
    let overrides: KeyOverrides = [
        section("ipsets", &[("w", "add_addresses")]),
        ("W".to_string(), KeyEntry::Action("set_workflow".into())),
    ]
    .into();
    let (km, _) = Keymap::default_embedded().with_overrides(&overrides);
    let km = km.for_session(true);
    for ctx in Context::all() {
        assert!(
            km.bindings(ctx).all(|(_, a)| !a.is_mutating()),
            "{ctx:?} keeps a mutating binding"
        );
        for action in bindable().iter().filter(|a| a.is_mutating()) {
            assert_eq!(km.hint(ctx, action), None, "{ctx:?} {}", action.name());
        }
    }
    let f = Context::Findings;
    assert_eq!(km.action_in(f, &Key::char('w')), None);
    assert_eq!(
        km.action_in(Context::Preview, &Key::char('n')),
        Some(&Action::Reject)
    );
    assert_eq!(
        km.withheld(f, &Key::char('w')),
        Some(&Action::SetWorkflow),
        "kept aside only to explain the refusal"
    );
    assert_eq!(km.withheld(f, &Key::char('W')), Some(&Action::SetWorkflow));
    assert_eq!(
        km.withheld(Context::IpSets, &Key::char('w')),
        Some(&Action::AddAddresses)
    );
}

#[test]
fn footers_show_the_pane_in_view_from_the_keymap_in_force() {
    let km = Keymap::default_embedded();
    let words = |ctx| -> Vec<String> {
        km.footer(ctx, |_| true)
            .into_iter()
            .map(|(a, k)| format!("{k} {}", a.label()))
            .collect()
    };
    assert_eq!(
        words(Context::Findings),
        [
            "? help",
            ": command",
            "/ filter",
            "enter open",
            "w workflow",
            "q quit"
        ]
    );
    assert!(!words(Context::IpSets).contains(&"w workflow".to_string()));
    assert!(words(Context::IpSets).contains(&"+ add".to_string()));
    assert!(words(Context::Journal).contains(&"X roll back".to_string()));
    let ro = Keymap::default_embedded().for_session(true);
    assert!(
        ro.footer(Context::Preview, |_| true)
            .iter()
            .all(|(a, _)| *a != Action::Approve)
    );
}
