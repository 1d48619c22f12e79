//! The console's options: flags, environment and config file resolved into one value
//! (profile, region, access mode, theme, journal, paths), each with where it came from for
//! `secdeck info`.

use std::path::PathBuf;

use super::ConsoleArgs;
use crate::aws::ClientOptions;
use crate::config::{AccessFlag, Config, ConfigError, ReadOnlyResolution, resolve_read_only};
use crate::paths::Paths;
use crate::tasks::SessionMode;

/// Where a resolved value came from, for `secdeck info`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sourced<T> {
    pub value: T,
    pub source: &'static str,
}

/// Everything the console needs, resolved from flags, environment and config.
#[derive(Debug, Clone)]
pub struct ConsoleOptions {
    /// For `aws::load_sdk_config`: explicit profile, resolved region, endpoint override.
    pub client: ClientOptions,
    /// The profile in effect (for the status bar, the journal and per-profile config).
    pub profile: Sourced<String>,
    /// The region chosen by flag or config; `None` leaves it to the SDK's chain.
    pub region: Option<Sourced<String>>,
    pub access_flag: AccessFlag,
    pub read_only: ReadOnlyResolution,
    pub demo: bool,
    /// `--no-cache`: no findings store this session.
    pub no_cache: bool,
    pub seed_dir: Option<PathBuf>,
    pub seed_scale: Option<usize>,
    /// Theme name or path: --theme, else the config's, else "default".
    pub theme: Sourced<String>,
    /// Mouse capture: on unless `--no-mouse` or the config's `mouse = false`.
    pub mouse: bool,
    pub config_path: PathBuf,
    /// The loaded config, or the defaults when it could not be loaded.
    pub config: Config,
    /// Why the config could not be loaded; the console shows it and runs on defaults.
    pub config_error: Option<ConfigError>,
    /// One line per config problem (ignored parts, an unusable file, a read-only setting
    /// that could not be read): the status bar, `info` and stderr of headless commands.
    pub config_notices: Vec<String>,
    pub journal_path: PathBuf,
    pub log_path: PathBuf,
    /// `Note.UpdatedBy` for notes written to findings.
    pub note_author: String,
    /// `--findings-api`, else the config's `findings_api`, else auto.
    pub findings_api: Sourced<crate::domain::findings_api::FindingsApi>,
    /// `--ip-ranges FILE`: the sync dialog's default source.
    pub ip_ranges: Option<PathBuf>,
    pub paths: Paths,
}

impl ConsoleOptions {
    /// The journal a headless change writes, opened, and what its entries say about this
    /// session (profile, region, endpoint).
    pub fn open_journal(
        &self,
        sdk_config: &crate::aws::SdkConfig,
    ) -> anyhow::Result<(crate::journal::Journal, crate::journal::JournalContext)> {
        let journal = crate::journal::Journal::open(&self.journal_path).map_err(|e| {
            anyhow::anyhow!(
                "cannot open the journal {}: {e}",
                self.journal_path.display()
            )
        })?;
        let context = crate::journal::JournalContext {
            profile: Some(self.profile.value.clone()),
            region: sdk_config
                .region()
                .map(|r| r.to_string())
                .unwrap_or_default(),
            endpoint: self.client.endpoint_url.clone(),
            ..Default::default()
        };
        Ok((journal, context))
    }

    /// Resolves flags against the environment and the config file.
    pub fn resolve(args: &ConsoleArgs, paths: Paths) -> ConsoleOptions {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        Self::resolve_with(args, paths, env)
    }

    /// As [`resolve`](Self::resolve) with an explicit environment lookup (for tests).
    pub fn resolve_with(
        args: &ConsoleArgs,
        paths: Paths,
        env: impl Fn(&str) -> Option<String>,
    ) -> ConsoleOptions {
        let config_path = args.config.clone().unwrap_or_else(|| paths.config_file());
        // Lenient: what can be read is kept, and a read-only setting that cannot be read
        // makes the session read-only (fail closed).
        let loaded = Config::load_lenient(&config_path, args.config.is_some());
        let config_notices = loaded.notices();
        let (config, config_error) = (loaded.config, loaded.error);
        let profile = match (&args.profile, env("AWS_PROFILE")) {
            (Some(p), _) => Sourced {
                value: p.clone(),
                source: "--profile",
            },
            (None, Some(p)) => Sourced {
                value: p,
                source: "AWS_PROFILE",
            },
            (None, None) => Sourced {
                value: "default".into(),
                source: "default",
            },
        };
        let region = match (&args.region, config.profile_region(&profile.value)) {
            (Some(r), _) => Some(Sourced {
                value: r.clone(),
                source: "--region",
            }),
            (None, Some(r)) => Some(Sourced {
                value: r.to_string(),
                source: "config [profiles] region",
            }),
            (None, None) => None,
        };
        let access_flag = match (args.read_only, args.write) {
            (true, _) => AccessFlag::ReadOnly,
            (false, true) => AccessFlag::Write,
            (false, false) => AccessFlag::Unset,
        };
        let read_only = resolve_read_only(access_flag, &config, &profile.value);
        let theme = match (&args.theme, &config.theme) {
            (Some(t), _) => Sourced {
                value: t.clone(),
                source: "--theme",
            },
            (None, Some(t)) => Sourced {
                value: t.clone(),
                source: "config",
            },
            (None, None) => Sourced {
                value: "default".into(),
                source: "default",
            },
        };
        let findings_api = match (args.findings_api, config.findings_api) {
            (Some(api), _) => Sourced {
                value: api,
                source: "--findings-api",
            },
            (None, Some(api)) => Sourced {
                value: api,
                source: "config",
            },
            (None, None) => Sourced {
                value: Default::default(),
                source: "default",
            },
        };
        // A demo never writes to the real journal unless asked to with --journal.
        let journal_path = match (&args.journal, args.demo, &config.journal) {
            (Some(j), _, _) => j.clone(),
            (None, true, _) => paths.demo_journal_file(),
            (None, false, Some(j)) => j.clone(),
            (None, false, None) => paths.journal_file(),
        };
        ConsoleOptions {
            client: ClientOptions {
                profile: args.profile.clone(),
                region: region.as_ref().map(|r| r.value.clone()),
                endpoint_url: args.endpoint_url.clone(),
            },
            profile,
            region,
            access_flag,
            read_only,
            demo: args.demo,
            no_cache: args.no_cache,
            seed_dir: args.seed.clone(),
            seed_scale: args.seed_scale,
            theme,
            mouse: !args.no_mouse && config.mouse.unwrap_or(true),
            // Empty: notes are signed with the caller identity's ARN.
            note_author: config.note_author.clone().unwrap_or_default(),
            config_path,
            config,
            config_error,
            config_notices,
            journal_path,
            log_path: paths.log_file(),
            findings_api,
            ip_ranges: None,
            paths,
        }
    }

    /// The session mode; `ReadWrite` carries the token a `MutationExecutor` needs.
    pub fn session_mode(&self) -> SessionMode {
        SessionMode::resolve(self.access_flag, &self.config, &self.profile.value)
    }

    /// Headless commands: the config's problems, one line each on stderr (a notice quotes
    /// the file, so its control characters are shown, never sent to the terminal).
    pub fn warn_config_problems(&self) {
        for notice in &self.config_notices {
            let notice = crate::domain::sanitize::visible(notice);
            eprintln!("secdeck: warning: {notice}");
        }
    }
}
