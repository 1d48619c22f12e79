//! The one rule for showing text that came from AWS or a file: characters that can drive a
//! terminal or disguise what is read (C0/C1 controls and so escape sequences, bidi
//! controls, zero-width characters, line separators) are made visible as `⟨U+XXXX⟩`, or
//! stripped where the text is handed on (the clipboard).

use std::borrow::Cow;

/// True for a character that must not reach a terminal, a clipboard or a reader's eye as is.
pub fn is_hostile(c: char) -> bool {
    // `is_control` covers C0 (ESC, CR, LF, TAB, BEL...), DEL and C1 (CSI U+009B, OSC U+009D).
    c.is_control()
        || matches!(
            c,
            // Bidi embeddings, overrides and isolates, and the implicit marks.
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
            // Zero-width space / non-joiner / joiner, word joiner, BOM.
            | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}'
            // Line and paragraph separators: a line break a terminal may honour.
            | '\u{2028}' | '\u{2029}'
        )
}

/// `s` with every hostile character shown as `⟨U+XXXX⟩`; borrowed when there is none.
pub fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_hostile) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_hostile(c) {
            out.push_str(&format!("⟨U+{:04X}⟩", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `s` without its hostile characters: what may be put on a clipboard and pasted into a
/// shell. An escape sequence loses its ESC (or C1 introducer) and so its effect.
pub fn strip(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_hostile) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().filter(|c| !is_hostile(*c)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hostile strings as an attacker would plant them in a finding's Title, Id or a
    /// resource name, each with what must be shown.
    const CORPUS: &[(&str, &str)] = &[
        // Terminal title (OSC 0), clipboard write (OSC 52), screen clear (CSI 2J).
        ("\x1b]0;pwned\x07", "⟨U+001B⟩]0;pwned⟨U+0007⟩"),
        (
            "\x1b]52;c;ZWNobyBoaQ==\x07",
            "⟨U+001B⟩]52;c;ZWNobyBoaQ==⟨U+0007⟩",
        ),
        ("\x1b[2J\x1b[H", "⟨U+001B⟩[2J⟨U+001B⟩[H"),
        // Bracketed-paste end, then a command and a newline.
        ("id\x1b[201~rm -rf ~\n", "id⟨U+001B⟩[201~rm -rf ~⟨U+000A⟩"),
        // CR overwrites what was shown; C1 CSI and OSC introducers.
        ("safe\rEVIL", "safe⟨U+000D⟩EVIL"),
        ("\u{9b}31m\u{9d}0;x\u{9c}", "⟨U+009B⟩31m⟨U+009D⟩0;x⟨U+009C⟩"),
        ("tab\there\0nul\x7f", "tab⟨U+0009⟩here⟨U+0000⟩nul⟨U+007F⟩"),
        // Right-to-left override: `\u202Egnp.exe` reads as `exe.png`.
        ("\u{202E}gnp.exe", "⟨U+202E⟩gnp.exe"),
        (
            "a\u{202A}b\u{202B}c\u{202C}d\u{202D}e",
            "a⟨U+202A⟩b⟨U+202B⟩c⟨U+202C⟩d⟨U+202D⟩e",
        ),
        (
            "\u{2066}x\u{2067}y\u{2068}z\u{2069}",
            "⟨U+2066⟩x⟨U+2067⟩y⟨U+2068⟩z⟨U+2069⟩",
        ),
        // Zero-width characters hide inside look-alike names.
        ("adm\u{200B}in", "adm⟨U+200B⟩in"),
        ("a\u{200C}b\u{200D}c\u{FEFF}", "a⟨U+200C⟩b⟨U+200D⟩c⟨U+FEFF⟩"),
        ("line\u{2028}break", "line⟨U+2028⟩break"),
    ];

    #[test]
    fn every_hostile_string_is_made_visible_and_nothing_hostile_is_left() {
        for (hostile, shown) in CORPUS {
            let out = visible(hostile);
            assert_eq!(out, *shown, "{hostile:?}");
            assert!(!out.chars().any(is_hostile), "{out:?}");
        }
    }

    #[test]
    fn stripping_leaves_no_control_and_keeps_the_printable_text() {
        for (hostile, _) in CORPUS {
            let out = strip(hostile);
            assert!(!out.chars().any(is_hostile), "{out:?}");
        }
        assert_eq!(strip("id\x1b[201~rm -rf ~\n"), "id[201~rm -rf ~");
        assert_eq!(strip("\u{202E}gnp.exe"), "gnp.exe");
    }

    #[test]
    fn ordinary_text_is_untouched_and_not_copied() {
        for plain in [
            "arn:aws:securityhub:us-east-1:123456789012:subscription/x",
            "Überprüfung — 検査 ✓ émoji 🚀",
            "10.0.0.0/8, 2001:db8::/32",
            "",
        ] {
            assert!(matches!(visible(plain), Cow::Borrowed(_)), "{plain}");
            assert!(matches!(strip(plain), Cow::Borrowed(_)), "{plain}");
        }
    }
}
