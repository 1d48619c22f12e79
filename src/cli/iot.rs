//! `secdeck iot import-audit [--task-id ID | --latest] [--dry-run]`: imports an IoT Device
//! Defender audit into Security Hub without the console, through the same plan ->
//! execute -> verify -> journal pipeline. `--dry-run` prints the plan and sends nothing
//! that changes AWS; a read-only session may only dry-run.

use std::io::Write;
use std::sync::Arc;

use clap::{Args, Subcommand};

use super::{ConsoleArgs, ConsoleOptions};
use crate::aws::AwsClients;
use crate::domain::iot_plan::IotChange;
use crate::domain::plan::{Change, ChangePlan};
use crate::journal::{Journal, JournalContext};
use crate::tasks::reads::iot_import::{AuditChoice, plan_audit_import};
use crate::tasks::{
    ExecutorOptions, MutationExecutor, Pacer, RetryPolicy, SessionMode, new_plan_id,
};

#[derive(Debug, Clone, Args)]
pub struct IotArgs {
    #[command(subcommand)]
    pub command: IotCommand,
}

#[derive(Debug, Clone, Subcommand)]
pub enum IotCommand {
    /// Import an audit's non-compliant findings into Security Hub and archive the earlier
    /// imports it no longer reports.
    ImportAudit(ImportAuditArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ImportAuditArgs {
    #[command(flatten)]
    pub console: ConsoleArgs,
    /// The audit task to import.
    #[arg(long, value_name = "ID", conflicts_with = "latest")]
    pub task_id: Option<String>,
    /// Import the most recent completed audit (the default).
    #[arg(long)]
    pub latest: bool,
    /// Show what would be imported and archived; change nothing.
    #[arg(long)]
    pub dry_run: bool,
}

impl ImportAuditArgs {
    pub fn choice(&self) -> AuditChoice {
        match &self.task_id {
            Some(id) => AuditChoice::Task(id.clone()),
            None => AuditChoice::Latest,
        }
    }
}

/// What an import run ended with (for the exit code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStatus {
    /// Planned only (dry run), or executed with every finding imported and verified.
    Done,
    /// Some findings failed or could not be verified; re-running retries them.
    Partial,
}

/// Plans, prints and (unless `dry_run` or read-only) executes the import. Used by the
/// CLI and by tests, which pass a sandbox's clients.
pub async fn import_audit(
    clients: &AwsClients,
    region: &str,
    mode: SessionMode,
    journal_ctx: JournalContext,
    journal_path: &std::path::Path,
    args: &ImportAuditArgs,
    out: &mut (impl Write + Send),
) -> anyhow::Result<ImportStatus> {
    let retry = RetryPolicy::default();
    let pacer = Arc::new(Pacer::get_findings());
    let planned = plan_audit_import(clients, region, &args.choice(), &pacer, &retry).await?;
    let plan = ChangePlan::new(
        new_plan_id(),
        Change::Iot(Box::new(IotChange::Import(planned.import))),
    );
    writeln!(
        out,
        "audit {} ({}, {} findings)",
        planned.task.task_id,
        planned.task.kind(),
        planned.findings
    )?;
    for line in plan.preview() {
        writeln!(out, "{}", line.text)?;
    }
    if args.dry_run {
        writeln!(out, "dry run: nothing was sent to Security Hub")?;
        return Ok(ImportStatus::Done);
    }
    let access = match mode {
        SessionMode::ReadOnly => {
            anyhow::bail!("this session is read-only: pass --write (or use --dry-run) to import")
        }
        SessionMode::ReadWrite(access) => access,
    };
    if plan.item_count() == 0 {
        writeln!(out, "nothing to import")?;
        return Ok(ImportStatus::Done);
    }
    let journal = Journal::open(journal_path)
        .map_err(|e| anyhow::anyhow!("cannot open the journal {}: {e}", journal_path.display()))?;
    let progress = crate::tasks::ProgressFn(Arc::new(|sent: usize, total: usize| {
        // Every 10th batch (1,000 findings) and the last one.
        if sent.is_multiple_of(1000) || sent == total {
            eprintln!("imported {sent}/{total}");
        }
    }));
    let executor = MutationExecutor::new(
        access,
        clients.clone(),
        journal,
        journal_ctx,
        ExecutorOptions::default(),
    )
    .with_pacer(pacer)
    .with_progress(progress);
    if let Some(line) = executor.interrupted_warning().await {
        writeln!(out, "{line}")?;
    }
    let executed = executor.execute_reporting(plan).await;
    let outcome = executed.outcome;
    writeln!(out, "{}", outcome.summary())?;
    for f in &outcome.failed {
        writeln!(out, "failed: {} {}: {}", f.target, f.code, f.message)?;
    }
    for id in &outcome.unverified {
        writeln!(out, "not yet visible on re-read: {id}")?;
    }
    for id in &outcome.unknown {
        writeln!(
            out,
            "unknown (the write met an error and a re-read could not tell): {id}"
        )?;
    }
    for w in &executed.warnings {
        writeln!(out, "warning: {w}")?;
    }
    if outcome.is_complete_success() {
        Ok(ImportStatus::Done)
    } else {
        if !outcome.failed.is_empty() {
            writeln!(
                out,
                "run the same command again to retry the failed findings (imports are idempotent)"
            )?;
        }
        Ok(ImportStatus::Partial)
    }
}

/// `secdeck iot import-audit` from the command line: AWS (or --endpoint-url) clients, the
/// resolved read-only mode, and the journal.
pub async fn run(args: IotArgs, opts: ConsoleOptions) -> anyhow::Result<ImportStatus> {
    let IotCommand::ImportAudit(args) = args.command;
    let (sdk_config, sandbox) = if opts.demo {
        let (sandbox, config) =
            super::start_seeded_sandbox(opts.seed_dir.as_deref(), opts.seed_scale).await?;
        sandbox
            .seed_iot_demo()
            .map_err(|e| anyhow::anyhow!("IoT demo world: {e}"))?;
        (config, Some(sandbox))
    } else {
        (crate::aws::load_sdk_config(&opts.client).await?, None)
    };
    let region = sdk_config
        .region()
        .map(|r| r.to_string())
        .ok_or_else(|| anyhow::anyhow!(crate::aws::NO_REGION))?;
    let clients = AwsClients::new(&sdk_config);
    let journal_ctx = JournalContext {
        caller_arn: None,
        account: None,
        profile: Some(opts.profile.value.clone()),
        region: region.clone(),
        endpoint: opts.client.endpoint_url.clone(),
    };
    let mut stdout = super::terminal::stdout();
    let status = import_audit(
        &clients,
        &region,
        opts.session_mode(),
        journal_ctx,
        &opts.journal_path,
        &args,
        &mut stdout,
    )
    .await;
    drop(sandbox);
    status
}

#[cfg(test)]
mod tests {
    use super::super::{Cli, Command};
    use super::*;
    use clap::Parser;

