//! WAFv2 state: IP sets and web ACLs per scope, with lock tokens that change on every
//! write, and the demo-world shape they are seeded from.

use serde::Deserialize;
use serde_json::{Value, json};

/// One IP set as WAF keeps it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct IpSetRec {
    pub scope: String,
    pub name: String,
    pub id: String,
    pub arn: String,
    pub description: String,
    pub version: String,
    pub addresses: Vec<String>,
    pub lock_token: String,
}

impl IpSetRec {
    pub fn summary(&self) -> Value {
        json!({
            "Name": self.name, "Id": self.id, "Description": self.description,
            "LockToken": self.lock_token, "ARN": self.arn,
        })
    }

    pub fn full(&self) -> Value {
        json!({
            "Name": self.name, "Id": self.id, "ARN": self.arn, "Description": self.description,
            "IPAddressVersion": self.version, "Addresses": self.addresses,
        })
    }
}

/// One web ACL: its `WebACL` document as GetWebACL returns it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct WebAclRec {
    pub scope: String,
    pub doc: Value,
    pub lock_token: String,
}

impl WebAclRec {
    pub fn field(&self, name: &str) -> &str {
        self.doc
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    pub fn summary(&self) -> Value {
        json!({
            "Name": self.field("Name"), "Id": self.field("Id"),
            "Description": self.field("Description"), "LockToken": self.lock_token,
            "ARN": self.field("ARN"),
        })
    }
}

#[derive(Debug, Default)]
pub(crate) struct WafStore {
    pub ip_sets: Vec<IpSetRec>,
    pub web_acls: Vec<WebAclRec>,
    /// A concurrent writer for tests: right after the next GetIPSet of the named set is
    /// answered, these addresses are added (new LockToken), as if another console raced us.
    pub race: Option<(String, Vec<String>)>,
}

pub(crate) fn new_token() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// `regional` / `global` in ARNs.
pub(crate) fn arn_scope(scope: &str) -> &'static str {
    if scope == "CLOUDFRONT" {
        "global"
    } else {
        "regional"
    }
}

/// CLOUDFRONT resources live in us-east-1 whatever region the caller used.
pub(crate) fn ip_set_arn(scope: &str, region: &str, account: &str, name: &str, id: &str) -> String {
    let region = if scope == "CLOUDFRONT" {
        "us-east-1"
    } else {
        region
    };
    format!(
        "arn:aws:wafv2:{region}:{account}:{}/ipset/{name}/{id}",
        arn_scope(scope)
    )
}

/// The WAFv2 part of a sandbox seed (assets/demo/wafv2/world.json). Ids and ARNs are
/// given in full so web ACL rules can reference IP sets by ARN, as in AWS.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct WafWorld {
    #[serde(default, rename = "IPSets")]
    pub ip_sets: Vec<WorldIpSet>,
    #[serde(default, rename = "WebACLs")]
    pub web_acls: Vec<WorldWebAcl>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct WorldIpSet {
    pub scope: String,
    pub name: String,
    pub id: String,
    #[serde(default)]
    pub description: String,
    #[serde(rename = "IPAddressVersion")]
    pub ip_address_version: String,
    #[serde(default)]
    pub addresses: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct WorldWebAcl {
    pub scope: String,
    #[serde(rename = "WebACL")]
    pub web_acl: Value,
}

impl WafStore {
    /// Loads `world` with `${ACCOUNT}` / `${REGION}` in ARNs replaced by the sandbox's.
    pub fn seed(&mut self, world: &WafWorld, account: &str, region: &str) {
        let fill = |s: &str| {
            s.replace("${ACCOUNT}", account)
                .replace("${REGION}", region)
        };
        for s in &world.ip_sets {
            self.ip_sets.push(IpSetRec {
                arn: ip_set_arn(&s.scope, region, account, &s.name, &s.id),
                scope: s.scope.clone(),
                name: s.name.clone(),
                id: s.id.clone(),
                description: s.description.clone(),
                version: s.ip_address_version.clone(),
                addresses: s.addresses.clone(),
                lock_token: new_token(),
            });
        }
        for w in &world.web_acls {
            let text = fill(&w.web_acl.to_string());
            let doc = serde_json::from_str(&text).unwrap_or_else(|_| w.web_acl.clone());
            self.web_acls.push(WebAclRec {
                scope: w.scope.clone(),
                doc,
                lock_token: new_token(),
            });
        }
    }

    pub fn ip_set(&self, scope: &str, name: &str, id: &str) -> Option<usize> {
        self.ip_sets
            .iter()
            .position(|s| s.scope == scope && s.name == name && s.id == id)
    }

    /// Whether any web ACL references the IP set `arn` (DeleteIPSet refuses then).
    pub fn referenced(&self, arn: &str) -> bool {
        let quoted = format!("\"{arn}\"");
        self.web_acls
            .iter()
            .any(|w| w.doc.to_string().contains(&quoted))
    }
}
