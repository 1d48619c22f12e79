//! What the new Security Hub keeps beside the shared ASFF findings: which APIs are enabled,
//! V2 values that have no ASFF equivalent (status Unknown/Archived/Other, severity
//! Unknown/Fatal/Other), the exposure findings correlated from findings on one resource,
//! and the ticketing connectors with the tickets opened through them.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde_json::{Value, json};

use super::ocsf::{self, product_v2, severity_name};
use crate::sandbox::securityhub::store::{FindingStore, Stored};

/// Which findings APIs answer: Security Hub CSPM (ASFF) and/or the new Security Hub (V2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FindingsApis {
    pub cspm: bool,
    pub v2: bool,
}

impl Default for FindingsApis {
    fn default() -> Self {
        FindingsApis {
            cspm: true,
            v2: true,
        }
    }
}

/// A V2 value kept while the ASFF field it shadows still holds what it held when set
/// (a later ASFF change wins, as the last writer does in AWS).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Overlay {
    pub id: i64,
    pub asff_value: Option<String>,
}

#[derive(Debug, Default)]
pub(crate) struct V2Store {
    pub apis: FindingsApis,
    pub hub_arn: String,
    pub subscribed_at: String,
    /// metadata.uid -> status overlay / severity overlay.
    pub status: HashMap<String, Overlay>,
    pub severity: HashMap<String, Overlay>,
    /// OCSF-only findings (exposures), updated in place.
    pub exposures: Vec<Arc<Value>>,
    pub connectors: Vec<Value>,
    /// (client token, connector id, finding uid) -> ticket id, so a retried call opens one.
    pub tickets: Vec<(Option<String>, String, String, String)>,
    /// The demo organization's OUs and their accounts (for `Scopes`).
    pub org: Vec<(String, Vec<String>)>,
    /// The account answering is not the organization's delegated administrator for
    /// Security Hub: `Scopes` are refused (AccessDeniedException). The demo's account is.
    pub not_delegated_admin: bool,
    /// Bumped by every V2 write (overlays and exposures live outside the ASFF store).
    pub generation: u64,
}

/// One finding as GetFindingsV2 would return it, borrowed where no overlay applies.
pub(crate) fn view(stored: &Stored, v2: &V2Store) -> Arc<Value> {
    let base = stored
        .ocsf
        .get_or_init(|| Arc::new(ocsf::from_asff(&stored.doc)))
        .clone();
    let uid = stored.id();
    let status = v2
        .status
        .get(uid)
        .filter(|o| o.asff_value.as_deref() == stored.doc["Workflow"]["Status"].as_str());
    let severity = v2
        .severity
        .get(uid)
        .filter(|o| o.asff_value.as_deref() == stored.doc["Severity"]["Label"].as_str());
    if status.is_none() && severity.is_none() {
        return base;
    }
    let mut doc = base.as_ref().clone();
    if let Some(o) = status {
        doc["status_id"] = o.id.into();
        doc["status"] = ocsf::status_name(o.id).into();
    }
    if let Some(o) = severity {
        doc["severity_id"] = o.id.into();
        doc["severity"] = severity_name(o.id).into();
    }
    Arc::new(doc)
}

/// Every finding the V2 API sees: each ASFF finding mapped, then the exposure findings.
pub(crate) fn all_views(store: &FindingStore, v2: &V2Store) -> Vec<Arc<Value>> {
    let mut out: Vec<Arc<Value>> = store.items.iter().map(|s| view(s, v2)).collect();
    out.extend(v2.exposures.iter().cloned());
    out
}

