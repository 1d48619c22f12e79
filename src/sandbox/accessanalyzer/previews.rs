//! Access previews: CreateAccessPreview with proposed role trust policies
//! (`configurations: {roleArn: {iamRole: {trustPolicy}}}`), GetAccessPreview (CREATING on
//! the first read, COMPLETED from the second: AWS builds previews asynchronously; FAILED
//! with INVALID_CONFIGURATION for a policy that is not one), ListAccessPreviewFindings
//! (each with changeType NEW / UNCHANGED / CHANGED against the analyzer's findings).
//! Only an ACTIVE ACCOUNT analyzer makes previews, as the issue states AWS's rule.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use bytes::Bytes;
use serde_json::{Map, Value, json};

use super::checks::invalid;
use super::scan::{flatten_condition, principal_key, stable_id};
use super::store::{Analyzer, AnalyzerStore, Finding, matches};
use super::{op, page, query_params, serve};
use crate::domain::policy::PolicyDocument;
use crate::domain::policy::eval::external_grants;
use crate::sandbox::dispatch::json_params;
use crate::sandbox::iam::store::IamStore;
use crate::sandbox::protocol::{ServiceError, rest_json};
use crate::sandbox::state::{Shared, now_iso};

/// One access preview and the findings computed when it was created.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessPreview {
    pub id: String,
    pub analyzer_arn: String,
    pub configurations: Value,
    pub created_at: String,
    pub client_token: Option<String>,
    /// GetAccessPreview reads so far: the first answers CREATING.
    pub reads: u32,
    pub failed: bool,
    pub findings: Vec<Value>,
}

impl AccessPreview {
    fn status(&self) -> &'static str {
        match (self.failed, self.reads) {
            (true, _) => "FAILED",
            (false, 0 | 1) => "CREATING",
            _ => "COMPLETED",
        }
    }

    fn body(&self) -> Value {
        let mut v = json!({
            "id": self.id, "analyzerArn": self.analyzer_arn,
            "configurations": self.configurations, "createdAt": self.created_at,
            "status": self.status(),
        });
        if self.failed {
            v["statusReason"] = json!({"code": "INVALID_CONFIGURATION"});
        }
        v
    }
}

fn conflict(id: &str, message: String) -> ServiceError {
    super::about(409, "ConflictException", "AccessPreview", id, message)
}

fn field<'a>(p: &'a Value, name: &str) -> Result<&'a str, ServiceError> {
    p.get(name).and_then(Value::as_str).ok_or_else(|| {
        invalid("fieldValidationFailed", format!("{name} is required"))
            .with("fieldList", json!([{"name": name, "message": "required"}]))
    })
}

/// The analyzer at `arn`, refused unless it can make previews.
fn preview_analyzer<'a>(store: &'a AnalyzerStore, arn: &str) -> Result<&'a Analyzer, ServiceError> {
    let a = store
        .by_arn(arn)
        .ok_or_else(|| super::not_found("Analyzer", arn))?;
    if a.kind != "ACCOUNT" {
        return Err(invalid(
            "notSupported",
            format!(
                "Access previews are supported only for analyzers with type ACCOUNT; {} is {}",
                a.name, a.kind
            ),
        ));
    }
    if a.status != "ACTIVE" {
        return Err(invalid(
            "other",
            format!("Analyzer {} is {}, not ACTIVE", a.name, a.status),
        ));
    }
    Ok(a)
}

/// The proposed trust policy of each configured role; `None`: not a valid policy.
fn proposed(
    configurations: &Map<String, Value>,
    iam: &IamStore,
) -> Result<Vec<(String, Option<PolicyDocument>)>, ServiceError> {
    let mut out = Vec::new();
    for (arn, config) in configurations {
        let Some(role) = config.get("iamRole") else {
            return Err(invalid(
                "notSupported",
                format!("configuration of {arn}: the sandbox previews iamRole configurations only"),
            ));
        };
        let doc = match role.get("trustPolicy").and_then(Value::as_str) {
            Some(text) => PolicyDocument::parse(text).ok(),
            None => iam.role_by_arn(arn).and_then(|r| r.trust()),
        };
        out.push((arn.clone(), doc));
    }
    Ok(out)
}

