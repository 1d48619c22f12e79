//! `secdeck import findings FILE [--dry-run]`: the findings of an export (JSON Lines, or
//! the ASFF `{"Findings":[...]}` batches) sent back with BatchImportFindings through the
//! one change pipeline: planned from the file, journaled (intent, outcome), executed in
//! batches of at most 100 findings under the quota, verified by re-reading. A read-only
//! session may only dry-run.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, Subcommand};

use super::iot::ImportStatus;
use super::{ConsoleArgs, ConsoleOptions, UsageError};
use crate::aws::AwsClients;
use crate::bounded;
use crate::domain::findings_file;
use crate::domain::findings_import::FindingsImport;
use crate::domain::plan::{Change, ChangePlan};
use crate::tasks::mutate::import::{VERIFY_ALL_UP_TO, sample_size};
use crate::tasks::{ExecutorOptions, MutationExecutor, Pacer, SessionMode, new_plan_id};

#[derive(Debug, Clone, Subcommand)]
pub enum ImportCommand {
    /// Import ASFF findings into Security Hub from a file `export findings` wrote.
    Findings(ImportFindingsArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ImportFindingsArgs {
    /// JSON Lines of ASFF findings (`export --format jsonl`) or `{"Findings":[...]}`
    /// batches, one a line (`export --format asff`).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Show the requests that would be sent; send nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub console: ConsoleArgs,
}

/// The plan for the findings of `args.file`: read under its size limit, every problem
/// named by file and line.
pub fn plan_from_file(args: &ImportFindingsArgs) -> anyhow::Result<ChangePlan> {
    let name = args.file.display().to_string();
    let text = bounded::read_to_string(&args.file, bounded::FINDINGS_FILE)?;
    let file = findings_file::parse(&name, &text)?;
    tracing::info!(file = %name, format = ?file.format, findings = file.findings.len(), "import file read");
    let import = FindingsImport::new(name, file.refs, file.findings);
    Ok(ChangePlan::new(
        new_plan_id(),
        Change::FindingsImport(Box::new(import)),
    ))
}

/// Prints `plan`, then (unless there is no `executor`: a dry run) executes it and prints
/// the outcome: every finding AWS refused with its error code, every one a re-read did
/// not show. Used by the CLI and by tests.
pub async fn import_findings(
    plan: ChangePlan,
    executor: Option<&MutationExecutor>,
    out: &mut (impl Write + Send),
) -> anyhow::Result<ImportStatus> {
    for line in plan.preview() {
        writeln!(out, "{}", line.text)?;
    }
    let Some(executor) = executor else {
        writeln!(out, "dry run: nothing was sent to Security Hub")?;
        return Ok(ImportStatus::Done);
    };
    if plan.item_count() == 0 {
        writeln!(out, "nothing to import")?;
        return Ok(ImportStatus::Done);
    }
    let total = plan.item_count();
    let executed = executor.execute_reporting(plan).await;
    let outcome = executed.outcome;
    let imported = outcome.succeeded.len();
    writeln!(
        out,
        "imported {imported} of {total}, {} failed; re-read {} of the imported: {} did not show the import",
        outcome.failed.len(),
        sample_size(imported, VERIFY_ALL_UP_TO),
        outcome.unverified.len()
    )?;
    if let Some(error) = &outcome.error {
        writeln!(out, "error: {error}")?;
    }
    for f in &outcome.failed {
        writeln!(out, "failed: {} {}: {}", f.target, f.code, f.message)?;
    }
    for id in &outcome.unverified {
        writeln!(out, "not shown on re-read: {id}")?;
    }
    for w in &executed.warnings {
        writeln!(out, "warning: {w}")?;
    }
    if outcome.is_complete_success() {
        return Ok(ImportStatus::Done);
    }
    if !outcome.failed.is_empty() {
        writeln!(
            out,
            "importing the same file again retries the failed findings (an import of a finding that exists updates it)"
        )?;
    }
    Ok(ImportStatus::Partial)
}

/// `secdeck import findings` from the command line.
pub async fn run(command: ImportCommand, opts: ConsoleOptions) -> anyhow::Result<ImportStatus> {
    let ImportCommand::Findings(args) = command;
    let mode = opts.session_mode();
    // Refused before the file is read or anything is sent.
    if mode.is_read_only() && !args.dry_run {
        return Err(UsageError(format!(
            "this session is {}: refusing to import; use --dry-run to see the requests, or --write",
            opts.read_only
        ))
        .into());
    }
    let plan = plan_from_file(&args)?;
    let (sdk_config, _sandbox) = if opts.demo {
        let (sandbox, config) =
            super::start_seeded_sandbox(opts.seed_dir.as_deref(), opts.seed_scale).await?;
        (config, Some(sandbox))
    } else {
        (crate::aws::load_sdk_config(&opts.client).await?, None)
    };
    let executor = match (mode, args.dry_run) {
        (SessionMode::ReadWrite(access), false) => {
            Some(executor(access, &opts, &sdk_config, plan.item_count())?)
        }
        _ => None,
    };
    // The file's text (titles, ids) and AWS's messages reach a terminal made visible.
    let mut stdout = super::terminal::stdout();
    import_findings(plan, executor.as_ref(), &mut stdout).await
}

/// The executor an import runs on: the journal, pacing under the account's quotas, and
/// progress on stderr.
fn executor(
    access: crate::tasks::WriteAccess,
    opts: &ConsoleOptions,
    sdk_config: &crate::aws::SdkConfig,
    total: usize,
) -> anyhow::Result<MutationExecutor> {
    let (journal, context) = opts.open_journal(sdk_config)?;
    let progress = crate::tasks::ProgressFn(Arc::new(move |sent: usize, _| {
        // Every 10th batch (1,000 findings) and the last one.
        if sent.is_multiple_of(1000) || sent == total {
            eprintln!("imported {sent}/{total}");
        }
    }));
    let pacer = if opts.demo {
        Pacer::unlimited()
    } else {
        Pacer::get_findings()
    };
    Ok(MutationExecutor::new(
        access,
        AwsClients::new(sdk_config),
        journal,
        context,
        ExecutorOptions::default(),
    )
    .with_pacer(Arc::new(pacer))
    .with_progress(progress))
}

#[cfg(test)]
mod tests {
    use super::super::{Cli, Command};
    use super::*;
    use clap::Parser;

    #[test]
    fn import_findings_takes_a_file_dry_run_and_the_console_flags() {
        let cli = Cli::try_parse_from([
            "secdeck",
            "import",
            "findings",
            "all.asff",
            "--dry-run",
            "--read-only",
            "--region",
            "eu-west-1",
        ])
        .unwrap();
        let Some(Command::Import(ImportCommand::Findings(a))) = cli.command else {
            panic!("not import findings");
        };
        assert_eq!(a.file, PathBuf::from("all.asff"));
        assert!(a.dry_run && a.console.read_only);
        let missing = Cli::try_parse_from(["secdeck", "import", "findings"]).unwrap_err();
        assert_eq!(missing.exit_code(), 2);
    }
}
