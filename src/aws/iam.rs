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
