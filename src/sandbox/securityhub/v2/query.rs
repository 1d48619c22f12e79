//! GetFindingsV2: filters, organization scopes, sort and pages. A NextToken carries the
//! offset and a fingerprint of the query it belongs to, so a token replayed with other
//! filters is refused as AWS refuses it. The demo organization has two OUs over the
//! accounts the findings name (for `Scopes`, as a delegated administrator sees them).

use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::{Value, json};

use super::filter::{self, validation, walk};
use super::world::V2Store;
use crate::sandbox::protocol::ServiceError;
use crate::sandbox::securityhub::store::FindingStore;

pub(crate) const ORG_ID: &str = "o-exampleorg1";
const OUS: [&str; 2] = ["ou-exam-prod0001", "ou-exam-dev00001"];
const DEFAULT_PAGE: i64 = 100;
/// Keeps V2 orderings apart from GetFindings' in the store's shared cache.
const V2_SALT: u64 = 0x5632_5632_5632_5632;

/// Accounts alternate between the two OUs in sorted order.
pub(crate) fn demo_org(store: &FindingStore) -> Vec<(String, Vec<String>)> {
    let accounts: BTreeSet<&str> = store
        .items
        .iter()
        .filter_map(|s| s.doc["AwsAccountId"].as_str())
        .collect();
    let mut ous: Vec<(String, Vec<String>)> =
        OUS.iter().map(|o| (o.to_string(), Vec::new())).collect();
    for (i, account) in accounts.into_iter().enumerate() {
        ous[i % 2].1.push(account.to_string());
    }
    ous
}

/// The findings inside `Scopes` (all when there are none).
pub(crate) fn scoped(
    docs: Vec<Arc<Value>>,
    v2: &V2Store,
    params: &Value,
) -> Result<Vec<Arc<Value>>, ServiceError> {
    let Some(scopes) = params["Scopes"]["AwsOrganizations"]
        .as_array()
        .filter(|s| !s.is_empty())
    else {
        return Ok(docs);
    };
    if v2.not_delegated_admin {
        return Err(ServiceError::new(
            403,
            "AccessDeniedException",
            "Scopes can be used only by the delegated administrator account of the organization"
                .to_string(),
        ));
    }
    let mut accounts: BTreeSet<&str> = BTreeSet::new();
    for scope in scopes {
        if scope["OrganizationId"]
            .as_str()
            .is_some_and(|o| o != ORG_ID)
        {
            return Err(ServiceError::new(
                400,
                "OrganizationNotFoundException",
                format!("Organization {} was not found", scope["OrganizationId"]),
            ));
        }
        match scope["OrganizationalUnitId"].as_str() {
            None => accounts.extend(
                v2.org
                    .iter()
                    .flat_map(|(_, a)| a.iter().map(String::as_str)),
            ),
            Some(ou) => {
                let (_, members) = v2.org.iter().find(|(id, _)| id == ou).ok_or_else(|| {
                    ServiceError::new(
                        400,
                        "OrganizationalUnitNotFoundException",
                        format!("Organizational unit {ou} was not found"),
                    )
                })?;
                accounts.extend(members.iter().map(String::as_str));
            }
        }
    }
    Ok(docs
        .into_iter()
        .filter(|d| {
            d["cloud"]["account"]["uid"]
                .as_str()
                .is_some_and(|a| accounts.contains(a))
        })
        .collect())
}

fn first_leaf<'a>(doc: &'a Value, field: &str) -> Option<&'a Value> {
    let path: Vec<&str> = field.split('.').collect();
    let mut found = None;
    walk(doc, &path, &mut |v| {
        found = Some(v);
        true
    });
    found.filter(|v| !v.is_null())
}

