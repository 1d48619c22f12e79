//! Proofs in the preview, end to end on the demo console: a trust-policy change is checked
//! by Access Analyzer (ValidatePolicy, CheckNoNewAccess, CheckNoPublicAccess, an access
//! preview) before it can be approved; the results show one line each, a failed one needs
//! the typed override word, and the journal entry carries the results.

mod common;

use common::analyzer::{MAIN, SEED_ROLE};
use common::*;
use secdeck::app::State;
use secdeck::app::pipeline::Stage;
use secdeck::domain::analyzer::TrustPolicyEdit;
use secdeck::domain::plan::{Change, ChangePlan};
use secdeck::domain::policy::RoleRef;
use secdeck::domain::proofs::{Proofs, Verdict};
use secdeck::journal::{Journal, Phase};
use serde_json::json;

/// The proofs of the previewed plan.
fn proofs(s: &State) -> Proofs {
    match &s.pipeline.stage {
        Stage::Preview { plan, .. } => plan.proofs.clone().expect("the plan has proofs"),
        other => panic!("no preview: {other:?}"),
    }
}

fn verdicts(p: &Proofs) -> Vec<(String, Verdict)> {
    match p {
        Proofs::Done(all) => all.iter().map(|p| (p.check.clone(), p.verdict)).collect(),
        Proofs::Running => panic!("proofs still running"),
    }
}

#[test]
fn a_remediation_whose_proofs_pass_is_shown_approved_written_and_resolved() {
    big_stack(|| async {
        let (mut console, sb) = demo_and_sandbox().await;
        console.state.pipeline.ids = render::fixed_plan_ids();
        open_analyzer_finding(&mut console, SEED_ROLE).await;
        press_until(&mut console, "x", "the proofs", previewing).await;

        let all = proofs(&console.state);
        assert!(
            verdicts(&all).iter().all(|(_, v)| *v == Verdict::Pass),
            "{all:?}"
        );
        let text = preview_text(&console.state);
        assert_contains_all(
            &text,
            &[
                "PASS  ValidatePolicy: no new error or security warning",
                "PASS  CheckNoNewAccess: the new policy grants nothing the current one does not",
                "PASS  CheckNoPublicAccess: no public access",
                "PASS  access preview: the finding would be RESOLVED; no NEW finding (ConsoleAnalyzer-account)",
            ],
        );
        insta::assert_snapshot!("proofs_pass_preview", preview_box(&console.state));
        // The checks are reads sent before approval; the access preview was polled
        // until COMPLETED.
        assert_eq!(count(&sb, "ValidatePolicy"), 2, "current and new document");
        assert_eq!(count(&sb, "CheckNoNewAccess"), 1);
        assert_eq!(count(&sb, "CreateAccessPreview"), 1);
        assert!(
            count(&sb, "GetAccessPreview") >= 2,
            "CREATING, then COMPLETED"
        );
        assert!(mutating_operations(&sb).is_empty(), "nothing written yet");

        press_until(&mut console, "y", "the change", changed).await;
        wait_until(&mut console, "the re-scan", |s| resolved_on(s, SEED_ROLE)).await;
        let entries = Journal::read_all(console.journal()).unwrap();
        let intent = entries.iter().find(|e| e.phase == Phase::Intent).unwrap();
        assert_eq!(
            intent.change.proofs,
            Some(all),
            "the journal has the results"
        );
        assert!(intent.proofs_overridden.is_empty());
    });
}

