//! The findings table over a store of 1,000,000 findings (issue 16, bounded memory): the
//! real store and the real pane code, the reads answered as the console's task answers
//! them (`tasks::reads::findings_window::answer`, on a reader connection).
//!
//! - `keystroke`: one `/` key typed, until the table has its rows (update + the window
//!   read + its answer folded in); and until the counts (the strip, the `(n)` of the
//!   title) are in too. Printed as medians over every key of several typed words.
//! - `store_1m/group_counts`: ctrl-g's group list (counts and severities per control).
//! - `store_1m/frame`: drawing the console (200x60) with the window held.
//! - `store_1m/end`: `G`, the last rows (read from the end, not skipped to).
//!
//! The store is generated once under `$CARGO_TARGET_DIR/bench-stores/` (rows written
//! straight into the file, a few minutes). `SECDECK_BENCH_STORE=DIR SECDECK_BENCH_ROWS=N`
//! only generates a store under cache directory DIR and exits (`benches/rss_store.sh`).
//!
//!   CARGO_TARGET_DIR=/work/main/target cargo bench --bench store_window

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::Criterion;
use ratatui::{Terminal, backend::TestBackend};
use secdeck::app::panes::findings::CachedView;
use secdeck::app::{
    self, Action, Effect, FindingsMsg, Key, Keymap, PaneMsg, ReadRequest, Session, State,
};
use secdeck::domain::filter::FindingFilters;
use secdeck::domain::finding::Finding;
use secdeck::store::{Api, Store, StoreKey};
use secdeck::tasks::reads::findings_window::answer;
use secdeck::theme::Theme;
use serde_json::json;

const LABELS: [&str; 5] = ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"];
const CONTROLS: [&str; 8] = [
    "S3.8",
    "IAM.4",
    "EC2.19",
    "EC2.2",
    "Lambda.1",
    "RDS.3",
    "KMS.4",
    "CloudTrail.1",
];
const PRODUCTS: [&str; 4] = ["Security Hub", "GuardDuty", "Inspector", "Macie"];

/// The store a console of profile `default` in us-east-1 opens for the sandbox account.
pub fn key() -> StoreKey {
    StoreKey {
        profile: "default".into(),
        account: "123456789012".into(),
        region: "us-east-1".into(),
        api: Api::Asff,
    }
}

/// Finding `i` of a generated store: 8 controls x 40 sub-controls, 50 accounts, every
/// severity, four products, distinct resources, UpdatedAt spread over a year.
fn finding(i: usize) -> Finding {
    let control = CONTROLS[i % 8];
    let sub = i / 8 % 40;
    let secs = 1_735_689_600 + (i as i64 * 31_536_000 / 1_000_000);
    let updated = time::OffsetDateTime::from_unix_timestamp(secs)
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    Finding::from_asff(json!({
        "SchemaVersion": "2018-10-08",
        "Id": format!("arn:aws:securityhub:us-east-1:1234567890{:02}:finding/{i:08}", i % 50),
        "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/securityhub",
        "GeneratorId": format!("security-control/{control}"),
        "Title": format!("{control} check {sub}: resources should follow the {} baseline", PRODUCTS[i % 4]),
        "Description": "A generated finding for the bounded-memory benchmark. ".repeat(4),
        "Severity": {"Label": LABELS[i % 5]},
        "Workflow": {"Status": if i.is_multiple_of(7) { "NOTIFIED" } else { "NEW" }},
        "RecordState": "ACTIVE",
        "AwsAccountId": format!("1234567890{:02}", i % 50),
        "Region": "us-east-1",
        "ProductName": PRODUCTS[i % 4],
        "CreatedAt": "2025-01-01T00:00:00.000Z",
        "UpdatedAt": updated,
        "Types": ["Software and Configuration Checks/Industry and Regulatory Standards"],
        "Compliance": {"Status": "FAILED", "SecurityControlId": control},
        "Resources": [{"Type": "AwsS3Bucket", "Id": format!("arn:aws:s3:::bucket-{i}")}],
    }))
    .expect("valid finding")
}

/// A store of `n` findings under `cache_dir`, as one complete sync of the default view
/// (made now, so a console reopening it only asks AWS for a delta). Kept when it has them.
pub fn generate(cache_dir: &Path, n: usize) -> PathBuf {
    let path = key().path(cache_dir);
    let mut store = Store::open(cache_dir, &key()).expect("open the store");
    let view = FindingFilters::default_view();
    if let Ok(Some(v)) = store.view(&view)
        && v.rows as usize == n
        && v.complete
    {
        drop(store);
        return restamp(cache_dir);
    }
    let started = Instant::now();
    let (id, gen_) = store.begin_full(&view).expect("begin");
    let batch = 10_000;
    for from in (0..n).step_by(batch) {
        let rows: Vec<Finding> = (from..(from + batch).min(n)).map(finding).collect();
        store.put(id, gen_, &rows).expect("put");
        if from.is_multiple_of(100_000) {
            eprintln!("  {from} findings written ({:.0?})", started.elapsed());
        }
    }
    store
        .finish_full(id, gen_, time::OffsetDateTime::now_utc())
        .expect("finish");
    eprintln!(
        "generated {n} findings in {:.0?}: {}",
        started.elapsed(),
        path.display()
    );
    path
}

