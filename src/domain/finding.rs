//! Security Hub findings as the console sees them: a typed summary of the columns we show,
//! plus the full ASFF document for the detail view. Built from JSON so it works the same
//! for findings from AWS, from the sandbox and from seed files.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// ASFF severity labels, ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Severity {
    Informational,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Informational,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Informational => "INFORMATIONAL",
            Severity::Low => "LOW",
            Severity::Medium => "MEDIUM",
            Severity::High => "HIGH",
            Severity::Critical => "CRITICAL",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s))
    }

    /// ASFF's mapping from a normalized score (0-100) to a label, for legacy findings
    /// that carry only `Severity.Normalized`.
    pub fn from_normalized(n: f64) -> Self {
        match n {
            n if n >= 90.0 => Severity::Critical,
            n if n >= 70.0 => Severity::High,
            n if n >= 40.0 => Severity::Medium,
            n if n >= 1.0 => Severity::Low,
            _ => Severity::Informational,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Workflow.Status of a finding: the analyst's triage state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WorkflowStatus {
    New,
    Notified,
    Resolved,
    Suppressed,
}

impl WorkflowStatus {
    pub const ALL: [WorkflowStatus; 4] = [
        WorkflowStatus::New,
        WorkflowStatus::Notified,
        WorkflowStatus::Resolved,
        WorkflowStatus::Suppressed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WorkflowStatus::New => "NEW",
            WorkflowStatus::Notified => "NOTIFIED",
            WorkflowStatus::Resolved => "RESOLVED",
            WorkflowStatus::Suppressed => "SUPPRESSED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for WorkflowStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The pair Security Hub uses to address one finding in BatchUpdateFindings.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FindingRef {
    pub id: String,
    pub product_arn: String,
}

/// One finding, summarised for the table, with the full document kept for the detail view.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub id: String,
    pub product_arn: String,
    pub title: String,
    pub description: String,
    pub severity: Option<Severity>,
    pub workflow: Option<WorkflowStatus>,
    pub record_state: String,
    pub resource_type: String,
    pub resource_id: String,
    pub account_id: String,
    pub region: String,
    pub product_name: String,
    pub company_name: String,
    pub generator_id: String,
    pub compliance_status: String,
    pub created_at: String,
    pub updated_at: String,
    /// Compliance.SecurityControlId, else ProductFields.ControlId (what "group by control"
    /// groups on, before falling back to the generator).
    pub control_id: Option<String>,
    /// The first of `Types` (what "group by type" groups on).
    pub first_type: String,
    /// The complete ASFF document as AWS returned it.
    pub raw: RawAsff,
}

/// A finding's complete ASFF document, kept as compact JSON text and parsed on demand: a
/// parsed `serde_json::Value` costs about six times the memory, which at 100,000 loaded
/// findings is the difference between a few hundred megabytes and well over a gigabyte.
#[derive(Clone, PartialEq, Eq)]
pub struct RawAsff(Arc<str>);

impl RawAsff {
    pub fn new(doc: &Value) -> Self {
        RawAsff(Arc::from(doc.to_string()))
    }

    /// The document, parsed. (It was serialised from a `Value`, so it always parses.)
    pub fn value(&self) -> Value {
        serde_json::from_str(&self.0).unwrap_or(Value::Null)
    }

    /// The document as compact JSON text.
    pub fn text(&self) -> &str {
        &self.0
    }

    /// Changes the document (e.g. the note an approved change just set).
    pub fn update(&mut self, change: impl FnOnce(&mut Value)) {
        let mut doc = self.value();
        change(&mut doc);
        *self = RawAsff::new(&doc);
    }
}

impl Default for RawAsff {
    fn default() -> Self {
        RawAsff::new(&Value::Null)
    }
}

impl fmt::Debug for RawAsff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RawAsff({} bytes)", self.0.len())
    }
}

/// Why an ASFF document could not be read as a finding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AsffError {
    #[error("finding is not a JSON object")]
    NotAnObject,
    #[error("finding {id}: required field {field} is missing or not a string")]
    MissingField { id: String, field: &'static str },
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for key in path {
        cur = cur.get(key)?;
    }
    cur.as_str()
}