/// A plan whose document was edited to let another account assume the role (what a
/// hand-edited plan or a bug would make): offered as the undo, previewed with `u`.
fn widening_plan(sb: &secdeck::sandbox::Sandbox) -> ChangePlan {
    let before = sb.role_trust_policy(MAIN, SEED_ROLE).unwrap();
    let mut after: serde_json::Value = serde_json::from_str(&before).unwrap();
    after["Statement"].as_array_mut().unwrap().push(json!({
        "Sid": "Widened", "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "sts:AssumeRole"
    }));
    let edit = TrustPolicyEdit {
        role: RoleRef::parse(&format!("arn:aws:iam::{MAIN}:role/{SEED_ROLE}")).unwrap(),
        finding_id: "0b7e6a34-1c2d-4e5f-8a9b-0c1d2e3f4a5b".into(),
        analyzer_arn: sb.analyzer_arn("ConsoleAnalyzer-account").unwrap(),
        sid: "SecdeckDeny0b7e6a341c2d4e5f8a9b0c1d2e3f4a5b".into(),
        before,
        after: after.to_string(),
        original: None,
        target: None,
        rescan: false,
        assume_role: None,
    };
    ChangePlan::new("widening", Change::TrustPolicyDeny(Box::new(edit)))
}

#[test]
fn an_edited_document_that_widens_access_cannot_be_approved_without_the_typed_override() {
    big_stack(|| async {
        let (mut console, sb) = demo_and_sandbox().await;
        press_until(&mut console, "2", "the analyzer findings", analyzer_loaded).await;
        let plan = widening_plan(&sb);
        let widened = match &plan.change {
            Change::TrustPolicyDeny(e) => e.after.clone(),
            _ => unreachable!(),
        };
        console.state.pipeline.undo = Some(plan);
        press_until(&mut console, "u", "the proofs", previewing).await;
        let text = preview_text(&console.state);
        assert!(
            text.contains("FAIL  CheckNoNewAccess: new access in statement 1 (Sid Widened)"),
            "{text}"
        );
        assert_shows(&console.state, &["proofs failed: type override then"]);

        // In the preview letters type the word: `y` is not an approval.
        press(&mut console, "y<enter>");
        assert!(previewing(&console.state), "y alone does not approve");
        assert_notified(&console.state, "refused: FAIL  CheckNoNewAccess");
        press(&mut console, "overrid<enter>");
        assert!(
            previewing(&console.state),
            "a word that is not the override"
        );
        assert!(mutating_operations(&sb).is_empty(), "nothing written");

        press(&mut console, "override<enter>");
        wait_until(&mut console, "the change", idle).await;
        assert_eq!(sb.role_trust_policy(MAIN, SEED_ROLE).unwrap(), widened);
        let entries = Journal::read_all(console.journal()).unwrap();
        let intent = entries.iter().find(|e| e.phase == Phase::Intent).unwrap();
        assert!(
            intent.proofs_overridden.contains(
                &"FAIL  CheckNoNewAccess: new access in statement 1 (Sid Widened)".to_string()
            ),
            "{:?}",
            intent.proofs_overridden
        );
        assert!(intent.change.proofs_overridden);
    });
}

#[test]
fn an_organization_analyzer_finding_in_a_member_account_has_no_access_preview() {
    big_stack(|| async {
        let (mut console, sb) = demo_and_sandbox().await;
        wait_until(&mut console, "the caller identity", |s| {
            s.session.identity.is_some()
        })
        .await;
        press(&mut console, ":analyzer OrgAnalyzer<enter>");
        wait_until(&mut console, "the org analyzer", |s| {
            analyzer_loaded(s) && s.analyzer.selected.as_deref() == Some("OrgAnalyzer")
        })
        .await;
        select_resource(&mut console, "DataPipelineRole");
        press_until(&mut console, "x", "the proofs", previewing).await;
        let text = preview_text(&console.state);
        assert!(
            text.contains("n/a   access preview: analyzer OrgAnalyzer is ORGANIZATION and no ACTIVE ACCOUNT analyzer covers account 210987654321"),
            "{text}"
        );
        assert_eq!(count(&sb, "CreateAccessPreview"), 0);
        // The other checks ran and passed: not available is no failure, `y` approves.
        let v = verdicts(&proofs(&console.state));
        assert_eq!(v.iter().filter(|(_, v)| *v == Verdict::Pass).count(), 3);
        press_until(&mut console, "y", "the change", changed).await;
    });
}

