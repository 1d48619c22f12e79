//! `secdeck export findings`: GetFindings pages written out as they arrive (JSONL, CSV, or
//! an ASFF `{"Findings": [...]}` document that BatchImportFindings takes back), with
//! progress on stderr. Same filter grammar, profile / region / endpoint handling and
//! `--demo` sandbox as the console.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::{ConsoleArgs, ConsoleOptions, UsageError};
use crate::domain::filter::FindingFilters;
use crate::domain::filter_expr::FilterExpr;
use crate::domain::ocsf_filter::OcsfFilters;
use crate::paths::Paths;
use crate::tasks::Pacer;
/// The writer and the pager are tasks (the console's `e` uses them too).
pub use crate::tasks::export::{FindingsWriter, Format, export_findings};

#[derive(Debug, Clone, Args)]
pub struct ExportFindingsArgs {
    /// Filter expression, as `:findings` takes it (e.g. "sev=CRITICAL,HIGH updated<7d").
    /// Default: the console's default view (active findings, workflow NEW or NOTIFIED);
    /// `--filter '*'` exports every finding.
    #[arg(long, value_name = "EXPR")]
    pub filter: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Jsonl)]
    pub format: Format,
    /// Write here instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Read the findings store of the profile and region instead of AWS (no request is
    /// sent); stderr says how old it is. The filter must be a view the console stored.
    #[arg(long, conflicts_with = "demo")]
    pub cached: bool,
    /// asff: GetFindings (Security Hub CSPM); ocsf: GetFindingsV2 (the new Security Hub),
    /// the OCSF documents as received (jsonl) or the OCSF columns (csv), filtered with the
    /// OCSF grammar (default view `status=New,in_progress`).
    #[arg(long, value_enum, default_value_t = ExportApi::Asff)]
    pub api: ExportApi,
    #[command(flatten)]
    pub console: ConsoleArgs,
}

/// Which findings API `export findings` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportApi {
    Asff,
    Ocsf,
}

/// The OCSF filter (default: the console's OCSF default view), or a usage error with a caret.
fn parse_ocsf_filter(text: Option<&str>) -> anyhow::Result<OcsfFilters> {
    let text = text.unwrap_or(crate::domain::ocsf_filter::DEFAULT_VIEW);
    OcsfFilters::compile(text).map_err(|e| {
        UsageError(format!(
            "--filter: {}\n  {text}\n  {}",
            e.message,
            e.caret_line(text)
        ))
        .into()
    })
}

/// The filter, or a usage error pointing at the bad token.
fn parse_filter(text: Option<&str>) -> anyhow::Result<FindingFilters> {
    let Some(text) = text else {
        return Ok(FindingFilters::default_view());
    };
    if text.trim() == "*" {
        return Ok(FindingFilters::default());
    }
    FilterExpr::parse(text)
        .map(|e| e.to_filters())
        .map_err(|e| {
            UsageError(format!(
                "--filter: {}\n  {text}\n  {}",
                e.message,
                e.caret_line(text)
            ))
            .into()
        })
}

