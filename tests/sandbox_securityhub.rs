//! Security Hub in the sandbox through the real aws-sdk-securityhub client: import,
//! paging, sorting, BatchUpdateFindings and AWS's validation errors.

mod common;

use aws_sdk_securityhub::types::{
    AwsSecurityFinding, AwsSecurityFindingFilters, AwsSecurityFindingIdentifier, NoteUpdate,
    Resource, Severity, SeverityLabel, SortCriterion, SortOrder, StringFilter,
    StringFilterComparison, WorkflowStatus, WorkflowUpdate,
};
use common::*;
use secdeck::sandbox::seed::Seed;
use secdeck::sandbox::{Sandbox, SandboxConfig, SeedError};
use serde_json::json;

fn sdk_finding(i: usize) -> AwsSecurityFinding {
    sdk_builder(i).build()
}

fn sdk_builder(i: usize) -> aws_sdk_securityhub::types::builders::AwsSecurityFindingBuilder {
    AwsSecurityFinding::builder()
        .schema_version("2018-10-08")
        .id(format!("sdk-{i:04}"))
        .product_arn(PRODUCT_ARN)
        .generator_id("sdk-generator")
        .aws_account_id("123456789012")
        .types("Software and Configuration Checks")
        .created_at("2024-02-01T00:00:00.000Z")
        .updated_at("2024-02-02T00:00:00.000Z")
        .severity(Severity::builder().label(SeverityLabel::High).build())
        .title(format!("SDK finding {i}"))
        .description("imported through the SDK")
        .resources(
            Resource::builder()
                .r#type("AwsAccount")
                .id("AWS::::Account:123456789012")
                .build(),
        )
}

fn ident(id: &str, arn: &str) -> AwsSecurityFindingIdentifier {
    AwsSecurityFindingIdentifier::builder()
        .id(id)
        .product_arn(arn)
        .build()
}

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
async fn import_then_page_through_everything_with_the_paginator() {
    let env = TestEnv::findings(Vec::new()).await;
    let hub = env.hub();
    for batch in (0..250).collect::<Vec<_>>().chunks(100) {
        let out = hub
            .batch_import_findings()
            .set_findings(Some(batch.iter().map(|&i| sdk_finding(i)).collect()))
            .send()
            .await
            .unwrap();
        assert_eq!(out.success_count(), Some(batch.len() as i32));
        assert_eq!(out.failed_count(), Some(0));
    }
    let pages: Vec<_> = hub
        .get_findings()
        .max_results(100)
        .into_paginator()
        .send()
        .collect::<Vec<_>>()
        .await;
    assert_eq!(pages.len(), 3);
    let mut ids: Vec<String> = pages
        .into_iter()
        .flat_map(|p| p.unwrap().findings.unwrap_or_default())
        .map(|f| f.id.unwrap_or_default())
        .collect();
    assert_eq!(ids.len(), 250);
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 250, "no finding appears on two pages");
}

#[tokio::test]
async fn a_change_between_pages_reorders_the_next_page() {
    // Later pages reuse one cached ordering; a write must invalidate it, not be hidden by it.
    let env = TestEnv::findings((0..250).map(generated).collect()).await;
    let hub = env.hub();
    // No finding has a note yet (missing values sort last), so ties order them by Id.
    let by_note = || {
        hub.get_findings().max_results(100).sort_criteria(
            SortCriterion::builder()
                .field("NoteText")
                .sort_order(SortOrder::Ascending)
                .build(),
        )
    };
    let first = by_note().send().await.unwrap();
    let last_of_first = first.findings()[99].id().unwrap().to_string();
    let token = first.next_token().unwrap().to_string();
    let second = by_note().next_token(&token).send().await.unwrap();
    let moved = second.findings()[50].id().unwrap().to_string();
    let note = NoteUpdate::builder()
        .text("changed while paging")
        .updated_by("analyst")
        .build();
    hub.batch_update_findings()
        .finding_identifiers(ident(&moved, PRODUCT_ARN))
        .note(note)
        .send()
        .await
        .unwrap();
    // The noted finding now sorts first, pushing page 1's last row onto page 2.
    let again = by_note().next_token(&token).send().await.unwrap();
    assert_eq!(again.findings()[0].id(), Some(last_of_first.as_str()));
    assert!(
        again
            .findings()
            .iter()
            .all(|f| f.id() != Some(moved.as_str()))
    );
}

