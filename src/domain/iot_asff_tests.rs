//! Tests of the ASFF mapping and the import plan, on recorded IoT responses and the
//! published IoT Device Defender ASFF example.

use super::*;
use crate::domain::finding::{Finding, Severity};
use crate::domain::iot::{AuditFinding, findings_from_json};

fn target(region: &str) -> AsffTarget {
    AsffTarget {
        account: "123456789012".into(),
        region: region.into(),
        now: "2026-11-25T12:00:00.000Z".into(),
    }
}

fn policy_finding() -> AuditFinding {
    let v: Value = serde_json::from_str(include_str!(
        "../../tests/fixtures/iot-audit/describe-audit-finding-iot-policy-overly-permissive.json"
    ))
    .unwrap();
    serde_json::from_value(v["finding"].clone()).unwrap()
}

fn expiring() -> Vec<AuditFinding> {
    let v: Value = serde_json::from_str(include_str!(
        "../../tests/fixtures/iot-audit/list-audit-findings-device-cert-expiring-medium.json"
    ))
    .unwrap();
    findings_from_json(&v).unwrap()
}

fn published_example() -> Value {
    serde_json::from_str(include_str!(
        "../../tests/fixtures/asff/iot-device-defender-audit-iot-policy-overly-permissive.json"
    ))
    .unwrap()
}

/// What Security Hub would hold after importing `docs` over `previous`.
fn imported(t: &AsffTarget, plan: &ImportPlan) -> Vec<PreviousImport> {
    plan.documents()
        .map(|d| PreviousImport::from_asff(t, d).unwrap())
        .collect()
}

#[test]
fn partition_comes_from_the_region() {
    assert_eq!(
        target("us-east-1").product_arn(),
        "arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default"
    );
    assert_eq!(
        target("cn-north-1").product_arn(),
        "arn:aws-cn:securityhub:cn-north-1:123456789012:product/123456789012/default"
    );
    assert_eq!(partition_for_region("us-gov-west-1"), "aws-us-gov");
    assert!(
        target("cn-northwest-1")
            .id_prefix()
            .starts_with("arn:aws-cn:iot:cn-northwest-1:")
    );
}

#[test]
fn maps_an_overly_permissive_policy_like_the_published_integration() {
    let t = target("us-west-2");
    let doc = to_asff(&t, &policy_finding(), None);
    let ours = Finding::from_asff(doc.clone()).unwrap();
    let theirs = Finding::from_asff(published_example()).unwrap();
    assert_eq!(ours.severity, Some(Severity::Critical));
    assert_eq!(ours.severity, theirs.severity);
    assert_eq!(ours.resource_type, theirs.resource_type, "AwsIotPolicy");
    assert_eq!(ours.generator_id, "IOT_POLICY_OVERLY_PERMISSIVE_CHECK");
    assert_eq!(ours.record_state, "ACTIVE");
    assert_eq!(
        doc["Types"][0],
        "Software and Configuration Checks/AWS IoT Device Defender/IOT_POLICY_OVERLY_PERMISSIVE_CHECK"
    );
    assert_eq!(
        doc["Resources"][0]["Id"],
        "arn:aws:iot:us-west-2:123456789012:policy/smp-ggrass-group_Core-policy"
    );
    assert_eq!(
        doc["Resources"][0]["Details"]["Other"]["PolicyVersionId"],
        "1"
    );
    assert_eq!(doc["CreatedAt"], t.now);
    assert!(doc["SourceUrl"].as_str().unwrap().starts_with("https://us-west-2.console.aws.amazon.com/iot/home?region=us-west-2#/dd/audit/results/873ed69c74a9ec8fa9b8e88e9abc4661/"));
    assert_eq!(
        doc["Title"],
        "IOT_POLICY_OVERLY_PERMISSIVE_CHECK: ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS"
    );
}

#[test]
fn the_id_depends_on_check_and_resource_only() {
    let t = target("us-east-1");
    let a = policy_finding();
    let mut b = a.clone();
    b.task_id = "another-task".into();
    b.finding_id = Some("other".into());
    b.reason_for_non_compliance_code = "ALLOWS_BROAD_ACCESS_TO_IOT_CONTROL_PLANE_ACTIONS".into();
    assert_eq!(to_asff(&t, &a, None)["Id"], to_asff(&t, &b, None)["Id"]);
    let certs = expiring();
    assert_ne!(
        to_asff(&t, &certs[0], None)["Id"],
        to_asff(&t, &certs[1], None)["Id"]
    );
}

#[test]
fn first_import_is_all_new_and_reimport_updates_keeping_created_at() {
    let t1 = target("us-east-1");
    let checks = vec!["DEVICE_CERTIFICATE_EXPIRING_CHECK".to_string()];
    let first = plan_import(&t1, "task1", &checks, &expiring(), &[]);
    assert_eq!(
        (first.new.len(), first.updated.len(), first.archive.len()),
        (2, 0, 0)
    );
    let previous = imported(&t1, &first);
    let t2 = AsffTarget {
        now: "2026-12-02T12:00:00.000Z".into(),
        ..t1.clone()
    };
    // The next audit reports them again (its own task id is in their content).
    let mut again = expiring();
    for f in &mut again {
        f.task_id = "task2".into();
    }
    let second = plan_import(&t2, "task2", &checks, &again, &previous);
    assert_eq!(
        second.summary(),
        "0 new, 2 updated, 0 to archive, 0 unchanged"
    );
    assert_eq!(second.updated[0]["CreatedAt"], "2026-11-25T12:00:00.000Z");
    assert_eq!(second.updated[0]["UpdatedAt"], "2026-12-02T12:00:00.000Z");
}

