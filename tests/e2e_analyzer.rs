//! End to end on the Access Analyzer pane: the demo console driven by keys, checked on the
//! screen, the sandbox's IAM / Access Analyzer state, the journal and the requests sent.

mod common;

use common::*;
use secdeck::app::State;
use secdeck::app::pipeline::Stage;
use secdeck::config::AccessFlag;
use secdeck::domain::plan::Change;
use secdeck::domain::policy::PolicyDocument;
use secdeck::journal::{Journal, Phase};
use secdeck::runtime::ConsoleParts;

const MAIN: &str = "123456789012";
const ROLE: &str = "Audit_CrossAccountRole";

/// Picks the organization analyzer once the caller's identity is known.
async fn open_org_analyzer(console: &mut ConsoleEnv) {
    select_analyzer(console, "OrgAnalyzer").await;
}

#[test]
fn remediate_the_seed_scenario_from_the_keyboard_then_undo_restores_it() {
    big_stack(|| async {
        let (mut console, sb) = demo_and_sandbox().await;
        let original = sb.role_trust_policy(MAIN, ROLE).unwrap();
        press_until(&mut console, "2", "the analyzer findings", analyzer_loaded).await;
        let table = screen(&console.state);
        assert!(table.contains("ConsoleAnalyzer-account"), "{table}");
        assert!(
            table.contains("zone of trust: account 123456789012"),
            "{table}"
        );

        select_resource(&mut console, ROLE);
        press_until(&mut console, "<enter>", "the trust policy", |s| {
            s.analyzer
                .detail
                .as_ref()
                .is_some_and(|d| d.policy.is_some())
        })
        .await;
        let detail = screen(&console.state);
        assert!(
            detail.contains("▌"),
            "the granting statement is highlighted: {detail}"
        );
        assert!(detail.contains("user/Alice"), "{detail}");

        press_until(&mut console, "x", "the remediation preview", previewing).await;
        assert_shows(
            &console.state,
            &[
                "Deny external access to role Audit_CrossAccountRole",
                "SecdeckDeny",
            ],
        );
        press_until(&mut console, "y", "the change to finish", changed).await;

        let doc = PolicyDocument::parse(&sb.role_trust_policy(MAIN, ROLE).unwrap()).unwrap();
        assert_eq!(doc.statements().len(), 2);
        assert_eq!(doc.statements()[1]["Effect"], "Deny");
        let entries = Journal::read_all(console.journal()).unwrap();
        assert_eq!(
            entries.iter().map(|e| e.phase).collect::<Vec<_>>(),
            [Phase::Intent, Phase::Outcome]
        );
        // The re-scan turned the finding RESOLVED; the reloaded table shows it.
        wait_until(&mut console, "the reload", analyzer_loaded).await;
        let rows = &console.state.analyzer.findings;
        let f = rows.iter().find(|f| f.resource.ends_with(ROLE)).unwrap();
        assert_eq!(f.status, "RESOLVED");

        // Undo = the rollback, previewed and approved: the original text comes back exactly.
        press_until(&mut console, "u", "the rollback's preview", previewing).await;
        assert!(
            matches!(&console.state.pipeline.stage, Stage::Preview { plan, .. } if matches!(plan.change, Change::TrustPolicyRollback(_)))
        );
        press(&mut console, "y");
        // Done when what can be undone is the Deny again.
        let undoes_deny = |s: &State| {
            let undo = s.pipeline.undo.as_ref();
            undo.is_some_and(|u| matches!(u.change, Change::TrustPolicyDeny(_)))
        };
        wait_until(&mut console, "the rollback", |s| idle(s) && undoes_deny(s)).await;
        assert_eq!(sb.role_trust_policy(MAIN, ROLE).unwrap(), original);
    });
}

