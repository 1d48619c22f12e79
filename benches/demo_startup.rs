//! Time from nothing to the first rows of `secdeck --demo`: load the demo world, start
//! the sandbox, build the session (clients, runner, state) and receive the first
//! GetFindings page through the real SDK client. The issue asks for rows within a second.

use criterion::{Criterion, criterion_group, criterion_main};
use secdeck::app::Action;
use secdeck::config::AccessFlag;
use secdeck::runtime::{Console, demo_parts};
use secdeck::sandbox::seed;

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_stack_size(16 << 20)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let journal = dir.path().join("journal.jsonl");
    c.bench_function("demo/first_rows", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let world = seed::demo(time::OffsetDateTime::now_utc()).expect("demo world");
                let parts = demo_parts(world, AccessFlag::ReadOnly, journal.clone())
                    .await
                    .expect("demo session");
                let mut console = Console::start(parts);
                while console.state.findings.total() == 0 {
                    let action: Action = console.next_action().await.expect("a page");
                    console.dispatch(action);
                }
            })
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
