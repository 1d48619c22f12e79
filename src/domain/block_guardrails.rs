//! Guardrails of a block from a finding: reasons the block is probably a mistake, shown in
//! the preview and refused on `y` (only the override key approves them, and the journal
//! records which were overridden).
//!
//! - the IP set is used by an ALLOW rule (adding the attacker lets it in), inside a NOT
//!   statement (adding exempts it from the rule), only by COUNT rules, or by no web ACL at
//!   all (adding blocks nothing);
//! - a finding is in another account or region than the IP set (the block does not protect
//!   what the finding is about);
//! - a finding is SUPPRESSED or RESOLVED (someone closed it; AWS's Automated Security
//!   Response does not act on those either, and the NOTIFIED step would reopen it).

use super::finding::WorkflowStatus;
use super::waf::{IpSet, RuleReference, WafScope};
use super::waf_block::BlockSource;

/// Every guardrail of blocking `sources` into `set` (used by `references`).
pub fn block_guardrails(
    set: &IpSet,
    references: &[RuleReference],
    sources: &[BlockSource],
) -> Vec<String> {
    let mut out = set_use(&set.set.name, references);
    out.extend(placement(set, sources));
    out.extend(closed_findings(sources));
    out
}

/// What adding an address to the set does, from each rule that references it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    /// BLOCK / CAPTCHA / CHALLENGE on the set: the address is acted against.
    Blocks,
    /// ALLOW on the set: the address is let in.
    Allows,
    /// A blocking rule on NOT the set: the address is exempted from it.
    Exempts,
    /// COUNT, or a rule group's scope-down: nothing is blocked.
    Counts,
}

fn effect_of(r: &RuleReference) -> Effect {
    let negated = r.path.split('.').filter(|step| *step == "Not").count() % 2 == 1;
    let blocking = matches!(r.action.as_str(), "BLOCK" | "CAPTCHA" | "CHALLENGE");
    match (r.action.as_str(), negated) {
        ("ALLOW", false) => Effect::Allows,
        // Not allowed any more is not a reason to worry.
        ("ALLOW", true) => Effect::Counts,
        _ if blocking && negated => Effect::Exempts,
        // A rule group scoped down to NOT the set: its blocking rules skip the address.
        (a, true) if a.starts_with("OVERRIDE:NONE") => Effect::Exempts,
        _ if blocking => Effect::Blocks,
        _ => Effect::Counts,
    }
}

fn rules(refs: &[&RuleReference]) -> String {
    refs.iter()
        .map(|r| r.describe())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The guardrails about how web ACLs use the set.
fn set_use(name: &str, references: &[RuleReference]) -> Vec<String> {
    let with = |e: Effect| -> Vec<&RuleReference> {
        references.iter().filter(|r| effect_of(r) == e).collect()
    };
    let mut out = Vec::new();
    let allows = with(Effect::Allows);
    if !allows.is_empty() {
        out.push(format!(
            "IP set {name} is used by ALLOW rule {}: adding an address lets it in",
            rules(&allows)
        ));
    }
    let exempts = with(Effect::Exempts);
    if !exempts.is_empty() {
        out.push(format!(
            "IP set {name} is used inside a NOT statement by {}: adding an address exempts it from that rule",
            rules(&exempts)
        ));
    }
    if with(Effect::Blocks).is_empty() {
        out.push(if references.is_empty() {
            format!("IP set {name} is not used by any web ACL: adding an address blocks nothing")
        } else if allows.is_empty() && exempts.is_empty() {
            format!(
                "IP set {name} is only used by COUNT (non-blocking) rules {}: adding an address blocks nothing",
                rules(&with(Effect::Counts))
            )
        } else {
            format!("IP set {name} is used by no BLOCK rule: adding an address blocks nothing")
        });
    }
    out
}

/// Whether `s` has the shape of an AWS region name (`us-east-1`, `us-gov-west-1`): a
/// finding's `Region` (or the product ARN it falls back to) can be anything.
pub fn looks_like_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts[parts.len() - 1].chars().all(|c| c.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

/// Account and region of an IP set, from its ARN (`arn:aws:wafv2:REGION:ACCOUNT:...`).
pub fn set_location(set: &IpSet) -> (String, String) {
    let mut parts = set.arn.split(':').skip(3);
    let region = parts.next().unwrap_or_default().to_string();
    let account = parts.next().unwrap_or_default().to_string();
    (account, region)
}

/// The findings that live elsewhere than the set (a CLOUDFRONT set is global: only its
/// account counts). Unknown accounts or regions (empty) are not compared.
fn placement(set: &IpSet, sources: &[BlockSource]) -> Vec<String> {
    let (account, region) = set_location(set);
    let global = set.set.scope == WafScope::Cloudfront;
    let elsewhere: Vec<&BlockSource> = sources
        .iter()
        .filter(|s| {
            let other_account =
                !s.account.is_empty() && !account.is_empty() && s.account != account;
            let other_region =
                !global && !s.region.is_empty() && !region.is_empty() && s.region != region;
            other_account || other_region
        })
        .collect();
    let set_where = if global {
        format!("account {account}, global (CLOUDFRONT)")
    } else {
        format!("account {account}, {region}")
    };
    match elsewhere.as_slice() {
        [] => Vec::new(),
        [one] => vec![format!(
            "finding \"{}\" is in account {}, {}; IP set {} is in {set_where}: the block does not protect where the finding happened",
            one.title, one.account, one.region, set.set.name
        )],
        many => {
            let mut places: Vec<String> = many
                .iter()
                .map(|s| format!("{}, {}", s.account, s.region))
                .collect();
            places.sort();
            places.dedup();
            vec![format!(
                "{} findings are in another account or region ({}) than IP set {} ({set_where}): the block does not protect where they happened",
                many.len(),
                places.join("; "),
                set.set.name
            )]
        }
    }
}

/// The findings someone closed.
fn closed_findings(sources: &[BlockSource]) -> Vec<String> {
    let closed: Vec<&BlockSource> = sources
        .iter()
        .filter(|s| {
            matches!(
                s.before.workflow,
                Some(WorkflowStatus::Suppressed | WorkflowStatus::Resolved)
            )
        })
        .collect();
    let status = |s: &BlockSource| s.before.workflow.map(|w| w.as_str()).unwrap_or_default();
    match closed.as_slice() {
        [] => Vec::new(),
        [one] => vec![format!(
            "finding \"{}\" is {}: it was closed, and acting on it (or setting it NOTIFIED) reopens a decision someone made",
            one.title,
            status(one)
        )],
        many => vec![format!(
            "{} of the findings are SUPPRESSED or RESOLVED ({}): they were closed, and acting on them reopens a decision someone made",
            many.len(),
            many.iter()
                .map(|s| format!("\"{}\" {}", s.title, status(s)))
                .collect::<Vec<_>>()
                .join(", ")
        )],
    }
}

#[cfg(test)]
#[path = "block_guardrails_tests.rs"]
mod tests;
