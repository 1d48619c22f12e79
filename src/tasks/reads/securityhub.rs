//! Security Hub reads (and the caller identity the status bar shows): a page of findings
//! paced under the GetFindings quota, and a finding's history. Results come back as
//! actions.

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

use crate::app::{Action, FindingsMsg, ReadRequest};
use crate::app::{FindingsRead, PaneMsg};
use crate::aws::AwsClients;
use crate::aws::retry::{Pacer, RetryPolicy, paced};
use crate::aws::securityhub::get_findings_page;
use crate::aws::securityhub_ocsf::get_ocsf_findings_page;

use super::findings_store::FindingsStore;

/// GetFindings page size (the API maximum).
pub const PAGE_SIZE: i32 = 100;

/// Starts `request` (a findings page, a finding's history or the caller identity) and
/// returns its task, so a newer findings request can abort an older one. Other requests
/// are not this module's: `None`, nothing started.
pub fn spawn(
    clients: &AwsClients,
    tx: &UnboundedSender<Action>,
    pacer: &Arc<Pacer>,
    retry: &RetryPolicy,
    store: Option<&Arc<FindingsStore>>,
    request: ReadRequest,
) -> Option<JoinHandle<()>> {
    let tx = tx.clone();
    let handle = match request {
        ReadRequest::CallerIdentity => {
            let sts = clients.sts.clone();
            tokio::spawn(async move {
                let result = crate::aws::sts::get_caller_identity(&sts)
                    .await
                    .map_err(|e| e.to_string());
                let _ = tx.send(Action::IdentityLoaded(result));
            })
        }
        ReadRequest::Findings(FindingsRead::Page {
            request,
            filters,
            sort,
            next_token,
        }) => {
            let read = TablePage::new(clients, store, request, sort);
            read.spawn(tx, (pacer, retry), PageFilter::Asff(filters), next_token)
        }
        ReadRequest::Findings(FindingsRead::OcsfPage {
            request,
            filters,
            scope,
            sort,
            next_token,
            group_field,
        }) => {
            if next_token.is_none() {
                // A new load: Security Hub counts it while the first page is on its way.
                let client = &clients.securityhub;
                spawn_ocsf_counts(client, &tx, retry, request, &filters, scope.clone());
            }
            if let Some(field) = group_field {
                let (filters, scope) = (filters.clone(), scope.clone());
                let groups = FindingsRead::OcsfGroups {
                    request,
                    filters,
                    scope,
                    field,
                };
                spawn(
                    clients,
                    &tx,
                    pacer,
                    retry,
                    store,
                    ReadRequest::Findings(groups),
                );
            }
            let read = TablePage::new(clients, store, request, sort);
            read.spawn(
                tx,
                (pacer, retry),
                PageFilter::Ocsf(filters, scope),
                next_token,
            )
        }
        ReadRequest::Findings(FindingsRead::OcsfOpen {
            request,
            filters,
            sort,
        }) => {
            let (clients, store) = (clients.clone(), store?.clone());
            // The strip's counts come from Security Hub as on a load without the store.
            spawn_ocsf_counts(&clients.securityhub, &tx, retry, request, &filters, None);
            answer_pane(tx, async move {
                store.open_ocsf(&clients, request, &filters, sort).await
            })
        }
        ReadRequest::Findings(FindingsRead::OcsfDelta {
            request,
            filters,
            sort,
        }) => {
            let (clients, store) = (clients.clone(), store?.clone());
            let (pacer, retry) = (pacer.clone(), retry.clone());
            answer_pane(tx, async move {
                let paced = (&*pacer, &retry);
                store
                    .delta_ocsf(&clients, paced, request, filters, sort)
                    .await
            })
        }
        ReadRequest::Findings(FindingsRead::OcsfGroups {
            request,
            filters,
            scope,
            field,
        }) => {
            let client = clients.securityhub.clone();
            tokio::spawn(async move {
                let result = crate::aws::securityhub_ocsf::group_counts(
                    &client,
                    &filters,
                    scope.as_ref(),
                    field,
                )
                .await
                .map_err(|e| e.to_string());
                let field = field.to_string();
                let msg = FindingsMsg::OcsfGroupCounts {
                    request,
                    field,
                    result,
                };
                let _ = tx.send(Action::Pane(PaneMsg::Findings(msg)));
            })
        }
        ReadRequest::Findings(FindingsRead::OcsfFinding { uid, scope }) => {
            let client = clients.securityhub.clone();
            tokio::spawn(async move {
                let result =
                    crate::aws::securityhub_ocsf::finding_by_uid(&client, &uid, scope.as_ref())
                        .await
                        .map(|found| found.map(Box::new))
                        .map_err(|e| e.to_string());
                let msg = FindingsMsg::ContributingLoaded { uid, result };
                let _ = tx.send(Action::Pane(PaneMsg::Findings(msg)));
            })
        }
        ReadRequest::Findings(FindingsRead::Hubs) => {
            let client = clients.securityhub.clone();
            tokio::spawn(async move {
                let hubs = crate::aws::securityhub_ocsf::detect_hubs(&client).await;
                let _ = tx.send(Action::Pane(PaneMsg::Findings(FindingsMsg::HubsDetected(
                    hubs,
                ))));
            })
        }
        ReadRequest::Findings(FindingsRead::Open {
            request,
            filters,
            sort,
        }) => {
            let (clients, store) = (clients.clone(), store?.clone());
            answer_pane(tx, async move {
                store.open_view(&clients, request, filters, sort).await
            })
        }
        ReadRequest::Findings(FindingsRead::Delta {
            request,
            filters,
            sort,
        }) => {
            let (clients, store) = (clients.clone(), store?.clone());
            let (pacer, retry) = (pacer.clone(), retry.clone());
            answer_pane(tx, async move {
                store
                    .delta(&clients, &pacer, &retry, request, filters, sort)
                    .await
            })
        }
        ReadRequest::Findings(FindingsRead::Reread { filters, refs }) => {
            let (clients, store) = (clients.clone(), store?.clone());
            let (pacer, retry) = (pacer.clone(), retry.clone());
            tokio::spawn(async move {
                let done = store.reread(&clients, &pacer, &retry, filters, refs).await;
                if let Err(e) = done {
                    tracing::warn!(error = %e, "findings store: changed findings not re-read");
                }
                // A store-backed table reads its window again (the re-read values, rows
                // that left the view gone).
                let _ = tx.send(Action::Pane(PaneMsg::Findings(FindingsMsg::StoreChanged)));
            })
        }
        ReadRequest::Findings(FindingsRead::History { finding }) => {
            let client = clients.securityhub.clone();
            tokio::spawn(async move {
                let result =
                    crate::aws::securityhub_history::get_finding_history(&client, &finding)
                        .await
                        .map_err(|e| e.to_string());
                let _ = tx.send(Action::Pane(PaneMsg::Findings(
                    FindingsMsg::HistoryLoaded {
                        finding_id: finding.id,
                        result,
                    },
                )));
            })
        }
        _ => return None,
    };
    Some(handle)
}

