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
