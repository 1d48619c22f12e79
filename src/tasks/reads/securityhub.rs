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
            let clients = clients.clone();
            let (pacer, retry, store) = (pacer.clone(), retry.clone(), store.cloned());
            tokio::spawn(async move {
                let started = time::OffsetDateTime::now_utc();
                let result = paced(&pacer, &retry, || {
                    get_findings_page(
                        &clients.securityhub,
                        &filters,
                        &sort,
                        next_token.clone(),
                        PAGE_SIZE,
                    )
                })
                .await;
                if let (Some(store), Ok(page)) = (&store, &result) {
                    let first = next_token.is_none();
                    let page = (first, &page.findings[..], page.next_token.is_none());
                    store
                        .keep_page(&clients, request, &filters, page, started)
                        .await;
                }
                let action = match result {
                    Ok(page) => Action::Pane(PaneMsg::Findings(FindingsMsg::Page {
                        request,
                        findings: page.findings,
                        next_token: page.next_token,
                    })),
                    Err(e) => Action::Pane(PaneMsg::Findings(FindingsMsg::PageFailed {
                        request,
                        error: e.to_string(),
                        next_token,
                    })),
                };
                let _ = tx.send(action);
            })
        }
        ReadRequest::Findings(FindingsRead::Open {
            request,
            filters,
            sort,
        }) => {
            let (clients, store) = (clients.clone(), store?.clone());
            tokio::spawn(async move {
                let msg = store.open_view(&clients, request, filters, sort).await;
                let _ = tx.send(Action::Pane(PaneMsg::Findings(msg)));
            })
        }
        ReadRequest::Findings(FindingsRead::Delta {
            request,
            filters,
            sort,
        }) => {
            let (clients, store) = (clients.clone(), store?.clone());
            let (pacer, retry) = (pacer.clone(), retry.clone());
            tokio::spawn(async move {
                let msg = store
                    .delta(&clients, &pacer, &retry, request, filters, sort)
                    .await;
                let _ = tx.send(Action::Pane(PaneMsg::Findings(msg)));
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