fn preview_finding(
    preview_id: &str,
    account: &str,
    resource: &str,
    principal: Map<String, Value>,
    existing: Option<&Finding>,
) -> Value {
    let mut v = json!({
        "id": stable_id(&[preview_id, resource, &Value::Object(principal.clone()).to_string()]),
        "principal": principal, "resource": resource, "resourceType": "AWS::IAM::Role",
        "createdAt": now_iso(), "resourceOwnerAccount": account,
    });
    if let Some(f) = existing {
        v["existingFindingId"] = json!(f.id);
        v["existingFindingStatus"] = json!(f.status);
    }
    v
}

/// The findings the analyzer would have for `resource` under `doc`, against its findings now.
fn findings_for(
    store: &AnalyzerStore,
    a: &Analyzer,
    id: &str,
    resource: &str,
    doc: &PolicyDocument,
) -> Vec<Value> {
    let account = resource.split(':').nth(4).unwrap_or_default();
    if !a.zone.iter().any(|z| z == account) {
        return Vec::new();
    }
    let current: Vec<&Finding> = store
        .findings
        .iter()
        .filter(|f| f.analyzer == a.arn && f.resource == resource && f.is_external())
        .collect();
    let mut out = Vec::new();
    let mut seen = Vec::new();
    for g in external_grants(doc, &a.zone) {
        let mut principal = Map::new();
        principal.insert(g.principal.kind.key().into(), json!(g.principal.value));
        let condition = flatten_condition(&g.condition);
        let existing = current
            .iter()
            .find(|f| principal_key(&f.principal).as_ref() == Some(&g.principal))
            .copied();
        let mut v = preview_finding(id, account, resource, principal.clone(), existing);
        let (change, status) = match existing {
            Some(f) => {
                seen.push(f.id.clone());
                let same =
                    f.action == g.actions && f.condition == condition && f.is_public == g.is_public;
                match (same, f.status.as_str()) {
                    (true, s) if s != "RESOLVED" => ("UNCHANGED", s.to_string()),
                    (_, "ARCHIVED") => ("CHANGED", "ARCHIVED".to_string()),
                    _ => ("CHANGED", "ACTIVE".to_string()),
                }
            }
            None => {
                let probe = Finding {
                    id: String::new(),
                    analyzer: a.arn.clone(),
                    status: "ACTIVE".into(),
                    finding_type: "ExternalAccess".into(),
                    resource_type: "AWS::IAM::Role".into(),
                    resource: resource.to_string(),
                    resource_owner_account: account.to_string(),
                    principal,
                    action: g.actions.clone(),
                    condition: condition.clone(),
                    is_public: g.is_public,
                    created_at: String::new(),
                    updated_at: String::new(),
                    analyzed_at: String::new(),
                    error: None,
                    details: None,
                };
                let archived = a.archive_rules.iter().any(|r| matches(&probe, &r.filter));
                (
                    "NEW",
                    if archived { "ARCHIVED" } else { "ACTIVE" }.to_string(),
                )
            }
        };
        v["action"] = json!(g.actions);
        v["condition"] = json!(condition);
        v["isPublic"] = json!(g.is_public);
        v["changeType"] = json!(change);
        v["status"] = json!(status);
        out.push(v);
    }
    // A finding whose access the proposed policy no longer grants would be resolved.
    for f in current
        .iter()
        .filter(|f| !seen.contains(&f.id) && f.status != "RESOLVED")
    {
        let mut v = preview_finding(id, account, resource, f.principal.clone(), Some(f));
        v["action"] = json!(f.action);
        v["condition"] = json!(f.condition);
        v["isPublic"] = json!(f.is_public);
        v["changeType"] = json!("CHANGED");
        v["status"] = json!("RESOLVED");
        out.push(v);
    }
    out
}

