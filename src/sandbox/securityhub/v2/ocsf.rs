//! A stored ASFF finding as the new Security Hub shows it in OCSF, the way AWS maps CSPM
//! findings: a Compliance Finding (2003) for control checks, a Vulnerability Finding (2002)
//! for CVEs, a Detection Finding (2004) otherwise; `metadata.uid` and `finding_info.uid` are
//! the ASFF `Id`, `metadata.product.uid` the product's `productv2` ARN, `status_id` follows
//! `Workflow.Status` and `severity_id` follows `Severity.Label`, so a change made through
//! either API shows through the other.

use serde_json::{Map, Value, json};

/// OCSF `status_id` names.
pub(crate) fn status_name(id: i64) -> &'static str {
    match id {
        1 => "New",
        2 => "In Progress",
        3 => "Suppressed",
        4 => "Resolved",
        5 => "Archived",
        99 => "Other",
        _ => "Unknown",
    }
}

/// OCSF `severity_id` names.
pub(crate) fn severity_name(id: i64) -> &'static str {
    match id {
        1 => "Informational",
        2 => "Low",
        3 => "Medium",
        4 => "High",
        5 => "Critical",
        6 => "Fatal",
        99 => "Other",
        _ => "Unknown",
    }
}

/// ASFF `Workflow.Status` <-> OCSF `status_id` (the four ASFF states have an equivalent).
pub(crate) fn status_id_of_workflow(workflow: &str) -> i64 {
    match workflow {
        "NEW" => 1,
        "NOTIFIED" => 2,
        "SUPPRESSED" => 3,
        "RESOLVED" => 4,
        _ => 0,
    }
}

pub(crate) fn workflow_of_status_id(id: i64) -> Option<&'static str> {
    Some(match id {
        1 => "NEW",
        2 => "NOTIFIED",
        3 => "SUPPRESSED",
        4 => "RESOLVED",
        _ => return None,
    })
}

/// ASFF `Severity.Label` <-> OCSF `severity_id` (Unknown, Fatal and Other have none).
pub(crate) fn severity_id_of_label(label: &str) -> i64 {
    match label {
        "INFORMATIONAL" => 1,
        "LOW" => 2,
        "MEDIUM" => 3,
        "HIGH" => 4,
        "CRITICAL" => 5,
        _ => 0,
    }
}

pub(crate) fn label_of_severity_id(id: i64) -> Option<&'static str> {
    Some(match id {
        1 => "INFORMATIONAL",
        2 => "LOW",
        3 => "MEDIUM",
        4 => "HIGH",
        5 => "CRITICAL",
        _ => return None,
    })
}

/// The `productv2` ARN the new Security Hub names a product by.
pub(crate) fn product_v2(product_arn: &str) -> String {
    product_arn.replacen(":product/", ":productv2/", 1)
}

fn s<'a>(doc: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter().try_fold(doc, |v, k| v.get(k))?.as_str()
}

/// The severity id of an ASFF finding: its label, else its normalized score.
fn severity_id(asff: &Value) -> i64 {
    if let Some(label) = s(asff, &["Severity", "Label"]) {
        return severity_id_of_label(label);
    }
    match asff["Severity"]["Normalized"].as_i64() {
        Some(0) => 1,
        Some(1..=39) => 2,
        Some(40..=69) => 3,
        Some(70..=89) => 4,
        Some(90..) => 5,
        _ => 0,
    }
}

