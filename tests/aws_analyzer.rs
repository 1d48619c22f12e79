//! Access Analyzer remediation end to end through the mutation executor against the
//! in-process sandbox: the seed scenario remediated (Deny with a valid Sid, journal intent
//! and outcome, re-scan RESOLVED), rolled back to the exact original document, a
//! concurrent edit refused and re-planned, archive / unarchive, and archive rules.

mod common;

use common::analyzer::*;
use common::*;
use secdeck::aws::accessanalyzer;
use secdeck::domain::analyzer::{
    AccessFinding, ArchiveRuleChange, FindingsStatusChange, Remediation, criteria_match,
    plan_remediation, replan, similar_criteria,
};
use secdeck::domain::plan::{Change, ChangePlan};
use secdeck::domain::policy::{PolicyDocument, finding_id_from_sid};
use secdeck::journal::{Journal, Phase};
use secdeck::sandbox::Sandbox;
use secdeck::tasks::MutationExecutor;
use secdeck::tasks::analyzer::POLICY_CHANGED;

const ROLE: &str = SEED_ROLE;

/// The seed scenario's finding.
/// An empty sandbox (no findings but the analyzer world), its clients and an executor.
async fn world() -> (TestEnv, secdeck::aws::AwsClients, MutationExecutor) {
    let sb = TestEnv::findings(Vec::new()).await;
    let (c, ex) = (sb.clients(), sb.executor());
    (sb, c, ex)
}

async fn seed_finding(sb: &Sandbox, c: &secdeck::aws::AwsClients) -> AccessFinding {
    access_finding(sb, c, "ConsoleAnalyzer-account", ROLE).await
}

fn deny_plan(f: &AccessFinding, current: &str) -> ChangePlan {
    match plan_remediation(f, current, 2048, true).unwrap() {
        Remediation::Edit(e) => ChangePlan::new("plan-deny", Change::TrustPolicyDeny(e)),
        other => panic!("expected an edit, got {other:?}"),
    }
}

#[test]
fn remediate_the_seed_scenario_then_roll_back_exactly() {
    big_stack(|| async {
        let (sb, c, ex) = world().await;
        let f = seed_finding(&sb, &c).await;
        assert_eq!(
            f.principal,
            vec![(
                "AWS".to_string(),
                "arn:aws:iam::999988887777:user/Alice".to_string()
            )]
        );
        let original = sb.role_trust_policy(MAIN, ROLE).unwrap();
        let plan = deny_plan(&f, &original);

        let undo = execute_ok(&ex, plan.clone()).await;
        let now = PolicyDocument::parse(&sb.role_trust_policy(MAIN, ROLE).unwrap()).unwrap();
        let deny = now.statements()[1].clone();
        let sid = deny["Sid"].as_str().unwrap();
        assert!(sid.bytes().all(|b| b.is_ascii_alphanumeric()), "{sid}");
        assert_eq!(finding_id_from_sid(sid).unwrap(), f.id);
        assert_eq!(deny["Effect"], "Deny");
        assert_eq!(
            deny["Principal"]["AWS"],
            "arn:aws:iam::999988887777:user/Alice"
        );
        // The re-scan ran: the finding is RESOLVED.
        assert_eq!(sb.analyzer_finding(&f.id).unwrap()["status"], "RESOLVED");
        let entries = Journal::read_all(&sb.journal).unwrap();
        let phases: Vec<_> = entries.iter().map(|e| e.phase).collect();
        assert_eq!(phases, [Phase::Intent, Phase::Outcome]);
        let role_arn = format!("arn:aws:iam::{MAIN}:role/{ROLE}");
        assert_eq!(entries[0].after[&role_arn]["sid"], sid);
        assert_eq!(entries[0].after[&role_arn]["finding_id"], f.id.as_str());
        assert_eq!(entries[0].operation, "iam:UpdateAssumeRolePolicy");

        // Running twice plans nothing.
        let current = sb.role_trust_policy(MAIN, ROLE).unwrap();
        let mut again = f.clone();
        again.status = "ACTIVE".into();
        assert!(matches!(
            plan_remediation(&again, &current, 2048, true).unwrap(),
            Remediation::AlreadyApplied { .. }
        ));

        // Rollback (the executor's undo plan) restores the original text byte for byte.
        let undo = undo.expect("a trust policy Deny can be rolled back");
        assert!(matches!(undo.change, Change::TrustPolicyRollback(_)));
        assert!(
            undo.preview()
                .iter()
                .any(|l| l.text.starts_with('-') && l.text.contains(sid))
        );
        execute_ok(&ex, undo).await;
        assert_eq!(sb.role_trust_policy(MAIN, ROLE).unwrap(), original);
        assert_eq!(sb.analyzer_finding(&f.id).unwrap()["status"], "ACTIVE");
    });
}

