//! `secdeck export findings --format jsonl` of 100,000 findings from a sandbox served over
//! loopback TCP (quotas off), through the SDK's own HTTP client, to a sink: the export
//! path's throughput (findings/s = 100,000 / the time shown). Compare with
//! `aws securityhub get-findings` / a boto3 paginator against `secdeck sandbox --listen`.

use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use secdeck::cli::export::{FindingsWriter, Format, export_findings};
use secdeck::domain::filter::FindingFilters;
use secdeck::sandbox::seed::Seed;
use secdeck::sandbox::{Sandbox, SandboxConfig, serve_on};
use secdeck::tasks::Pacer;
use serde_json::{Value, json};

const FINDINGS: usize = 100_000;
const LABELS: [&str; 5] = ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"];

fn finding(i: usize) -> Value {
    json!({
        "SchemaVersion": "2018-10-08",
        "Id": format!("export-{i:06}"),
        "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/securityhub",
        "GeneratorId": format!("security-control/Control.{}", i % 40),
        "AwsAccountId": format!("{:012}", 100_000_000_000u64 + (i % 7) as u64),
        "Types": ["Software and Configuration Checks/Industry and Regulatory Standards"],
        "CreatedAt": "2024-01-01T00:00:00.000Z",
        "UpdatedAt": format!("2024-{:02}-{:02}T{:02}:00:00.000Z", 1 + i % 12, 1 + i % 28, i % 24),
        "Severity": {"Label": LABELS[i % 5]},
        "Title": format!("Control {} failed for resource {i}", i % 40),
        "Description": "generated for the export benchmark",
        "Remediation": {"Recommendation": {"Text": "see the control's documentation", "Url": "https://docs.aws.amazon.com/securityhub/"}},
        "Compliance": {"Status": "FAILED"},
        "Resources": [{
            "Type": "AwsS3Bucket",
            "Id": format!("arn:aws:s3:::bucket-{i}"),
            "Region": "us-east-1",
            "Tags": {"team": if i.is_multiple_of(3) { "red" } else { "blue" }}
        }],
    })
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let sandbox = Sandbox::new(
        SandboxConfig::default(),
        Seed {
            findings: (0..FINDINGS).map(finding).collect(),
            ..Default::default()
        },
    )
    .expect("sandbox");
    let addr = rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("address");
        tokio::spawn(serve_on(
            sandbox.clone(),
            listener,
            false,
            std::future::pending(),
        ));
        addr
    });
    let conf = aws_sdk_securityhub::Config::builder()
        .behavior_version(aws_sdk_securityhub::config::BehaviorVersion::latest())
        .region(aws_sdk_securityhub::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_securityhub::config::Credentials::for_tests())
        .endpoint_url(format!("http://{addr}"))
        .build();
    let client = aws_sdk_securityhub::Client::from_conf(conf);

    let mut group = c.benchmark_group("export");
    group.sample_size(10);
    group.bench_function("jsonl 100k findings over loopback", |b| {
        b.iter(|| {
            rt.block_on(async {
                let out = std::io::BufWriter::with_capacity(1 << 18, std::io::sink());
                let mut writer = FindingsWriter::new(out, Format::Jsonl).expect("writer");
                export_findings(
                    &client,
                    &FindingFilters::default(),
                    &mut writer,
                    Arc::new(Pacer::unlimited()),
                    &mut |_, _| {},
                )
                .await
                .expect("export");
                assert_eq!(writer.finish().expect("finish"), FINDINGS);
            })
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
