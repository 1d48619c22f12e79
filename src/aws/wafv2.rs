//! WAFv2 adapter: IP sets and web ACLs between SDK and domain types. CLOUDFRONT calls go
//! to us-east-1 whatever the session's region; list calls loop on NextMarker (the crate
//! has no paginator); IP set references are found at any depth of a rule's statement.

use aws_sdk_wafv2::Client;
use aws_sdk_wafv2::config::Region;
use aws_sdk_wafv2::types::{self as sdk, IpAddressVersion, Scope};

use super::error::AwsError;
use crate::domain::cidr::IpVersion;
use crate::domain::waf::{IpSet, IpSetCreate, IpSetRef, IpSetSummary, RuleReference, WafScope};

pub const LIST_IP_SETS: &str = "wafv2:ListIPSets";
pub const GET_IP_SET: &str = "wafv2:GetIPSet";
pub const UPDATE_IP_SET: &str = "wafv2:UpdateIPSet";
pub const CREATE_IP_SET: &str = "wafv2:CreateIPSet";
pub const DELETE_IP_SET: &str = "wafv2:DeleteIPSet";
pub const LIST_WEB_ACLS: &str = "wafv2:ListWebACLs";
pub const GET_WEB_ACL: &str = "wafv2:GetWebACL";
/// The error UpdateIPSet answers a stale LockToken with.
pub const LOCK_CONFLICT: &str = "WAFOptimisticLockException";

/// A client for `scope`: CLOUDFRONT resources are only reachable in us-east-1.
pub fn client_for(client: &Client, scope: WafScope) -> Client {
    match scope {
        WafScope::Regional => client.clone(),
        WafScope::Cloudfront => Client::from_conf(
            client
                .config()
                .to_builder()
                .region(Region::from_static("us-east-1"))
                .build(),
        ),
    }
}

fn sdk_scope(scope: WafScope) -> Scope {
    match scope {
        WafScope::Regional => Scope::Regional,
        WafScope::Cloudfront => Scope::Cloudfront,
    }
}

pub fn is_lock_conflict(e: &AwsError) -> bool {
    e.code.as_deref() == Some(LOCK_CONFLICT)
}

/// Every IP set of `scope`, following NextMarker.
pub async fn list_ip_sets(client: &Client, scope: WafScope) -> Result<Vec<IpSetSummary>, AwsError> {
    let client = client_for(client, scope);
    let mut out = Vec::new();
    let mut marker = None;
    loop {
        let page = client
            .list_ip_sets()
            .scope(sdk_scope(scope))
            .limit(100)
            .set_next_marker(marker)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(LIST_IP_SETS, e))?;
        for s in page.ip_sets.unwrap_or_default() {
            out.push(IpSetSummary {
                set: IpSetRef {
                    scope,
                    name: s.name.unwrap_or_default(),
                    id: s.id.unwrap_or_default(),
                },
                arn: s.arn.unwrap_or_default(),
                description: s.description.unwrap_or_default(),
            });
        }
        // An empty page with a marker would loop forever; AWS never sends one, but stop.
        match page.next_marker {
            Some(m) if !m.is_empty() => marker = Some(m),
            _ => break,
        }
    }
    Ok(out)
}

pub async fn get_ip_set(client: &Client, set: &IpSetRef) -> Result<IpSet, AwsError> {
    let out = client_for(client, set.scope)
        .get_ip_set()
        .scope(sdk_scope(set.scope))
        .name(&set.name)
        .id(&set.id)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(GET_IP_SET, e))?;
    let ip_set = out
        .ip_set
        .ok_or_else(|| AwsError::bad_response(GET_IP_SET, "no IPSet in the answer"))?;
    let version = match ip_set.ip_address_version {
        IpAddressVersion::Ipv4 => IpVersion::V4,
        IpAddressVersion::Ipv6 => IpVersion::V6,
        other => {
            return Err(AwsError::bad_response(
                GET_IP_SET,
                format!("unknown IPAddressVersion {}", other.as_str()),
            ));
        }
    };
    Ok(IpSet {
        set: set.clone(),
        arn: ip_set.arn,
        description: ip_set.description.unwrap_or_default(),
        version,
        addresses: ip_set.addresses,
        lock_token: out.lock_token.unwrap_or_default(),
    })
}

/// UpdateIPSet: replaces the description and the whole list; returns the next LockToken.
pub async fn update_ip_set(
    client: &Client,
    set: &IpSetRef,
    description: &str,
    addresses: Vec<String>,
    lock_token: &str,
) -> Result<String, AwsError> {
    let out = client_for(client, set.scope)
        .update_ip_set()
        .scope(sdk_scope(set.scope))
        .name(&set.name)
        .id(&set.id)
        // WAF refuses an empty Description; omitting it leaves the set without one.
        .set_description((!description.is_empty()).then(|| description.to_string()))
        .set_addresses(Some(addresses))
        .lock_token(lock_token)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(UPDATE_IP_SET, e))?;
    Ok(out.next_lock_token.unwrap_or_default())
}

