//! IAM (awsQuery) over managed policies and a role's permissions: CreatePolicy,
//! GetPolicy, Get/List/Create/Delete PolicyVersion, SetDefaultPolicyVersion,
//! Attach/Detach/ListAttached RolePolicy, Put/Get/Delete/List RolePolicy, with IAM's error
//! codes (NoSuchEntity, DeleteConflict, LimitExceeded, MalformedPolicyDocument).

use axum::response::Response;
use serde_json::Value;

use super::policies::{MAX_VERSIONS, ManagedPolicy};
use super::store::IamStore;
use super::{NAMESPACE, no_such_role, op, param};
use crate::domain::policy::{PolicyDocument, encode_iam_text};
use crate::sandbox::dispatch::{Ctx, run};
use crate::sandbox::protocol::{ServiceError, aws_query};
use crate::sandbox::state::{Shared, now_iso};

type Handler = fn(&Ctx, &Value, &str) -> Result<String, ServiceError>;

/// The operations here: name, mutating, handler (answers the inside of `<{Op}Result>`).
const OPS: &[(&str, bool, Handler)] = &[
    ("CreatePolicy", true, create_policy),
    ("GetPolicy", false, get_policy),
    ("GetPolicyVersion", false, get_policy_version),
    ("ListPolicyVersions", false, list_policy_versions),
    ("CreatePolicyVersion", true, create_policy_version),
    ("SetDefaultPolicyVersion", true, set_default_policy_version),
    ("DeletePolicyVersion", true, delete_policy_version),
    ("AttachRolePolicy", true, attach_role_policy),
    ("DetachRolePolicy", true, detach_role_policy),
    (
        "ListAttachedRolePolicies",
        false,
        list_attached_role_policies,
    ),
    ("PutRolePolicy", true, put_role_policy),
    ("GetRolePolicy", false, get_role_policy),
    ("DeleteRolePolicy", true, delete_role_policy),
    ("ListRolePolicies", false, list_role_policies),
];

pub(crate) fn handles(action: &str) -> bool {
    OPS.iter().any(|(name, _, _)| *name == action)
}

pub(crate) async fn handle(
    shared: &Shared,
    action: &str,
    form: Value,
    account: String,
) -> Response {
    let Some(&(name, mutating, handler)) = OPS.iter().find(|(n, _, _)| *n == action) else {
        unreachable!("handles() said yes to {action}")
    };
    run(shared, op(name, mutating), form, |ctx, form| {
        let inner = handler(ctx, form, &account)?;
        Ok(aws_query::ok(name, NAMESPACE, &inner, ctx.request_id))
    })
    .await
}

fn no_such_policy(arn: &str) -> ServiceError {
    ServiceError::new(404, "NoSuchEntity", format!("Policy {arn} was not found."))
}

fn malformed(message: impl Into<String>) -> ServiceError {
    ServiceError::new(400, "MalformedPolicyDocument", message)
}

/// An identity policy's checks: JSON, statements, no Principal.
fn check_document(text: &str) -> Result<(), ServiceError> {
    let doc = PolicyDocument::parse(text).map_err(|e| match e {
        crate::domain::policy::PolicyError::NotJson(_) => {
            malformed("This policy contains invalid Json")
        }
        other => malformed(format!("Syntax errors in policy: {other}")),
    })?;
    if doc
        .statements()
        .iter()
        .any(|s| s.contains_key("Principal") || s.contains_key("NotPrincipal"))
    {
        return Err(malformed("Policy document should not specify a principal."));
    }
    Ok(())
}

fn policy<'a>(iam: &'a IamStore, form: &Value) -> Result<&'a ManagedPolicy, ServiceError> {
    let arn = param(form, "PolicyArn")?;
    iam.policies.get(arn).ok_or_else(|| no_such_policy(arn))
}

fn policy_mut<'a>(
    iam: &'a mut IamStore,
    form: &Value,
) -> Result<&'a mut ManagedPolicy, ServiceError> {
    let arn = param(form, "PolicyArn")?;
    iam.policies.get_mut(arn).ok_or_else(|| no_such_policy(arn))
}

fn e(text: &str) -> String {
    aws_query::escape(text)
}

fn policy_xml(iam: &IamStore, p: &ManagedPolicy) -> String {
    format!(
        "<Policy><PolicyName>{}</PolicyName><PolicyId>{}</PolicyId><Arn>{}</Arn><Path>{}</Path>\
         <DefaultVersionId>{}</DefaultVersionId><AttachmentCount>{}</AttachmentCount>\
         <PermissionsBoundaryUsageCount>0</PermissionsBoundaryUsageCount><IsAttachable>true</IsAttachable>\
         <CreateDate>{}</CreateDate><UpdateDate>{}</UpdateDate></Policy>",
        e(&p.name),
        e(&p.policy_id),
        e(&p.arn()),
        e(&p.path),
        e(&p.default_version),
        iam.attachment_count(&p.arn()),
        e(&p.create_date),
        e(&p.update_date),
    )
}

