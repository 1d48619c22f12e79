//! The new AWS Security Hub (OCSF findings) through the V2 operations of the same
//! `aws-sdk-securityhub` client. Thin wrappers: the SDK's request types go in (built by the
//! caller, e.g. from the filter grammar), plain Rust values come out, and findings stay the
//! OCSF JSON documents AWS sent (`serde_json::Value`, member order kept).
//!
//! - [`describe`]: is the new Security Hub enabled here (DescribeSecurityHubV2)?
//! - [`get_findings_page`] / [`get_all_findings`]: GetFindingsV2, NextToken paging.
//! - [`counts`]: GetFindingStatisticsV2 group counts and GetFindingsTrendsV2 severity trends.
//! - [`triage`]: BatchUpdateFindingsV2 (status, severity, comment), processed/unprocessed.
//! - [`tickets`]: ListConnectorsV2 and CreateTicketV2 (DRYRUN included).
//! - [`document`]: `aws_smithy_types::Document` <-> `serde_json::Value`.

pub mod counts;
pub mod document;
pub mod tickets;
pub mod triage;

use aws_sdk_securityhub::Client;
use aws_sdk_securityhub::operation::RequestId;
use aws_sdk_securityhub::types::{FindingScopes, OcsfFindingFilters, SortCriterion};
use serde_json::Value;

use super::error::AwsError;
use super::pages::all_pages;
use super::retry::RetryPolicy;
use super::securityhub::CaptureBody;

pub const DESCRIBE: &str = "securityhub:DescribeSecurityHubV2";
pub const GET_FINDINGS: &str = "securityhub:GetFindingsV2";
/// GetFindingsV2 pages hold at most this many findings.
pub const MAX_PAGE: i32 = 100;

/// The new Security Hub as DescribeSecurityHubV2 describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubV2 {
    pub arn: Option<String>,
    pub subscribed_at: Option<String>,
    /// (feature name, status), sorted by name.
    pub features: Vec<(String, String)>,
}

/// `Ok(None)` when the new Security Hub is not enabled in this account and Region
/// (DescribeSecurityHubV2 answers ResourceNotFoundException), `Ok(Some)` when it is.
pub async fn describe(client: &Client) -> Result<Option<HubV2>, AwsError> {
    let out = match client.describe_security_hub_v2().send().await {
        Ok(out) => out,
        Err(e) => {
            let e = AwsError::from_sdk(DESCRIBE, e);
            return match e.code.as_deref() {
                Some("ResourceNotFoundException") => Ok(None),
                _ => Err(e),
            };
        }
    };
    let mut features: Vec<(String, String)> = out
        .features()
        .into_iter()
        .flatten()
        .map(|(name, detail)| {
            let status = detail
                .feature_status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default();
            (name.clone(), status)
        })
        .collect();
    features.sort();
    Ok(Some(HubV2 {
        arn: out.hub_v2_arn().map(str::to_string),
        subscribed_at: out.subscribed_at().map(str::to_string),
        features,
    }))
}

/// What to read: filters, sort and organization scopes as the SDK types them (all optional).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OcsfQuery {
    pub filters: Option<OcsfFindingFilters>,
    pub sort: Vec<SortCriterion>,
    pub scopes: Option<FindingScopes>,
}

/// One GetFindingsV2 page: the OCSF documents as received and the next page's token.
#[derive(Debug, Clone, PartialEq)]
pub struct OcsfPage {
    pub findings: Vec<Value>,
    pub next_token: Option<String>,
    pub request_id: Option<String>,
}

/// One GetFindingsV2 page; `max_results` is clamped to 1-100. The findings are read from
/// the response body itself (the SDK's `Document` keeps no member order).
pub async fn get_findings_page(
    client: &Client,
    query: &OcsfQuery,
    next_token: Option<String>,
    max_results: i32,
) -> Result<OcsfPage, AwsError> {
    let capture = CaptureBody::default();
    let out = client
        .get_findings_v2()
        .set_filters(query.filters.clone())
        .set_sort_criteria(Some(query.sort.clone()).filter(|s| !s.is_empty()))
        .set_scopes(query.scopes.clone())
        .set_next_token(next_token)
        .max_results(max_results.clamp(1, MAX_PAGE))
        .customize()
        .interceptor(capture.clone())
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(GET_FINDINGS, e))?;
    let findings = match capture.take() {
        Some(body) => findings_from_body(&body).map_err(|m| {
            AwsError::bad_response(GET_FINDINGS, with_request_id(m, out.request_id()))
        })?,
        // Not captured (never for a buffered body): the typed documents, unordered.
        None => out.findings().iter().map(document::to_json).collect(),
    };
    Ok(OcsfPage {
        findings,
        next_token: out
            .next_token()
            .filter(|t| !t.is_empty())
            .map(str::to_string),
        request_id: out.request_id().map(str::to_string),
    })
}

/// Every finding matching `query`, page after page (throttling retried per page, a
/// repeated NextToken refused).
pub async fn get_all_findings(
    client: &Client,
    query: &OcsfQuery,
    retry: &RetryPolicy,
) -> Result<Vec<Value>, AwsError> {
    all_pages(GET_FINDINGS, retry, |token| async move {
        let page = get_findings_page(client, query, token, MAX_PAGE).await?;
        Ok((page.findings, page.next_token))
    })
    .await
}

/// The `Findings` array of a GetFindingsV2 body; an entry that is not a JSON object is
/// skipped with a warning (it cannot be a finding).
pub fn findings_from_body(body: &[u8]) -> Result<Vec<Value>, String> {
    let mut doc: Value = serde_json::from_slice(body)
        .map_err(|e| format!("GetFindingsV2 response is not JSON: {e}"))?;
    let Some(Value::Array(raw)) = doc.get_mut("Findings").map(Value::take) else {
        return Ok(Vec::new());
    };
    Ok(raw
        .into_iter()
        .filter(|f| {
            let ok = f.is_object();
            if !ok {
                tracing::warn!("skipping a GetFindingsV2 entry that is not an object");
            }
            ok
        })
        .collect())
}

fn with_request_id(message: String, id: Option<&str>) -> String {
    match id {
        Some(id) => format!("{message} (request id {id})"),
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_keep_their_member_order_and_skip_non_objects() {
        let body = br#"{"Findings":[{"z":1,"a":{"y":2,"b":3}},7],"NextToken":"n"}"#;
        let findings = findings_from_body(body).unwrap();
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].to_string(), r#"{"z":1,"a":{"y":2,"b":3}}"#);
        assert!(
            findings_from_body(b"<html>")
                .unwrap_err()
                .contains("not JSON")
        );
        assert!(findings_from_body(b"{}").unwrap().is_empty());
    }
}
