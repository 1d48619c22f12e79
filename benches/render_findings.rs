//! Rendering the findings table with 100,000 findings loaded: one full frame (what a
//! keypress costs to show), a frame after moving the selection deep into the table, and
//! one keystroke of the local `/` filter. Only visible rows are built, so these should
//! not grow with the number of findings (compare `render/1k` with `render/100k`).

use secdeck::app::PaneMsg;
use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use ratatui::{Terminal, backend::TestBackend};
use secdeck::app::{self, Action, Key, KeyCode, Keymap, Session, State};
use secdeck::domain::finding::Finding;
use secdeck::theme::Theme;
use serde_json::json;

const LABELS: [&str; 5] = ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"];

fn finding(i: usize) -> Finding {
    Finding::from_asff(json!({
        "Id": format!("arn:aws:securityhub:us-east-1:123456789012:finding/{i:08}"),
        "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/securityhub",
        "Title": format!("S3.8 S3 general purpose buckets should block public access ({i})"),
        "Severity": {"Label": LABELS[i % 5]},
        "Workflow": {"Status": "NEW"},
        "RecordState": "ACTIVE",
        "AwsAccountId": "123456789012",
        "Region": "us-east-1",
        "ProductName": "Security Hub",
        "UpdatedAt": "2026-11-20T10:00:00.000Z",
        "Resources": [{"Type": "AwsS3Bucket", "Id": format!("arn:aws:s3:::bucket-{i}")}],
    }))
    .expect("valid finding")
}

fn loaded_state(n: usize) -> State {
    let session = Session {
        region: "us-east-1".into(),
        demo: true,
        ..Session::default()
    };
    let mut state = State::new(session, Keymap::default_embedded(), Theme::default_dark());
    app::init(&mut state);
    app::update(
        &mut state,
        Action::Resize {
            width: 200,
            height: 60,
        },
    );
    app::update(
        &mut state,
        Action::Pane(PaneMsg::Findings(secdeck::app::FindingsMsg::Page {
            request: 1,
            findings: (0..n).map(finding).collect(),
            next_token: None,
        })),
    );
    state
}

fn bench(c: &mut Criterion) {
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("test terminal");
    let mut group = c.benchmark_group("render");
    for n in [1_000, 100_000] {
        let state = loaded_state(n);
        group.bench_with_input(BenchmarkId::from_parameter(n), &state, |b, state| {
            b.iter(|| {
                terminal
                    .draw(|frame| secdeck::ui::draw(frame, black_box(state)))
                    .expect("draw");
            })
        });
    }
    group.finish();

    let mut state = loaded_state(100_000);
    for _ in 0..50_000 {
        app::update(&mut state, Action::MoveDown);
    }
    c.bench_function("render/100k_selection_at_50k", |b| {
        b.iter(|| {
            app::update(&mut state, Action::MoveDown);
            terminal
                .draw(|frame| secdeck::ui::draw(frame, &state))
                .expect("draw");
        })
    });

    // One keystroke typed and one erased per iteration: both refilter 100k rows.
    let mut state = loaded_state(100_000);
    app::update(&mut state, Action::Filter);
    app::update(&mut state, Action::Key(Key::char('s')));
    c.bench_function("filter_two_keystrokes/100k", |b| {
        b.iter(|| {
            app::update(&mut state, Action::Key(Key::char('7')));
            app::update(&mut state, Action::Key(Key::plain(KeyCode::Backspace)));
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
