//! IoT Device Defender audit findings -> Security Hub (ASFF), and the import plan: which
//! findings are new, which update an earlier import, which earlier imports to archive.
//! Fixes the reference importer's faults: suppressed findings are not left ACTIVE, a fully
//! compliant audit still archives what it fixed, an audit of a subset of checks archives
//! only those checks' stale findings, CreatedAt survives re-imports, and the partition
//! comes from the region.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use super::iot::{AuditFinding, AuditResource};

/// Prefix of every Types entry we write; also how earlier imports are recognised.
pub const TYPE_PREFIX: &str = "Software and Configuration Checks/AWS IoT Device Defender/";
/// Security Hub's per-finding Id limit.
const MAX_ID: usize = 512;
const MAX_DESCRIPTION: usize = 1024;
const MAX_TITLE: usize = 256;

/// Where the findings go and when the import runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsffTarget {
    pub account: String,
    pub region: String,
    /// RFC 3339 time of this import (UpdatedAt, and CreatedAt of new findings).
    pub now: String,
}

/// The AWS partition a region belongs to.
pub fn partition_for_region(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else if region.starts_with("eu-isoe-") {
        "aws-iso-e"
    } else {
        "aws"
    }
}

/// Console host for the partition (used in SourceUrl).
fn console_host(region: &str) -> String {
    match partition_for_region(region) {
        "aws-cn" => "console.amazonaws.cn".to_string(),
        "aws-us-gov" => "console.amazonaws-us-gov.com".to_string(),
        _ => format!("{region}.console.aws.amazon.com"),
    }
}

impl AsffTarget {
    pub fn partition(&self) -> &'static str {
        partition_for_region(&self.region)
    }

    /// The account's default product ARN: where BatchImportFindings accepts a
    /// customer's own findings.
    pub fn product_arn(&self) -> String {
        format!(
            "arn:{}:securityhub:{}:{}:product/{}/default",
            self.partition(),
            self.region,
            self.account,
            self.account
        )
    }

    /// Every finding Id we write starts with this, scoped to account and region.
    pub fn id_prefix(&self) -> String {
        format!(
            "arn:{}:iot:{}:{}:audit/finding/",
            self.partition(),
            self.region,
            self.account
        )
    }

    /// The deterministic Id for check + resource: the same resource failing the same
    /// check in any audit maps to the same Security Hub finding.
    pub fn finding_id(&self, check: &str, resource: &AuditResource) -> String {
        let key = resource.resource_identifier.key();
        let id = format!("{}{check}/{key}", self.id_prefix());
        if id.len() <= MAX_ID {
            return id;
        }
        // Long identifiers (issuer subjects) are hashed so the Id stays within the limit
        // and still deterministic.
        format!(
            "{}{check}/h/{:016x}",
            self.id_prefix(),
            fnv1a(key.as_bytes())
        )
    }

    fn arn(&self, rest: &str) -> String {
        format!(
            "arn:{}:iot:{}:{}:{rest}",
            self.partition(),
            self.region,
            self.account
        )
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100000001b3)
    })
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(3)).collect();
        t.push_str("...");
        t
    }
}