#[tokio::test]
async fn sorting_is_by_any_field_with_ties_broken_by_id() {
    let env = TestEnv::findings((0..30).map(generated).collect()).await;
    let hub = env.hub();
    let sorted = |field: &str, order: SortOrder| {
        hub.get_findings()
            .sort_criteria(
                SortCriterion::builder()
                    .field(field)
                    .sort_order(order)
                    .build(),
            )
            .sort_criteria(
                SortCriterion::builder()
                    .field("Id")
                    .sort_order(SortOrder::Descending)
                    .build(),
            )
            .max_results(100)
            .send()
    };
    let out = sorted("SeverityNormalized", SortOrder::Descending)
        .await
        .unwrap();
    let first: Vec<&str> = out.findings()[..6]
        .iter()
        .map(|f| f.id().unwrap())
        .collect();
    // Labels cycle with i % 5, so CRITICAL (normalized 90) are 4, 9, 14, ...; second key Id desc.
    assert_eq!(
        first,
        [
            "gen-0029", "gen-0024", "gen-0019", "gen-0014", "gen-0009", "gen-0004"
        ]
    );

    let out = sorted("UpdatedAt", SortOrder::Ascending).await.unwrap();
    let dates: Vec<&str> = out
        .findings()
        .iter()
        .map(|f| f.updated_at().unwrap())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]));
    assert_eq!(
        out.findings()[0].id(),
        Some("gen-0028"),
        "01-01: gen-0000 and gen-0028, Id desc"
    );
}

