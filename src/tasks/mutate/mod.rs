//! The back half of the change pipeline, shared by every service: journal the intent,
//! dispatch the change to its service's executor (one module per service here), which
//! executes it and verifies it by re-reading AWS, journal the outcome, and hand back the
//! undo plan. Nothing is reported as succeeded that AWS did not confirm.

pub mod accessanalyzer;
mod fresh;
pub mod import;
mod interrupted;
pub mod iot;
pub mod observe;
mod permissions;
mod securityhub;
mod securityhub_v2;
pub mod wafv2;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;

use super::mode::WriteAccess;
use crate::aws::AwsClients;
use crate::aws::retry::{Pacer, RetryPolicy};
use crate::domain::combined::CombinedChange;
use crate::domain::plan::{Change, ChangeOutcome, ChangePlan, TargetFailure};
use crate::journal::{Entry, Journal, JournalContext};

/// Tunables; the defaults suit real AWS, tests shorten the waits.
#[derive(Debug, Clone)]
pub struct ExecutorOptions {
    /// Our retries of throttled calls, on top of the SDK's own.
    pub retry: RetryPolicy,
    /// How many times to re-read findings that do not show the new values yet
    /// (BatchUpdateFindings can take a while to become visible).
    pub verify_attempts: u32,
    /// Wait before the first re-read retry; doubles each time.
    pub verify_delay: Duration,
    /// `Note.UpdatedBy` for notes; empty: the caller identity's ARN (as the Security Hub
    /// console records it), or "secdeck" while that is unknown.
    pub note_author: String,
}

impl Default for ExecutorOptions {
    fn default() -> Self {
        ExecutorOptions {
            retry: RetryPolicy::default(),
            verify_attempts: 4,
            verify_delay: Duration::from_millis(500),
            note_author: "secdeck".to_string(),
        }
    }
}

/// The result of executing a plan, plus problems the user should hear about that are not
/// part of the AWS outcome (e.g. the outcome could not be journaled).
#[derive(Debug, Clone, PartialEq)]
pub struct Executed {
    pub outcome: ChangeOutcome,
    pub undo: Option<ChangePlan>,
    pub warnings: Vec<String>,
}

/// Executes change plans. Only constructible with a [`WriteAccess`].
#[derive(Debug)]
pub struct MutationExecutor {
    clients: AwsClients,
    journal: Journal,
    context: Mutex<JournalContext>,
    options: ExecutorOptions,
    pacer: Arc<Pacer>,
    /// WAF Create/Update requests, ~1/s per account.
    waf_pacer: Arc<Pacer>,
    /// Told (sent, total) as a long change (an audit import) progresses.
    progress: Option<ProgressFn>,
    /// The caller's ARN once STS has answered (notes' `UpdatedBy` by default).
    caller_arn: std::sync::OnceLock<String>,
}

/// A progress callback: (items done, items in all).
#[derive(Clone)]
pub struct ProgressFn(pub Arc<dyn Fn(usize, usize) + Send + Sync>);

impl std::fmt::Debug for ProgressFn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProgressFn")
    }
}

impl MutationExecutor {
    /// `context` names the session in the journal; if its caller ARN is unknown, the
    /// executor asks STS once before the first change.
    pub fn new(
        _access: WriteAccess,
        clients: AwsClients,
        journal: Journal,
        context: JournalContext,
        options: ExecutorOptions,
    ) -> Self {
        MutationExecutor {
            clients,
            journal,
            context: Mutex::new(context),
            options,
            pacer: Arc::new(Pacer::get_findings()),
            waf_pacer: Arc::new(wafv2::write_pacer()),
            progress: None,
            caller_arn: std::sync::OnceLock::new(),
        }
    }

    /// Uses `pacer` for GetFindings instead of AWS's default rate (one quota per account:
    /// share it with the effect runner).
    pub fn with_pacer(mut self, pacer: Arc<Pacer>) -> Self {
        self.pacer = pacer;
        self
    }

    /// Reports progress of long changes (audit imports) to `progress`.
    pub fn with_progress(mut self, progress: ProgressFn) -> Self {
        self.progress = Some(progress);
        self
    }

    /// The GetFindings pacer, to share with the effect runner (one quota per account).
    pub fn pacer(&self) -> Arc<Pacer> {
        self.pacer.clone()
    }

    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// Executes, verifies and journals `plan`; returns the outcome and the undo plan.
    pub async fn execute(&self, plan: ChangePlan) -> (ChangeOutcome, Option<ChangePlan>) {
        let executed = self.execute_reporting(plan).await;
        (executed.outcome, executed.undo)
    }