#[test]
fn a_colleagues_edit_between_preview_and_approval_shows_a_new_diff() {
    big_stack(|| async {
        let (mut console, sb) = demo_and_sandbox().await;
        open_analyzer_finding(&mut console, ROLE).await;
        press_until(&mut console, "x", "the preview", previewing).await;
        let mut v: serde_json::Value =
            serde_json::from_str(&sb.role_trust_policy(MAIN, ROLE).unwrap()).unwrap();
        v["Statement"].as_array_mut().unwrap().push(serde_json::json!({
            "Sid": "Colleague", "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"
        }));
        let theirs = v.to_string();
        sb.set_role_trust_policy(MAIN, ROLE, &theirs);
        press_until(&mut console, "y", "the re-planned preview", |s| {
            match &s.pipeline.stage {
                Stage::Preview { plan, .. } => {
                    matches!(&plan.change, Change::TrustPolicyDeny(e) if e.before == theirs)
                }
                _ => false,
            }
        })
        .await;
        assert_eq!(
            sb.role_trust_policy(MAIN, ROLE).unwrap(),
            theirs,
            "nothing was overwritten"
        );
        assert_shows(&console.state, &["changed since the preview"]);
    });
}

#[test]
fn archive_needs_a_reason_and_other_resources_explain_remediation() {
    big_stack(|| async {
        let (mut console, sb) = demo_and_sandbox().await;
        open_analyzer_finding(&mut console, ":::my-bucket").await;
        press(&mut console, "x");
        assert_shows(&console.state, &["IAM roles only"]);
        let id = selected_id(&console);
        // `a` opens the command line for the reason; an empty reason is refused.
        press(&mut console, "a<enter>");
        assert!(idle(&console.state));
        assert_eq!(
            archive_selected(&mut console, "partner bucket, ticket SEC-42").await,
            id
        );
        assert_eq!(sb.analyzer_finding(&id).unwrap()["status"], "ARCHIVED");
        let entries = Journal::read_all(console.journal()).unwrap();
        assert_eq!(
            entries[1].after[&id]["reason"],
            "partner bucket, ticket SEC-42"
        );
    });
}

#[test]
fn read_only_session_cannot_reach_any_analyzer_change() {
    big_stack(|| async {
        let mut console = demo_console(AccessFlag::ReadOnly).await;
        open_analyzer_finding(&mut console, ROLE).await;
        press(&mut console, "x");
        press(&mut console, "X");
        press(&mut console, "<space>a");
        press(&mut console, "As");
        press(&mut console, ":archive because<enter>");
        press(&mut console, ":archive-similar R1<enter>");
        press(&mut console, ":delete-rule CiDeployVendor<enter>");
        press(&mut console, "yu");
        // The rule editor never opens; the journal view opens, but X there is refused.
        press(&mut console, "zjdy");
        assert!(console.state.analyzer.rule_editor.is_none());
        press(&mut console, ":journal<enter>Xy");
        drain(&mut console).await;
        assert!(idle(&console.state));
        assert_nothing_sent(&mut console).await;
    });
}

#[test]
fn pick_another_analyzer_by_command_and_list_rules() {
    big_stack(|| async {
        let mut console = demo_console(AccessFlag::Unset).await;
        select_analyzer(&mut console, "OrgAnalyzer").await;
        let text = screen(&console.state);
        assert!(text.contains("ORGANIZATION"), "{text}");
        assert!(
            text.contains("DataPipelineRole"),
            "member-account role: {text}"
        );
        assert!(
            !text.contains("OrgAdminFromSecurity"),
            "inside the organization: {text}"
        );
        press(&mut console, ":analyzer ConsoleAnalyzer-account<enter>");
        press_until(&mut console, ":rules<enter>", "the rules", |s| {
            !s.analyzer.rules.is_empty()
        })
        .await;
        assert_shows(&console.state, &["CiDeployVendor"]);
    });
}

