//! Findings for seeds: small generated ones, the ASFF fixtures, and the demo world.

use std::path::Path;

use secdeck::sandbox::seed::{self, Seed};
use serde_json::{Value, json};

pub const PRODUCT_ARN: &str =
    "arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default";
pub const LABELS: [&str; 5] = ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"];

/// A small valid finding `f-NNNN`, workflow NEW and ACTIVE; `i` drives the varying
/// attributes (severity `LABELS[i % 5]`, UpdatedAt day `1 + i % 28`).
pub fn finding(i: usize) -> Value {
    json!({
        "SchemaVersion": "2018-10-08",
        "Id": format!("f-{i:04}"),
        "ProductArn": PRODUCT_ARN,
        "GeneratorId": "secdeck-test",
        "AwsAccountId": "123456789012",
        "Types": ["Software and Configuration Checks/Vulnerabilities/CVE"],
        "CreatedAt": "2024-01-01T00:00:00.000Z",
        "UpdatedAt": format!("2024-01-{:02}T00:00:00.000Z", 1 + i % 28),
        "Severity": {"Label": LABELS[i % 5]},
        "Title": format!("Finding {i:04}"),
        "Description": "made for an aws adapter test",
        "Workflow": {"Status": "NEW"},
        "RecordState": "ACTIVE",
        "Resources": [{"Type": "AwsS3Bucket", "Id": format!("arn:aws:s3:::bucket-{i}")}],
    })
}

/// `finding(0)` .. `finding(n - 1)`.
pub fn findings(n: usize) -> Vec<Value> {
    (0..n).map(finding).collect()
}

/// A small valid finding `gen-NNNN` without workflow or record state (the sandbox fills
/// them in); `i` drives every varying attribute predictably (generator `i % 3`, severity
/// `LABELS[i % 5]`, UpdatedAt day `1 + i % 28`).
pub fn generated(i: usize) -> Value {
    let mut f = finding(i);
    let doc = f.as_object_mut().unwrap();
    doc.remove("Workflow");
    doc.remove("RecordState");
    doc.insert("Id".into(), json!(format!("gen-{i:04}")));
    doc.insert("GeneratorId".into(), json!(format!("generator-{}", i % 3)));
    doc.insert("Title".into(), json!(format!("Finding {i}")));
    doc.insert("Description".into(), json!("generated for a sandbox test"));
    f
}

/// Every finding in tests/fixtures/asff (files hold one finding or `{"Findings": [...]}`).
pub fn fixture_findings() -> Vec<Value> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/asff");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .flat_map(|p| {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
            match v.get("Findings") {
                Some(Value::Array(list)) => list.clone(),
                _ => vec![v],
            }
        })
        .collect()
}

/// A seed of just these findings (the sandbox's IAM / Access Analyzer world is always there).
pub fn seed_of(findings: Vec<Value>) -> Seed {
    Seed {
        findings,
        ..Default::default()
    }
}

/// The demo world, as `secdeck --demo` seeds it.
pub fn demo_seed() -> Seed {
    seed::demo(time::OffsetDateTime::now_utc()).expect("demo world loads")
}

/// The demo world without its findings (WAF, IoT, IAM and Access Analyzer only).
pub fn demo_seed_without_findings() -> Seed {
    Seed {
        findings: Vec::new(),
        ocsf: Vec::new(),
        ..demo_seed()
    }
}

/// Owned copies of `items` (addresses, names).
/// The text member `key` of each object in the JSON array `items` (a request's or an
/// answer's list), in order.
pub fn texts_of<'a>(items: &'a Value, key: &str) -> Vec<&'a str> {
    (items.as_array().expect("a JSON array").iter())
        .map(|item| {
            item[key]
                .as_str()
                .unwrap_or_else(|| panic!("{key} in {item}"))
        })
        .collect()
}

pub fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// A finding's analyst fields as one document: VerificationState, Confidence, Criticality
/// and UserDefinedFields (null where the finding has none).
pub fn analyst_fields(doc: &Value) -> Value {
    json!({
        "VerificationState": doc["VerificationState"],
        "Confidence": doc["Confidence"],
        "Criticality": doc["Criticality"],
        "UserDefinedFields": doc["UserDefinedFields"],
    })
}
