//! Security Hub's part of the executor: BatchUpdateFindings on the edits, then re-reads
//! of the changed findings until each shows its new values (the update can take a while to
//! become visible) or the attempts run out.

use super::ExecutorOptions;
use crate::aws::retry::Pacer;
use crate::aws::securityhub::{self, BatchResult};
use crate::domain::finding::{Finding, FindingRef};
use crate::domain::plan::{
    ChangeOutcome, FindingEdit, FindingsUpdate, TargetFailure, TriageFields,
};

/// What the executor lends a findings update.
pub(super) struct FindingsWrite<'a> {
    pub client: &'a aws_sdk_securityhub::Client,
    /// GetFindings pacer for the verification reads (shared with the console's reads).
    pub pacer: &'a Pacer,
    pub options: &'a ExecutorOptions,
    /// `Note.UpdatedBy` for notes.
    pub note_author: &'a str,
}

pub(super) async fn update_findings(
    cx: &FindingsWrite<'_>,
    plan_id: &str,
    update: &FindingsUpdate,
) -> ChangeOutcome {
    let BatchResult {
        processed,
        unprocessed,
        request_ids,
        call_errors,
    } = securityhub::batch_update_findings(
        cx.client,
        &update.edits,
        cx.note_author,
        &cx.options.retry,
    )
    .await;
    // Only findings we asked to change count, whatever AWS echoes back.
    let processed: Vec<&FindingEdit> = update
        .edits
        .iter()
        .filter(|e| processed.contains(&e.finding))
        .collect();
    let unverified = verify(cx, &processed).await;
    // A call that failed as a whole may still have been applied (a lost answer): the
    // executor re-reads and settles its findings.
    let error = (!call_errors.is_empty()).then(|| {
        call_errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    });
    ChangeOutcome {
        plan_id: plan_id.to_string(),
        succeeded: processed.iter().map(|e| e.finding.id.clone()).collect(),
        failed: unprocessed
            .into_iter()
            .map(|(r, code, message)| TargetFailure {
                target: r.id,
                code,
                message,
            })
            .collect(),
        unverified,
        request_ids,
        error,
        ..Default::default()
    }
}

/// Re-reads the changed findings until each shows its new values or the attempts run
/// out; returns the ids that never did.
async fn verify(cx: &FindingsWrite<'_>, edits: &[&FindingEdit]) -> Vec<String> {
    let mut pending: Vec<&FindingEdit> = edits.to_vec();
    let mut delay = cx.options.verify_delay;
    for attempt in 0..cx.options.verify_attempts.max(1) {
        if attempt > 0 {
            tokio::time::sleep(delay).await;
            delay = delay.saturating_mul(2);
        }
        let refs: Vec<FindingRef> = pending.iter().map(|e| e.finding.clone()).collect();
        match securityhub::get_findings_by_ids(cx.client, &refs, cx.pacer, &cx.options.retry).await
        {
            Ok(found) => pending.retain(|e| {
                !found
                    .iter()
                    .any(|f| f.reference() == e.finding && shows(f, &e.after))
            }),
            Err(e) => tracing::warn!(error = %e, attempt, "verification read failed"),
        }
        if pending.is_empty() {
            break;
        }
    }
    pending.iter().map(|e| e.finding.id.clone()).collect()
}

/// Whether a re-read finding carries every value the edit set.
fn shows(f: &Finding, after: &TriageFields) -> bool {
    after.shown_by(&TriageFields::of_finding(f))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::finding::{Severity, WorkflowStatus};
    use serde_json::json;

    #[test]
    fn a_finding_shows_an_edit_only_if_every_set_field_matches() {
        let f = Finding::from_asff(json!({
            "Id": "a", "ProductArn": "p", "Workflow": {"Status": "NOTIFIED"},
            "Severity": {"Label": "LOW"}, "Note": {"Text": "seen", "UpdatedBy": "me"}
        }))
        .unwrap();
        let mut after = TriageFields {
            workflow: Some(WorkflowStatus::Notified),
            ..Default::default()
        };
        assert!(shows(&f, &after));
        after.note = Some("seen".into());
        assert!(shows(&f, &after));
        after.severity = Some(Severity::High);
        assert!(!shows(&f, &after));
    }
}
