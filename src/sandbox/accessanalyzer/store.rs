//! Access Analyzer's state: analyzers (with their zone of trust and archive rules) and
//! their findings, serialised in the wire shapes the SDK reads.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArchiveRule {
    pub rule_name: String,
    pub filter: Map<String, Value>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Analyzer {
    pub name: String,
    pub arn: String,
    /// ACCOUNT, ORGANIZATION, ACCOUNT_UNUSED_ACCESS, ...
    pub kind: String,
    pub status: String,
    pub created_at: String,
    /// Accounts inside the zone of trust (the account, or the organization's accounts).
    pub zone: Vec<String>,
    pub archive_rules: Vec<ArchiveRule>,
    pub last_resource_analyzed: Option<(String, String)>,
}

impl Analyzer {
    pub fn is_external_access(&self) -> bool {
        matches!(self.kind.as_str(), "ACCOUNT" | "ORGANIZATION")
    }

    pub fn summary(&self) -> Value {
        let mut v = json!({
            "arn": self.arn, "name": self.name, "type": self.kind,
            "createdAt": self.created_at, "status": self.status, "tags": {},
        });
        if let Some((resource, at)) = &self.last_resource_analyzed {
            v["lastResourceAnalyzed"] = json!(resource);
            v["lastResourceAnalyzedAt"] = json!(at);
        }
        if self.kind.ends_with("UNUSED_ACCESS") {
            v["configuration"] = json!({"unusedAccess": {"unusedAccessAge": 90}});
        }
        v
    }
}

/// One finding; the V1 and V2 shapes are both produced from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub id: String,
    #[serde(default)]
    pub analyzer: String,
    pub status: String,
    #[serde(default = "external_access")]
    pub finding_type: String,
    pub resource_type: String,
    pub resource: String,
    pub resource_owner_account: String,
    #[serde(default)]
    pub principal: Map<String, Value>,
    #[serde(default)]
    pub action: Vec<String>,
    #[serde(default)]
    pub condition: Map<String, Value>,
    #[serde(default)]
    pub is_public: bool,
    #[serde(default)]
    pub created_at: String,
    #[serde(default)]
    pub updated_at: String,
    #[serde(default)]
    pub analyzed_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Unused-access detail (actions of an UnusedPermission finding, last access time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
}

fn external_access() -> String {
    "ExternalAccess".into()
}

impl Finding {
    pub fn is_external(&self) -> bool {
        self.finding_type == "ExternalAccess"
    }

    /// ListFindings (V1) summary.
    pub fn summary_v1(&self) -> Value {
        let mut v = json!({
            "id": self.id, "principal": self.principal, "action": self.action,
            "resource": self.resource, "isPublic": self.is_public,
            "resourceType": self.resource_type, "condition": self.condition,
            "createdAt": self.created_at, "analyzedAt": self.analyzed_at,
            "updatedAt": self.updated_at, "status": self.status,
            "resourceOwnerAccount": self.resource_owner_account,
        });
        if let Some(e) = &self.error {
            v["error"] = json!(e);
        }
        v
    }

    /// ListFindingsV2 summary.
    pub fn summary_v2(&self) -> Value {
        let mut v = json!({
            "id": self.id, "resource": self.resource, "resourceType": self.resource_type,
            "resourceOwnerAccount": self.resource_owner_account, "status": self.status,
            "createdAt": self.created_at, "analyzedAt": self.analyzed_at,
            "updatedAt": self.updated_at, "findingType": self.finding_type,
        });
        if let Some(e) = &self.error {
            v["error"] = json!(e);
        }
        v
    }

    /// GetFindingV2 body.
    pub fn full_v2(&self) -> Value {
        let mut v = self.summary_v2();
        v["findingDetails"] = json!(super::unused::finding_details(self));
        v
    }

    /// The values of a filter key (`status`, `principal.AWS`, `condition.X`, ...).
    pub fn field(&self, key: &str) -> Vec<String> {
        let s = |x: &str| vec![x.to_string()];
        match key {
            "id" => s(&self.id),
            "status" => s(&self.status),
            "findingType" => s(&self.finding_type),
            "resourceType" => s(&self.resource_type),
            "resource" => s(&self.resource),
            "resourceOwnerAccount" => s(&self.resource_owner_account),
            "isPublic" => s(if self.is_public { "true" } else { "false" }),
            "action" => self.action.clone(),
            "error" => self.error.iter().cloned().collect(),
            _ => {
                let (map, sub) = if let Some(k) = key.strip_prefix("principal.") {
                    (&self.principal, k)
                } else if let Some(k) = key.strip_prefix("condition.") {
                    (&self.condition, k)
                } else {
                    return Vec::new();
                };
                match map.get(sub) {
                    Some(Value::String(v)) => vec![v.clone()],
                    Some(Value::Array(vs)) => vs
                        .iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect(),
                    _ => Vec::new(),
                }
            }
        }
    }
}

/// Whether `f` satisfies every criterion of `filter` (Access Analyzer's semantics:
/// eq = any value equal, neq = no value equal, contains = any value contains, exists).
pub fn matches(f: &Finding, filter: &Map<String, Value>) -> bool {
    filter.iter().all(|(key, c)| {
        let values = f.field(key);
        let list = |name: &str| -> Vec<String> {
            c.get(name)
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let eq = list("eq");
        let neq = list("neq");
        let contains = list("contains");
        (eq.is_empty() || values.iter().any(|v| eq.contains(v)))
            && !values.iter().any(|v| neq.contains(v))
            && (contains.is_empty()
                || values
                    .iter()
                    .any(|v| contains.iter().any(|c| v.contains(c.as_str()))))
            && c.get("exists")
                .and_then(Value::as_bool)
                .is_none_or(|e| e != values.is_empty())
    })
}

#[derive(Debug, Default)]
pub struct AnalyzerStore {
    pub analyzers: Vec<Analyzer>,
    pub findings: Vec<Finding>,
    /// Unused-permission recommendations by finding id (`recommendations.rs`).
    pub recommendations: std::collections::BTreeMap<String, super::recommendations::Recommendation>,
}

impl AnalyzerStore {
    pub fn by_name(&self, name: &str) -> Option<&Analyzer> {
        self.analyzers.iter().find(|a| a.name == name)
    }

    pub fn by_name_mut(&mut self, name: &str) -> Option<&mut Analyzer> {
        self.analyzers.iter_mut().find(|a| a.name == name)
    }

    pub fn by_arn(&self, arn: &str) -> Option<&Analyzer> {
        self.analyzers.iter().find(|a| a.arn == arn)
    }

    /// Archives the ACTIVE findings of `analyzer` matching `filter`; returns how many.
    pub fn archive_matching(
        &mut self,
        analyzer: &str,
        filter: &Map<String, Value>,
        now: &str,
        only: Option<&[usize]>,
    ) -> usize {
        let mut n = 0;
        for (i, f) in self.findings.iter_mut().enumerate() {
            if f.analyzer == analyzer
                && f.status == "ACTIVE"
                && only.is_none_or(|o| o.contains(&i))
                && matches(f, filter)
            {
                f.status = "ARCHIVED".into();
                f.updated_at = now.to_string();
                n += 1;
            }
        }
        n
    }
}