/// Runs a findings-store read and hands its answer to the findings pane.
fn answer_pane(
    tx: UnboundedSender<Action>,
    answer: impl std::future::Future<Output = FindingsMsg> + Send + 'static,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let _ = tx.send(Action::Pane(PaneMsg::Findings(answer.await)));
    })
}

/// The server-side filter of a table page: which API reads it, which store view keeps it.
#[derive(Debug, Clone)]
enum PageFilter {
    Asff(crate::domain::filter::FindingFilters),
    /// An organization scope's pages are not kept: the store's views have no scope.
    Ocsf(
        crate::domain::ocsf_filter::OcsfFilters,
        Option<crate::domain::org_scope::OrgScope>,
    ),
}

/// A page of the findings table's load (either API): fetched under the pacer and, in a
/// session with a findings store, kept in it as it arrives (the table's full fetch).
struct TablePage {
    clients: AwsClients,
    store: Option<Arc<FindingsStore>>,
    request: u64,
    sort: Vec<crate::domain::filter::SortCriterion>,
}

impl TablePage {
    fn new(
        clients: &AwsClients,
        store: Option<&Arc<FindingsStore>>,
        request: u64,
        sort: Vec<crate::domain::filter::SortCriterion>,
    ) -> Arc<TablePage> {
        Arc::new(TablePage {
            clients: clients.clone(),
            store: store.cloned(),
            request,
            sort,
        })
    }