#[test]
fn a_concurrent_change_is_not_overwritten_and_replans() {
    big_stack(|| async {
        let (sb, c, ex) = world().await;
        let f = seed_finding(&sb, &c).await;
        let original = sb.role_trust_policy(MAIN, ROLE).unwrap();
        let plan = deny_plan(&f, &original);
        // A colleague adds a statement between preview and approval.
        let mut v: serde_json::Value = serde_json::from_str(&original).unwrap();
        v["Statement"].as_array_mut().unwrap().push(serde_json::json!({
            "Sid": "Colleague", "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"
        }));
        let theirs = v.to_string();
        assert!(sb.set_role_trust_policy(MAIN, ROLE, &theirs));

        let (outcome, undo) = ex.execute(plan.clone()).await;
        assert_eq!(outcome.failed.len(), 1, "{outcome:?}");
        assert_eq!(outcome.failed[0].code, POLICY_CHANGED);
        assert!(undo.is_none());
        assert_eq!(
            sb.role_trust_policy(MAIN, ROLE).unwrap(),
            theirs,
            "not overwritten"
        );
        assert!(
            !sb.requests()
                .iter()
                .any(|r| r.operation == "UpdateAssumeRolePolicy")
        );

        // The re-plan keeps the colleague's statement and adds ours.
        let Change::TrustPolicyDeny(edit) = &plan.change else {
            unreachable!()
        };
        let new_edit = replan(edit, false, &theirs, 2048).unwrap().unwrap();
        let replanned = ChangePlan::new("plan-2", Change::TrustPolicyDeny(Box::new(new_edit)));
        let Change::TrustPolicyDeny(e) = &replanned.change else {
            unreachable!()
        };
        assert_eq!(e.before, theirs, "the new diff starts from their document");
        assert!(
            replanned
                .preview()
                .iter()
                .any(|l| l.text.starts_with('+') && l.text.contains(&e.sid))
        );
        execute_ok(&ex, replanned).await;
        let doc = PolicyDocument::parse(&sb.role_trust_policy(MAIN, ROLE).unwrap()).unwrap();
        let sids: Vec<_> = doc
            .statements()
            .iter()
            .map(|s| s.get("Sid").and_then(|v| v.as_str()).map(str::to_string))
            .collect();
        assert_eq!(sids.len(), 3);
        assert_eq!(sids[1].as_deref(), Some("Colleague"));
    });
}

#[test]
fn findings_on_other_resources_are_refused_with_the_reason() {
    big_stack(|| async {
        let sb = TestEnv::findings(Vec::new()).await;
        let c = sb.clients();
        let f = access_finding(&sb, &c, "ConsoleAnalyzer-account", "arn:aws:s3:::my-bucket").await;
        let err = plan_remediation(&f, "{}", 2048, false).unwrap_err();
        assert!(err.contains("IAM roles only"), "{err}");
    });
}

#[test]
fn archive_and_unarchive_with_a_reason_and_undo() {
    big_stack(|| async {
        let (sb, c, ex) = world().await;
        let f = seed_finding(&sb, &c).await;
        let plan = ChangePlan::new(
            "a1",
            Change::FindingsArchive(Box::new(FindingsStatusChange {
                analyzer_arn: f.analyzer_arn.clone(),
                ids: vec![f.id.clone()],
                labels: vec![ROLE.into()],
                reason: "auditor access approved until Q1".into(),
            })),
        );
        let undo = execute_ok(&ex, plan).await;
        assert_eq!(sb.analyzer_finding(&f.id).unwrap()["status"], "ARCHIVED");
        let entries = Journal::read_all(&sb.journal).unwrap();
        assert_eq!(
            entries[0].after[&f.id]["reason"],
            "auditor access approved until Q1"
        );
        execute_ok(&ex, undo.unwrap()).await;
        assert_eq!(sb.analyzer_finding(&f.id).unwrap()["status"], "ACTIVE");
    });
}

