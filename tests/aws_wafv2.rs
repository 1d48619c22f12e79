//! The WAFv2 adapter and the IP set change kinds through the mutation executor, on the
//! sandbox: a concurrent writer racing between our read and write, undo, refusals before
//! any call, rule references found at any depth, CLOUDFRONT routing, and a delete whose
//! set moved or became used since the preview writing nothing.

mod common;

use common::*;
use secdeck::aws::wafv2;
use secdeck::domain::plan::{Change, ChangePlan};
use secdeck::domain::waf::{IpSetRef, WafScope, plan_delete, plan_edit};
use secdeck::journal::Journal;
use secdeck::sandbox::Sandbox;

/// The demo world without its findings.
async fn demo() -> TestEnv {
    TestEnv::new(demo_seed_without_findings()).await
}

async fn set_ref(sandbox: &Sandbox, name: &str) -> IpSetRef {
    let clients = secdeck::aws::AwsClients::new(&sandbox.sdk_config().await);
    ip_set_named(&clients.wafv2, WafScope::Regional, name).await
}

#[tokio::test]
async fn a_concurrent_writer_between_read_and_write_keeps_both_changes_and_undo_reverts_ours() {
    let env = demo().await;
    let (sandbox, clients, journal) = (&env.sandbox, env.clients(), &env.journal);
    let exec = env.executor();

    let r = set_ref(sandbox, "blocked-attackers-v4").await;
    let set = wafv2::get_ip_set(&clients.wafv2, &r).await.unwrap();
    let (update, _) = plan_edit(
        &set,
        &strings(&["192.0.2.99"]),
        &strings(&["198.51.100.0/24"]),
    )
    .unwrap();
    assert_eq!(update.count_after, 4);

    // Another console adds an address right after the executor reads the set.
    sandbox.race_next_ip_set_read("blocked-attackers-v4", &["203.0.113.200/32"]);
    let executed = exec
        .execute_reporting(ChangePlan::new("p1", Change::IpSetUpdate(Box::new(update))))
        .await;
    assert!(executed.outcome.is_complete_success(), "{executed:?}");
    assert!(
        executed
            .warnings
            .iter()
            .any(|w| w.contains("lock conflict")),
        "{:?}",
        executed.warnings
    );
    let now = sandbox.ip_set_addresses("blocked-attackers-v4").unwrap();
    assert!(now.contains(&"192.0.2.99/32".to_string()), "ours: {now:?}");
    assert!(
        now.contains(&"203.0.113.200/32".to_string()),
        "theirs: {now:?}"
    );
    assert!(!now.contains(&"198.51.100.0/24".to_string()), "{now:?}");
    let updates: Vec<u16> = sandbox
        .requests()
        .iter()
        .filter(|r| r.operation == "UpdateIPSet")
        .map(|r| r.status)
        .collect();
    assert_eq!(
        updates,
        [400, 200],
        "stale token refused, then the re-applied write"
    );

    // Undo is the inverse diff: ours goes, theirs stays.
    let undo = executed.undo.unwrap();
    let undone = exec.execute_reporting(undo).await;
    assert!(undone.outcome.is_complete_success(), "{undone:?}");
    let now = sandbox.ip_set_addresses("blocked-attackers-v4").unwrap();
    assert!(!now.contains(&"192.0.2.99/32".to_string()));
    assert!(now.contains(&"198.51.100.0/24".to_string()));
    assert!(now.contains(&"203.0.113.200/32".to_string()));

    let entries = Journal::read_all(journal).unwrap();
    assert_eq!(
        entries.len(),
        4,
        "intent + outcome for the change and its undo"
    );
    assert_eq!(entries[0].operation, "wafv2:UpdateIPSet");
}

