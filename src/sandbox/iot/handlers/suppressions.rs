//! Audit suppressions: create, update, delete, describe and list, all under
//! `/audit/suppressions/{verb}`.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Response;
use bytes::Bytes;
use serde_json::{Value, json};

use super::{Handler, bool_param, required, resource_param, serve, str_param, to_value};
use crate::domain::iot::{AuditSuppression, ResourceIdentifier};
use crate::sandbox::dispatch::Ctx;
use crate::sandbox::iot::store::IotStore;
use crate::sandbox::iot::{
    conflict, invalid, max_results, not_found, now_secs, op, page, time_param,
};
use crate::sandbox::protocol::ServiceError;
use crate::sandbox::state::Shared;

pub(in crate::sandbox::iot) async fn suppressions(
    State(s): State<Arc<Shared>>,
    Path(verb): Path<String>,
    body: Bytes,
) -> Response {
    let (name, mutating, handler): (&'static str, bool, Handler) = match verb.as_str() {
        "create" => ("CreateAuditSuppression", true, create_suppression),
        "update" => ("UpdateAuditSuppression", true, update_suppression),
        "delete" => ("DeleteAuditSuppression", true, delete_suppression),
        "describe" => ("DescribeAuditSuppression", false, describe_suppression),
        "list" => ("ListAuditSuppressions", false, list_suppressions),
        _ => ("UnknownAuditSuppressionOperation", false, |_, _| {
            Err(ServiceError::new(
                404,
                "UnknownOperationException",
                "no such suppression operation",
            ))
        }),
    };
    serve(s, op(name, mutating), &[], None, &body, handler).await
}

fn suppression_key(p: &Value) -> Result<(String, ResourceIdentifier), ServiceError> {
    let check = required(p, "checkName")?.to_string();
    let resource = resource_param(p)?.ok_or_else(|| invalid("resourceIdentifier is required"))?;
    Ok((check, resource))
}

fn apply_expiry(s: &mut AuditSuppression, p: &Value) -> Result<(), ServiceError> {
    if let Some(d) = p.get("description").and_then(Value::as_str) {
        if d.chars().count() > 1000 {
            return Err(invalid("description is longer than 1000 characters"));
        }
        s.description = Some(d.to_string());
    }
    let expiry = time_param(p.get("expirationDate"), "expirationDate")?;
    let forever = bool_param(p, "suppressIndefinitely");
    if expiry.is_some() && forever == Some(true) {
        return Err(invalid(
            "expirationDate and suppressIndefinitely cannot both be set",
        ));
    }
    if let Some(e) = expiry {
        if e <= now_secs() {
            return Err(invalid("expirationDate must be in the future"));
        }
        s.expiration_date = Some(e);
        s.suppress_indefinitely = false;
    }
    if let Some(f) = forever {
        s.suppress_indefinitely = f;
        if f {
            s.expiration_date = None;
        }
    }
    Ok(())
}

fn create_suppression(ctx: &Ctx, p: &Value) -> Result<Value, ServiceError> {
    let (check, resource) = suppression_key(p)?;
    let mut store = ctx.shared.iot_write();
    if store.suppression_index(&check, &resource).is_some() {
        return Err(conflict(format!(
            "a suppression for {check} on {} already exists",
            resource.display()
        )));
    }
    let mut s = AuditSuppression {
        check_name: check,
        resource_identifier: resource,
        ..Default::default()
    };
    apply_expiry(&mut s, p)?;
    if !s.suppress_indefinitely && s.expiration_date.is_none() {
        return Err(invalid("set expirationDate or suppressIndefinitely"));
    }
    store.suppressions.push(s);
    Ok(json!({}))
}

/// The index of the suppression for `check` on `resource`, or the error naming them.
fn existing(
    store: &IotStore,
    check: &str,
    resource: &ResourceIdentifier,
) -> Result<usize, ServiceError> {
    store.suppression_index(check, resource).ok_or_else(|| {
        not_found(format!(
            "no suppression for {check} on {}",
            resource.display()
        ))
    })
}

fn update_suppression(ctx: &Ctx, p: &Value) -> Result<Value, ServiceError> {
    let (check, resource) = suppression_key(p)?;
    let mut store = ctx.shared.iot_write();
    let i = existing(&store, &check, &resource)?;
    let mut s = store.suppressions[i].clone();
    apply_expiry(&mut s, p)?;
    store.suppressions[i] = s;
    Ok(json!({}))
}

fn delete_suppression(ctx: &Ctx, p: &Value) -> Result<Value, ServiceError> {
    let (check, resource) = suppression_key(p)?;
    let mut store = ctx.shared.iot_write();
    let i = existing(&store, &check, &resource)?;
    store.suppressions.remove(i);
    Ok(json!({}))
}

fn describe_suppression(ctx: &Ctx, p: &Value) -> Result<Value, ServiceError> {
    let (check, resource) = suppression_key(p)?;
    let store = ctx.shared.iot_read();
    let i = existing(&store, &check, &resource)?;
    Ok(to_value(&store.suppressions[i]))
}

fn list_suppressions(ctx: &Ctx, p: &Value) -> Result<Value, ServiceError> {
    let size = max_results(p.get("maxResults"), 25, 250)?;
    let check = str_param(p, "checkName");
    let resource = resource_param(p)?;
    let store = ctx.shared.iot_read();
    let mut list: Vec<&AuditSuppression> = store
        .suppressions
        .iter()
        .filter(|s| check.is_none_or(|c| c == s.check_name))
        .filter(|s| {
            resource
                .as_ref()
                .is_none_or(|r| *r == s.resource_identifier)
        })
        .collect();
    if bool_param(p, "ascendingOrder") == Some(false) {
        list.reverse();
    }
    let (items, next) = page(&list, p.get("nextToken"), size)?;
    let items: Vec<Value> = items.into_iter().map(to_value).collect();
    Ok(json!({"suppressions": items, "nextToken": next}))
}
