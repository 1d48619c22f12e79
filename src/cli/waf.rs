//! `secdeck waf sync`: keeps an IPv4 (and optionally an IPv6) IP set equal to the selected
//! services' prefixes of AWS's ip-ranges.json, for schedulers. Prints the diff with counts,
//! applies it through the mutation executor (journal, lock-conflict loop, verify) unless
//! `--dry-run`, and exits 0 (no change), 10 (changed / would change), 1 (error) or 2 (usage).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};

use super::{ConsoleArgs, ConsoleOptions, UsageError};
use crate::aws::{AwsClients, wafv2};
use crate::domain::cidr::IpVersion;
use crate::domain::ip_ranges::{DEFAULT_SERVICES, IpRanges, OFFICIAL_URL, Selection};
use crate::domain::plan::ChangePlan;
use crate::domain::waf::WafScope;
use crate::domain::waf_sync::{SyncSource, plan_set_sync};
use crate::tasks::{ExecutorOptions, MutationExecutor, SessionMode, new_plan_id};

/// Exit code when the sets were changed (or, with --dry-run, would be).
pub const EXIT_CHANGED: u8 = 10;

#[derive(Debug, Subcommand)]
pub enum WafCommand {
    /// Sync IP sets from AWS's ip-ranges.json (the official URL unless --ip-ranges FILE).
    Sync(SyncArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScopeArg {
    #[value(name = "REGIONAL", alias = "regional")]
    Regional,
    #[value(name = "CLOUDFRONT", alias = "cloudfront")]
    Cloudfront,
}

#[derive(Debug, Clone, Args)]
pub struct SyncArgs {
    /// The IPv4 IP set to sync (created if missing).
    #[arg(long = "ip-set", value_name = "NAME")]
    pub ip_set: String,
    /// The IPv6 IP set to sync (created if missing); without it IPv6 prefixes are ignored.
    #[arg(long = "ipv6-set", value_name = "NAME")]
    pub ipv6_set: Option<String>,
    #[arg(long, value_enum)]
    pub scope: ScopeArg,
    /// Comma-separated services, as named in the file.
    #[arg(long, value_name = "LIST", value_delimiter = ',', default_values_t = DEFAULT_SERVICES.iter().map(|s| s.to_string()))]
    pub services: Vec<String>,
    /// Comma-separated regions or network border groups (default: all).
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub regions: Vec<String>,
    /// A local ip-ranges.json instead of downloading the official one.
    #[arg(long = "ip-ranges", value_name = "FILE")]
    pub ip_ranges: Option<PathBuf>,
    /// Download from this URL instead of the official one (tests, mirrors).
    #[arg(
        long = "ip-ranges-url",
        value_name = "URL",
        hide = true,
        conflicts_with = "ip_ranges"
    )]
    pub ip_ranges_url: Option<String>,
    /// Merge adjacent and contained prefixes (fewer entries, same coverage).
    #[arg(long)]
    pub aggregate: bool,
    /// Print the diff; send nothing that changes AWS.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub console: ConsoleArgs,
}

/// What a sync did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncStatus {
    NoChange,
    Changed,
}

impl SyncStatus {
    pub fn exit_code(self) -> ExitCode {
        match self {
            SyncStatus::NoChange => ExitCode::SUCCESS,
            SyncStatus::Changed => ExitCode::from(EXIT_CHANGED),
        }
    }
}

/// Reads the ip-ranges file, or downloads it. There is no HTTP client among our
/// dependencies, so the download uses `curl` (any failure is reported as such).
pub fn load_ip_ranges(args: &SyncArgs) -> anyhow::Result<IpRanges> {
    // The console's sync dialog reads its sources with the same code.
    if let Some(path) = &args.ip_ranges {
        return crate::tasks::reads::ip_ranges::read_file(path).map_err(anyhow::Error::msg);
    }
    let url = args.ip_ranges_url.as_deref().unwrap_or(OFFICIAL_URL);
    crate::tasks::reads::ip_ranges::download(url)
        .map_err(|e| anyhow::anyhow!("{e} (use --ip-ranges FILE)"))
}