    fn parse(args: &[&str]) -> Result<ImportAuditArgs, clap::Error> {
        let cli = Cli::try_parse_from(
            ["secdeck", "iot", "import-audit"]
                .iter()
                .chain(args.iter())
                .copied(),
        )?;
        match cli.command {
            Some(Command::Iot(IotArgs {
                command: IotCommand::ImportAudit(a),
            })) => Ok(a),
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn import_audit_takes_a_task_or_latest_and_the_usual_connection_flags() {
        let a = parse(&[
            "--task-id",
            "abc",
            "--dry-run",
            "--profile",
            "p",
            "--region",
            "eu-west-1",
        ])
        .unwrap();
        assert_eq!(a.choice(), AuditChoice::Task("abc".into()));
        assert!(a.dry_run);
        assert_eq!(a.console.profile.as_deref(), Some("p"));
        assert_eq!(
            parse(&[]).unwrap().choice(),
            AuditChoice::Latest,
            "latest by default"
        );
        assert_eq!(parse(&["--latest"]).unwrap().choice(), AuditChoice::Latest);
        let err = parse(&["--task-id", "x", "--latest"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        let a = parse(&["--endpoint-url", "http://127.0.0.1:4580", "--read-only"]).unwrap();
        assert!(a.console.read_only);
    }
}
