//! Snapshots of the Access Analyzer pane (TestBackend + insta), driven through `update` with
//! the results its reads would bring: findings built from the real ListFindings examples in
//! tests/fixtures/access-analyzer and the real cross-account trust policy in tests/fixtures/iam.

mod common;

use common::render::*;
use secdeck::app::PaneMsg;
use secdeck::app::panes::analyzer::PolicyPurpose;
use secdeck::app::{Action, PaneId, Session, State, update};
use secdeck::domain::analyzer::{AccessFinding, Analyzer};
use secdeck::theme::Theme;
use serde_json::Value;

const ANALYZER: &str = "arn:aws:access-analyzer:us-west-2:644160558196:analyzer/ConsoleAnalyzer";

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Findings from the recorded ListFindings responses (IAM roles, and a public SQS queue).
fn findings() -> Vec<AccessFinding> {
    let mut out = Vec::new();
    for file in [
        "access-analyzer/list-findings-recorded-iam-roles-active-resolved.json",
        "access-analyzer/list-findings-recorded-sqs-public.json",
    ] {
        for f in fixture(file)["findings"].as_array().unwrap() {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            out.push(AccessFinding {
                id: s("id"),
                analyzer_arn: ANALYZER.into(),
                status: s("status"),
                finding_type: "ExternalAccess".into(),
                resource_type: s("resourceType"),
                resource: s("resource"),
                account: s("resourceOwnerAccount"),
                principal: f["principal"]
                    .as_object()
                    .unwrap()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap().into()))
                    .collect(),
                actions: f["action"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a.as_str().unwrap().into())
                    .collect(),
                condition: Vec::new(),
                is_public: f["isPublic"].as_bool(),
                created_at: s("createdAt"),
                updated_at: s("updatedAt"),
                error: None,
                detailed: true,
            });
        }
    }
    out
}

fn console(read_only: bool) -> State {
    let session = Session {
        profile: Some("secops".into()),
        region: "us-west-2".into(),
        endpoint: None,
        demo: false,
        read_only,
        mouse: false,
        // Remediation reads a role only in an account the session is known to act in.
        identity: Some(secdeck::domain::identity::CallerIdentity {
            account: "644160558196".into(),
            arn: "arn:aws:iam::644160558196:user/secops".into(),
            user_id: "AIDAEXAMPLE".into(),
        }),
    };
    let mut s = headless(session, Theme::default_dark(), 120, 32);
    update(&mut s, Action::ShowPane(PaneId::Analyzer));
    update(
        &mut s,
        Action::Pane(PaneMsg::Analyzer(
            secdeck::app::AnalyzerMsg::AnalyzersLoaded(Ok(vec![
                Analyzer {
                    name: "ConsoleAnalyzer".into(),
                    arn: ANALYZER.into(),
                    kind: "ACCOUNT".into(),
                    status: "ACTIVE".into(),
                    created_at: "2023-07-01T16:00:00Z".into(),
                },
                Analyzer {
                    name: "Unused90".into(),
                    arn: "arn:aws:access-analyzer:us-west-2:644160558196:analyzer/Unused90".into(),
                    kind: "ACCOUNT_UNUSED_ACCESS".into(),
                    status: "ACTIVE".into(),
                    created_at: "2023-09-01T00:00:00Z".into(),
                },
            ])),
        )),
    );
    let request = s.analyzer.request;
    update(
        &mut s,
        Action::Pane(PaneMsg::Analyzer(secdeck::app::AnalyzerMsg::FindingsPage {
            request,
            result: Ok(findings()),
            next_token: None,
        })),
    );
    s
}

fn press(s: &mut State, seq: &str) {
    type_keys(s, seq);
}

fn snap(name: &str, s: &State) {
    insta::assert_snapshot!(name, render(s, 120, 32).backend());
}

#[test]
fn findings_table() {
    let mut s = console(false);
    assert_eq!(s.pane, PaneId::Analyzer);
    press(&mut s, "j<space>");
    snap("analyzer_findings", &s);
}

#[test]
fn detail_highlights_the_granting_statement() {
    let mut s = console(false);
    // The third row: an ACTIVE finding whose principal is account 644160558196.
    press(&mut s, "jj<enter>");
    let id = s.analyzer.selected_finding().unwrap().id.clone();
    let policy = serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "Ec2", "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"},
        {"Sid": "Recorder", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::644160558196:root"}, "Action": "sts:AssumeRole"}
    ]});
    update(
        &mut s,
        Action::Pane(PaneMsg::Analyzer(
            secdeck::app::AnalyzerMsg::TrustPolicyLoaded {
                purpose: PolicyPurpose::Detail { finding_id: id },
                result: Ok(policy.to_string()),
            },
        )),
    );
    // Scroll to the policy: the second statement is the one marked.
    press(&mut s, "<pgdn>");
    snap("analyzer_detail", &s);
    insta::assert_snapshot!("analyzer_detail_80x24", resized(&mut s, 80, 24).backend());
}

#[test]
fn remediation_preview_is_a_diff() {
    let mut s = console(false);
    press(&mut s, "jjx");
    let id = s.analyzer.selected_finding().unwrap().id.clone();
    let policy = fixture("iam/trust-policy-cross-account-root-mfa.json").to_string();
    update(
        &mut s,
        Action::Pane(PaneMsg::Analyzer(
            secdeck::app::AnalyzerMsg::TrustPolicyLoaded {
                purpose: PolicyPurpose::Remediate { finding_id: id },
                result: Ok(policy),
            },
        )),
    );
    snap("analyzer_remediation_preview", &s);
    insta::assert_snapshot!(
        "analyzer_remediation_preview_80x24",
        resized(&mut s, 80, 24).backend()
    );
}

#[test]
fn at_80x24_the_table_keeps_names_and_a_click_selects_the_row_drawn() {
    let mut s = console(false);
    at_size_with_mouse(&mut s, 80, 24);
    insta::assert_snapshot!("analyzer_findings_80x24", render(&s, 80, 24).backend());
    click_on(&mut s, "aws-pe-RecorderRole");
    let picked = s.analyzer.selected_finding().unwrap();
    assert!(
        picked.resource.contains("role/aws-pe-RecorderRole"),
        "{picked:?}"
    );
    assert!(s.analyzer.detail.is_none(), "one click selects");
    click_on(&mut s, "aws-pe-RecorderRole");
    assert!(s.analyzer.detail.is_some(), "a second click opens it");
}

#[test]
fn analyzers_list() {
    let mut s = console(false);
    press(&mut s, "<esc>");
    snap("analyzer_list", &s);
}

#[test]
fn a_public_queue_explains_that_remediation_covers_roles() {
    let mut s = console(false);
    press(&mut s, "Gx");
    snap("analyzer_not_a_role", &s);
}
