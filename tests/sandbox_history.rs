//! GetFindingHistory on the sandbox through the real SDK client and the adapter: imports
//! and BatchUpdateFindings leave records, pages follow NextToken, time windows filter.

mod common;

use aws_sdk_securityhub::types::{
    AwsSecurityFindingIdentifier, NoteUpdate, WorkflowStatus, WorkflowUpdate,
};
use common::*;
use secdeck::aws::securityhub_history::get_finding_history;
use secdeck::domain::finding::FindingRef;

fn id(i: &str) -> AwsSecurityFindingIdentifier {
    AwsSecurityFindingIdentifier::builder()
        .id(i)
        .product_arn(PRODUCT_ARN)
        .build()
}

#[tokio::test]
async fn updates_show_up_in_the_history_with_before_and_after() {
    let sb = TestEnv::findings((0..2).map(finding).collect()).await;
    let hub = aws_sdk_securityhub::Client::new(&sb.sdk_config().await);
    for (status, note) in [
        (WorkflowStatus::Notified, "looking"),
        (WorkflowStatus::Resolved, "fixed"),
    ] {
        hub.batch_update_findings()
            .finding_identifiers(id("f-0000"))
            .workflow(WorkflowUpdate::builder().status(status).build())
            .note(NoteUpdate::builder().text(note).updated_by("alice").build())
            .send()
            .await
            .unwrap();
    }
    let target = FindingRef {
        id: "f-0000".into(),
        product_arn: PRODUCT_ARN.into(),
    };
    let history = get_finding_history(&hub, &target).await.unwrap();
    let updates: Vec<_> = history
        .iter()
        .filter(|r| r.source == "BATCH_UPDATE_FINDINGS")
        .collect();
    assert_eq!(updates.len(), 2, "{history:?}");
    let workflow = updates[1]
        .updates
        .iter()
        .find(|u| u.field == "Workflow")
        .unwrap();
    assert!(
        workflow.old.contains("NOTIFIED") && workflow.new.contains("RESOLVED"),
        "{workflow:?}"
    );
    assert!(
        updates[1]
            .updates
            .iter()
            .any(|u| u.field == "Note" && u.new.contains("fixed"))
    );
    assert!(!updates[0].time.is_empty());

    // One record a page: the NextToken chain reaches every record.
    let mut token = None;
    let mut seen = 0;
    loop {
        let page = hub
            .get_finding_history()
            .finding_identifier(id("f-0000"))
            .max_results(1)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        seen += page.records().len();
        match page.next_token() {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    assert_eq!(seen, history.len());

    // A window in the future holds nothing; an unknown finding has no history.
    let later = hub
        .get_finding_history()
        .finding_identifier(id("f-0000"))
        .start_time(aws_smithy_types::DateTime::from_secs(4_000_000_000))
        .send()
        .await
        .unwrap();
    assert!(later.records().is_empty());
    let none = get_finding_history(
        &hub,
        &FindingRef {
            id: "nope".into(),
            product_arn: PRODUCT_ARN.into(),
        },
    )
    .await
    .unwrap();
    assert!(none.is_empty());
    let log = sb.requests();
    assert!(
        log.iter()
            .any(|r| r.operation == "GetFindingHistory" && !r.mutating)
    );
}
