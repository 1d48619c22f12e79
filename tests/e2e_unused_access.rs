//! End to end on unused- and internal-access analyzers in the Access Analyzer pane: the
//! demo console driven by keys; the recommendation for an unused-permission finding
//! generated, previewed, applied and undone (IAM state in the sandbox after each, the
//! journal, the requests sent); an internal-access finding archived and an archive rule
//! made from one.

mod common;

use common::*;
use secdeck::app::State;
use secdeck::app::pipeline::Stage;
use secdeck::config::AccessFlag;
use secdeck::domain::analyzer::PermissionStep;
use secdeck::domain::plan::Change;
use secdeck::journal::{Journal, Phase};
use serde_json::Value;

const MAIN: &str = "123456789012";
const ROLE: &str = "ec2-instance-role";
const S3_POLICY: &str = "arn:aws:iam::123456789012:policy/ec2-app-s3";
const DYNAMODB_POLICY: &str = "arn:aws:iam::123456789012:policy/ec2-app-dynamodb";
const INLINE: &str = "legacy-bucket-admin";

fn actions_of(document: &str) -> Vec<String> {
    let v: Value = serde_json::from_str(document).unwrap();
    v["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| match &s["Action"] {
            Value::String(a) => vec![a.clone()],
            Value::Array(a) => a.iter().map(|x| x.as_str().unwrap().to_string()).collect(),
            _ => Vec::new(),
        })
        .collect()
}

/// The undo offered is the recommendation's (`undo`: it is itself an undo).
fn offers_undo(s: &State, undo: bool) -> bool {
    s.pipeline
        .undo
        .as_ref()
        .is_some_and(|u| matches!(&u.change, Change::UnusedPermissions(c) if c.undo == undo))
}

#[test]
fn an_unused_permission_recommendation_is_previewed_applied_and_undone() {
    big_stack(|| async {
        let mut console = demo_console(AccessFlag::Unset).await;
        let sb = console.sandbox().clone();
        let (policy_v1, original_s3) = sb.policy_default(S3_POLICY).unwrap();
        let before = sb.role_permissions(MAIN, ROLE).unwrap();
        select_analyzer(&mut console, "UnusedAccess-90d").await;
        assert_shows(
            &console.state,
            &[
                "last accessed",
                "unused actions",
                "s3:DeleteBucket",
                "AKIAIOSFODNN7EXAMPLE",
            ],
        );

        select_resource(&mut console, ROLE);
        press_until(&mut console, "x", "the recommendation preview", previewing).await;
        assert_shows(
            &console.state,
            &["Apply the unused-permission recommendation to role ec2-instance-role"],
        );
        let Stage::Preview { plan, .. } = &console.state.pipeline.stage else {
            unreachable!()
        };
        let Change::UnusedPermissions(change) = &plan.change else {
            panic!("{:?}", plan.change)
        };
        // AWS's steps: narrow ec2-app-s3, detach ec2-app-dynamodb, delete the inline policy.
        let ops: Vec<&str> = change
            .steps
            .iter()
            .map(PermissionStep::operations)
            .collect();
        assert_eq!(
            ops,
            [
                "CreatePolicyVersion + SetDefaultPolicyVersion",
                "DetachRolePolicy",
                "DeleteRolePolicy"
            ]
        );
        assert_eq!(
            calls(&sb, "GetFindingRecommendation").len(),
            2,
            "IN_PROGRESS, then SUCCEEDED"
        );

        press_until(&mut console, "y", "the change", |s| offers_undo(s, true)).await;
        let (policy_v2, narrowed) = sb.policy_default(S3_POLICY).unwrap();
        assert_eq!(policy_v2, "v2");
        assert_eq!(actions_of(&narrowed), ["s3:GetObject", "s3:PutObject"]);
        let (attached, inline) = sb.role_permissions(MAIN, ROLE).unwrap();
        assert_eq!(attached, [S3_POLICY]);
        assert!(inline.is_empty(), "{inline:?}");
        assert_eq!(
            mutating_operations(&sb),
            [
                "CreatePolicyVersion",
                "SetDefaultPolicyVersion",
                "DetachRolePolicy",
                "DeleteRolePolicy"
            ]
        );
        let entries = Journal::read_all(console.journal()).unwrap();
        assert_eq!(
            entries.iter().map(|e| e.phase).collect::<Vec<_>>(),
            [Phase::Intent, Phase::Outcome]
        );
        assert_eq!(entries[1].operation, "iam:CreatePolicyVersion");
        assert!(matches!(
            entries[1].change.change,
            Change::UnusedPermissions(_)
        ));

        // Undo: the previous version is the default again, the policy re-attached, the
        // inline policy put back as it was.
        press_until(&mut console, "u", "the undo preview", previewing).await;
        assert_shows(
            &console.state,
            &["Undo the unused-permission recommendation"],
        );
        press_until(&mut console, "y", "the undo", |s| offers_undo(s, false)).await;
        assert_eq!(
            sb.policy_default(S3_POLICY).unwrap(),
            (policy_v1, original_s3)
        );
        assert_eq!(sb.role_permissions(MAIN, ROLE).unwrap(), before);
        assert!(before.0.contains(&DYNAMODB_POLICY.to_string()));
        assert_eq!(before.1[0].0, INLINE);
        let tail = mutating_operations(&sb).split_off(4);
        assert_eq!(
            tail,
            [
                "PutRolePolicy",
                "AttachRolePolicy",
                "SetDefaultPolicyVersion"
            ],
            "the undo sets v1 as default again, no new version"
        );
    });
}

