//! BatchImportFindings for findings secdeck writes itself (IoT audit imports): our ASFF
//! JSON -> the SDK's typed finding, batches of 100 paced under the quota, FailedFindings
//! reported per finding; and the read of earlier imports (GetFindings by Id prefix).

use aws_sdk_securityhub::Client;
use aws_sdk_securityhub::operation::RequestId;
use aws_sdk_securityhub::types as sdk;
use serde_json::Value;

use super::error::AwsError;
use super::securityhub::get_findings_page;
use crate::aws::retry::{Pacer, RetryPolicy, retry_throttled};
use crate::domain::filter::{FindingFilters, StringComparison, StringFilter};
use crate::domain::finding::Finding;

const BATCH_IMPORT: &str = "securityhub:BatchImportFindings";
/// BatchImportFindings takes 1 to 100 findings a call.
pub const MAX_BATCH_IMPORT: usize = 100;

/// What one or more BatchImportFindings calls did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportResult {
    pub succeeded: Vec<String>,
    /// (finding Id, error code, message), from FailedFindings or a failed call.
    pub failed: Vec<(String, String, String)>,
    pub request_ids: Vec<String>,
    pub call_errors: Vec<String>,
}

fn s<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// Builds the SDK finding from an ASFF document with the fields our imports use.
pub fn to_sdk_finding(doc: &Value) -> sdk::AwsSecurityFinding {
    let mut b = sdk::AwsSecurityFinding::builder()
        .set_schema_version(s(doc, "SchemaVersion").map(str::to_string))
        .set_id(s(doc, "Id").map(str::to_string))
        .set_product_arn(s(doc, "ProductArn").map(str::to_string))
        .set_generator_id(s(doc, "GeneratorId").map(str::to_string))
        .set_aws_account_id(s(doc, "AwsAccountId").map(str::to_string))
        .set_created_at(s(doc, "CreatedAt").map(str::to_string))
        .set_updated_at(s(doc, "UpdatedAt").map(str::to_string))
        .set_title(s(doc, "Title").map(str::to_string))
        .set_description(s(doc, "Description").map(str::to_string))
        .set_source_url(s(doc, "SourceUrl").map(str::to_string))
        .set_record_state(s(doc, "RecordState").map(sdk::RecordState::from));
    for t in doc
        .get("Types")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(t) = t.as_str() {
            b = b.types(t);
        }
    }
    if let Some(label) = doc.pointer("/Severity/Label").and_then(Value::as_str) {
        b = b.severity(
            sdk::Severity::builder()
                .label(sdk::SeverityLabel::from(label))
                .build(),
        );
    }
    if let Some(fields) = doc.get("ProductFields").and_then(Value::as_object) {
        for (k, v) in fields {
            // Security Hub adds aws/* fields itself and rejects them on import.
            if let (false, Some(v)) = (k.starts_with("aws/"), v.as_str()) {
                b = b.product_fields(k, v);
            }
        }
    }
    if let Some(status) = doc.pointer("/Compliance/Status").and_then(Value::as_str) {
        b = b.compliance(
            sdk::Compliance::builder()
                .status(sdk::ComplianceStatus::from(status))
                .build(),
        );
    }
    for r in doc
        .get("Resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let mut rb = sdk::Resource::builder()
            .set_type(s(r, "Type").map(str::to_string))
            .set_id(s(r, "Id").map(str::to_string))
            .set_partition(s(r, "Partition").map(sdk::Partition::from))
            .set_region(s(r, "Region").map(str::to_string));
        if let Some(other) = r.pointer("/Details/Other").and_then(Value::as_object) {
            let mut details = sdk::ResourceDetails::builder();
            for (k, v) in other {
                if let Some(v) = v.as_str() {
                    details = details.other(k, v);
                }
            }
            rb = rb.details(details.build());
        }
        b = b.resources(rb.build());
    }
    b.build()
}

/// Imports `docs` in batches of 100, each call waiting for `pacer` and retried when
/// throttled. A failed call marks its whole batch failed and the import carries on.
/// `progress` is called after each batch with the number of findings sent so far.
pub async fn batch_import(
    client: &Client,
    docs: &[Value],
    pacer: &Pacer,
    retry: &RetryPolicy,
    mut progress: impl FnMut(usize),
) -> ImportResult {
    let mut result = ImportResult::default();
    let mut sent = 0;
    for chunk in docs.chunks(MAX_BATCH_IMPORT) {
        let findings: Vec<sdk::AwsSecurityFinding> = chunk.iter().map(to_sdk_finding).collect();
        let ids: Vec<String> = chunk
            .iter()
            .map(|d| s(d, "Id").unwrap_or_default().to_string())
            .collect();
        let call = retry_throttled(retry, || async {
            pacer.acquire().await;
            client
                .batch_import_findings()
                .set_findings(Some(findings.clone()))
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(BATCH_IMPORT, e))
        })
        .await;
        match call {
            Ok(out) => {
                if let Some(id) = out.request_id() {
                    result.request_ids.push(id.to_string());
                }
                let failed: Vec<(String, String, String)> = out
                    .failed_findings()
                    .iter()
                    .map(|f| {
                        (
                            f.id().unwrap_or_default().to_string(),
                            f.error_code().unwrap_or_default().to_string(),
                            f.error_message().unwrap_or_default().to_string(),
                        )
                    })
                    .collect();
                result.succeeded.extend(
                    ids.into_iter()
                        .filter(|id| !failed.iter().any(|(f, ..)| f == id)),
                );
                result.failed.extend(failed);
            }
            Err(e) => {
                let code = e.code.clone().unwrap_or_else(|| "CallFailed".into());
                result
                    .failed
                    .extend(ids.into_iter().map(|id| (id, code.clone(), e.to_string())));
                result.call_errors.push(e.to_string());
            }
        }
        sent += chunk.len();
        progress(sent);
    }
    result
}

/// Every finding whose Id starts with `id_prefix` under `product_arn` (all record
/// states), paged at 100 and paced.
pub async fn findings_with_prefix(
    client: &Client,
    product_arn: &str,
    id_prefix: &str,
    pacer: &Pacer,
    retry: &RetryPolicy,
) -> Result<Vec<Finding>, AwsError> {
    let mut filters = FindingFilters::default();
    filters.set_strings("ProductArn", vec![StringFilter::equals(product_arn)]);
    filters.set_strings(
        "Id",
        vec![StringFilter {
            value: id_prefix.to_string(),
            comparison: StringComparison::Prefix,
        }],
    );
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = retry_throttled(retry, || async {
            pacer.acquire().await;
            get_findings_page(client, &filters, &[], token.clone(), 100).await
        })
        .await?;
        out.extend(page.findings);
        match page.next_token {
            Some(t) => token = Some(t),
            None => return Ok(out),
        }
    }
}
