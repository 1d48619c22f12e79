//! The IP sets pane's read: every IP set of a scope with its addresses, and the web ACL
//! rules that reference each.

use crate::app::panes::ipsets::IpSetRow;
use crate::aws::wafv2 as waf;
use crate::domain::waf::WafScope;

/// The pane's view of a scope: every IP set with its addresses, and the web ACL rules
/// that reference each.
pub async fn load_ip_sets(
    client: &aws_sdk_wafv2::Client,
    scope: WafScope,
) -> Result<Vec<IpSetRow>, String> {
    let summaries = waf::list_ip_sets(client, scope)
        .await
        .map_err(|e| e.to_string())?;
    let references = waf::rule_references(client, scope)
        .await
        .map_err(|e| e.to_string())?;
    let mut rows = Vec::new();
    for s in summaries {
        let set = waf::get_ip_set(client, &s.set)
            .await
            .map_err(|e| e.to_string())?;
        let refs = references
            .iter()
            .filter(|r| r.ip_set_arn == set.arn)
            .cloned()
            .collect();
        rows.push(IpSetRow {
            set,
            references: refs,
        });
    }
    Ok(rows)
}