/// The trait a contributing finding lends an exposure, if any.
fn traits_of(asff: &Value) -> Vec<(&'static str, String)> {
    let title = asff["Title"].as_str().unwrap_or_default();
    let text = format!(
        "{title} {}",
        asff["Description"].as_str().unwrap_or_default()
    )
    .to_lowercase();
    let types = asff["Types"].to_string().to_lowercase();
    let mut out = Vec::new();
    if asff["Compliance"]["Status"].as_str() == Some("FAILED") {
        out.push(("Misconfiguration", title.to_string()));
    }
    if asff["Vulnerabilities"]
        .as_array()
        .is_some_and(|v| !v.is_empty())
    {
        out.push(("Vulnerability", "Vulnerable".to_string()));
    }
    if types.contains("sensitive data") || types.contains("data exposure") {
        out.push(("Sensitive Data", "Sensitive data present".to_string()));
    }
    if ["public", "0.0.0.0", "internet", "unrestricted"]
        .iter()
        .any(|w| text.contains(w))
        || asff.get("Network").is_some()
    {
        out.push(("Reachability", "Reachable from the internet".to_string()));
    }
    if text.contains("assum") || text.contains("trust") {
        out.push(("Assumability", "Assumable by other principals".to_string()));
    }
    out
}

/// At most one exposure finding per resource: a resource with two or more active findings
/// of which at least one carries a trait. Severity grows with the number of trait kinds.
pub(crate) fn exposures(
    store: &FindingStore,
    region: &str,
    account: &str,
    now: &str,
) -> Vec<Value> {
    let mut by_resource: BTreeMap<&str, Vec<&Stored>> = BTreeMap::new();
    for item in &store.items {
        if item.doc["RecordState"].as_str() == Some("ARCHIVED") {
            continue;
        }
        if let Some(uid) = item.doc["Resources"][0]["Id"].as_str() {
            by_resource.entry(uid).or_default().push(item);
        }
    }
    let mut out = Vec::new();
    for (resource, findings) in by_resource {
        if findings.len() < 2 {
            continue;
        }
        let mut kinds: Vec<&str> = Vec::new();
        let related: Vec<Value> = findings
            .iter()
            .take(20)
            .map(|f| {
                let traits: Vec<Value> = traits_of(&f.doc)
                    .into_iter()
                    .map(|(category, name)| {
                        if !kinds.contains(&category) {
                            kinds.push(category);
                        }
                        json!({"category": category, "name": name})
                    })
                    .collect();
                // The user guide's sample lists a contributing finding's traits as `tags`
                // (name, values); GetFindingsV2 filters and groups by `traits.category`.
                let tags: Vec<Value> = traits
                    .iter()
                    .map(|t| json!({"name": t["category"], "values": [t["name"]]}))
                    .collect();
                json!({
                    "uid": f.id(),
                    "product": {"uid": product_v2(f.product_arn())},
                    "title": f.doc["Title"],
                    "type": "Finding",
                    "traits": traits,
                    "tags": tags,
                    "observables": [{"type": "Resource UID", "type_id": 10, "value": resource}],
                })
            })
            .collect();
        if kinds.is_empty() {
            continue;
        }
        let severity: i64 = match kinds.len() {
            1 => 3,
            2 => 4,
            _ => 5,
        };
        let first = &findings[0].doc;
        let rtype = first["Resources"][0]["Type"].as_str().unwrap_or("resource");
        // As in the user guide's sample: `...:risk:` and 64 hex digits, one per resource.
        let uid = format!(
            "arn:aws:securityhub:{region}:{account}:risk:{}",
            hex_digest(resource)
        );
        let severity_name = severity_name(severity);
        let mut doc = json!({
            "activity_id": 1, "activity_name": "Create",
            "category_name": "Findings", "category_uid": 2,
            "class_name": "Detection Finding", "class_uid": 2004, "type_uid": 200401,
            "cloud": {"account": {"uid": first["AwsAccountId"]}, "cloud_partition": "aws",
                      "provider": "AWS", "region": first["Region"]},
            "finding_info": {
                "analytic": {"name": "Exposure", "type": "Rule", "type_id": 1, "uid": "0.0.1"},
                "uid": uid,
                // The traits first: what a table cut at 80 columns still shows.
                "title": format!("{} exposure of {rtype} {resource}", kinds.join(" + ")),
                "desc": format!("{} findings on this resource combine into an exposure ({}).", findings.len(), kinds.join(", ")),
                "types": [EXPOSURE_TYPE],
                "created_time_dt": now, "modified_time_dt": now,
                "related_events_count": findings.len(),
                "related_events": related,
            },
            "metadata": {"uid": uid, "version": "1.6.0", "profiles": ["cloud", "datetime"],
                         "product": {"uid": format!("arn:aws:securityhub:{region}::productv2/aws/securityhub-risk"),
                                     "name": "Security Hub Exposure Analysis", "vendor_name": "Amazon"}},
            "resources": [{"uid": resource, "type": rtype, "region": first["Resources"][0]["Region"],
                           "cloud_partition": "aws",
                           "owner": {"account": {"uid": first["AwsAccountId"]}}, "provider": "AWS"}],
            "severity_id": severity, "severity": severity_name,
            "status_id": 1, "status": "New",
            "time_dt": now,
            "type_name": "Detection Finding: Create",
            "vendor_attributes": {"severity_id": severity, "severity": severity_name},
        });
        ocsf::strip_nulls(&mut doc);
        out.push(doc);
    }
    out
}

