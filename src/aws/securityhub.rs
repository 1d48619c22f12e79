//! Security Hub adapter: GetFindings pages (keeping each finding's full ASFF JSON, which
//! the SDK's typed model would lose) and BatchUpdateFindings in chunks.

use std::sync::{Arc, Mutex};

use aws_sdk_securityhub::Client;
use aws_sdk_securityhub::operation::RequestId;
use aws_sdk_securityhub::types as sdk;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::AfterDeserializationInterceptorContextRef;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
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
        context: &AfterDeserializationInterceptorContextRef<'_>,
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

/// One GetFindings page as AWS sent it: the response body (its `Findings` untouched, for
/// writers that pass them through) and the token of the next page.
#[derive(Debug, Clone, PartialEq)]
pub struct RawFindingsPage {
    pub body: Vec<u8>,
    pub next_token: Option<String>,
    pub request_id: Option<String>,
    /// How many findings the SDK's typed model read from the body.
    pub typed_count: usize,
}

/// One GetFindings page, body kept raw. `max_results` is clamped to the API's 1-100.
pub async fn get_findings_page_raw(
    client: &Client,
    filters: &FindingFilters,
    sort: &[SortCriterion],
    next_token: Option<String>,
    max_results: i32,
) -> Result<RawFindingsPage, AwsError> {
    let capture = CaptureBody::default();
    let output = client
        .get_findings()
        .filters(to_sdk_filters(filters)?)
        .set_sort_criteria(Some(to_sdk_sort(sort)).filter(|s| !s.is_empty()))
        .set_next_token(next_token)
        .max_results(max_results.clamp(1, 100))
        .customize()
        .interceptor(capture.clone())
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(GET_FINDINGS, e))?;
    let body = capture.take().ok_or_else(|| {
        AwsError::bad_response(GET_FINDINGS, "the response body was not captured")
    })?;
    Ok(RawFindingsPage {
        body,
        next_token: output
            .next_token()
            .filter(|t| !t.is_empty())
            .map(str::to_string),
        request_id: output.request_id().map(str::to_string),
        typed_count: output.findings().len(),
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
    let findings = findings_from_body(&raw.body).map_err(|m| {
        let m = match &raw.request_id {
            Some(id) => format!("{m} (request id {id})"),
            None => m,
        };
        AwsError::bad_response(GET_FINDINGS, m)
    })?;
    if findings.len() != raw.typed_count {
        tracing::warn!(
            raw = findings.len(),
            typed = raw.typed_count,
            "GetFindings: raw and typed finding counts differ"
        );
    }
    Ok(FindingsPage {
        findings,
        next_token: raw.next_token,
    })
}

/// Reads the `Findings` array of a GetFindings body. A finding we cannot address (no Id
/// or ProductArn) is skipped with a warning rather than failing the whole page.
pub fn findings_from_body(body: &[u8]) -> Result<Vec<Finding>, String> {
    let mut doc: Value = serde_json::from_slice(body)
        .map_err(|e| format!("GetFindings response is not JSON: {e}"))?;
    let Some(Value::Array(raw)) = doc.get_mut("Findings").map(Value::take) else {
        return Ok(Vec::new());
    };
    Ok(raw
        .into_iter()
        .filter_map(|v| {
            Finding::from_asff(v)
                .map_err(|e| tracing::warn!(error = %e, "skipping a finding AWS returned"))
                .ok()
        })
        .collect())
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
        let mut token = None;
        loop {
            let page = paced(pacer, retry, || {
                get_findings_page(client, &filters, &[], token.clone(), 100)
            })
            .await?;
            found.extend(
                page.findings
                    .into_iter()
                    .filter(|f| chunk.contains(&f.reference())),
            );
            match page.next_token {
                Some(t) => token = Some(t),
                None => break,
            }
        }
    }
    Ok(found)
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