    fn spawn(
        self: Arc<Self>,
        tx: UnboundedSender<Action>,
        (pacer, retry): (&Arc<Pacer>, &RetryPolicy),
        filter: PageFilter,
        next_token: Option<String>,
    ) -> JoinHandle<()> {
        let request = self.request;
        spawn_page(tx, pacer, retry, request, next_token, move |token| {
            let (page, filter) = (self.clone(), filter.clone());
            async move { page.fetch_and_keep(&filter, token).await }
        })
    }

    async fn fetch_and_keep(
        &self,
        filter: &PageFilter,
        token: Option<String>,
    ) -> Result<crate::aws::securityhub::FindingsPage, crate::aws::error::AwsError> {
        let started = time::OffsetDateTime::now_utc();
        let first = token.is_none();
        let (client, sort) = (&self.clients.securityhub, &self.sort);
        let page = match filter {
            PageFilter::Asff(f) => get_findings_page(client, f, sort, token, PAGE_SIZE).await,
            PageFilter::Ocsf(f, scope) => {
                let scope = scope.as_ref();
                get_ocsf_findings_page(client, f, scope, sort, token, PAGE_SIZE).await
            }
        };
        if let (Some(store), Ok(p)) = (&self.store, &page) {
            let kept = (first, &p.findings[..], p.next_token.is_none());
            let (clients, request) = (&self.clients, self.request);
            match filter {
                PageFilter::Asff(f) => store.keep_page(clients, request, f, kept, started).await,
                PageFilter::Ocsf(_, Some(_)) => {}
                PageFilter::Ocsf(f, None) => {
                    store
                        .keep_ocsf_page(clients, request, f, kept, started)
                        .await
                }
            }
        }
        page
    }
}

/// One findings page (either API) fetched under the pacer, answered as `Page` or
/// `PageFailed`.
fn spawn_page<Fut>(
    tx: UnboundedSender<Action>,
    pacer: &Arc<Pacer>,
    retry: &RetryPolicy,
    request: u64,
    next_token: Option<String>,
    fetch: impl Fn(Option<String>) -> Fut + Send + Sync + 'static,
) -> JoinHandle<()>
where
    Fut: std::future::Future<
            Output = Result<crate::aws::securityhub::FindingsPage, crate::aws::error::AwsError>,
        > + Send,
{
    let (pacer, retry) = (pacer.clone(), retry.clone());
    tokio::spawn(async move {
        let result = paced(&pacer, &retry, || fetch(next_token.clone())).await;
        let _ = tx.send(page_action(request, result, next_token));
    })
}

/// A page (either API) or its failure, for the findings pane.
fn page_action(
    request: u64,
    result: Result<crate::aws::securityhub::FindingsPage, crate::aws::error::AwsError>,
    next_token: Option<String>,
) -> Action {
    let msg = match result {
        Ok(page) => FindingsMsg::Page {
            request,
            findings: page.findings,
            next_token: page.next_token,
        },
        Err(e) => FindingsMsg::PageFailed {
            request,
            error: e.to_string(),
            next_token,
        },
    };
    Action::Pane(PaneMsg::Findings(msg))
}

/// GetFindingStatisticsV2 for an OCSF load, answered as `OcsfCounts`, then the trend
/// (GetFindingsTrendsV2) as `OcsfTrend`: the counts come first and do not wait for it.
/// Not aborted with the page task: a stale answer is dropped by its request id.
fn spawn_ocsf_counts(
    client: &aws_sdk_securityhub::Client,
    tx: &UnboundedSender<Action>,
    retry: &RetryPolicy,
    request: u64,
    filters: &crate::domain::ocsf_filter::OcsfFilters,
    scope: Option<crate::domain::org_scope::OrgScope>,
) {
    let (client, tx, retry, filters) = (client.clone(), tx.clone(), retry.clone(), filters.clone());
    tokio::spawn(async move {
        use crate::aws::securityhub_ocsf::{ocsf_counts, ocsf_trend};
        let result = ocsf_counts(&client, &filters, scope.as_ref())
            .await
            .map_err(|e| e.to_string());
        let counted = result.is_ok();
        let msg = FindingsMsg::OcsfCounts { request, result };
        let _ = tx.send(Action::Pane(PaneMsg::Findings(msg)));
        if counted {
            let trend = ocsf_trend(&client, &retry).await;
            let msg = FindingsMsg::OcsfTrend { request, trend };
            let _ = tx.send(Action::Pane(PaneMsg::Findings(msg)));
        }
    });
}
