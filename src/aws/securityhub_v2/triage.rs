//! BatchUpdateFindingsV2: status, severity and comment on up to 100 findings a call,
//! addressed by `metadata.uid` or by (account, finding_info.uid, product uid) — never both
//! in one call. Each finding comes back processed or unprocessed with AWS's error code.

use aws_sdk_securityhub::Client;
use aws_sdk_securityhub::operation::RequestId;
use aws_sdk_securityhub::types::OcsfFindingIdentifier;

use serde_json::Value;

use super::super::error::AwsError;
use super::super::ocsf_filters::ocsf_finding_filters;
use super::super::retry::RetryPolicy;
use super::{OcsfQuery, get_all_findings};
use crate::domain::filter::StringComparison;
use crate::domain::ocsf_filter::{
    Composite, Leaf, MAX_COMPOSITES, MAX_PER_KIND, OcsfFilters, Operator,
};

pub const BATCH_UPDATE: &str = "securityhub:BatchUpdateFindingsV2";
/// At most this many findings a call.
pub const MAX_BATCH: usize = 100;
/// Comment length limit (characters).
pub const MAX_COMMENT_CHARS: usize = 512;
/// OCSF `status_id` values BatchUpdateFindingsV2 accepts.
pub const STATUS_IDS: [i32; 7] = [0, 1, 2, 3, 4, 5, 99];
/// OCSF `severity_id` values BatchUpdateFindingsV2 accepts.
pub const SEVERITY_IDS: [i32; 8] = [0, 1, 2, 3, 4, 5, 6, 99];

/// How a finding is addressed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum OcsfTarget {
    /// `metadata.uid`.
    MetadataUid(String),
    /// (`cloud.account.uid`, `finding_info.uid`, `metadata.product.uid`).
    Identifier {
        cloud_account_uid: String,
        finding_info_uid: String,
        metadata_product_uid: String,
    },
}

/// The new values; at least one must be set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OcsfChanges {
    pub status_id: Option<i32>,
    pub severity_id: Option<i32>,
    pub comment: Option<String>,
}

/// What one call did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OcsfBatchResult {
    pub processed: Vec<OcsfTarget>,
    /// (finding, AWS error code, message).
    pub unprocessed: Vec<(OcsfTarget, String, String)>,
    pub request_id: Option<String>,
}

/// One BatchUpdateFindingsV2 call. Refused before sending: no target, more than 100, a
/// mix of the two ways of addressing, no change, an out-of-range id or a comment over
/// 512 characters.
pub async fn batch_update(
    client: &Client,
    targets: &[OcsfTarget],
    changes: &OcsfChanges,
) -> Result<OcsfBatchResult, AwsError> {
    check(targets, changes).map_err(|m| AwsError::invalid_request(BATCH_UPDATE, m))?;
    let mut req = client
        .batch_update_findings_v2()
        .set_status_id(changes.status_id)
        .set_severity_id(changes.severity_id)
        .set_comment(changes.comment.clone());
    for target in targets {
        req = match target {
            OcsfTarget::MetadataUid(uid) => req.metadata_uids(uid),
            OcsfTarget::Identifier { .. } => req.finding_identifiers(to_sdk(target)),
        };
    }
    let out = req
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(BATCH_UPDATE, e))?;
    let target_of = |uid: Option<&str>, id: Option<&OcsfFindingIdentifier>| match (uid, id) {
        (Some(uid), _) => Some(OcsfTarget::MetadataUid(uid.to_string())),
        (None, Some(id)) => from_sdk(id),
        (None, None) => None,
    };
    Ok(OcsfBatchResult {
        processed: out
            .processed_findings()
            .iter()
            .filter_map(|p| target_of(p.metadata_uid(), p.finding_identifier()))
            .collect(),
        unprocessed: out
            .unprocessed_findings()
            .iter()
            .filter_map(|u| {
                let target = target_of(u.metadata_uid(), u.finding_identifier())?;
                let code = u.error_code().map(|c| c.as_str()).unwrap_or("Unknown");
                let message = u.error_message().unwrap_or_default();
                Some((target, code.to_string(), message.to_string()))
            })
            .collect(),
        request_id: out.request_id().map(str::to_string),
    })
}

