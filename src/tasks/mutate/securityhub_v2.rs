//! The new Security Hub's part of the executor: BatchUpdateFindingsV2 on OCSF findings,
//! one call per 100 findings that take the same values (an undo gives each finding its
//! own old values back, so its calls group by them), then re-reads through GetFindingsV2
//! until each changed finding shows its new values or the attempts run out.

use std::collections::BTreeMap;

use serde_json::Value;

use super::ExecutorOptions;
use crate::aws::AwsError;
use crate::aws::retry::{RetryPolicy, retry_throttled};
use crate::aws::securityhub_v2::triage::{self, MAX_BATCH, OcsfChanges, OcsfTarget};
use crate::domain::ocsf_triage::OcsfTriage;
use crate::domain::plan::{ChangeOutcome, OcsfEdit, OcsfFindingsUpdate, TargetFailure};

pub(super) async fn update_findings(
    client: &aws_sdk_securityhub::Client,
    options: &ExecutorOptions,
    plan_id: &str,
    update: &OcsfFindingsUpdate,
) -> ChangeOutcome {
    let mut outcome = ChangeOutcome {
        plan_id: plan_id.to_string(),
        ..Default::default()
    };
    let mut call_errors: Vec<String> = Vec::new();
    let mut by_values: Vec<(&OcsfTriage, Vec<&OcsfEdit>)> = Vec::new();
    for e in &update.edits {
        match by_values.iter_mut().find(|(after, _)| **after == e.after) {
            Some((_, edits)) => edits.push(e),
            None => by_values.push((&e.after, vec![e])),
        }
    }
    for (after, edits) in by_values {
        let changes = OcsfChanges {
            status_id: after.status_id,
            severity_id: after.severity_id,
            comment: after.comment.clone(),
        };
        for batch in edits.chunks(MAX_BATCH) {
            let targets: Vec<OcsfTarget> = batch
                .iter()
                .map(|e| OcsfTarget::MetadataUid(e.uid.clone()))
                .collect();
            let result = retry_throttled(&options.retry, || {
                triage::batch_update(client, &targets, &changes)
            })
            .await;
            match result {
                Ok(r) => {
                    outcome.request_ids.extend(r.request_id);
                    // Only findings we asked to change count, whatever AWS echoes back.
                    let asked = |t: &OcsfTarget| match t {
                        OcsfTarget::MetadataUid(uid) => batch.iter().any(|e| e.uid == *uid),
                        OcsfTarget::Identifier { .. } => false,
                    };
                    outcome
                        .succeeded
                        .extend(r.processed.iter().filter(|t| asked(t)).filter_map(uid_of));
                    outcome.failed.extend(
                        r.unprocessed.into_iter().filter(|(t, ..)| asked(t)).map(
                            |(t, code, message)| TargetFailure {
                                target: uid_of(&t).unwrap_or_default(),
                                code,
                                message,
                            },
                        ),
                    );
                }
                // The call may still have been applied (a lost answer): the executor
                // re-reads and settles its findings.
                Err(e) => call_errors.push(e.to_string()),
            }
        }
    }
    let changed: Vec<&OcsfEdit> = update
        .edits
        .iter()
        .filter(|e| outcome.succeeded.contains(&e.uid))
        .collect();
    outcome.unverified = verify(client, options, &changed).await;
    outcome.error = (!call_errors.is_empty()).then(|| call_errors.join("; "));
    outcome
}

fn uid_of(t: &OcsfTarget) -> Option<String> {
    match t {
        OcsfTarget::MetadataUid(uid) => Some(uid.clone()),
        OcsfTarget::Identifier { .. } => None,
    }
}

/// Each finding's values now, by `metadata.uid` (GetFindingsV2).
pub(super) async fn read_now(
    client: &aws_sdk_securityhub::Client,
    retry: &RetryPolicy,
    uids: &[String],
) -> Result<BTreeMap<String, OcsfTriage>, AwsError> {
    let docs = triage::get_by_uids(client, uids, retry).await?;
    Ok(docs
        .iter()
        .filter_map(|d| {
            let uid = d.pointer("/metadata/uid").and_then(Value::as_str)?;
            Some((uid.to_string(), OcsfTriage::of_ocsf(d)))
        })
        .collect())
}

/// Re-reads the changed findings until each shows its new values or the attempts run
/// out; returns the uids that never did.
async fn verify(
    client: &aws_sdk_securityhub::Client,
    options: &ExecutorOptions,
    edits: &[&OcsfEdit],
) -> Vec<String> {
    let mut pending: Vec<&OcsfEdit> = edits.to_vec();
    let mut delay = options.verify_delay;
    for attempt in 0..options.verify_attempts.max(1) {
        if pending.is_empty() {
            break;
        }
        if attempt > 0 {
            tokio::time::sleep(delay).await;
            delay = delay.saturating_mul(2);
        }
        let uids: Vec<String> = pending.iter().map(|e| e.uid.clone()).collect();
        match read_now(client, &options.retry, &uids).await {
            Ok(now) => pending.retain(|e| now.get(&e.uid).is_none_or(|t| e.after.changes(t))),
            Err(e) => tracing::warn!(error = %e, attempt, "verification read failed"),
        }
    }
    pending.iter().map(|e| e.uid.clone()).collect()
}