#[test]
fn invalid_and_over_limit_edits_are_refused_before_any_call() {
    let set = secdeck::domain::waf::IpSet {
        set: IpSetRef {
            scope: WafScope::Regional,
            name: "s".into(),
            id: "i".into(),
        },
        arn: "arn".into(),
        description: String::new(),
        version: secdeck::domain::cidr::IpVersion::V4,
        addresses: (0..10_000u32)
            .map(|i| format!("{}/32", std::net::Ipv4Addr::from(0x0a00_0000 + i)))
            .collect(),
        lock_token: "t".into(),
    };
    let err = plan_edit(&set, &strings(&["192.0.2.1"]), &[]).unwrap_err();
    assert_eq!(
        err,
        ["the set would hold 10001 addresses; WAF allows at most 10000"]
    );
    let err = plan_edit(&set, &strings(&["2001:db8::/32", "300.1.1.1"]), &[]).unwrap_err();
    assert_eq!(err.len(), 2, "{err:?}");
    assert!(
        err[0].contains("is IPV6, but the set holds IPV4"),
        "{err:?}"
    );
    assert!(
        err[1].contains("\"300.1.1.1\" is not an IP address"),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_set_without_description_is_created_and_updated_without_sending_an_empty_one() {
    // WAF refuses Description "" (minimum length 1); the adapter must omit the field.
    let sandbox = demo().await;
    let clients = sandbox.clients();
    let create = secdeck::domain::waf::IpSetCreate {
        scope: WafScope::Regional,
        name: "bare".into(),
        version: secdeck::domain::cidr::IpVersion::V4,
        description: String::new(),
        addresses: strings(&["192.0.2.0/24"]),
    };
    wafv2::create_ip_set(&clients.wafv2, &create).await.unwrap();
    let set = set_ref(&sandbox, "bare").await;
    let got = wafv2::get_ip_set(&clients.wafv2, &set).await.unwrap();
    assert_eq!(got.description, "");
    wafv2::update_ip_set(
        &clients.wafv2,
        &set,
        "",
        strings(&["192.0.2.0/24", "198.51.100.0/24"]),
        &got.lock_token,
    )
    .await
    .unwrap();
    let got = wafv2::get_ip_set(&clients.wafv2, &set).await.unwrap();
    assert_eq!(got.addresses, strings(&["192.0.2.0/24", "198.51.100.0/24"]));
}

#[tokio::test]
async fn references_are_found_in_nested_and_scope_down_statements() {
    let env = demo().await;
    let clients = env.clients();
    let refs = wafv2::rule_references(&clients.wafv2, WafScope::Regional)
        .await
        .unwrap();
    let corporate: Vec<String> = refs
        .iter()
        .filter(|r| r.ip_set_arn.contains("/corporate-egress-v4/"))
        .map(|r| r.describe())
        .collect();
    assert_eq!(
        corporate,
        [
            "internal-api/allow-corporate (#0 ALLOW)",
            "storefront-alb/AWS-AWSManagedRulesAnonymousIpList (#1 OVERRIDE:NONE) via ManagedRuleGroup.ScopeDown.Not.Or",
            "storefront-alb/rate-limit-non-corporate (#2 BLOCK) via RateBased.ScopeDown.Not",
        ]
    );
    let blocked = refs
        .iter()
        .find(|r| r.ip_set_arn.contains("/blocked-attackers-v4/"))
        .unwrap();
    assert_eq!(
        blocked.describe(),
        "storefront-alb/block-known-attackers (#0 BLOCK) via Or"
    );
}

#[tokio::test]
async fn cloudfront_calls_go_to_us_east_1_from_any_region() {
    let sandbox = demo().await;
    let config = sandbox
        .sdk_config()
        .await
        .to_builder()
        .region(aws_config::Region::new("eu-west-1"))
        .build();
    let clients = secdeck::aws::AwsClients::new(&config);
    let sets = wafv2::list_ip_sets(&clients.wafv2, WafScope::Cloudfront)
        .await
        .unwrap();
    assert_eq!(sets.len(), 2);
}

/// The executor's checks right before DeleteIPSet: a set changed since the preview comes
/// back re-planned with what moved; a set a rule uses (planned before the rule was added)
/// is refused with the rule named. Neither sends DeleteIPSet.
#[tokio::test]
async fn a_delete_whose_set_moved_or_is_used_now_writes_nothing() {
    let env = demo().await;
    let (sandbox, clients) = (&env.sandbox, env.clients());
    let exec = env.executor();
    let r = set_ref(sandbox, "blocked-attackers-v4").await;
    let set = wafv2::get_ip_set(&clients.wafv2, &r).await.unwrap();
    // Planned as if no rule used it (a rule added since the console loaded).
    let delete = plan_delete(&set, &[]).unwrap();

    let mut moved = set.addresses.clone();
    moved.push("203.0.113.200/32".into());
    wafv2::update_ip_set(&clients.wafv2, &r, &set.description, moved, &set.lock_token)
        .await
        .unwrap();
    let executed = exec
        .execute_reporting(ChangePlan::new("d1", Change::IpSetDelete(Box::new(delete))))
        .await;
    let replan = executed.outcome.replan.as_ref().expect("re-planned");
    assert!(
        replan.moved[0].what.contains("addresses 4 -> 5"),
        "{replan:?}"
    );
    let again = replan.plan.clone().expect("the delete planned again");
    assert!(
        again.title().contains("with 5 addresses"),
        "{}",
        again.title()
    );

    let executed = exec.execute_reporting(again).await;
    let error = executed.outcome.error.clone().unwrap_or_default();
    assert!(
        error.contains("nothing sent") && error.contains("storefront-alb/block-known-attackers"),
        "{executed:?}"
    );
    assert_eq!(count(sandbox, "DeleteIPSet"), 0);
    assert_eq!(
        sandbox
            .ip_set_addresses("blocked-attackers-v4")
            .unwrap()
            .len(),
        5
    );
}
