//! CreateTicketV2 (the new Security Hub): one ticket per finding in the plan's connector,
//! each under a ClientToken made from the plan id (a retry opens at most one ticket), and
//! the re-read the fresh-state check compares: the connector's status (ListConnectorsV2)
//! and whether each finding is still there (GetFindingsV2). AWS has no call that reads a
//! ticket back: its answer (ticket id and URL) is the confirmation, journaled as such.

use crate::aws::retry::RetryPolicy;
use crate::aws::securityhub_v2::tickets;
use crate::domain::plan::{ChangeOutcome, Observed, Reread, Rereads, TargetFailure};
use crate::domain::ticket::{OpenedTicket, TicketCreate};

/// Opens the tickets, one finding after the other; a refusal fails that finding only.
pub async fn execute(
    client: &aws_sdk_securityhub::Client,
    plan_id: &str,
    change: &TicketCreate,
) -> ChangeOutcome {
    let mut outcome = ChangeOutcome {
        plan_id: plan_id.to_string(),
        ..Default::default()
    };
    for target in &change.targets {
        let uid = &target.metadata_uid;
        let token = change.client_token(plan_id, uid);
        match tickets::create_ticket(client, &change.connector.id, uid, false, Some(token)).await {
            Ok(ticket) => {
                tracing::info!(plan = plan_id, ticket = %ticket.id, "ticket opened");
                outcome.succeeded.push(uid.clone());
                outcome.tickets.push(OpenedTicket {
                    finding: uid.clone(),
                    ticket_id: ticket.id,
                    url: ticket.url,
                });
            }
            Err(e) => outcome.failed.push(TargetFailure {
                target: uid.clone(),
                code: e.code.clone().unwrap_or_else(|| "Error".into()),
                message: e.to_string(),
            }),
        }
    }
    if outcome.succeeded.is_empty() && !outcome.failed.is_empty() {
        outcome.error = Some(format!("no ticket opened: {}", outcome.failed[0].message));
    }
    outcome
}

/// The connector's status and each finding's presence, right now.
pub async fn reread(
    client: &aws_sdk_securityhub::Client,
    retry: &RetryPolicy,
    change: &TicketCreate,
) -> Rereads {
    let mut out = Rereads::new();
    let key = change.connector.reread_key();
    let connector = tickets::list_connectors(client, retry).await.map(|all| {
        all.into_iter()
            .find(|c| c.id == change.connector.id)
            .map_or(Observed::Absent, |c| Observed::Connector {
                status: c.status,
            })
    });
    out.insert(key, super::observe::settle(connector));
    let uids: Vec<String> = change
        .targets
        .iter()
        .map(|t| t.metadata_uid.clone())
        .collect();
    match tickets::existing_findings(client, &uids, retry).await {
        Ok(found) => {
            for uid in uids {
                let now = if found.contains(&uid) {
                    Observed::Present
                } else {
                    Observed::Absent
                };
                out.insert(uid, Reread::Found(now));
            }
        }
        Err(e) => {
            for uid in uids {
                out.insert(uid, Reread::Failed(e.to_string()));
            }
        }
    }
    out
}