/// A generated store's view marked synced now: a console reopening it asks AWS for a
/// delta only (its last full fetch is not over a day old).
fn restamp(cache_dir: &Path) -> PathBuf {
    let path = key().path(cache_dir);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let now = secdeck::store::format_time(time::OffsetDateTime::now_utc());
    conn.execute(
        "UPDATE views SET synced_at = ?1, full_synced_at = ?1, sync_started_at = ?1",
        [now],
    )
    .unwrap();
    path
}

fn stores_dir(n: usize) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target"));
    target.join("bench-stores").join(format!("n{n}"))
}

/// Runs every read the update asked for (the console's task answers), folds the answers
/// back in, until nothing is asked.
fn settle(state: &mut State, reader: &Store, mut effects: Vec<Effect>) {
    while !effects.is_empty() {
        let mut next = Vec::new();
        for e in effects {
            let Effect::Read(ReadRequest::Findings(read)) = e else {
                continue;
            };
            if let Some(msg) = answer(reader, read, 0) {
                next.extend(app::update(state, Action::Pane(PaneMsg::Findings(msg))));
            }
        }
        effects = next;
    }
}

/// A console whose findings table reads the store under `cache_dir`.
fn console(reader: &Store) -> State {
    let session = Session {
        region: "us-east-1".into(),
        ..Session::default()
    };
    let mut state = State::new(session, Keymap::default_embedded(), Theme::default_dark());
    state.findings.store = true;
    let _ = app::init(&mut state);
    app::update(
        &mut state,
        Action::Resize {
            width: 200,
            height: 60,
        },
    );
    let request = state.findings.request;
    let effects = app::update(
        &mut state,
        Action::Pane(PaneMsg::Findings(FindingsMsg::Cached {
            request,
            cached: Some(CachedView {
                findings: Vec::new(),
                age_secs: 0,
            }),
            full: false,
            notice: None,
            windowed: true,
        })),
    );
    settle(&mut state, reader, effects);
    assert!(state.findings.window_settled() && state.findings.total() > 0);
    state
}

fn key_named(name: &str) -> Key {
    name.parse().expect("a key name")
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Types words into `/` key by key: per key, the time until the rows are shown, and
/// until the counts are in too.
fn keystrokes(reader: &Store, n: usize) {
    let mut state = console(reader);
    let (mut rows, mut counted) = (Vec::new(), Vec::new());
    for word in [
        "bucket-4242",
        "iam.4 check 17",
        "guardduty",
        "critical",
        "ec2.19",
        "baseline",
    ] {
        app::update(&mut state, Action::Key(Key::char('/')));
        for c in word.chars() {
            let t = Instant::now();
            let effects = app::update(&mut state, Action::Key(Key::char(c)));
            let (window, counts): (Vec<Effect>, Vec<Effect>) = effects.into_iter().partition(|e| {
                matches!(
                    e,
                    Effect::Read(ReadRequest::Findings(app::FindingsRead::Window { .. }))
                )
            });
            settle(&mut state, reader, window);
            rows.push(t.elapsed());
            settle(&mut state, reader, counts);
            counted.push(t.elapsed());
        }
        let shown = state.findings.visible_len();
        for _ in 0..2 {
            let effects = app::update(&mut state, Action::Key(key_named("esc")));
            settle(&mut state, reader, effects);
        }
        eprintln!("  /{word}: {shown} rows");
    }
    println!(
        "store_{}k/keystroke: rows shown median {:.2?} (max {:.2?}); with counts median {:.2?} (max {:.2?}); {} keys",
        n / 1000,
        median(rows.clone()),
        rows.iter().max().unwrap(),
        median(counted.clone()),
        counted.iter().max().unwrap(),
        rows.len()
    );
}

fn bench(c: &mut Criterion, reader: &Store, n: usize) {
    let name = format!("store_{}k", n / 1000);
    let mut group = c.benchmark_group(&name);
    group.sample_size(20);
    let state = console(reader);
    group.bench_function("group_counts", |b| {
        b.iter(|| {
            let read = app::FindingsRead::Counts {
                seq: 1,
                view: secdeck::store::ViewRef {
                    api: secdeck::store::Api::Asff,
                    key: secdeck::store::view_key(&FindingFilters::default_view()),
                },
                query: state.findings.window_query(),
                groups: Some(secdeck::store::GroupColumn::Control),
                whole: false,
            };
            black_box(answer(reader, read, 0))
        })
    });
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("test terminal");
    group.bench_function("frame", |b| {
        b.iter(|| {
            terminal
                .draw(|frame| secdeck::ui::draw(frame, black_box(&state)))
                .expect("draw");
        })
    });
    group.bench_function("end_and_top", |b| {
        let mut state = console(reader);
        b.iter(|| {
            for key in ["end", "home"] {
                let effects = app::update(&mut state, Action::Key(key_named(key)));
                settle(&mut state, reader, effects);
            }
        })
    });
    group.finish();
}

fn main() {
    if let (Some(dir), Some(rows)) = (
        std::env::var_os("SECDECK_BENCH_STORE"),
        std::env::var("SECDECK_BENCH_ROWS").ok(),
    ) {
        generate(Path::new(&dir), rows.parse().expect("SECDECK_BENCH_ROWS"));
        return;
    }
    let n: usize = std::env::var("SECDECK_BENCH_ROWS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1_000_000);
    let dir = stores_dir(n);
    let path = generate(&dir, n);
    let reader = Store::open_reader(&path).expect("reader");
    keystrokes(&reader, n);
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c, &reader, n);
    c.final_summary();
}
