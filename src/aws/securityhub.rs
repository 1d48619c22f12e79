//! Security Hub adapter: GetFindings pages (keeping each finding's full ASFF JSON, which
//! the SDK's typed model would lose) and BatchUpdateFindings in chunks.

use std::sync::{Arc, Mutex};

use aws_sdk_securityhub::Client;
use aws_sdk_securityhub::operation::RequestId;
use aws_sdk_securityhub::types as sdk;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeDeserializationInterceptorContextMut, Output, OutputOrError,
};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::client::ser_de::{DeserializeResponse, SharedResponseDeserializer};
use aws_smithy_types::config_bag::ConfigBag;
use serde_json::Value;

use super::error::AwsError;
use super::filters::{MAX_VALUES_PER_ATTRIBUTE, to_sdk_filters, to_sdk_sort};
use crate::aws::retry::{Pacer, RetryPolicy, paced, retry_throttled};
use crate::domain::filter::{FindingFilters, SortCriterion};
use crate::domain::finding::{Finding, FindingRef};
use crate::domain::plan::{FindingEdit, TriageFields};

const GET_FINDINGS: &str = "securityhub:GetFindings";
const BATCH_UPDATE: &str = "securityhub:BatchUpdateFindings";
/// BatchUpdateFindings takes at most this many finding identifiers a call.
pub const MAX_BATCH_UPDATE: usize = 100;
/// Note.Text limit.
pub const MAX_NOTE_CHARS: usize = 512;

#[derive(Debug, Clone, PartialEq)]
pub struct FindingsPage {
    pub findings: Vec<Finding>,
    pub next_token: Option<String>,
}

/// Parses each page once: for a successful GetFindings response, the SDK's typed model
/// is skipped (it would read every finding into `AwsSecurityFinding`, which secdeck never
/// uses) and the body is kept instead, for one pass of our own that builds both the rows
/// and the documents as received. Errors keep the SDK's deserializer (its error codes,
/// throttling and retries). The replacement goes into the attempt's config bag right
/// before deserialization, so only a 2xx response ever meets it.
#[derive(Debug, Clone, Default)]
struct KeepBody(Arc<Mutex<Option<KeptBody>>>);

#[derive(Debug)]
struct KeptBody {
    body: Vec<u8>,
    request_id: Option<String>,
}

impl KeepBody {
    fn take(&self) -> Option<KeptBody> {
        self.0.lock().ok()?.take()
    }
}

impl Intercept for KeepBody {
    fn name(&self) -> &'static str {
        "secdeck::KeepBody"
    }

    fn modify_before_deserialization(
        &self,
        context: &mut BeforeDeserializationInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if context.response().status().is_success() {
            cfg.interceptor_state()
                .store_put(SharedResponseDeserializer::new(self.clone()));
        }
        Ok(())
    }
}

impl DeserializeResponse for KeepBody {
    fn deserialize_nonstreaming_with_config(
        &self,
        response: &HttpResponse,
        _cfg: &ConfigBag,
    ) -> OutputOrError {
        let body = response.body().bytes().unwrap_or_default().to_vec();
        let request_id = response
            .headers()
            .get("x-amzn-requestid")
            .map(str::to_string);
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(KeptBody { body, request_id });
        }
        Ok(Output::erase(
            aws_sdk_securityhub::operation::get_findings::GetFindingsOutput::builder().build(),
        ))
    }
}

/// Keeps the body of the last successful response. For non-streaming operations the
/// orchestrator has read the body into memory before deserialising, and leaves it in the
/// response as a bytes-backed `SdkBody`, so `read_after_deserialization` can see it.
/// Each retry overwrites it, so after the call it holds the body the output came from.
#[derive(Debug, Clone, Default)]
pub(crate) struct CaptureBody(Arc<Mutex<Option<Vec<u8>>>>);

impl CaptureBody {
    pub(crate) fn take(&self) -> Option<Vec<u8>> {
        self.0.lock().ok()?.take()
    }
}

impl Intercept for CaptureBody {
    fn name(&self) -> &'static str {
        "secdeck::CaptureBody"
    }

    fn read_after_deserialization(
        &self,
        context: &aws_smithy_runtime_api::client::interceptors::context::AfterDeserializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let (Ok(_), Some(bytes), Ok(mut slot)) = (
            context.output_or_error(),
            context.response().body().bytes(),
            self.0.lock(),
        ) {
            *slot = Some(bytes.to_vec());
        }
        Ok(())
    }
}

