//! The command line: clap definitions, resolution of flags + config into the options the
//! console runs with, and the `info` and `sandbox` subcommands.

pub mod cache;
pub mod console;
pub mod export;
mod iam_policy;
pub mod import;
mod info;
pub mod iot;
mod options;
mod sandbox;
pub mod terminal;
pub mod waf;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::paths::Paths;

pub use options::{ConsoleOptions, Sourced};

#[derive(Debug, Parser)]
#[command(
    name = "secdeck",
    version,
    about = "A keyboard-driven terminal console for AWS security operations",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(flatten)]
    pub console: ConsoleArgs,
    /// The ip-ranges.json the IP sets pane's sync (`s`) offers first (console only;
    /// `waf sync` has its own --ip-ranges).
    #[arg(long = "ip-ranges", value_name = "FILE")]
    pub ip_ranges: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the embedded AWS emulator over HTTP for the AWS CLI, boto3 or another secdeck.
    Sandbox(SandboxArgs),
    /// Show the files, profile, region, endpoint and read-only mode a console would use,
    /// without contacting AWS.
    Info(ConsoleArgs),
    /// WAF IP set jobs for schedulers (`waf sync`).
    Waf {
        #[command(subcommand)]
        command: waf::WafCommand,
    },
    /// IoT Device Defender audits, headless.
    Iot(iot::IotArgs),
    /// Write Security Hub findings to a file or stdout (headless).
    #[command(subcommand)]
    Export(ExportCommand),
    /// Send findings from a file back to Security Hub (headless).
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// The local findings store: `cache info`, `cache clear [--profile P]`.
    #[command(subcommand)]
    Cache(cache::CacheCommand),
    /// Print the IAM policy a role needs for secdeck (JSON), built from the table of every
    /// AWS operation secdeck calls. sts:GetCallerIdentity needs no permission.
    IamPolicy(iam_policy::IamPolicyArgs),
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// `secdeck export findings [--filter EXPR] [--format jsonl|csv|asff] [--output FILE]`
    Findings(export::ExportFindingsArgs),
}

/// Flags of the console (also accepted by `info`, to show what they resolve to).
#[derive(Debug, Clone, Default, Args)]
pub struct ConsoleArgs {
    /// AWS profile (default: $AWS_PROFILE, else "default").
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// AWS region (default: the config's [profiles.NAME] region, $AWS_REGION, the profile's).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Endpoint for every AWS service (LocalStack, moto, `secdeck sandbox`).
    #[arg(long, value_name = "URL", conflicts_with = "demo")]
    pub endpoint_url: Option<String>,
    /// Never change anything in AWS this session.
    #[arg(long, conflicts_with = "write")]
    pub read_only: bool,
    /// Allow changes this session even if the config says read-only.
    #[arg(long)]
    pub write: bool,
    /// Run on the embedded sandbox with the demo world instead of AWS.
    #[arg(long)]
    pub demo: bool,
    /// With --demo: seed the sandbox from the *.json / *.jsonl files in DIR.
    #[arg(long, value_name = "DIR", requires = "demo")]
    pub seed: Option<PathBuf>,
    /// With --demo: add N generated findings.
    #[arg(long, value_name = "N", requires = "demo")]
    pub seed_scale: Option<usize>,
    /// Keep no findings store: every open fetches the findings in full.
    #[arg(long)]
    pub no_cache: bool,
    /// Theme name or path to a theme file.
    #[arg(long, value_name = "NAME|PATH")]
    pub theme: Option<String>,
    /// Leave the mouse to the terminal (its own text selection) instead of clicks and the
    /// wheel acting in the console (config `mouse = false`).
    #[arg(long)]
    pub no_mouse: bool,
    /// Config file (default: $XDG_CONFIG_HOME/secdeck/config.toml).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Journal file for changes (default: $XDG_STATE_HOME/secdeck/journal.jsonl;
    /// demo sessions use demo-journal.jsonl).
    #[arg(long, value_name = "PATH")]
    pub journal: Option<PathBuf>,
    /// Security Hub findings API: auto (OCSF when the new Security Hub is enabled), ocsf
    /// (GetFindingsV2) or asff (GetFindings, Security Hub CSPM). Default: the config's.
    #[arg(long, value_name = "auto|ocsf|asff")]
    pub findings_api: Option<crate::domain::findings_api::FindingsApi>,
}