/// The ASFF Resources entry for the non-compliant resource: type and ARN where one exists.
fn asff_resource(target: &AsffTarget, r: &AuditResource) -> Value {
    let id = &r.resource_identifier;
    let (kind, rid) = match r.resource_type.as_str() {
        "IOT_POLICY" => (
            "AwsIotPolicy",
            id.policy_version_identifier
                .as_ref()
                .map(|p| target.arn(&format!("policy/{}", p.policy_name))),
        ),
        "DEVICE_CERTIFICATE" => (
            "AwsIotCertificate",
            id.device_certificate_arn.clone().or_else(|| {
                id.device_certificate_id
                    .as_ref()
                    .map(|c| target.arn(&format!("cert/{c}")))
            }),
        ),
        "CA_CERTIFICATE" => (
            "AwsIotCaCertificate",
            id.ca_certificate_id
                .as_ref()
                .map(|c| target.arn(&format!("cacert/{c}"))),
        ),
        "ROLE_ALIAS" => ("AwsIotRoleAlias", id.role_alias_arn.clone()),
        "IAM_ROLE" => ("AwsIamRole", id.iam_role_arn.clone()),
        "ACCOUNT_SETTINGS" => (
            "AwsAccount",
            Some(format!(
                "AWS::::Account:{}",
                id.account.as_deref().unwrap_or(&target.account)
            )),
        ),
        _ => ("Other", None),
    };
    let mut other = Map::new();
    other.insert("ResourceType".into(), json!(r.resource_type));
    other.insert("ResourceIdentifier".into(), json!(id.display()));
    if let Some(v) = id
        .policy_version_identifier
        .as_ref()
        .and_then(|p| p.policy_version_id.clone())
    {
        other.insert("PolicyVersionId".into(), json!(v));
    }
    // Details.Other holds at most 50 string values.
    for (k, v) in r.additional_info.iter().take(40) {
        other.insert(k.clone(), json!(truncate(v, 1024)));
    }
    json!({
        "Type": kind,
        "Id": rid.unwrap_or_else(|| id.display()),
        "Partition": target.partition(),
        "Region": target.region,
        "Details": {"Other": other},
    })
}

/// Maps one audit finding to an ASFF document. `created_at` is the existing finding's
/// CreatedAt when this re-imports one (so it is kept), else the import time is used.
/// The ProductName / CompanyName of every imported finding (`:findings +iot`).
pub const PRODUCT_NAME: &str = "IoT Device Defender";
pub const COMPANY_NAME: &str = "AWS IoT Device Defender (imported by secdeck)";

pub fn to_asff(target: &AsffTarget, f: &AuditFinding, created_at: Option<&str>) -> Value {
    let resource = &f.non_compliant_resource;
    let severity = f
        .severity
        .map(|s| s.as_str())
        .unwrap_or("MEDIUM")
        .to_string();
    let reason = if f.reason_for_non_compliance.trim().is_empty() {
        "no reason given".to_string()
    } else {
        f.reason_for_non_compliance.clone()
    };
    let title = if f.reason_for_non_compliance_code.is_empty() {
        f.check_name.clone()
    } else {
        format!("{}: {}", f.check_name, f.reason_for_non_compliance_code)
    };
    let description = format!(
        "{} {} is non-compliant with {} (audit task {}): {reason}",
        resource.resource_type,
        resource.resource_identifier.display(),
        f.check_name,
        f.task_id,
    );
    let source_url = format!(
        "https://{}/iot/home?region={}#/dd/audit/results/{}/{}",
        console_host(&target.region),
        target.region,
        f.task_id,
        f.check_name
    );
    let mut product_fields = Map::new();
    for (k, v) in [
        ("CheckName", f.check_name.as_str()),
        ("TaskId", f.task_id.as_str()),
        ("ResourceType", resource.resource_type.as_str()),
        (
            "ReasonForNonComplianceCode",
            f.reason_for_non_compliance_code.as_str(),
        ),
        (
            "IsSuppressed",
            if f.is_suppressed { "true" } else { "false" },
        ),
    ] {
        product_fields.insert(k.into(), json!(v));
    }
    if let Some(id) = &f.finding_id {
        product_fields.insert("FindingId".into(), json!(id));
    }
    json!({
        "SchemaVersion": "2018-10-08",
        "Id": target.finding_id(&f.check_name, resource),
        "ProductArn": target.product_arn(),
        "GeneratorId": f.check_name,
        // ASFF lets a finding of the account's default product name itself: without
        // these Security Hub shows "default" and `product~IoT` finds nothing.
        "ProductName": PRODUCT_NAME,
        "CompanyName": COMPANY_NAME,
        "AwsAccountId": target.account,
        "Types": [format!("{TYPE_PREFIX}{}", f.check_name)],
        "CreatedAt": created_at.unwrap_or(&target.now),
        "UpdatedAt": target.now,
        "Severity": {"Label": severity},
        "Title": truncate(&title, MAX_TITLE),
        "Description": truncate(&description, MAX_DESCRIPTION),
        "SourceUrl": source_url,
        "ProductFields": product_fields,
        "Resources": [asff_resource(target, resource)],
        "Compliance": {"Status": "FAILED"},
        // A suppressed finding is accepted risk: it must not stay active in Security Hub.
        "RecordState": if f.is_suppressed { "ARCHIVED" } else { "ACTIVE" },
    })
}

