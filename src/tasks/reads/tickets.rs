//! The ticket flow's calls before approval: ListConnectorsV2 for the picker (with
//! GetConnectorV2's health message for each connector that is not CONNECTED), and
//! CreateTicketV2 Mode=DRYRUN per finding, whose answers are the preview (AWS checks the
//! connector and the finding and opens nothing). Answers come back as findings messages.

use tokio::sync::mpsc::UnboundedSender;

use crate::app::{Action, FindingsMsg, PaneMsg};
use crate::aws::retry::RetryPolicy;
use crate::aws::securityhub_v2::tickets;
use crate::domain::ticket::{Connector, DryRun, TicketCreate, TicketTarget};

pub fn spawn_connectors(
    client: &aws_sdk_securityhub::Client,
    tx: &UnboundedSender<Action>,
    retry: &RetryPolicy,
) {
    let (client, tx, retry) = (client.clone(), tx.clone(), retry.clone());
    tokio::spawn(async move {
        let mut result = tickets::list_connectors(&client, &retry)
            .await
            .map_err(|e| e.to_string());
        // Why a connector fails, in AWS's words (the picker shows it before anything is sent).
        for c in result.iter_mut().flatten().filter(|c| !c.is_connected()) {
            match tickets::connector_health(&client, &c.id).await {
                Ok(message) => c.health = message,
                Err(e) => tracing::warn!(connector = %c.id, error = %e, "GetConnectorV2"),
            }
        }
        let _ = tx.send(Action::Pane(PaneMsg::Findings(FindingsMsg::Connectors(
            result,
        ))));
    });
}

pub fn spawn_dry_run(
    client: &aws_sdk_securityhub::Client,
    tx: &UnboundedSender<Action>,
    connector: Connector,
    targets: Vec<TicketTarget>,
) {
    let (client, tx) = (client.clone(), tx.clone());
    tokio::spawn(async move {
        let mut dry_runs = Vec::new();
        for t in &targets {
            let answer =
                tickets::create_ticket(&client, &connector.id, &t.metadata_uid, true, None)
                    .await
                    .map_err(|e| e.to_string());
            dry_runs.push(DryRun {
                metadata_uid: t.metadata_uid.clone(),
                answer,
            });
        }
        let change = TicketCreate::from_dry_runs(connector, targets, dry_runs);
        let _ = tx.send(Action::Pane(PaneMsg::Findings(FindingsMsg::TicketDryRun(
            Box::new(change),
        ))));
    });
}