/// The OCSF document for one ASFF finding.
pub(crate) fn from_asff(asff: &Value) -> Value {
    let id = s(asff, &["Id"]).unwrap_or_default();
    let class = if asff.get("Compliance").is_some() {
        (2003, "Compliance Finding")
    } else if asff["Vulnerabilities"]
        .as_array()
        .is_some_and(|v| !v.is_empty())
    {
        (2002, "Vulnerability Finding")
    } else {
        (2004, "Detection Finding")
    };
    let created = s(asff, &["CreatedAt"]);
    let updated = s(asff, &["UpdatedAt"]);
    let activity = if s(asff, &["RecordState"]) == Some("ARCHIVED") {
        (3, "Close")
    } else if created != updated {
        (2, "Update")
    } else {
        (1, "Create")
    };
    let severity = severity_id(asff);
    let status = status_id_of_workflow(s(asff, &["Workflow", "Status"]).unwrap_or("NEW"));
    let mut doc = json!({
        "activity_id": activity.0,
        "activity_name": activity.1,
        "category_name": "Findings",
        "category_uid": 2,
        "class_name": class.1,
        "class_uid": class.0,
        "type_uid": class.0 * 100 + activity.0,
        "cloud": {
            "account": {"uid": s(asff, &["AwsAccountId"])},
            "cloud_partition": "aws",
            "provider": "AWS",
            "region": s(asff, &["Region"]),
        },
        "finding_info": finding_info(asff, id),
        "metadata": {
            "uid": id,
            "version": "1.6.0",
            "product": {
                "uid": product_v2(s(asff, &["ProductArn"]).unwrap_or_default()),
                "name": s(asff, &["ProductName"]),
                "vendor_name": s(asff, &["CompanyName"]),
            },
            "profiles": ["cloud", "datetime"],
        },
        "severity_id": severity,
        "severity": severity_name(severity),
        "status_id": status,
        "status": status_name(status),
        "time_dt": updated,
        "resources": resources(asff),
        "unmapped": {"ProductArn": s(asff, &["ProductArn"]), "GeneratorId": s(asff, &["GeneratorId"])},
    });
    let obj = doc.as_object_mut().expect("an object literal");
    if let Some(note) = s(asff, &["Note", "Text"]) {
        obj.insert("comment".into(), note.into());
    }
    if let Some(c) = compliance(asff) {
        obj.insert("compliance".into(), c);
    }
    if let Some(v) = vulnerabilities(asff) {
        obj.insert("vulnerabilities".into(), v);
    }
    if let Some(e) = evidence(asff) {
        obj.insert("evidences".into(), json!([e]));
    }
    if let Some(text) = s(asff, &["Remediation", "Recommendation", "Text"]) {
        let url = s(asff, &["Remediation", "Recommendation", "Url"]);
        obj.insert(
            "remediation".into(),
            json!({"desc": text, "references": url.into_iter().collect::<Vec<_>>()}),
        );
    }
    strip_nulls(&mut doc);
    doc
}

fn finding_info(asff: &Value, id: &str) -> Value {
    json!({
        "uid": id,
        "title": s(asff, &["Title"]),
        "desc": s(asff, &["Description"]),
        "types": asff.get("Types").cloned().unwrap_or(json!([])),
        "created_time_dt": s(asff, &["CreatedAt"]),
        "modified_time_dt": s(asff, &["UpdatedAt"]),
        "first_seen_time_dt": s(asff, &["FirstObservedAt"]),
        "last_seen_time_dt": s(asff, &["LastObservedAt"]),
        "src_url": s(asff, &["SourceUrl"]),
    })
}

