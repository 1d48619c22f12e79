//! Ticketing connectors (Jira Cloud, ServiceNow) and CreateTicketV2. A connector whose
//! status is not CONNECTED cannot take tickets: callers show that before sending anything.
//! `dry_run` asks AWS to check the request without opening a ticket (Mode DRYRUN).

use aws_sdk_securityhub::Client;
use aws_sdk_securityhub::types as sdk;
use aws_sdk_securityhub::types::TicketCreationMode;

use super::super::error::AwsError;
use super::super::pages::all_pages;
use super::super::retry::RetryPolicy;
use super::{OcsfQuery, get_all_findings};

pub const LIST_CONNECTORS: &str = "securityhub:ListConnectorsV2";
pub const CREATE_TICKET: &str = "securityhub:CreateTicketV2";
pub const GET_CONNECTOR: &str = "securityhub:GetConnectorV2";

pub use crate::domain::ticket::{Connector, Ticket};

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
                    health: None,
                }
            })
            .collect();
        Ok((connectors, out.next_token().map(str::to_string)))
    })
    .await
}

/// GetConnectorV2's Health.Message: why the connector is not CONNECTED, in AWS's words.
pub async fn connector_health(
    client: &Client,
    connector_id: &str,
) -> Result<Option<String>, AwsError> {
    let out = client
        .get_connector_v2()
        .connector_id(connector_id)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(GET_CONNECTOR, e))?;
    Ok(out.health().and_then(|h| h.message()).map(str::to_string))
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

/// GetFindingsV2 filters allow this many string filters in one composite.
const UIDS_PER_READ: usize = 20;

/// Which of these `metadata.uid`s GetFindingsV2 still returns (the fresh-state check
/// before tickets are opened): one read per 20 uids, ORed.
pub async fn existing_findings(
    client: &Client,
    uids: &[String],
    retry: &RetryPolicy,
) -> Result<Vec<String>, AwsError> {
    let mut found = Vec::new();
    for chunk in uids.chunks(UIDS_PER_READ) {
        let mut composite = sdk::CompositeFilter::builder().operator(sdk::AllowedOperators::Or);
        for uid in chunk {
            composite = composite.string_filters(
                sdk::OcsfStringFilter::builder()
                    .field_name(sdk::OcsfStringField::MetadataUid)
                    .filter(
                        sdk::StringFilter::builder()
                            .value(uid)
                            .comparison(sdk::StringFilterComparison::Equals)
                            .build(),
                    )
                    .build(),
            );
        }
        let query = OcsfQuery {
            filters: Some(
                sdk::OcsfFindingFilters::builder()
                    .composite_filters(composite.build())
                    .build(),
            ),
            ..OcsfQuery::default()
        };
        for doc in get_all_findings(client, &query, retry).await? {
            if let Some(uid) = doc["metadata"]["uid"].as_str() {
                found.push(uid.to_string());
            }
        }
    }
    Ok(found)
}
