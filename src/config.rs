//! The user's config file (`$XDG_CONFIG_HOME/secdeck/config.toml` or `--config PATH`):
//! parsing with errors that point at `path:line:column`, and the read-only precedence rule.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

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
        match std::fs::read_to_string(path) {
            Ok(text) => Config::parse(path, &text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
                Ok(Config::default())
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(ConfigError::NotFound {
                path: path.to_path_buf(),
            }),
            Err(e) => Err(ConfigError::Io {
                path: path.to_path_buf(),
                message: e.to_string(),
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
fn line_column(text: &str, offset: usize) -> (usize, usize) {
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
        };
        write!(f, "{mode} ({why})")
    }
}

/// Read-only precedence, like k9s contexts: a flag for this session beats the profile's
/// setting, which beats the global one. Without any setting the session may write (every
/// change is still previewed and approved).
pub fn resolve_read_only(flag: AccessFlag, config: &Config, profile: &str) -> ReadOnlyResolution {
    let (read_only, source) = match flag {
        AccessFlag::ReadOnly => (true, ReadOnlySource::ReadOnlyFlag),
        AccessFlag::Write => (false, ReadOnlySource::WriteFlag),
        AccessFlag::Unset => match (
            config.profiles.get(profile).and_then(|p| p.read_only),
            config.read_only,
        ) {
            (Some(ro), _) => (ro, ReadOnlySource::Profile(profile.to_string())),
            (None, Some(ro)) => (ro, ReadOnlySource::Global),
            (None, None) => (false, ReadOnlySource::Default),
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
    fn saved_views_parse_and_a_typo_in_one_is_located() {
        let text = "[[views]]\nname = \"crit\"\nfilter = \"sev=CRITICAL status=NEW\"\n\n[[views]]\nname = \"s3\"\nfliter = \"rtype=AwsS3Bucket\"\n";
        let err = Config::parse(Path::new("c.toml"), text).unwrap_err();
        assert!(err.to_string().starts_with("c.toml:7:"), "{err}");
        let ok = Config::parse(Path::new("c.toml"), &text.replace("fliter", "filter")).unwrap();
        assert_eq!(ok.views.len(), 2);
        assert_eq!(ok.views[0].filter, "sev=CRITICAL status=NEW");
    }
}