/// DeleteIPSet with the LockToken of the set as last read (a stale one is refused with
/// WAFOptimisticLockException; a referenced set with WAFAssociatedItemException).
pub async fn delete_ip_set(
    client: &Client,
    set: &IpSetRef,
    lock_token: &str,
) -> Result<(), AwsError> {
    client_for(client, set.scope)
        .delete_ip_set()
        .scope(sdk_scope(set.scope))
        .name(&set.name)
        .id(&set.id)
        .lock_token(lock_token)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(DELETE_IP_SET, e))?;
    Ok(())
}

pub async fn create_ip_set(
    client: &Client,
    create: &IpSetCreate,
) -> Result<IpSetSummary, AwsError> {
    let version = match create.version {
        IpVersion::V4 => IpAddressVersion::Ipv4,
        IpVersion::V6 => IpAddressVersion::Ipv6,
    };
    let out = client_for(client, create.scope)
        .create_ip_set()
        .scope(sdk_scope(create.scope))
        .name(&create.name)
        .set_description((!create.description.is_empty()).then(|| create.description.clone()))
        .ip_address_version(version)
        .set_addresses(Some(create.addresses.clone()))
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(CREATE_IP_SET, e))?;
    let s = out
        .summary
        .ok_or_else(|| AwsError::bad_response(CREATE_IP_SET, "no Summary in the answer"))?;
    Ok(IpSetSummary {
        set: IpSetRef {
            scope: create.scope,
            name: s.name.unwrap_or_else(|| create.name.clone()),
            id: s.id.unwrap_or_default(),
        },
        arn: s.arn.unwrap_or_default(),
        description: s.description.unwrap_or_default(),
    })
}

/// Every rule of every web ACL in `scope` that references an IP set, at any depth.
pub async fn rule_references(
    client: &Client,
    scope: WafScope,
) -> Result<Vec<RuleReference>, AwsError> {
    let client = client_for(client, scope);
    let mut acls = Vec::new();
    let mut marker = None;
    loop {
        let page = client
            .list_web_acls()
            .scope(sdk_scope(scope))
            .limit(100)
            .set_next_marker(marker)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(LIST_WEB_ACLS, e))?;
        acls.extend(page.web_acls.unwrap_or_default());
        match page.next_marker {
            Some(m) if !m.is_empty() => marker = Some(m),
            _ => break,
        }
    }
    let mut out = Vec::new();
    for acl in acls {
        let (Some(name), Some(id)) = (acl.name, acl.id) else {
            continue;
        };
        let got = client
            .get_web_acl()
            .scope(sdk_scope(scope))
            .name(&name)
            .id(&id)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(GET_WEB_ACL, e))?;
        if let Some(web_acl) = got.web_acl {
            out.extend(references_in(&web_acl));
        }
    }
    Ok(out)
}

/// The IP set references in one web ACL's rules.
pub fn references_in(acl: &sdk::WebAcl) -> Vec<RuleReference> {
    let mut out = Vec::new();
    for rule in acl.rules.as_deref().unwrap_or_default() {
        let mut found = Vec::new();
        if let Some(s) = &rule.statement {
            walk(s, String::new(), &mut found);
        }
        for (arn, path) in found {
            out.push(RuleReference {
                ip_set_arn: arn,
                web_acl: acl.name.clone(),
                rule: rule.name.clone(),
                priority: rule.priority,
                action: action_of(rule),
                path,
            });
        }
    }
    out
}

fn action_of(rule: &sdk::Rule) -> String {
    if let Some(a) = &rule.action {
        let name = if a.block.is_some() {
            "BLOCK"
        } else if a.allow.is_some() {
            "ALLOW"
        } else if a.count.is_some() {
            "COUNT"
        } else if a.captcha.is_some() {
            "CAPTCHA"
        } else if a.challenge.is_some() {
            "CHALLENGE"
        } else {
            "?"
        };
        return name.to_string();
    }
    match &rule.override_action {
        Some(o) if o.count.is_some() => "OVERRIDE:COUNT".into(),
        Some(_) => "OVERRIDE:NONE".into(),
        None => "?".into(),
    }
}

fn join(path: &str, step: &str) -> String {
    if path.is_empty() {
        step.to_string()
    } else {
        format!("{path}.{step}")
    }
}

/// Collects (IP set ARN, path) through And/Or/Not and rate-based / managed rule group
/// scope-down statements.
fn walk(s: &sdk::Statement, path: String, out: &mut Vec<(String, String)>) {
    if let Some(r) = &s.ip_set_reference_statement {
        out.push((r.arn.clone(), path.clone()));
    }
    if let Some(a) = &s.and_statement {
        for inner in &a.statements {
            walk(inner, join(&path, "And"), out);
        }
    }
    if let Some(o) = &s.or_statement {
        for inner in &o.statements {
            walk(inner, join(&path, "Or"), out);
        }
    }
    if let Some(n) = &s.not_statement
        && let Some(inner) = &n.statement
    {
        walk(inner, join(&path, "Not"), out);
    }
    if let Some(r) = &s.rate_based_statement
        && let Some(inner) = &r.scope_down_statement
    {
        walk(inner, join(&path, "RateBased.ScopeDown"), out);
    }
    if let Some(m) = &s.managed_rule_group_statement
        && let Some(inner) = &m.scope_down_statement
    {
        walk(inner, join(&path, "ManagedRuleGroup.ScopeDown"), out);
    }
}
