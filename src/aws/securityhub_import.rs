//! BatchImportFindings of ASFF JSON documents (IoT audit imports, `import findings`):
//! each document sent as it is, in batches of at most 100 findings and 6 MB paced under
//! the quota, FailedFindings reported per finding; and the read of earlier imports
//! (GetFindings by Id prefix).

use aws_sdk_securityhub::Client;
use aws_sdk_securityhub::operation::RequestId;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::ConfigBag;
use serde_json::Value;
use serde_json::value::RawValue;

use super::error::AwsError;
use super::securityhub::get_findings_page;
use crate::aws::retry::{Pacer, RetryPolicy, retry_throttled};
use crate::domain::asff_batch;
use crate::domain::filter::{FindingFilters, StringComparison, StringFilter};
use crate::domain::finding::Finding;

const BATCH_IMPORT: &str = "securityhub:BatchImportFindings";

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

/// Sends the request body secdeck wrote (the findings' JSON as they are) instead of the
/// SDK's serialisation of its typed model, which knows only the ASFF fields of its
/// release and would drop the rest of an exported finding. Runs before signing, so the
/// signature covers this body.
#[derive(Debug)]
struct FindingsBody(bytes::Bytes);

impl Intercept for FindingsBody {
    fn name(&self) -> &'static str {
        "secdeck::FindingsBody"
    }

    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request_mut();
        request
            .headers_mut()
            .insert("content-length", self.0.len().to_string());
        *request.body_mut() = SdkBody::from(self.0.clone());
        Ok(())
    }
}

/// A finding's JSON as BatchImportFindings sends it: a document secdeck built (IoT
/// imports), or the text of a file (`import findings`), sent byte for byte.
pub trait FindingJson {
    /// Its compact JSON's length in bytes (what a batch's 6 MB counts).
    fn json_len(&self) -> usize;
    fn write_json(&self, out: &mut Vec<u8>);
    /// The finding's `Id` ("" without one).
    fn id(&self) -> String;
}

impl FindingJson for Value {
    fn json_len(&self) -> usize {
        struct Count(usize);
        impl std::io::Write for Count {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.0 += buf.len();
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut count = Count(0);
        // Writing a Value to a sink that cannot fail does not fail.
        let _ = serde_json::to_writer(&mut count, self);
        count.0
    }

    fn write_json(&self, out: &mut Vec<u8>) {
        // Serialising a Value into a Vec does not fail.
        let _ = serde_json::to_writer(out, self);
    }

    fn id(&self) -> String {
        s(self, "Id").unwrap_or_default().to_string()
    }
}

impl FindingJson for Box<RawValue> {
    fn json_len(&self) -> usize {
        self.get().len()
    }

    fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.get().as_bytes());
    }

    fn id(&self) -> String {
        #[derive(serde::Deserialize)]
        struct Id {
            #[serde(rename = "Id", default)]
            id: Option<Value>,
        }
        serde_json::from_str::<Id>(self.get())
            .ok()
            .and_then(|i| i.id)
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }
}

/// `{"Findings":[...]}` for these documents.
fn request_body<D: FindingJson>(docs: &[D]) -> bytes::Bytes {
    let mut body = Vec::with_capacity(docs.iter().map(D::json_len).sum::<usize>() + 16);
    body.extend_from_slice(b"{\"Findings\":[");
    for (i, doc) in docs.iter().enumerate() {
        if i > 0 {
            body.push(b',');
        }
        doc.write_json(&mut body);
    }
    body.extend_from_slice(b"]}");
    body.into()
}

/// Imports `docs` (ASFF findings, sent as they are) in batches of at most 100 findings and
/// 6 MB, each call waiting for `pacer` and retried when throttled. A failed call marks its
/// whole batch failed and the import carries on. `progress` is called after each batch
/// with the number of findings sent so far.
pub async fn batch_import<D: FindingJson>(
    client: &Client,
    docs: &[D],
    pacer: &Pacer,
    retry: &RetryPolicy,
    mut progress: impl FnMut(usize),
) -> ImportResult {
    let mut result = ImportResult::default();
    let mut sent = 0;
    for range in asff_batch::batches(docs.iter().map(D::json_len)) {
        let chunk = &docs[range];
        let body = request_body(chunk);
        let ids: Vec<String> = chunk.iter().map(D::id).collect();
        let call = retry_throttled(retry, || async {
            pacer.acquire().await;
            client
                .batch_import_findings()
                .set_findings(Some(Vec::new()))
                .customize()
                .interceptor(FindingsBody(body.clone()))
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
