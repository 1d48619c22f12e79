//! BatchImportFindings for the executor, shared by IoT audit imports and `import
//! findings`: batches under the quota, failures per finding with AWS's error codes, then
//! a re-read (GetFindings by Id) of the imported findings, or of a sample spread over a
//! large import, checking each shows the UpdatedAt (and RecordState) that was sent.

use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::aws::AwsClients;
use crate::aws::retry::{Pacer, RetryPolicy};
use crate::aws::securityhub::get_findings_by_ids;
use crate::aws::securityhub_import::{FindingJson, batch_import};
use crate::domain::finding::{Finding, FindingRef};
use crate::domain::plan::{ChangeOutcome, TargetFailure};

/// `import findings` re-reads every finding up to this many, a sample beyond (20 Ids a
/// GetFindings request at 3 requests/s: 1,000 findings take about 17 s).
pub const VERIFY_ALL_UP_TO: usize = 1_000;

/// What an import borrows from the executor.
pub struct ImportContext<'a> {
    pub clients: &'a AwsClients,
    /// GetFindings pacer (verification reads); unlimited means no quotas at all.
    pub pacer: &'a Pacer,
    pub retry: &'a RetryPolicy,
    /// Called with (findings sent, total) after each batch.
    pub progress: &'a (dyn Fn(usize, usize) + Send + Sync),
    /// At most this many imported findings are re-read (spread over the import): a full
    /// re-read of 100,000 findings would take minutes at GetFindings' 3 requests/s.
    pub verify_at_most: usize,
}

/// Imports `docs`, then re-reads them; `outcome.unverified` lists the re-read findings
/// that do not show what was sent.
pub async fn import_and_verify<D: FindingJson>(
    cx: &ImportContext<'_>,
    plan_id: &str,
    docs: &[D],
) -> ChangeOutcome {
    let write_pacer = if cx.pacer.is_unlimited() {
        Pacer::unlimited()
    } else {
        Pacer::batch_write()
    };
    let total = docs.len();
    let result = batch_import(
        &cx.clients.securityhub,
        docs,
        &write_pacer,
        cx.retry,
        |sent| (cx.progress)(sent, total),
    )
    .await;
    let error = (result.succeeded.is_empty() && !result.call_errors.is_empty())
        .then(|| result.call_errors.join("; "));
    let unverified = verify(cx, docs, &result.succeeded).await;
    ChangeOutcome {
        plan_id: plan_id.to_string(),
        succeeded: result.succeeded,
        failed: result
            .failed
            .into_iter()
            .map(|(target, code, message)| TargetFailure {
                target,
                code,
                message,
            })
            .collect(),
        unverified,
        request_ids: result.request_ids,
        error,
        ..ChangeOutcome::default()
    }
}

/// How many of `n` imported findings verification re-reads.
pub fn sample_size(n: usize, at_most: usize) -> usize {
    match n {
        0 => 0,
        _ => n.div_ceil(n.div_ceil(at_most.max(1))),
    }
}

/// The re-read findings (of those AWS accepted) that do not show the import.
async fn verify<D: FindingJson>(
    cx: &ImportContext<'_>,
    docs: &[D],
    succeeded: &[String],
) -> Vec<String> {
    if succeeded.is_empty() {
        return Vec::new();
    }
    let step = succeeded.len().div_ceil(cx.verify_at_most.max(1));
    let accepted: std::collections::HashSet<&str> = succeeded.iter().map(String::as_str).collect();
    // Only the sample is read into a tree (an import may hold 100,000 findings as text).
    let sample: Vec<Value> = docs
        .iter()
        .filter(|d| accepted.contains(d.id().as_str()))
        .step_by(step)
        .map(|d| {
            let mut json = Vec::with_capacity(d.json_len());
            d.write_json(&mut json);
            serde_json::from_slice(&json).unwrap_or(Value::Null)
        })
        .collect();
    let refs: Vec<FindingRef> = sample
        .iter()
        .map(|d| FindingRef {
            id: text(d, "Id").to_string(),
            product_arn: text(d, "ProductArn").to_string(),
        })
        .collect();
    match get_findings_by_ids(&cx.clients.securityhub, &refs, cx.pacer, cx.retry).await {
        Ok(found) => sample
            .iter()
            .filter(|doc| !found.iter().any(|f| shows(doc, f)))
            .map(|doc| text(doc, "Id").to_string())
            .collect(),
        Err(e) => {
            tracing::warn!(error = %e, "import verification read failed");
            refs.into_iter().map(|r| r.id).collect()
        }
    }
}

fn text<'a>(doc: &'a Value, key: &str) -> &'a str {
    doc.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// Whether the re-read finding is the one sent: same identity, the UpdatedAt sent (AWS
/// keeps milliseconds), and the RecordState sent if one was.
fn shows(doc: &Value, f: &Finding) -> bool {
    let state = doc.get("RecordState").and_then(Value::as_str);
    f.id == text(doc, "Id")
        && f.product_arn == text(doc, "ProductArn")
        && same_instant(&f.updated_at, text(doc, "UpdatedAt"))
        && state.is_none_or(|s| s == f.record_state)
}

fn same_instant(a: &str, b: &str) -> bool {
    let millis = |s: &str| {
        OffsetDateTime::parse(s, &Rfc3339)
            .ok()
            .map(|t| t.unix_timestamp_nanos() / 1_000_000)
    };
    a == b || matches!((millis(a), millis(b)), (Some(x), Some(y)) if x == y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_match_at_the_millisecond_aws_keeps() {
        assert!(same_instant(
            "2024-10-31T23:00:00.123Z",
            "2024-10-31T23:00:00.123456789Z"
        ));
        assert!(same_instant(
            "2024-10-31T23:00:00Z",
            "2024-11-01T00:00:00+01:00"
        ));
        assert!(!same_instant(
            "2024-10-31T23:00:00.124Z",
            "2024-10-31T23:00:00.123Z"
        ));
        assert!(same_instant("not a date", "not a date"));
    }

    #[test]
    fn small_imports_are_re_read_whole_and_large_ones_sampled() {
        assert_eq!(sample_size(250, 1000), 250);
        assert_eq!(sample_size(0, 1000), 0);
        assert_eq!(sample_size(100_000, 200), 200);
        assert_eq!(sample_size(250, 200), 125);
    }
}
