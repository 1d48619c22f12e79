//! Security Hub in the sandbox through the real aws-sdk-securityhub client:
//! BatchUpdateFindings (processed and unprocessed, analyst fields, history) and a re-import
//! that updates the provider's fields but not the analyst's.

mod common;

use aws_sdk_securityhub::types::{
    AwsSecurityFinding, NoteUpdate, Resource, Severity, SeverityLabel, WorkflowStatus,
};
use common::hub::*;
use common::*;
use serde_json::json;

#[tokio::test]
async fn batch_update_reports_processed_and_unprocessed_and_keeps_updated_at() {
    let env = TestEnv::findings((0..3).map(generated).collect()).await;
    let (sandbox, hub) = (&env.sandbox, env.hub());
    let before = sandbox.finding("gen-0001").unwrap();
    let out = hub
        .batch_update_findings()
        .finding_identifiers(ident("gen-0001"))
        .finding_identifiers(ident("missing"))
        .finding_identifiers(ident("gen-0001"))
        .workflow(workflow(WorkflowStatus::Notified))
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
    let fields = texts_of(&last["Updates"], "UpdatedField");
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
    set_workflow(&hub, "gen-0001", WorkflowStatus::Suppressed).await;
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
async fn batch_update_sets_the_analyst_fields_and_an_empty_user_field_deletes_it() {
    let env = TestEnv::findings(vec![generated(1)]).await;
    let (sandbox, hub) = (&env.sandbox, env.hub());
    hub.batch_update_findings()
        .finding_identifiers(ident("gen-0001"))
        .verification_state(aws_sdk_securityhub::types::VerificationState::BenignPositive)
        .confidence(0)
        .criticality(100)
        .user_defined_fields("owner", "alice")
        .user_defined_fields("ticket", "SEC-1")
        .send()
        .await
        .unwrap();
    assert_eq!(
        analyst_fields(&sandbox.finding("gen-0001").unwrap()),
        json!({
            "VerificationState": "BENIGN_POSITIVE",
            "Confidence": 0,
            "Criticality": 100,
            "UserDefinedFields": {"owner": "alice", "ticket": "SEC-1"},
        })
    );

    // Merged, not replaced; "" removes; removing the last one removes the map.
    let clear = |key: &'static str| {
        hub.batch_update_findings()
            .finding_identifiers(ident("gen-0001"))
            .user_defined_fields(key, "")
            .send()
    };
    clear("ticket").await.unwrap();
    let doc = sandbox.finding("gen-0001").unwrap();
    assert_eq!(doc["UserDefinedFields"], json!({"owner": "alice"}));
    clear("owner").await.unwrap();
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
            .finding_identifiers(ident("gen-0001"))
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
