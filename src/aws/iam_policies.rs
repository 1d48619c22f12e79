//! IAM adapter for a role's permissions: managed policies' versions (read the default,
//! create a version, make one the default), attached managed policies and inline
//! policies. Documents come back decoded from IAM's percent-encoding.

use aws_sdk_iam::Client;
use aws_sdk_iam::operation::RequestId;

use super::AwsError;
use crate::domain::policy::decode_iam_text;

fn decode(op: &'static str, raw: &str) -> Result<String, AwsError> {
    decode_iam_text(raw).map_err(|e| AwsError::bad_response(op, e.to_string()))
}

/// A managed policy's default version: its id, document, and when the policy was last updated.
#[derive(Debug, Clone, PartialEq)]
pub struct DefaultVersion {
    pub version_id: String,
    pub document: String,
    pub updated_at: Option<String>,
}

pub async fn get_default_version(client: &Client, arn: &str) -> Result<DefaultVersion, AwsError> {
    const OP: &str = "iam:GetPolicy";
    let out = client
        .get_policy()
        .policy_arn(arn)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(OP, e))?;
    let policy = out
        .policy()
        .ok_or_else(|| AwsError::bad_response(OP, format!("GetPolicy {arn} came back empty")))?;
    let version_id = policy
        .default_version_id()
        .ok_or_else(|| AwsError::bad_response(OP, format!("policy {arn} has no default version")))?
        .to_string();
    let updated_at = policy
        .update_date()
        .and_then(|t| t.fmt(aws_smithy_types::date_time::Format::DateTime).ok());
    let document = get_version(client, arn, &version_id).await?;
    Ok(DefaultVersion {
        version_id,
        document,
        updated_at,
    })
}

/// The document of one version.
pub async fn get_version(client: &Client, arn: &str, version_id: &str) -> Result<String, AwsError> {
    const OP: &str = "iam:GetPolicyVersion";
    let out = client
        .get_policy_version()
        .policy_arn(arn)
        .version_id(version_id)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(OP, e))?;
    let raw = out
        .policy_version()
        .and_then(|v| v.document())
        .ok_or_else(|| {
            AwsError::bad_response(
                OP,
                format!("{arn} {version_id} came back without a document"),
            )
        })?;
    decode(OP, raw)
}

/// The versions' ids, newest first, and whether each is the default.
pub async fn list_versions(client: &Client, arn: &str) -> Result<Vec<(String, bool)>, AwsError> {
    let out = client
        .list_policy_versions()
        .policy_arn(arn)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("iam:ListPolicyVersions", e))?;
    Ok(out
        .versions()
        .iter()
        .filter_map(|v| Some((v.version_id()?.to_string(), v.is_default_version())))
        .collect())
}

/// CreatePolicyVersion (not the default yet); returns the new version id and the request id.
pub async fn create_version(
    client: &Client,
    arn: &str,
    document: &str,
) -> Result<(String, Option<String>), AwsError> {
    const OP: &str = "iam:CreatePolicyVersion";
    let out = client
        .create_policy_version()
        .policy_arn(arn)
        .policy_document(document)
        .set_as_default(false)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(OP, e))?;
    let id = out
        .policy_version()
        .and_then(|v| v.version_id())
        .ok_or_else(|| AwsError::bad_response(OP, format!("{arn}: no version id came back")))?;
    Ok((id.to_string(), out.request_id().map(str::to_string)))
}

pub async fn set_default_version(
    client: &Client,
    arn: &str,
    version_id: &str,
) -> Result<Option<String>, AwsError> {
    let out = client
        .set_default_policy_version()
        .policy_arn(arn)
        .version_id(version_id)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("iam:SetDefaultPolicyVersion", e))?;
    Ok(out.request_id().map(str::to_string))
}

/// The managed policies attached to a role (ARNs).
pub async fn attached_policies(client: &Client, role: &str) -> Result<Vec<String>, AwsError> {
    let mut arns = Vec::new();
    let mut pages = client
        .list_attached_role_policies()
        .role_name(role)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| AwsError::from_sdk("iam:ListAttachedRolePolicies", e))?;
        arns.extend(
            page.attached_policies()
                .iter()
                .filter_map(|p| p.policy_arn().map(str::to_string)),
        );
    }
    Ok(arns)
}

/// AttachRolePolicy (`attach`) or DetachRolePolicy.
pub async fn set_attached(
    client: &Client,
    role: &str,
    arn: &str,
    attach: bool,
) -> Result<Option<String>, AwsError> {
    let id = if attach {
        let out = client
            .attach_role_policy()
            .role_name(role)
            .policy_arn(arn)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("iam:AttachRolePolicy", e))?;
        out.request_id().map(str::to_string)
    } else {
        let out = client
            .detach_role_policy()
            .role_name(role)
            .policy_arn(arn)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("iam:DetachRolePolicy", e))?;
        out.request_id().map(str::to_string)
    };
    Ok(id)
}

/// An inline policy's document; `None` when the role has no inline policy of that name.
pub async fn get_inline(
    client: &Client,
    role: &str,
    name: &str,
) -> Result<Option<String>, AwsError> {
    const OP: &str = "iam:GetRolePolicy";
    match client
        .get_role_policy()
        .role_name(role)
        .policy_name(name)
        .send()
        .await
    {
        Ok(out) => decode(OP, out.policy_document()).map(Some),
        Err(e) => {
            let err = AwsError::from_sdk(OP, e);
            if err.code.as_deref() == Some("NoSuchEntity") {
                Ok(None)
            } else {
                Err(err)
            }
        }
    }
}

/// PutRolePolicy (`Some(document)`) or DeleteRolePolicy (`None`).
pub async fn set_inline(
    client: &Client,
    role: &str,
    name: &str,
    document: Option<&str>,
) -> Result<Option<String>, AwsError> {
    let id = match document {
        Some(doc) => client
            .put_role_policy()
            .role_name(role)
            .policy_name(name)
            .policy_document(doc)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("iam:PutRolePolicy", e))?
            .request_id()
            .map(str::to_string),
        None => client
            .delete_role_policy()
            .role_name(role)
            .policy_name(name)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("iam:DeleteRolePolicy", e))?
            .request_id()
            .map(str::to_string),
    };
    Ok(id)
}