/// One GetFindings page as AWS sent it: the response body, read by no one yet.
#[derive(Debug, Clone, PartialEq)]
pub struct RawFindingsPage {
    pub body: Vec<u8>,
    pub request_id: Option<String>,
}

/// A page read in one pass: each finding's JSON text as sent, and the next page's token.
#[derive(Debug, serde::Deserialize)]
pub struct RawPageView<'a> {
    #[serde(borrow, rename = "Findings", default)]
    pub findings: Vec<&'a serde_json::value::RawValue>,
    #[serde(rename = "NextToken", default)]
    next_token: Option<String>,
}

impl RawPageView<'_> {
    pub fn next_token(&self) -> Option<String> {
        self.next_token.clone().filter(|t| !t.is_empty())
    }
}

impl RawFindingsPage {
    /// The body read once, without building a tree of each finding.
    pub fn view(&self) -> Result<RawPageView<'_>, String> {
        serde_json::from_slice(&self.body).map_err(|e| self.bad(&e))
    }

    /// The rows and documents, read once.
    pub fn findings(&self) -> Result<FindingsPage, String> {
        page_from_body(&self.body).map_err(|e| match &self.request_id {
            Some(id) => format!("{e} (request id {id})"),
            None => e,
        })
    }

    fn bad(&self, e: &serde_json::Error) -> String {
        let id = self
            .request_id
            .as_ref()
            .map_or(String::new(), |id| format!(" (request id {id})"));
        format!("GetFindings response is not JSON: {e}{id}")
    }
}

/// One GetFindings page, body kept raw. `max_results` is clamped to the API's 1-100.
pub async fn get_findings_page_raw(
    client: &Client,
    filters: &FindingFilters,
    sort: &[SortCriterion],
    next_token: Option<String>,
    max_results: i32,
) -> Result<RawFindingsPage, AwsError> {
    let keep = KeepBody::default();
    client
        .get_findings()
        .filters(to_sdk_filters(filters)?)
        .set_sort_criteria(Some(to_sdk_sort(sort)).filter(|s| !s.is_empty()))
        .set_next_token(next_token)
        .max_results(max_results.clamp(1, 100))
        .customize()
        .interceptor(keep.clone())
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(GET_FINDINGS, e))?;
    let kept = keep
        .take()
        .ok_or_else(|| AwsError::bad_response(GET_FINDINGS, "the response body was not kept"))?;
    Ok(RawFindingsPage {
        body: kept.body,
        request_id: kept.request_id,
    })
}

/// One GetFindings page. `max_results` is clamped to the API's 1-100.
pub async fn get_findings_page(
    client: &Client,
    filters: &FindingFilters,
    sort: &[SortCriterion],
    next_token: Option<String>,
    max_results: i32,
) -> Result<FindingsPage, AwsError> {
    let raw = get_findings_page_raw(client, filters, sort, next_token, max_results).await?;
    raw.findings()
        .map_err(|m| AwsError::bad_response(GET_FINDINGS, m))
}

/// A GetFindings body in one pass: its findings (rows with their documents) and the next
/// token. A finding we cannot address (no Id or ProductArn) is skipped with a warning
/// rather than failing the whole page.
pub fn page_from_body(body: &[u8]) -> Result<FindingsPage, String> {
    #[derive(serde::Deserialize)]
    struct Page {
        #[serde(rename = "Findings", default)]
        findings: Vec<Value>,
        #[serde(rename = "NextToken", default)]
        next_token: Option<String>,
    }
    let page: Page = serde_json::from_slice(body)
        .map_err(|e| format!("GetFindings response is not JSON: {e}"))?;
    Ok(FindingsPage {
        findings: page
            .findings
            .into_iter()
            .filter_map(|v| {
                Finding::from_asff(v)
                    .map_err(|e| tracing::warn!(error = %e, "skipping a finding AWS returned"))
                    .ok()
            })
            .collect(),
        next_token: page.next_token.filter(|t| !t.is_empty()),
    })
}

