//! Security Hub in the sandbox through the real aws-sdk-securityhub client: what it imports
//! (real fixtures, the SDK's own findings) and AWS's validation errors. Paging and sorting
//! are in sandbox_securityhub_paging.rs, BatchUpdateFindings in sandbox_securityhub_updates.rs.

mod common;

use aws_sdk_securityhub::types::{
    AwsSecurityFindingFilters, NoteUpdate, SeverityLabel, WorkflowStatus,
};
use common::hub::*;
use common::sdk::refusal_code;
use common::*;
use secdeck::sandbox::seed::Seed;
use secdeck::sandbox::{Sandbox, SandboxConfig, SeedError};

/// Security Hub's code for a request outside its limits.
const INVALID: &str = "InvalidInputException";

#[test]
fn real_findings_round_trip_through_the_sdk() {
    big_stack(real_findings_round_trip);
}

async fn real_findings_round_trip() {
    let mut fixtures = fixture_findings();
    // AWS rejects mistyped fields that typed clients could not read back. Two documentation
    // samples have one: a string Severity.Normalized and a numeric Severity.Original.
    for (id_part, problem) in [
        (
            "security-control/CloudTrail.2",
            "Severity.Normalized \"40\" is not an integer",
        ),
        ("PCI.Lambda.2", "Severity.Original 0 is not a string"),
    ] {
        let err = Sandbox::new(
            SandboxConfig::default(),
            Seed {
                findings: fixtures.clone(),
                ..Default::default()
            },
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains(id_part) && err.contains(problem), "{err}");
        fixtures.retain(|f| !f["Id"].as_str().unwrap().contains(id_part));
    }
    let env = TestEnv::findings(fixtures).await;
    let (sandbox, hub) = (&env.sandbox, env.hub());
    let out = hub.get_findings().send().await.unwrap();
    let found = out.findings();
    // Duplicate Id+ProductArn pairs in the sources collapse into one finding, as in AWS.
    assert_eq!(found.len(), sandbox.finding_count());
    assert!(found.len() >= 20, "only {} findings", found.len());

    // A legacy finding with only Normalized severity gets a Label; the custom finding with
    // only FindingProviderFields gets its Severity and Types from there; new findings are
    // NEW and ACTIVE unless they said otherwise.
    let custom = found
        .iter()
        .find(|f| f.id() == Some("Id1"))
        .expect("the custom-product fixture");
    assert_eq!(
        custom.severity().and_then(|s| s.label()),
        Some(&SeverityLabel::Low)
    );
    assert!(!custom.types().is_empty());
    assert_eq!(
        custom.workflow().and_then(|w| w.status()),
        Some(&WorkflowStatus::New)
    );
    assert!(
        found
            .iter()
            .all(|f| f.severity().and_then(|s| s.label()).is_some())
    );
    let legacy = found
        .iter()
        .find(|f| {
            f.title()
                .is_some_and(|t| t.starts_with("Unusual console login"))
        })
        .expect("the 2019 GuardDuty fixture");
    assert_eq!(
        legacy.severity().and_then(|s| s.label()),
        Some(&SeverityLabel::Medium)
    );
}

#[tokio::test]
async fn invalid_findings_are_reported_per_finding() {
    let env = TestEnv::findings(Vec::new()).await;
    let (sandbox, hub) = (&env.sandbox, env.hub());
    let no_title = sdk_builder(1).set_title(None).build();
    let no_resources = sdk_builder(2).set_resources(None).build();
    let out = hub
        .batch_import_findings()
        .findings(sdk_finding(0))
        .findings(no_title)
        .findings(no_resources)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (out.success_count(), out.failed_count()),
        (Some(1), Some(2))
    );
    let failed: Vec<(&str, &str)> = out
        .failed_findings()
        .iter()
        .map(|f| (f.id().unwrap(), f.error_code().unwrap()))
        .collect();
    assert_eq!(
        failed,
        [("sdk-0001", "InvalidInput"), ("sdk-0002", "InvalidInput")]
    );
    assert!(
        out.failed_findings()[0]
            .error_message()
            .unwrap()
            .contains("Title")
    );
    assert!(
        out.failed_findings()[1]
            .error_message()
            .unwrap()
            .contains("Resources")
    );
    assert_eq!(sandbox.finding_count(), 1);
}

#[tokio::test]
async fn request_limits_are_typed_invalid_input_errors() {
    let env = TestEnv::findings((0..3).map(generated).collect()).await;
    let (sandbox, hub) = (&env.sandbox, env.hub());

    let err = hub
        .get_findings()
        .max_results(101)
        .send()
        .await
        .unwrap_err();
    assert!(
        err.as_service_error().unwrap().is_invalid_input_exception(),
        "{err:?}"
    );

    assert_eq!(
        refusal_code(hub.get_findings().next_token("garbage").send()).await,
        INVALID
    );

    let eq = equals;
    let mut filters = AwsSecurityFindingFilters::builder();
    for i in 0..21 {
        filters = filters.title(eq(&format!("t{i}")));
    }
    let err = hub
        .get_findings()
        .filters(filters.build())
        .send()
        .await
        .unwrap_err();
    let err = err.into_service_error();
    assert!(err.is_invalid_input_exception());
    assert!(err.meta().message().unwrap().contains("20"));

    let eleven = AwsSecurityFindingFilters::builder()
        .id(eq("a"))
        .title(eq("a"))
        .product_arn(eq("a"))
        .aws_account_id(eq("a"))
        .generator_id(eq("a"))
        .region(eq("a"))
        .r#type(eq("a"))
        .severity_label(eq("a"))
        .record_state(eq("a"))
        .workflow_status(eq("a"))
        .company_name(eq("a"))
        .build();
    assert_eq!(
        refusal_code(hub.get_findings().filters(eleven).send()).await,
        INVALID
    );

    assert_eq!(
        refusal_code(hub.batch_import_findings().send()).await,
        INVALID
    );
    let too_many: Vec<_> = (0..101).map(sdk_finding).collect();
    assert_eq!(
        refusal_code(
            hub.batch_import_findings()
                .set_findings(Some(too_many))
                .send()
        )
        .await,
        INVALID
    );

    let update = || {
        hub.batch_update_findings()
            .finding_identifiers(ident("gen-0001"))
    };
    let long_note = NoteUpdate::builder()
        .text("x".repeat(513))
        .updated_by("a")
        .build();
    for (what, request) in [
        (
            "a note without its author",
            update().note(NoteUpdate::builder().text("who wrote this?").build()),
        ),
        ("a note over 512 characters", update().note(long_note)),
        ("a criticality over 100", update().criticality(101)),
    ] {
        assert_eq!(refusal_code(request.send()).await, INVALID, "{what}");
    }
    assert_eq!(
        sandbox.finding("gen-0001").unwrap().get("Criticality"),
        None
    );
}

#[test]
fn a_bad_seed_names_the_finding_and_the_problem() {
    let mut bad = generated(7);
    bad.as_object_mut().unwrap().remove("UpdatedAt");
    let err = Sandbox::new(
        SandboxConfig::default(),
        Seed {
            findings: vec![generated(1), bad],
            ..Default::default()
        },
    )
    .unwrap_err();
    let SeedError::InvalidFinding { index, id, problem } = &err;
    assert_eq!((*index, id.as_str()), (1, "gen-0007"));
    assert!(problem.contains("UpdatedAt"), "{err}");
}