#[test]
fn reimporting_the_same_audit_sends_nothing_and_imports_carry_their_product_name() {
    let t = target("us-east-1");
    let checks = vec!["DEVICE_CERTIFICATE_EXPIRING_CHECK".to_string()];
    let first = plan_import(&t, "task1", &checks, &expiring(), &[]);
    assert_eq!(first.new[0]["ProductName"], "IoT Device Defender");
    assert_eq!(
        first.new[0]["CompanyName"],
        "AWS IoT Device Defender (imported by secdeck)"
    );
    let later = AsffTarget {
        now: "2026-12-02T12:00:00.000Z".into(),
        ..t.clone()
    };
    let again = plan_import(&later, "task1", &checks, &expiring(), &imported(&t, &first));
    assert!(again.is_empty(), "{}", again.summary());
    assert_eq!(again.unchanged, 2);
}

#[test]
fn a_fully_compliant_audit_archives_what_it_fixed() {
    let t = target("us-east-1");
    let checks = vec!["DEVICE_CERTIFICATE_EXPIRING_CHECK".to_string()];
    let mut previous = imported(&t, &plan_import(&t, "t1", &checks, &expiring(), &[]));
    // As GetFindings returns them: with the product fields Security Hub adds itself.
    for p in &mut previous {
        p.doc["ProductFields"]["aws/securityhub/FindingId"] = "arn:x".into();
    }
    let plan = plan_import(&t, "t2", &checks, &[], &previous);
    assert_eq!(
        plan.summary(),
        "0 new, 0 updated, 2 to archive, 0 unchanged"
    );
    for doc in &plan.archive {
        let fields = doc["ProductFields"].as_object().unwrap();
        assert!(
            fields.contains_key("CheckName"),
            "ours are kept: {fields:?}"
        );
        assert!(!fields.keys().any(|k| k.starts_with("aws/")), "{fields:?}");
        assert_eq!(doc["RecordState"], "ARCHIVED");
        assert_eq!(doc["Compliance"]["Status"], "PASSED");
        assert_eq!(doc["CreatedAt"], "2026-11-25T12:00:00.000Z");
    }
    // Already archived findings are not archived again.
    let archived: Vec<PreviousImport> = imported(&t, &plan);
    assert!(plan_import(&t, "t3", &checks, &[], &archived).is_empty());
}

#[test]
fn an_audit_of_other_checks_leaves_these_findings_alone() {
    let t = target("us-east-1");
    let expiring_check = vec!["DEVICE_CERTIFICATE_EXPIRING_CHECK".to_string()];
    let previous = imported(
        &t,
        &plan_import(&t, "t1", &expiring_check, &expiring(), &[]),
    );
    let plan = plan_import(
        &t,
        "t2",
        &["IOT_POLICY_OVERLY_PERMISSIVE_CHECK".to_string()],
        &[policy_finding()],
        &previous,
    );
    assert_eq!(
        plan.summary(),
        "1 new, 0 updated, 0 to archive, 0 unchanged"
    );
    // A check that ran but failed proves nothing either: the caller passes only completed checks.
    assert!(plan_import(&t, "t3", &[], &[], &previous).is_empty());
}

#[test]
fn suppressed_findings_are_archived_or_not_sent() {
    let t = target("us-east-1");
    let checks = vec!["DEVICE_CERTIFICATE_EXPIRING_CHECK".to_string()];
    let mut findings = expiring();
    findings[0].is_suppressed = true;
    let first = plan_import(&t, "t1", &checks, &findings, &[]);
    assert_eq!(
        first.summary(),
        "1 new, 0 updated, 0 to archive, 0 unchanged"
    );
    assert_eq!(first.skipped_suppressed, 1);
    let previous = imported(&t, &plan_import(&t, "t0", &checks, &expiring(), &[]));
    let plan = plan_import(&t, "t2", &checks, &findings, &previous);
    assert_eq!(
        plan.summary(),
        "0 new, 0 updated, 1 to archive, 1 unchanged"
    );
    assert_eq!(plan.archive[0]["RecordState"], "ARCHIVED");
    assert_eq!(plan.archive[0]["ProductFields"]["IsSuppressed"], "true");
}

#[test]
fn repeated_check_and_resource_become_one_finding_with_the_worst_severity() {
    let t = target("us-east-1");
    let a = policy_finding();
    let mut b = a.clone();
    b.severity = Some(Severity::Critical);
    b.reason_for_non_compliance = "Policy allows broad access to IoT control plane actions".into();
    let mut a_low = a.clone();
    a_low.severity = Some(Severity::Low);
    let plan = plan_import(&t, "t", &[], &[a_low, b], &[]);
    assert_eq!(plan.new.len(), 1);
    assert_eq!(plan.new[0]["Severity"]["Label"], "CRITICAL");
    assert!(
        plan.new[0]["Description"]
            .as_str()
            .unwrap()
            .contains("control plane")
    );
}

#[test]
fn other_products_findings_are_not_previous_imports() {
    let t = target("us-west-2");
    assert!(PreviousImport::from_asff(&t, &published_example()).is_none());
}
