//! Security Hub in the sandbox through the real aws-sdk-securityhub client: paging with the
//! paginator, sorting by any field, and later pages following a change made between pages.

mod common;

use aws_sdk_securityhub::types::{
    AwsSecurityFindingFilters, NoteUpdate, SortCriterion, SortOrder, WorkflowStatus,
};
use common::hub::*;
use common::*;

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
        .finding_identifiers(ident(&moved))
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
async fn later_pages_follow_a_change_made_between_pages() {
    let env = TestEnv::findings((0..250).map(generated).collect()).await;
    let hub = env.hub();
    let new_only = AwsSecurityFindingFilters::builder()
        .workflow_status(equals("NEW"))
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
    set_workflow(&hub, &victim, WorkflowStatus::Suppressed).await;
    let third = page(second.next_token().map(str::to_string)).await.unwrap();
    assert!(
        !ids(&third).contains(&victim),
        "no stale order after a write"
    );
    assert_eq!(ids(&third).len(), 49);
    assert!(third.next_token().is_none());
}
