//! Themes: colours named by meaning (`severity_critical`, `selection`), loaded from TOML.
//! Plain data only: `src/ui/style.rs` turns a `Look` into a ratatui style, so the app and
//! the config layer can hold a theme without depending on the terminal library.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

const DEFAULT_TOML: &str = include_str!("../themes/default.toml");
const BUILTIN: [(&str, &str); 3] = [
    ("default", DEFAULT_TOML),
    ("light", include_str!("../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../themes/high-contrast.toml"),
    ),
];

macro_rules! slots {
    ($($variant:ident => $name:literal),* $(,)?) => {
        /// Every colour a theme names. `selection` and `background` are drawn as
        /// backgrounds; the rest as foreground colours.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Slot { $($variant),* }

        impl Slot {
            pub const ALL: &'static [Slot] = &[$(Slot::$variant),*];
            pub fn name(self) -> &'static str {
                match self { $(Slot::$variant => $name),* }
            }
            pub fn parse(s: &str) -> Option<Slot> {
                match s { $($name => Some(Slot::$variant),)* _ => None }
            }
        }
    };
}

slots! {
    Text => "text", Muted => "muted", Header => "header", Border => "border",
    BorderFocused => "border_focused", Selection => "selection", Tab => "tab",
    TabActive => "tab_active", StatusBar => "status_bar", BadgeDemo => "badge_demo",
    BadgeReadOnly => "badge_read_only", SeverityCritical => "severity_critical",
    SeverityHigh => "severity_high", SeverityMedium => "severity_medium",
    SeverityLow => "severity_low", SeverityInformational => "severity_informational",
    Error => "error", Success => "success", Warning => "warning", Info => "info",
    DiffAdded => "diff_added", DiffRemoved => "diff_removed", DiffHeader => "diff_header",
    Key => "key", Input => "input", Background => "background",
}

/// A terminal colour as data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Colour {
    Rgb(u8, u8, u8),
    /// One of the 16 basic ANSI colours, by its lower-case name (`red`, `lightcyan`).
    Named(&'static str),
}

const NAMED: [&str; 16] = [
    "black",
    "red",
    "green",
    "yellow",
    "blue",
    "magenta",
    "cyan",
    "gray",
    "darkgray",
    "lightred",
    "lightgreen",
    "lightyellow",
    "lightblue",
    "lightmagenta",
    "lightcyan",
    "white",
];

/// How one slot looks: an optional colour plus text modifiers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Look {
    pub colour: Option<Colour>,
    pub bold: bool,
    pub reverse: bool,
    pub dim: bool,
    pub italic: bool,
    pub underline: bool,
}

impl Look {
    /// Parses `"#ff5555 bold"`, `"lightred"`, `"reverse"`, `"reset"`.
    pub fn parse(spec: &str) -> Result<Look, String> {
        let mut look = Look::default();
        for word in spec.split_whitespace() {
            let lower = word.to_ascii_lowercase();
            match lower.as_str() {
                "bold" => look.bold = true,
                "reverse" => look.reverse = true,
                "dim" => look.dim = true,
                "italic" => look.italic = true,
                "underline" => look.underline = true,
                "reset" | "default" | "none" => look.colour = None,
                hex if hex.starts_with('#') => look.colour = Some(parse_hex(hex)?),
                name => {
                    let named = NAMED
                        .iter()
                        .find(|n| **n == name.replace(['-', '_'], "").replace("grey", "gray"))
                        .ok_or_else(|| {
                            format!(
                                "unknown colour or modifier {word:?} (use \"#rrggbb\", a name \
                                 such as \"red\" or \"lightcyan\", or bold/reverse/dim/italic/underline)"
                            )
                        })?;
                    look.colour = Some(Colour::Named(named));
                }
            }
        }
        Ok(look)
    }
}

