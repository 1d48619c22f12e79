//! GetFindingHistory for one finding, every page, mapped to the domain's `HistoryRecord`.

use aws_sdk_securityhub::Client;
use aws_sdk_securityhub::types as sdk;
use aws_smithy_types::date_time::Format;

use super::error::AwsError;
use crate::domain::finding::FindingRef;
use crate::domain::finding_history::{FieldChange, HistoryRecord};

const OPERATION: &str = "securityhub:GetFindingHistory";

pub async fn get_finding_history(
    client: &Client,
    finding: &FindingRef,
) -> Result<Vec<HistoryRecord>, AwsError> {
    let identifier = sdk::AwsSecurityFindingIdentifier::builder()
        .id(&finding.id)
        .product_arn(&finding.product_arn)
        .build();
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .get_finding_history()
            .finding_identifier(identifier.clone())
            .set_next_token(token.take())
            .max_results(100)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(OPERATION, e))?;
        out.extend(page.records().iter().map(record));
        // AWS may return fewer than MaxResults with a NextToken: follow it to the end.
        match page.next_token().filter(|t| !t.is_empty()) {
            Some(t) => token = Some(t.to_string()),
            None => return Ok(out),
        }
    }
}

fn record(r: &sdk::FindingHistoryRecord) -> HistoryRecord {
    let source = r.update_source();
    HistoryRecord {
        time: r
            .update_time()
            .and_then(|t| t.fmt(Format::DateTime).ok())
            .unwrap_or_default(),
        created: r.finding_created().unwrap_or(false),
        source: source
            .and_then(|s| s.r#type())
            .map(|t| t.as_str().to_string())
            .unwrap_or_default(),
        identity: source
            .and_then(|s| s.identity())
            .unwrap_or_default()
            .to_string(),
        updates: r
            .updates()
            .iter()
            .map(|u| FieldChange {
                field: u.updated_field().unwrap_or_default().to_string(),
                old: u.old_value().unwrap_or_default().to_string(),
                new: u.new_value().unwrap_or_default().to_string(),
            })
            .collect(),
    }
}