/// The sync itself, on `clients`; `executor` is None for a dry run (no mutating call).
pub async fn sync(
    args: &SyncArgs,
    ranges: &IpRanges,
    clients: &AwsClients,
    executor: Option<&MutationExecutor>,
    out: &mut dyn Write,
) -> anyhow::Result<SyncStatus> {
    if let Some(line) = match executor {
        Some(e) => e.interrupted_warning().await,
        None => None,
    } {
        writeln!(out, "{line}")?;
    }
    let scope = match args.scope {
        ScopeArg::Regional => WafScope::Regional,
        ScopeArg::Cloudfront => WafScope::Cloudfront,
    };
    let selection = Selection {
        services: args.services.clone(),
        regions: args.regions.clone(),
    };
    let selected = ranges
        .select(&selection)
        .map_err(|e| UsageError(format!("--services / --regions: {e}")))?;
    let source = SyncSource {
        sync_token: ranges.sync_token.clone(),
        create_date: ranges.create_date.clone(),
    };
    let existing = wafv2::list_ip_sets(&clients.wafv2, scope).await?;
    let mut targets = vec![(args.ip_set.as_str(), IpVersion::V4, &selected.v4)];
    if let Some(v6) = &args.ipv6_set {
        targets.push((v6.as_str(), IpVersion::V6, &selected.v6));
    }
    let mut plans = Vec::new();
    for (name, version, nets) in targets {
        let set = match existing.iter().find(|s| s.set.name == name) {
            Some(s) => Some(wafv2::get_ip_set(&clients.wafv2, &s.set).await?),
            None => None,
        };
        let planned = plan_set_sync(
            set.as_ref(),
            name,
            scope,
            version,
            nets,
            args.aggregate,
            &source,
        )
        .map_err(anyhow::Error::msg)?;
        for line in planned.report(&source) {
            writeln!(out, "{line}")?;
        }
        if let Some(change) = planned.change {
            plans.push(ChangePlan::new(new_plan_id(), change));
        }
    }
    if plans.is_empty() {
        writeln!(out, "no change")?;
        return Ok(SyncStatus::NoChange);
    }
    let Some(executor) = executor else {
        writeln!(out, "dry run: {} change(s) not applied", plans.len())?;
        return Ok(SyncStatus::Changed);
    };
    let mut failures = Vec::new();
    for plan in plans {
        let executed = executor.execute_reporting(plan.clone()).await;
        for w in &executed.warnings {
            writeln!(out, "warning: {w}")?;
        }
        writeln!(out, "{}: {}", plan.title(), executed.outcome.summary())?;
        if !executed.outcome.is_complete_success() {
            failures.push(plan.title());
        }
    }
    if !failures.is_empty() {
        anyhow::bail!(
            "not every change was made and verified: {}",
            failures.join("; ")
        );
    }
    Ok(SyncStatus::Changed)
}

/// `secdeck waf ...` as the binary runs it.
pub async fn run(command: WafCommand, paths: crate::paths::Paths) -> anyhow::Result<SyncStatus> {
    let WafCommand::Sync(args) = command;
    let opts = ConsoleOptions::resolve(&args.console, paths);
    opts.warn_config_problems();
    let mode = opts.session_mode();
    if mode.is_read_only() && !args.dry_run {
        return Err(UsageError(format!(
            "this session is {}: refusing to sync; use --dry-run to see the diff, or --write",
            opts.read_only
        ))
        .into());
    }
    let ranges = load_ip_ranges(&args)?;
    let (sdk_config, _sandbox) = if opts.demo {
        let seed = super::build_seed(None, None, time::OffsetDateTime::now_utc())?;
        let (sandbox, config) = crate::sandbox::start_sandbox(seed).await?;
        (config, Some(sandbox))
    } else {
        (crate::aws::load_sdk_config(&opts.client).await?, None)
    };
    let clients = AwsClients::new(&sdk_config);
    let executor = match (mode, args.dry_run) {
        (SessionMode::ReadWrite(access), false) => {
            let (journal, context) = opts.open_journal(&sdk_config)?;
            let options = ExecutorOptions {
                note_author: opts.note_author.clone(),
                ..Default::default()
            };
            Some(MutationExecutor::new(
                access,
                clients.clone(),
                journal,
                context,
                options,
            ))
        }
        _ => None,
    };
    // The file's text (a syncToken) and AWS's reach a terminal with escapes made visible.
    let mut stdout = super::terminal::stdout();
    sync(&args, &ranges, &clients, executor.as_ref(), &mut stdout).await
}
