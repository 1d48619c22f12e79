//! IAM (awsQuery): GetRole, ListRoles, UpdateAssumeRolePolicy over per-account role
//! stores, with IAM's policy and Sid validation and its error codes (NoSuchEntity,
//! MalformedPolicyDocument, LimitExceeded, ValidationError); managed policies and a
//! role's attached / inline policies in `policy_ops.rs`.

pub(crate) mod policies;
mod policy_ops;
pub(crate) mod store;

use axum::response::Response;
use serde_json::Value;

use super::dispatch::{Op, run};
use super::protocol::{Protocol, ServiceError, aws_query};
use super::state::Shared;
use crate::domain::policy::sid::is_valid_iam_sid;
use crate::domain::policy::{
    DEFAULT_TRUST_POLICY_MAX_CHARS, PolicyDocument, Principal, PrincipalKind, encode_iam_text,
    iam_size,
};

const NAMESPACE: &str = "https://iam.amazonaws.com/doc/2010-05-08/";
const MAX_DOCUMENT_LEN: usize = 131_072;

/// The account a request acts in: an STS session's account if its access key is one the
/// sandbox issued, otherwise the sandbox's own account.
pub(crate) fn caller_account(shared: &Shared, headers: &http::HeaderMap) -> String {
    let key = access_key(headers);
    shared
        .iam_read()
        .sessions
        .get(&key)
        .map(|s| s.account.clone())
        .unwrap_or_else(|| shared.config.account.clone())
}

/// The access key id a request was signed with.
pub(crate) fn access_key(headers: &http::HeaderMap) -> String {
    headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|a| a.split("Credential=").nth(1))
        .and_then(|c| c.split('/').next())
        .unwrap_or_default()
        .to_string()
}

/// STS AssumeRole: the role must exist in its account and trust `caller`; the new
/// credentials act in the role's account.
pub(crate) fn assume_role(
    ctx: &super::dispatch::Ctx,
    form: &Value,
    caller: &str,
) -> Result<axum::response::Response, ServiceError> {
    let role_arn = form
        .get("RoleArn")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let session = form
        .get("RoleSessionName")
        .and_then(Value::as_str)
        .unwrap_or("session");
    let denied = || {
        ServiceError::new(
            403,
            "AccessDenied",
            format!(
                "User: {caller} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
            ),
        )
    };
    let mut iam = ctx.shared.iam_write();
    let role = iam.role_by_arn(role_arn).ok_or_else(denied)?;
    let me = crate::domain::policy::PrincipalEntry::new(PrincipalKind::Aws, caller)
        .map_err(|_| denied())?;
    let trusted = role.trust().is_some_and(|doc| {
        let allows = |effect: &str| {
            doc.statements().iter().any(|st| {
                st.get("Effect").and_then(Value::as_str) == Some(effect)
                    && st
                        .get("Principal")
                        .and_then(|p| Principal::parse(p).ok())
                        .is_some_and(|p| p.covers(&me))
                    && st.get("Action").is_some_and(|a| {
                        crate::domain::policy::eval::action_list(a).iter().any(|x| {
                            crate::domain::policy::eval::action_matches(x, "sts:AssumeRole")
                        })
                    })
            })
        };
        allows("Allow") && !allows("Deny")
    });
    if !trusted {
        return Err(denied());
    }
    let (account, name) = (role.account.clone(), role.name.clone());
    let n = iam.sessions.len();
    let key = format!("ASIA{:016X}", 0x5EC0_DEC0_0000_0000u64 + n as u64);
    let arn = format!("arn:aws:sts::{account}:assumed-role/{name}/{session}");
    iam.sessions.insert(
        key.clone(),
        store::Session {
            account,
            arn: arn.clone(),
        },
    );
    let e = aws_query::escape;
    let result = format!(
        "<Credentials><AccessKeyId>{}</AccessKeyId><SecretAccessKey>sandbox-session-secret</SecretAccessKey>\
         <SessionToken>sandbox-session-token-{n}</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>\
         <AssumedRoleUser><AssumedRoleId>AROA{n:016}:{}</AssumedRoleId><Arn>{}</Arn></AssumedRoleUser>",
        e(&key),
        e(session),
        e(&arn)
    );
    Ok(aws_query::ok(
        "AssumeRole",
        "https://sts.amazonaws.com/doc/2011-06-15/",
        &result,
        ctx.request_id,
    ))
}

pub(crate) fn handles(action: &str) -> bool {
    matches!(action, "GetRole" | "ListRoles" | "UpdateAssumeRolePolicy")
        || policy_ops::handles(action)
}

fn op(name: &'static str, mutating: bool) -> Op {
    Op {
        service: "iam",
        name,
        mutating,
        protocol: Protocol::AwsQuery,
        throttle: (400, "Throttling"),
    }
}

fn param<'a>(form: &'a Value, name: &str) -> Result<&'a str, ServiceError> {
    form.get(name).and_then(Value::as_str).ok_or_else(|| {
        ServiceError::new(
            400,
            "ValidationError",
            format!("1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null", lower_first(name)),
        )
    })
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_ascii_lowercase().to_string() + c.as_str())
        .unwrap_or_default()
}

fn no_such_role(name: &str) -> ServiceError {
    ServiceError::new(
        404,
        "NoSuchEntity",
        format!("The role with name {name} cannot be found."),
    )
}