/// The sandbox's side, through the SDK as secdeck's adapter calls it: AWS's shapes.
#[test]
fn the_sandbox_answers_the_checks_and_previews_in_aws_shapes() {
    use aws_sdk_accessanalyzer::types::{
        AccessCheckPolicyType, AccessPreviewStatus, Configuration, IamRoleConfiguration,
        PathElement, PolicyType, ValidatePolicyResourceType,
    };
    big_stack(|| async {
        let env = TestEnv::demo().await;
        let aa = env.clients().accessanalyzer;
        let current = env.role_trust_policy(MAIN, SEED_ROLE).unwrap();
        let bad = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":["sts:AssumeRole","sts:BecomeRoot"]}]}"#;
        let v = aa
            .validate_policy()
            .policy_document(bad)
            .policy_type(PolicyType::ResourcePolicy)
            .validate_policy_resource_type(ValidatePolicyResourceType::RoleTrust)
            .send()
            .await
            .unwrap();
        let f = &v.findings()[0];
        assert_eq!(
            (f.finding_type().as_str(), f.issue_code()),
            ("ERROR", "INVALID_ACTION")
        );
        let at = &f.locations()[0];
        assert_eq!(at.path()[3], PathElement::Index(1));
        let span = at.span().unwrap();
        let (start, end) = (
            span.start().unwrap().offset() as usize,
            span.end().unwrap().offset() as usize,
        );
        assert_eq!(&bad[start..end], "\"sts:BecomeRoot\"");

        let widened = widening_plan(&env);
        let Change::TrustPolicyDeny(edit) = &widened.change else {
            unreachable!()
        };
        let answer = aa
            .check_no_new_access()
            .existing_policy_document(&current)
            .new_policy_document(&edit.after)
            .policy_type(AccessCheckPolicyType::ResourcePolicy)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.result().unwrap().as_str(), "FAIL");
        let reason = &answer.reasons()[0];
        assert_eq!(
            (reason.statement_index(), reason.statement_id()),
            (Some(1), Some("Widened"))
        );

        let config = || {
            Configuration::IamRole(
                IamRoleConfiguration::builder()
                    .trust_policy(&current)
                    .build(),
            )
        };
        let role = format!("arn:aws:iam::{MAIN}:role/{SEED_ROLE}");
        let refused = aa
            .create_access_preview()
            .analyzer_arn(env.analyzer_arn("OrgAnalyzer").unwrap())
            .configurations(&role, config())
            .send()
            .await
            .unwrap_err();
        let e = refused.as_service_error().unwrap();
        assert!(e.is_validation_exception(), "{e:?}");

        let analyzer = env.analyzer_arn("ConsoleAnalyzer-account").unwrap();
        let id = aa
            .create_access_preview()
            .analyzer_arn(&analyzer)
            .configurations(&role, config())
            .send()
            .await
            .unwrap()
            .id()
            .to_string();
        let status = || async {
            let p = aa
                .get_access_preview()
                .analyzer_arn(&analyzer)
                .access_preview_id(&id)
                .send()
                .await
                .unwrap();
            p.access_preview().unwrap().status().clone()
        };
        assert_eq!(status().await, AccessPreviewStatus::Creating);
        let preview_findings = || {
            aa.list_access_preview_findings()
                .analyzer_arn(&analyzer)
                .access_preview_id(&id)
                .send()
        };
        let early = preview_findings().await.unwrap_err();
        assert!(early.as_service_error().unwrap().is_conflict_exception());
        assert_eq!(status().await, AccessPreviewStatus::Completed);
        let found = preview_findings().await.unwrap();
        // The same trust policy: the seed finding is UNCHANGED and still ACTIVE.
        let f = &found.findings()[0];
        assert_eq!(
            (f.change_type().as_str(), f.status().as_str()),
            ("UNCHANGED", "ACTIVE")
        );
        assert!(f.existing_finding_id().is_some());
    });
}