/// The findings of a GetFindings body (see `page_from_body`).
pub fn findings_from_body(body: &[u8]) -> Result<Vec<Finding>, String> {
    page_from_body(body).map(|p| p.findings)
}

/// The findings with these identifiers, re-read from AWS (in chunks of the 20 values a
/// filter attribute may hold), with throttling retried. Findings that no longer exist
/// are simply absent. Each request waits for `pacer`.
pub async fn get_findings_by_ids(
    client: &Client,
    refs: &[FindingRef],
    pacer: &Pacer,
    retry: &RetryPolicy,
) -> Result<Vec<Finding>, AwsError> {
    let mut found = Vec::new();
    for chunk in refs.chunks(MAX_VALUES_PER_ATTRIBUTE) {
        let filters = FindingFilters::by_ids(chunk.iter().map(|r| r.id.as_str()));
        found.extend(
            get_all_findings(client, &filters, pacer, retry)
                .await?
                .into_iter()
                .filter(|f| chunk.contains(&f.reference())),
        );
    }
    Ok(found)
}

/// Every finding `filters` selects, page after page, each request paced by `pacer` and
/// its throttling retried; a repeated NextToken is an error, not an endless loop.
pub async fn get_all_findings(
    client: &Client,
    filters: &FindingFilters,
    pacer: &Pacer,
    retry: &RetryPolicy,
) -> Result<Vec<Finding>, AwsError> {
    super::pages::all_pages(GET_FINDINGS, &RetryPolicy::none(), |token| async move {
        let page = paced(pacer, retry, || {
            get_findings_page(client, filters, &[], token.clone(), 100)
        })
        .await?;
        Ok((page.findings, page.next_token))
    })
    .await
}

/// What BatchUpdateFindings did with a set of edits.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BatchResult {
    pub processed: Vec<FindingRef>,
    /// (finding, error code, error message); includes every finding of a call that
    /// failed as a whole.
    pub unprocessed: Vec<(FindingRef, String, String)>,
    pub request_ids: Vec<String>,
    /// Calls that failed as a whole (after retries).
    pub call_errors: Vec<AwsError>,
}

/// Applies the edits: one call per group of findings with identical new values, in
/// chunks of 100, each retried on throttling per `retry`. A call that fails as a whole
/// does not stop the others; its findings are reported unprocessed.
pub async fn batch_update_findings(
    client: &Client,
    edits: &[FindingEdit],
    note_author: &str,
    retry: &RetryPolicy,
) -> BatchResult {
    let mut result = BatchResult::default();
    for (after, refs) in group_by_after(edits) {
        if after == TriageFields::default() {
            for r in refs {
                result.unprocessed.push((
                    r,
                    "NothingToChange".into(),
                    "the edit sets no field".into(),
                ));
            }
            continue;
        }
        for chunk in refs.chunks(MAX_BATCH_UPDATE) {
            match retry_throttled(retry, || update_chunk(client, chunk, &after, note_author)).await
            {
                Ok(r) => {
                    result.processed.extend(r.processed);
                    result.unprocessed.extend(r.unprocessed);
                    result.request_ids.extend(r.request_ids);
                }
                Err(e) => {
                    let code = e.code.clone().unwrap_or_else(|| "RequestFailed".into());
                    for r in chunk {
                        result
                            .unprocessed
                            .push((r.clone(), code.clone(), e.to_string()));
                    }
                    result.request_ids.extend(e.request_id.clone());
                    result.call_errors.push(e);
                }
            }
        }
    }
    result
}

/// Edits grouped by identical target values, in first-seen order.
fn group_by_after(edits: &[FindingEdit]) -> Vec<(TriageFields, Vec<FindingRef>)> {
    let mut groups: Vec<(TriageFields, Vec<FindingRef>)> = Vec::new();
    for e in edits {
        match groups.iter_mut().find(|(after, _)| *after == e.after) {
            Some((_, refs)) => refs.push(e.finding.clone()),
            None => groups.push((e.after.clone(), vec![e.finding.clone()])),
        }
    }
    groups
}

