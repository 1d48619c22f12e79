//! ListConnectorsV2 (filters by provider, connector and enablement status; paged),
//! GetConnectorV2 (health: why a connector is not CONNECTED) and
//! CreateTicketV2: the connector must exist (404) and be CONNECTED (409 ConflictException
//! otherwise), the finding must exist (404); Mode DRYRUN checks all that and opens nothing.
//! A ClientToken seen before returns the ticket it opened.

use serde_json::{Value, json};

use super::filter::validation;
use super::world::V2Store;
use crate::sandbox::protocol::ServiceError;

pub(crate) fn list_connectors(v2: &V2Store, params: &Value) -> Result<Value, ServiceError> {
    let max: usize = match params["MaxResults"].as_str() {
        None => 100,
        Some(n) => n
            .parse()
            .ok()
            .filter(|n| (1..=100).contains(n))
            .ok_or_else(|| validation("MaxResults must be 1 to 100"))?,
    };
    let offset: usize = match params["NextToken"].as_str() {
        None => 0,
        Some(t) => t
            .strip_prefix("connectors-")
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| validation("The NextToken is not valid"))?,
    };
    let wanted = |k: &str, v: &Value| params[k].as_str().is_none_or(|w| v.as_str() == Some(w));
    let matching: Vec<&Value> = v2
        .connectors
        .iter()
        .filter(|c| {
            wanted("ProviderName", &c["ProviderSummary"]["ProviderName"])
                && wanted("ConnectorStatus", &c["ProviderSummary"]["ConnectorStatus"])
                && wanted("EnablementStatus", &c["EnablementStatus"])
        })
        .collect();
    let page: Vec<&Value> = matching.iter().skip(offset).take(max).copied().collect();
    let mut body = json!({"Connectors": page});
    if offset + max < matching.len() {
        body["NextToken"] = format!("connectors-{}", offset + max).into();
    }
    Ok(body)
}

/// GetConnectorV2: the connector with its health (a Message says why it is not CONNECTED)
/// and its provider's details.
pub(crate) fn get_connector(v2: &V2Store, params: &Value) -> Result<Value, ServiceError> {
    let id = params["ConnectorId"].as_str().unwrap_or_default();
    let (c, status) = connector_of(&v2.connectors, id)?;
    let mut health = json!({"ConnectorStatus": status, "LastCheckedAt": c["CreatedAt"]});
    if status != "CONNECTED" {
        health["Message"] = v2
            .connector_health
            .get(id)
            .cloned()
            .unwrap_or_else(|| format!("The connector is {status}"))
            .into();
    }
    let mut body = json!({
        "ConnectorArn": c["ConnectorArn"], "ConnectorId": id, "Name": c["Name"],
        "CreatedAt": c["CreatedAt"], "LastUpdatedAt": c["CreatedAt"], "Health": health,
        "ProviderDetail": c["ProviderSummary"]["ProviderConfiguration"],
        "EnablementStatus": c["EnablementStatus"],
    });
    if let Some(d) = c["Description"].as_str() {
        body["Description"] = d.into();
    }
    Ok(body)
}

/// The connector with this id and its status (404 when there is none).
fn connector_of<'a>(
    connectors: &'a [Value],
    id: &str,
) -> Result<(&'a Value, &'a str), ServiceError> {
    let c = connectors
        .iter()
        .find(|c| c["ConnectorId"].as_str() == Some(id))
        .ok_or_else(|| not_found(format!("Connector {id} was not found")))?;
    let status = c["ProviderSummary"]["ConnectorStatus"]
        .as_str()
        .unwrap_or("UNKNOWN");
    Ok((c, status))
}

fn not_found(message: String) -> ServiceError {
    ServiceError::new(404, "ResourceNotFoundException", message)
}

pub(crate) fn create_ticket(
    v2: &mut V2Store,
    params: &Value,
    finding_exists: bool,
) -> Result<Value, ServiceError> {
    let required = |k: &str| {
        params[k]
            .as_str()
            .filter(|v| !v.trim().is_empty())
            .ok_or_else(|| validation(format!("{k} is required")))
    };
    let connector_id = required("ConnectorId")?;
    let uid = required("FindingMetadataUid")?;
    let dry_run = match params["Mode"].as_str() {
        None => false,
        Some("DRYRUN") => true,
        Some(other) => return Err(validation(format!("Mode {other:?} is not valid (DRYRUN)"))),
    };
    let (connector, status) = connector_of(&v2.connectors, connector_id)?;
    if status != "CONNECTED" {
        return Err(ServiceError::new(
            409,
            "ConflictException",
            format!("Connector {connector_id} is not connected (status {status})"),
        ));
    }
    if !finding_exists {
        return Err(not_found(format!("Finding {uid} was not found")));
    }
    let token = params["ClientToken"].as_str().map(str::to_string);
    if let Some(t) = &token
        && let Some(known) = v2
            .tickets
            .iter()
            .find(|k| k.0.as_deref() == Some(t.as_str()))
    {
        if known.1 != connector_id || known.2 != uid {
            return Err(ServiceError::new(
                409,
                "ConflictException",
                "ClientToken was used for another ticket",
            ));
        }
        return Ok(ticket_body(connector, &known.3));
    }
    let jira = connector["ProviderSummary"]["ProviderName"].as_str() == Some("JIRA_CLOUD");
    let number = v2.tickets.len() + 101;
    let id = match (dry_run, jira) {
        (true, _) => "DRYRUN".to_string(),
        (false, true) => {
            let key =
                connector["ProviderSummary"]["ProviderConfiguration"]["JiraCloud"]["ProjectKey"]
                    .as_str()
                    .unwrap_or("SEC");
            format!("{key}-{number}")
        }
        (false, false) => format!("INC{:07}", 10_000 + number),
    };
    if !dry_run {
        v2.tickets
            .push((token, connector_id.to_string(), uid.to_string(), id.clone()));
    }
    Ok(ticket_body(connector, &id))
}

fn ticket_body(connector: &Value, id: &str) -> Value {
    let config = &connector["ProviderSummary"]["ProviderConfiguration"];
    let url = match (
        config["JiraCloud"]["Domain"].as_str(),
        config["ServiceNow"]["InstanceName"].as_str(),
    ) {
        (Some(domain), _) => format!("https://{domain}/browse/{id}"),
        (None, Some(instance)) => format!(
            "https://{instance}.service-now.example.com/nav_to.do?uri=incident.do?number={id}"
        ),
        _ => format!("https://tickets.example.com/{id}"),
    };
    json!({"TicketId": id, "TicketSrcUrl": url})
}
