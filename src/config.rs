//! The user's config file (`$XDG_CONFIG_HOME/secdeck/config.toml` or `--config PATH`):
//! parsing with errors that point at `path:line:column`, and the read-only precedence rule.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

mod lenient;
pub use lenient::LoadedConfig;

/// Everything a config file may say. Unknown fields are errors so typos are caught
/// instead of silently ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Global default for read-only sessions.
    pub read_only: Option<bool>,
    /// Theme name (built-in or in the themes dir) or path to a theme file.
    pub theme: Option<String>,
    /// Where the journal of changes goes (default `$XDG_STATE_HOME/secdeck/journal.jsonl`).
    pub journal: Option<PathBuf>,
    /// `UpdatedBy` of notes written to findings.
    pub note_author: Option<String>,
    /// Clicks and the wheel in the console (default on); `false` leaves the mouse to the
    /// terminal (its own text selection), as `--no-mouse` does.
    pub mouse: Option<bool>,
    /// Which Security Hub findings API to read: auto (OCSF when the new Security Hub is
    /// enabled), ocsf or asff. `--findings-api` wins.
    pub findings_api: Option<crate::domain::findings_api::FindingsApi>,
    /// Per AWS profile settings, keyed by profile name.
    #[serde(default)]
    pub profiles: BTreeMap<String, ProfileConfig>,
    /// Key spec -> action name (`"none"` unbinds): flat entries are the global section,
    /// `[keys.findings]` and the other sections apply in their context. Validated by the
    /// keymap, not here.
    #[serde(default)]
    pub keys: crate::app::keymap::KeyOverrides,
    /// Saved findings views: `[[views]] name = "..." filter = "sev=HIGH status=NEW"`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub views: Vec<SavedView>,
    /// Roles assumed for remediation in member accounts.
    #[serde(default)]
    pub cross_account: CrossAccountConfig,
    /// `read_only` settings the file has but that could not be read: they count as
    /// `true` (fail closed). Filled by [`Config::load_lenient`], never written.
    #[serde(skip)]
    pub read_only_unreadable: UnreadableReadOnly,
}

/// Where the file's read-only settings could not be read, with the reason to show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnreadableReadOnly {
    /// The global `read_only`, or the whole file (it did not parse or could not be read).
    pub global: Option<String>,
    /// `[profiles.NAME].read_only`, by profile name.
    pub profiles: BTreeMap<String, String>,
}

impl UnreadableReadOnly {
    /// The first reason, if anything could not be read.
    pub fn reason(&self) -> Option<&str> {
        self.global
            .as_deref()
            .or_else(|| self.profiles.values().next().map(String::as_str))
    }
}

/// `[cross_account]`: `default_role` (a role name; `{account}` is replaced by the account
/// id) and `[cross_account.roles]` account id -> role name or role ARN.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrossAccountConfig {
    pub default_role: Option<String>,
    #[serde(default)]
    pub roles: BTreeMap<String, String>,
}

impl CrossAccountConfig {
    pub fn roles(&self) -> crate::domain::analyzer::CrossAccountRoles {
        let mut roles = crate::domain::analyzer::CrossAccountRoles::default();
        if let Some(d) = &self.default_role {
            roles.default_role = d.clone();
        }
        roles.by_account = self.roles.clone();
        roles
    }
}

/// A named filter expression, opened with `:view NAME`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedView {
    pub name: String,
    pub filter: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileConfig {
    pub read_only: Option<bool>,
    pub region: Option<String>,
}

/// Why a config file could not be used. Displays as `path:line:column: problem`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("{}: file not found (given with --config)", path.display())]
    NotFound { path: PathBuf },
    #[error("{}: cannot read: {message}", path.display())]
    Io { path: PathBuf, message: String },
    #[error("{}:{line}:{column}: {message}", path.display())]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
}

impl Config {
    /// Loads `path`. A missing file is the defaults unless `explicit` (it came from
    /// `--config`), in which case it is an error: the user asked for that file.
    pub fn load(path: &Path, explicit: bool) -> Result<Config, ConfigError> {
        match crate::bounded::read_to_string(path, crate::bounded::CONFIG) {
            Ok(text) => Config::parse(path, &text),
            Err(e) if e.is_not_found() && !explicit => Ok(Config::default()),
            Err(e) if e.is_not_found() => Err(ConfigError::NotFound {
                path: path.to_path_buf(),
            }),
            Err(e) => Err(ConfigError::Io {
                path: path.to_path_buf(),
                message: e.problem(),
            }),
        }
    }

    /// Parses config text; `path` is only used to name the file in errors.
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        toml::from_str(text).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|span| line_column(text, span.start))
                .unwrap_or((1, 1));
            ConfigError::Parse {
                path: path.to_path_buf(),
                line,
                column,
                message: e.message().trim_end().to_string(),
            }
        })
    }

    /// The region configured for a profile, if any.
    pub fn profile_region(&self, profile: &str) -> Option<&str> {
        self.profiles.get(profile)?.region.as_deref()
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// The session's read-only command-line flag (`--read-only` and `--write` conflict).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AccessFlag {
    #[default]
    Unset,
    ReadOnly,
    Write,
}

