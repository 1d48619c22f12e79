//! The sandbox's WAFv2 through the real aws-sdk-wafv2 client: IP set CRUD, LockToken
//! conflicts, WAF's validation errors, limits, pagination, scope rules, and the demo world.

use aws_sdk_wafv2::Client;
use aws_sdk_wafv2::config::retry::RetryConfig;
use aws_sdk_wafv2::error::ProvideErrorMetadata;
use aws_sdk_wafv2::operation::create_ip_set::builders::CreateIPSetFluentBuilder;
use aws_sdk_wafv2::operation::get_ip_set::builders::GetIPSetFluentBuilder;
use aws_sdk_wafv2::operation::update_ip_set::builders::UpdateIPSetFluentBuilder;
use aws_sdk_wafv2::types::{IpAddressVersion, Scope};
use secdeck::sandbox::seed::Seed;
use secdeck::sandbox::{QuotaMode, Sandbox, SandboxConfig};

fn empty() -> Sandbox {
    Sandbox::new(SandboxConfig::default(), Seed::default()).unwrap()
}

fn demo() -> Sandbox {
    let seed = secdeck::sandbox::seed::demo(time::OffsetDateTime::now_utc()).unwrap();
    Sandbox::new(
        SandboxConfig::default(),
        Seed {
            findings: Vec::new(),
            ..seed
        },
    )
    .unwrap()
}

async fn waf(sandbox: &Sandbox, region: Option<&str>) -> Client {
    let mut conf = aws_sdk_wafv2::config::Builder::from(&sandbox.sdk_config().await)
        .retry_config(RetryConfig::disabled());
    if let Some(r) = region {
        conf = conf.region(aws_sdk_wafv2::config::Region::new(r.to_string()));
    }
    Client::from_conf(conf.build())
}