#[test]
fn an_internal_access_finding_is_listed_archived_and_ruled() {
    big_stack(|| async {
        let mut console = demo_console(AccessFlag::Unset).await;
        let sb = console.sandbox().clone();
        select_analyzer(&mut console, "InternalAccess-org").await;
        assert_shows(
            &console.state,
            &[
                "ORGANIZATION_INTERNAL_ACCESS",
                "scope",
                "organization",
                "payroll-exports",
                "analytics-etl",
            ],
        );

        select_resource(&mut console, ":::payroll-exports");
        let id = console
            .state
            .analyzer
            .selected_finding()
            .unwrap()
            .id
            .clone();
        press(&mut console, "a");
        press_until(
            &mut console,
            "read by the org's ETL, SEC-7<enter>",
            "the archive preview",
            previewing,
        )
        .await;
        press_until(&mut console, "y", "the archive", changed).await;
        assert_eq!(sb.analyzer_finding(&id).unwrap()["status"], "ARCHIVED");
        wait_until(&mut console, "the reload", analyzer_loaded).await;

        // Archive similar: a rule on the support tool's principal archives its finding.
        select_resource(&mut console, "table/customer-profiles");
        let table = console
            .state
            .analyzer
            .selected_finding()
            .unwrap()
            .id
            .clone();
        press(&mut console, "z");
        assert_shows(&console.state, &["matches 1 current ACTIVE finding(s)"]);
        press(&mut console, "y");
        assert_shows(
            &console.state,
            &["principal.AWS = arn:aws:iam::123456789012:role/support-tool"],
        );
        press_until(&mut console, "y", "the rule", |s| {
            idle(s)
                && s.pipeline
                    .undo
                    .as_ref()
                    .is_some_and(|u| matches!(u.change, Change::ArchiveRuleDelete(_)))
        })
        .await;
        assert_eq!(sb.analyzer_finding(&table).unwrap()["status"], "ARCHIVED");
        let kms = sb
            .analyzer_findings()
            .into_iter()
            .find(|f| f["resourceType"] == "AWS::KMS::Key" && f["findingType"] == "InternalAccess")
            .unwrap();
        assert_eq!(
            kms["status"], "ACTIVE",
            "the rule archives only what it matches"
        );
    });
}
