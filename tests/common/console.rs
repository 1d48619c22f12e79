//! Driving a console session headless: keys in, background results fed back, the screen
//! and the sandbox's recorded requests read out.

use std::time::Duration;

use ratatui::{Terminal, backend::TestBackend};
use secdeck::app::pipeline::Stage;
use secdeck::app::{Action, Key, State};
use secdeck::runtime::Console;
use secdeck::sandbox::Sandbox;
use serde_json::Value;

/// Types a key sequence such as `"jj<enter>"` (see `Key::sequence`).
pub fn press(console: &mut Console, keys: &str) {
    for key in Key::sequence(keys).expect("valid key sequence") {
        console.dispatch(Action::Key(key));
    }
}

/// Feeds the results of background tasks into the console until `done` holds (30 s at most).
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

/// The screen as text, 120x40.
pub fn screen(state: &State) -> String {
    screen_at(state, 120, 40)
}

/// The screen as text at `width` x `height`.
pub fn screen_at(state: &State, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
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

/// The preview box as drawn, without what is behind it (the table's dates move with
/// the clock): the rows from its top border to its bottom one, cut to its columns.
pub fn preview_box(state: &State) -> String {
    box_titled(&screen(state), "Preview")
}

/// The box whose top border starts with `title`, cut out of a drawn screen.
pub fn box_titled(drawn: &str, title: &str) -> String {
    let rows: Vec<Vec<char>> = drawn.lines().map(|l| l.chars().collect()).collect();
    let top = rows
        .iter()
        .position(|r| r.iter().collect::<String>().contains(&format!("┌ {title}")))
        .unwrap_or_else(|| panic!("no {title} box:\n{drawn}"));
    let left = rows[top].iter().position(|c| *c == '┌').unwrap();
    let right = rows[top].iter().rposition(|c| *c == '┐').unwrap();
    let bottom = top
        + rows[top..]
            .iter()
            .position(|r| r.get(left) == Some(&'└'))
            .unwrap_or(rows.len() - top - 1);
    rows[top..=bottom]
        .iter()
        .map(|r| r[left..=right].iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The previewed plan's lines, whole (the screen cuts long ones).
pub fn preview_text(state: &State) -> String {
    match &state.pipeline.stage {
        Stage::Preview { plan, .. } => plan
            .preview()
            .into_iter()
            .map(|l| l.text)
            .collect::<Vec<_>>()
            .join("\n"),
        other => panic!("no preview: {other:?}\n{}", screen(state)),
    }
}

pub fn idle(s: &State) -> bool {
    s.pipeline.stage == Stage::Idle
}

/// A preview is on screen, its proofs (of a trust-policy change) done.
pub fn previewing(s: &State) -> bool {
    matches!(&s.pipeline.stage, Stage::Preview { plan, .. } if !plan.proofs_running())
}

/// Idle again, with something to undo: a change went through.
pub fn changed(s: &State) -> bool {
    idle(s) && s.pipeline.undo.is_some()
}

/// The findings table is loaded and shows what it asked for (a store-backed table: its
/// window and counts are in).
pub fn findings_loaded(s: &State) -> bool {
    matches!(
        s.findings.status,
        secdeck::app::panes::findings::LoadStatus::Complete
    ) && s.findings.total() > 0
        && s.findings.window_settled()
}

pub fn analyzer_loaded(s: &State) -> bool {
    s.analyzer.current().is_some() && !s.analyzer.loading && !s.analyzer.findings.is_empty()
}

/// Some notification contains `text`.
pub fn notified(s: &State, text: &str) -> bool {
    s.notifications.iter().any(|n| n.message.contains(text))
}

/// Waits for a notification containing `text` and returns its whole message.
pub async fn wait_for_message(console: &mut Console, text: &str) -> String {
    wait_until(console, &format!("a message with {text:?}"), |s| {
        notified(s, text)
    })
    .await;
    messages(&console.state)
        .into_iter()
        .find(|m| m.contains(text))
        .expect("the message waited for")
}

/// The notifications' messages, newest first.
pub fn messages(s: &State) -> Vec<String> {
    s.notifications.iter().map(|n| n.message.clone()).collect()
}

/// Moves the cursor onto the first Access Analyzer finding whose resource ends with `suffix`.
pub fn select_resource(console: &mut Console, suffix: &str) {
    let i = console
        .state
        .analyzer
        .findings
        .iter()
        .position(|f| f.resource.ends_with(suffix))
        .unwrap_or_else(|| panic!("no finding on {suffix}"));
    press(console, "g");
    for _ in 0..i {
        press(console, "j");
    }
}

/// The mutating requests the sandbox received, as "Operation status".
pub fn mutating(sandbox: &Sandbox) -> Vec<String> {
    sandbox
        .requests()
        .into_iter()
        .filter(|r| r.mutating)
        .map(|r| format!("{} {}", r.operation, r.status))
        .collect()
}

/// The names of the mutating operations the sandbox received, in order.
pub fn mutating_operations(sandbox: &Sandbox) -> Vec<String> {
    sandbox
        .requests()
        .into_iter()
        .filter(|r| r.mutating)
        .map(|r| r.operation)
        .collect()
}

/// The parameters of each `operation` request the sandbox received, in order.
pub fn calls(sandbox: &Sandbox, operation: &str) -> Vec<Value> {
    sandbox
        .requests()
        .into_iter()
        .filter(|r| r.operation == operation)
        .map(|r| r.params)
        .collect()
}

/// How many `operation` requests the sandbox received.
pub fn count(sandbox: &Sandbox, operation: &str) -> usize {
    calls(sandbox, operation).len()
}

/// Opens the Access Analyzer pane, waits for its findings and puts the cursor on the first
/// one whose resource ends with `suffix`.
pub async fn open_analyzer_finding(console: &mut Console, suffix: &str) {
    press(console, "2");
    wait_until(console, "the analyzer findings", analyzer_loaded).await;
    select_resource(console, suffix);
}

/// Picks analyzer `name` with `:analyzer NAME` once the caller's identity is known, and
/// waits for its findings.
pub async fn select_analyzer(console: &mut Console, name: &str) {
    wait_until(console, "the caller identity", |s| {
        s.session.identity.is_some()
    })
    .await;
    press(console, &format!(":analyzer {name}<enter>"));
    wait_until(console, &format!("the analyzer {name}"), |s| {
        analyzer_loaded(s) && s.analyzer.selected.as_deref() == Some(name)
    })
    .await;
}

/// The id of the Access Analyzer finding under the cursor.
pub fn selected_id(console: &Console) -> String {
    console
        .state
        .analyzer
        .selected_finding()
        .unwrap()
        .id
        .clone()
}

/// Archives the selected Access Analyzer finding from the keys (`a`, the reason on the
/// command line, `y`), waits for the change, and returns the finding's id.
pub async fn archive_selected(console: &mut Console, reason: &str) -> String {
    let id = console
        .state
        .analyzer
        .selected_finding()
        .unwrap()
        .id
        .clone();
    press(console, "a");
    press_until(
        console,
        &format!("{reason}<enter>"),
        "the archive preview",
        previewing,
    )
    .await;
    press_until(console, "y", "the archive", changed).await;
    id
}

/// Asserts that the screen shows each of `texts`; the screen is the failure message.
#[track_caller]
pub fn assert_shows(state: &State, texts: &[&str]) {
    let text = screen(state);
    for t in texts {
        assert!(text.contains(t), "{t:?} is not on the screen:\n{text}");
    }
}

/// The re-scanned Access Analyzer findings show the one on `suffix` RESOLVED.
pub fn resolved_on(s: &State, suffix: &str) -> bool {
    analyzer_loaded(s)
        && s.analyzer
            .findings
            .iter()
            .any(|f| f.resource.ends_with(suffix) && f.status == "RESOLVED")
}

/// Lets finished tasks report in, then asserts that the sandbox received no mutating request.
pub async fn assert_nothing_sent(console: &mut super::ConsoleEnv) {
    drain(console).await;
    let sent = mutating(console.sandbox());
    assert!(sent.is_empty(), "sent {sent:?}");
}

/// Types `keys`, then feeds background results in until `done` holds (see `wait_until`).
pub async fn press_until(
    console: &mut Console,
    keys: &str,
    what: &str,
    done: impl Fn(&State) -> bool,
) {
    press(console, keys);
    wait_until(console, what, done).await;
}

/// Idle, and the audits pane is not loading anything.
pub fn audits_settled(s: &State) -> bool {
    idle(s) && !s.audits.is_loading()
}

/// Counts a workflow's steps as the issue counts them: each key press is one step, and a
/// typed value (a note, a name, an expression, an approval count) with its Enter is one.
#[derive(Debug, Default)]
pub struct Steps {
    pub count: usize,
    pub log: Vec<String>,
}

impl Steps {
    /// Presses `keys` (`Key::sequence` syntax), one step per key.
    pub fn keys(&mut self, console: &mut Console, keys: &str) {
        let n = Key::sequence(keys).expect("valid key sequence").len();
        self.count += n;
        self.log.push(keys.to_string());
        press(console, keys);
    }

    /// Types `text` and presses Enter: one step.
    pub fn typed(&mut self, console: &mut Console, text: &str) {
        self.count += 1;
        self.log.push(format!("«{text}»"));
        press(console, &format!("{text}<enter>"));
    }

    /// Prints the count (shown by `cargo test -- --nocapture`, and in a failure's output)
    /// and asserts it is within `target`.
    #[track_caller]
    pub fn assert_within(&self, workflow: &str, target: usize) {
        println!(
            "{workflow}: {} steps (target <= {target}): {}",
            self.count,
            self.log.join(" ")
        );
        assert!(
            self.count <= target,
            "{workflow} took {} steps, the target is {target}: {:?}",
            self.count,
            self.log
        );
    }
}

/// Moves the IP sets pane's cursor onto the set called `name`.
pub fn select_ip_set(console: &mut Console, name: &str) {
    let at = console
        .state
        .ipsets
        .rows
        .iter()
        .position(|r| r.set.set.name == name)
        .unwrap_or_else(|| panic!("no IP set {name}"));
    press(console, &format!("g{}", "j".repeat(at)));
}

/// A message on the console says `text` (the test fails listing the messages there are).
#[track_caller]
pub fn assert_notified(s: &State, text: &str) {
    assert!(notified(s, text), "{text:?} not among {:?}", messages(s));
}

/// `text` holds every one of `parts` (the test fails naming the first missing, with `text`).
#[track_caller]
pub fn assert_contains_all(text: &str, parts: &[&str]) {
    for part in parts {
        assert!(text.contains(part), "{part:?} not in:\n{text}");
    }
}
