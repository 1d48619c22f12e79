//! Triage at 100,000 loaded findings (run in release: `cargo bench --bench triage`):
//! a local-filter keystroke (substring and the fuzzy fallback), grouping, a frame of the
//! grouped view, a server-side sort (the sandbox ordering 100k for the first page), and
//! parsing a filter expression.

use secdeck::app::PaneMsg;
use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use ratatui::{Terminal, backend::TestBackend};
use secdeck::app::{self, Action, Key, Keymap, Session, State};
use secdeck::domain::filter_expr::FilterExpr;
use secdeck::domain::finding::Finding;
use secdeck::sandbox::seed::Seed;
use secdeck::sandbox::{Sandbox, SandboxConfig};
use secdeck::theme::Theme;
use serde_json::{Value, json};

const N: usize = 100_000;
const LABELS: [&str; 5] = ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"];

fn doc(i: usize) -> Value {
    json!({
        "SchemaVersion": "2018-10-08",
        "Id": format!("bench-{i:06}"),
        "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/securityhub",
        "GeneratorId": format!("security-control/Control.{}", i % 40),
        "AwsAccountId": format!("{:012}", 100_000_000_000u64 + (i % 7) as u64),
        "Types": ["Software and Configuration Checks/Industry and Regulatory Standards"],
        "CreatedAt": "2024-01-01T00:00:00.000Z",
        "UpdatedAt": format!("2024-{:02}-{:02}T00:00:00.000Z", 1 + i % 12, 1 + i % 28),
        "Severity": {"Label": LABELS[i % 5]},
        "Title": format!("S3.8 S3 general purpose buckets should block public access ({i})"),
        "Description": "generated for the triage benchmark",
        "Compliance": {"Status": "FAILED", "SecurityControlId": format!("S3.{}", i % 40)},
        "Workflow": {"Status": "NEW"},
        "RecordState": "ACTIVE",
        "ProductName": "Security Hub",
        "Region": "us-east-1",
        "Resources": [{"Type": "AwsS3Bucket", "Id": format!("arn:aws:s3:::bucket-{}", i % 5000)}],
    })
}

fn loaded() -> State {
    let session = Session {
        region: "us-east-1".into(),
        demo: true,
        ..Session::default()
    };
    let mut s = State::new(session, Keymap::default_embedded(), Theme::default_dark());
    app::init(&mut s);
    app::update(
        &mut s,
        Action::Resize {
            width: 200,
            height: 60,
        },
    );
    let findings: Vec<Finding> = (0..N)
        .map(|i| Finding::from_asff(doc(i)).expect("valid finding"))
        .collect();
    app::update(
        &mut s,
        Action::Pane(PaneMsg::Findings(secdeck::app::FindingsMsg::Page {
            request: 1,
            findings,
            next_token: None,
        })),
    );
    s
}

fn keystroke(c: &mut Criterion, name: &str, typed: &str, next: char) {
    let base = {
        let mut s = loaded();
        app::update(&mut s, Action::Filter);
        for ch in typed.chars() {
            app::update(&mut s, Action::Key(Key::char(ch)));
        }
        s
    };
    c.bench_function(name, |b| {
        b.iter_batched(
            || base.clone(),
            |mut s| {
                app::update(&mut s, Action::Key(Key::char(next)));
                s
            },
            BatchSize::LargeInput,
        )
    });
}

fn bench(c: &mut Criterion) {
    // One more character on a broad filter (narrowing), and on text no row contains
    // (the fuzzy fallback scans every row).
    keystroke(c, "triage/filter_keystroke_substring/100k", "public", ' ');
    keystroke(c, "triage/filter_keystroke_fuzzy/100k", "s3gnrl", 'p');
    keystroke(c, "triage/filter_keystroke_negated/100k", "!(1", '2');

    let base = loaded();
    for by in ["control", "resource", "severity"] {
        c.bench_function(&format!("triage/group_by_{by}/100k"), |b| {
            b.iter_batched(
                || base.clone(),
                |mut s| {
                    app::update(&mut s, Action::SetGrouping(by.into()));
                    s
                },
                BatchSize::LargeInput,
            )
        });
    }

    let mut grouped = base.clone();
    app::update(&mut grouped, Action::SetGrouping("resource".into()));
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("test terminal");
    c.bench_function("triage/render_grouped/100k", |b| {
        b.iter(|| {
            terminal
                .draw(|frame| secdeck::ui::draw(frame, black_box(&grouped)))
                .expect("draw");
        })
    });
    c.bench_function("triage/render_table_with_strip/100k", |b| {
        b.iter(|| {
            terminal
                .draw(|frame| secdeck::ui::draw(frame, black_box(&base)))
                .expect("draw");
        })
    });

    c.bench_function("triage/parse_filter_expr", |b| {
        b.iter(|| {
            FilterExpr::parse(black_box(
                "sev=CRITICAL,HIGH status=NEW product=GuardDuty updated<7d title~\"root account\"",
            ))
        })
    });

    // Server-side sort: the sandbox orders 100k findings for the first page of a
    // SortCriteria the console sends when a column header is chosen.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(16 << 20)
        .build()
        .expect("runtime");
    let sandbox = Sandbox::new(
        SandboxConfig::default(),
        Seed {
            findings: (0..N).map(doc).collect(),
            ..Seed::default()
        },
    )
    .expect("sandbox");
    let client =
        runtime.block_on(async { aws_sdk_securityhub::Client::new(&sandbox.sdk_config().await) });
    for (field, order) in [
        ("Title", aws_sdk_securityhub::types::SortOrder::Ascending),
        (
            "SeverityNormalized",
            aws_sdk_securityhub::types::SortOrder::Descending,
        ),
    ] {
        c.bench_function(&format!("triage/server_sort_{field}/100k"), |b| {
            b.iter(|| {
                runtime.block_on(async {
                    client
                        .get_findings()
                        .sort_criteria(
                            aws_sdk_securityhub::types::SortCriterion::builder()
                                .field(field)
                                .sort_order(order.clone())
                                .build(),
                        )
                        .max_results(100)
                        .send()
                        .await
                        .expect("GetFindings")
                })
            })
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
