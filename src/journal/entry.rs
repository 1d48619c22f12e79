//! A journal entry: who changed what, where, when, with the values before and after and
//! the full plan. Plain data (serde), no file I/O: [`super::file`] writes and reads it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;

use crate::domain::plan::{ChangeOutcome, ChangePlan, Resolves, TargetFailure};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    Intent,
    Outcome,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ResultStatus {
    Ok,
    Partial,
    Failed,
    /// Nothing is known applied and some targets' state is unknown (the write's answer
    /// was lost and a re-read could not tell): never `failed`.
    Unknown,
}

/// What happened, on an outcome entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalResult {
    pub status: ResultStatus,
    pub succeeded: Vec<String>,
    pub failures: Vec<TargetFailure>,
    /// Confirmed by AWS but not yet visible on re-read.
    pub unverified: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Targets a re-read after a failed write could not classify.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown: Vec<String>,
    /// The error the write met; `succeeded` / `failures` / `unknown` then say what a
    /// re-read found AWS holding (applied / not applied / unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub write_error: Option<String>,
    /// The tickets a CreateTicketV2 change opened: finding, ticket id and URL.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tickets: Vec<crate::domain::ticket::OpenedTicket>,
}

impl JournalResult {
    pub fn from_outcome(outcome: &ChangeOutcome) -> Self {
        let status = if outcome.is_complete_success() && !outcome.succeeded.is_empty() {
            ResultStatus::Ok
        } else if outcome.succeeded.is_empty() && !outcome.unknown.is_empty() {
            ResultStatus::Unknown
        } else if outcome.succeeded.is_empty() {
            ResultStatus::Failed
        } else {
            ResultStatus::Partial
        };
        JournalResult {
            status,
            succeeded: outcome.succeeded.clone(),
            failures: outcome.failed.clone(),
            unverified: outcome.unverified.clone(),
            error: outcome.error.clone(),
            unknown: outcome.unknown.clone(),
            write_error: outcome.write_error.clone(),
            tickets: outcome.tickets.clone(),
        }
    }
}

/// Who acted where: the session facts every entry carries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JournalContext {
    pub caller_arn: Option<String>,
    pub account: Option<String>,
    pub profile: Option<String>,
    pub region: String,
    pub endpoint: Option<String>,
}

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    #[serde(with = "time::serde::rfc3339")]
    pub time: OffsetDateTime,
    pub plan_id: String,
    pub phase: Phase,
    pub caller_arn: Option<String>,
    pub profile: Option<String>,
    pub account: Option<String>,
    pub region: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// `service:Operation`.
    pub operation: String,
    pub targets: Vec<String>,
    /// Target -> its values before / after, as the plan states them.
    pub before: BTreeMap<String, Value>,
    pub after: BTreeMap<String, Value>,
    pub aws_request_ids: Vec<String>,
    /// Absent on intent entries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<JournalResult>,
    /// The guardrails the user approved past with the override key.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub guardrails_overridden: Vec<String>,
    /// The failed proofs (Access Analyzer checks) the user approved past with the typed
    /// override word; every result is in `change.proofs`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proofs_overridden: Vec<String>,
    /// The interrupted plan this entry settles, and how (finish, undo, reviewed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolves: Option<Resolves>,
    /// The full plan, so a change can be replayed or undone from the journal.
    pub change: ChangePlan,
}

impl Entry {
    /// Written before anything is sent to AWS.
    pub fn intent(ctx: &JournalContext, plan: &ChangePlan) -> Entry {
        let values = plan.journal_values();
        Entry {
            time: now_utc(),
            plan_id: plan.id.clone(),
            phase: Phase::Intent,
            caller_arn: ctx.caller_arn.clone(),
            profile: ctx.profile.clone(),
            account: ctx.account.clone(),
            region: ctx.region.clone(),
            endpoint: ctx.endpoint.clone(),
            operation: plan.operation().to_string(),
            targets: plan.targets(),
            before: values.before,
            after: values.after,
            aws_request_ids: Vec::new(),
            result: None,
            guardrails_overridden: plan.overridden_guardrails().to_vec(),
            proofs_overridden: plan.overridden_proofs(),
            resolves: plan.resolves.clone(),
            change: plan.clone(),
        }
    }

    /// Written after execution and verification.
    pub fn outcome(ctx: &JournalContext, plan: &ChangePlan, outcome: &ChangeOutcome) -> Entry {
        Entry {
            phase: Phase::Outcome,
            aws_request_ids: outcome.request_ids.clone(),
            result: Some(JournalResult::from_outcome(outcome)),
            ..Entry::intent(ctx, plan)
        }
    }
}

fn now_utc() -> OffsetDateTime {
    // Whole microseconds keep the RFC 3339 text short and round-trip exactly.
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(now.nanosecond() / 1000 * 1000)
        .unwrap_or(now)
}

/// The intents that never got an outcome and that no later entry settles, written by this
/// profile in this region (and this account, when both sides know it): the interrupted
/// changes a session finds at start, oldest first.
pub fn interrupted<'a>(entries: &'a [Entry], ctx: &JournalContext) -> Vec<&'a Entry> {
    use std::collections::BTreeSet;
    // Settled: it has an outcome, or a later plan names it as the one it resolves.
    let closed: BTreeSet<&str> = entries
        .iter()
        .flat_map(|e| {
            let outcome = (e.phase == Phase::Outcome).then_some(e.plan_id.as_str());
            let resolves = e.resolves.as_ref().map(|r| r.plan_id.as_str());
            outcome.into_iter().chain(resolves)
        })
        .collect();
    let same_account = |e: &Entry| match (&e.account, &ctx.account) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    };
    entries
        .iter()
        .filter(|e| e.phase == Phase::Intent && !closed.contains(e.plan_id.as_str()))
        .filter(|e| e.profile == ctx.profile && e.region == ctx.region && same_account(e))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_result_with_nothing_known_applied_and_some_unknown_is_unknown_not_failed() {
        let settled = |succeeded: &[&str], unknown: &[&str]| {
            JournalResult::from_outcome(&ChangeOutcome {
                plan_id: "p".into(),
                succeeded: succeeded.iter().map(|s| s.to_string()).collect(),
                unknown: unknown.iter().map(|s| s.to_string()).collect(),
                error: Some("dispatch failure".into()),
                write_error: Some("dispatch failure".into()),
                ..Default::default()
            })
        };
        let r = settled(&[], &["a"]);
        assert_eq!(r.status, ResultStatus::Unknown);
        assert_eq!(r.unknown, ["a"]);
        assert_eq!(r.write_error.as_deref(), Some("dispatch failure"));
        assert_eq!(settled(&["a"], &["b"]).status, ResultStatus::Partial);
        assert_eq!(settled(&[], &[]).status, ResultStatus::Failed);
        let text = serde_json::to_string(&settled(&[], &["a"])).unwrap();
        assert!(text.contains(r#""status":"unknown""#), "{text}");
    }
}
