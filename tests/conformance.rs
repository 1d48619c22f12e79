//! Conformance: the same Security Hub scenarios, through the same aws-sdk-securityhub code,
//! against moto 5.2.5 (installed and started by the test itself, see tests/common/moto.rs)
//! and against the sandbox. Only the SdkConfig differs. Results are compared, not bodies.
//!
//! moto 5.2.5's Security Hub (moto/securityhub/models.py, responses.py) stores each
//! imported finding verbatim keyed by Id, checks only that Resources is a non-empty list,
//! and pages GetFindings without filters or sorting. Where that differs from AWS, the
//! difference is stated at the assertion and only the sandbox is held to AWS behaviour.

mod common;
#[path = "conformance/scenario.rs"]
mod scenario;

use std::collections::BTreeMap;

use aws_sdk_securityhub::Client;
use aws_sdk_securityhub::types::{AwsSecurityFinding, Resource, Workflow, WorkflowStatus};
use common::moto::Moto;
use scenario::{FindingKey, Key, identity};
use secdeck::sandbox::seed::{self, Seed};
use secdeck::sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;
use time::OffsetDateTime;

/// moto keeps one Security Hub backend per account and Region, so each test uses its own
/// Region on the shared server and never sees another test's findings.
fn moto_client(region: &str) -> Client {
    Client::new(&common::sdk::moto_config(
        &Moto::shared().endpoint(),
        region,
    ))
}

async fn sandbox_client() -> (Sandbox, Client) {
    let sandbox = Sandbox::new(SandboxConfig::default(), Seed::default()).expect("empty sandbox");
    let client = Client::new(&sandbox.sdk_config().await);
    (sandbox, client)
}

async fn typed(findings: &[Value]) -> Vec<AwsSecurityFinding> {
    common::sdk::typed_findings(findings)
        .await
        .unwrap_or_else(|e| panic!("the SDK cannot read the test findings:\n{e}"))
}

async fn generated(n: usize, seed: u64) -> Vec<AwsSecurityFinding> {
    typed(&seed::generate_findings(n, seed, OffsetDateTime::now_utc())).await
}

fn keyed(findings: &[AwsSecurityFinding]) -> BTreeMap<FindingKey, Key> {
    findings.iter().map(|f| (identity(f), Key::of(f))).collect()
}

fn with_id(f: &AwsSecurityFinding, id: &str) -> AwsSecurityFinding {
    let mut f = f.clone();
    f.id = Some(id.to_string());
    f
}

#[test]
fn import_then_page_gives_the_same_findings() {
    common::big_stack(|| async {
        // Every real ASFF example (as the demo normalises them) plus generated findings.
        let mut json = seed::real_examples().expect("real examples load");
        json.extend(seed::generate_findings(150, 5, OffsetDateTime::now_utc()));
        let findings = typed(&json).await;
        let expected = keyed(&findings);
        let moto = moto_client("us-east-1");
        let (sandbox, local) = sandbox_client().await;

        let on_moto = scenario::import_all(&moto, &findings).await;
        let on_sandbox = scenario::import_all(&local, &findings).await;
        assert_eq!(on_moto, on_sandbox);
        assert_eq!(on_sandbox.success, findings.len() as i32, "{on_sandbox:?}");

        // Re-imports of one (ProductArn, Id) update in place: the Trivy examples repeat
        // three Ids, so fewer findings come back than were sent.
        let (moto_all, moto_pages) = scenario::get_all(&moto, 7).await;
        let (sandbox_all, sandbox_pages) = scenario::get_all(&local, 7).await;
        assert_eq!(expected.len(), findings.len() - 3);
        assert_eq!(keyed(&moto_all), expected);
        assert_eq!(keyed(&sandbox_all), expected);
        assert_eq!(moto_pages, sandbox_pages);
        assert_eq!(sandbox_pages, expected.len().div_ceil(7));
        assert_eq!(sandbox.finding_count(), expected.len());

        // moto returns what was sent; AWS fills in what the provider left out (Label from
        // Normalized and back, Workflow NEW, RecordState ACTIVE, ProcessedAt).
        let legacy = "arn:aws:guardduty:us-east-1:644160558196:detector/06b01209ca77b0865dd9";
        let bare = |all: &[AwsSecurityFinding]| {
            all.iter()
                .filter(|f| f.id().is_some_and(|id| id.starts_with(legacy)))
                .map(|f| f.severity().and_then(|s| s.label()).is_none())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            bare(&moto_all),
            [true],
            "moto keeps the legacy finding without Label"
        );
        assert_eq!(
            bare(&sandbox_all),
            [false],
            "AWS derives Label from Normalized"
        );
        for f in &sandbox_all {
            let sev = f.severity().expect("Severity");
            assert!(
                sev.label().is_some() && sev.normalized().is_some(),
                "{:?}",
                f.id()
            );
            assert!(
                f.workflow().and_then(Workflow::status).is_some(),
                "{:?}",
                f.id()
            );
            assert!(
                f.record_state().is_some() && f.processed_at().is_some(),
                "{:?}",
                f.id()
            );
        }
    });
}

#[test]
fn batches_outside_one_to_a_hundred_findings() {
    common::big_stack(|| async {
        let findings = generated(101, 9).await;
        let moto = moto_client("us-west-2");
        let (_sandbox, local) = sandbox_client().await;
        // AWS rejects the whole request (Findings must hold 1 to 100 entries) with
        // InvalidInputException; moto has no size check and imports all 101 (and 0).
        assert_eq!(
            scenario::import(&local, &findings).await,
            Err("InvalidInputException".into())
        );
        assert_eq!(
            scenario::import(&local, &[]).await,
            Err("InvalidInputException".into())
        );
        assert_eq!(
            scenario::import(&moto, &findings).await.map(|i| i.success),
            Ok(101)
        );
        // At the limit both accept every finding.
        let hundred = generated(100, 10).await;
        let moto = moto_client("us-west-1");
        assert_eq!(
            scenario::import(&moto, &hundred).await,
            scenario::import(&local, &hundred).await
        );
        assert_eq!(scenario::get_page(&local, Some(100), None).await, Ok(100));
    });
}

