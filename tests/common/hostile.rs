//! Hostile text as an attacker plants it in AWS data (finding fields imported with the
//! AWS CLI, resource names, policy statements, IP set descriptions, error messages) or in
//! files (ip-ranges.json, the journal), and the check every rendered screen must pass: no
//! cell holds a control, bidi or zero-width character, and the planted text shows as
//! `⟨U+XXXX⟩` markers.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use secdeck::app::State;
use secdeck::domain::sanitize::is_hostile;

/// One string per kind of attack, named.
pub const CORPUS: &[(&str, &str)] = &[
    ("OSC 0: sets the terminal title", "\u{1b}]0;pwned\u{7}"),
    (
        "OSC 52: writes the clipboard",
        "\u{1b}]52;c;ZWNobyBoaQ==\u{7}",
    ),
    ("CSI 2J: clears the screen", "\u{1b}[2J\u{1b}[H"),
    ("bracketed-paste end, then a command", "\u{1b}[201~rm -rf ~"),
    (
        "C1 CSI (U+009B) and OSC (U+009D)",
        "\u{9b}31m\u{9d}0;x\u{9c}",
    ),
    ("CR overwrites, LF and TAB move", "safe\rEVIL\nline\ttab"),
    ("right-to-left override", "\u{202E}gnp.exe"),
    (
        "bidi embeddings and isolates",
        "\u{202A}a\u{202C}\u{2066}b\u{2069}",
    ),
    (
        "zero-width space, joiners, BOM",
        "adm\u{200B}in\u{200C}\u{200D}\u{FEFF}",
    ),
    ("line separator", "x\u{2028}y"),
    ("wide CJK and emoji (harmless, two columns each)", "検査🚀"),
];

/// `label` wrapped in every string of the corpus, led by a right-to-left override so that
/// even a column cut to a few cells starts with a marker (`⟨U+202E⟩label …`).
pub fn hostile(label: &str) -> String {
    let all: String = CORPUS.iter().map(|(_, s)| *s).collect();
    format!("\u{202E}{label} {all}")
}

/// A long hostile string that wraps over many lines but stays under ASFF's 1024-character
/// limit for a Description (Notes take 512).
pub fn long(label: &str, max_chars: usize) -> String {
    let one = hostile(label);
    let n = (max_chars / one.chars().count()).max(1);
    one.repeat(n)
}

/// `state` drawn at 120x40, row by row.
pub fn rendered(state: &State) -> (Terminal<TestBackend>, String) {
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
    terminal
        .draw(|frame| secdeck::ui::draw(frame, state))
        .expect("draw");
    let buffer = terminal.backend().buffer().clone();
    let mut text = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            text.push_str(buffer[(x, y)].symbol());
        }
        text.push('\n');
    }
    (terminal, text)
}

/// No cell of the screen holds a hostile character; the screen as text.
#[track_caller]
pub fn assert_no_hostile_cell(state: &State, what: &str) -> String {
    let (terminal, text) = rendered(state);
    let buffer = terminal.backend().buffer();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            let symbol = buffer[(x, y)].symbol();
            assert!(
                !symbol.chars().any(is_hostile),
                "{what}: cell ({x},{y}) holds {symbol:?}\n{text}"
            );
        }
    }
    text
}

/// The screen is `what` (it shows `expect`) and shows hostile text only as markers: no
/// hostile cell, and `⟨U+202E⟩` (the override every planted string starts with) is on it.
#[track_caller]
pub fn assert_shown_safely(state: &State, what: &str, expect: &str) -> String {
    let text = assert_no_hostile_cell(state, what);
    assert!(
        text.contains(expect),
        "{what}: {expect:?} is not on the screen\n{text}"
    );
    assert!(
        text.contains("⟨U+202E⟩"),
        "{what}: the hostile text is not shown as markers\n{text}"
    );
    text
}

/// Pastes the planted text `hostile(label)` into whatever prompt is open and checks the
/// screen then shows `expect`, with the planted text only as markers.
#[track_caller]
pub fn paste_shown_safely(
    console: &mut secdeck::runtime::Console,
    label: &str,
    expect: &str,
) -> String {
    console.dispatch(secdeck::app::Action::Paste(hostile(label)));
    assert_shown_safely(&console.state, label, expect)
}