fn version_xml(p: &ManagedPolicy, id: &str, with_document: bool) -> String {
    let Some(v) = p.version(id) else {
        return String::new();
    };
    let document = if with_document {
        format!("<Document>{}</Document>", e(&encode_iam_text(&v.document)))
    } else {
        String::new()
    };
    format!(
        "{document}<VersionId>{}</VersionId><IsDefaultVersion>{}</IsDefaultVersion><CreateDate>{}</CreateDate>",
        e(&v.version_id),
        v.version_id == p.default_version,
        e(&v.create_date)
    )
}

fn create_policy(ctx: &Ctx, form: &Value, account: &str) -> Result<String, ServiceError> {
    let name = param(form, "PolicyName")?;
    let text = param(form, "PolicyDocument")?;
    let path = form.get("Path").and_then(Value::as_str).unwrap_or("/");
    check_document(text)?;
    let mut iam = ctx.shared.iam_write();
    let arn = format!("arn:aws:iam::{account}:policy{path}{name}");
    if iam.policies.contains_key(&arn) {
        return Err(ServiceError::new(
            409,
            "EntityAlreadyExists",
            format!("A policy called {name} already exists. Duplicate names are not allowed."),
        ));
    }
    let arn = iam.create_policy(account, name, path, text, &now_iso());
    let p = &iam.policies[&arn];
    Ok(policy_xml(&iam, p))
}

fn get_policy(ctx: &Ctx, form: &Value, _: &str) -> Result<String, ServiceError> {
    let iam = ctx.shared.iam_read();
    let p = policy(&iam, form)?;
    Ok(policy_xml(&iam, p))
}

fn no_such_version(arn: &str, id: &str) -> ServiceError {
    ServiceError::new(
        404,
        "NoSuchEntity",
        format!("Policy {arn} version {id} does not exist or is not attachable."),
    )
}

fn get_policy_version(ctx: &Ctx, form: &Value, _: &str) -> Result<String, ServiceError> {
    let id = param(form, "VersionId")?;
    let iam = ctx.shared.iam_read();
    let p = policy(&iam, form)?;
    p.version(id).ok_or_else(|| no_such_version(&p.arn(), id))?;
    Ok(format!(
        "<PolicyVersion>{}</PolicyVersion>",
        version_xml(p, id, true)
    ))
}

fn list_policy_versions(ctx: &Ctx, form: &Value, _: &str) -> Result<String, ServiceError> {
    let iam = ctx.shared.iam_read();
    let p = policy(&iam, form)?;
    // IAM lists the newest version first.
    let members: String = p
        .versions
        .iter()
        .rev()
        .map(|v| format!("<member>{}</member>", version_xml(p, &v.version_id, false)))
        .collect();
    Ok(format!(
        "<Versions>{members}</Versions><IsTruncated>false</IsTruncated>"
    ))
}

fn create_policy_version(ctx: &Ctx, form: &Value, _: &str) -> Result<String, ServiceError> {
    let text = param(form, "PolicyDocument")?;
    let set_default = form.get("SetAsDefault").and_then(Value::as_str) == Some("true");
    check_document(text)?;
    let mut iam = ctx.shared.iam_write();
    let p = policy_mut(&mut iam, form)?;
    if p.versions.len() >= MAX_VERSIONS {
        return Err(ServiceError::new(
            409,
            "LimitExceeded",
            format!(
                "A managed policy can have up to {MAX_VERSIONS} versions. Before you create a new version, you must delete an existing version."
            ),
        ));
    }
    let id = p.add_version(text, &now_iso(), set_default);
    Ok(format!(
        "<PolicyVersion>{}</PolicyVersion>",
        version_xml(p, &id, false)
    ))
}

fn set_default_policy_version(ctx: &Ctx, form: &Value, _: &str) -> Result<String, ServiceError> {
    let id = param(form, "VersionId")?;
    let mut iam = ctx.shared.iam_write();
    let p = policy_mut(&mut iam, form)?;
    if p.version(id).is_none() {
        return Err(no_such_version(&p.arn(), id));
    }
    p.default_version = id.to_string();
    p.update_date = now_iso();
    Ok(String::new())
}

fn delete_policy_version(ctx: &Ctx, form: &Value, _: &str) -> Result<String, ServiceError> {
    let id = param(form, "VersionId")?;
    let mut iam = ctx.shared.iam_write();
    let p = policy_mut(&mut iam, form)?;
    if p.version(id).is_none() {
        return Err(no_such_version(&p.arn(), id));
    }
    if p.default_version == id {
        return Err(ServiceError::new(
            409,
            "DeleteConflict",
            "Cannot delete the default version of a policy.",
        ));
    }
    p.versions.retain(|v| v.version_id != id);
    Ok(String::new())
}

