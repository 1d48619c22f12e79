//! Import of 10,000 and 100,000 IoT audit findings into Security Hub on the sandbox with
//! AWS's quotas (`--quotas aws`): wall time against the BatchImportFindings quota floor
//! (10 calls/s, burst 30, 100 findings a call: about 7 s for 10,000 and 97 s for 100,000),
//! and zero failed findings. One timed run per size (a run of 100,000 takes minutes, so
//! criterion's repeated samples do not fit); `IOT_BENCH_SIZES=10000` picks sizes.
//!
//!     cargo bench --bench iot_import

use std::sync::Arc;
use std::time::Instant;

use secdeck::aws::AwsClients;
use secdeck::config::{AccessFlag, Config};
use secdeck::domain::iot_plan::IotChange;
use secdeck::domain::plan::{Change, ChangePlan};
use secdeck::journal::{Journal, JournalContext};
use secdeck::sandbox::seed::Seed;
use secdeck::sandbox::{QuotaMode, Sandbox, SandboxConfig};
use secdeck::tasks::iot_import::{AuditChoice, plan_audit_import};
use secdeck::tasks::{
    ExecutorOptions, MutationExecutor, Pacer, RetryPolicy, SessionMode, new_plan_id,
};

/// The quota floor for `n` imported findings: burst of 30 calls, then 10 calls a second.
fn floor_secs(n: usize) -> f64 {
    let calls = n.div_ceil(100) as f64;
    ((calls - 30.0).max(0.0)) / 10.0
}

async fn run(n: usize) -> Result<(), String> {
    let config = SandboxConfig {
        quotas: QuotaMode::Aws,
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::new(config, Seed::default()).map_err(|e| e.to_string())?;
    let task = sandbox.generate_iot_audit(n, 2026);
    let clients = AwsClients::new(&sandbox.sdk_config().await);
    let retry = RetryPolicy::default();
    let pacer = Arc::new(Pacer::get_findings());

    let started = Instant::now();
    let planned = plan_audit_import(
        &clients,
        "us-east-1",
        &AuditChoice::Task(task),
        &pacer,
        &retry,
    )
    .await
    .map_err(|e| e.to_string())?;
    let plan_secs = started.elapsed().as_secs_f64();

    let SessionMode::ReadWrite(access) =
        SessionMode::resolve(AccessFlag::Write, &Config::default(), "bench")
    else {
        return Err("no write access".into());
    };
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let journal = Journal::open(&dir.path().join("journal.jsonl")).map_err(|e| e.to_string())?;
    let context = JournalContext {
        caller_arn: None,
        account: None,
        profile: Some("bench".into()),
        region: "us-east-1".into(),
        endpoint: None,
    };
    let executor = MutationExecutor::new(
        access,
        clients,
        journal,
        context,
        ExecutorOptions::default(),
    )
    .with_pacer(pacer);
    let plan = ChangePlan::new(
        new_plan_id(),
        Change::Iot(Box::new(IotChange::Import(planned.import))),
    );
    let import_started = Instant::now();
    let executed = executor.execute_reporting(plan).await;
    let import_secs = import_started.elapsed().as_secs_f64();
    let outcome = executed.outcome;
    println!(
        "iot_import/{n}: read+plan {plan_secs:.1} s, import+verify {import_secs:.1} s (quota floor {:.1} s), \
         {} imported, {} failed, {} unverified, {} findings in Security Hub",
        floor_secs(n),
        outcome.succeeded.len(),
        outcome.failed.len(),
        outcome.unverified.len(),
        sandbox.finding_count()
    );
    if !outcome.failed.is_empty() || sandbox.finding_count() != n {
        return Err(format!("iot_import/{n}: {}", outcome.summary()));
    }
    Ok(())
}

fn main() {
    let sizes: Vec<usize> = std::env::var("IOT_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000, 100_000]);
    // `cargo test --benches` runs bench binaries with `--bench` absent: keep that quick.
    if !std::env::args().any(|a| a == "--bench") {
        println!("iot_import: run with `cargo bench --bench iot_import`");
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_stack_size(32 << 20)
        .enable_all()
        .build()
        .expect("tokio runtime");
    for n in sizes {
        // On a worker thread: the SDK's ASFF (de)serializers need its large stack.
        let result = runtime
            .block_on(async { tokio::spawn(run(n)).await })
            .unwrap_or_else(|e| Err(format!("iot_import/{n}: {e}")));
        if let Err(e) = result {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