#[test]
fn archive_similar_creates_and_applies_a_rule_that_archives_matching_findings_only() {
    big_stack(|| async {
        let (sb, c, ex) = world().await;
        let f = access_finding(&sb, &c, "ConsoleAnalyzer-account", "arn:aws:s3:::my-bucket").await;
        let analyzer = sb.analyzer_arn("ConsoleAnalyzer-account").unwrap();
        let criteria = similar_criteria(&f);
        assert_eq!(
            criteria[0],
            (
                "resourceType".to_string(),
                vec!["AWS::S3::Bucket".to_string()]
            )
        );
        // How many current findings it would match (the preview's count).
        let mut all = Vec::new();
        let mut token = None;
        loop {
            let (page, next) =
                accessanalyzer::list_findings_page(&c.accessanalyzer, &analyzer, token, 7)
                    .await
                    .unwrap();
            for s in page {
                all.push(
                    accessanalyzer::get_finding(&c.accessanalyzer, &analyzer, &s.id)
                        .await
                        .unwrap(),
                );
            }
            token = next;
            if token.is_none() {
                break;
            }
        }
        let matching: Vec<&AccessFinding> = all
            .iter()
            .filter(|x| x.status == "ACTIVE" && criteria_match(x, &criteria))
            .collect();
        assert_eq!(matching.len(), 1);
        let before = sb.analyzer_findings();
        let plan = ChangePlan::new(
            "r1",
            Change::ArchiveRuleCreate(Box::new(ArchiveRuleChange {
                analyzer_name: "ConsoleAnalyzer-account".into(),
                analyzer_arn: analyzer.clone(),
                rule_name: "Similar-my-bucket".into(),
                criteria,
                apply: true,
                matching_now: matching.len(),
            })),
        );
        assert!(
            plan.preview()
                .iter()
                .any(|l| l.text.contains("archives the 1 ACTIVE finding(s)"))
        );
        let undo = execute_ok(&ex, plan).await;
        let after = sb.analyzer_findings();
        let changed: Vec<_> = after.iter().filter(|x| !before.contains(x)).collect();
        assert_eq!(changed.len(), 1);
        assert_eq!(changed[0]["id"], f.id.as_str());
        assert_eq!(changed[0]["status"], "ARCHIVED");
        // Undo deletes the rule.
        let undo = undo.unwrap();
        assert!(matches!(undo.change, Change::ArchiveRuleDelete(_)));
        execute_ok(&ex, undo).await;
        let rules =
            accessanalyzer::list_archive_rules(&c.accessanalyzer, "ConsoleAnalyzer-account")
                .await
                .unwrap();
        assert!(!rules.iter().any(|(n, _)| n == "Similar-my-bucket"));
    });
}

#[test]
fn a_member_account_role_is_remediated_through_an_assumed_role() {
    big_stack(|| async {
        let (sb, c, ex) = world().await;
        let f = access_finding(&sb, &c, "OrgAnalyzer", "DataPipelineRole").await;
        // The session's own account has no such role.
        assert!(
            secdeck::aws::iam::get_trust_policy(&c.iam, "DataPipelineRole")
                .await
                .is_err()
        );
        let assume = secdeck::domain::analyzer::assume_role_for(MEMBER, Some(MAIN));
        let member_iam = secdeck::aws::iam::client_for(&c, assume.as_deref())
            .await
            .unwrap();
        let original = secdeck::aws::iam::get_trust_policy(&member_iam, "DataPipelineRole")
            .await
            .unwrap();
        let Remediation::Edit(mut edit) = plan_remediation(&f, &original, 2048, true).unwrap()
        else {
            panic!("expected an edit")
        };
        edit.assume_role = assume.clone();
        let plan = ChangePlan::new("x1", Change::TrustPolicyDeny(edit));
        assert!(
            plan.preview()
                .iter()
                .any(|l| l.text.contains("OrganizationAccountAccessRole"))
        );
        execute_ok(&ex, plan).await;
        let now = PolicyDocument::parse(&sb.role_trust_policy(MEMBER, "DataPipelineRole").unwrap())
            .unwrap();
        assert_eq!(now.statements().len(), 2);
        assert_eq!(sb.analyzer_finding(&f.id).unwrap()["status"], "RESOLVED");
        let entries = Journal::read_all(&sb.journal).unwrap();
        let role_arn = format!("arn:aws:iam::{MEMBER}:role/DataPipelineRole");
        assert_eq!(
            entries[0].after[&role_arn]["assumed_role"],
            assume.unwrap().as_str()
        );
    });
}

#[test]
fn a_missing_or_refused_assumed_role_changes_nothing_and_names_account_and_role() {
    big_stack(|| async {
        let (sb, c, ex) = world().await;
        let f = access_finding(&sb, &c, "OrgAnalyzer", "DataPipelineRole").await;
        let original = sb.role_trust_policy(MEMBER, "DataPipelineRole").unwrap();
        let Remediation::Edit(mut edit) = plan_remediation(&f, &original, 2048, true).unwrap()
        else {
            panic!("expected an edit")
        };
        // A role that does not exist, then one that exists but does not trust the caller.
        for role in [
            format!("arn:aws:iam::{MEMBER}:role/NoSuchAdminRole"),
            format!("arn:aws:iam::{MEMBER}:role/DataPipelineRole"),
        ] {
            edit.assume_role = Some(role.clone());
            let (outcome, _) = ex
                .execute(ChangePlan::new("x2", Change::TrustPolicyDeny(edit.clone())))
                .await;
            assert_eq!(outcome.failed.len(), 1, "{outcome:?}");
            let failure = &outcome.failed[0];
            assert_eq!(failure.code, "AssumeRoleFailed");
            assert!(
                failure.message.contains(&role) && failure.message.contains(MEMBER),
                "{}",
                failure.message
            );
            assert!(
                failure.message.contains("AccessDenied"),
                "{}",
                failure.message
            );
        }
        assert_eq!(
            sb.role_trust_policy(MEMBER, "DataPipelineRole").unwrap(),
            original
        );
        assert!(
            !sb.requests()
                .iter()
                .any(|r| r.operation == "UpdateAssumeRolePolicy")
        );
    });
}
