//! Themes as files: every theme in `themes/` parses, bad theme files give messages that
//! name the file, the line and the problem, and the console survives a bad theme.

use std::path::{Path, PathBuf};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use secdeck::app::{Action, Keymap, Session, State, update};
use secdeck::theme::{Colour, Slot, Theme};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/themes").join(name)
}

/// The error message with the machine-specific directory cut off.
fn load_error(name: &str) -> String {
    let path = fixture(name);
    let err = Theme::load(&path.to_string_lossy(), None).expect_err("a bad theme");
    err.to_string().replace(
        &format!(
            "{}/",
            fixture("").parent().unwrap_or(Path::new("")).display()
        ),
        "",
    )
}

#[test]
fn every_theme_file_parses() {
    let mut count = 0;
    for entry in std::fs::read_dir(root().join("themes")).expect("themes/") {
        let path = entry.expect("entry").path();
        let theme = Theme::load(&path.to_string_lossy(), None)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
        assert_eq!(
            Some(theme.name.clone()),
            stem,
            "a theme's name matches its file"
        );
        assert!(
            Theme::names().contains(&theme.name),
            "{} is built in",
            theme.name
        );
        count += 1;
    }
    assert!(count >= 3, "default, light and high-contrast at least");
}

/// Each broken theme file is refused with its path, the line and what is wrong there.
#[test]
fn a_broken_theme_file_is_named_with_its_line_and_problem() {
    let cases = [
        (
            "bad-colour.toml",
            "theme themes/bad-colour.toml, line 4: severity_high: bad colour \"#12345\": expected \"#rrggbb\"",
        ),
        (
            "unknown-key.toml",
            "theme themes/unknown-key.toml, line 3: unknown colour name \"severity_urgent\" (known: text, muted,",
        ),
        (
            "unterminated-string.toml",
            "theme themes/unterminated-string.toml, line 3: ",
        ),
        (
            "not-a-string.toml",
            "theme themes/not-a-string.toml, line 4: selection: expected a string such as \"#ff5555 bold\"",
        ),
    ];
    for (file, expected) in cases {
        let msg = load_error(file);
        assert!(msg.starts_with(expected), "{file}: {msg}");
    }
    // The complete messages end where they should (no trailing detail lost or added).
    assert!(load_error("bad-colour.toml").ends_with("expected \"#rrggbb\""));
    assert!(load_error("not-a-string.toml").ends_with("such as \"#ff5555 bold\""));
}

#[test]
fn a_partial_theme_falls_back_to_the_default_and_loads_by_name_from_the_user_dir() {
    let dir = root().join("tests/fixtures/themes");
    let theme = Theme::load("partial", Some(&dir)).expect("partial theme");
    assert_eq!(theme.name, "partial");
    assert_eq!(
        theme.look(Slot::Error).colour,
        Some(Colour::Rgb(0xff, 0, 0))
    );
    assert!(theme.look(Slot::Selection).reverse);
    assert_eq!(
        theme.look(Slot::SeverityHigh),
        Theme::default_dark().look(Slot::SeverityHigh)
    );
    let missing = Theme::load("nope", Some(&dir)).expect_err("no such theme");
    assert!(missing.to_string().starts_with(
        "no theme named \"nope\" (built in: default, light, high-contrast, monochrome;"
    ));
}

#[test]
fn a_bad_theme_at_startup_leaves_the_default_and_an_error_notification() {
    // What the runtime does: try the configured theme; on error keep the default and tell.
    let mut state = State::new(
        Session::default(),
        Keymap::default_embedded(),
        Theme::default_dark(),
    );
    let path = fixture("bad-colour.toml");
    if let Err(e) = Theme::load(&path.to_string_lossy(), None) {
        update(&mut state, Action::ThemeLoaded(Err(e.to_string())));
    }
    assert_eq!(state.theme, Theme::default_dark());
    let note = state.notifications.iter().next().expect("a notification");
    assert!(
        note.message.contains("bad-colour.toml, line 4"),
        "{}",
        note.message
    );
    let mut t = Terminal::new(TestBackend::new(120, 20)).expect("terminal");
    t.draw(|f| secdeck::ui::draw(f, &state)).expect("draw");
    assert!(t.backend().to_string().contains("bad-colour.toml, line 4"));
}

/// Every cell's background after drawing `theme` with the help overlay open (a dialog
/// drawn over a cleared area), at 80x24.
fn backgrounds(theme: Theme) -> std::collections::BTreeSet<String> {
    let mut state = State::new(Session::default(), Keymap::default_embedded(), theme);
    update(&mut state, Action::Help);
    let mut t = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    t.draw(|f| secdeck::ui::draw(f, &state)).expect("draw");
    t.backend()
        .buffer()
        .content
        .iter()
        .map(|c| format!("{:?}", c.bg))
        .collect()
}

#[test]
fn the_light_theme_paints_its_own_background_everywhere_and_the_dark_one_keeps_the_terminals() {
    let light = backgrounds(Theme::builtin("light").expect("light"));
    let selection = match Theme::builtin("light")
        .unwrap()
        .look(Slot::Selection)
        .colour
    {
        Some(Colour::Rgb(r, g, b)) => format!("Rgb({r}, {g}, {b})"),
        other => panic!("{other:?}"),
    };
    let expected: std::collections::BTreeSet<String> =
        ["Rgb(250, 250, 250)".to_string(), selection].into();
    assert!(light.is_subset(&expected), "{light:?}");
    assert!(light.contains("Rgb(250, 250, 250)"));
    assert!(
        !light.contains("Reset"),
        "no cell left to the terminal's background"
    );

    let dark = backgrounds(Theme::default_dark());
    assert!(dark.contains("Reset"), "{dark:?}");
}
