//! Loading a config file that has mistakes without failing open: every setting that can be
//! read is kept, each problem becomes a warning that names `path:line:column`, and a
//! `read_only` that cannot be read (a wrong type, a file that does not parse or cannot be
//! read) makes the session read-only unless `--write` is given.

use std::path::Path;

use serde::de::{DeserializeOwned, IntoDeserializer};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::{Config, ConfigError, ProfileConfig, line_column};

/// A config as a session uses it: what could be read, and what could not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadedConfig {
    pub config: Config,
    /// The file could not be used at all (not found when given with `--config`, unreadable,
    /// not TOML): `config` is the defaults, read-only unless `--write`.
    pub error: Option<ConfigError>,
    /// Parts of the file that were ignored; the rest of the file is in force.
    pub warnings: Vec<ConfigError>,
}

impl LoadedConfig {
    /// One line per problem, for the status bar, `secdeck info` and stderr.
    pub fn notices(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .warnings
            .iter()
            .map(|w| format!("{w} (ignored)"))
            .collect();
        if let Some(e) = &self.error {
            out.push(format!("{e} (running with the default config)"));
        }
        if let Some(why) = self.config.read_only_unreadable.reason() {
            out.push(format!(
                "{why}: this session is read-only unless --write is given"
            ));
        }
        out
    }
}

impl Config {
    /// Loads `path` keeping whatever can be read (see the module comment). A missing file is
    /// the defaults unless `explicit` (it came from `--config`).
    pub fn load_lenient(path: &Path, explicit: bool) -> LoadedConfig {
        let text = match crate::bounded::read_to_string(path, crate::bounded::CONFIG) {
            Ok(text) => text,
            Err(e) if e.is_not_found() && !explicit => return LoadedConfig::default(),
            Err(e) if e.is_not_found() => {
                let error = ConfigError::NotFound {
                    path: path.to_path_buf(),
                };
                let why = format!("the config file {} was not found", path.display());
                return unusable(error, why);
            }
            Err(e) => {
                let error = ConfigError::Io {
                    path: path.to_path_buf(),
                    message: e.problem(),
                };
                let why = format!("the config file {} could not be read", path.display());
                return unusable(error, why);
            }
        };
        Config::parse_lenient(path, &text)
    }

    /// Reads config `text` keeping whatever can be read (see the module comment); `path`
    /// only names the file in warnings.
    pub fn parse_lenient(path: &Path, text: &str) -> LoadedConfig {
        let strict_error = match Config::parse(path, text) {
            Ok(config) => {
                return LoadedConfig {
                    config,
                    ..LoadedConfig::default()
                };
            }
            Err(e) => e,
        };
        let Ok(table) = DeTable::parse(text) else {
            let why = format!("the config file {} is not valid TOML", path.display());
            return unusable(strict_error, why);
        };
        let mut reader = Reader {
            path,
            text,
            config: Config::default(),
            warnings: Vec::new(),
        };
        reader.document(table.get_ref());
        if reader.warnings.is_empty() {
            // Never accept silently what the strict reading refused.
            reader.warnings.push(strict_error);
        }
        LoadedConfig {
            config: reader.config,
            error: None,
            warnings: reader.warnings,
        }
    }
}

/// A file that cannot be used at all: the defaults, read-only (for `why`) unless `--write`.
fn unusable(error: ConfigError, why: String) -> LoadedConfig {
    let mut config = Config::default();
    config.read_only_unreadable.global = Some(why);
    LoadedConfig {
        config,
        error: Some(error),
        warnings: Vec::new(),
    }
}

struct Reader<'a> {
    path: &'a Path,
    text: &'a str,
    config: Config,
    warnings: Vec<ConfigError>,
}

type Value<'i> = Spanned<DeValue<'i>>;

