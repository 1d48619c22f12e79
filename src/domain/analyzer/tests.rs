//! Planning tests for the Access Analyzer change kinds (pure, no AWS).

use super::*;
use crate::domain::plan::{Change, ChangePlan, LineKind};
use crate::domain::policy::PolicyDocument;

const ORIGINAL: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:user/Alice"},"Action":"sts:AssumeRole"}]}"#;

fn finding() -> AccessFinding {
    AccessFinding {
        id: "5b3f8a2e-1c4d-4e6f-9a7b-0c1d2e3f4a5b".into(),
        analyzer_arn: "arn:aws:access-analyzer:us-east-1:123456789012:analyzer/a".into(),
        status: "ACTIVE".into(),
        finding_type: "ExternalAccess".into(),
        resource_type: "AWS::IAM::Role".into(),
        resource: "arn:aws:iam::123456789012:role/team/Audit_CrossAccountRole".into(),
        account: "123456789012".into(),
        principal: vec![("AWS".into(), "arn:aws:iam::999988887777:user/Alice".into())],
        actions: vec!["sts:AssumeRole".into()],
        detailed: true,
        ..Default::default()
    }
}

fn edit() -> TrustPolicyEdit {
    match plan_remediation(&finding(), ORIGINAL, 2048, true).unwrap() {
        Remediation::Edit(e) => *e,
        other => panic!("{other:?}"),
    }
}

#[test]
fn remediation_names_the_role_from_the_whole_arn_and_previews_a_diff() {
    let e = edit();
    assert_eq!(e.role.name, "Audit_CrossAccountRole");
    assert_eq!(e.role.path, "/team/");
    let plan = ChangePlan::new("p", Change::TrustPolicyDeny(Box::new(e.clone())));
    assert_eq!(
        plan.title(),
        "Deny external access to role Audit_CrossAccountRole"
    );
    assert_eq!(plan.operation(), "iam:UpdateAssumeRolePolicy");
    let preview = plan.preview();
    assert!(
        preview
            .iter()
            .any(|l| l.text.starts_with("--- trust policy"))
    );
    assert!(preview.iter().any(|l| l.text.contains("StartResourceScan")));
    assert!(
        preview
            .iter()
            .any(|l| l.kind == LineKind::Added && l.text.contains(&e.sid))
    );
}

#[test]
fn undo_of_a_deny_is_the_exact_rollback_and_back_again() {
    let e = edit();
    let plan = ChangePlan::new("p", Change::TrustPolicyDeny(Box::new(e.clone())));
    let undo = plan.undo(std::slice::from_ref(&e.role.arn), "u").unwrap();
    let Change::TrustPolicyRollback(rb) = &undo.change else {
        panic!("{undo:?}")
    };
    assert_eq!(rb.after, ORIGINAL);
    let redo = undo.undo(std::slice::from_ref(&e.role.arn), "r").unwrap();
    let Change::TrustPolicyDeny(again) = &redo.change else {
        panic!("{redo:?}")
    };
    assert_eq!(again.after, e.after);
    assert!(
        plan.undo(&[], "x").is_none(),
        "nothing succeeded, nothing to undo"
    );
}

#[test]
fn non_role_or_inactive_findings_explain_why_they_cannot_be_remediated() {
    let mut f = finding();
    f.resource_type = "AWS::S3::Bucket".into();
    f.resource = "arn:aws:s3:::b".into();
    assert!(
        plan_remediation(&f, ORIGINAL, 2048, false)
            .unwrap_err()
            .contains("IAM roles only")
    );
    let mut f = finding();
    f.status = "RESOLVED".into();
    assert!(
        plan_remediation(&f, ORIGINAL, 2048, false)
            .unwrap_err()
            .contains("RESOLVED")
    );
    let mut f = finding();
    f.finding_type = "UnusedIAMRole".into();
    assert!(
        plan_remediation(&f, ORIGINAL, 2048, false)
            .unwrap_err()
            .contains("UnusedIAMRole")
    );
}

#[test]
fn rollback_from_the_journal_needs_only_the_finding_id() {
    let e = edit();
    let rb = plan_rollback_edit(
        &e.role.arn,
        &e.finding_id,
        &e.analyzer_arn,
        &e.after,
        Some(ORIGINAL),
        false,
    )
    .unwrap();
    assert_eq!(rb.after, ORIGINAL);
    let err = plan_rollback_edit(
        &e.role.arn,
        &e.finding_id,
        &e.analyzer_arn,
        ORIGINAL,
        None,
        false,
    )
    .unwrap_err();
    assert!(err.contains("no statement with Sid"), "{err}");
}

#[test]
fn similar_criteria_match_what_they_were_built_from() {
    let f = finding();
    let c = similar_criteria(&f);
    assert_eq!(c.len(), 3);
    assert!(criteria_match(&f, &c));
    let mut other = f.clone();
    other.principal = vec![("AWS".into(), "arn:aws:iam::111122223333:root".into())];
    assert!(!criteria_match(&other, &c));
}

#[test]
fn archive_undo_unarchives_only_the_succeeded_ids_and_keeps_the_reason() {
    let c = FindingsStatusChange {
        analyzer_arn: "arn:a".into(),
        ids: vec!["a".into(), "b".into()],
        labels: vec!["A".into(), "B".into()],
        reason: "accepted risk".into(),
    };
    let plan = ChangePlan::new("p", Change::FindingsArchive(Box::new(c)));
    let undo = plan.undo(&["b".into()], "u").unwrap();
    let Change::FindingsUnarchive(u) = &undo.change else {
        panic!("{undo:?}")
    };
    assert_eq!(u.ids, vec!["b".to_string()]);
    assert_eq!(u.labels, vec!["B".to_string()]);
    assert!(u.reason.contains("accepted risk"));
}

#[test]
fn same_document_ignores_whitespace_but_not_content() {
    let pretty = PolicyDocument::parse(ORIGINAL).unwrap().to_pretty();
    assert!(same_document(ORIGINAL, &pretty));
    assert!(!same_document(ORIGINAL, &edit().after));
}