fn parse_hex(hex: &str) -> Result<Colour, String> {
    let digits = &hex[1..];
    let byte = |i: usize| u8::from_str_radix(digits.get(i..i + 2).unwrap_or("zz"), 16);
    match (digits.len(), byte(0), byte(2), byte(4)) {
        (6, Ok(r), Ok(g), Ok(b)) => Ok(Colour::Rgb(r, g, b)),
        _ => Err(format!("bad colour {hex:?}: expected \"#rrggbb\"")),
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
    looks: BTreeMap<Slot, Look>,
}

/// Why a theme could not be loaded. Messages name the file, the line and the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThemeError {
    #[error("theme {file}, line {line}: {problem}")]
    Invalid {
        file: String,
        line: usize,
        problem: String,
    },
    #[error("theme {file}: {problem}")]
    Unreadable { file: String, problem: String },
    #[error("no theme named {name:?} (built in: {builtin}; or a .toml file in {searched})")]
    NotFound {
        name: String,
        builtin: String,
        searched: String,
    },
}

impl Theme {
    /// How `slot` looks in this theme.
    pub fn look(&self, slot: Slot) -> Look {
        self.looks.get(&slot).copied().unwrap_or_default()
    }

    /// The embedded default (dark) theme.
    pub fn default_dark() -> Theme {
        // The embedded file is checked by a test; fall back to "no colours" rather than panic.
        Theme::parse_over(DEFAULT_TOML, "default", "themes/default.toml", None).unwrap_or_else(
            |_| Theme {
                name: "default".into(),
                looks: BTreeMap::new(),
            },
        )
    }

    /// For NO_COLOR: no colours at all, meaning carried by bold / reverse / dim.
    pub fn monochrome() -> Theme {
        let mut looks = BTreeMap::new();
        for &slot in Slot::ALL {
            let look = match slot {
                Slot::SeverityCritical | Slot::BadgeDemo | Slot::BadgeReadOnly => Look {
                    bold: true,
                    reverse: true,
                    ..Look::default()
                },
                Slot::Selection | Slot::TabActive => Look {
                    reverse: true,
                    ..Look::default()
                },
                Slot::Muted | Slot::SeverityInformational | Slot::Border => Look {
                    dim: true,
                    ..Look::default()
                },
                Slot::Text | Slot::Input | Slot::StatusBar | Slot::Tab | Slot::SeverityLow => {
                    Look::default()
                }
                Slot::DiffRemoved => Look {
                    dim: true,
                    ..Look::default()
                },
                _ => Look {
                    bold: true,
                    ..Look::default()
                },
            };
            looks.insert(slot, look);
        }
        Theme {
            name: "monochrome".into(),
            looks,
        }
    }

    /// A built-in theme by name.
    pub fn builtin(name: &str) -> Option<Theme> {
        if name == "monochrome" {
            return Some(Theme::monochrome());
        }
        let (n, src) = BUILTIN.iter().find(|(n, _)| *n == name)?;
        Theme::parse_over(
            src,
            n,
            &format!("themes/{n}.toml"),
            Some(Theme::default_dark()),
        )
        .ok()
    }

    /// Names of the built-in themes, for `:theme` completion.
    pub fn names() -> Vec<String> {
        let mut names: Vec<String> = BUILTIN.iter().map(|(n, _)| n.to_string()).collect();
        names.push("monochrome".into());
        names
    }

