//! The Security Hub and STS adapters against the in-process sandbox: pagination, the raw
//! ASFF capture, filter mapping on the wire, and readable errors.

mod common;

use std::collections::BTreeSet;

use common::*;
use secdeck::aws::securityhub::{FindingsPage, get_findings_page};
use secdeck::aws::{AwsError, AwsErrorKind, sts};
use secdeck::domain::filter::{FindingFilters, SortCriterion, SortOrder, StringFilter};
use secdeck::sandbox::Fault;

#[test]
fn pages_through_every_finding_exactly_once() {
    big_stack(|| async {
        let env = TestEnv::findings(findings(250)).await;
        let c = env.clients();
        let sort = vec![SortCriterion {
            field: "Title".into(),
            sort_order: SortOrder::Asc,
        }];
        let mut token = None;
        let mut sizes = Vec::new();
        let mut titles = Vec::new();
        loop {
            let page = get_findings_page(
                &c.securityhub,
                &FindingFilters::default_view(),
                &sort,
                token,
                100,
            )
            .await
            .unwrap();
            sizes.push(page.findings.len());
            titles.extend(page.findings.iter().map(|f| f.title.clone()));
            match page.next_token {
                Some(t) => token = Some(t),
                None => break,
            }
        }
        assert_eq!(sizes, [100, 100, 50]);
        let unique: BTreeSet<_> = titles.iter().collect();
        assert_eq!(unique.len(), 250, "no finding twice");
        assert!(
            titles.windows(2).all(|w| w[0] <= w[1]),
            "sorted by title ascending"
        );
    });
}

#[test]
fn the_full_asff_document_survives_including_fields_the_sdk_does_not_model() {
    big_stack(|| async {
        let mut doc = finding(1);
        doc["SecdeckFutureField"] = serde_json::json!({"nested": [1, 2, {"deep": "value"}]});
        doc["Resources"][0]["Details"] = serde_json::json!({"Other": {"unmodelled-key": "kept"}});
        let sb = TestEnv::findings(vec![doc]).await;
        let c = sb.clients();
        let page = get_findings_page(&c.securityhub, &FindingFilters::default(), &[], None, 10)
            .await
            .unwrap();
        let f = &page.findings[0];
        assert_eq!(
            f.raw.value()["SecdeckFutureField"]["nested"][2]["deep"],
            "value"
        );
        assert_eq!(
            f.raw.value(),
            sb.finding("f-0001").unwrap(),
            "exactly what the service returned"
        );
        assert_eq!(f.title, "Finding 0001");
    });
}

/// One page of the findings whose `attribute` equals `value`, read through the adapter.
async fn page_where(sb: &TestEnv, attribute: &str, value: &str) -> Result<FindingsPage, AwsError> {
    let mut filters = FindingFilters::default();
    filters.set_strings(attribute, vec![StringFilter::equals(value)]);
    get_findings_page(&sb.clients().securityhub, &filters, &[], None, 100).await
}

#[test]
fn filters_are_applied_by_the_service() {
    big_stack(|| async {
        let sb = TestEnv::findings(findings(20)).await;
        let page = page_where(&sb, "SeverityLabel", "CRITICAL").await.unwrap();
        assert_eq!(page.findings.len(), 4);
        assert!(
            page.findings
                .iter()
                .all(|f| f.raw.value()["Severity"]["Label"] == "CRITICAL")
        );
        let sent = &sb.requests()[0].params;
        assert_eq!(sent["Filters"]["SeverityLabel"][0]["Value"], "CRITICAL");
    });
}

#[test]
fn an_unknown_filter_attribute_is_refused_before_anything_is_sent() {
    big_stack(|| async {
        let sb = TestEnv::findings(findings(2)).await;
        let err = page_where(&sb, "Severity", "HIGH").await.unwrap_err();
        assert_eq!(err.kind, AwsErrorKind::InvalidRequest);
        assert!(
            err.to_string()
                .contains("unknown filter attribute \"Severity\""),
            "{err}"
        );
        assert!(sb.requests().is_empty());
    });
}

#[test]
fn service_errors_carry_code_message_and_request_id() {
    big_stack(|| async {
        let sb = TestEnv::findings(findings(2)).await;
        sb.inject_fault(Fault::next("GetFindings", 1, 403, "AccessDeniedException"));
        let c = sb.clients();
        let err = get_findings_page(&c.securityhub, &FindingFilters::default(), &[], None, 10)
            .await
            .unwrap_err();
        assert_eq!(err.kind, AwsErrorKind::Service);
        assert_eq!(err.code.as_deref(), Some("AccessDeniedException"));
        let text = err.to_string();
        assert!(
            text.starts_with("securityhub:GetFindings: AccessDeniedException: "),
            "{text}"
        );
        assert!(text.contains("injected fault"), "{text}");
        assert!(err.request_id.is_some(), "{text}");
        assert!(text.contains(" (HTTP 403, request id "), "{text}");
    });
}

#[test]
fn throttling_is_recognised() {
    big_stack(|| async {
        let sb = TestEnv::findings(findings(2)).await;
        sb.inject_fault(Fault::next(
            "GetFindings",
            1,
            429,
            "TooManyRequestsException",
        ));
        let c = sb.clients_without_sdk_retries();
        let err = get_findings_page(&c.securityhub, &FindingFilters::default(), &[], None, 10)
            .await
            .unwrap_err();
        assert!(err.is_throttling(), "{err:?}");
        assert!(err.to_string().contains("throttled"), "{err}");
    });
}

#[test]
fn caller_identity_comes_from_sts() {
    big_stack(|| async {
        let sb = TestEnv::findings(Vec::new()).await;
        let id = sts::get_caller_identity(&sb.clients().sts).await.unwrap();
        assert_eq!(id.arn, sb.config().caller_arn);
        assert_eq!(id.account, sb.config().account);
    });
}