/// What decided whether the session is read-only, for `secdeck info` and the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadOnlySource {
    ReadOnlyFlag,
    WriteFlag,
    Profile(String),
    Global,
    Default,
    /// A read-only setting of the config file could not be read (fail closed).
    Unreadable(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOnlyResolution {
    pub read_only: bool,
    pub source: ReadOnlySource,
}

impl fmt::Display for ReadOnlyResolution {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mode = if self.read_only {
            "read-only"
        } else {
            "read-write"
        };
        let why = match &self.source {
            ReadOnlySource::ReadOnlyFlag => "--read-only".to_string(),
            ReadOnlySource::WriteFlag => "--write".to_string(),
            ReadOnlySource::Profile(p) => format!("config [profiles.{p}].read_only"),
            ReadOnlySource::Global => "config read_only".to_string(),
            ReadOnlySource::Default => "default: nothing set".to_string(),
            ReadOnlySource::Unreadable(why) => format!("{why}; --write overrides"),
        };
        write!(f, "{mode} ({why})")
    }
}

/// Read-only precedence, like k9s contexts: a flag for this session beats the profile's
/// setting, which beats the global one. Without any setting the session may write (every
/// change is still previewed and approved). A setting that could not be read counts as
/// read-only: a mistake in the file never makes a session less restricted.
pub fn resolve_read_only(flag: AccessFlag, config: &Config, profile: &str) -> ReadOnlyResolution {
    let unreadable = &config.read_only_unreadable;
    let (read_only, source) = match flag {
        AccessFlag::ReadOnly => (true, ReadOnlySource::ReadOnlyFlag),
        AccessFlag::Write => (false, ReadOnlySource::WriteFlag),
        AccessFlag::Unset => match (
            unreadable.profiles.get(profile),
            config.profiles.get(profile).and_then(|p| p.read_only),
            &unreadable.global,
            config.read_only,
        ) {
            (Some(why), ..) => (true, ReadOnlySource::Unreadable(why.clone())),
            (None, Some(ro), ..) => (ro, ReadOnlySource::Profile(profile.to_string())),
            (None, None, Some(why), _) => (true, ReadOnlySource::Unreadable(why.clone())),
            (None, None, None, Some(ro)) => (ro, ReadOnlySource::Global),
            (None, None, None, None) => (false, ReadOnlySource::Default),
        },
    };
    ReadOnlyResolution { read_only, source }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_from_one_in_characters() {
        let text = "a = 1\nbé = x\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, text.find('=').unwrap()), (1, 3));
        assert_eq!(line_column(text, text.find('x').unwrap()), (2, 6));
    }

    #[test]
    fn keys_take_flat_entries_and_sections() {
        use crate::app::keymap::KeyEntry;
        let text = "[keys]\nx = \"quit\"\n[keys.findings]\nW = \"set_workflow\"\n";
        let c = Config::parse(Path::new("c.toml"), text).unwrap();
        assert_eq!(c.keys["x"], "quit");
        let KeyEntry::Section(findings) = &c.keys["findings"] else {
            panic!("{:?}", c.keys)
        };
        assert_eq!(findings["W"], "set_workflow");
        let err = Config::parse(Path::new("c.toml"), "[keys]\nx = 3\n").unwrap_err();
        assert!(err.to_string().starts_with("c.toml:2:5:"), "{err}");
        assert!(err.to_string().contains("an action name"), "{err}");
    }

    #[test]
    fn a_misspelt_read_only_counts_as_read_only() {
        // Found by tests/fuzz/config.rs: `readonly = true` was an unknown key that warned,
        // and the session was read-write; so was `[profile.prod]` (the AWS CLI's spelling).
        for text in [
            "readonly = true\n",
            "read-only = true\n",
            "readOnly = true\n",
            "[profile.prod]\nread_only = true\n",
        ] {
            let loaded = Config::parse_lenient(Path::new("c.toml"), text);
            let r = resolve_read_only(AccessFlag::Unset, &loaded.config, "prod");
            assert!(r.read_only, "{text}: {r}");
            assert!(
                r.to_string().contains("looks like a misspelt read_only"),
                "{r}"
            );
            assert!(r.to_string().contains("c.toml:1:"), "{r}");
        }
        let text = "[profiles.prod]\nreadonly = false\n";
        let loaded = Config::parse_lenient(Path::new("c.toml"), text);
        assert!(resolve_read_only(AccessFlag::Unset, &loaded.config, "prod").read_only);
        assert!(!resolve_read_only(AccessFlag::Unset, &loaded.config, "dev").read_only);
        // Other unknown keys still only warn.
        let loaded = Config::parse_lenient(Path::new("c.toml"), "them = \"light\"\n");
        assert!(!resolve_read_only(AccessFlag::Unset, &loaded.config, "prod").read_only);
        assert_eq!(loaded.warnings.len(), 1);
    }

    #[test]
    fn mouse_is_a_boolean_and_a_wrong_value_is_located() {
        let parsed = |text: &str| Config::parse(Path::new("c.toml"), text);
        assert_eq!(parsed("mouse = false\n").unwrap().mouse, Some(false));
        assert_eq!(parsed("theme = \"light\"\n").unwrap().mouse, None);
        let err = parsed("theme = \"light\"\nmouse = \"off\"\n").unwrap_err();
        assert!(err.to_string().contains("c.toml:2"), "{err}");
    }

    #[test]
    fn saved_views_parse_and_a_typo_in_one_is_located() {
        let text = "[[views]]\nname = \"crit\"\nfilter = \"sev=CRITICAL status=NEW\"\n\n[[views]]\nname = \"s3\"\nfliter = \"rtype=AwsS3Bucket\"\n";
        let err = Config::parse(Path::new("c.toml"), text).unwrap_err();
        assert!(err.to_string().starts_with("c.toml:7:"), "{err}");
        let ok = Config::parse(Path::new("c.toml"), &text.replace("fliter", "filter")).unwrap();
        assert_eq!(ok.views.len(), 2);
        assert_eq!(ok.views[0].filter, "sev=CRITICAL status=NEW");
    }
}