/// The findings with these `metadata.uid`s, as GetFindingsV2 answers now (a re-read
/// before and after a write): `metadata.uid EQUALS` filters OR'ed, 20 to a composite and
/// at most 10 composites a query (GetFindingsV2's limits), so 200 findings a query.
pub async fn get_by_uids(
    client: &Client,
    uids: &[String],
    retry: &RetryPolicy,
) -> Result<Vec<Value>, AwsError> {
    let mut found = Vec::new();
    for chunk in uids.chunks(MAX_PER_KIND * MAX_COMPOSITES) {
        let composites = chunk
            .chunks(MAX_PER_KIND)
            .map(|uids| Composite {
                operator: Operator::Or,
                leaves: uids
                    .iter()
                    .map(|uid| Leaf::String {
                        field: "metadata.uid",
                        comparison: StringComparison::Equals,
                        value: uid.clone(),
                    })
                    .collect(),
                nested: Vec::new(),
            })
            .collect();
        let query = OcsfQuery {
            filters: ocsf_finding_filters(&OcsfFilters {
                operator: Operator::Or,
                composites,
            }),
            ..Default::default()
        };
        found.extend(get_all_findings(client, &query, retry).await?);
    }
    Ok(found)
}

/// The request's own limits, checked before anything is sent.
pub fn check(targets: &[OcsfTarget], changes: &OcsfChanges) -> Result<(), String> {
    if targets.is_empty() || targets.len() > MAX_BATCH {
        return Err(format!(
            "{} findings; BatchUpdateFindingsV2 takes 1 to {MAX_BATCH} a call",
            targets.len()
        ));
    }
    let by_uid = targets
        .iter()
        .filter(|t| matches!(t, OcsfTarget::MetadataUid(_)))
        .count();
    if by_uid != 0 && by_uid != targets.len() {
        return Err("findings addressed both by metadata uid and by identifier".into());
    }
    if *changes == OcsfChanges::default() {
        return Err("no status, severity or comment to set".into());
    }
    if let Some(s) = changes.status_id.filter(|s| !STATUS_IDS.contains(s)) {
        return Err(format!("status id {s} is not one of {STATUS_IDS:?}"));
    }
    if let Some(s) = changes.severity_id.filter(|s| !SEVERITY_IDS.contains(s)) {
        return Err(format!("severity id {s} is not one of {SEVERITY_IDS:?}"));
    }
    if let Some(c) = &changes.comment {
        let n = c.chars().count();
        if n == 0 || n > MAX_COMMENT_CHARS || c.trim().is_empty() {
            return Err(format!(
                "comment is {n} characters; 1 to {MAX_COMMENT_CHARS} (not all blank) are allowed"
            ));
        }
    }
    Ok(())
}

fn to_sdk(target: &OcsfTarget) -> OcsfFindingIdentifier {
    let OcsfTarget::Identifier {
        cloud_account_uid,
        finding_info_uid,
        metadata_product_uid,
    } = target
    else {
        unreachable!("metadata uids are sent as MetadataUids")
    };
    OcsfFindingIdentifier::builder()
        .cloud_account_uid(cloud_account_uid)
        .finding_info_uid(finding_info_uid)
        .metadata_product_uid(metadata_product_uid)
        .build()
}

fn from_sdk(id: &OcsfFindingIdentifier) -> Option<OcsfTarget> {
    Some(OcsfTarget::Identifier {
        cloud_account_uid: id.cloud_account_uid()?.to_string(),
        finding_info_uid: id.finding_info_uid()?.to_string(),
        metadata_product_uid: id.metadata_product_uid()?.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uid(u: &str) -> OcsfTarget {
        OcsfTarget::MetadataUid(u.into())
    }

    #[test]
    fn requests_outside_the_limits_are_refused_before_sending() {
        let resolve = OcsfChanges {
            status_id: Some(4),
            ..Default::default()
        };
        assert!(check(&[uid("a")], &resolve).is_ok());
        assert!(check(&[], &resolve).unwrap_err().contains("1 to 100"));
        assert!(check(&vec![uid("a"); 101], &resolve).is_err());
        let id = OcsfTarget::Identifier {
            cloud_account_uid: "1".into(),
            finding_info_uid: "f".into(),
            metadata_product_uid: "p".into(),
        };
        assert!(
            check(&[uid("a"), id], &resolve)
                .unwrap_err()
                .contains("both")
        );
        assert!(check(&[uid("a")], &OcsfChanges::default()).is_err());
        let bad = |c: OcsfChanges| check(&[uid("a")], &c).unwrap_err();
        assert!(
            bad(OcsfChanges {
                status_id: Some(7),
                ..Default::default()
            })
            .contains("status id 7")
        );
        assert!(
            bad(OcsfChanges {
                severity_id: Some(98),
                ..Default::default()
            })
            .contains("severity")
        );
        let long = "x".repeat(513);
        assert!(
            bad(OcsfChanges {
                comment: Some(long),
                ..Default::default()
            })
            .contains("513")
        );
    }
}
