//! The WAFv2 operation handlers: request validation with WAF's error shapes, NextMarker
//! pagination, and LockToken checks on every write.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::WafError;
use super::store::{IpSetRec, WafStore, ip_set_arn, new_token};
use crate::domain::cidr::{self, IpVersion, MAX_ADDRESSES};
use crate::domain::waf::{MAX_DESCRIPTION, check_description};

/// IP sets per account per region and scope (WAF's default quota).
const MAX_IP_SETS: usize = 100;

fn str_param<'a>(params: &'a Value, name: &str) -> Option<&'a str> {
    params.get(name).and_then(Value::as_str)
}

fn required<'a>(params: &'a Value, name: &str, field: &str) -> Result<&'a str, WafError> {
    str_param(params, name)
        .ok_or_else(|| WafError::invalid(field, "null", "A required field or parameter is missing"))
}

/// The request's Scope; CLOUDFRONT only in us-east-1, as AWS requires.
pub(super) fn scope(params: &Value, region: &str) -> Result<String, WafError> {
    let scope = required(params, "Scope", "SCOPE_VALUE")?;
    match scope {
        "REGIONAL" => Ok(scope.to_string()),
        "CLOUDFRONT" if region == "us-east-1" => Ok(scope.to_string()),
        "CLOUDFRONT" => Err(WafError::invalid(
            "SCOPE_VALUE",
            scope,
            "The scope is not valid (CLOUDFRONT is only available in us-east-1)",
        )),
        _ => Err(WafError::invalid(
            "SCOPE_VALUE",
            scope,
            "The parameter contains formatting that is not valid",
        )),
    }
}

fn check_name(name: &str) -> Result<(), WafError> {
    let ok = (1..=128).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    ok.then_some(()).ok_or_else(|| {
        WafError::invalid(
            "NAME",
            name,
            "The parameter contains formatting that is not valid",
        )
    })
}

/// `Description` when given: WAF's length (1-256) and pattern, refused like WAF does.
fn description_param(params: &Value) -> Result<&str, WafError> {
    let Some(d) = params.get("Description") else {
        return Ok("");
    };
    let d = d.as_str().unwrap_or_default();
    if d.is_empty() {
        return Err(WafError::invalid(
            "DESCRIPTION",
            d,
            "The parameter is below the minimum length",
        ));
    }
    if d.chars().count() > MAX_DESCRIPTION {
        return Err(WafError::invalid(
            "DESCRIPTION",
            d,
            "The parameter exceeds the maximum length",
        ));
    }
    check_description(d).map_err(|_| {
        WafError::invalid(
            "DESCRIPTION",
            d,
            "The parameter contains formatting that is not valid",
        )
    })?;
    Ok(d)
}

/// Validates and normalises `Addresses` for a set of `version` (CIDR required, host bits
/// refused as WAF refuses them, duplicates collapsed), enforcing the 10,000 limit.
fn addresses(params: &Value, version: &str) -> Result<Vec<String>, WafError> {
    let list = params
        .get("Addresses")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            WafError::invalid(
                "IP_ADDRESS",
                "null",
                "A required field or parameter is missing",
            )
        })?;
    let version = IpVersion::parse(version).ok_or_else(|| {
        WafError::invalid(
            "IP_ADDRESS_VERSION",
            version,
            "The parameter contains formatting that is not valid",
        )
    })?;
    let mut out = BTreeSet::new();
    for a in list {
        let text = a.as_str().unwrap_or_default();
        let net = cidr::parse_exact(text, version, true).map_err(|_| {
            WafError::invalid(
                "IP_ADDRESS",
                text,
                "The parameter contains formatting that is not valid",
            )
        })?;
        out.insert(net);
    }
    if out.len() > MAX_ADDRESSES {
        return Err(WafError::new(
            "WAFLimitsExceededException",
            format!(
                "AWS WAF couldn\u{2019}t perform the operation because you exceeded your resource limit: {} addresses, at most {MAX_ADDRESSES} per IP set",
                out.len()
            ),
        ));
    }
    Ok(cidr::to_strings(&out))
}

/// `Limit` (1-100, default 100) and the offset in `NextMarker`.
fn page(params: &Value) -> Result<(usize, usize), WafError> {
    let limit = match params.get("Limit").and_then(Value::as_i64) {
        None => 100,
        Some(n @ 1..=100) => n as usize,
        Some(n) => {
            return Err(WafError::invalid(
                "LIMIT",
                &n.to_string(),
                "The parameter must be between 1 and 100",
            ));
        }
    };
    let offset = match str_param(params, "NextMarker") {
        None => 0,
        Some(m) => m.parse().map_err(|_| {
            WafError::invalid(
                "NEXT_MARKER",
                m,
                "The parameter contains formatting that is not valid",
            )
        })?,
    };
    Ok((limit, offset))
}

fn paginate(items: Vec<Value>, params: &Value, key: &str) -> Result<Value, WafError> {
    let (limit, offset) = page(params)?;
    let end = (offset + limit).min(items.len());
    let slice: Vec<Value> = items
        .get(offset..end)
        .map(<[Value]>::to_vec)
        .unwrap_or_default();
    let mut body = json!({ key: slice });
    if end < items.len() {
        body["NextMarker"] = json!(end.to_string());
    }
    Ok(body)
}