impl Finding {
    /// The fields every finding must carry to be shown and addressed.
    pub const REQUIRED: [&'static str; 2] = ["Id", "ProductArn"];

    pub fn reference(&self) -> FindingRef {
        FindingRef {
            id: self.id.clone(),
            product_arn: self.product_arn.clone(),
        }
    }

    /// Reads the summary out of an ASFF document. Only `Id` and `ProductArn` are
    /// required here (what we need to address it); everything else degrades to empty,
    /// because real findings (legacy GuardDuty, third parties) omit fields freely.
    pub fn from_asff(raw: Value) -> Result<Self, AsffError> {
        if !raw.is_object() {
            return Err(AsffError::NotAnObject);
        }
        let id = str_at(&raw, &["Id"])
            .ok_or(AsffError::MissingField {
                id: "?".into(),
                field: "Id",
            })?
            .to_string();
        let product_arn = str_at(&raw, &["ProductArn"])
            .ok_or_else(|| AsffError::MissingField {
                id: id.clone(),
                field: "ProductArn",
            })?
            .to_string();
        let s = |path: &[&str]| str_at(&raw, path).unwrap_or_default().to_string();
        let first_resource = raw
            .get("Resources")
            .and_then(Value::as_array)
            .and_then(|r| r.first());
        let resource_field = |key: &str| {
            first_resource
                .and_then(|r| r.get(key))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let finding = Finding {
            title: s(&["Title"]),
            description: s(&["Description"]),
            severity: severity_of(&raw),
            workflow: str_at(&raw, &["Workflow", "Status"])
                .or_else(|| str_at(&raw, &["WorkflowState"]).map(legacy_workflow))
                .and_then(WorkflowStatus::parse),
            record_state: s(&["RecordState"]),
            resource_type: resource_field("Type"),
            resource_id: resource_field("Id"),
            account_id: s(&["AwsAccountId"]),
            region: str_at(&raw, &["Region"])
                .map(str::to_string)
                .unwrap_or_else(|| region_from_arn(&product_arn)),
            product_name: str_at(&raw, &["ProductName"])
                .map(str::to_string)
                .unwrap_or_else(|| product_from_arn(&product_arn)),
            company_name: s(&["CompanyName"]),
            generator_id: s(&["GeneratorId"]),
            compliance_status: s(&["Compliance", "Status"]),
            created_at: s(&["CreatedAt"]),
            updated_at: s(&["UpdatedAt"]),
            control_id: str_at(&raw, &["Compliance", "SecurityControlId"])
                .or_else(|| str_at(&raw, &["ProductFields", "ControlId"]))
                .map(str::to_string),
            first_type: raw
                .get("Types")
                .and_then(Value::as_array)
                .and_then(|t| t.first())
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            raw: RawAsff::new(&raw),
            id,
            product_arn,
        };
        Ok(finding)
    }
}

/// Severity.Label, else the legacy ProductFields label, else Normalized.
fn severity_of(raw: &Value) -> Option<Severity> {
    if let Some(label) = str_at(raw, &["Severity", "Label"]) {
        return Severity::parse(label);
    }
    if let Some(label) = str_at(raw, &["ProductFields", "aws/securityhub/SeverityLabel"]) {
        return Severity::parse(label);
    }
    if let Some(label) = str_at(raw, &["FindingProviderFields", "Severity", "Label"]) {
        return Severity::parse(label);
    }
    let normalized = raw.get("Severity")?.get("Normalized")?;
    let n = normalized
        .as_f64()
        .or_else(|| normalized.as_str().and_then(|s| s.parse().ok()))?;
    Some(Severity::from_normalized(n))
}

/// The deprecated WorkflowState values map onto Workflow.Status like this.
fn legacy_workflow(state: &str) -> &str {
    match state {
        "NEW" | "ASSIGNED" | "IN_PROGRESS" => "NEW",
        "DEFERRED" => "SUPPRESSED",
        "RESOLVED" => "RESOLVED",
        other => other,
    }
}

fn region_from_arn(arn: &str) -> String {
    arn.split(':').nth(3).unwrap_or_default().to_string()
}

/// `arn:aws:securityhub:us-east-1::product/aws/guardduty` -> `guardduty`.
fn product_from_arn(arn: &str) -> String {
    arn.rsplit('/').next().unwrap_or_default().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_columns_from_a_modern_finding() {
        let f = Finding::from_asff(json!({
            "Id": "f-1", "ProductArn": "arn:aws:securityhub:eu-west-1::product/aws/guardduty",
            "Title": "SSH brute force", "Severity": {"Label": "HIGH"},
            "Workflow": {"Status": "NOTIFIED"}, "RecordState": "ACTIVE",
            "Resources": [{"Type": "AwsEc2Instance", "Id": "i-1"}],
            "AwsAccountId": "111122223333", "ProductName": "GuardDuty"
        }))
        .unwrap();
        assert_eq!(f.severity, Some(Severity::High));
        assert_eq!(f.workflow, Some(WorkflowStatus::Notified));
        assert_eq!(f.resource_type, "AwsEc2Instance");
        assert_eq!(
            f.region, "eu-west-1",
            "region falls back to the product ARN"
        );
    }

    #[test]
    fn legacy_findings_without_a_label_use_product_fields_or_normalized() {
        let f = Finding::from_asff(json!({
            "Id": "x", "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/guardduty",
            "Severity": {"Product": 5, "Normalized": "50"}
        }))
        .unwrap();
        assert_eq!(f.severity, Some(Severity::Medium));
        assert_eq!(f.product_name, "guardduty");
    }

    #[test]
    fn missing_product_arn_is_named() {
        let err = Finding::from_asff(json!({"Id": "abc"})).unwrap_err();
        assert_eq!(
            err.to_string(),
            "finding abc: required field ProductArn is missing or not a string"
        );
    }
}
