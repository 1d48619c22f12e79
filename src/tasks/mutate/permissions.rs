//! Executes an unused-permission recommendation (or its undo) step by step: re-read what
//! the step changes right before writing and refuse when it moved since the preview
//! (`PolicyChanged`, nothing written for it or after it), write, and verify by re-reading.
//! A managed policy's new default: an existing version with the same document is made the
//! default again (so an undo restores the previous version itself), else
//! CreatePolicyVersion then SetDefaultPolicyVersion.

use aws_sdk_iam::Client;

use crate::aws::{AwsClients, AwsError, iam_policies};
use crate::domain::analyzer::{POLICY_CHANGED, PermissionStep, PermissionsChange, same_document};
use crate::domain::plan::{ChangeOutcome, Observed, Reread, Rereads, TargetFailure};
use crate::domain::policy::RoleRef;

/// What the step's target holds now.
pub async fn observe(
    client: &Client,
    role: &RoleRef,
    step: &PermissionStep,
) -> Result<Observed, AwsError> {
    Ok(match step {
        PermissionStep::DefaultVersion { policy_arn, .. } => Observed::PolicyDefault {
            document: iam_policies::get_default_version(client, policy_arn)
                .await?
                .document,
        },
        PermissionStep::Attachment { policy_arn, .. } => Observed::Attached {
            attached: iam_policies::attached_policies(client, &role.name)
                .await?
                .contains(policy_arn),
        },
        PermissionStep::Inline { name, .. } => Observed::InlinePolicy {
            document: iam_policies::get_inline(client, &role.name, name).await?,
        },
    })
}

/// Every step's target, re-read (the outcome of a write that met an error, interrupted changes).
pub async fn reread(clients: &AwsClients, change: &PermissionsChange) -> Rereads {
    let mut out = Rereads::new();
    for step in &change.steps {
        let r = match observe(&clients.iam, &change.role, step).await {
            Ok(o) => Reread::Found(o),
            Err(e) => Reread::Failed(e.to_string()),
        };
        out.insert(step.target(&change.role), r);
    }
    out
}

/// Whether `now` is the state the step was planned from.
fn unmoved(step: &PermissionStep, now: &Observed) -> bool {
    match (step, now) {
        (PermissionStep::DefaultVersion { before, .. }, Observed::PolicyDefault { document }) => {
            same_document(document, before)
        }
        (PermissionStep::Attachment { attach, .. }, Observed::Attached { attached }) => {
            attach != attached
        }
        (PermissionStep::Inline { before, .. }, Observed::InlinePolicy { document }) => {
            match (before, document) {
                (Some(b), Some(d)) => same_document(b, d),
                (None, None) => true,
                _ => false,
            }
        }
        _ => false,
    }
}

async fn write(
    client: &Client,
    role: &RoleRef,
    step: &PermissionStep,
) -> Result<Vec<String>, AwsError> {
    let mut ids = Vec::new();
    match step {
        PermissionStep::DefaultVersion {
            policy_arn, after, ..
        } => {
            let mut existing = None;
            for (id, is_default) in iam_policies::list_versions(client, policy_arn).await? {
                if !is_default
                    && same_document(
                        &iam_policies::get_version(client, policy_arn, &id).await?,
                        after,
                    )
                {
                    existing = Some(id);
                    break;
                }
            }
            let version = match existing {
                Some(id) => id,
                None => {
                    let (id, request) =
                        iam_policies::create_version(client, policy_arn, after).await?;
                    ids.extend(request);
                    id
                }
            };
            ids.extend(iam_policies::set_default_version(client, policy_arn, &version).await?);
        }
        PermissionStep::Attachment { policy_arn, attach } => {
            ids.extend(iam_policies::set_attached(client, &role.name, policy_arn, *attach).await?);
        }
        PermissionStep::Inline { name, after, .. } => {
            ids.extend(iam_policies::set_inline(client, &role.name, name, after.as_deref()).await?);
        }
    }
    Ok(ids)
}

fn failure(target: String, code: &str, message: String) -> TargetFailure {
    tracing::warn!(target, code, "{message}");
    TargetFailure {
        target,
        code: code.to_string(),
        message,
    }
}

pub async fn execute(clients: &AwsClients, plan_id: &str, c: &PermissionsChange) -> ChangeOutcome {
    let mut o = ChangeOutcome {
        plan_id: plan_id.to_string(),
        ..Default::default()
    };
    let client = &clients.iam;
    for step in &c.steps {
        let target = step.target(&c.role);
        let code_of = |e: &AwsError| e.code.clone().unwrap_or_else(|| format!("{:?}", e.kind));
        match observe(client, &c.role, step).await {
            Ok(now) if unmoved(step, &now) => {}
            Ok(_) => {
                o.failed.push(failure(
                    target,
                    POLICY_CHANGED,
                    format!(
                        "{} changed since the preview; nothing was written for it or the steps after it: review the new recommendation",
                        step.target(&c.role)
                    ),
                ));
                return o;
            }
            Err(e) => {
                o.failed.push(failure(target, &code_of(&e), e.to_string()));
                return o;
            }
        }
        match write(client, &c.role, step).await {
            Ok(ids) => o.request_ids.extend(ids),
            Err(e) => {
                o.failed.push(failure(target, &code_of(&e), e.to_string()));
                return o;
            }
        }
        o.succeeded.push(target.clone());
        match observe(client, &c.role, step).await {
            Ok(now) if step.holds(&now) == Some(true) => {}
            _ => o.unverified.push(target),
        }
    }
    o
}