/// Runs the export. A reader that goes away (`secdeck export findings | head`) ends it
/// quietly with success, as for any Unix filter.
pub async fn run(args: ExportFindingsArgs, paths: Paths) -> anyhow::Result<()> {
    match export(args, paths).await {
        Err(e) if is_broken_pipe(&e) => Ok(()),
        other => other,
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

async fn export(args: ExportFindingsArgs, paths: Paths) -> anyhow::Result<()> {
    let ocsf = args.api == ExportApi::Ocsf;
    if ocsf && args.format == Format::Asff {
        return Err(UsageError(
            "--format asff holds ASFF findings; --api ocsf exports jsonl or csv".into(),
        )
        .into());
    }
    let (filters, ocsf_filters) = if ocsf {
        (
            FindingFilters::default(),
            Some(parse_ocsf_filter(args.filter.as_deref())?),
        )
    } else {
        (parse_filter(args.filter.as_deref())?, None)
    };
    let opts = ConsoleOptions::resolve(&args.console, paths);
    opts.warn_config_problems();
    if args.cached {
        let view = match &ocsf_filters {
            Some(f) => CachedView::ocsf(f),
            None => CachedView::asff(&filters),
        };
        return export_cached(&args, &view, &opts).await;
    }
    let sandboxed = opts.demo || opts.seed_dir.is_some() || opts.seed_scale.is_some();
    // The sandbox must outlive the export; `_sandbox` holds it.
    let (sdk_config, _sandbox, pacer) = if sandboxed {
        let (sandbox, config) =
            super::start_seeded_sandbox(opts.seed_dir.as_deref(), opts.seed_scale).await?;
        (config, Some(sandbox), Pacer::unlimited())
    } else {
        let config = crate::aws::load_sdk_config(&opts.client).await?;
        (config, None, Pacer::get_findings_adaptive())
    };
    let pacer = std::sync::Arc::new(pacer);
    let client = crate::aws::throttle_signal::securityhub_client(&sdk_config, &pacer);
    let mut writer = open_writer(&args)?;
    let mut stderr = std::io::stderr();
    let mut progress = |n: usize, pages: usize| {
        let _ = write!(stderr, "\rexporting: {n} findings, {pages} pages");
    };
    match &ocsf_filters {
        Some(f) => {
            crate::tasks::export_ocsf::export_ocsf_findings(
                &client,
                f,
                &mut writer,
                pacer,
                &mut progress,
            )
            .await?
        }
        None => export_findings(&client, &filters, &mut writer, pacer, &mut progress).await?,
    }
    let n = writer.finish()?;
    eprintln!("\rexported {n} findings to {}            ", target(&args));
    Ok(())
}

fn target(args: &ExportFindingsArgs) -> String {
    args.output
        .as_ref()
        .map_or("stdout".to_string(), |p| p.display().to_string())
}

/// The view `--cached` reads: which store, the key it is kept under, how to say it.
struct CachedView {
    api: crate::store::Api,
    key: String,
    summary: String,
}

impl CachedView {
    fn asff(filters: &FindingFilters) -> Self {
        CachedView {
            api: crate::store::Api::Asff,
            key: crate::store::view_key(filters),
            summary: filters.summary(),
        }
    }

    fn ocsf(filters: &OcsfFilters) -> Self {
        let key = crate::store::ocsf::view_key(filters);
        CachedView {
            api: crate::store::Api::Ocsf,
            summary: crate::store::ocsf::summary(&key).unwrap_or_default(),
            key,
        }
    }
}

/// `--cached`: the view's findings from the store, in the console's default order.
async fn export_cached(
    args: &ExportFindingsArgs,
    wanted: &CachedView,
    opts: &ConsoleOptions,
) -> anyhow::Result<()> {
    let sdk_config = crate::aws::load_sdk_config(&opts.client).await?;
    let region = sdk_config
        .region()
        .map(|r| r.to_string())
        .unwrap_or_default();
    let profile = &opts.profile.value;
    let path = super::cache::store_for(&opts.paths, profile, &region, wanted.api)?;
    let store = crate::store::Store::open_path(&path)?;
    if let Some(notice) = &store.notice {
        eprintln!("{notice}");
    }
    let view = store
        .view_at(&wanted.key)?
        .filter(crate::store::ViewState::usable)
        .ok_or_else(|| {
            anyhow::anyhow!(
                "the findings store {} holds no complete view for {}: open it in the \
                 console once, or export without --cached",
                path.display(),
                wanted.summary
            )
        })?;
    let rows = store.rows(
        view.view_id,
        &crate::domain::filter::SortCriterion::default_order(),
    )?;
    let mut writer = open_writer(args)?;
    writer.page(&rows.findings)?;
    let n = writer.finish()?;
    let synced = view.synced_at.map(crate::store::format_time);
    let age = super::cache::synced_text(synced.as_deref(), time::OffsetDateTime::now_utc());
    eprintln!(
        "exported {n} findings to {} from the findings store ({age}; {})",
        target(args),
        path.display()
    );
    Ok(())
}

fn open_writer(
    args: &ExportFindingsArgs,
) -> anyhow::Result<FindingsWriter<std::io::BufWriter<Box<dyn Write + Send>>>> {
    let out: Box<dyn Write + Send> = match &args.output {
        Some(path) => Box::new(
            std::fs::File::create(path)
                .map_err(|e| anyhow::anyhow!("cannot create --output {}: {e}", path.display()))?,
        ),
        // A terminal sees AWS's text with its escapes made visible; a pipe gets it raw.
        None => super::terminal::stdout(),
    };
    let terminal = args.output.is_none() && super::terminal::stdout_is_terminal();
    // Large buffer: a page is ~100 findings of a few KB; one write(2) per page or so.
    Ok(FindingsWriter::new_for(
        std::io::BufWriter::with_capacity(1 << 18, out),
        args.format,
        args.api == ExportApi::Ocsf,
    )?
    .visible_cells(terminal))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_filter_is_a_usage_error_with_a_caret() {
        let e = parse_filter(Some("sev=HIGH bogus=1")).unwrap_err();
        assert!(e.downcast_ref::<UsageError>().is_some());
        assert!(e.to_string().contains("         ^^^^^"), "{e}");
    }
}
