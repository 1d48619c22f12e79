//! WAF IP sets looked up through the real SDK client, as the console finds them.

use secdeck::aws::wafv2;
use secdeck::domain::waf::{IpSetRef, WafScope};

/// The IP set called `name` in `scope` (the test fails if there is none).
pub async fn ip_set_named(client: &aws_sdk_wafv2::Client, scope: WafScope, name: &str) -> IpSetRef {
    wafv2::list_ip_sets(client, scope)
        .await
        .expect("ListIPSets")
        .into_iter()
        .find(|s| s.set.name == name)
        .unwrap_or_else(|| panic!("no IP set {name} in {scope:?}"))
        .set
}

/// The sandbox's IP set `set` holds `ip` as a /32.
#[track_caller]
pub fn assert_blocked(sandbox: &secdeck::sandbox::Sandbox, set: &str, ip: &str) {
    let addresses = sandbox.ip_set_addresses(set).expect("the IP set exists");
    assert!(
        addresses.contains(&format!("{ip}/32")),
        "{ip} not in {set}: {addresses:?}"
    );
}

/// The sandbox's IP set `set` does not hold `ip` as a /32.
#[track_caller]
pub fn assert_not_blocked(sandbox: &secdeck::sandbox::Sandbox, set: &str, ip: &str) {
    let addresses = sandbox.ip_set_addresses(set).expect("the IP set exists");
    assert!(
        !addresses.contains(&format!("{ip}/32")),
        "{ip} still in {set}: {addresses:?}"
    );
}