fn compare(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    match (a, b) {
        (Some(Value::Number(x)), Some(Value::Number(y))) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Some(Value::String(x)), Some(Value::String(y))) => x.cmp(y),
        (Some(x), Some(y)) => filter::leaf_text(x).cmp(&filter::leaf_text(y)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

fn sort_keys(params: &Value) -> Result<Vec<(String, bool)>, ServiceError> {
    let Some(criteria) = params["SortCriteria"].as_array().filter(|c| !c.is_empty()) else {
        return Ok(vec![("finding_info.modified_time_dt".into(), true)]);
    };
    criteria
        .iter()
        .map(|c| {
            let field = c["Field"]
                .as_str()
                .filter(|f| !f.trim().is_empty())
                .ok_or_else(|| validation("SortCriteria: Field is required"))?;
            let desc = match c["SortOrder"].as_str() {
                None | Some("asc") => false,
                Some("desc") => true,
                Some(other) => {
                    return Err(validation(format!(
                        "SortCriteria: SortOrder {other:?} is not asc or desc"
                    )));
                }
            };
            Ok((field.to_string(), desc))
        })
        .collect()
}

/// FNV-1a over the parts of the request that decide the result order.
fn fingerprint(params: &Value) -> u64 {
    let text = format!(
        "{}|{}|{}",
        params["Filters"], params["SortCriteria"], params["Scopes"]
    );
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

pub(crate) fn get_findings(
    store: &FindingStore,
    docs: &[Arc<Value>],
    v2: &V2Store,
    params: &Value,
    now_ms: i64,
) -> Result<Value, ServiceError> {
    let max = params["MaxResults"].as_i64().unwrap_or(DEFAULT_PAGE);
    if !(1..=100).contains(&max) {
        return Err(validation(format!(
            "MaxResults {max} is not valid; use 1 to 100"
        )));
    }
    let filters = params.get("Filters");
    filter::validate(filters)?;
    let keys = sort_keys(params)?;
    let print = fingerprint(params);
    let offset: usize = match params["NextToken"].as_str() {
        None => 0,
        Some(token) => token
            .strip_prefix("v2f-")
            .and_then(|t| t.split_once('-'))
            .filter(|(_, p)| *p == format!("{print:016x}"))
            .and_then(|(o, _)| o.parse().ok())
            .ok_or_else(|| validation("The NextToken is not valid for this request"))?,
    };
    let docs = scoped(docs.to_vec(), v2, params)?;
    // The full order is kept while a client pages through it (as GetFindings does); any
    // write to either API's state makes a new one.
    let cache_key = print ^ V2_SALT ^ v2.generation.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let order = store.cached_order(cache_key, now_ms, || ordered(&docs, filters, &keys, now_ms));
    let hits: Vec<&Arc<Value>> = order.iter().map(|&i| &docs[i]).collect();
    let page: Vec<&Value> = hits
        .iter()
        .skip(offset)
        .take(max as usize)
        .map(|d| d.as_ref())
        .collect();
    let mut body = json!({"Findings": page});
    let next = offset + max as usize;
    if next < hits.len() {
        body["NextToken"] = format!("v2f-{next}-{print:016x}").into();
    }
    Ok(body)
}

/// Indexes into `docs` of the findings that pass `filters`, in `keys` order (ties by uid).
fn ordered(
    docs: &[Arc<Value>],
    filters: Option<&Value>,
    keys: &[(String, bool)],
    now_ms: i64,
) -> Vec<usize> {
    let hits = docs
        .iter()
        .enumerate()
        .filter(|(_, d)| filter::matches(filters, d, now_ms));
    // Keys read once per finding, not once per comparison.
    let mut keyed: Vec<(Vec<Option<&Value>>, usize)> = hits
        .map(|(i, d)| (keys.iter().map(|(f, _)| first_leaf(d, f)).collect(), i))
        .collect();
    keyed.sort_by(|(ka, a), (kb, b)| {
        let (a, b) = (&docs[*a], &docs[*b]);
        keys.iter()
            .zip(ka.iter().zip(kb))
            .map(|((_, desc), (x, y))| {
                let o = compare(*x, *y);
                // Missing values sort last in either direction.
                if *desc && x.is_some() && y.is_some() {
                    o.reverse()
                } else {
                    o
                }
            })
            .find(|o| o.is_ne())
            .unwrap_or_else(|| {
                a["metadata"]["uid"]
                    .as_str()
                    .cmp(&b["metadata"]["uid"].as_str())
            })
    });
    keyed.into_iter().map(|(_, i)| i).collect()
}