/// The exposure type of the user guide's sample, given to every generated exposure (AWS
/// publishes no list of the others).
const EXPOSURE_TYPE: &str = "Exposure/Potential Impact/Resource Hijacking";

/// 64 hex digits from `text` (FNV-1a, four lanes): a stable id of the sample's length.
fn hex_digest(text: &str) -> String {
    (0u64..4)
        .map(|lane| {
            let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ lane;
            for b in text.bytes() {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
            format!("{h:016x}")
        })
        .collect()
}

/// The demo's ticketing connectors: two connected, one that cannot connect.
pub(crate) fn demo_connectors(region: &str, account: &str, now: &str) -> Vec<Value> {
    let arn = |id: &str| format!("arn:aws:securityhub:{region}:{account}:connectorv2/{id}");
    vec![
        json!({
            "ConnectorArn": arn("c-jira-secops"), "ConnectorId": "c-jira-secops",
            "Name": "secops-jira", "Description": "SEC project in Jira Cloud",
            "ProviderSummary": {"ProviderName": "JIRA_CLOUD", "ConnectorStatus": "CONNECTED",
                "ProviderConfiguration": {"JiraCloud": {"ProjectKey": "SEC", "Domain": "jira.example.com", "AuthStatus": "ACTIVE"}}},
            "CreatedAt": now, "EnablementStatus": "ENABLED",
        }),
        json!({
            "ConnectorArn": arn("c-snow-itsm"), "ConnectorId": "c-snow-itsm",
            "Name": "itsm-servicenow", "Description": "Incidents in ServiceNow",
            "ProviderSummary": {"ProviderName": "SERVICENOW", "ConnectorStatus": "CONNECTED",
                "ProviderConfiguration": {"ServiceNow": {"InstanceName": "itsm-example",
                    "SecretArn": format!("arn:aws:secretsmanager:{region}:{account}:secret:servicenow-EXAMPLE"),
                    "AuthStatus": "ACTIVE"}}},
            "CreatedAt": now, "EnablementStatus": "ENABLED",
        }),
        json!({
            "ConnectorArn": arn("c-jira-legacy"), "ConnectorId": "c-jira-legacy",
            "Name": "legacy-jira", "Description": "Old Jira site, token revoked",
            "ProviderSummary": {"ProviderName": "JIRA_CLOUD", "ConnectorStatus": "FAILED_TO_CONNECT",
                "ProviderConfiguration": {"JiraCloud": {"ProjectKey": "OPS", "Domain": "legacy-jira.example.com", "AuthStatus": "FAILED"}}},
            "CreatedAt": now, "EnablementStatus": "ENABLED",
        }),
    ]
}