pub(super) fn list_ip_sets(
    store: &WafStore,
    params: &Value,
    scope: &str,
) -> Result<Value, WafError> {
    let mut sets: Vec<&IpSetRec> = store.ip_sets.iter().filter(|s| s.scope == scope).collect();
    sets.sort_by(|a, b| a.name.cmp(&b.name));
    paginate(sets.iter().map(|s| s.summary()).collect(), params, "IPSets")
}

fn find(store: &WafStore, params: &Value, scope: &str) -> Result<usize, WafError> {
    let name = required(params, "Name", "NAME")?;
    let id = required(params, "Id", "RESOURCE_ID")?;
    store
        .ip_set(scope, name, id)
        .ok_or_else(WafError::nonexistent)
}

pub(super) fn get_ip_set(
    store: &mut WafStore,
    params: &Value,
    scope: &str,
) -> Result<Value, WafError> {
    let index = find(store, params, scope)?;
    let set = &mut store.ip_sets[index];
    let answer = json!({"IPSet": set.full(), "LockToken": set.lock_token});
    if let Some((name, add)) = store.race.take_if(|(name, _)| *name == set.name) {
        tracing::debug!(set = %name, "sandbox: concurrent writer updates the set");
        let mut all: BTreeSet<String> = set.addresses.iter().cloned().collect();
        all.extend(add);
        set.addresses = all.into_iter().collect();
        set.lock_token = new_token();
    }
    Ok(answer)
}

pub(super) fn create_ip_set(
    store: &mut WafStore,
    params: &Value,
    scope: &str,
    region: &str,
    account: &str,
) -> Result<Value, WafError> {
    let name = required(params, "Name", "NAME")?;
    check_name(name)?;
    let description = description_param(params)?;
    let version = required(params, "IPAddressVersion", "IP_ADDRESS_VERSION")?;
    let addresses = addresses(params, version)?;
    if store
        .ip_sets
        .iter()
        .any(|s| s.scope == scope && s.name == name)
    {
        return Err(WafError::new(
            "WAFDuplicateItemException",
            "AWS WAF couldn\u{2019}t perform the operation because some resource in your request is a duplicate of an existing one.",
        ));
    }
    if store.ip_sets.iter().filter(|s| s.scope == scope).count() >= MAX_IP_SETS {
        return Err(WafError::new(
            "WAFLimitsExceededException",
            format!(
                "AWS WAF couldn\u{2019}t perform the operation because you exceeded your resource limit: {MAX_IP_SETS} IP sets"
            ),
        ));
    }
    let id = uuid::Uuid::new_v4().to_string();
    let rec = IpSetRec {
        arn: ip_set_arn(scope, region, account, name, &id),
        scope: scope.to_string(),
        name: name.to_string(),
        id,
        description: description.to_string(),
        version: version.to_string(),
        addresses,
        lock_token: new_token(),
    };
    let summary = rec.summary();
    store.ip_sets.push(rec);
    Ok(json!({"Summary": summary}))
}

fn check_token(set: &IpSetRec, params: &Value) -> Result<(), WafError> {
    let token = required(params, "LockToken", "LOCK_TOKEN")?;
    if token != set.lock_token {
        return Err(WafError::new(
            "WAFOptimisticLockException",
            "AWS WAF couldn\u{2019}t save your changes because someone changed the resource after you started to edit it. Reapply your changes.",
        ));
    }
    Ok(())
}

pub(super) fn update_ip_set(
    store: &mut WafStore,
    params: &Value,
    scope: &str,
) -> Result<Value, WafError> {
    let index = find(store, params, scope)?;
    let description = description_param(params)?;
    let addresses = addresses(params, &store.ip_sets[index].version)?;
    let set = &mut store.ip_sets[index];
    check_token(set, params)?;
    // UpdateIPSet replaces everything mutable, the description included.
    set.description = description.to_string();
    set.addresses = addresses;
    set.lock_token = new_token();
    Ok(json!({"NextLockToken": set.lock_token}))
}

pub(super) fn delete_ip_set(
    store: &mut WafStore,
    params: &Value,
    scope: &str,
) -> Result<Value, WafError> {
    let index = find(store, params, scope)?;
    check_token(&store.ip_sets[index], params)?;
    if store.referenced(&store.ip_sets[index].arn) {
        return Err(WafError::new(
            "WAFAssociatedItemException",
            "AWS WAF couldn\u{2019}t perform the operation because your resource is being used by another resource or it\u{2019}s associated with another resource.",
        ));
    }
    store.ip_sets.remove(index);
    Ok(json!({}))
}

pub(super) fn list_web_acls(
    store: &WafStore,
    params: &Value,
    scope: &str,
) -> Result<Value, WafError> {
    let mut acls: Vec<_> = store.web_acls.iter().filter(|w| w.scope == scope).collect();
    acls.sort_by(|a, b| a.field("Name").cmp(b.field("Name")));
    paginate(
        acls.iter().map(|w| w.summary()).collect(),
        params,
        "WebACLs",
    )
}

pub(super) fn get_web_acl(
    store: &WafStore,
    params: &Value,
    scope: &str,
) -> Result<Value, WafError> {
    let name = required(params, "Name", "NAME")?;
    let id = required(params, "Id", "RESOURCE_ID")?;
    let acl = store
        .web_acls
        .iter()
        .find(|w| w.scope == scope && w.field("Name") == name && w.field("Id") == id)
        .ok_or_else(WafError::nonexistent)?;
    Ok(json!({"WebACL": acl.doc, "LockToken": acl.lock_token}))
}
