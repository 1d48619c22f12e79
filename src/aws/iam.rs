//! IAM adapter: a role's trust policy read (GetRole, percent-decoded) and written
//! (UpdateAssumeRolePolicy), with errors in the house shape.

use aws_sdk_iam::operation::RequestId;

use super::AwsError;
use crate::domain::policy::{RoleRef, decode_iam_text};

/// Error code of a GetRole that answered for a role other than the one asked for.
pub const ROLE_ACCOUNT_MISMATCH: &str = "RoleAccountMismatch";

/// The trust policy of exactly the role `role_arn`, read by name with `client`: the role
/// GetRole answers for must be that ARN's (same account and name), else an error naming
/// both. A same-named role in the session's own account (StackSets deploy one name
/// everywhere) must never stand in for a member account's role.
pub async fn get_trust_policy_of(
    client: &aws_sdk_iam::Client,
    role_arn: &str,
) -> Result<String, AwsError> {
    const OP: &str = "iam:GetRole";
    let want =
        RoleRef::parse(role_arn).map_err(|e| AwsError::invalid_request(OP, e.to_string()))?;
    let out = client
        .get_role()
        .role_name(&want.name)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(OP, e))?;
    let role = out.role().ok_or_else(|| {
        AwsError::bad_response(
            OP,
            format!("GetRole {} came back without a role", want.name),
        )
    })?;
    let got = role.arn();
    let same = RoleRef::parse(got)
        .map(|g| g.account == want.account && g.name == want.name)
        .unwrap_or(false);
    if !same {
        let acting = got.split(':').nth(4).unwrap_or("?");
        let mut err = AwsError::bad_response(
            OP,
            format!(
                "GetRole {} answered with {got}, not {role_arn}: the credentials act in account \
                 {acting}, not the role's account {}, and no role is assumed there; nothing was \
                 read or written",
                want.name, want.account
            ),
        );
        err.code = Some(ROLE_ACCOUNT_MISMATCH.to_string());
        return Err(err);
    }
    let raw = role.assume_role_policy_document().ok_or_else(|| {
        AwsError::bad_response(OP, format!("role {got} came back without a trust policy"))
    })?;
    decode_iam_text(raw).map_err(|e| AwsError::bad_response(OP, format!("role {got}: {e}")))
}

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
