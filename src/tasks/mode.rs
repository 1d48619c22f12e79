//! Read-only at the type level: the only way to obtain a `WriteAccess` token is to resolve
//! the session mode, and a `MutationExecutor` cannot be built without one. A read-only
//! session therefore has no value that could send a change to AWS.

use crate::config::{AccessFlag, Config, resolve_read_only};

use super::mutate::MutationExecutor;

/// Proof that this session was resolved read-write. Not `Clone`, not constructible
/// outside this module.
#[derive(Debug)]
pub struct WriteAccess {
    _private: (),
}

#[derive(Debug)]
pub enum SessionMode {
    ReadOnly,
    ReadWrite(WriteAccess),
}

impl SessionMode {
    /// Applies the read-only precedence (`--read-only` / `--write` > profile > global);
    /// see [`crate::config::resolve_read_only`] for the reason shown to the user.
    pub fn resolve(flag: AccessFlag, config: &Config, profile: &str) -> SessionMode {
        if resolve_read_only(flag, config, profile).read_only {
            SessionMode::ReadOnly
        } else {
            SessionMode::ReadWrite(WriteAccess { _private: () })
        }
    }

    pub fn is_read_only(&self) -> bool {
        matches!(self, SessionMode::ReadOnly)
    }
}

/// What the effect runner may do: read only, or also execute change plans.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // one per session, moved once into the runner
pub enum Capability {
    ReadOnly,
    ReadWrite(MutationExecutor),
}

impl Capability {
    pub fn is_read_only(&self) -> bool {
        matches!(self, Capability::ReadOnly)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ProfileConfig;

    #[test]
    fn read_only_config_yields_no_write_access_unless_write_is_passed() {
        let config = Config {
            read_only: Some(true),
            ..Default::default()
        };
        assert!(SessionMode::resolve(AccessFlag::Unset, &config, "default").is_read_only());
        assert!(!SessionMode::resolve(AccessFlag::Write, &config, "default").is_read_only());
        let mut config = Config::default();
        config.profiles.insert(
            "prod".into(),
            ProfileConfig {
                read_only: Some(true),
                region: None,
            },
        );
        assert!(SessionMode::resolve(AccessFlag::Unset, &config, "prod").is_read_only());
        assert!(!SessionMode::resolve(AccessFlag::Unset, &config, "dev").is_read_only());
    }
}
