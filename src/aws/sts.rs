//! STS adapter: who the session is acting as.

use aws_sdk_sts::Client;

use super::error::AwsError;
use crate::domain::identity::CallerIdentity;

pub async fn get_caller_identity(client: &Client) -> Result<CallerIdentity, AwsError> {
    let out = client
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("sts:GetCallerIdentity", e))?;
    Ok(CallerIdentity {
        account: out.account().unwrap_or_default().to_string(),
        arn: out.arn().unwrap_or_default().to_string(),
        user_id: out.user_id().unwrap_or_default().to_string(),
    })
}