impl Reader<'_> {
    fn document(&mut self, table: &DeTable<'_>) {
        for (key, value) in table {
            match key.get_ref().as_ref() {
                "read_only" => {
                    if let Some(ro) = self.read_only(value, "read_only") {
                        self.config.read_only = Some(ro);
                    } else {
                        self.config.read_only_unreadable.global = Some(self.unreadable(value));
                    }
                }
                "theme" => self.config.theme = self.field(value, "theme"),
                "journal" => self.config.journal = self.field(value, "journal"),
                "note_author" => self.config.note_author = self.field(value, "note_author"),
                "findings_api" => self.findings_api(value),
                "profiles" => self.profiles(value),
                "keys" => self.keys(value),
                "views" => self.views(value),
                "cross_account" => {
                    if let Some(c) = self.field(value, "cross_account") {
                        self.config.cross_account = c;
                    }
                }
                _ => self.unknown(key, value, None),
            }
        }
    }

    fn profiles(&mut self, value: &Value<'_>) {
        let Some(table) = value.get_ref().as_table() else {
            self.warn(
                value.span(),
                "profiles: expected a table of profiles".into(),
            );
            self.config.read_only_unreadable.global = Some(self.unreadable(value));
            return;
        };
        for (name, profile) in table {
            let name = name.get_ref().to_string();
            let Some(fields) = profile.get_ref().as_table() else {
                self.warn(
                    profile.span(),
                    format!("[profiles.{name}]: expected a table"),
                );
                self.unreadable_profile(&name, profile);
                continue;
            };
            let mut out = ProfileConfig::default();
            for (key, field) in fields {
                match key.get_ref().as_ref() {
                    "read_only" => {
                        match self.read_only(field, &format!("[profiles.{name}].read_only")) {
                            Some(ro) => out.read_only = Some(ro),
                            None => self.unreadable_profile(&name, field),
                        }
                    }
                    "region" => out.region = self.field(field, "region"),
                    _ => self.unknown(key, field, Some(&name)),
                }
            }
            self.config.profiles.insert(name, out);
        }
    }

    /// Each binding on its own: one bad entry does not drop the others, in the flat
    /// (global) entries and in each `[keys.SECTION]` table alike.
    fn keys(&mut self, value: &Value<'_>) {
        use crate::app::keymap::KeyEntry;
        let Some(table) = value.get_ref().as_table() else {
            self.warn(
                value.span(),
                "keys: expected a table of key = \"action\"".into(),
            );
            return;
        };
        for (key, entry) in table {
            let name = key.get_ref().to_string();
            if let Some(section) = entry.get_ref().as_table() {
                let mut bindings = std::collections::BTreeMap::new();
                for (spec, action) in section {
                    let spec = spec.get_ref().to_string();
                    let what = format!("[keys.{name}] {spec:?}");
                    if let Some(a) = self.field::<String>(action, &what) {
                        bindings.insert(spec, a);
                    }
                }
                self.config.keys.insert(name, KeyEntry::Section(bindings));
            } else if let Some(a) = self.field::<String>(entry, &format!("[keys] {name:?}")) {
                self.config.keys.insert(name, KeyEntry::Action(a));
            }
        }
    }

    /// Each `[[views]]` on its own: a view with a typo is dropped, the others kept.
    fn views(&mut self, value: &Value<'_>) {
        let Some(array) = value.get_ref().as_array() else {
            self.warn(value.span(), "views: expected [[views]] tables".into());
            return;
        };
        for view in array.iter() {
            if let Some(v) = self.field(view, "[[views]]") {
                self.config.views.push(v);
            }
        }
    }

    /// A findings_api that cannot be read fails closed: the session would read findings
    /// through an API the user did not choose, so it is read-only unless `--write`.
    fn findings_api(&mut self, value: &Value<'_>) {
        self.config.findings_api = self.field(value, "findings_api");
        if self.config.findings_api.is_none() {
            let (line, column) = line_column(self.text, value.span().start);
            self.config.read_only_unreadable.global = Some(format!(
                "findings_api at {}:{line}:{column} could not be read (auto, ocsf or asff)",
                self.path.display()
            ));
        }
    }

    fn read_only(&mut self, value: &Value<'_>, what: &str) -> Option<bool> {
        self.field::<bool>(value, what)
    }

    fn unreadable(&self, value: &Value<'_>) -> String {
        let (line, column) = line_column(self.text, value.span().start);
        format!(
            "a read_only setting at {}:{line}:{column} could not be read",
            self.path.display()
        )
    }

    fn unreadable_profile(&mut self, name: &str, value: &Value<'_>) {
        let why = self.unreadable(value);
        self.config
            .read_only_unreadable
            .profiles
            .insert(name.to_string(), why);
    }

    /// Deserializes one setting; a mistake is a warning and the setting is left unset.
    fn field<T: DeserializeOwned>(&mut self, value: &Value<'_>, what: &str) -> Option<T> {
        match T::deserialize(value.clone().into_deserializer()) {
            Ok(v) => Some(v),
            Err(e) => {
                let span = e.span().unwrap_or_else(|| value.span());
                self.warn(span, format!("{what}: {}", e.message().trim_end()));
                None
            }
        }
    }

    /// An unknown key warns. One that is, or holds, a misspelt read_only (`readonly`,
    /// `read-only`, `[profile.prod] read_only`) also counts as a read_only that could not be
    /// read, for the profile it is in or else globally: a typo never makes a session writable.
    fn unknown(
        &mut self,
        key: &Spanned<toml::de::DeString<'_>>,
        value: &Value<'_>,
        profile: Option<&str>,
    ) {
        let name: &str = key.get_ref().as_ref();
        let table = profile
            .map(|p| format!("[profiles.{p}] "))
            .unwrap_or_default();
        self.warn(key.span(), format!("{table}unknown key `{name}`"));
        if !mentions_read_only(name, value.get_ref()) {
            return;
        }
        let (line, column) = line_column(self.text, key.span().start);
        let why = format!(
            "`{name}` at {}:{line}:{column} looks like a misspelt read_only",
            self.path.display()
        );
        let unreadable = &mut self.config.read_only_unreadable;
        match profile {
            Some(p) => {
                unreadable.profiles.insert(p.to_string(), why);
            }
            None => unreadable.global = Some(why),
        }
    }

    fn warn(&mut self, span: std::ops::Range<usize>, message: String) {
        let (line, column) = line_column(self.text, span.start);
        self.warnings.push(ConfigError::Parse {
            path: self.path.to_path_buf(),
            line,
            column,
            message,
        });
    }
}

/// Whether `key` is a spelling of read_only (`readonly`, `read-only`, `readOnly`), or
/// `value` holds one at any depth.
fn mentions_read_only(key: &str, value: &DeValue<'_>) -> bool {
    let spelling: String = key
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | ' ' | '.'))
        .flat_map(char::to_lowercase)
        .collect();
    if spelling == "readonly" {
        return true;
    }
    match value {
        DeValue::Table(t) => t
            .iter()
            .any(|(k, v)| mentions_read_only(k.get_ref(), v.get_ref())),
        DeValue::Array(items) => items.iter().any(|v| mentions_read_only("", v.get_ref())),
        _ => false,
    }
}