fn resources(asff: &Value) -> Value {
    let list = asff["Resources"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    Value::Array(
        list.iter()
            .map(|r| {
                let tags: Vec<Value> = r["Tags"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| json!({"name": k, "value": v}))
                    .collect();
                json!({
                    "uid": r.get("Id"),
                    "type": r.get("Type"),
                    "region": r.get("Region"),
                    "cloud_partition": r.get("Partition"),
                    "owner": {"account": {"uid": asff.get("AwsAccountId")}},
                    "provider": "AWS",
                    "tags": tags,
                })
            })
            .collect(),
    )
}

fn compliance(asff: &Value) -> Option<Value> {
    let c = asff.get("Compliance")?;
    let (status_id, status) = match c["Status"].as_str() {
        Some("PASSED") => (1, "Pass"),
        Some("WARNING") => (2, "Warning"),
        Some("FAILED") => (3, "Fail"),
        _ => (0, "Unknown"),
    };
    let standards: Vec<&Value> = c["AssociatedStandards"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s.get("StandardsId"))
        .collect();
    Some(json!({
        "control": c.get("SecurityControlId"),
        "status": status,
        "status_id": status_id,
        "standards": standards,
    }))
}

fn vulnerabilities(asff: &Value) -> Option<Value> {
    let list = asff["Vulnerabilities"].as_array()?;
    Some(Value::Array(
        list.iter()
            .map(|v| {
                let cvss: Vec<Value> = v["Cvss"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|c| json!({"base_score": c.get("BaseScore"), "version": c.get("Version")}))
                    .collect();
                let packages: Vec<Value> = v["VulnerablePackages"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|p| json!({"name": p.get("Name"), "version": p.get("Version")}))
                    .collect();
                json!({
                    "cve": {"uid": v.get("Id"), "cvss": cvss},
                    "is_fix_available": v["FixAvailable"].as_str().map(|f| f == "YES"),
                    "is_exploit_available": v["ExploitAvailable"].as_str().map(|f| f == "YES"),
                    "affected_packages": packages,
                })
            })
            .collect(),
    ))
}

/// Network addresses and the API call, where the ASFF finding has them.
fn evidence(asff: &Value) -> Option<Value> {
    let net = &asff["Network"];
    let api = &asff["Action"]["AwsApiCallAction"];
    let conn = &asff["Action"]["NetworkConnectionAction"];
    let src_ip = net["SourceIpV4"]
        .as_str()
        .or(net["SourceIpV6"].as_str())
        .or(api["RemoteIpDetails"]["IpAddressV4"].as_str())
        .or(conn["RemoteIpDetails"]["IpAddressV4"].as_str());
    let dst_ip = net["DestinationIpV4"]
        .as_str()
        .or(net["DestinationIpV6"].as_str());
    let operation = api["Api"].as_str();
    if src_ip.is_none() && dst_ip.is_none() && operation.is_none() {
        return None;
    }
    Some(json!({
        "src_endpoint": {"ip": src_ip, "port": net.get("SourcePort")},
        "dst_endpoint": {"ip": dst_ip, "port": net.get("DestinationPort")},
        "api": {"operation": operation, "service": {"name": api.get("ServiceName")}},
    }))
}

/// Drops null members (and objects left empty), so absent ASFF fields are absent in OCSF.
pub(crate) fn strip_nulls(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for child in map.values_mut() {
                strip_nulls(child);
            }
            map.retain(|_, c| !c.is_null() && !c.as_object().is_some_and(Map::is_empty));
        }
        Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_control_finding_becomes_a_compliance_finding() {
        let asff = json!({
            "Id": "arn:f1", "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/securityhub",
            "AwsAccountId": "123456789012", "Region": "us-east-1", "Title": "S3.1",
            "CreatedAt": "2026-11-01T00:00:00Z", "UpdatedAt": "2026-11-02T00:00:00Z",
            "Severity": {"Label": "HIGH"}, "Workflow": {"Status": "NOTIFIED"},
            "Compliance": {"Status": "FAILED", "SecurityControlId": "S3.1"},
            "Resources": [{"Id": "arn:aws:s3:::b", "Type": "AwsS3Bucket", "Tags": {"env": "prod"}}],
            "Note": {"Text": "seen"},
        });
        let ocsf = from_asff(&asff);
        assert_eq!(ocsf["class_uid"], 2003);
        assert_eq!(ocsf["metadata"]["uid"], "arn:f1");
        assert_eq!(
            ocsf["metadata"]["product"]["uid"],
            "arn:aws:securityhub:us-east-1::productv2/aws/securityhub"
        );
        assert_eq!(
            (ocsf["severity_id"].as_i64(), ocsf["severity"].as_str()),
            (Some(4), Some("High"))
        );
        assert_eq!(
            (ocsf["status_id"].as_i64(), ocsf["status"].as_str()),
            (Some(2), Some("In Progress"))
        );
        assert_eq!(ocsf["compliance"]["status"], "Fail");
        assert_eq!(
            ocsf["resources"][0]["tags"][0],
            json!({"name": "env", "value": "prod"})
        );
        assert_eq!(ocsf["comment"], "seen");
        assert_eq!(ocsf["activity_name"], "Update");
        assert!(
            ocsf.get("evidences").is_none(),
            "no network data, no evidence"
        );
    }
}
