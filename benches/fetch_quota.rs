//! The findings pane loading every page from a sandbox that enforces AWS's GetFindings
//! quota (3 requests/s, burst 6, 100 findings a page: a ceiling of about 300 findings/s),
//! through the console's own read path (adaptive pacer, SDK client, retries). Reports the
//! sustained findings/s as a fraction of that ceiling, and how many throttles the
//! sandbox answered and how many reached the user (must be 0). One timed run: a load of
//! thousands of findings at 300/s takes tens of seconds, too long for criterion's samples.
//!
//!     cargo bench --bench fetch_quota            # FETCH_BENCH_FINDINGS=6000 by default

use secdeck::app::PaneMsg;
use std::sync::Arc;
use std::time::Instant;

use secdeck::app::Action;
use secdeck::app::panes::findings::LoadStatus;
use secdeck::config::AccessFlag;
use secdeck::runtime::{Console, demo_parts};
use secdeck::sandbox::QuotaMode;
use secdeck::sandbox::seed::{self, Seed};
use secdeck::tasks::Pacer;

const PAGE: usize = 100;
const RATE: f64 = 3.0;
const BURST: usize = 6;

async fn run(n: usize) -> Result<(), String> {
    let now = time::OffsetDateTime::now_utc();
    let world = Seed {
        findings: seed::generate_findings(n, 42, now),
        ..Seed::default()
    };
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut parts = demo_parts(world, AccessFlag::ReadOnly, dir.path().join("j.jsonl"))
        .await
        .map_err(|e| e.to_string())?;
    let sandbox = parts.sandbox.as_ref().ok_or("no sandbox")?;
    sandbox.set_quotas(QuotaMode::Aws);
    // What a session against `secdeck sandbox --listen --quotas aws` or AWS itself uses.
    parts.pacer = Arc::new(Pacer::get_findings_adaptive());
    let sandbox = sandbox.clone();

    let started = Instant::now();
    let mut console = Console::start(parts);
    let mut surfaced = 0usize;
    while console.state.findings.status != LoadStatus::Complete {
        let action: Action = console.next_action().await.ok_or("console stopped")?;
        if matches!(
            action,
            Action::Pane(PaneMsg::Findings(
                secdeck::app::FindingsMsg::PageFailed { .. }
            ))
        ) {
            surfaced += 1;
            console.dispatch(action);
            console.dispatch(Action::ResumeLoad);
            continue;
        }
        console.dispatch(action);
    }
    let secs = started.elapsed().as_secs_f64();
    // The default view shows active findings only: count what was actually loaded.
    let loaded = console.state.findings.total();
    let pages = loaded.div_ceil(PAGE);
    // The quota's floor: the burst at once, then RATE pages a second.
    let floor = (pages.saturating_sub(BURST)) as f64 / RATE;
    let throttled = sandbox
        .requests()
        .iter()
        .filter(|r| r.status == 429)
        .count();
    println!(
        "fetch_quota/{n} generated, {loaded} active loaded: {pages} pages in {secs:.2} s, {:.0} findings/s; floor {floor:.2} s \
         -> {:.1}% of the quota ceiling; {throttled} throttled by the sandbox (absorbed), \
         {surfaced} surfaced to the user",
        loaded as f64 / secs,
        100.0 * floor / secs,
    );
    Ok(())
}

fn main() {
    // `cargo bench` passes --bench; a filter argument would be meaningless here.
    let n = std::env::var("FETCH_BENCH_FINDINGS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(6_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_stack_size(16 << 20)
        .enable_all()
        .build()
        .expect("tokio runtime");
    if let Err(e) = runtime.block_on(run(n)) {
        eprintln!("fetch_quota: {e}");
        std::process::exit(1);
    }
}
