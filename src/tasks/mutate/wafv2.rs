//! Executes IP set changes: UpdateIPSet with the lock-token conflict loop (re-read, re-apply
//! our additions and removals to the fresh list, never overwrite a concurrent writer),
//! the 10,000 limit checked before each write, ~1 write/s pacing, and verification by
//! re-reading the set. DeleteIPSet re-checks the references and writes with the lock
//! token read right before it.

use std::collections::BTreeSet;

use ipnet::IpNet;

use crate::aws::AwsError;
use crate::aws::retry::{Pacer, RetryPolicy, retry_throttled};
use crate::aws::wafv2::{self as waf, is_lock_conflict};
use crate::domain::cidr::{self, MAX_ADDRESSES};
use crate::domain::plan::{Change, ChangeOutcome, TargetFailure};
use crate::domain::waf::{IpSetCreate, IpSetDelete, IpSetUpdate};

/// How many lock conflicts in a row an update rides out before giving up.
pub const MAX_LOCK_CONFLICTS: u32 = 5;

/// WAF's per-account Create/Update quota: about one a second.
pub fn write_pacer() -> Pacer {
    Pacer::new(1.0, 1)
}

/// An outcome plus notes for the user (e.g. a concurrent change that was merged).
pub(crate) struct WafResult {
    pub outcome: ChangeOutcome,
    pub warnings: Vec<String>,
}

/// What an IP set write borrows from the executor.
pub(crate) struct WafWrite<'a> {
    pub client: &'a aws_sdk_wafv2::Client,
    pub pacer: &'a Pacer,
    pub retry: &'a RetryPolicy,
    pub plan_id: &'a str,
}

/// Executes one IP set change (update, create or delete).
pub(crate) async fn execute(cx: &WafWrite<'_>, change: &Change) -> WafResult {
    let (client, pacer, retry, plan_id) = (cx.client, cx.pacer, cx.retry, cx.plan_id);
    match change {
        Change::IpSetUpdate(u) => update_ip_set(client, pacer, retry, plan_id, u).await,
        Change::IpSetCreate(c) => create_ip_set(client, pacer, retry, plan_id, c).await,
        Change::IpSetDelete(d) => delete_ip_set(client, pacer, retry, plan_id, d).await,
        other => WafResult {
            outcome: ChangeOutcome {
                plan_id: plan_id.to_string(),
                error: Some(format!(
                    "{} is not an IP set change",
                    other.planned().operation()
                )),
                ..Default::default()
            },
            warnings: Vec::new(),
        },
    }
}

fn failed(plan_id: &str, target: String, e: &AwsError, request_ids: Vec<String>) -> ChangeOutcome {
    ChangeOutcome {
        plan_id: plan_id.to_string(),
        succeeded: Vec::new(),
        failed: vec![TargetFailure {
            target,
            code: e.code.clone().unwrap_or_else(|| format!("{:?}", e.kind)),
            message: e.to_string(),
        }],
        unverified: Vec::new(),
        request_ids,
        error: Some(e.to_string()),
        ..Default::default()
    }
}

fn nets(list: &[String]) -> Vec<IpNet> {
    list.iter()
        .filter_map(|a| cidr::parse(a, false).ok())
        .collect()
}

/// Our additions and removals applied to the list as it is now, within WAF's limit.
fn next_addresses(
    stored: &[String],
    add: &[IpNet],
    remove: &[IpNet],
) -> Result<Vec<String>, AwsError> {
    let (current, unparsed) = cidr::parse_stored(stored);
    if !unparsed.is_empty() {
        return Err(AwsError::bad_response(
            waf::GET_IP_SET,
            format!("unreadable addresses in the set: {}", unparsed.join(", ")),
        ));
    }
    let next: BTreeSet<IpNet> = cidr::apply(&current, add, remove);
    if next.len() > MAX_ADDRESSES {
        return Err(AwsError::invalid_request(
            waf::UPDATE_IP_SET,
            format!(
                "the set would hold {} addresses; WAF allows at most {MAX_ADDRESSES}",
                next.len()
            ),
        ));
    }
    Ok(cidr::to_strings(&next))
}

/// Whether a re-read of the set shows every addition and no removed address.
async fn shows_update(
    client: &aws_sdk_wafv2::Client,
    u: &IpSetUpdate,
    add: &[IpNet],
    remove: &[IpNet],
) -> bool {
    match waf::get_ip_set(client, &u.set).await {
        Ok(after) => {
            let (now, _) = cidr::parse_stored(&after.addresses);
            add.iter().all(|n| now.contains(n)) && remove.iter().all(|n| !now.contains(n))
        }
        Err(e) => {
            tracing::warn!(error = %e, "verification read failed");
            false
        }
    }
}