fn role_name<'a>(iam: &IamStore, form: &'a Value, account: &str) -> Result<&'a str, ServiceError> {
    let name = param(form, "RoleName")?;
    iam.role(account, name).ok_or_else(|| no_such_role(name))?;
    Ok(name)
}

fn attach_role_policy(ctx: &Ctx, form: &Value, account: &str) -> Result<String, ServiceError> {
    let arn = param(form, "PolicyArn")?;
    let mut iam = ctx.shared.iam_write();
    let name = role_name(&iam, form, account)?;
    if !iam.policies.contains_key(arn) {
        return Err(ServiceError::new(
            404,
            "NoSuchEntity",
            format!("Policy {arn} does not exist or is not attachable."),
        ));
    }
    if let Some(role) = iam.role_mut(account, name)
        && !role.attached.iter().any(|a| a == arn)
    {
        role.attached.push(arn.to_string());
    }
    Ok(String::new())
}

fn detach_role_policy(ctx: &Ctx, form: &Value, account: &str) -> Result<String, ServiceError> {
    let arn = param(form, "PolicyArn")?;
    let mut iam = ctx.shared.iam_write();
    let name = role_name(&iam, form, account)?;
    let role = iam
        .role_mut(account, name)
        .ok_or_else(|| no_such_role(name))?;
    let before = role.attached.len();
    role.attached.retain(|a| a != arn);
    if role.attached.len() == before {
        return Err(no_such_policy(arn));
    }
    Ok(String::new())
}

fn list_attached_role_policies(
    ctx: &Ctx,
    form: &Value,
    account: &str,
) -> Result<String, ServiceError> {
    let iam = ctx.shared.iam_read();
    let name = role_name(&iam, form, account)?;
    let role = iam.role(account, name).ok_or_else(|| no_such_role(name))?;
    // Listed by policy name, as moto (and IAM, in practice) lists them.
    let mut attached: Vec<&String> = role.attached.iter().collect();
    attached.sort_by_key(|arn| (arn.rsplit('/').next().unwrap_or(arn), arn.as_str()));
    let members: String = attached
        .into_iter()
        .map(|arn| {
            let policy_name = arn.rsplit('/').next().unwrap_or(arn);
            format!(
                "<member><PolicyName>{}</PolicyName><PolicyArn>{}</PolicyArn></member>",
                e(policy_name),
                e(arn)
            )
        })
        .collect();
    Ok(format!(
        "<AttachedPolicies>{members}</AttachedPolicies><IsTruncated>false</IsTruncated>"
    ))
}

fn no_such_role_policy(name: &str) -> ServiceError {
    ServiceError::new(
        404,
        "NoSuchEntity",
        format!("The role policy with name {name} cannot be found."),
    )
}

fn put_role_policy(ctx: &Ctx, form: &Value, account: &str) -> Result<String, ServiceError> {
    let policy_name = param(form, "PolicyName")?;
    let text = param(form, "PolicyDocument")?;
    let mut iam = ctx.shared.iam_write();
    let name = role_name(&iam, form, account)?;
    check_document(text)?;
    if let Some(role) = iam.role_mut(account, name) {
        role.inline
            .insert(policy_name.to_string(), text.to_string());
    }
    Ok(String::new())
}

fn get_role_policy(ctx: &Ctx, form: &Value, account: &str) -> Result<String, ServiceError> {
    let policy_name = param(form, "PolicyName")?;
    let iam = ctx.shared.iam_read();
    let name = role_name(&iam, form, account)?;
    let role = iam.role(account, name).ok_or_else(|| no_such_role(name))?;
    let text = role
        .inline
        .get(policy_name)
        .ok_or_else(|| no_such_role_policy(policy_name))?;
    Ok(format!(
        "<RoleName>{}</RoleName><PolicyName>{}</PolicyName><PolicyDocument>{}</PolicyDocument>",
        e(name),
        e(policy_name),
        e(&encode_iam_text(text))
    ))
}

fn delete_role_policy(ctx: &Ctx, form: &Value, account: &str) -> Result<String, ServiceError> {
    let policy_name = param(form, "PolicyName")?;
    let mut iam = ctx.shared.iam_write();
    let name = role_name(&iam, form, account)?;
    let role = iam
        .role_mut(account, name)
        .ok_or_else(|| no_such_role(name))?;
    role.inline
        .remove(policy_name)
        .ok_or_else(|| no_such_role_policy(policy_name))?;
    Ok(String::new())
}

fn list_role_policies(ctx: &Ctx, form: &Value, account: &str) -> Result<String, ServiceError> {
    let iam = ctx.shared.iam_read();
    let name = role_name(&iam, form, account)?;
    let role = iam.role(account, name).ok_or_else(|| no_such_role(name))?;
    let members: String = role
        .inline
        .keys()
        .map(|n| format!("<member>{}</member>", e(n)))
        .collect();
    Ok(format!(
        "<PolicyNames>{members}</PolicyNames><IsTruncated>false</IsTruncated>"
    ))
}
