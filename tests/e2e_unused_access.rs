//! Unused- and internal-access analyzers: the sandbox's findings and recommendations
//! through the SDK (details in the model's shapes, IN_PROGRESS then SUCCEEDED, refusals),
//! then end to end in the Access Analyzer pane of the demo console driven by keys: the
//! recommendation for an unused-permission finding generated, previewed, applied and undone
//! (IAM state in the sandbox after each, the journal, the requests sent); an
//! internal-access finding archived and an archive rule made from one.

mod common;

use common::analyzer::finding_id;
use common::model::ServiceModel;
use common::sdk::refusal_code;
use common::*;
use secdeck::app::State;
use secdeck::app::pipeline::Stage;
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

/// Every Access Analyzer request the console sent (among them `op`) fits AWS's model; the
/// IAM side is checked against moto in conformance_iam.rs.
fn sent_fits_the_model(sb: &secdeck::sandbox::Sandbox, op: &str) {
    let seen =
        ServiceModel::load("accessanalyzer").check_recorded("access-analyzer", &sb.requests());
    assert!(seen.iter().any(|s| s == op), "{op} not sent: {seen:?}");
}

#[test]
fn an_unused_permission_recommendation_is_previewed_applied_and_undone() {
    big_stack(|| async {
        let (mut console, sb) = demo_and_sandbox().await;
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
        sent_fits_the_model(&sb, "GenerateFindingRecommendation");
    });
}

#[test]
fn an_internal_access_finding_is_listed_archived_and_ruled() {
    big_stack(|| async {
        let (mut console, sb) = demo_and_sandbox().await;
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
        let id = archive_selected(&mut console, "read by the org's ETL, SEC-7").await;
        assert_eq!(sb.analyzer_finding(&id).unwrap()["status"], "ARCHIVED");
        wait_until(&mut console, "the reload", analyzer_loaded).await;

        // Archive similar: a rule on the support tool's principal archives its finding.
        select_resource(&mut console, "table/customer-profiles");
        let table = selected_id(&console);
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
        sent_fits_the_model(&sb, "CreateArchiveRule");
    });
}

/// GetFindingV2 through the SDK for analyzer `name`'s finding on the resource ending with `suffix`.
async fn finding_v2(
    env: &TestEnv,
    name: &str,
    suffix: &str,
) -> aws_sdk_accessanalyzer::operation::get_finding_v2::GetFindingV2Output {
    let (id, arn) = finding_id(&env.sandbox, name, suffix);
    let aa = env.clients().accessanalyzer;
    aa.get_finding_v2()
        .analyzer_arn(&arn)
        .id(&id)
        .send()
        .await
        .unwrap()
}

#[test]
fn unused_and_internal_findings_carry_their_details_in_the_model_shapes() {
    common::big_stack(|| async {
        use aws_sdk_accessanalyzer::types::{
            FindingDetails, FindingType, InternalAccessType, PrincipalType,
        };
        let env = TestEnv::demo().await;
        let aa = env.clients().accessanalyzer;
        let f = finding_v2(&env, "UnusedAccess-90d", "role/ec2-instance-role").await;
        assert_eq!(f.finding_type(), Some(&FindingType::UnusedPermission));
        // One unusedPermissionDetails per service namespace.
        let services: Vec<(&str, usize)> = f
            .finding_details()
            .iter()
            .map(|d| match d {
                FindingDetails::UnusedPermissionDetails(x) => {
                    (x.service_namespace(), x.actions().len())
                }
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(services, [("s3", 2), ("dynamodb", 0)]);

        let f = finding_v2(&env, "UnusedAccess-90d", "user/build-bot").await;
        let FindingDetails::UnusedIamUserAccessKeyDetails(k) = &f.finding_details()[0] else {
            panic!()
        };
        assert_eq!(k.access_key_id(), "AKIAIOSFODNN7EXAMPLE");
        assert!(k.last_accessed().is_some());

        let f = finding_v2(&env, "InternalAccess-org", ":::payroll-exports").await;
        assert_eq!(f.finding_type(), Some(&FindingType::InternalAccess));
        let FindingDetails::InternalAccessDetails(d) = &f.finding_details()[0] else {
            panic!()
        };
        assert_eq!(d.access_type(), Some(&InternalAccessType::IntraOrg));
        assert_eq!(d.principal_type(), Some(&PrincipalType::IamRole));
        assert_eq!(d.principal_owner_account(), Some("210987654321"));
        assert_eq!(d.action(), ["s3:GetObject", "s3:ListBucket"]);
        // ListFindingsV2 lists internal access findings.
        let arn = env.sandbox.analyzer_arn("InternalAccess-org").unwrap();
        let v2 = aa
            .list_findings_v2()
            .analyzer_arn(&arn)
            .send()
            .await
            .unwrap();
        assert_eq!(v2.findings().len(), 3);
    });
}

#[test]
fn a_recommendation_is_in_progress_then_lists_its_steps_and_refuses_what_aws_refuses() {
    common::big_stack(|| async {
        use aws_sdk_accessanalyzer::types::{
            RecommendedRemediationAction, RecommendedStep, Status,
        };
        let env = TestEnv::demo().await;
        let aa = env.clients().accessanalyzer;
        let (id, arn) = finding_id(&env.sandbox, "UnusedAccess-90d", "role/ec2-instance-role");
        // Not generated yet: ResourceNotFoundException.
        assert_eq!(
            refusal_code(
                aa.get_finding_recommendation()
                    .analyzer_arn(&arn)
                    .id(&id)
                    .send()
            )
            .await,
            "ResourceNotFoundException"
        );
        aa.generate_finding_recommendation()
            .analyzer_arn(&arn)
            .id(&id)
            .send()
            .await
            .unwrap();
        let get = || {
            aa.get_finding_recommendation()
                .analyzer_arn(&arn)
                .id(&id)
                .send()
        };
        let first = get().await.unwrap();
        assert_eq!(first.status(), &Status::InProgress);
        assert!(first.recommended_steps().is_empty() && first.completed_at().is_none());
        let done = get().await.unwrap();
        assert_eq!(done.status(), &Status::Succeeded);
        assert_eq!(
            done.resource_arn(),
            "arn:aws:iam::123456789012:role/ec2-instance-role"
        );
        let steps: Vec<(RecommendedRemediationAction, String, bool)> = done
            .recommended_steps()
            .iter()
            .map(|s| {
                let RecommendedStep::UnusedPermissionsRecommendedStep(s) = s else {
                    panic!("{s:?}")
                };
                (
                    s.recommended_action().clone(),
                    s.existing_policy_id().unwrap().to_string(),
                    s.recommended_policy().is_some(),
                )
            })
            .collect();
        assert_eq!(
            steps,
            [
                (
                    RecommendedRemediationAction::CreatePolicy,
                    "arn:aws:iam::123456789012:policy/ec2-app-s3".into(),
                    true
                ),
                (
                    RecommendedRemediationAction::DetachPolicy,
                    "arn:aws:iam::123456789012:policy/ec2-app-dynamodb".into(),
                    false
                ),
                (
                    RecommendedRemediationAction::DetachPolicy,
                    "legacy-bucket-admin".into(),
                    false
                ),
            ]
        );
        // Only UnusedPermission findings get recommendations.
        let (role_id, _) = finding_id(&env.sandbox, "UnusedAccess-90d", "role/old-migration-role");
        assert_eq!(
            refusal_code(
                aa.generate_finding_recommendation()
                    .analyzer_arn(&arn)
                    .id(&role_id)
                    .send()
            )
            .await,
            "ValidationException"
        );
    });
}