#[tokio::test]
async fn batch_update_reports_processed_and_unprocessed_and_keeps_updated_at() {
    let env = TestEnv::findings((0..3).map(generated).collect()).await;
    let (sandbox, hub) = (&env.sandbox, env.hub());
    let before = sandbox.finding("gen-0001").unwrap();
    let out = hub
        .batch_update_findings()
        .finding_identifiers(ident("gen-0001", PRODUCT_ARN))
        .finding_identifiers(ident("missing", PRODUCT_ARN))
        .finding_identifiers(ident("gen-0001", PRODUCT_ARN))
        .workflow(
            WorkflowUpdate::builder()
                .status(WorkflowStatus::Notified)
                .build(),
        )
        .note(
            NoteUpdate::builder()
                .text("paged the owner")
                .updated_by("analyst")
                .build(),
        )
        .confidence(80)
        .send()
        .await
        .unwrap();
    assert_eq!(out.processed_findings().len(), 1);
    let errors: Vec<(&str, &str, &str)> = out
        .unprocessed_findings()
        .iter()
        .map(|u| {
            (
                u.finding_identifier().and_then(|f| f.id()).unwrap(),
                u.error_code().unwrap(),
                u.error_message().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            ("missing", "FindingNotFound", "Finding Not Found"),
            (
                "gen-0001",
                "DuplicatedFindingIdentifier",
                "Finding Identifier is duplicated"
            ),
        ]
    );
    let after = sandbox.finding("gen-0001").unwrap();
    assert_eq!(after["Workflow"]["Status"], "NOTIFIED");
    assert_eq!(after["Note"]["Text"], "paged the owner");
    assert_eq!(after["Confidence"], 80);
    assert_eq!(
        after["UpdatedAt"], before["UpdatedAt"],
        "BatchUpdateFindings keeps UpdatedAt"
    );

    let history = sandbox.finding_history("gen-0001");
    let last = history.last().unwrap();
    assert_eq!(last["UpdateSource"]["Type"], "BATCH_UPDATE_FINDINGS");
    let fields: Vec<&str> = last["Updates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["UpdatedField"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["Note", "Confidence", "Workflow"]);
    assert!(
        last["Updates"][2]["OldValue"]
            .as_str()
            .unwrap()
            .contains("NEW")
    );
}

#[tokio::test]
async fn reimport_updates_provider_fields_but_not_analyst_fields() {
    let env = TestEnv::findings(vec![generated(1)]).await;
    let (sandbox, hub) = (&env.sandbox, env.hub());
    hub.batch_update_findings()
        .finding_identifiers(ident("gen-0001", PRODUCT_ARN))
        .workflow(
            WorkflowUpdate::builder()
                .status(WorkflowStatus::Suppressed)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let mut again = generated(1);
    again["Title"] = json!("Renamed by the provider");
    again["Workflow"] = json!({"Status": "NEW"});
    let sandbox2 = sandbox.clone();
    // Re-import through the wire with a raw-JSON-equivalent SDK finding.
    let finding = AwsSecurityFinding::builder()
        .schema_version("2018-10-08")
        .id("gen-0001")
        .product_arn(PRODUCT_ARN)
        .generator_id("generator-1")
        .aws_account_id("123456789012")
        .types("Software and Configuration Checks/Vulnerabilities/CVE")
        .created_at("2024-01-01T00:00:00.000Z")
        .updated_at("2024-03-01T00:00:00.000Z")
        .severity(Severity::builder().label(SeverityLabel::Low).build())
        .title("Renamed by the provider")
        .description("generated for a sandbox test")
        .resources(
            Resource::builder()
                .r#type("AwsS3Bucket")
                .id("arn:aws:s3:::bucket-1")
                .build(),
        )
        .workflow(
            aws_sdk_securityhub::types::Workflow::builder()
                .status(WorkflowStatus::New)
                .build(),
        )
        .build();
    let out = hub
        .batch_import_findings()
        .findings(finding)
        .send()
        .await
        .unwrap();
    assert_eq!(out.success_count(), Some(1));
    let now = sandbox2.finding("gen-0001").unwrap();
    assert_eq!(now["Title"], "Renamed by the provider");
    assert_eq!(now["Workflow"]["Status"], "SUPPRESSED");
    assert_eq!(sandbox2.finding_count(), 1);
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

    let err = hub
        .get_findings()
        .next_token("garbage")
        .send()
        .await
        .unwrap_err();
    assert!(err.as_service_error().unwrap().is_invalid_input_exception());

    let eq = |v: &str| {
        StringFilter::builder()
            .value(v)
            .comparison(StringFilterComparison::Equals)
            .build()
    };
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
    let err = hub.get_findings().filters(eleven).send().await.unwrap_err();
    assert!(err.into_service_error().is_invalid_input_exception());

    let err = hub.batch_import_findings().send().await.unwrap_err();
    assert!(err.into_service_error().is_invalid_input_exception());
    let too_many: Vec<_> = (0..101).map(sdk_finding).collect();
    let err = hub
        .batch_import_findings()
        .set_findings(Some(too_many))
        .send()
        .await
        .unwrap_err();
    assert!(err.into_service_error().is_invalid_input_exception());

    let err = hub
        .batch_update_findings()
        .finding_identifiers(ident("gen-0001", PRODUCT_ARN))
        .note(NoteUpdate::builder().text("who wrote this?").build())
        .send()
        .await
        .unwrap_err();
    assert!(err.into_service_error().is_invalid_input_exception());
    let err = hub
        .batch_update_findings()
        .finding_identifiers(ident("gen-0001", PRODUCT_ARN))
        .note(
            NoteUpdate::builder()
                .text("x".repeat(513))
                .updated_by("a")
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    assert!(err.into_service_error().is_invalid_input_exception());
    let err = hub
        .batch_update_findings()
        .finding_identifiers(ident("gen-0001", PRODUCT_ARN))
        .criticality(101)
        .send()
        .await
        .unwrap_err();
    assert!(err.into_service_error().is_invalid_input_exception());
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

#[tokio::test]
async fn batch_update_sets_the_analyst_fields_and_an_empty_user_field_deletes_it() {
    let env = TestEnv::findings(vec![generated(1)]).await;
    let (sandbox, hub) = (&env.sandbox, env.hub());
    hub.batch_update_findings()
        .finding_identifiers(ident("gen-0001", PRODUCT_ARN))
        .verification_state(aws_sdk_securityhub::types::VerificationState::BenignPositive)
        .confidence(0)
        .criticality(100)
        .user_defined_fields("owner", "alice")
        .user_defined_fields("ticket", "SEC-1")
        .send()
        .await
        .unwrap();
    let doc = sandbox.finding("gen-0001").unwrap();
    assert_eq!(doc["VerificationState"], "BENIGN_POSITIVE");
    assert_eq!(
        (doc["Confidence"].clone(), doc["Criticality"].clone()),
        (json!(0), json!(100))
    );
    assert_eq!(
        doc["UserDefinedFields"],
        json!({"owner": "alice", "ticket": "SEC-1"})
    );

    // Merged, not replaced; "" removes; removing the last one removes the map.
    hub.batch_update_findings()
        .finding_identifiers(ident("gen-0001", PRODUCT_ARN))
        .user_defined_fields("ticket", "")
        .send()
        .await
        .unwrap();
    let doc = sandbox.finding("gen-0001").unwrap();
    assert_eq!(doc["UserDefinedFields"], json!({"owner": "alice"}));
    hub.batch_update_findings()
        .finding_identifiers(ident("gen-0001", PRODUCT_ARN))
        .user_defined_fields("owner", "")
        .send()
        .await
        .unwrap();
    assert!(
        sandbox
            .finding("gen-0001")
            .unwrap()
            .get("UserDefinedFields")
            .is_none()
    );

    for (confidence, criticality) in [(101, 50), (50, -1)] {
        let err = hub
            .batch_update_findings()
            .finding_identifiers(ident("gen-0001", PRODUCT_ARN))
            .confidence(confidence)
            .criticality(criticality)
            .send()
            .await
            .unwrap_err();
        assert!(err.into_service_error().is_invalid_input_exception());
    }
    let doc = sandbox.finding("gen-0001").unwrap();
    assert_eq!(doc["Confidence"], 0, "a rejected call changes nothing");
}

#[tokio::test]
async fn later_pages_follow_a_change_made_between_pages() {
    let env = TestEnv::findings((0..250).map(generated).collect()).await;
    let hub = env.hub();
    let new_only = AwsSecurityFindingFilters::builder()
        .workflow_status(
            StringFilter::builder()
                .value("NEW")
                .comparison(StringFilterComparison::Equals)
                .build(),
        )
        .build();
    let page = |token: Option<String>| {
        hub.get_findings()
            .filters(new_only.clone())
            .set_next_token(token)
            .max_results(100)
            .send()
    };
    let ids = |out: &aws_sdk_securityhub::operation::get_findings::GetFindingsOutput| {
        out.findings()
            .iter()
            .map(|f| f.id().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let first = page(None).await.unwrap();
    let second = page(first.next_token().map(str::to_string)).await.unwrap();
    assert_eq!(ids(&first).len() + ids(&second).len(), 200);
    // The third page would hold the 50 findings seen on neither; suppress one of them.
    let seen: Vec<String> = [ids(&first), ids(&second)].concat();
    let victim = (0..250)
        .map(|i| format!("gen-{i:04}"))
        .find(|id| !seen.contains(id))
        .unwrap();
    hub.batch_update_findings()
        .finding_identifiers(ident(&victim, PRODUCT_ARN))
        .workflow(
            WorkflowUpdate::builder()
                .status(WorkflowStatus::Suppressed)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let third = page(second.next_token().map(str::to_string)).await.unwrap();
    assert!(
        !ids(&third).contains(&victim),
        "no stale order after a write"
    );
    assert_eq!(ids(&third).len(), 49);
    assert!(third.next_token().is_none());
}
