//! GenerateFindingRecommendation / GetFindingRecommendation for UnusedPermission findings.
//! Generating computes the steps from the role's policies as IAM holds them now: a policy
//! whose every allowed action is unused is to be detached (DETACH_POLICY), one with some
//! unused actions is to be replaced by the narrowed document (CREATE_POLICY with
//! `recommendedPolicy`). Like AWS the job is asynchronous: the first GetFindingRecommendation
//! answers IN_PROGRESS, the next ones SUCCEEDED with the steps.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::findings::one_finding;
use super::unused::unused_services;
use super::{not_found, op, query_params, serve, validation};
use crate::domain::policy::eval::action_list;
use crate::sandbox::iam::store::IamStore;
use crate::sandbox::protocol::rest_json;
use crate::sandbox::state::{Shared, now_iso};

#[derive(Debug, Clone, PartialEq)]
pub struct Recommendation {
    pub resource: String,
    pub started_at: String,
    pub completed_at: String,
    /// GetFindingRecommendation calls still answered IN_PROGRESS.
    pub polls_left: u32,
    pub steps: Vec<Value>,
}

pub(super) async fn generate(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    serve(
        shared,
        op("GenerateFindingRecommendation", false),
        Ok(query_params(q)),
        |ctx, p| {
            let iam = ctx.shared.iam_read();
            let mut store = ctx.shared.analyzer_write();
            // GenerateFindingRecommendation has no ResourceNotFoundException in the model.
            let f = one_finding(&store, &id, p).map_err(|e| validation(e.message))?;
            if f.finding_type != "UnusedPermission" {
                return Err(validation(format!(
                    "Recommendations are available for UnusedPermission findings; {id} is {}",
                    f.finding_type
                )));
            }
            let steps = steps_for(&iam, &f.resource, &unused_services(f));
            let now = now_iso();
            let rec = Recommendation {
                resource: f.resource.clone(),
                started_at: now.clone(),
                completed_at: now,
                polls_left: 1,
                steps,
            };
            store.recommendations.insert(id.clone(), rec);
            Ok(rest_json::ok(&json!({}), ctx.request_id))
        },
    )
    .await
}

pub(super) async fn get(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    serve(
        shared,
        op("GetFindingRecommendation", false),
        Ok(query_params(q)),
        |ctx, p| {
            let mut store = ctx.shared.analyzer_write();
            one_finding(&store, &id, p)?;
            let rec = store.recommendations.get_mut(&id).ok_or_else(|| {
                let mut e = not_found("Recommendation", &id);
                e.message = format!(
                    "No recommendation was generated for finding {id}: call GenerateFindingRecommendation first"
                );
                e
            })?;
            let mut body = json!({
                "startedAt": rec.started_at, "resourceArn": rec.resource,
                "recommendationType": "UnusedPermissionRecommendation",
            });
            if rec.polls_left > 0 {
                rec.polls_left -= 1;
                body["status"] = json!("IN_PROGRESS");
            } else {
                body["status"] = json!("SUCCEEDED");
                body["completedAt"] = json!(rec.completed_at);
                body["recommendedSteps"] = json!(rec.steps);
            }
            Ok(rest_json::ok(&body, ctx.request_id))
        },
    )
    .await
}

/// Whether `action` (as a policy writes it) is unused: its service is wholly unused, or
/// the action is listed as unused. A wildcard inside a partly used service stays.
fn is_unused(action: &str, unused: &[(String, Vec<String>)]) -> bool {
    let action = action.to_ascii_lowercase();
    let Some((service, _)) = action.split_once(':') else {
        return false;
    };
    unused
        .iter()
        .any(|(ns, actions)| ns == service && (actions.is_empty() || actions.contains(&action)))
}

/// The document without its unused actions: `None` when nothing changes, `Some(None)`
/// when nothing would be left (detach), `Some(Some(text))` the narrowed document.
fn narrowed(text: &str, unused: &[(String, Vec<String>)]) -> Option<Option<String>> {
    let mut doc: Map<String, Value> = serde_json::from_str(text).ok()?;
    let statements = match doc.get("Statement")? {
        Value::Array(items) => items.clone(),
        one => vec![one.clone()],
    };
    let mut changed = false;
    let mut kept = Vec::new();
    for st in statements {
        let allow = st.get("Effect").and_then(Value::as_str) == Some("Allow");
        let Some(actions) = st.get("Action").filter(|_| allow) else {
            kept.push(st);
            continue;
        };
        let all = action_list(actions);
        let left: Vec<String> = all
            .iter()
            .filter(|a| !is_unused(a, unused))
            .cloned()
            .collect();
        if left.len() == all.len() {
            kept.push(st);
            continue;
        }
        changed = true;
        if left.is_empty() {
            continue;
        }
        let mut st = st.clone();
        st["Action"] = if left.len() == 1 {
            json!(left[0])
        } else {
            json!(left)
        };
        kept.push(st);
    }
    if !changed {
        return None;
    }
    if !kept
        .iter()
        .any(|s| s.get("Effect").and_then(Value::as_str) == Some("Allow"))
    {
        return Some(None);
    }
    doc.insert("Statement".into(), Value::Array(kept));
    Some(Some(Value::Object(doc).to_string()))
}

fn step(existing: &str, narrowed: Option<String>, updated: Option<&str>) -> Value {
    let mut s = match narrowed {
        Some(policy) => json!({"recommendedAction": "CREATE_POLICY", "recommendedPolicy": policy}),
        None => json!({"recommendedAction": "DETACH_POLICY"}),
    };
    s["existingPolicyId"] = json!(existing);
    if let Some(at) = updated {
        s["policyUpdatedAt"] = json!(at);
    }
    json!({"unusedPermissionsRecommendedStep": s})
}

/// The steps for the role `resource`: its managed policies (by ARN), then its inline
/// policies (by name).
fn steps_for(iam: &IamStore, resource: &str, unused: &[(String, Vec<String>)]) -> Vec<Value> {
    let Some(role) = iam.role_by_arn(resource) else {
        return Vec::new();
    };
    let mut steps = Vec::new();
    for arn in &role.attached {
        if let Some(p) = iam.policies.get(arn)
            && let Some(n) = narrowed(p.default_document(), unused)
        {
            steps.push(step(arn, n, Some(&p.update_date)));
        }
    }
    for (name, text) in &role.inline {
        if let Some(n) = narrowed(text, unused) {
            steps.push(step(name, n, None));
        }
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unused() -> Vec<(String, Vec<String>)> {
        vec![
            ("s3".into(), vec!["s3:deletebucket".into()]),
            ("dynamodb".into(), vec![]),
        ]
    }

    #[test]
    fn a_partly_unused_policy_is_narrowed_and_a_wholly_unused_one_detached() {
        let partly = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:DeleteBucket"],"Resource":"*"}]}"#;
        let Some(Some(text)) = narrowed(partly, &unused()) else {
            panic!("expected a narrowed document")
        };
        let doc: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["Statement"][0]["Action"], "s3:GetObject");
        let wholly = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*"}}"#;
        assert_eq!(narrowed(wholly, &unused()), Some(None));
        let used = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}]}"#;
        assert_eq!(narrowed(used, &unused()), None);
    }
}