/// The REGIONAL IP sets, as ListIPSets answers.
async fn regional_sets(client: &Client) -> Vec<aws_sdk_wafv2::types::IpSetSummary> {
    client
        .list_ip_sets()
        .scope(Scope::Regional)
        .send()
        .await
        .unwrap()
        .ip_sets
        .unwrap_or_default()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// UpdateIPSet of the REGIONAL set `name`/`id`; the caller adds what it changes.
fn update(client: &Client, name: &str, id: &str) -> UpdateIPSetFluentBuilder {
    client
        .update_ip_set()
        .name(name)
        .scope(Scope::Regional)
        .id(id)
}

/// GetIPSet of the REGIONAL set `name`/`id`.
fn get(client: &Client, name: &str, id: &str) -> GetIPSetFluentBuilder {
    client.get_ip_set().name(name).scope(Scope::Regional).id(id)
}

/// CreateIPSet of an empty REGIONAL IPv4 set `name`.
fn create_empty(client: &Client, name: &str) -> CreateIPSetFluentBuilder {
    client
        .create_ip_set()
        .name(name)
        .scope(Scope::Regional)
        .ip_address_version(IpAddressVersion::Ipv4)
        .set_addresses(Some(vec![]))
}

/// An empty sandbox holding one REGIONAL IPv4 set: its client, the set's id and lock token.
async fn with_set(name: &str, addrs: &[&str]) -> (Sandbox, Client, String, String) {
    let sandbox = empty();
    let client = waf(&sandbox, None).await;
    let (id, token) = create(&client, name, addrs).await;
    (sandbox, client, id, token)
}

async fn create(client: &Client, name: &str, addrs: &[&str]) -> (String, String) {
    let out = client
        .create_ip_set()
        .name(name)
        .scope(Scope::Regional)
        .ip_address_version(IpAddressVersion::Ipv4)
        .description("test set")
        .set_addresses(Some(strings(addrs)))
        .send()
        .await
        .unwrap();
    let s = out.summary.unwrap();
    (s.id.unwrap(), s.lock_token.unwrap())
}

#[tokio::test]
async fn create_get_update_and_a_stale_lock_token_is_refused() {
    let (sandbox, client, id, token) =
        with_set("blocklist", &["192.0.2.0/24", "198.51.100.7/32"]).await;

    let got = get(&client, "blocklist", &id).send().await.unwrap();
    let set = got.ip_set.unwrap();
    assert_eq!(set.addresses, strings(&["192.0.2.0/24", "198.51.100.7/32"]));
    assert_eq!(got.lock_token.as_deref(), Some(token.as_str()));
    assert!(
        set.arn
            .ends_with(&format!(":regional/ipset/blocklist/{id}")),
        "{}",
        set.arn
    );

    let next = update(&client, "blocklist", &id)
        .addresses("203.0.113.0/24")
        .lock_token(&token)
        .send()
        .await
        .unwrap()
        .next_lock_token
        .unwrap();
    assert_ne!(next, token);

    let err = update(&client, "blocklist", &id)
        .addresses("192.0.2.0/24")
        .lock_token(&token)
        .send()
        .await
        .unwrap_err();
    assert!(
        err.as_service_error()
            .unwrap()
            .is_waf_optimistic_lock_exception()
    );
    let now = get(&client, "blocklist", &id).send().await.unwrap();
    let now = now.ip_set.unwrap();
    assert_eq!(now.addresses, strings(&["203.0.113.0/24"]));
    // UpdateIPSet replaces the description too: it was not sent again, so it is gone.
    assert_eq!(now.description.as_deref(), Some(""));
    let mutating: Vec<_> = sandbox
        .requests()
        .into_iter()
        .filter(|r| r.mutating)
        .map(|r| (r.operation, r.status))
        .collect();
    assert_eq!(
        mutating,
        [
            ("CreateIPSet".to_string(), 200),
            ("UpdateIPSet".to_string(), 200),
            ("UpdateIPSet".to_string(), 400)
        ]
    );
}

#[tokio::test]
async fn descriptions_outside_wafs_length_and_pattern_are_refused() {
    let (_sandbox, client, id, token) = with_set("v4", &[]).await;
    let long = "a".repeat(257);
    for bad in [
        "",
        "CloudFront [syncToken 1]",
        " padded",
        "ab",
        "café set",
        long.as_str(),
    ] {
        let err = update(&client, "v4", &id)
            .description(bad)
            .set_addresses(Some(Vec::new()))
            .lock_token(&token)
            .send()
            .await
            .unwrap_err();
        let e = err.as_service_error().unwrap();
        assert_eq!(e.code(), Some("WAFInvalidParameterException"), "{bad:?}");
        assert!(e.message().unwrap().contains("field: DESCRIPTION"), "{e:?}");
    }
    // What a sync writes and what users type are accepted.
    update(&client, "v4", &id)
        .description("CloudFront edge, IPv4 syncToken:1787411825")
        .set_addresses(Some(Vec::new()))
        .lock_token(&token)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn invalid_addresses_get_wafs_invalid_parameter_shape() {
    let (_sandbox, client, id, token) = with_set("v4", &[]).await;
    // WAF refuses host bits (aws-cdk#20003) rather than widening 203.0.113.7/24 to a /24.
    for bad in [
        "2001:db8::/32",
        "10.0.0/8",
        "192.0.2.1",
        "0.0.0.0/0",
        "203.0.113.7/24",
    ] {
        let err = update(&client, "v4", &id)
            .addresses(bad)
            .lock_token(&token)
            .send()
            .await
            .unwrap_err();
        let e = err.as_service_error().unwrap();
        let aws_sdk_wafv2::operation::update_ip_set::UpdateIPSetError::WafInvalidParameterException(
            p,
        ) = e
        else {
            panic!("{bad}: {e:?}");
        };
        assert_eq!(
            p.field.as_ref().map(|f| f.as_str()),
            Some("IP_ADDRESS"),
            "{bad}"
        );
        assert_eq!(p.parameter.as_deref(), Some(bad));
        assert!(p.message().unwrap().contains("field: IP_ADDRESS"), "{p:?}");
    }
}

#[tokio::test]
async fn more_than_ten_thousand_addresses_exceed_the_limit() {
    let (_sandbox, client, id, token) = with_set("big", &[]).await;
    let many: Vec<String> = (0..10_001u32)
        .map(|i| format!("{}/32", std::net::Ipv4Addr::from(0x0a00_0000 + i)))
        .collect();
    let err = update(&client, "big", &id)
        .set_addresses(Some(many))
        .lock_token(&token)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("WAFLimitsExceededException"));
}

#[tokio::test]
async fn duplicates_nonexistent_and_delete_behave_as_waf() {
    let (_sandbox, client, id, token) = with_set("dup", &[]).await;
    let err = create_empty(&client, "dup").send().await.unwrap_err();
    assert_eq!(err.code(), Some("WAFDuplicateItemException"));
    let err = get(&client, "dup", "nope").send().await.unwrap_err();
    assert_eq!(err.code(), Some("WAFNonexistentItemException"));
    client
        .delete_ip_set()
        .name("dup")
        .scope(Scope::Regional)
        .id(&id)
        .lock_token(&token)
        .send()
        .await
        .unwrap();
    assert!(regional_sets(&client).await.is_empty());
}

#[tokio::test]
async fn cloudfront_scope_is_only_accepted_in_us_east_1() {
    let sandbox = empty();
    let err = waf(&sandbox, Some("eu-west-1"))
        .await
        .list_ip_sets()
        .scope(Scope::Cloudfront)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("WAFInvalidParameterException"));
    waf(&sandbox, None)
        .await
        .list_ip_sets()
        .scope(Scope::Cloudfront)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn lists_paginate_with_next_marker() {
    let sandbox = empty();
    let client = waf(&sandbox, None).await;
    for i in 0..5 {
        create(&client, &format!("set-{i}"), &[]).await;
    }
    let mut names = Vec::new();
    let mut marker = None;
    let mut pages = 0;
    loop {
        let out = client
            .list_ip_sets()
            .scope(Scope::Regional)
            .limit(2)
            .set_next_marker(marker)
            .send()
            .await
            .unwrap();
        pages += 1;
        names.extend(
            out.ip_sets
                .unwrap_or_default()
                .into_iter()
                .filter_map(|s| s.name),
        );
        marker = out.next_marker;
        if marker.is_none() {
            break;
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(names, ["set-0", "set-1", "set-2", "set-3", "set-4"]);
}

#[tokio::test]
async fn a_second_write_within_a_second_is_throttled_under_aws_quotas() {
    let sandbox = empty();
    sandbox.set_quotas(QuotaMode::Aws);
    let client = waf(&sandbox, None).await;
    create(&client, "first", &[]).await;
    let err = create_empty(&client, "second").send().await.unwrap_err();
    assert_eq!(err.code(), Some("ThrottlingException"));
}

#[tokio::test]
async fn the_demo_world_has_web_acls_referencing_its_ip_sets() {
    let sandbox = demo();
    let client = waf(&sandbox, None).await;
    assert_eq!(regional_sets(&client).await.len(), 5);
    let acls = client
        .list_web_acls()
        .scope(Scope::Regional)
        .send()
        .await
        .unwrap()
        .web_acls
        .unwrap_or_default();
    let store = acls
        .iter()
        .find(|a| a.name.as_deref() == Some("storefront-alb"))
        .unwrap();
    let acl = client
        .get_web_acl()
        .name("storefront-alb")
        .scope(Scope::Regional)
        .id(store.id.clone().unwrap())
        .send()
        .await
        .unwrap()
        .web_acl
        .unwrap();
    let anon = acl
        .rules
        .as_ref()
        .unwrap()
        .iter()
        .find(|r| r.name == "AWS-AWSManagedRulesAnonymousIpList")
        .unwrap();
    let scope_down = anon
        .statement
        .as_ref()
        .and_then(|s| s.managed_rule_group_statement.as_ref())
        .and_then(|m| m.scope_down_statement.as_ref())
        .and_then(|s| s.not_statement.as_ref())
        .and_then(|n| n.statement.as_ref()?.or_statement.as_ref())
        .unwrap();
    let arns: Vec<&str> = scope_down
        .statements
        .iter()
        .filter_map(|s| {
            s.ip_set_reference_statement
                .as_ref()
                .map(|r| r.arn.as_str())
        })
        .collect();
    assert_eq!(arns.len(), 2);
    assert!(
        arns[0].starts_with(
            "arn:aws:wafv2:us-east-1:123456789012:regional/ipset/corporate-egress-v4/"
        )
    );
    let cf = client
        .list_web_acls()
        .scope(Scope::Cloudfront)
        .send()
        .await
        .unwrap();
    assert_eq!(cf.web_acls.unwrap_or_default().len(), 1);
}

/// DeleteIPSet as AWS answers it: a set a web ACL rule uses is refused with
/// WAFAssociatedItemException (and kept); a stale LockToken with WAFOptimisticLockException.
#[tokio::test]
async fn a_set_a_web_acl_uses_cannot_be_deleted() {
    let sandbox = demo();
    let client = waf(&sandbox, None).await;
    let sets = regional_sets(&client).await;
    let used = sets
        .iter()
        .find(|s| s.name() == Some("blocked-attackers-v4"))
        .unwrap();
    let delete = |token: &str| {
        client
            .delete_ip_set()
            .name("blocked-attackers-v4")
            .scope(Scope::Regional)
            .id(used.id().unwrap())
            .lock_token(token)
    };
    let err = delete("stale-token").send().await.unwrap_err();
    assert_eq!(err.code(), Some("WAFOptimisticLockException"));
    let err = delete(used.lock_token().unwrap()).send().await.unwrap_err();
    assert_eq!(err.code(), Some("WAFAssociatedItemException"));
    assert!(
        sandbox.ip_set_addresses("blocked-attackers-v4").is_some(),
        "still there"
    );
}
