//! Rendering the findings table with 100,000 findings loaded: one full frame (what a
//! keypress costs to show), a frame after moving the selection deep into the table, and
//! one keystroke of the local `/` filter. Only visible rows are built, so these should
//! not grow with the number of findings (compare `render/1k` with `render/100k`).
//! The same frame and keystroke with the rows read through the new Security Hub (OCSF
//! documents, `render_ocsf/100000`, `filter_two_keystrokes/ocsf_100k`), which must cost
//! what the ASFF rows cost.

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

/// `finding(i)` as GetFindingsV2 returns it (the sandbox's ASFF -> OCSF mapping).
fn ocsf_finding(i: usize) -> Finding {
    secdeck::domain::ocsf_finding::from_ocsf(json!({
        "class_uid": 2003, "class_name": "Compliance Finding", "activity_id": 1,
        "metadata": {
            "uid": format!("arn:aws:securityhub:us-east-1:123456789012:finding/{i:08}"),
            "product": {"uid": "arn:aws:securityhub:us-east-1::productv2/aws/securityhub",
                        "name": "Security Hub", "vendor_name": "AWS"},
        },
        "finding_info": {
            "uid": format!("arn:aws:securityhub:us-east-1:123456789012:finding/{i:08}"),
            "title": format!("S3.8 S3 general purpose buckets should block public access ({i})"),
            "modified_time_dt": "2026-11-20T10:00:00.000Z",
        },
        "severity_id": 1 + i % 5,
        "status_id": 1, "status": "New",
        "cloud": {"account": {"uid": "123456789012"}, "region": "us-east-1"},
        "resources": [{"type": "AwsS3Bucket", "uid": format!("arn:aws:s3:::bucket-{i}")}],
    }))
    .expect("valid OCSF finding")
}

fn loaded_state(n: usize) -> State {
    loaded_with((0..n).map(finding).collect(), false)
}

/// OCSF rows in a pane reading through the new Security Hub, with its server counts.
fn loaded_ocsf(n: usize) -> State {
    let mut state = loaded_with((0..n).map(ocsf_finding).collect(), true);
    state.findings.server_counts = Some(secdeck::domain::findings_api::ServerCounts {
        severity: vec![("High".into(), n as i64 / 2), ("Low".into(), n as i64 / 2)],
        status: vec![("New".into(), n as i64)],
        trend: (0..30).map(|d| d * 100).collect(),
    });
    state
}

fn loaded_with(findings: Vec<Finding>, ocsf: bool) -> State {
    let session = Session {
        region: "us-east-1".into(),
        demo: true,
        ..Session::default()
    };
    let mut state = State::new(session, Keymap::default_embedded(), Theme::default_dark());
    app::init(&mut state);
    if ocsf {
        state.findings.source = secdeck::domain::findings_api::FindingsSource::new(
            secdeck::domain::findings_api::FindingsApi::Ocsf,
        );
    }
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
            findings,
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
    let ocsf = loaded_ocsf(100_000);
    c.bench_function("render_ocsf/100000", |b| {
        b.iter(|| {
            terminal
                .draw(|frame| secdeck::ui::draw(frame, black_box(&ocsf)))
                .expect("draw");
        })
    });

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

    keystrokes(c, "filter_two_keystrokes/100k", loaded_state(100_000));
    keystrokes(c, "filter_two_keystrokes/ocsf_100k", loaded_ocsf(100_000));
}

/// One keystroke typed and one erased per iteration: both refilter every row.
fn keystrokes(c: &mut Criterion, name: &str, mut state: State) {
    app::update(&mut state, Action::Filter);
    app::update(&mut state, Action::Key(Key::char('s')));
    c.bench_function(name, |b| {
        b.iter(|| {
            app::update(&mut state, Action::Key(Key::char('7')));
            app::update(&mut state, Action::Key(Key::plain(KeyCode::Backspace)));
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
