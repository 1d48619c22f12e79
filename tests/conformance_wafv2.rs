//! Conformance: the same WAFv2 IP set scenario (create, update, stale-token conflict,
//! nonexistent set, an executor update that rides out a conflict, a stale-token delete and
//! the executor's DeleteIPSet verified by GetIPSet's WAFNonexistentItemException) through the same
//! aws-sdk-wafv2 client and adapter code against moto 5.2.5 and against the sandbox.
//!
//! moto 5.2.5 (moto/wafv2/models.py) keeps addresses verbatim and in the order sent, and
//! does not clear host bits; the scenario therefore sends canonical CIDRs and compares
//! sorted lists. Host-bit clearing and address validation are only held to AWS behaviour
//! on the sandbox (tests/sandbox_wafv2.rs).

mod common;

use aws_sdk_wafv2::Client;
use aws_sdk_wafv2::error::ProvideErrorMetadata;
use aws_sdk_wafv2::types::{IpAddressVersion, Scope};
use common::moto::Moto;
use secdeck::aws::AwsClients;
use secdeck::aws::wafv2;
use secdeck::domain::plan::{Change, ChangePlan};
use secdeck::domain::waf::{IpSetRef, WafScope, plan_delete, plan_edit};
use secdeck::sandbox::seed::Seed;
use secdeck::sandbox::{Sandbox, SandboxConfig};

/// What a user of the API can observe, step by step.
#[derive(Debug, PartialEq)]
struct Observed {
    created_version: String,
    addresses_after_create: Vec<String>,
    token_changed_on_update: bool,
    stale_update: Option<String>,
    addresses_after_update: Vec<String>,
    description: Option<String>,
    nonexistent: Option<String>,
    listed: Vec<String>,
    executor_outcome: String,
    addresses_after_executor: Vec<String>,
    stale_delete: Option<String>,
    delete_outcome: String,
    after_delete: Option<String>,
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

async fn scenario(clients: &AwsClients, journal: &std::path::Path) -> Observed {
    let client: &Client = &clients.wafv2;
    let created = client
        .create_ip_set()
        .name("conformance-set")
        .scope(Scope::Regional)
        .ip_address_version(IpAddressVersion::Ipv4)
        .description("conformance")
        .addresses("198.51.100.0/24")
        .addresses("192.0.2.0/24")
        .send()
        .await
        .expect("create")
        .summary
        .expect("summary");
    let set = IpSetRef {
        scope: WafScope::Regional,
        name: "conformance-set".into(),
        id: created.id.clone().expect("id"),
    };
    let first = wafv2::get_ip_set(client, &set).await.expect("get");
    let next = wafv2::update_ip_set(
        client,
        &set,
        "conformance",
        vec![
            "192.0.2.0/24".into(),
            "198.51.100.0/24".into(),
            "203.0.113.0/24".into(),
        ],
        &first.lock_token,
    )
    .await
    .expect("update with a fresh token");
    let stale = wafv2::update_ip_set(client, &set, "stale update", vec![], &first.lock_token)
        .await
        .err()
        .and_then(|e| e.code);
    let after = wafv2::get_ip_set(client, &set).await.expect("get again");
    let nonexistent = client
        .get_ip_set()
        .name("conformance-set")
        .scope(Scope::Regional)
        .id("00000000-0000-0000-0000-000000000000")
        .send()
        .await
        .err()
        .and_then(|e| e.code().map(str::to_string));
    let listed = wafv2::list_ip_sets(client, WafScope::Regional)
        .await
        .expect("list")
        .into_iter()
        .map(|s| s.set.name)
        .collect();

    // The executor's update of a plan made before another writer changed the set: it
    // works from a fresh read and keeps the other write. (The race between the
    // executor's own read and write needs the sandbox's hook: tests/aws_wafv2.rs.)
    let (plan, _) = plan_edit(&after, &["192.0.2.77".to_string()], &[]).expect("plan");
    let racing = wafv2::get_ip_set(client, &set).await.expect("racer reads");
    let mut theirs = racing.addresses.clone();
    theirs.push("198.18.0.0/24".into());
    wafv2::update_ip_set(client, &set, "conformance", theirs, &racing.lock_token)
        .await
        .expect("racer writes");
    let exec = common::executor(clients.clone(), journal, common::fast_options());
    let executed = exec
        .execute_reporting(ChangePlan::new("c1", Change::IpSetUpdate(Box::new(plan))))
        .await;
    let final_set = wafv2::get_ip_set(client, &set).await.expect("final get");

    // DeleteIPSet refuses a stale token; the executor's delete reads a fresh one.
    let stale_delete = wafv2::delete_ip_set(client, &set, &first.lock_token)
        .await
        .err()
        .and_then(|e| e.code);
    let delete = plan_delete(&final_set, &[]).expect("an unreferenced set");
    let deleted = exec
        .execute_reporting(ChangePlan::new("c2", Change::IpSetDelete(Box::new(delete))))
        .await;
    let after_delete = wafv2::get_ip_set(client, &set)
        .await
        .err()
        .and_then(|e| e.code);

    Observed {
        created_version: first.version.to_string(),
        addresses_after_create: sorted(first.addresses),
        token_changed_on_update: next != first.lock_token && after.lock_token == next,
        stale_update: stale,
        addresses_after_update: sorted(after.addresses),
        description: Some(after.description),
        nonexistent,
        listed,
        executor_outcome: executed.outcome.summary(),
        addresses_after_executor: sorted(final_set.addresses),
        stale_delete,
        delete_outcome: deleted.outcome.summary(),
        after_delete,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_ip_set_scenario_gives_the_same_results_on_moto_and_the_sandbox() {
    let dir = tempfile::tempdir().expect("tempdir");
    let moto = AwsClients::new(&common::sdk::moto_config(
        &Moto::shared().endpoint(),
        "eu-west-3",
    ));
    let on_moto = scenario(&moto, &dir.path().join("moto.jsonl")).await;

    let sandbox = Sandbox::new(SandboxConfig::default(), Seed::default()).expect("sandbox");
    let local = AwsClients::new(&sandbox.sdk_config().await);
    let on_sandbox = scenario(&local, &dir.path().join("sandbox.jsonl")).await;

    assert_eq!(on_moto, on_sandbox);
    assert_eq!(
        on_sandbox.stale_update.as_deref(),
        Some("WAFOptimisticLockException")
    );
    assert_eq!(
        on_sandbox.nonexistent.as_deref(),
        Some("WAFNonexistentItemException")
    );
    assert_eq!(
        on_sandbox.addresses_after_executor,
        [
            "192.0.2.0/24",
            "192.0.2.77/32",
            "198.18.0.0/24",
            "198.51.100.0/24",
            "203.0.113.0/24"
        ]
    );
    assert_eq!(on_sandbox.executor_outcome, "1 changed and verified");
    assert_eq!(
        on_sandbox.stale_delete.as_deref(),
        Some("WAFOptimisticLockException")
    );
    assert_eq!(on_sandbox.delete_outcome, "1 changed and verified");
    assert_eq!(
        on_sandbox.after_delete.as_deref(),
        Some("WAFNonexistentItemException")
    );
}