/// Runs an IAM action for a caller acting in `account`.
pub(crate) async fn handle(
    shared: &Shared,
    action: &str,
    form: Value,
    account: String,
) -> Response {
    match action {
        a if policy_ops::handles(a) => policy_ops::handle(shared, a, form, account).await,
        "GetRole" => {
            run(shared, op("GetRole", false), form, |ctx, form| {
                let name = param(form, "RoleName")?;
                let iam = ctx.shared.iam_read();
                let role = iam.role(&account, name).ok_or_else(|| no_such_role(name))?;
                Ok(aws_query::ok(
                    "GetRole",
                    NAMESPACE,
                    &format!("<Role>{}</Role>", role_xml(role)),
                    ctx.request_id,
                ))
            })
            .await
        }
        "ListRoles" => {
            run(shared, op("ListRoles", false), form, |ctx, form| {
                let prefix = form
                    .get("PathPrefix")
                    .and_then(Value::as_str)
                    .unwrap_or("/");
                let max: usize = form
                    .get("MaxItems")
                    .and_then(Value::as_str)
                    .and_then(|m| m.parse().ok())
                    .unwrap_or(100)
                    .clamp(1, 1000);
                let start: usize = form
                    .get("Marker")
                    .and_then(Value::as_str)
                    .and_then(|m| m.parse().ok())
                    .unwrap_or(0);
                let iam = ctx.shared.iam_read();
                let roles: Vec<_> = iam
                    .accounts
                    .get(&account)
                    .map(|m| m.values().filter(|r| r.path.starts_with(prefix)).collect())
                    .unwrap_or_default();
                let page: String = roles
                    .iter()
                    .skip(start)
                    .take(max)
                    .map(|r| format!("<member>{}</member>", role_xml(r)))
                    .collect();
                let next = start + max;
                let tail = if next < roles.len() {
                    format!("<IsTruncated>true</IsTruncated><Marker>{next}</Marker>")
                } else {
                    "<IsTruncated>false</IsTruncated>".to_string()
                };
                Ok(aws_query::ok(
                    "ListRoles",
                    NAMESPACE,
                    &format!("<Roles>{page}</Roles>{tail}"),
                    ctx.request_id,
                ))
            })
            .await
        }
        _ => {
            run(
                shared,
                op("UpdateAssumeRolePolicy", true),
                form,
                |ctx, form| {
                    let name = param(form, "RoleName")?;
                    let text = param(form, "PolicyDocument")?;
                    let mut iam = ctx.shared.iam_write();
                    let role = iam
                        .role_mut(&account, name)
                        .ok_or_else(|| no_such_role(name))?;
                    validate_trust_policy(text, DEFAULT_TRUST_POLICY_MAX_CHARS)?;
                    role.trust_text = text.to_string();
                    Ok(aws_query::ok(
                        "UpdateAssumeRolePolicy",
                        NAMESPACE,
                        "",
                        ctx.request_id,
                    ))
                },
            )
            .await
        }
    }
}

fn malformed(message: impl Into<String>) -> ServiceError {
    ServiceError::new(400, "MalformedPolicyDocument", message)
}

/// IAM's checks on a trust policy, in the order IAM reports them.
pub(crate) fn validate_trust_policy(text: &str, limit: usize) -> Result<(), ServiceError> {
    if text.len() > MAX_DOCUMENT_LEN {
        return Err(ServiceError::new(
            400,
            "ValidationError",
            format!(
                "1 validation error detected: Value at 'policyDocument' failed to satisfy constraint: Member must have length less than or equal to {MAX_DOCUMENT_LEN}"
            ),
        ));
    }
    let raw: Value =
        serde_json::from_str(text).map_err(|_| malformed("This policy contains invalid Json"))?;
    // Sids first: PolicyDocument's duplicate check would hide the character rule.
    let statements: Vec<&Value> = match raw.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    };
    for st in &statements {
        if let Some(sid) = st.get("Sid").and_then(Value::as_str)
            && !is_valid_iam_sid(sid)
        {
            return Err(malformed(
                "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*",
            ));
        }
    }
    let doc = PolicyDocument::from_value(raw.clone()).map_err(|e| match e {
        crate::domain::policy::PolicyError::DuplicateSid(_) => {
            malformed("Statement IDs (SID) in a single policy must be unique.")
        }
        crate::domain::policy::PolicyError::BadStatementAt { reason, .. }
            if reason.starts_with("Principal") =>
        {
            malformed(format!("Invalid principal in policy: {reason}"))
        }
        other => malformed(format!("Syntax errors in policy: {other}")),
    })?;
    for st in doc.statements() {
        if st.contains_key("Resource") || st.contains_key("NotResource") {
            return Err(malformed("Has prohibited field Resource"));
        }
        let Some(p) = st.get("Principal").or_else(|| st.get("NotPrincipal")) else {
            return Err(malformed(
                "AssumeRolepolicy contained an invalid principal: a statement has no Principal",
            ));
        };
        if let Ok(Principal::Entries(es)) = Principal::parse(p)
            && es.iter().any(|e| e.kind == PrincipalKind::CanonicalUser)
        {
            return Err(malformed("Invalid principal in policy: CanonicalUser"));
        }
    }
    let size = iam_size(text);
    if size > limit {
        return Err(ServiceError::new(
            409,
            "LimitExceeded",
            format!("Cannot exceed quota for ACLSizePerRole: {limit}"),
        ));
    }
    Ok(())
}

fn role_xml(r: &store::Role) -> String {
    let e = aws_query::escape;
    let description = r
        .description
        .as_deref()
        .map(|d| format!("<Description>{}</Description>", e(d)))
        .unwrap_or_default();
    format!(
        "<Path>{}</Path><AssumeRolePolicyDocument>{}</AssumeRolePolicyDocument><MaxSessionDuration>3600</MaxSessionDuration>\
         <RoleId>{}</RoleId><RoleName>{}</RoleName>{description}<Arn>{}</Arn><CreateDate>{}</CreateDate>",
        e(&r.path),
        e(&encode_iam_text(&r.trust_text)),
        e(&r.role_id),
        e(&r.name),
        e(&r.arn()),
        e(&r.create_date),
    )
}