/// One BatchUpdateFindings call (at most 100 findings, one set of new values).
pub async fn update_chunk(
    client: &Client,
    refs: &[FindingRef],
    after: &TriageFields,
    note_author: &str,
) -> Result<BatchResult, AwsError> {
    if let Some(note) = &after.note
        && note.chars().count() > MAX_NOTE_CHARS
    {
        return Err(AwsError::invalid_request(
            BATCH_UPDATE,
            format!(
                "note is {} characters; Security Hub accepts at most {MAX_NOTE_CHARS}",
                note.chars().count()
            ),
        ));
    }
    let mut req = client.batch_update_findings();
    for r in refs {
        req = req.finding_identifiers(identifier(r));
    }
    if let Some(w) = after.workflow {
        req = req.workflow(
            sdk::WorkflowUpdate::builder()
                .status(sdk::WorkflowStatus::from(w.as_str()))
                .build(),
        );
    }
    if let Some(s) = after.severity {
        req = req.severity(
            sdk::SeverityUpdate::builder()
                .label(sdk::SeverityLabel::from(s.as_str()))
                .build(),
        );
    }
    if let Some(v) = after.verification {
        req = req.verification_state(sdk::VerificationState::from(v.as_str()));
    }
    if let Some(c) = after.confidence {
        req = req.confidence(i32::from(c));
    }
    if let Some(c) = after.criticality {
        req = req.criticality(i32::from(c));
    }
    for (name, value) in &after.user_fields {
        // An empty value is how BatchUpdateFindings deletes a user-defined field.
        req = req.user_defined_fields(name, value.as_deref().unwrap_or_default());
    }
    if let Some(text) = &after.note {
        // Both Text and UpdatedBy are required by the API.
        req = req.note(
            sdk::NoteUpdate::builder()
                .text(text)
                .updated_by(note_author)
                .build(),
        );
    }
    let out = req
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(BATCH_UPDATE, e))?;
    let processed = out
        .processed_findings()
        .iter()
        .filter_map(from_identifier)
        .collect();
    let unprocessed = out
        .unprocessed_findings()
        .iter()
        .filter_map(|u| {
            let r = from_identifier(u.finding_identifier()?)?;
            Some((
                r,
                u.error_code().unwrap_or("Unknown").to_string(),
                u.error_message().unwrap_or_default().to_string(),
            ))
        })
        .collect();
    Ok(BatchResult {
        processed,
        unprocessed,
        request_ids: out.request_id().map(str::to_string).into_iter().collect(),
        call_errors: Vec::new(),
    })
}

fn identifier(r: &FindingRef) -> sdk::AwsSecurityFindingIdentifier {
    sdk::AwsSecurityFindingIdentifier::builder()
        .id(&r.id)
        .product_arn(&r.product_arn)
        .build()
}

fn from_identifier(i: &sdk::AwsSecurityFindingIdentifier) -> Option<FindingRef> {
    Some(FindingRef {
        id: i.id()?.to_string(),
        product_arn: i.product_arn()?.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::finding::WorkflowStatus;

    #[test]
    fn raw_findings_keep_fields_the_sdk_does_not_model() {
        let body =
            br#"{"Findings":[{"Id":"a","ProductArn":"arn:p","Title":"t","FutureField":{"x":1}},
                        {"Title":"no id"}],"NextToken":"n"}"#;
        let findings = findings_from_body(body).unwrap();
        assert_eq!(findings.len(), 1, "a finding without Id is skipped");
        assert_eq!(findings[0].raw.value()["FutureField"]["x"], 1);
        assert!(
            findings_from_body(b"not json")
                .unwrap_err()
                .contains("not JSON")
        );
    }

    #[test]
    fn edits_are_grouped_by_identical_new_values() {
        let edit = |id: &str, w| FindingEdit {
            finding: FindingRef {
                id: id.into(),
                product_arn: "arn:p".into(),
            },
            title: id.into(),
            resource: String::new(),
            before: TriageFields::default(),
            after: TriageFields {
                workflow: Some(w),
                ..Default::default()
            },
        };
        let groups = group_by_after(&[
            edit("a", WorkflowStatus::Notified),
            edit("b", WorkflowStatus::Resolved),
            edit("c", WorkflowStatus::Notified),
        ]);
        assert_eq!(groups.len(), 2);
        let ids: Vec<_> = groups[0].1.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["a", "c"]);
    }
}