    /// As [`execute`](Self::execute), also returning warnings for the user.
    pub async fn execute_reporting(&self, plan: ChangePlan) -> Executed {
        // Holding the context lock for the whole run serialises changes, so journal
        // entries of two plans never interleave and verification reads are not confused.
        let mut ctx = self.context.lock().await;
        let mut warnings = Vec::new();
        self.ensure_identity(&mut ctx).await;

        // The fresh-state check reads only: a plan whose targets moved writes nothing
        // and leaves no intent behind.
        if let fresh::Fresh::Stop(outcome) = fresh::check(&self.observe_cx(), &plan).await {
            return Executed {
                outcome,
                undo: None,
                warnings,
            };
        }

        if let Err(e) = self.journal.append(&Entry::intent(&ctx, &plan)) {
            // No journal, no change: the audit trail comes first.
            let error = format!(
                "not executed: cannot write the journal {}: {e}",
                self.journal.path().display()
            );
            tracing::error!(plan = %plan.id, "{error}");
            return Executed {
                outcome: empty_outcome(&plan, Some(error)),
                undo: None,
                warnings,
            };
        }
        tracing::info!(plan = %plan.id, operation = plan.operation(), targets = plan.item_count(), "executing");

        let outcome = match &plan.change {
            Change::Combined(c) => self.execute_combined(&plan.id, c, &mut warnings).await,
            _ => self.execute_settled(&plan, &mut warnings).await,
        };
        tracing::info!(plan = %plan.id, summary = %outcome.summary(), "executed");

        if let Err(e) = self.journal.append(&Entry::outcome(&ctx, &plan, &outcome)) {
            let warning = format!(
                "the change was made but its outcome could not be journaled in {}: {e}",
                self.journal.path().display()
            );
            tracing::error!(plan = %plan.id, "{warning}");
            warnings.push(warning);
        }
        let undo = plan.undo(&outcome.succeeded, new_plan_id());
        Executed {
            outcome,
            undo,
            warnings,
        }
    }

    /// The steps of a combined change in order; a step that does not fully succeed stops
    /// the rest (the finding is not marked NOTIFIED for a block that did not happen).
    async fn execute_combined(
        &self,
        plan_id: &str,
        combined: &CombinedChange,
        warnings: &mut Vec<String>,
    ) -> ChangeOutcome {
        let mut total = ChangeOutcome {
            plan_id: plan_id.to_string(),
            succeeded: Vec::new(),
            failed: Vec::new(),
            unverified: Vec::new(),
            request_ids: Vec::new(),
            error: None,
            ..Default::default()
        };
        let mut stopped: Option<String> = None;
        for step in &combined.steps {
            let plan = ChangePlan::new(plan_id, step.clone());
            if let Some(why) = &stopped {
                total
                    .failed
                    .extend(plan.targets().into_iter().map(|target| TargetFailure {
                        target,
                        code: "NotAttempted".into(),
                        message: format!("not attempted: {why}"),
                    }));
                continue;
            }
            let outcome = match step {
                Change::Combined(_) => {
                    empty_outcome(&plan, Some("a combined change cannot nest".into()))
                }
                _ => self.execute_settled(&plan, warnings).await,
            };
            if !outcome.is_complete_success() {
                stopped = Some(format!("{} did not complete", plan.title()));
            }
            total.succeeded.extend(outcome.succeeded);
            total.failed.extend(outcome.failed);
            total.unverified.extend(outcome.unverified);
            total.request_ids.extend(outcome.request_ids);
            if total.error.is_none() {
                total.error = outcome.error.map(|e| format!("{}: {e}", plan.operation()));
            }
        }
        total
    }

    /// Asks STS who we are once, for the journal (caller and account).
    async fn ensure_identity(&self, ctx: &mut JournalContext) {
        if ctx.caller_arn.is_some() {
            return;
        }
        match crate::aws::sts::get_caller_identity(&self.clients.sts).await {
            Ok(id) => {
                let _ = self.caller_arn.set(id.arn.clone());
                ctx.caller_arn = Some(id.arn);
                ctx.account = Some(id.account);
            }
            Err(e) => tracing::warn!(error = %e, "caller identity unknown for the journal"),
        }
    }