#[derive(Debug, Clone, Args)]
pub struct SandboxArgs {
    /// Address to listen on (loopback unless --allow-remote).
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:4580")]
    pub listen: std::net::SocketAddr,
    /// Seed from the *.json / *.jsonl files in DIR instead of the demo world.
    #[arg(long, value_name = "DIR")]
    pub seed: Option<PathBuf>,
    /// Add N generated findings (alone: N generated findings instead of the demo world).
    #[arg(long, value_name = "N")]
    pub seed_scale: Option<usize>,
    /// Enforce AWS's request-rate quotas (throttling errors) or not.
    #[arg(long, value_enum, default_value_t = Quotas::Off)]
    pub quotas: Quotas,
    /// Add this much latency (milliseconds) to every request.
    #[arg(long, value_name = "MS")]
    pub latency: Option<u64>,
    /// Allow listening on a non-loopback address (the sandbox has no authentication).
    #[arg(long)]
    pub allow_remote: bool,
    /// Injected faults, e.g. 'UpdateIPSet:after-drop,times=1;GetFindings:500,chance=0.2'
    /// (grammar: docs/SANDBOX-FAULTS.md).
    #[arg(long, value_name = "SPEC", value_parser = parse_fault_spec)]
    pub faults: Option<FaultList>,
}

/// The faults of one `--faults SPEC`.
#[derive(Debug, Clone)]
pub struct FaultList(pub Vec<crate::sandbox::FaultSpec>);