#[test]
fn invalid_findings_fail_one_by_one() {
    common::big_stack(|| async {
        let base = generated(1, 12).await.remove(0);
        let mut no_resources = with_id(&base, "no-resources");
        no_resources.resources = None;
        let mut empty_resources = with_id(&base, "empty-resources");
        empty_resources.resources = Some(Vec::new());
        let mut no_title = with_id(&base, "no-title");
        no_title.title = None;
        let mut untyped_resource = with_id(&base, "untyped-resource");
        untyped_resource.resources =
            Some(vec![Resource::builder().id("arn:aws:s3:::bucket").build()]);
        let batch = [
            with_id(&base, "valid"),
            no_resources,
            empty_resources,
            no_title,
            untyped_resource,
        ];

        let moto = scenario::import(&moto_client("eu-west-1"), &batch)
            .await
            .expect("moto answers");
        let (sandbox, local) = sandbox_client().await;
        let local = scenario::import(&local, &batch)
            .await
            .expect("sandbox answers");
        // Both reject a finding without resources, per finding, with ErrorCode InvalidInput,
        // and import the rest of the batch.
        for id in ["no-resources", "empty-resources"] {
            assert_eq!(
                moto.failures.get(id).map(String::as_str),
                Some("InvalidInput"),
                "{moto:?}"
            );
            assert_eq!(local.failures.get(id), moto.failures.get(id));
        }
        // AWS validates every required field against the ASFF schema ("Finding does not
        // adhere to Amazon Finding Format. data should have required property 'Title'");
        // moto checks only Resources, so it imports the other two invalid findings.
        assert_eq!((moto.success, moto.failed), (3, 2));
        assert_eq!((local.success, local.failed), (1, 4), "{local:?}");
        assert!(local.failures.values().all(|code| code == "InvalidInput"));
        assert!(sandbox.finding("valid").is_some() && sandbox.finding("no-title").is_none());
    });
}

#[test]
fn reimport_updates_the_finding_but_not_its_workflow() {
    common::big_stack(|| async {
        let original = with_id(&generated(1, 13).await.remove(0), "reimported");
        let mut first = original.clone();
        first.workflow = Some(Workflow::builder().status(WorkflowStatus::New).build());
        let mut second = first.clone();
        second.title = Some("Updated by the provider".into());
        second.workflow = Some(Workflow::builder().status(WorkflowStatus::Resolved).build());

        let moto = moto_client("eu-central-1");
        let (_sandbox, local) = sandbox_client().await;
        for client in [&moto, &local] {
            assert_eq!(
                scenario::import(client, std::slice::from_ref(&first))
                    .await
                    .map(|i| i.success),
                Ok(1)
            );
            assert_eq!(
                scenario::import(client, std::slice::from_ref(&second))
                    .await
                    .map(|i| i.success),
                Ok(1)
            );
        }
        let (moto_all, _) = scenario::get_all(&moto, 10).await;
        let (sandbox_all, _) = scenario::get_all(&local, 10).await;
        assert_eq!(moto_all.len(), 1);
        assert_eq!(
            keyed(&moto_all),
            keyed(&sandbox_all),
            "one finding, provider fields updated"
        );
        assert_eq!(sandbox_all[0].title(), Some("Updated by the provider"));
        let status =
            |all: &[AwsSecurityFinding]| all[0].workflow().and_then(|w| w.status()).cloned();
        // Once a finding exists, BatchImportFindings cannot change Workflow (only
        // BatchUpdateFindings can); moto merges the new document over the old one.
        assert_eq!(status(&sandbox_all), Some(WorkflowStatus::New));
        assert_eq!(status(&moto_all), Some(WorkflowStatus::Resolved));
    });
}

#[test]
fn get_findings_parameter_errors() {
    common::big_stack(|| async {
        let moto = moto_client("ap-southeast-2");
        let (_sandbox, local) = sandbox_client().await;
        // An empty hub: one empty page, no NextToken, on both.
        assert_eq!(scenario::get_all(&moto, 5).await.0.len(), 0);
        assert_eq!(scenario::get_all(&local, 5).await.0.len(), 0);
        for max in [0, 101] {
            let (m, s) = (
                scenario::get_page(&moto, Some(max), None).await,
                scenario::get_page(&local, Some(max), None).await,
            );
            assert_eq!(
                m,
                Err("InvalidInputException".into()),
                "MaxResults {max} on moto"
            );
            assert_eq!(s, m, "MaxResults {max}");
        }
        // A NextToken that no earlier page returned: moto's generic paginator answers
        // InvalidToken, an error code Security Hub does not have; the sandbox answers
        // InvalidInputException as Security Hub does for invalid parameters.
        let findings = generated(3, 14).await;
        scenario::import_all(&moto, &findings).await;
        scenario::import_all(&local, &findings).await;
        assert_eq!(
            scenario::get_page(&moto, Some(1), Some("not-a-token")).await,
            Err("InvalidToken".into())
        );
        assert_eq!(
            scenario::get_page(&local, Some(1), Some("not-a-token")).await,
            Err("InvalidInputException".into())
        );
    });
}
