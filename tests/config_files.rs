//! Config files: valid fixtures load with every field, invalid ones give errors that name
//! the file, the line and column, and the problem; read-only precedence.

use std::path::{Path, PathBuf};

use secdeck::config::{
    AccessFlag, Config, ConfigError, ProfileConfig, ReadOnlySource, resolve_read_only,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/config")
        .join(name)
}

#[test]
fn full_config_loads_every_field() {
    let c = Config::load(&fixture("valid-full.toml"), true).unwrap();
    assert_eq!(c.read_only, Some(false));
    assert_eq!(c.theme.as_deref(), Some("high-contrast"));
    assert_eq!(
        c.journal,
        Some(PathBuf::from("/var/lib/secdeck/journal.jsonl"))
    );
    assert_eq!(c.note_author.as_deref(), Some("alice@example.com"));
    assert_eq!(
        c.profiles["prod"],
        ProfileConfig {
            read_only: Some(true),
            region: Some("eu-west-1".into())
        }
    );
    assert_eq!(c.profile_region("prod"), Some("eu-west-1"));
    assert_eq!(c.profile_region("sandbox"), None);
    assert_eq!(c.keys["ctrl-r"], "refresh");
    assert_eq!(c.keys["q"], "none");
    assert_eq!(c.views[0].name, "crit");
    let roles = c.cross_account.roles();
    assert_eq!(
        roles
            .role_for("210987654321", Some("123456789012"))
            .as_deref(),
        Some("arn:aws:iam::210987654321:role/SecdeckRemediation")
    );
    assert_eq!(
        roles
            .role_for("333333333333", Some("123456789012"))
            .as_deref(),
        Some("arn:aws:iam::333333333333:role/SecOps-333333333333")
    );
}

#[test]
fn empty_config_is_the_defaults() {
    assert_eq!(
        Config::load(&fixture("valid-empty.toml"), true).unwrap(),
        Config::default()
    );
}

/// (fixture, line, column, words the message must contain)
const INVALID: &[(&str, usize, usize, &str)] = &[
    ("unknown-field.toml", 2, 1, "unknown field `read_onyl`"),
    (
        "unknown-profile-field.toml",
        3,
        1,
        "unknown field `readonly`",
    ),
    (
        "wrong-type.toml",
        3,
        13,
        "invalid type: string \"yes\", expected a boolean",
    ),
    ("unterminated-string.toml", 1, 21, "invalid basic string"),
];

#[test]
fn invalid_configs_name_file_line_column_and_problem() {
    for (name, line, column, problem) in INVALID {
        let path = fixture(name);
        let err = Config::load(&path, true).unwrap_err();
        let text = err.to_string();
        let prefix = format!("{}:{line}:{column}: ", path.display());
        assert!(
            text.starts_with(&prefix),
            "{name}: {text:?} should start with {prefix:?}"
        );
        assert!(
            text.contains(problem),
            "{name}: {text:?} should mention {problem:?}"
        );
        assert!(!text.contains('\n'), "{name}: one line: {text:?}");
    }
}

#[test]
fn missing_default_file_is_the_defaults_but_a_missing_explicit_file_is_an_error() {
    let path = fixture("does-not-exist.toml");
    assert_eq!(Config::load(&path, false).unwrap(), Config::default());
    let err = Config::load(&path, true).unwrap_err();
    assert!(matches!(err, ConfigError::NotFound { .. }));
    assert_eq!(
        err.to_string(),
        format!("{}: file not found (given with --config)", path.display())
    );
}

#[test]
fn read_only_precedence_table() {
    let mut config = Config {
        read_only: Some(false),
        ..Default::default()
    };
    config.profiles.insert(
        "prod".into(),
        ProfileConfig {
            read_only: Some(true),
            region: None,
        },
    );
    config
        .profiles
        .insert("dev".into(), ProfileConfig::default());
    let global_ro = Config {
        read_only: Some(true),
        ..Default::default()
    };
    use AccessFlag::*;
    use ReadOnlySource as S;
    let defaults = Config::default();
    let cases: Vec<(AccessFlag, &Config, &str, bool, ReadOnlySource)> = vec![
        // flag beats everything
        (ReadOnly, &config, "dev", true, S::ReadOnlyFlag),
        (Write, &config, "prod", false, S::WriteFlag),
        (Write, &global_ro, "dev", false, S::WriteFlag),
        // profile beats global
        (Unset, &config, "prod", true, S::Profile("prod".into())),
        // a profile without read_only falls through to global
        (Unset, &config, "dev", false, S::Global),
        (Unset, &global_ro, "dev", true, S::Global),
        (Unset, &config, "other", false, S::Global),
        // nothing set anywhere
        (Unset, &defaults, "default", false, S::Default),
    ];
    for (flag, cfg, profile, read_only, source) in cases {
        let r = resolve_read_only(flag, cfg, profile);
        assert_eq!(
            (r.read_only, &r.source),
            (read_only, &source),
            "{flag:?} profile {profile}"
        );
    }
    assert_eq!(
        resolve_read_only(Unset, &config, "prod").to_string(),
        "read-only (config [profiles.prod].read_only)"
    );
}