    /// Loads a theme: a path (contains `/` or ends in `.toml`), else `NAME.toml` in the
    /// user's theme directory, else a built-in name.
    pub fn load(name_or_path: &str, user_dir: Option<&Path>) -> Result<Theme, ThemeError> {
        let is_path = name_or_path.contains(std::path::MAIN_SEPARATOR)
            || name_or_path.contains('/')
            || name_or_path.ends_with(".toml");
        let candidate: Option<PathBuf> = if is_path {
            Some(PathBuf::from(name_or_path))
        } else {
            user_dir
                .map(|d| d.join(format!("{name_or_path}.toml")))
                .filter(|p| p.is_file())
        };
        if let Some(path) = candidate {
            let file = path.display().to_string();
            let src =
                crate::bounded::read_to_string(&path, crate::bounded::THEME).map_err(|e| {
                    ThemeError::Unreadable {
                        file: file.clone(),
                        problem: e.problem(),
                    }
                })?;
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| name_or_path.to_string());
            return Theme::parse_over(&src, &stem, &file, Some(Theme::default_dark()));
        }
        Theme::builtin(name_or_path).ok_or_else(|| ThemeError::NotFound {
            name: name_or_path.to_string(),
            builtin: Theme::names().join(", "),
            searched: user_dir
                .map(|d| d.display().to_string())
                .unwrap_or_else(|| "(no theme directory)".into()),
        })
    }

    /// Parses a theme file; keys it omits come from `base`.
    pub fn parse_over(
        src: &str,
        fallback_name: &str,
        file: &str,
        base: Option<Theme>,
    ) -> Result<Theme, ThemeError> {
        let invalid = |span: Option<std::ops::Range<usize>>, problem: String| ThemeError::Invalid {
            file: file.to_string(),
            line: span.map_or(1, |s| line_of(src, s.start)),
            problem,
        };
        let table = DeTable::parse(src)
            .map_err(|e| invalid(e.span(), e.message().trim().to_string()))?
            .into_inner();
        let mut looks = base.map(|b| b.looks).unwrap_or_default();
        let mut name = None;
        for (key, value) in &table {
            let text = match value.get_ref() {
                DeValue::String(s) => s.as_ref(),
                _ => {
                    return Err(invalid(
                        Some(value.span()),
                        format!(
                            "{}: expected a string such as \"#ff5555 bold\"",
                            key.get_ref()
                        ),
                    ));
                }
            };
            if key.get_ref() == "name" {
                name = Some(text.to_string());
                continue;
            }
            let slot = Slot::parse(key.get_ref()).ok_or_else(|| {
                invalid(
                    Some(key.span()),
                    format!(
                        "unknown colour name {:?} (known: {})",
                        key.get_ref().as_ref(),
                        Slot::ALL
                            .iter()
                            .map(|s| s.name())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?;
            let look = Look::parse(text)
                .map_err(|p| invalid(Some(value.span()), format!("{}: {p}", key.get_ref())))?;
            looks.insert(slot, look);
        }
        Ok(Theme {
            name: name.unwrap_or_else(|| fallback_name.to_string()),
            looks,
        })
    }
}

/// 1-based line number of byte offset `at`.
fn line_of(src: &str, at: usize) -> usize {
    src.get(..at.min(src.len()))
        .map_or(1, |s| s.bytes().filter(|b| *b == b'\n').count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_parses_and_defines_every_slot() {
        for name in Theme::names() {
            let theme = Theme::builtin(&name).unwrap();
            for &slot in Slot::ALL {
                assert!(
                    theme.looks.contains_key(&slot),
                    "{name} lacks {}",
                    slot.name()
                );
            }
        }
        // The default file must define every slot itself (it is the fallback).
        let bare = Theme::parse_over(DEFAULT_TOML, "default", "default.toml", None).unwrap();
        assert_eq!(bare.looks.len(), Slot::ALL.len());
    }

    #[test]
    fn a_partial_theme_falls_back_to_the_default() {
        let t = Theme::parse_over(
            "error = \"#010203\"\n",
            "mine",
            "mine.toml",
            Some(Theme::default_dark()),
        )
        .unwrap();
        assert_eq!(t.look(Slot::Error).colour, Some(Colour::Rgb(1, 2, 3)));
        assert_eq!(
            t.look(Slot::Success),
            Theme::default_dark().look(Slot::Success)
        );
        assert_eq!(t.name, "mine");
    }

    #[test]
    fn errors_name_file_line_and_problem() {
        let err = Theme::parse_over("name = \"x\"\n\nerror = \"#12\"\n", "x", "x.toml", None)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "theme x.toml, line 3: error: bad colour \"#12\": expected \"#rrggbb\""
        );
    }

    #[test]
    fn unknown_names_are_not_found_with_the_builtin_list() {
        let err = Theme::load("nope", None).unwrap_err();
        assert!(
            err.to_string().contains("default, light, high-contrast"),
            "{err}"
        );
    }
}
