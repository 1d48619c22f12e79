//! Headless end-to-end driver: a real console session (update, effect runner, mutation
//! executor, journal) on an in-process sandbox, driven by key sequences and read back
//! through the rendered screen, the sandbox's recorded requests and its AWS state.

#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

use ratatui::{Terminal, backend::TestBackend};
use secdeck::app::{Action, Key, State};
use secdeck::config::AccessFlag;
use secdeck::runtime::{Console, demo_parts};
use secdeck::sandbox::Sandbox;
use secdeck::sandbox::seed::{self, Seed};

/// Runs `test` on a runtime whose threads have room for the SDK's deep ASFF
/// deserialisers in debug builds (they overflow the default 2 MiB stacks).
pub fn run<F>(test: impl FnOnce() -> F + Send + 'static)
where
    F: std::future::Future<Output = ()>,
{
    std::thread::Builder::new()
        .stack_size(32 << 20)
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_stack_size(16 << 20)
                .enable_all()
                .build()
                .expect("tokio runtime");
            runtime.block_on(test());
        })
        .expect("test thread")
        .join()
        .unwrap_or_else(|e| std::panic::resume_unwind(e));
}

/// A demo console on the demo world; `journal` is where its changes are journaled.
pub async fn demo_console(access: AccessFlag, journal: &Path) -> Console {
    console_with(demo_seed(), access, journal).await
}

pub fn demo_seed() -> Seed {
    seed::demo(time::OffsetDateTime::now_utc()).expect("demo world loads")
}

pub async fn console_with(seed: Seed, access: AccessFlag, journal: &Path) -> Console {
    let parts = demo_parts(seed, access, journal.to_path_buf())
        .await
        .expect("demo session");
    let mut console = Console::start(parts);
    console.dispatch(Action::Resize {
        width: 120,
        height: 40,
    });
    console
}

pub fn sandbox(console: &Console) -> Sandbox {
    console.sandbox().expect("demo runs on a sandbox").clone()
}

/// Feeds the results of background tasks into the console until `done` holds.
pub async fn wait_until(console: &mut Console, what: &str, done: impl Fn(&State) -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !done(&console.state) {
        let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
        match tokio::time::timeout(remaining, console.next_action()).await {
            Ok(Some(action)) => console.dispatch(action),
            Ok(None) => panic!("action channel closed while waiting for {what}"),
            Err(_) => panic!(
                "timed out waiting for {what}; screen:\n{}",
                screen(&console.state)
            ),
        }
    }
}

/// Lets already-finished tasks report in (for asserting that nothing else happened).
pub async fn drain(console: &mut Console) {
    for _ in 0..20 {
        tokio::time::sleep(Duration::from_millis(10)).await;
        while let Some(action) = console.try_next_action() {
            console.dispatch(action);
        }
    }
}

/// Types a key sequence such as `"jj<enter>"` (see `Key::sequence`).
pub fn press(console: &mut Console, keys: &str) {
    for key in Key::sequence(keys).expect("valid key sequence") {
        console.dispatch(Action::Key(key));
    }
}

pub fn findings_loaded(state: &State) -> bool {
    matches!(
        state.findings.status,
        secdeck::app::panes::findings::LoadStatus::Complete
    ) && state.findings.total() > 0
}

/// The screen as text, 120x40.
pub fn screen(state: &State) -> String {
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
    terminal
        .draw(|frame| secdeck::ui::draw(frame, state))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}
