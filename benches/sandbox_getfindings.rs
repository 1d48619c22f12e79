//! GetFindings throughput from the in-process sandbox at 100,000 findings, through the
//! real SDK client: the console's default view, a deep page, and a JSON-walking filter;
//! and the same findings through the new Security Hub's API as the console reads them:
//! a GetFindingsV2 page of the default OCSF view (first and tenth) and the strip's counts
//! (GetFindingStatisticsV2 + GetFindingsTrendsV2, computed over every finding each time).

use aws_sdk_securityhub::types::{
    AwsSecurityFindingFilters, MapFilter, MapFilterComparison, SortCriterion, SortOrder,
    StringFilter, StringFilterComparison,
};
use criterion::{Criterion, criterion_group, criterion_main};
use secdeck::sandbox::seed::Seed;
use secdeck::sandbox::{Sandbox, SandboxConfig};
use serde_json::{Value, json};

const FINDINGS: usize = 100_000;
const LABELS: [&str; 5] = ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"];
const WORKFLOW: [&str; 4] = ["NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"];

fn finding(i: usize) -> Value {
    json!({
        "SchemaVersion": "2018-10-08",
        "Id": format!("bench-{i:06}"),
        "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/securityhub",
        "GeneratorId": format!("security-control/Control.{}", i % 40),
        "AwsAccountId": format!("{:012}", 100_000_000_000u64 + (i % 7) as u64),
        "Types": ["Software and Configuration Checks/Industry and Regulatory Standards"],
        "CreatedAt": "2024-01-01T00:00:00.000Z",
        "UpdatedAt": format!("2024-{:02}-{:02}T{:02}:00:00.000Z", 1 + i % 12, 1 + i % 28, i % 24),
        "Severity": {"Label": LABELS[i % 5]},
        "Title": format!("Control {} failed for resource {i}", i % 40),
        "Description": "generated for the GetFindings benchmark",
        "Workflow": {"Status": WORKFLOW[i % 4]},
        "RecordState": if i.is_multiple_of(10) { "ARCHIVED" } else { "ACTIVE" },
        "Resources": [{
            "Type": "AwsS3Bucket",
            "Id": format!("arn:aws:s3:::bucket-{i}"),
            "Tags": {"team": if i.is_multiple_of(3) { "red" } else { "blue" }}
        }],
    })
}

fn eq(v: &str) -> StringFilter {
    StringFilter::builder()
        .value(v)
        .comparison(StringFilterComparison::Equals)
        .build()
}

fn default_view() -> AwsSecurityFindingFilters {
    AwsSecurityFindingFilters::builder()
        .record_state(eq("ACTIVE"))
        .workflow_status(eq("NEW"))
        .workflow_status(eq("NOTIFIED"))
        .build()
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let findings = (0..FINDINGS).map(finding).collect();
    let sandbox = Sandbox::new(
        SandboxConfig::default(),
        Seed {
            findings,
            ..Default::default()
        },
    )
    .expect("valid seed");
    let hub = aws_sdk_securityhub::Client::new(&rt.block_on(sandbox.sdk_config()));
    let newest = SortCriterion::builder()
        .field("UpdatedAt")
        .sort_order(SortOrder::Descending)
        .build();

    c.bench_function("getfindings_default_view_first_page_100k", |b| {
        b.iter(|| {
            rt.block_on(
                hub.get_findings()
                    .filters(default_view())
                    .sort_criteria(newest.clone())
                    .max_results(100)
                    .send(),
            )
            .expect("GetFindings")
        })
    });

    // The token for page 10, fetched once: paging deep costs the same select as page 1.
    let mut token = None;
    for _ in 0..9 {
        let out = rt
            .block_on(
                hub.get_findings()
                    .filters(default_view())
                    .sort_criteria(newest.clone())
                    .set_next_token(token.clone())
                    .send(),
            )
            .expect("GetFindings");
        token = out.next_token().map(str::to_string);
    }
    c.bench_function("getfindings_default_view_page_10_100k", |b| {
        b.iter(|| {
            rt.block_on(
                hub.get_findings()
                    .filters(default_view())
                    .sort_criteria(newest.clone())
                    .set_next_token(token.clone())
                    .send(),
            )
            .expect("GetFindings")
        })
    });

    let tagged = AwsSecurityFindingFilters::builder()
        .resource_tags(
            MapFilter::builder()
                .key("team")
                .value("red")
                .comparison(MapFilterComparison::Equals)
                .build(),
        )
        .title(
            StringFilter::builder()
                .value("Control 7 ")
                .comparison(StringFilterComparison::Contains)
                .build(),
        )
        .build();
    c.bench_function("getfindings_map_and_contains_filter_100k", |b| {
        b.iter(|| {
            rt.block_on(hub.get_findings().filters(tagged.clone()).send())
                .expect("GetFindings")
        })
    });
    bench_ocsf(c, &rt, &hub);
}

/// The console's GetFindingsV2 reads of its default OCSF view, over the same findings.
fn bench_ocsf(c: &mut Criterion, rt: &tokio::runtime::Runtime, hub: &aws_sdk_securityhub::Client) {
    use secdeck::aws::securityhub_ocsf::{get_ocsf_findings_page, ocsf_counts, ocsf_trend};
    use secdeck::domain::ocsf_filter::{DEFAULT_VIEW, OcsfFilters};
    let view = OcsfFilters::compile(DEFAULT_VIEW).expect("the default view compiles");
    // The console's default order (UpdatedAt, newest first) in OCSF terms.
    let sort = vec![secdeck::domain::filter::SortCriterion {
        field: "finding_info.modified_time_dt".into(),
        sort_order: secdeck::domain::filter::SortOrder::Desc,
    }];
    let page = |token: Option<String>| {
        rt.block_on(get_ocsf_findings_page(hub, &view, None, &sort, token, 100))
            .expect("GetFindingsV2")
    };
    c.bench_function("getfindingsv2_default_view_first_page_100k", |b| {
        b.iter(|| page(None))
    });
    let mut token = None;
    for _ in 0..9 {
        token = page(token).next_token;
    }
    c.bench_function("getfindingsv2_default_view_page_10_100k", |b| {
        b.iter(|| page(token.clone()))
    });
    c.bench_function("ocsf_counts_default_view_100k", |b| {
        b.iter(|| rt.block_on(ocsf_counts(hub, &view, None)).expect("counts"))
    });
    let retry = secdeck::aws::retry::RetryPolicy::default();
    c.bench_function("ocsf_trend_30_days_100k", |b| {
        b.iter(|| rt.block_on(ocsf_trend(hub, &retry)))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