/// A finding an earlier import put in Security Hub, as GetFindings returns it.
#[derive(Debug, Clone, PartialEq)]
pub struct PreviousImport {
    pub id: String,
    pub check_name: String,
    pub record_state: String,
    pub created_at: String,
    pub doc: Value,
}

impl PreviousImport {
    /// Recognises one of our imports; other findings give `None`.
    pub fn from_asff(target: &AsffTarget, doc: &Value) -> Option<Self> {
        let s = |k: &str| doc.get(k).and_then(Value::as_str).unwrap_or_default();
        let id = s("Id");
        if !id.starts_with(&target.id_prefix()) || s("ProductArn") != target.product_arn() {
            return None;
        }
        Some(PreviousImport {
            id: id.to_string(),
            check_name: s("GeneratorId").to_string(),
            record_state: s("RecordState").to_string(),
            created_at: s("CreatedAt").to_string(),
            doc: doc.clone(),
        })
    }
}

/// What an import will send: every document is a complete ASFF finding for
/// BatchImportFindings; the three lists never share an Id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportPlan {
    pub task_id: String,
    /// Findings never imported before.
    pub new: Vec<Value>,
    /// Findings that replace an earlier import of the same check + resource.
    pub updated: Vec<Value>,
    /// Earlier imports no longer reported (fixed) or now suppressed: re-imported ARCHIVED.
    pub archive: Vec<Value>,
    /// Suppressed findings with nothing in Security Hub to archive: not sent.
    pub skipped_suppressed: usize,
    /// Findings already in Security Hub with the same content: not sent again.
    pub unchanged: usize,
}

impl ImportPlan {
    /// All documents, new first, then updated, then archived.
    pub fn documents(&self) -> impl Iterator<Item = &Value> {
        self.new.iter().chain(&self.updated).chain(&self.archive)
    }

