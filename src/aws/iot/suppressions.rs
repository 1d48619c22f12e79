//! IoT Device Defender audit suppressions: list, create, update, delete.

use aws_sdk_iot::Client;

use crate::aws::error::AwsError;
use crate::aws::pages::all_pages;
use crate::aws::retry::RetryPolicy;
use crate::domain::iot::{AuditSuppression, ResourceIdentifier};

use super::{PAGE, date, resource_id, secs, to_sdk_resource};

pub async fn list_suppressions(
    client: &Client,
    retry: &RetryPolicy,
) -> Result<Vec<AuditSuppression>, AwsError> {
    const OP: &str = "iot:ListAuditSuppressions";
    all_pages(OP, retry, |token| async move {
        let out = client
            .list_audit_suppressions()
            .max_results(PAGE)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(OP, e))?;
        let items = out
            .suppressions()
            .iter()
            .map(|s| AuditSuppression {
                check_name: s.check_name().to_string(),
                resource_identifier: resource_id(s.resource_identifier()),
                expiration_date: secs(s.expiration_date()),
                suppress_indefinitely: s.suppress_indefinitely().unwrap_or(false),
                description: s.description().map(str::to_string),
            })
            .collect();
        Ok((items, out.next_token().map(str::to_string)))
    })
    .await
}

pub async fn create_suppression(client: &Client, s: &AuditSuppression) -> Result<(), AwsError> {
    let mut req = client
        .create_audit_suppression()
        .check_name(&s.check_name)
        .resource_identifier(to_sdk_resource(&s.resource_identifier))
        .set_description(s.description.clone())
        .client_request_token(uuid::Uuid::new_v4().to_string());
    req = match (s.suppress_indefinitely, s.expiration_date) {
        (true, _) => req.suppress_indefinitely(true),
        (false, Some(e)) => req.expiration_date(date(e)),
        (false, None) => req,
    };
    req.send()
        .await
        .map(|_| ())
        .map_err(|e| AwsError::from_sdk("iot:CreateAuditSuppression", e))
}

pub async fn update_suppression(client: &Client, s: &AuditSuppression) -> Result<(), AwsError> {
    let mut req = client
        .update_audit_suppression()
        .check_name(&s.check_name)
        .resource_identifier(to_sdk_resource(&s.resource_identifier))
        .set_description(s.description.clone());
    req = match (s.suppress_indefinitely, s.expiration_date) {
        (true, _) => req.suppress_indefinitely(true),
        (false, Some(e)) => req.expiration_date(date(e)).suppress_indefinitely(false),
        (false, None) => req,
    };
    req.send()
        .await
        .map(|_| ())
        .map_err(|e| AwsError::from_sdk("iot:UpdateAuditSuppression", e))
}

pub async fn delete_suppression(
    client: &Client,
    check: &str,
    resource: &ResourceIdentifier,
) -> Result<(), AwsError> {
    client
        .delete_audit_suppression()
        .check_name(check)
        .resource_identifier(to_sdk_resource(resource))
        .send()
        .await
        .map(|_| ())
        .map_err(|e| AwsError::from_sdk("iot:DeleteAuditSuppression", e))
}
