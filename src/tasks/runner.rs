//! Runs `Effect`s on tokio and sends the results back as `Action`s: reads go to their
//! service's module in `reads/`, changes to the mutation executor (when the session has
//! one). One task per effect; a newer findings request aborts the task of an older one.

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

use super::mode::Capability;
use super::mutate::{MutationExecutor, ProgressFn};
use super::reads;
use super::reads::findings_store::{FindingsStore, StoreContext};
use crate::app::interrupted::{InterruptedEffect, InterruptedMsg};
use crate::app::{Action, Effect, NotifyLevel, ReadRequest};
use crate::app::{AnalyzerRead, FindingsRead, IpSetsRead, PaneMsg};
use crate::aws::AwsClients;
use crate::aws::retry::{Pacer, RetryPolicy};
use crate::domain::plan::ChangePlan;

pub struct EffectRunner {
    clients: AwsClients,
    tx: UnboundedSender<Action>,
    executor: Option<Arc<MutationExecutor>>,
    pacer: Arc<Pacer>,
    retry: RetryPolicy,
    /// The running findings request: (request number, task).
    findings: Option<(u64, JoinHandle<()>)>,
    /// The session's findings store, when it keeps one.
    store: Option<Arc<FindingsStore>>,
}

impl EffectRunner {
    pub fn new(clients: AwsClients, tx: UnboundedSender<Action>, capability: Capability) -> Self {
        let executor = match capability {
            Capability::ReadOnly => None,
            Capability::ReadWrite(executor) => {
                // Long changes (audit imports) report progress to the pane.
                let progress_tx = tx.clone();
                let progress = ProgressFn(Arc::new(move |sent, total| {
                    let _ = progress_tx.send(Action::Pane(PaneMsg::Audits(Box::new(
                        crate::app::panes::audits::AuditsMsg::ImportProgress { sent, total },
                    ))));
                }));
                Some(Arc::new(executor.with_progress(progress)))
            }
        };
        let pacer = executor
            .as_ref()
            .map_or_else(|| Arc::new(Pacer::get_findings()), |e| e.pacer());
        EffectRunner {
            clients,
            tx,
            executor,
            pacer,
            retry: RetryPolicy::default(),
            findings: None,
            store: None,
        }
    }

    /// Keeps findings in (and opens the table from) the store described by `context`.
    pub fn with_findings_store(mut self, context: Option<StoreContext>) -> Self {
        self.store = context.map(FindingsStore::new);
        self
    }

    /// Paces GetFindings with `pacer` (e.g. unlimited for a sandbox without quotas).
    pub fn with_pacer(mut self, pacer: Arc<Pacer>) -> Self {
        self.pacer = pacer;
        self
    }

    pub fn is_read_only(&self) -> bool {
        self.executor.is_none()
    }

    /// Starts `effect` (must be called inside a tokio runtime). Effects that are not about
    /// AWS (`LoadTheme`, `Quit`) are handed back for the caller to handle.
    pub fn run(&mut self, effect: Effect) -> Option<Effect> {
        match effect {
            Effect::Read(request) => self.read(request),
            Effect::Mutate(plan) => self.mutate(plan),
            Effect::Interrupted(effect) => self.interrupted(effect),
            other @ (Effect::LoadTheme(_)
            | Effect::LoadJournal
            | Effect::RememberAnalyzer { .. }
            | Effect::Quit
            | Effect::ExportFindings { .. }
            | Effect::Copy(_)
            | Effect::OpenUrl(_)) => return Some(other),
        }
        None
    }