pub(super) async fn create_access_preview(
    State(shared): State<Arc<Shared>>,
    body: Bytes,
) -> Response {
    serve(
        shared,
        op("CreateAccessPreview", false),
        json_params(&body),
        |ctx, p| {
            let analyzer_arn = field(p, "analyzerArn")?;
            let configurations = p
                .get("configurations")
                .and_then(Value::as_object)
                .ok_or_else(|| invalid("fieldValidationFailed", "configurations is required"))?;
            let token = p
                .get("clientToken")
                .and_then(Value::as_str)
                .map(str::to_string);
            let iam = ctx.shared.iam_read();
            let mut store = ctx.shared.analyzer_write();
            let a = preview_analyzer(&store, analyzer_arn)?.clone();
            if let Some(existing) = store
                .previews
                .iter()
                .find(|v| token.is_some() && v.client_token == token)
            {
                return Ok(rest_json::ok(&json!({"id": existing.id}), ctx.request_id));
            }
            let roles = proposed(configurations, &iam)?;
            let now = now_iso();
            let id = stable_id(&[analyzer_arn, &now, &store.previews.len().to_string()]);
            let failed = roles.iter().any(|(_, doc)| doc.is_none());
            let findings = roles
                .iter()
                .filter_map(|(arn, doc)| {
                    doc.as_ref().map(|d| findings_for(&store, &a, &id, arn, d))
                })
                .flatten()
                .collect();
            store.previews.push(AccessPreview {
                id: id.clone(),
                analyzer_arn: analyzer_arn.to_string(),
                configurations: Value::Object(configurations.clone()),
                created_at: now,
                client_token: token,
                reads: 0,
                failed,
                findings,
            });
            Ok(rest_json::ok(&json!({"id": id}), ctx.request_id))
        },
    )
    .await
}

pub(super) async fn get_access_preview(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let mut params = query_params(q);
    params["accessPreviewId"] = json!(id);
    serve(
        shared,
        op("GetAccessPreview", false),
        Ok(params),
        |ctx, p| {
            let analyzer_arn = field(p, "analyzerArn")?;
            let mut store = ctx.shared.analyzer_write();
            let preview = store
                .previews
                .iter_mut()
                .find(|v| v.id == id && v.analyzer_arn == analyzer_arn)
                .ok_or_else(|| super::not_found("AccessPreview", &id))?;
            preview.reads += 1;
            Ok(rest_json::ok(
                &json!({"accessPreview": preview.body()}),
                ctx.request_id,
            ))
        },
    )
    .await
}

pub(super) async fn list_access_preview_findings(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let params = json_params(&body).map(|mut p| {
        p["accessPreviewId"] = json!(id);
        p
    });
    serve(
        shared,
        op("ListAccessPreviewFindings", false),
        params,
        |ctx, p| {
            let analyzer_arn = field(p, "analyzerArn")?;
            let store = ctx.shared.analyzer_read();
            let preview = store
                .previews
                .iter()
                .find(|v| v.id == id && v.analyzer_arn == analyzer_arn)
                .ok_or_else(|| super::not_found("AccessPreview", &id))?;
            if preview.status() != "COMPLETED" {
                return Err(conflict(
                    &id,
                    format!(
                        "Access preview {id} is {}: its findings are not available",
                        preview.status()
                    ),
                ));
            }
            let filter = p
                .get("filter")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            let items = preview
                .findings
                .iter()
                .filter(|f| filter_matches(f, &filter))
                .cloned()
                .collect();
            Ok(rest_json::ok(&page(items, p, "findings")?, ctx.request_id))
        },
    )
    .await
}

/// `eq` / `neq` criteria on a preview finding's top-level string members.
fn filter_matches(f: &Value, filter: &Map<String, Value>) -> bool {
    filter.iter().all(|(key, c)| {
        let have = f.get(key).and_then(Value::as_str);
        let list = |name: &str| -> Vec<&str> {
            c.get(name)
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default()
        };
        let (eq, neq) = (list("eq"), list("neq"));
        (eq.is_empty() || have.is_some_and(|h| eq.contains(&h)))
            && !have.is_some_and(|h| neq.contains(&h))
    })
}