#[test]
fn a_configured_cross_account_role_that_does_not_exist_is_a_clear_error_and_changes_nothing() {
    big_stack(|| async {
        let (mut console, sb) = demo_and_sandbox().await;
        // As `[cross_account.roles] "210987654321" = "SecdeckRemediation"` in the config.
        console
            .state
            .cross_account
            .by_account
            .insert("210987654321".into(), "SecdeckRemediation".into());
        let before = sb.role_trust_policy("210987654321", "DataPipelineRole");
        open_org_analyzer(&mut console).await;
        select_resource(&mut console, "DataPipelineRole");
        press(&mut console, "x");
        // The configured role is used to read the policy; it does not exist, so the read
        // fails with the account and role named, and no preview (or change) happens.
        wait_until(&mut console, "the error", |s| {
            s.notifications.iter().any(|n| {
                n.message.contains("210987654321") && n.message.contains("SecdeckRemediation")
            })
        })
        .await;
        assert!(!previewing(&console.state));
        assert!(
            sb.requests()
                .iter()
                .all(|r| r.operation != "UpdateAssumeRolePolicy"),
            "nothing written"
        );
        assert_eq!(
            sb.role_trust_policy("210987654321", "DataPipelineRole"),
            before
        );
    });
}

#[test]
fn an_organization_finding_is_remediated_in_the_member_account_through_an_assumed_role() {
    big_stack(|| async {
        let (mut console, sb) = demo_and_sandbox().await;
        open_org_analyzer(&mut console).await;
        select_resource(&mut console, "DataPipelineRole");
        press_until(&mut console, "x", "the preview", previewing).await;
        assert_shows(
            &console.state,
            &["as arn:aws:iam::210987654321:role/OrganizationAccountAccessRole"],
        );
        press_until(&mut console, "y", "the change", changed).await;
        let doc = PolicyDocument::parse(
            &sb.role_trust_policy("210987654321", "DataPipelineRole")
                .unwrap(),
        )
        .unwrap();
        assert_eq!(doc.statements().len(), 2);
    });
}

#[test]
fn archive_similar_from_the_keyboard_archives_only_matching_findings() {
    big_stack(|| async {
        let (mut console, sb) = demo_and_sandbox().await;
        let before = sb.analyzer_findings();
        open_analyzer_finding(&mut console, ":::my-bucket").await;
        // The editor opens prefilled; `y` there shows the preview, `y` again approves.
        press(&mut console, "z");
        assert_shows(&console.state, &["matches 1 current ACTIVE finding(s)"]);
        press(&mut console, "y");
        assert_shows(
            &console.state,
            &[
                "principal.AWS = 999988887777",
                "archives the 1 ACTIVE finding(s)",
            ],
        );
        press_until(&mut console, "y", "the rule", changed).await;
        let changed: Vec<_> = sb
            .analyzer_findings()
            .into_iter()
            .filter(|f| !before.contains(f))
            .collect();
        assert_eq!(changed.len(), 1, "{changed:?}");
        assert_eq!(changed[0]["resource"], "arn:aws:s3:::my-bucket");
        assert_eq!(changed[0]["status"], "ARCHIVED");
    });
}

/// A demo console journaling to `journal` whose choices are kept in `state_file`.
async fn console_remembering(
    journal: &std::path::Path,
    state_file: &std::path::Path,
) -> ConsoleEnv {
    TestEnv::demo()
        .await
        .console_with(AccessFlag::Unset, |parts: &mut ConsoleParts| {
            parts.journal_path = journal.to_path_buf();
            parts.state_file = Some(state_file.to_path_buf());
        })
        .await
}

