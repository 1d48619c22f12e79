//! Conformance: the same Security Hub scenarios, through the same aws-sdk-securityhub code,
//! against moto 5.2.5 (installed and started by the test itself, see tests/support/moto.rs)
//! and against the sandbox. Results are compared, not bodies. Where moto differs from AWS,
//! the difference is documented at the assertion and only the sandbox is held to AWS.

#[path = "conformance/scenario.rs"]
mod scenario;
mod support;

use std::collections::BTreeMap;

use aws_sdk_securityhub::Client;
use aws_sdk_securityhub::types::AwsSecurityFinding;
use scenario::{FindingKey, Key, identity};
use secdeck::sandbox::seed;
use serde_json::Value;
use support::moto::Moto;
use time::OffsetDateTime;

fn moto_client(region: &str) -> Client {
    // Each test uses its own Region: moto keeps one Security Hub backend per account and
    // Region, so tests sharing the server do not see each other's findings.
    Client::new(&support::sdk::moto_config(
        &Moto::shared().endpoint(),
        region,
    ))
}

async fn typed(findings: &[Value]) -> Vec<AwsSecurityFinding> {
    support::sdk::typed_findings(findings)
        .await
        .unwrap_or_else(|e| panic!("SDK cannot read the test findings:\n{e}"))
}

/// The real ASFF examples (as the demo normalises them) plus generated findings.
async fn scenario_findings() -> Vec<AwsSecurityFinding> {
    let mut json = seed::real_examples().expect("real examples load");
    json.extend(seed::generate_findings(150, 5, OffsetDateTime::now_utc()));
    typed(&json).await
}

fn keyed(findings: &[AwsSecurityFinding]) -> BTreeMap<FindingKey, Key> {
    findings.iter().map(|f| (identity(f), Key::of(f))).collect()
}

#[test]
fn moto_import_then_page_returns_every_finding() {
    support::big_stack(|| async {
        let client = moto_client("us-east-1");
        let findings = scenario_findings().await;
        let imported = scenario::import_all(&client, &findings).await;
        assert_eq!(
            (imported.success, imported.failed),
            (findings.len() as i32, 0),
            "{imported:?}"
        );

        let (returned, pages) = scenario::get_all(&client, 7).await;
        // Re-imports of the same (ProductArn, Id) update in place: the Trivy examples repeat Ids.
        let expected = keyed(&findings);
        assert_eq!(returned.len(), expected.len());
        assert_eq!(pages, expected.len().div_ceil(7));
        assert_eq!(keyed(&returned), expected);
    });
}