/// UpdateIPSet with the lock-token loop: re-read, re-apply our diff to the fresh list,
/// write; a lock conflict (someone wrote in between) starts over, a few times at most.
async fn update_ip_set(
    client: &aws_sdk_wafv2::Client,
    pacer: &Pacer,
    retry: &RetryPolicy,
    plan_id: &str,
    u: &IpSetUpdate,
) -> WafResult {
    let target = u.set.target();
    let (add, remove) = (nets(&u.add), nets(&u.remove));
    let mut warnings = Vec::new();
    let mut conflicts = 0;
    loop {
        let fresh = match retry_throttled(retry, || waf::get_ip_set(client, &u.set)).await {
            Ok(s) => s,
            Err(e) => {
                return WafResult {
                    outcome: failed(plan_id, target, &e, Vec::new()),
                    warnings,
                };
            }
        };
        let addresses = match next_addresses(&fresh.addresses, &add, &remove) {
            Ok(a) => a,
            Err(e) => {
                return WafResult {
                    outcome: failed(plan_id, target, &e, Vec::new()),
                    warnings,
                };
            }
        };
        let description = u.description.clone().unwrap_or(fresh.description.clone());
        let result = retry_throttled(retry, || {
            let (description, addresses, token) = (
                description.clone(),
                addresses.clone(),
                fresh.lock_token.clone(),
            );
            async move {
                pacer.acquire().await;
                waf::update_ip_set(client, &u.set, &description, addresses, &token).await
            }
        })
        .await;
        match result {
            Ok(_) => break,
            Err(e) if is_lock_conflict(&e) && conflicts < MAX_LOCK_CONFLICTS => {
                conflicts += 1;
                tracing::info!(plan = plan_id, set = %u.set.name, conflicts, "lock conflict: re-reading");
            }
            Err(e) => {
                return WafResult {
                    outcome: failed(plan_id, target, &e, Vec::new()),
                    warnings,
                };
            }
        }
    }
    if conflicts > 0 {
        warnings.push(format!(
            "IP set {} was changed by someone else while we wrote it ({conflicts} lock conflict(s)): our +{} -{} was re-applied to the fresh list and their change kept",
            u.set.name,
            u.add.len(),
            u.remove.len()
        ));
    }
    let unverified = if shows_update(client, u, &add, &remove).await {
        Vec::new()
    } else {
        vec![target.clone()]
    };
    WafResult {
        outcome: ChangeOutcome {
            plan_id: plan_id.to_string(),
            succeeded: vec![target],
            failed: Vec::new(),
            unverified,
            request_ids: Vec::new(),
            error: None,
            ..Default::default()
        },
        warnings,
    }
}

async fn create_ip_set(
    client: &aws_sdk_wafv2::Client,
    pacer: &Pacer,
    retry: &RetryPolicy,
    plan_id: &str,
    c: &IpSetCreate,
) -> WafResult {
    let target = c.target();
    let result = retry_throttled(retry, || async {
        pacer.acquire().await;
        waf::create_ip_set(client, c).await
    })
    .await;
    let outcome = match result {
        Err(e) => failed(plan_id, target, &e, Vec::new()),
        Ok(summary) => {
            let visible = waf::get_ip_set(client, &summary.set).await.is_ok();
            ChangeOutcome {
                plan_id: plan_id.to_string(),
                succeeded: vec![target.clone()],
                failed: Vec::new(),
                unverified: if visible { Vec::new() } else { vec![target] },
                request_ids: Vec::new(),
                error: None,
                ..Default::default()
            }
        }
    };
    WafResult {
        outcome,
        warnings: Vec::new(),
    }
}

/// The rules that reference the set now, as `web ACL/rule` descriptions.
async fn referenced_by(
    client: &aws_sdk_wafv2::Client,
    retry: &RetryPolicy,
    d: &IpSetDelete,
    arn: &str,
) -> Result<Vec<String>, AwsError> {
    let refs = retry_throttled(retry, || waf::rule_references(client, d.set.scope)).await?;
    Ok(refs
        .iter()
        .filter(|r| r.ip_set_arn == arn)
        .map(|r| r.describe())
        .collect())
}

/// DeleteIPSet: re-read the set (its lock token and ARN) and the rules that reference it
/// right before writing: a rule added since the preview refuses the deletion with nothing
/// sent. Verified when GetIPSet answers WAFNonexistentItemException.
async fn delete_ip_set(
    client: &aws_sdk_wafv2::Client,
    pacer: &Pacer,
    retry: &RetryPolicy,
    plan_id: &str,
    d: &IpSetDelete,
) -> WafResult {
    let target = d.set.target();
    let done = |outcome| WafResult {
        outcome,
        warnings: Vec::new(),
    };
    let fresh = match retry_throttled(retry, || waf::get_ip_set(client, &d.set)).await {
        Ok(s) => s,
        Err(e) => return done(failed(plan_id, target, &e, Vec::new())),
    };
    match referenced_by(client, retry, d, &fresh.arn).await {
        Ok(rules) if rules.is_empty() => {}
        Ok(rules) => {
            let e = AwsError::invalid_request(
                waf::DELETE_IP_SET,
                format!(
                    "nothing sent: IP set {} is now referenced by web ACL rule {}",
                    d.set.name,
                    rules.join(", ")
                ),
            );
            return done(failed(plan_id, target, &e, Vec::new()));
        }
        Err(e) => return done(failed(plan_id, target, &e, Vec::new())),
    }
    let result = retry_throttled(retry, || async {
        pacer.acquire().await;
        waf::delete_ip_set(client, &d.set, &fresh.lock_token).await
    })
    .await;
    if let Err(e) = result {
        return done(failed(plan_id, target, &e, Vec::new()));
    }
    let gone = matches!(
        waf::get_ip_set(client, &d.set).await,
        Err(e) if e.code.as_deref() == Some("WAFNonexistentItemException")
    );
    done(ChangeOutcome {
        plan_id: plan_id.to_string(),
        succeeded: vec![target.clone()],
        unverified: if gone { Vec::new() } else { vec![target] },
        ..Default::default()
    })
}
