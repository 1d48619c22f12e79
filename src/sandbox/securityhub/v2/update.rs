//! BatchUpdateFindingsV2: status, severity and comment on up to 100 findings addressed by
//! `MetadataUids` or `FindingIdentifiers` (not both). A CSPM finding is changed through
//! the ASFF update path (Workflow.Status, Severity.Label, Note, with its history), so the
//! change shows through both APIs; values with no ASFF equivalent are kept as overlays.
//! Exposure findings are changed in place. Each finding is processed or unprocessed with
//! one of AWS's codes (ResourceNotFoundException, ValidationException, ...).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use serde_json::{Value, json};

use super::filter::validation;
use super::ocsf::{
    label_of_severity_id, product_v2, severity_name, status_name, workflow_of_status_id,
};
use super::world::{Overlay, V2Store};
use crate::sandbox::protocol::ServiceError;
use crate::sandbox::securityhub::store::FindingStore;
use crate::sandbox::securityhub::update;

const MAX_TARGETS: usize = 100;
const MAX_COMMENT: usize = 512;
const STATUS_IDS: [i64; 7] = [0, 1, 2, 3, 4, 5, 99];
const SEVERITY_IDS: [i64; 8] = [0, 1, 2, 3, 4, 5, 6, 99];
const ERROR_CODES: [&str; 4] = [
    "ResourceNotFoundException",
    "ValidationException",
    "InternalServerException",
    "ConflictException",
];

struct Changes {
    status: Option<i64>,
    severity: Option<i64>,
    comment: Option<String>,
}

fn changes(params: &Value) -> Result<Changes, ServiceError> {
    let status = params["StatusId"].as_i64();
    let severity = params["SeverityId"].as_i64();
    let comment = params["Comment"].as_str().map(str::to_string);
    if status.is_none() && severity.is_none() && comment.is_none() {
        return Err(validation(
            "At least one of StatusId, SeverityId or Comment is required",
        ));
    }
    if let Some(s) = status.filter(|s| !STATUS_IDS.contains(s)) {
        return Err(validation(format!(
            "StatusId {s} is not valid; use one of {STATUS_IDS:?}"
        )));
    }
    if let Some(s) = severity.filter(|s| !SEVERITY_IDS.contains(s)) {
        return Err(validation(format!(
            "SeverityId {s} is not valid; use one of {SEVERITY_IDS:?}"
        )));
    }
    if let Some(c) = &comment {
        let n = c.chars().count();
        if n == 0 || n > MAX_COMMENT || c.trim().is_empty() {
            return Err(validation(format!(
                "Comment has {n} characters; 1 to {MAX_COMMENT} are allowed"
            )));
        }
    }
    Ok(Changes {
        status,
        severity,
        comment,
    })
}

/// How the caller addressed one finding, echoed back in its result.
enum Target<'a> {
    Uid(&'a str),
    Identifier(&'a Value),
}

impl Target<'_> {
    fn echo(&self) -> (&'static str, Value) {
        match self {
            Target::Uid(u) => ("MetadataUid", json!(u)),
            Target::Identifier(i) => ("FindingIdentifier", (*i).clone()),
        }
    }

    fn key(&self) -> String {
        match self {
            Target::Uid(u) => u.to_string(),
            Target::Identifier(i) => i.to_string(),
        }
    }
}

fn targets(params: &Value) -> Result<Vec<Target<'_>>, ServiceError> {
    let list = |k: &str| params[k].as_array().map(Vec::as_slice).unwrap_or_default();
    let (uids, ids) = (list("MetadataUids"), list("FindingIdentifiers"));
    if !uids.is_empty() && !ids.is_empty() {
        return Err(validation(
            "Provide either MetadataUids or FindingIdentifiers, not both",
        ));
    }
    if uids.is_empty() && ids.is_empty() {
        return Err(validation(
            "One of MetadataUids or FindingIdentifiers is required",
        ));
    }
    if uids.len().max(ids.len()) > MAX_TARGETS {
        return Err(validation(format!(
            "{} findings were given; at most {MAX_TARGETS} are allowed",
            uids.len().max(ids.len())
        )));
    }
    let mut out = Vec::new();
    for u in uids {
        out.push(Target::Uid(
            u.as_str()
                .ok_or_else(|| validation("MetadataUids holds a non-string"))?,
        ));
    }
    for i in ids {
        for k in ["CloudAccountUid", "FindingInfoUid", "MetadataProductUid"] {
            if i[k].as_str().is_none_or(|v| v.trim().is_empty()) {
                return Err(validation(format!("FindingIdentifiers: {k} is required")));
            }
        }
        out.push(Target::Identifier(i));
    }
    Ok(out)
}

/// Where a target lives: a CSPM finding's index or an exposure's index.
enum Found {
    Cspm(usize),
    Exposure(usize),
}

