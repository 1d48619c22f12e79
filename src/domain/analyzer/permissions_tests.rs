//! Planning an unused-permission recommendation (pure, no AWS): which steps it becomes,
//! what it refuses, its undo, and what a re-read after an error is judged as.

use super::*;
use crate::domain::plan::{Change, ChangePlan, LineKind, Observed, PlannedChange};

const ROLE: &str = "arn:aws:iam::123456789012:role/app";
const MANAGED: &str = "arn:aws:iam::123456789012:policy/app-s3";
const BEFORE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:DeleteBucket"],"Resource":"*"}]}"#;
const AFTER: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;

fn rec(steps: Vec<RecommendedStep>) -> Recommendation {
    Recommendation {
        status: "SUCCEEDED".into(),
        resource: ROLE.into(),
        steps,
        error: None,
    }
}

fn create(existing: &str) -> RecommendedStep {
    RecommendedStep::CreatePolicy {
        existing: existing.into(),
        policy: AFTER.into(),
        policy_updated_at: None,
    }
}

fn plan(r: &Recommendation, current: &[CurrentPolicy]) -> Result<PermissionsChange, String> {
    let role = crate::domain::policy::RoleRef::parse(ROLE).unwrap();
    plan_recommendation(
        role,
        "f-1",
        "arn:aws:access-analyzer:us-east-1:123456789012:analyzer/u",
        r,
        current,
    )
}

fn managed() -> CurrentPolicy {
    CurrentPolicy::Managed {
        version_id: "v1".into(),
        document: BEFORE.into(),
    }
}

#[test]
fn each_recommended_step_becomes_the_iam_change_it_needs() {
    let r = rec(vec![
        create(MANAGED),
        RecommendedStep::DetachPolicy {
            existing: "arn:aws:iam::123456789012:policy/ddb".into(),
        },
        create("inline-s3"),
        RecommendedStep::DetachPolicy {
            existing: "legacy".into(),
        },
    ]);
    let current = [
        managed(),
        managed(),
        CurrentPolicy::Inline {
            document: Some(BEFORE.into()),
        },
        CurrentPolicy::Inline {
            document: Some(BEFORE.into()),
        },
    ];
    let c = plan(&r, &current).unwrap();
    let ops: Vec<&str> = c.steps.iter().map(PermissionStep::operations).collect();
    assert_eq!(
        ops,
        [
            "CreatePolicyVersion + SetDefaultPolicyVersion",
            "DetachRolePolicy",
            "PutRolePolicy",
            "DeleteRolePolicy"
        ]
    );
    let plan = ChangePlan::new("p", Change::UnusedPermissions(Box::new(c)));
    assert_eq!(plan.operation(), "iam:CreatePolicyVersion");
    assert_eq!(
        plan.targets()[1],
        format!("{ROLE} attached arn:aws:iam::123456789012:policy/ddb")
    );
    let preview = plan.preview();
    assert!(
        preview
            .iter()
            .any(|l| l.kind == LineKind::Removed && l.text.contains("s3:DeleteBucket"))
    );
    assert!(preview.iter().any(|l| {
        l.kind == LineKind::Removed
            && l.text
                .contains("detach arn:aws:iam::123456789012:policy/ddb")
    }));
}

#[test]
fn the_undo_puts_back_the_succeeded_steps_in_reverse_order() {
    let r = rec(vec![
        create(MANAGED),
        RecommendedStep::DetachPolicy {
            existing: "legacy".into(),
        },
    ]);
    let c = plan(
        &r,
        &[
            managed(),
            CurrentPolicy::Inline {
                document: Some(BEFORE.into()),
            },
        ],
    )
    .unwrap();
    let targets = ChangePlan::new("p", Change::UnusedPermissions(Box::new(c.clone()))).targets();
    // Only the first step went through: only it is undone.
    let Some(Change::UnusedPermissions(undo)) = c.undo(&targets[..1]) else {
        panic!()
    };
    assert!(undo.undo);
    assert_eq!(
        undo.steps,
        [PermissionStep::DefaultVersion {
            policy_arn: MANAGED.into(),
            before_version: String::new(),
            before: AFTER.into(),
            after: BEFORE.into(),
        }]
    );
    let Some(Change::UnusedPermissions(both)) = c.undo(&targets) else {
        panic!()
    };
    assert!(
        matches!(&both.steps[0], PermissionStep::Inline { after: Some(d), before: None, .. } if d == BEFORE)
    );
    // The undo of the undo is the change again.
    let Some(Change::UnusedPermissions(again)) = both.undo(&targets) else {
        panic!()
    };
    // ... but for the version id it started from, which an undo cannot know ahead.
    let ids = |c: &PermissionsChange| {
        c.steps
            .iter()
            .map(|s| match s {
                PermissionStep::DefaultVersion { before, after, .. } => {
                    (before.clone(), after.clone())
                }
                other => (format!("{other:?}"), String::new()),
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&again), ids(&c));
    assert!(!again.undo);
}

#[test]
fn a_recommendation_not_done_or_only_for_aws_managed_policies_plans_nothing() {
    let mut pending = rec(vec![create(MANAGED)]);
    pending.status = "IN_PROGRESS".into();
    assert!(
        plan(&pending, &[managed()])
            .unwrap_err()
            .contains("IN_PROGRESS")
    );
    let aws = rec(vec![create("arn:aws:iam::aws:policy/AmazonS3FullAccess")]);
    let err = plan(&aws, &[managed()]).unwrap_err();
    assert!(err.contains("AWS managed"), "{err}");
    // With another step, the AWS managed one is skipped and said in the preview.
    let mixed = rec(vec![
        create("arn:aws:iam::aws:policy/AmazonS3FullAccess"),
        create(MANAGED),
    ]);
    let c = plan(&mixed, &[managed(), managed()]).unwrap();
    assert_eq!(c.steps.len(), 1);
    assert!(
        c.preview()
            .iter()
            .any(|l| l.kind == LineKind::Warning && l.text.contains("AmazonS3FullAccess"))
    );
    let bad = rec(vec![RecommendedStep::CreatePolicy {
        existing: MANAGED.into(),
        policy: "not json".into(),
        policy_updated_at: None,
    }]);
    assert!(
        plan(&bad, &[managed()])
            .unwrap_err()
            .contains("is not a policy")
    );
}

#[test]
fn a_re_read_after_an_error_tells_applied_from_not_applied() {
    let c = plan(&rec(vec![create(MANAGED)]), &[managed()]).unwrap();
    let applied = Observed::PolicyDefault {
        document: AFTER.into(),
    };
    let not_applied = Observed::PolicyDefault {
        document: BEFORE.into(),
    };
    assert_eq!(c.holds_after(MANAGED, &applied), Some(true));
    assert_eq!(c.holds_after(MANAGED, &not_applied), Some(false));
    assert_eq!(c.holds_after(MANAGED, &Observed::Absent), None);
}