#[test]
fn the_analyzer_picked_in_one_session_is_selected_in_the_next() {
    big_stack(|| async {
        let dir = tempfile::tempdir().unwrap();
        let (journal, state) = (dir.path().join("j.jsonl"), dir.path().join("s/state.json"));
        {
            let mut console = console_remembering(&journal, &state).await;
            press_until(&mut console, "2", "the default analyzer", analyzer_loaded).await;
            assert_eq!(
                console.state.analyzer.selected.as_deref(),
                Some("ConsoleAnalyzer-account")
            );
            press(&mut console, ":analyzer OrgAnalyzer<enter>");
        }
        let saved = std::fs::read_to_string(&state).unwrap();
        assert!(
            saved.contains("\"demo|123456789012|us-east-1\": \"OrgAnalyzer\""),
            "{saved}"
        );
        let mut console = console_remembering(&journal, &state).await;
        press_until(
            &mut console,
            "2",
            "the remembered analyzer",
            analyzer_loaded,
        )
        .await;
        assert_eq!(
            console.state.analyzer.selected.as_deref(),
            Some("OrgAnalyzer")
        );

        // A corrupt state file is reported and ignored: the session starts as usual.
        std::fs::write(&state, "{\"analyzers\": [").unwrap();
        let mut console = console_remembering(&journal, &state).await;
        press_until(&mut console, "2", "the default analyzer", analyzer_loaded).await;
        assert_eq!(
            console.state.analyzer.selected.as_deref(),
            Some("ConsoleAnalyzer-account")
        );
        assert_shows(&console.state, &["not a secdeck state file"]);
    });
}

#[test]
fn an_edited_archive_similar_rule_is_the_one_created_and_archives_what_it_now_matches() {
    big_stack(|| async {
        let (mut console, sb) = demo_and_sandbox().await;
        let before = sb.analyzer_findings();
        open_analyzer_finding(&mut console, ":::my-bucket").await;
        press(&mut console, "z");
        // Rows: name, resourceType, principal.AWS, resourceOwnerAccount, apply.
        // Drop the principal: any external principal on a bucket of this account.
        press(&mut console, "jd");
        let text = screen(&console.state);
        assert!(!text.contains("principal.AWS"), "{text}");
        assert!(
            text.contains("matches 3 current ACTIVE finding(s)"),
            "{text}"
        );
        // Widen the resource type to a list: buckets and queues.
        press(&mut console, "k<enter>");
        press(&mut console, ", AWS::SQS::Queue<enter>");
        assert_shows(
            &console.state,
            &[
                "= AWS::S3::Bucket | AWS::SQS::Queue",
                "matches 5 current ACTIVE finding(s)",
            ],
        );
        // A bad name is refused in place, with the reason.
        press(&mut console, "k<enter><c-u>bad name!<enter>");
        assert_shows(&console.state, &["letters, digits"]);
        press(&mut console, "<c-u>Partners-S3-SQS<enter>y");
        assert_shows(
            &console.state,
            &[
                "Create archive rule Partners-S3-SQS",
                "archives the 5 ACTIVE finding(s)",
            ],
        );
        press_until(&mut console, "y", "the rule", changed).await;

        let archived: Vec<String> = sb
            .analyzer_findings()
            .into_iter()
            .filter(|f| !before.contains(f))
            .map(|f| {
                assert_eq!(f["status"], "ARCHIVED");
                f["resource"].as_str().unwrap().to_string()
            })
            .collect();
        let mut expected = vec![
            "arn:aws:s3:::my-bucket",
            "arn:aws:s3:::example-public-website",
            "arn:aws:s3:::example-logs-archive",
            "arn:aws:sqs:us-east-1:123456789012:public-test",
            "arn:aws:sqs:us-east-1:123456789012:orders-events",
        ];
        expected.sort();
        let mut archived = archived;
        archived.sort();
        assert_eq!(archived, expected);

        // The rule AWS now has is the edited one.
        press_until(&mut console, ":rules<enter>", "the rules", |s| {
            s.analyzer.rules.iter().any(|(n, _)| n == "Partners-S3-SQS")
        })
        .await;
        let (_, criteria) = console
            .state
            .analyzer
            .rules
            .iter()
            .find(|(n, _)| n == "Partners-S3-SQS")
            .unwrap()
            .clone();
        let mut criteria = criteria;
        criteria.sort();
        assert_eq!(
            criteria,
            vec![
                (
                    "resourceOwnerAccount".to_string(),
                    vec!["123456789012".to_string()]
                ),
                (
                    "resourceType".to_string(),
                    vec!["AWS::S3::Bucket".to_string(), "AWS::SQS::Queue".to_string()]
                ),
            ]
        );
    });
}