    pub fn len(&self) -> usize {
        self.new.len() + self.updated.len() + self.archive.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn summary(&self) -> String {
        format!(
            "{} new, {} updated, {} to archive, {} unchanged",
            self.new.len(),
            self.updated.len(),
            self.archive.len(),
            self.unchanged
        )
    }
}

/// Plans the import of one audit task.
///
/// `checks_run` are the checks the task completed: an earlier import of one of those
/// checks that this audit no longer reports was fixed and is archived. Earlier imports of
/// other checks are left alone, because this audit says nothing about them.
pub fn plan_import(
    target: &AsffTarget,
    task_id: &str,
    checks_run: &[String],
    findings: &[AuditFinding],
    previous: &[PreviousImport],
) -> ImportPlan {
    let by_id: BTreeMap<&str, &PreviousImport> =
        previous.iter().map(|p| (p.id.as_str(), p)).collect();
    let mut plan = ImportPlan {
        task_id: task_id.to_string(),
        ..Default::default()
    };
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut current: BTreeMap<String, AuditFinding> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    // One Security Hub finding per check + resource: merge repeats (several reason codes
    // for one policy) keeping the worst severity and every reason.
    for f in findings {
        let id = target.finding_id(&f.check_name, &f.non_compliant_resource);
        match current.get_mut(&id) {
            Some(existing) => merge_into(existing, f),
            None => {
                order.push(id.clone());
                current.insert(id, f.clone());
            }
        }
    }
    for id in order {
        let Some(f) = current.get(&id) else { continue };
        seen.insert(id.clone());
        match by_id.get(id.as_str()) {
            Some(prev) => {
                if f.is_suppressed && prev.record_state == "ARCHIVED" {
                    continue;
                }
                let doc = to_asff(
                    target,
                    f,
                    Some(prev.created_at.as_str()).filter(|c| !c.is_empty()),
                );
                if f.is_suppressed {
                    plan.archive.push(doc);
                } else if same_content(&doc, &prev.doc) {
                    plan.unchanged += 1;
                } else {
                    plan.updated.push(doc);
                }
            }
            None if f.is_suppressed => plan.skipped_suppressed += 1,
            None => plan.new.push(to_asff(target, f, None)),
        }
    }
    let run: BTreeSet<&str> = checks_run.iter().map(String::as_str).collect();
    for prev in previous {
        if seen.contains(&prev.id)
            || prev.record_state == "ARCHIVED"
            || !run.contains(prev.check_name.as_str())
        {
            continue;
        }
        plan.archive.push(archived(target, prev));
    }
    plan
}

/// Whether a planned document says what Security Hub already holds: every field we send
/// but UpdatedAt, with Severity by its label (Security Hub adds Normalized) and without
/// the `aws/*` product fields Security Hub adds itself.
fn same_content(doc: &Value, held: &Value) -> bool {
    let Some(doc) = doc.as_object() else {
        return false;
    };
    doc.iter().all(|(key, value)| {
        let old = held.get(key);
        match key.as_str() {
            "UpdatedAt" => true,
            "Severity" => value.get("Label") == old.and_then(|o| o.get("Label")),
            "ProductFields" => {
                let ours = |v: Option<&Value>| -> Map<String, Value> {
                    v.and_then(Value::as_object)
                        .map(|m| {
                            m.iter()
                                .filter(|(k, _)| !k.starts_with("aws/"))
                                .map(|(k, v)| (k.clone(), v.clone()))
                                .collect()
                        })
                        .unwrap_or_default()
                };
                ours(Some(value)) == ours(old)
            }
            _ => old == Some(value),
        }
    })
}

fn merge_into(into: &mut AuditFinding, other: &AuditFinding) {
    into.severity = into.severity.max(other.severity);
    if !other.reason_for_non_compliance.is_empty()
        && !into
            .reason_for_non_compliance
            .contains(&other.reason_for_non_compliance)
    {
        into.reason_for_non_compliance = format!(
            "{}; {}",
            into.reason_for_non_compliance, other.reason_for_non_compliance
        );
    }
    // Suppression is per check + resource, so either flag means the pair is suppressed.
    into.is_suppressed |= other.is_suppressed;
}

/// An earlier import, re-sent as ARCHIVED and PASSED, with its CreatedAt kept.
fn archived(target: &AsffTarget, prev: &PreviousImport) -> Value {
    let mut doc = prev.doc.clone();
    if let Some(obj) = doc.as_object_mut() {
        // Fields Security Hub adds or owns are not ours to send back.
        for key in [
            "ProcessedAt",
            "Workflow",
            "WorkflowState",
            "Note",
            "UserDefinedFields",
            "VerificationState",
            "FirstObservedAt",
            "LastObservedAt",
            "ProductName",
            "CompanyName",
            "Region",
        ] {
            obj.remove(key);
        }
        // Security Hub adds its aws/* product fields itself and owns them.
        if let Some(fields) = obj.get_mut("ProductFields").and_then(Value::as_object_mut) {
            fields.retain(|k, _| !k.starts_with("aws/"));
        }
        obj.insert("ProductName".into(), json!(PRODUCT_NAME));
        obj.insert("CompanyName".into(), json!(COMPANY_NAME));
        obj.insert("RecordState".into(), json!("ARCHIVED"));
        obj.insert("UpdatedAt".into(), json!(target.now));
        obj.insert("Compliance".into(), json!({"Status": "PASSED"}));
    }
    doc
}

#[cfg(test)]
#[path = "iot_asff_tests.rs"]
mod tests;
