//! Tests of the IoT audit data types, on recorded IoT API responses.

use super::*;

fn fixture(name: &str) -> serde_json::Value {
    let text = match name {
        "expiring" => include_str!(
            "../../tests/fixtures/iot-audit/list-audit-findings-device-cert-expiring-medium.json"
        ),
        "shared" => include_str!(
            "../../tests/fixtures/iot-audit/list-audit-findings-device-cert-shared-critical.json"
        ),
        "empty" => include_str!("../../tests/fixtures/iot-audit/list-audit-findings-empty.json"),
        "config" => {
            include_str!("../../tests/fixtures/iot-audit/describe-account-audit-configuration.json")
        }
        "task" => include_str!(
            "../../tests/fixtures/iot-audit/describe-audit-task-scheduled-noncompliant.json"
        ),
        "compliant" => include_str!(
            "../../tests/fixtures/iot-audit/describe-audit-task-on-demand-compliant.json"
        ),
        "policy" => include_str!(
            "../../tests/fixtures/iot-audit/describe-audit-finding-iot-policy-overly-permissive.json"
        ),
        "suppressions" => {
            include_str!("../../tests/fixtures/iot-audit/list-audit-suppressions-docs.json")
        }
        other => panic!("no fixture {other}"),
    };
    serde_json::from_str(text).unwrap()
}

#[test]
fn reads_recorded_findings_with_resources_and_suppressed_flag() {
    let findings = findings_from_json(&fixture("expiring")).unwrap();
    assert_eq!(findings.len(), 2);
    let f = &findings[0];
    assert_eq!(f.check_name, "DEVICE_CERTIFICATE_EXPIRING_CHECK");
    assert_eq!(f.severity, Some(Severity::Medium));
    assert_eq!(f.non_compliant_resource.resource_type, "DEVICE_CERTIFICATE");
    assert_eq!(
        f.non_compliant_resource.resource_identifier.display(),
        "b4490<shortened>"
    );
    assert_eq!(
        f.non_compliant_resource.additional_info["EXPIRATION_TIME"],
        "1582862626000"
    );
    assert_eq!(
        f.reason_for_non_compliance_code,
        "CERTIFICATE_PAST_EXPIRATION"
    );
    assert!(!f.is_suppressed);
    assert!(findings_from_json(&fixture("empty")).unwrap().is_empty());
}

#[test]
fn related_resources_and_missing_finding_ids_are_read() {
    let findings = findings_from_json(&fixture("shared")).unwrap();
    assert_eq!(findings.len(), 3);
    assert!(findings.iter().all(|f| f.finding_id.is_none()));
    assert_eq!(findings[0].related_resources.len(), 3);
    assert_eq!(
        findings[0].related_resources[0]
            .resource_identifier
            .client_id
            .as_deref(),
        Some("ZipxgAIl")
    );
}

#[test]
fn policy_resources_key_and_display_by_name_and_version() {
    let v = fixture("policy");
    let f: AuditFinding = serde_json::from_value(v["finding"].clone()).unwrap();
    let id = &f.non_compliant_resource.resource_identifier;
    assert_eq!(id.display(), "smp-ggrass-group_Core-policy:1");
    assert_eq!(id.key(), "policy/smp-ggrass-group_Core-policy/1");
    assert_eq!(f.severity, Some(Severity::Critical));
}

#[test]
fn configuration_lists_enabled_checks_and_the_sns_target() {
    let c = AuditConfiguration::from_json(&fixture("config"));
    assert_eq!(
        c.enabled_checks(),
        vec![
            "DEVICE_CERTIFICATE_EXPIRING_CHECK",
            "IOT_POLICY_OVERLY_PERMISSIVE_CHECK"
        ]
    );
    assert_eq!(c.checks.len(), 14);
    assert_eq!(
        c.sns_target_arn.as_deref(),
        Some("arn:aws:sns:us-east-1:<accountid>:project_sns")
    );
    assert!(c.sns_enabled);
}

#[test]
fn a_task_knows_which_checks_completed() {
    let t: AuditTask = serde_json::from_value(fixture("task")).unwrap();
    assert_eq!(t.kind(), "scheduled");
    assert_eq!(
        t.completed_checks(),
        vec!["DEVICE_CERTIFICATE_EXPIRING_CHECK"]
    );
    assert_eq!(
        t.audit_details["DEVICE_CERTIFICATE_EXPIRING_CHECK"].non_compliant_resources_count,
        2
    );
    let mut failed: AuditTask = serde_json::from_value(fixture("compliant")).unwrap();
    assert_eq!(failed.completed_checks().len(), 3);
    if let Some(d) = failed
        .audit_details
        .get_mut("CA_CERTIFICATE_EXPIRING_CHECK")
    {
        d.check_run_status = "FAILED".into();
    }
    assert_eq!(
        failed.completed_checks().len(),
        2,
        "a failed check proves nothing"
    );
}

#[test]
fn suppressions_cover_their_check_and_resource_and_expire() {
    let v = fixture("suppressions");
    let s: Vec<AuditSuppression> = serde_json::from_value(v["suppressions"].clone()).unwrap();
    let s = &s[0];
    assert!(!s.suppress_indefinitely);
    let exp = s.expiration_date.unwrap();
    assert!(s.active_at(exp - 1.0));
    assert!(!s.active_at(exp + 1.0));
    assert!(s.expires_within(exp - 3.0 * DAY, 7.0));
    assert!(!s.expires_within(exp - 8.0 * DAY, 7.0));
    let mut f = findings_from_json(&fixture("expiring")).unwrap().remove(1);
    assert!(!s.covers(&f), "the doc shortened the id differently");
    f.non_compliant_resource
        .resource_identifier
        .device_certificate_id = Some("c7691e<shortened>".into());
    assert!(s.covers(&f));
}

#[test]
fn suppression_needs_description_and_one_expiry_choice() {
    let mut s = AuditSuppression {
        check_name: "X".into(),
        suppress_indefinitely: true,
        ..Default::default()
    };
    assert_eq!(
        validate_suppression(&s, 0.0).unwrap_err(),
        "a suppression needs a description"
    );
    s.description = Some("accepted risk".into());
    assert!(validate_suppression(&s, 0.0).is_ok());
    s.suppress_indefinitely = false;
    assert!(validate_suppression(&s, 0.0).is_err());
    s.expiration_date = Some(10.0);
    assert_eq!(
        validate_suppression(&s, 20.0).unwrap_err(),
        "the expiry date is in the past"
    );
    assert!(validate_suppression(&s, 5.0).is_ok());
}

#[test]
fn groups_put_the_most_severe_check_first() {
    let mut all = findings_from_json(&fixture("expiring")).unwrap();
    all.extend(findings_from_json(&fixture("shared")).unwrap());
    all[0].is_suppressed = true;
    let groups = group_by_check(&all);
    assert_eq!(groups[0].check_name, "DEVICE_CERTIFICATE_SHARED_CHECK");
    assert_eq!(groups[0].findings.len(), 3);
    assert_eq!(groups[1].severity, Some(Severity::Medium));
    assert_eq!(groups[1].suppressed, 1);
}
