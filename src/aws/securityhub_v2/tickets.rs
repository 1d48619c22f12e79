//! Ticketing connectors (Jira Cloud, ServiceNow) and CreateTicketV2. A connector whose
//! status is not CONNECTED cannot take tickets: callers show that before sending anything.
//! `dry_run` asks AWS to check the request without opening a ticket (Mode DRYRUN).

use aws_sdk_securityhub::Client;
use aws_sdk_securityhub::types::TicketCreationMode;

use super::super::error::AwsError;
use super::super::pages::all_pages;
use super::super::retry::RetryPolicy;

pub const LIST_CONNECTORS: &str = "securityhub:ListConnectorsV2";
pub const CREATE_TICKET: &str = "securityhub:CreateTicketV2";

/// A connector as ListConnectorsV2 summarises it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connector {
    pub id: String,
    pub name: String,
    pub arn: Option<String>,
    pub description: Option<String>,
    /// `JIRA_CLOUD`, `SERVICENOW`, ...
    pub provider: String,
    /// `CONNECTED`, `FAILED_TO_CONNECT`, `PENDING_AUTHORIZATION`, ... (empty when unknown).
    pub status: String,
    pub enablement: Option<String>,
}

impl Connector {
    pub fn is_connected(&self) -> bool {
        self.status == "CONNECTED"
    }
}

/// Every connector, page after page.
pub async fn list_connectors(
    client: &Client,
    retry: &RetryPolicy,
) -> Result<Vec<Connector>, AwsError> {
    all_pages(LIST_CONNECTORS, retry, |token| async move {
        let out = client
            .list_connectors_v2()
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(LIST_CONNECTORS, e))?;
        let connectors = out
            .connectors()
            .iter()
            .map(|c| {
                let provider = c.provider_summary();
                Connector {
                    id: c.connector_id().unwrap_or_default().to_string(),
                    name: c.name().unwrap_or_default().to_string(),
                    arn: c.connector_arn().map(str::to_string),
                    description: c.description().map(str::to_string),
                    provider: provider
                        .and_then(|p| p.provider_name())
                        .map(|p| p.as_str().to_string())
                        .unwrap_or_default(),
                    status: provider
                        .and_then(|p| p.connector_status())
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                    enablement: c.enablement_status().map(|e| e.as_str().to_string()),
                }
            })
            .collect();
        Ok((connectors, out.next_token().map(str::to_string)))
    })
    .await
}

/// What CreateTicketV2 answered (for a dry run: the ticket that would be opened).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    pub id: String,
    pub url: Option<String>,
}

/// Opens (or with `dry_run`, checks) a ticket for the finding with this `metadata.uid`.
/// `client_token` makes a retried call open at most one ticket.
pub async fn create_ticket(
    client: &Client,
    connector_id: &str,
    finding_metadata_uid: &str,
    dry_run: bool,
    client_token: Option<String>,
) -> Result<Ticket, AwsError> {
    let out = client
        .create_ticket_v2()
        .connector_id(connector_id)
        .finding_metadata_uid(finding_metadata_uid)
        .set_mode(dry_run.then_some(TicketCreationMode::Dryrun))
        .set_client_token(client_token)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(CREATE_TICKET, e))?;
    Ok(Ticket {
        id: out.ticket_id().unwrap_or_default().to_string(),
        url: out.ticket_src_url().map(str::to_string),
    })
}
