//! Opening the findings pane over 100,000 findings through the new Security Hub (OCSF,
//! GetFindingsV2) beside Security Hub CSPM (ASFF, GetFindings), in process: the world
//! `secdeck sandbox --seed-scale N` generates, a fresh sandbox each run (so the first page
//! pays for filtering and sorting every finding, as on a console's first open), the
//! console's own read path with no quota. Per run it prints the time to the first rows
//! (one page), to the second page and, on OCSF, to the strip's server-side counts
//! (GetFindingStatisticsV2 + GetFindingsTrendsV2) with the pages that had arrived by then;
//! then the medians. One timed run each: criterion's samples would reuse the sandbox's
//! cached ordering after the first.
//!
//!     cargo bench --bench ocsf_first_rows        # OCSF_BENCH_FINDINGS=100000, RUNS=5

use std::time::{Duration, Instant};

use secdeck::app::{Action, FindingsMsg, PaneMsg};
use secdeck::config::AccessFlag;
use secdeck::domain::findings_api::FindingsApi;
use secdeck::runtime::{Console, demo_parts};
use secdeck::sandbox::seed::{self, Seed};

/// What one open of the pane measured.
struct Open {
    first_rows: Duration,
    second_page: Duration,
    /// When the counts arrived and how many pages had arrived before them (OCSF only).
    counts: Option<(Duration, usize)>,
}

async fn open(api: FindingsApi, findings: Vec<serde_json::Value>) -> Result<Open, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let world = Seed {
        findings,
        ..Seed::default()
    };
    let mut parts = demo_parts(world, AccessFlag::ReadOnly, dir.path().join("j.jsonl"))
        .await
        .map_err(|e| e.to_string())?;
    parts.findings_api = api;
    let started = Instant::now();
    let mut console = Console::start(parts);
    let (mut first_rows, mut second_page, mut counts) = (None, None, None);
    let mut pages = 0usize;
    let wants_counts = api == FindingsApi::Ocsf;
    while second_page.is_none() || (wants_counts && counts.is_none()) {
        let action = console.next_action().await.ok_or("console stopped")?;
        let at = started.elapsed();
        match &action {
            Action::Pane(PaneMsg::Findings(FindingsMsg::Page { .. })) => pages += 1,
            Action::Pane(PaneMsg::Findings(FindingsMsg::PageFailed { error, .. })) => {
                return Err(format!("page failed: {error}"));
            }
            Action::Pane(PaneMsg::Findings(FindingsMsg::OcsfCounts { result, .. })) => {
                result.as_ref().map_err(|e| format!("counts failed: {e}"))?;
                counts = Some((at, pages));
            }
            _ => {}
        }
        console.dispatch(action);
        if first_rows.is_none() && console.state.findings.total() > 0 {
            first_rows = Some(at);
        }
        if pages >= 2 && second_page.is_none() {
            second_page = Some(at);
        }
    }
    Ok(Open {
        first_rows: first_rows.ok_or("no rows")?,
        second_page: second_page.ok_or("no second page")?,
        counts,
    })
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// A runtime of its own for each open: the tasks a finished open leaves (the pages after
/// the second, the trend) stop with it instead of slowing the next one.
fn open_alone(api: FindingsApi, findings: Vec<serde_json::Value>) -> Result<Open, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_stack_size(16 << 20)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let opened = runtime.block_on(open(api, findings));
    runtime.shutdown_timeout(Duration::from_secs(10));
    opened
}

fn run(n: usize, runs: usize) -> Result<(), String> {
    let findings = seed::generate_findings(n, 42, time::OffsetDateTime::now_utc());
    let mut first = [Vec::new(), Vec::new()];
    let mut counts_ms = Vec::new();
    let mut counts_before_page_2 = 0;
    for run in 1..=runs {
        for (i, api) in [FindingsApi::Asff, FindingsApi::Ocsf]
            .into_iter()
            .enumerate()
        {
            let o = open_alone(api, findings.clone())?;
            let counts = match o.counts {
                Some((at, pages)) => {
                    counts_ms.push(ms(at));
                    counts_before_page_2 += usize::from(pages < 2);
                    format!(", counts {:.0} ms after {pages} page(s)", ms(at))
                }
                None => String::new(),
            };
            println!(
                "run {run} {api}: first rows {:.0} ms, second page {:.0} ms{counts}",
                ms(o.first_rows),
                ms(o.second_page)
            );
            first[i].push(ms(o.first_rows));
        }
    }
    let (asff, ocsf) = (median(first[0].clone()), median(first[1].clone()));
    println!(
        "ocsf_first_rows/{n}: median first rows ASFF {asff:.0} ms, OCSF {ocsf:.0} ms \
         (OCSF/ASFF {:.2}); OCSF counts median {:.0} ms, before the second page in \
         {counts_before_page_2} of {runs} runs",
        ocsf / asff,
        median(counts_ms)
    );
    Ok(())
}

fn main() {
    let var = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let (n, runs) = (var("OCSF_BENCH_FINDINGS", 100_000), var("RUNS", 5));
    if let Err(e) = run(n, runs.max(1)) {
        eprintln!("ocsf_first_rows: {e}");
        std::process::exit(1);
    }
}
