//! IAM adapter: a role's trust policy read (GetRole, percent-decoded) and written
//! (UpdateAssumeRolePolicy), with errors in the house shape.

use aws_sdk_iam::operation::RequestId;

use super::AwsError;
use crate::domain::policy::decode_iam_text;

/// The role's trust policy as text, decoded from IAM's percent-encoding.
pub async fn get_trust_policy(
    client: &aws_sdk_iam::Client,
    role_name: &str,
) -> Result<String, AwsError> {
    const OP: &str = "iam:GetRole";
    let out = client
        .get_role()
        .role_name(role_name)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(OP, e))?;
    let raw = out
        .role()
        .and_then(|r| r.assume_role_policy_document())
        .ok_or_else(|| {
            AwsError::bad_response(
                OP,
                format!("role {role_name} came back without a trust policy"),
            )
        })?;
    decode_iam_text(raw).map_err(|e| AwsError::bad_response(OP, format!("role {role_name}: {e}")))
}

/// Writes `document` as the role's trust policy; returns the request id.
pub async fn update_trust_policy(
    client: &aws_sdk_iam::Client,
    role_name: &str,
    document: &str,
) -> Result<Option<String>, AwsError> {
    let out = client
        .update_assume_role_policy()
        .role_name(role_name)
        .policy_document(document)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("iam:UpdateAssumeRolePolicy", e))?;
    Ok(out.request_id().map(str::to_string))
}

/// The IAM client to use: the session's own, or one acting as `assume_role` (STS
/// AssumeRole in the role's account). A missing or refused role is an error naming both.
pub async fn client_for(
    clients: &super::AwsClients,
    assume_role: Option<&str>,
) -> Result<aws_sdk_iam::Client, AwsError> {
    const OP: &str = "sts:AssumeRole";
    let Some(role) = assume_role else {
        return Ok(clients.iam.clone());
    };
    let account = role.split(':').nth(4).unwrap_or("?");
    let out = clients
        .sts
        .assume_role()
        .role_arn(role)
        .role_session_name("secdeck-remediation")
        .send()
        .await
        .map_err(|e| {
            let mut err = AwsError::from_sdk(OP, e);
            err.message = format!(
                "cannot assume {role} in account {account}: {}; nothing was changed",
                err.message
            );
            err
        })?;
    let c = out.credentials().ok_or_else(|| {
        AwsError::bad_response(OP, format!("AssumeRole {role} returned no credentials"))
    })?;
    let expiry = std::time::SystemTime::try_from(*c.expiration()).ok();
    let credentials = aws_credential_types::Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_string()),
        expiry,
        "secdeck-assumed-role",
    );
    let config = clients
        .iam
        .config()
        .to_builder()
        .credentials_provider(credentials)
        .build();
    Ok(aws_sdk_iam::Client::from_conf(config))
}
