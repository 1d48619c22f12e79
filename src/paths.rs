//! Where secdeck keeps its files: config, themes, journal, logs and the findings store,
//! following the XDG base-directory variables and falling back to `~/.config`,
//! `~/.local/state` and `~/.cache`.

use std::path::{Path, PathBuf};

/// The app's directory name under the XDG base directories.
const APP: &str = "secdeck";

/// Resolves the base directories once, from an environment lookup, so tests can pass a
/// fake environment instead of mutating the process's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    config_dir: PathBuf,
    state_dir: PathBuf,
    cache_dir: PathBuf,
}

impl Paths {
    /// From the real process environment and home directory.
    pub fn from_env() -> Self {
        Self::resolve(
            |name| std::env::var_os(name).map(PathBuf::from),
            dirs::home_dir(),
        )
    }

    /// `lookup` returns an environment variable; empty or relative XDG values are ignored,
    /// as the XDG spec requires.
    pub fn resolve(lookup: impl Fn(&str) -> Option<PathBuf>, home: Option<PathBuf>) -> Self {
        let home = home.unwrap_or_else(|| PathBuf::from("."));
        let base = |var: &str, fallback: &[&str]| {
            lookup(var)
                .filter(|p| p.is_absolute())
                .unwrap_or_else(|| fallback.iter().fold(home.clone(), |p, part| p.join(part)))
        };
        Paths {
            config_dir: base("XDG_CONFIG_HOME", &[".config"]).join(APP),
            state_dir: base("XDG_STATE_HOME", &[".local", "state"]).join(APP),
            cache_dir: base("XDG_CACHE_HOME", &[".cache"]).join(APP),
        }
    }

    /// `$XDG_CONFIG_HOME/secdeck`
    pub fn config_dir(&self) -> &Path {
        &self.config_dir
    }

    /// `$XDG_STATE_HOME/secdeck`
    pub fn state_dir(&self) -> &Path {
        &self.state_dir
    }

    /// `$XDG_CACHE_HOME/secdeck`: the findings store (safe to delete: it is refetched).
    pub fn cache_dir(&self) -> &Path {
        &self.cache_dir
    }

    pub fn config_file(&self) -> PathBuf {
        self.config_dir.join("config.toml")
    }

    /// User themes, `*.toml`, found by name.
    pub fn themes_dir(&self) -> PathBuf {
        self.config_dir.join("themes")
    }

    /// The audit journal of real changes.
    pub fn journal_file(&self) -> PathBuf {
        self.state_dir.join("journal.jsonl")
    }

    /// The journal of `--demo` sessions, kept apart so a demo never pollutes the real one.
    pub fn demo_journal_file(&self) -> PathBuf {
        self.state_dir.join("demo-journal.jsonl")
    }

    /// Choices kept across sessions (the last analyzer per profile / account / region).
    pub fn state_file(&self) -> PathBuf {
        self.state_dir.join("state.json")
    }

    pub fn log_file(&self) -> PathBuf {
        self.state_dir.join("secdeck.log")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn honours_xdg_variables() {
        let p = Paths::resolve(
            |v| match v {
                "XDG_CONFIG_HOME" => Some("/x/cfg".into()),
                "XDG_STATE_HOME" => Some("/x/state".into()),
                "XDG_CACHE_HOME" => Some("/x/cache".into()),
                _ => None,
            },
            Some("/home/u".into()),
        );
        assert_eq!(p.config_file(), Path::new("/x/cfg/secdeck/config.toml"));
        assert_eq!(
            p.journal_file(),
            Path::new("/x/state/secdeck/journal.jsonl")
        );
        assert_eq!(p.themes_dir(), Path::new("/x/cfg/secdeck/themes"));
        assert_eq!(p.cache_dir(), Path::new("/x/cache/secdeck"));
    }

    #[test]
    fn falls_back_to_home_and_ignores_relative_xdg_values() {
        let p = Paths::resolve(
            |v| (v == "XDG_STATE_HOME").then(|| "relative/state".into()),
            Some("/home/u".into()),
        );
        assert_eq!(
            p.config_file(),
            Path::new("/home/u/.config/secdeck/config.toml")
        );
        assert_eq!(
            p.log_file(),
            Path::new("/home/u/.local/state/secdeck/secdeck.log")
        );
        assert_eq!(
            p.demo_journal_file(),
            Path::new("/home/u/.local/state/secdeck/demo-journal.jsonl")
        );
        assert_eq!(p.cache_dir(), Path::new("/home/u/.cache/secdeck"));
    }
}
