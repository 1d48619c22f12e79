//! What every fuzz target shares: the case count (short by default, `PROPTEST_CASES` to run
//! long) and where found failures are kept, plus strategies for hostile text.

use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};

/// `default_cases` unless `PROPTEST_CASES` says otherwise; failures are saved next to the
/// target's source (`tests/fuzz/NAME.proptest-regressions`) and replayed first.
pub fn config(default_cases: u32) -> Config {
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = default_cases;
    }
    config.failure_persistence = Some(Box::new(FileFailurePersistence::WithSource(
        "proptest-regressions",
    )));
    config
}

/// Text made of `fragments` (the tokens a parser cares about) mixed with arbitrary
/// characters: multi-byte, controls, bidi and quotes, so boundaries are hit often.
pub fn text_from(fragments: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => proptest::sample::select(fragments).prop_map(str::to_string),
        1 => any::<char>().prop_map(String::from),
        1 => proptest::sample::select(HOSTILE).prop_map(str::to_string),
    ];
    proptest::collection::vec(piece, 0..max).prop_map(|p| p.concat())
}

/// The comparison operators of both filter grammars (`:findings` and the OCSF one).
pub const OPERATORS: &[&str] = &[
    "=", "!=", "^=", "!^=", "~", "!~", "~~", "<", "<=", ">", ">=",
];

/// `text_from` a filter grammar's own `fragments`, with the comparison `OPERATORS` mixed in.
pub fn filter_text(
    fragments: &'static [&'static str],
    max: usize,
) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => text_from(fragments, 2),
        1 => proptest::sample::select(OPERATORS).prop_map(str::to_string),
    ];
    proptest::collection::vec(piece, 0..max).prop_map(|p| p.concat())
}

/// Text of JSON's punctuation and the `words` of one document kind, with odd characters
/// mixed in: documents that are almost right.
pub fn json_from(words: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        1 => proptest::sample::select(JSON_PUNCTUATION).prop_map(str::to_string),
        3 => text_from(words, 2),
    ];
    proptest::collection::vec(piece, 0..max).prop_map(|p| p.concat())
}

const JSON_PUNCTUATION: &[&str] = &["{", "}", "[", "]", ",", ":"];

/// Characters that have broken parsers before: multi-byte at a boundary, controls,
/// escapes, bidi overrides, zero-width, NUL, a lone CR.
pub const HOSTILE: &[&str] = &[
    "é",
    "日",
    "😀",
    "\u{202E}",
    "\u{200B}",
    "\u{0}",
    "\r",
    "\n",
    "\t",
    "\u{1b}[2J",
    "\\",
    "\"",
    "'",
    " ",
    "\u{85}",
    "\u{2028}",
    "\u{feff}",
];

/// Whether `[at, at + len)` is a non-empty range of `text` on character boundaries.
pub fn is_span_of(text: &str, at: usize, len: usize) -> bool {
    len > 0
        && at + len <= text.len()
        && text.is_char_boundary(at)
        && text.is_char_boundary(at + len)
}