fn resolve(store: &FindingStore, v2: &V2Store, target: &Target) -> Option<Found> {
    let (uid, identifier) = match target {
        Target::Uid(u) => (*u, None),
        Target::Identifier(i) => (i["FindingInfoUid"].as_str().unwrap_or_default(), Some(*i)),
    };
    if let Some(stored) = store.find_by_id(uid) {
        let matches = identifier.is_none_or(|i| {
            i["CloudAccountUid"].as_str() == stored.doc["AwsAccountId"].as_str()
                && i["MetadataProductUid"].as_str()
                    == Some(product_v2(stored.product_arn()).as_str())
        });
        return matches
            .then(|| Found::Cspm(store.find(stored.id(), stored.product_arn()).unwrap_or(0)));
    }
    v2.exposures
        .iter()
        .position(|e| {
            e["metadata"]["uid"].as_str() == Some(uid)
                || e["finding_info"]["uid"].as_str() == Some(uid)
        })
        .map(Found::Exposure)
}

pub(crate) fn batch_update(
    store: &mut FindingStore,
    v2: &mut V2Store,
    params: &Value,
    now: &str,
    caller: &str,
    injected: &mut dyn FnMut(&str) -> Option<(String, String)>,
) -> Result<Value, ServiceError> {
    let targets = targets(params)?;
    let changes = changes(params)?;
    let mut seen = HashSet::new();
    let mut processed = Vec::new();
    let mut unprocessed = Vec::new();
    for target in &targets {
        let (key, echo) = target.echo();
        let mut fail = |code: &str, message: String| {
            unprocessed
                .push(json!({key: echo.clone(), "ErrorCode": code, "ErrorMessage": message}));
        };
        if !seen.insert(target.key()) {
            fail(
                "ValidationException",
                "The finding is listed more than once".into(),
            );
            continue;
        }
        let Some(found) = resolve(store, v2, target) else {
            fail("ResourceNotFoundException", "Finding not found".into());
            continue;
        };
        if let Some((code, message)) = injected(&target.key()) {
            let code = if ERROR_CODES.contains(&code.as_str()) {
                code
            } else {
                "InternalServerException".into()
            };
            fail(&code, message);
            continue;
        }
        match found {
            Found::Cspm(index) => apply_cspm(store, v2, index, &changes, now, caller)?,
            Found::Exposure(index) => {
                apply_exposure(Arc::make_mut(&mut v2.exposures[index]), &changes)
            }
        }
        processed.push(json!({key: echo}));
    }
    if !processed.is_empty() {
        v2.generation += 1;
    }
    Ok(json!({"ProcessedFindings": processed, "UnprocessedFindings": unprocessed}))
}

/// The ASFF update path for what has an ASFF equivalent, overlays for the rest.
fn apply_cspm(
    store: &mut FindingStore,
    v2: &mut V2Store,
    index: usize,
    changes: &Changes,
    now: &str,
    caller: &str,
) -> Result<(), ServiceError> {
    let doc = &store.items[index].doc;
    let (id, product) = (doc["Id"].clone(), doc["ProductArn"].clone());
    let mut asff = json!({"FindingIdentifiers": [{"Id": id, "ProductArn": product}]});
    let uid = id.as_str().unwrap_or_default().to_string();
    let mut shadow = |id: Option<i64>,
                      asff_value: Option<&'static str>,
                      field: (&str, &str),
                      overlays: &mut HashMap<String, Overlay>| {
        let Some(id) = id else { return };
        let (object, member) = field;
        match asff_value {
            // The ASFF field carries it: set it there, any older overlay is void.
            Some(value) => {
                asff[object] = json!({member: value});
                overlays.remove(&uid);
            }
            // No ASFF equivalent: kept beside the finding while the ASFF field is unchanged.
            None => {
                let current = doc[object][member].as_str().map(str::to_string);
                overlays.insert(
                    uid.clone(),
                    Overlay {
                        id,
                        asff_value: current,
                    },
                );
            }
        }
    };
    let status = changes.status;
    shadow(
        status,
        status.and_then(workflow_of_status_id),
        ("Workflow", "Status"),
        &mut v2.status,
    );
    let severity = changes.severity;
    shadow(
        severity,
        severity.and_then(label_of_severity_id),
        ("Severity", "Label"),
        &mut v2.severity,
    );
    if let Some(c) = &changes.comment {
        asff["Note"] = json!({"Text": c, "UpdatedBy": caller});
    }
    if asff.as_object().is_some_and(|o| o.len() > 1) {
        update::batch_update(store, &asff, now, caller, &mut |_| None)?;
    }
    Ok(())
}

/// As AWS documents it, "updates from BatchUpdateFindingsV2 don't affect the value of
/// finding_info.modified_time, finding_info.modified_time_dt, time, time_dt": no stamp
/// moves (CSPM findings keep their UpdatedAt through the ASFF path too).
fn apply_exposure(doc: &mut Value, changes: &Changes) {
    if let Some(s) = changes.status {
        doc["status_id"] = s.into();
        doc["status"] = status_name(s).into();
    }
    if let Some(s) = changes.severity {
        doc["severity_id"] = s.into();
        doc["severity"] = severity_name(s).into();
    }
    if let Some(c) = &changes.comment {
        doc["comment"] = c.as_str().into();
    }
}
