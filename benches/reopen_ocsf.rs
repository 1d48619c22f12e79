//! Reopening the findings pane on OCSF (GetFindingsV2) with the findings store, under
//! AWS-like quotas and the console's adaptive GetFindings pacer: the first session fetches
//! every page; the second shows the stored rows, then syncs by a delta (GetFindingsV2
//! for findings modified since the last sync, and one GetFindingStatisticsV2 count check).
//! Reports seconds to the first rows and to a complete view for both, and the requests
//! the second sent. One timed run each (a cold load of thousands of findings is paced).
//! The sandbox stamps its exposure findings when it starts, inside the delta's 15-minute
//! safety window, so the reopen fetches those again (an account's old exposures would not).
//!
//!     cargo bench --bench reopen_ocsf            # REOPEN_BENCH_FINDINGS=5000 by default
//!     cargo bench --profile dev --bench reopen_ocsf   # without the release build

use std::sync::Arc;
use std::time::Instant;

use secdeck::app::panes::findings::LoadStatus;
use secdeck::config::AccessFlag;
use secdeck::domain::findings_api::FindingsApi;
use secdeck::runtime::{Console, ConsoleParts, demo_parts};
use secdeck::sandbox::QuotaMode;
use secdeck::sandbox::seed::{self, Seed};
use secdeck::tasks::Pacer;

/// One session on `parts`: (seconds to the first rows, seconds to a complete view, rows,
/// requests by operation).
async fn session(
    mut parts: ConsoleParts,
    cache: &std::path::Path,
) -> Result<(f64, f64, usize, Vec<(String, usize)>), String> {
    let sandbox = parts.sandbox.clone().ok_or("no sandbox")?;
    sandbox.set_quotas(QuotaMode::Aws);
    sandbox.clear_requests();
    parts.pacer = Arc::new(Pacer::get_findings_adaptive());
    parts.findings_store = Some(cache.to_path_buf());
    parts.findings_api = FindingsApi::Ocsf;
    // The sandbox maps its findings to OCSF on first read: done before the clock starts,
    // so the figures are the console's (AWS has its documents ready).
    let _ = sandbox.ocsf_findings();
    let started = Instant::now();
    let mut console = Console::start(parts);
    let mut first_rows = None;
    while console.state.findings.status != LoadStatus::Complete {
        let action = console.next_action().await.ok_or("console stopped")?;
        console.dispatch(action);
        if first_rows.is_none() && console.state.findings.total() > 0 {
            first_rows = Some(started.elapsed().as_secs_f64());
        }
    }
    let done = started.elapsed().as_secs_f64();
    let mut requests: Vec<(String, usize)> = Vec::new();
    for r in sandbox.requests() {
        match requests.iter_mut().find(|(op, _)| *op == r.operation) {
            Some((_, n)) => *n += 1,
            None => requests.push((r.operation.clone(), 1)),
        }
    }
    let rows = console.state.findings.total();
    Ok((first_rows.unwrap_or(done), done, rows, requests))
}

async fn run(n: usize) -> Result<(), String> {
    let now = time::OffsetDateTime::now_utc();
    let world = Seed {
        findings: seed::generate_findings(n, 42, now),
        ..Seed::default()
    };
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let parts = |seed| demo_parts(seed, AccessFlag::ReadOnly, dir.path().join("j.jsonl"));
    let first = parts(world).await.map_err(|e| e.to_string())?;
    let (sandbox, sdk_config) = (first.sandbox.clone(), first.sdk_config.clone());
    // The second session reads the same sandbox, as a console reopened on one account.
    let mut second = parts(Seed::default()).await.map_err(|e| e.to_string())?;
    (second.sandbox, second.sdk_config) = (sandbox, sdk_config);
    for (name, parts) in [
        ("cold (no store)", first),
        ("reopen (store + delta)", second),
    ] {
        let (first, done, rows, requests) = session(parts, dir.path()).await?;
        println!(
            "reopen_ocsf/{n} {name}: first rows {first:.2} s, complete {done:.2} s, \
             {rows} rows; requests {requests:?}"
        );
    }
    Ok(())
}

fn main() {
    let n = std::env::var("REOPEN_BENCH_FINDINGS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_stack_size(16 << 20)
        .enable_all()
        .build()
        .expect("tokio runtime");
    if let Err(e) = runtime.block_on(run(n)) {
        eprintln!("reopen_ocsf: {e}");
        std::process::exit(1);
    }
}
