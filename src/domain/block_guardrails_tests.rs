use super::*;
use crate::domain::cidr::IpVersion;
use crate::domain::finding::FindingRef;
use crate::domain::plan::TriageFields;
use crate::domain::waf::IpSetRef;

fn set(scope: WafScope) -> IpSet {
    IpSet {
        set: IpSetRef {
            scope,
            name: "attackers".into(),
            id: "id-1".into(),
        },
        arn: "arn:aws:wafv2:us-east-1:111122223333:regional/ipset/attackers/id-1".into(),
        description: String::new(),
        version: IpVersion::V4,
        addresses: Vec::new(),
        lock_token: "t".into(),
    }
}

fn rule(name: &str, action: &str, path: &str) -> RuleReference {
    RuleReference {
        ip_set_arn: "arn".into(),
        web_acl: "acl".into(),
        rule: name.into(),
        priority: 1,
        action: action.into(),
        path: path.into(),
    }
}

fn source(title: &str, account: &str, region: &str, status: WorkflowStatus) -> BlockSource {
    BlockSource {
        finding: FindingRef {
            id: title.into(),
            product_arn: "arn:p".into(),
        },
        title: title.into(),
        account: account.into(),
        region: region.into(),
        before: TriageFields {
            workflow: Some(status),
            ..TriageFields::default()
        },
        ips: vec!["203.0.113.9".parse().unwrap()],
    }
}

fn here() -> BlockSource {
    source("ssh", "111122223333", "us-east-1", WorkflowStatus::New)
}

#[test]
fn a_set_a_rule_blocks_with_from_an_open_finding_here_has_no_guardrail() {
    let refs = [rule("block", "BLOCK", "Or")];
    assert_eq!(
        block_guardrails(&set(WafScope::Regional), &refs, &[here()]),
        Vec::<String>::new()
    );
}

#[test]
fn allow_not_count_and_unused_sets_are_each_named() {
    let s = set(WafScope::Regional);
    let g = block_guardrails(&s, &[rule("allow-corp", "ALLOW", "")], &[here()]);
    assert_eq!(g.len(), 2, "{g:?}");
    assert!(
        g[0].contains("used by ALLOW rule acl/allow-corp (#1 ALLOW): adding an address lets it in"),
        "{g:?}"
    );
    assert!(g[1].contains("used by no BLOCK rule"), "{g:?}");

    let g = block_guardrails(
        &s,
        &[rule("rate", "BLOCK", "RateBased.ScopeDown.Not")],
        &[here()],
    );
    assert!(
        g[0].contains("inside a NOT statement") && g[0].contains("exempts it"),
        "{g:?}"
    );

    let g = block_guardrails(&s, &[rule("count", "COUNT", "Or")], &[here()]);
    assert_eq!(
        g,
        [
            "IP set attackers is only used by COUNT (non-blocking) rules acl/count (#1 COUNT) via Or: adding an address blocks nothing"
        ]
    );

    let g = block_guardrails(&s, &[], &[here()]);
    assert_eq!(
        g,
        ["IP set attackers is not used by any web ACL: adding an address blocks nothing"]
    );

    // A set both blocked and allowed still warns about the ALLOW.
    let g = block_guardrails(
        &s,
        &[rule("b", "BLOCK", ""), rule("a", "ALLOW", "")],
        &[here()],
    );
    assert_eq!(g.len(), 1, "{g:?}");
    // NOT NOT is a plain reference.
    assert!(block_guardrails(&s, &[rule("b", "BLOCK", "Not.Not")], &[here()]).is_empty());
}

#[test]
fn findings_of_another_account_or_region_are_named_with_both_places() {
    let refs = [rule("block", "BLOCK", "")];
    let s = set(WafScope::Regional);
    let g = block_guardrails(
        &s,
        &refs,
        &[source(
            "ssh",
            "444455556666",
            "us-east-1",
            WorkflowStatus::New,
        )],
    );
    assert_eq!(
        g,
        [
            "finding \"ssh\" is in account 444455556666, us-east-1; IP set attackers is in account 111122223333, us-east-1: the block does not protect where the finding happened"
        ]
    );
    let g = block_guardrails(
        &s,
        &refs,
        &[
            here(),
            source("a", "111122223333", "eu-west-1", WorkflowStatus::New),
            source("b", "111122223333", "eu-west-1", WorkflowStatus::Notified),
        ],
    );
    assert_eq!(g.len(), 1);
    assert!(
        g[0].starts_with("2 findings are in another account or region (111122223333, eu-west-1)"),
        "{g:?}"
    );
    // A CLOUDFRONT set is global: only the account is compared.
    let g = block_guardrails(
        &set(WafScope::Cloudfront),
        &refs,
        &[source(
            "a",
            "111122223333",
            "eu-west-1",
            WorkflowStatus::New,
        )],
    );
    assert!(g.is_empty(), "{g:?}");
}

#[test]
fn suppressed_and_resolved_findings_are_guarded() {
    let refs = [rule("block", "BLOCK", "")];
    let s = set(WafScope::Regional);
    let g = block_guardrails(
        &s,
        &refs,
        &[source(
            "ssh",
            "111122223333",
            "us-east-1",
            WorkflowStatus::Suppressed,
        )],
    );
    assert_eq!(g.len(), 1);
    assert!(
        g[0].starts_with("finding \"ssh\" is SUPPRESSED: it was closed"),
        "{g:?}"
    );
    let g = block_guardrails(
        &s,
        &refs,
        &[
            here(),
            source("a", "111122223333", "us-east-1", WorkflowStatus::Resolved),
            source("b", "111122223333", "us-east-1", WorkflowStatus::Suppressed),
        ],
    );
    assert!(
        g[0].starts_with(
            "2 of the findings are SUPPRESSED or RESOLVED (\"a\" RESOLVED, \"b\" SUPPRESSED)"
        ),
        "{g:?}"
    );
}

#[test]
fn region_names_are_told_from_other_words() {
    for r in ["us-east-1", "eu-west-2", "us-gov-west-1", "ap-southeast-3"] {
        assert!(looks_like_region(r), "{r}");
    }
    for r in [
        "securityhub",
        "",
        "us-east",
        "US-EAST-1",
        "us--1",
        "-east-1",
    ] {
        assert!(!looks_like_region(r), "{r}");
    }
}