    /// Starts a read in its service's module; the answer comes back as an action.
    fn read(&mut self, request: ReadRequest) {
        match request {
            read @ ReadRequest::Findings(
                FindingsRead::Page { request, .. }
                | FindingsRead::OcsfPage { request, .. }
                | FindingsRead::Open { request, .. }
                | FindingsRead::Delta { request, .. }
                | FindingsRead::OcsfOpen { request, .. }
                | FindingsRead::OcsfDelta { request, .. },
            ) => {
                // A newer request for the table supersedes the running one.
                if let Some((old, handle)) = self.findings.take()
                    && old != request
                {
                    handle.abort();
                }
                let handle = reads::securityhub::spawn(
                    &self.clients,
                    &self.tx,
                    &self.pacer,
                    &self.retry,
                    self.store.as_ref(),
                    read,
                );
                self.findings = handle.map(|handle| (request, handle));
            }
            ReadRequest::Findings(
                read @ (FindingsRead::Window { .. }
                | FindingsRead::Counts { .. }
                | FindingsRead::Rows { .. }),
            ) => {
                if let Some(store) = &self.store {
                    reads::findings_window::spawn(&self.clients, &self.tx, store, read);
                }
            }
            read @ (ReadRequest::CallerIdentity
            | ReadRequest::Findings(
                FindingsRead::History { .. }
                | FindingsRead::Reread { .. }
                | FindingsRead::Hubs
                | FindingsRead::OcsfGroups { .. }
                | FindingsRead::OcsfFinding { .. },
            )) => {
                let (clients, tx, pacer) = (&self.clients, &self.tx, &self.pacer);
                let store = self.store.as_ref();
                reads::securityhub::spawn(clients, tx, pacer, &self.retry, store, read);
            }
            ReadRequest::Findings(FindingsRead::Connectors) => {
                reads::tickets::spawn_connectors(&self.clients.securityhub, &self.tx, &self.retry);
            }
            ReadRequest::Findings(FindingsRead::TicketDryRun { connector, targets }) => {
                let client = &self.clients.securityhub;
                reads::tickets::spawn_dry_run(client, &self.tx, connector, targets);
            }
            ReadRequest::IpSets(IpSetsRead::Sets { request, scope }) => {
                let (client, tx) = (self.clients.wafv2.clone(), self.tx.clone());
                tokio::spawn(async move {
                    let result = reads::wafv2::load_ip_sets(&client, scope).await;
                    let _ = tx.send(Action::Pane(PaneMsg::IpSets(
                        crate::app::IpSetsMsg::Loaded { request, result },
                    )));
                });
            }
            ReadRequest::IpSets(IpSetsRead::IpRanges { request, source }) => {
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    let result = reads::ip_ranges::load(&source).map(std::sync::Arc::new);
                    let _ = tx.send(Action::Pane(PaneMsg::IpSets(
                        crate::app::IpSetsMsg::IpRangesLoaded { request, result },
                    )));
                });
            }
            ReadRequest::IpSets(IpSetsRead::AddressFile { set_id, path }) => {
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    let full = reads::ip_ranges::expand_home(&path);
                    let result =
                        crate::bounded::read_to_string(&full, crate::bounded::ADDRESS_FILE)
                            .map_err(|e| format!("cannot read {e}"));
                    let _ = tx.send(Action::Pane(PaneMsg::IpSets(
                        crate::app::IpSetsMsg::AddressFileLoaded {
                            set_id,
                            path,
                            result,
                        },
                    )));
                });
            }
            request @ (ReadRequest::Analyzer(AnalyzerRead::Analyzers)
            | ReadRequest::Analyzer(AnalyzerRead::Findings { .. })
            | ReadRequest::Analyzer(AnalyzerRead::TrustPolicy { .. })
            | ReadRequest::Analyzer(AnalyzerRead::ArchiveRules { .. })
            | ReadRequest::Analyzer(AnalyzerRead::FindingPoll { .. })
            | ReadRequest::Analyzer(AnalyzerRead::Proofs(_))
            | ReadRequest::Analyzer(AnalyzerRead::Recommendation { .. })) => {
                reads::accessanalyzer::spawn(&self.clients, &self.tx, request);
            }
            ReadRequest::Audits(read) => {
                let region = self
                    .clients
                    .iot
                    .config()
                    .region()
                    .map(|r| r.to_string())
                    .unwrap_or_default();
                tokio::spawn(reads::iot::run(
                    self.clients.clone(),
                    read,
                    region,
                    self.pacer.clone(),
                    self.tx.clone(),
                ));
            }
        }
    }

    /// Hands `plan` to the mutation executor; a read-only session has none, so the change
    /// is refused here and the user told.
    /// Interrupted changes: found and re-read, or one marked reviewed, by the executor
    /// (a read-only session has none and looks for none).
    fn interrupted(&self, effect: InterruptedEffect) {
        let Some(executor) = self.executor.clone() else {
            return;
        };
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let msg = match effect {
                InterruptedEffect::Find => InterruptedMsg::Found(executor.interrupted().await),
                InterruptedEffect::MarkReviewed(change) => InterruptedMsg::Reviewed {
                    plan_id: change.plan.id.clone(),
                    result: executor.mark_reviewed(&change).await,
                },
            };
            let _ = tx.send(Action::Interrupted(msg));
        });
    }

    fn mutate(&self, plan: ChangePlan) {
        let Some(executor) = self.executor.clone() else {
            tracing::warn!(plan = %plan.id, operation = plan.operation(), "read-only session: change dropped");
            let _ = self.tx.send(Action::Notify {
                level: NotifyLevel::Error,
                message: format!("read-only session: not executed: {}", plan.title()),
            });
            return;
        };
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let executed = executor.execute_reporting(plan).await;
            for message in executed.warnings {
                let _ = tx.send(Action::Notify {
                    level: NotifyLevel::Warning,
                    message,
                });
            }
            let _ = tx.send(Action::ChangeFinished {
                outcome: Box::new(executed.outcome),
                undo: executed.undo,
            });
        });
    }
}

impl Drop for EffectRunner {
    fn drop(&mut self) {
        if let Some((_, handle)) = self.findings.take() {
            handle.abort();
        }
    }
}