fn parse_fault_spec(text: &str) -> Result<FaultList, String> {
    crate::sandbox::parse_specs(text).map(FaultList)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Quotas {
    Aws,
    Off,
}

/// The embedded sandbox a headless `--demo` command runs on, seeded from `--seed` /
/// `--seed-scale` (the demo world when neither is given), and an SDK config aimed at it.
/// Keep the sandbox alive as long as the clients are used.
pub async fn start_seeded_sandbox(
    dir: Option<&Path>,
    scale: Option<usize>,
) -> anyhow::Result<(crate::sandbox::Sandbox, aws_config::SdkConfig)> {
    let seed = build_seed(dir, scale, time::OffsetDateTime::now_utc())?;
    Ok(crate::sandbox::start_sandbox(seed).await?)
}

/// The seed for a sandbox: the files in `dir` and/or `scale` generated findings; the demo
/// world when neither is given.
pub fn build_seed(
    dir: Option<&Path>,
    scale: Option<usize>,
    now: time::OffsetDateTime,
) -> anyhow::Result<crate::sandbox::seed::Seed> {
    use crate::sandbox::seed;
    let mut out = match dir {
        Some(dir) => seed::load_dir(dir).map_err(|e| anyhow::anyhow!("{e}"))?,
        None if scale.is_some() => seed::Seed::default(),
        None => seed::demo(now).map_err(|e| anyhow::anyhow!("{e}"))?,
    };
    if let Some(n) = scale {
        out.findings.extend(seed::generate_findings(n, 42, now));
    }
    Ok(out)
}

/// A mistake in how secdeck was invoked (exit code 2, like clap's own errors).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// The program: parse, dispatch, report errors. Exit 2 for usage errors, 1 for failures.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            // An error may quote AWS's text: a terminal sees its escapes, never runs them.
            let message = format!("{e:#}");
            if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
                eprintln!("secdeck: {}", crate::domain::sanitize::visible(&message));
            } else {
                eprintln!("secdeck: {message}");
            }
            if e.downcast_ref::<UsageError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let paths = Paths::from_env();
    // The SDK's generated ASFF deserialisers recurse deeply on findings with nested
    // Resources[].Details; debug builds overflow tokio's default 2 MiB worker stacks.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(16 << 20)
        .build()?;
    match cli.command {
        Some(Command::IamPolicy(args)) => iam_policy::run(&args, &mut std::io::stdout())?,
        Some(Command::Cache(command)) => cache::run(&command, &paths, &mut std::io::stdout())?,
        Some(Command::Info(args)) => {
            let opts = ConsoleOptions::resolve(&args, paths);
            runtime.block_on(info::print(&opts, &mut std::io::stdout()))?;
        }
        Some(Command::Export(ExportCommand::Findings(args))) => {
            let _guard = init_logging(&paths.log_file());
            // On a worker (16 MiB stack): the SDK's ASFF deserialisers recurse deeply.
            runtime.block_on(async {
                tokio::spawn(export::run(args, paths))
                    .await
                    .map_err(|e| anyhow::anyhow!("export task failed: {e}"))?
            })?;
        }
        Some(Command::Sandbox(args)) => {
            let _guard = init_logging(&paths.log_file());
            runtime.block_on(sandbox::run(args))?;
        }
        Some(Command::Waf { command }) => {
            let _guard = init_logging(&paths.log_file());
            return Ok(runtime.block_on(waf::run(command, paths))?.exit_code());
        }
        Some(Command::Iot(args)) => {
            let iot::IotCommand::ImportAudit(a) = &args.command;
            let opts = ConsoleOptions::resolve(&a.console, paths);
            opts.warn_config_problems();
            let _guard = init_logging(&opts.log_path);
            // On a worker thread: the SDK's ASFF deserializers need its larger stack.
            let status = runtime
                .block_on(async { tokio::spawn(iot::run(args, opts)).await })
                .map_err(|e| anyhow::anyhow!("the import task failed: {e}"))??;
            if status == iot::ImportStatus::Partial {
                anyhow::bail!("some findings were not imported or not verified");
            }
        }
        Some(Command::Import(command)) => {
            let import::ImportCommand::Findings(a) = &command;
            let opts = ConsoleOptions::resolve(&a.console, paths);
            opts.warn_config_problems();
            let _guard = init_logging(&opts.log_path);
            // On a worker thread: the SDK's ASFF deserializers need its larger stack.
            let status = runtime
                .block_on(async { tokio::spawn(import::run(command, opts)).await })
                .map_err(|e| anyhow::anyhow!("the import task failed: {e}"))??;
            if status == iot::ImportStatus::Partial {
                anyhow::bail!("some findings were not imported or not verified");
            }
        }
        None => {
            let mut opts = ConsoleOptions::resolve(&cli.console, paths);
            opts.ip_ranges = cli.ip_ranges.clone();
            let _guard = init_logging(&opts.log_path);
            runtime.block_on(console::run_console(opts))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Logging is best effort: without a log file the console still runs.
fn init_logging(path: &Path) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    match crate::logging::init(path) {
        Ok(guard) => Some(guard),
        Err(e) => {
            let e = crate::domain::sanitize::visible(&format!("{e:#}")).into_owned();
            eprintln!("secdeck: warning: {e}; continuing without a log");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn paths() -> Paths {
        Paths::resolve(
            |v| match v {
                "XDG_CONFIG_HOME" => Some("/nonexistent/cfg".into()),
                "XDG_STATE_HOME" => Some("/s".into()),
                _ => None,
            },
            None,
        )
    }

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("secdeck").chain(args.iter().copied()))
    }

    fn resolve(args: &[&str], env: &[(&str, &str)]) -> ConsoleOptions {
        let cli = parse(args).unwrap();
        let args = match &cli.command {
            Some(Command::Info(a)) => a.clone(),
            _ => cli.console.clone(),
        };
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ConsoleOptions::resolve_with(&args, paths(), |name| {
            env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn the_mouse_is_on_unless_the_flag_or_the_config_turns_it_off() {
        assert!(resolve(&["--demo"], &[]).mouse);
        assert!(!resolve(&["--demo", "--no-mouse"], &[]).mouse);
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config.toml");
        for (text, on) in [("mouse = false\n", false), ("mouse = true\n", true)] {
            std::fs::write(&config, text).unwrap();
            let path = config.to_str().unwrap();
            assert_eq!(resolve(&["--config", path], &[]).mouse, on, "{text}");
            assert!(!resolve(&["--config", path, "--no-mouse"], &[]).mouse);
        }
    }

    #[test]
    fn findings_api_comes_from_the_flag_else_the_config_else_auto() {
        use crate::domain::findings_api::FindingsApi;
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("c.toml");
        std::fs::write(&config, "findings_api = \"asff\"\n").unwrap();
        let config = config.to_str().unwrap();
        let o = resolve(&["--config", config], &[]);
        assert_eq!(
            (o.findings_api.value, o.findings_api.source),
            (FindingsApi::Asff, "config")
        );
        let o = resolve(&["--config", config, "--findings-api", "ocsf"], &[]);
        assert_eq!(
            (o.findings_api.value, o.findings_api.source),
            (FindingsApi::Ocsf, "--findings-api")
        );
        assert_eq!(resolve(&[], &[]).findings_api.value, FindingsApi::Auto);
        let err = parse(&["--findings-api", "ocfs"]).unwrap_err().to_string();
        assert!(err.contains("auto, ocsf, asff"), "{err}");
    }

    #[test]
    fn the_console_and_waf_sync_each_take_their_own_ip_ranges_file() {
        let cli = parse(&["--demo", "--ip-ranges", "ranges.json"]).unwrap();
        assert_eq!(cli.ip_ranges, Some(PathBuf::from("ranges.json")));
        let cli = parse(&[
            "waf",
            "sync",
            "--ip-set",
            "a",
            "--scope",
            "REGIONAL",
            "--ip-ranges",
            "r.json",
        ])
        .unwrap();
        let Some(Command::Waf {
            command: waf::WafCommand::Sync(args),
        }) = cli.command
        else {
            panic!("not waf sync")
        };
        assert_eq!(args.ip_ranges, Some(PathBuf::from("r.json")));
        assert_eq!(cli.ip_ranges, None);
    }

    #[test]
    fn usage_errors_exit_with_code_2() {
        for bad in [
            &["--read-only", "--write"][..],
            &["--seed", "dir"],
            &["--demo", "--endpoint-url", "http://x"],
            &["--seed-scale", "many", "--demo"],
            &["sandbox", "--quotas", "sometimes"],
            &["sandbox", "--faults", "GetFindings"],
            &["sandbox", "--faults", "UpdateIPSet:after-drop,times=0"],
            &["--profile", "p", "info"],
        ] {
            let err = parse(bad)
                .err()
                .unwrap_or_else(|| panic!("{bad:?} should fail"));
            assert_eq!(err.exit_code(), 2, "{bad:?}");
        }
    }

    #[test]
    fn a_demo_journals_to_its_own_file_unless_told_otherwise() {
        assert_eq!(
            resolve(&["--demo"], &[]).journal_path,
            Path::new("/s/secdeck/demo-journal.jsonl")
        );
        assert_eq!(
            resolve(&[], &[]).journal_path,
            Path::new("/s/secdeck/journal.jsonl")
        );
        assert_eq!(
            resolve(&["--demo", "--journal", "/j"], &[]).journal_path,
            Path::new("/j")
        );
    }

    #[test]
    fn profile_region_and_access_resolve_from_flags_then_environment() {
        let o = resolve(
            &[
                "info",
                "--profile",
                "prod",
                "--region",
                "eu-west-1",
                "--read-only",
            ],
            &[("AWS_PROFILE", "dev")],
        );
        assert_eq!(
            (o.profile.value.as_str(), o.profile.source),
            ("prod", "--profile")
        );
        assert_eq!(o.client.region.as_deref(), Some("eu-west-1"));
        assert!(o.read_only.read_only);
        assert!(o.session_mode().is_read_only());

        let o = resolve(&[], &[("AWS_PROFILE", "dev")]);
        assert_eq!(
            (o.profile.value.as_str(), o.profile.source),
            ("dev", "AWS_PROFILE")
        );
        assert_eq!(
            o.client.profile, None,
            "aws-config reads AWS_PROFILE itself"
        );
        assert_eq!(o.client.region, None, "left to the SDK's chain");
        assert!(!o.session_mode().is_read_only());
    }

    #[test]
    fn a_missing_explicit_config_is_reported_and_defaults_are_used() {
        let o = resolve(&["--config", "/nonexistent/secdeck.toml"], &[]);
        let err = o
            .config_error
            .clone()
            .expect("an error for the console to show");
        assert!(
            err.to_string()
                .contains("/nonexistent/secdeck.toml: file not found"),
            "{err}"
        );
        // Defaults, except that a session without its config fails closed.
        assert_eq!(
            Config {
                read_only_unreadable: Default::default(),
                ..o.config.clone()
            },
            Config::default()
        );
        assert_eq!(o.theme.value, "default");
        assert!(o.session_mode().is_read_only());
        assert!(!o.config_notices.is_empty());
    }

    #[test]
    fn info_reports_every_path_and_the_access_mode() {
        let o = resolve(&["info", "--demo", "--theme", "light"], &[]);
        let mut out = Vec::new();
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(info::print(&o, &mut out))
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        for expected in [
            "config:       /nonexistent/cfg/secdeck/config.toml (not found, using defaults)",
            "theme:        light (from --theme)",
            "journal:      /s/secdeck/demo-journal.jsonl",
            "log:          /s/secdeck/secdeck.log",
            "region:       us-east-1 (from sandbox)",
            "access:       read-write (default: nothing set)",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
        }
    }
}