    /// What a re-read of a change's targets borrows.
    fn observe_cx(&self) -> observe::ObserveCx<'_> {
        observe::ObserveCx {
            clients: &self.clients,
            pacer: &self.pacer,
            retry: &self.options.retry,
        }
    }

    /// One plain change, its outcome settled from AWS's state when the write met an error.
    async fn execute_settled(
        &self,
        plan: &ChangePlan,
        warnings: &mut Vec<String>,
    ) -> ChangeOutcome {
        let mut outcome = self.execute_change(plan, warnings).await;
        fresh::settle_after_error(&self.observe_cx(), plan, &mut outcome).await;
        outcome
    }

    /// One plain (not combined) change.
    async fn execute_change(&self, plan: &ChangePlan, warnings: &mut Vec<String>) -> ChangeOutcome {
        match &plan.change {
            Change::Combined(_) => {
                empty_outcome(plan, Some("a combined change cannot nest".into()))
            }
            Change::FindingsUpdate(update) => {
                let cx = securityhub::FindingsWrite {
                    client: &self.clients.securityhub,
                    pacer: &self.pacer,
                    options: &self.options,
                    note_author: self.note_author(),
                };
                securityhub::update_findings(&cx, &plan.id, update).await
            }
            Change::OcsfFindingsUpdate(update) => {
                securityhub_v2::update_findings(
                    &self.clients.securityhub,
                    &self.options,
                    &plan.id,
                    update,
                )
                .await
            }
            Change::FindingsImport(import) => {
                let cx = import::ImportContext {
                    clients: &self.clients,
                    pacer: &self.pacer,
                    retry: &self.options.retry,
                    progress: self.progress_fn(),
                    verify_at_most: import::VERIFY_ALL_UP_TO,
                };
                import::import_and_verify(&cx, &plan.id, &import.documents[..]).await
            }
            Change::IpSetUpdate(_) | Change::IpSetCreate(_) | Change::IpSetDelete(_) => {
                let cx = wafv2::WafWrite {
                    client: &self.clients.wafv2,
                    pacer: &self.waf_pacer,
                    retry: &self.options.retry,
                    plan_id: &plan.id,
                };
                let r = wafv2::execute(&cx, &plan.change).await;
                warnings.extend(r.warnings);
                r.outcome
            }
            Change::TrustPolicyDeny(_)
            | Change::TrustPolicyRollback(_)
            | Change::FindingsArchive(_)
            | Change::FindingsUnarchive(_)
            | Change::ArchiveRuleCreate(_)
            | Change::ArchiveRuleDelete(_)
            | Change::UnusedPermissions(_) => accessanalyzer::execute(&self.clients, plan)
                .await
                .unwrap_or_else(|| {
                    empty_outcome(plan, Some("not an Access Analyzer change".into()))
                }),
            Change::Iot(change) => {
                let cx = iot::IotContext {
                    clients: &self.clients,
                    pacer: &self.pacer,
                    retry: &self.options.retry,
                    progress: self.progress_fn(),
                };
                iot::execute(&cx, &plan.id, change).await
            }
        }
    }

    /// The progress callback of long changes (imports), or one that ignores it.
    fn progress_fn(&self) -> &(dyn Fn(usize, usize) + Send + Sync) {
        fn ignore(_: usize, _: usize) {}
        match &self.progress {
            Some(p) => p.0.as_ref(),
            None => &ignore,
        }
    }

    fn note_author(&self) -> &str {
        match self.options.note_author.as_str() {
            "" => self.caller_arn.get().map_or("secdeck", String::as_str),
            configured => configured,
        }
    }
}

fn empty_outcome(plan: &ChangePlan, error: Option<String>) -> ChangeOutcome {
    ChangeOutcome {
        plan_id: plan.id.clone(),
        succeeded: Vec::new(),
        failed: Vec::new(),
        unverified: Vec::new(),
        request_ids: Vec::new(),
        error,
        ..Default::default()
    }
}

/// One plan id outside a console session (headless commands, the executor's undo plans):
/// a UUIDv7, like the console's (see `domain::plan::PlanIds`).
pub fn new_plan_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The plan ids of a console session starting now: the clock and the OS random source,
/// read once here so `update()` stays free of both.
pub fn session_plan_ids() -> crate::domain::plan::PlanIds {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    let mut random = [0u8; 8];
    random.copy_from_slice(&uuid::Uuid::new_v4().as_bytes()[8..]);
    crate::domain::plan::PlanIds::new(ms, random)
}
