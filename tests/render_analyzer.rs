//! Snapshots of the Access Analyzer pane (TestBackend + insta), driven through `update` with
//! the results its reads would bring: findings built from the real ListFindings examples in
//! tests/fixtures/access-analyzer and the real cross-account trust policy in tests/fixtures/iam.

mod common;

use common::render::*;
use secdeck::app::PaneMsg;
use secdeck::app::panes::analyzer::PolicyPurpose;
use secdeck::app::{Action, PaneId, Session, State, update};
use secdeck::domain::analyzer::{
    AccessFinding, Analyzer, CurrentPolicy, InternalDetails, Recommendation, RecommendedStep,
    UnusedDetails, UnusedService, plan_recommendation,
};
use secdeck::domain::policy::RoleRef;
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
                ..Default::default()
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

/// The console after `keys`, snapshot as `name`.
fn snap_after(keys: &str, name: &str) {
    let mut s = console(false);
    press(&mut s, keys);
    snap(name, &s);
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
    snap_after("<esc>", "analyzer_list");
}

#[test]
fn a_public_queue_explains_that_remediation_covers_roles() {
    snap_after("Gx", "analyzer_not_a_role");
}

/// An event's `detail` as the finding GetFindingV2 would give (EventBridge events are the
/// published samples of unused- and internal-access findings).
fn event_finding(file: &str, analyzer: &str) -> AccessFinding {
    let d = &fixture(&format!("access-analyzer/{file}"))["detail"];
    let s = |k: &str| d[k].as_str().unwrap_or_default().to_string();
    AccessFinding {
        id: if d["findingId"].is_string() {
            s("findingId")
        } else {
            s("id")
        },
        analyzer_arn: analyzer.into(),
        status: s("status"),
        finding_type: s("findingType"),
        resource_type: s("resourceType"),
        resource: s("resource"),
        account: s("accountId"),
        created_at: s("createdAt"),
        updated_at: s("updatedAt"),
        error: d["error"].as_str().map(str::to_string),
        detailed: true,
        ..Default::default()
    }
}

const UNUSED: &str = "arn:aws:access-analyzer:us-west-2:123456789012:analyzer/integTestLongLivingAnalyzer-DO-NOT-DELETE";
const INTERNAL: &str = "arn:aws:access-analyzer:us-east-1:111122223333:analyzer/testAnalyzer";

/// The unused-access samples; the details the events only count (one unused action) are
/// filled in here, and an access-key finding added in the same shape.
fn unused_findings() -> Vec<AccessFinding> {
    let mut permission = event_finding("eventbridge-unused-access-unused-permission.json", UNUSED);
    permission.unused = Some(UnusedDetails {
        last_accessed: Some("2023-06-01T10:00:00Z".into()),
        services: vec![UnusedService {
            namespace: "s3".into(),
            last_accessed: Some("2023-06-01T10:00:00Z".into()),
            actions: vec![("s3:DeleteBucket".into(), None)],
        }],
        access_key_ids: Vec::new(),
    });
    let mut role = event_finding(
        "eventbridge-unused-access-unused-iam-role-error.json",
        UNUSED,
    );
    role.unused = Some(UnusedDetails::default());
    let mut key = permission.clone();
    key.id = "c0ffee00-0000-4000-8000-000000000001".into();
    key.finding_type = "UnusedIAMUserAccessKey".into();
    key.resource_type = "AWS::IAM::User".into();
    key.resource = "arn:aws:iam::111122223333:user/build-bot".into();
    key.unused = Some(UnusedDetails {
        last_accessed: Some("2023-02-14T12:00:00Z".into()),
        access_key_ids: vec!["AKIAIOSFODNN7EXAMPLE".into()],
        ..Default::default()
    });
    vec![permission, role, key]
}

fn internal_findings() -> Vec<AccessFinding> {
    let d = &fixture("access-analyzer/eventbridge-internal-access-s3-bucket.json")["detail"];
    let mut f = event_finding("eventbridge-internal-access-s3-bucket.json", INTERNAL);
    f.principal = vec![("AWS".into(), d["principal"]["AWS"].as_str().unwrap().into())];
    f.actions = vec![d["action"][0].as_str().unwrap().into()];
    f.internal = Some(InternalDetails {
        access_type: d["accessType"].as_str().map(str::to_string),
        principal_type: d["principalType"].as_str().map(str::to_string),
        principal_owner_account: d["principalOwnerAccount"].as_str().map(str::to_string),
    });
    vec![f]
}

/// A console showing analyzer `name` of `kind` with `findings`, sized `width` x `height`.
fn console_with(
    name: &str,
    arn: &str,
    kind: &str,
    findings: Vec<AccessFinding>,
    width: u16,
    height: u16,
) -> State {
    let session = Session {
        profile: Some("secops".into()),
        region: "us-west-2".into(),
        endpoint: None,
        demo: false,
        read_only: false,
        mouse: false,
        identity: None,
    };
    let mut s = headless(session, Theme::default_dark(), width, height);
    update(&mut s, Action::ShowPane(PaneId::Analyzer));
    let analyzer = Analyzer {
        name: name.into(),
        arn: arn.into(),
        kind: kind.into(),
        status: "ACTIVE".into(),
        created_at: "2023-09-01T00:00:00Z".into(),
    };
    update(
        &mut s,
        Action::Pane(PaneMsg::Analyzer(
            secdeck::app::AnalyzerMsg::AnalyzersLoaded(Ok(vec![analyzer])),
        )),
    );
    let request = s.analyzer.request;
    update(
        &mut s,
        Action::Pane(PaneMsg::Analyzer(secdeck::app::AnalyzerMsg::FindingsPage {
            request,
            result: Ok(findings),
            next_token: None,
        })),
    );
    s
}

#[test]
fn unused_and_internal_access_lists_at_both_sizes() {
    for (width, height) in [(80, 24), (120, 40)] {
        let unused = console_with(
            "integTestLongLivingAnalyzer-DO-NOT-DELETE",
            UNUSED,
            "ACCOUNT_UNUSED_ACCESS",
            unused_findings(),
            width,
            height,
        );
        insta::assert_snapshot!(
            format!("analyzer_unused_{width}x{height}"),
            render(&unused, width, height).backend()
        );
        let internal = console_with(
            "testAnalyzer",
            INTERNAL,
            "ACCOUNT_INTERNAL_ACCESS",
            internal_findings(),
            width,
            height,
        );
        insta::assert_snapshot!(
            format!("analyzer_internal_{width}x{height}"),
            render(&internal, width, height).backend()
        );
    }
}

#[test]
fn an_unused_permission_finding_shows_its_fields_and_its_recommendation_as_a_diff() {
    let mut s = console_with(
        "integTestLongLivingAnalyzer-DO-NOT-DELETE",
        UNUSED,
        "ACCOUNT_UNUSED_ACCESS",
        unused_findings(),
        120,
        40,
    );
    press(&mut s, "<enter>");
    insta::assert_snapshot!("analyzer_unused_detail", render(&s, 120, 40).backend());
    press(&mut s, "<esc>");
    let f = s.analyzer.findings[0].clone();
    let role = RoleRef::parse(&f.resource).unwrap();
    let before = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:DeleteBucket"], "Resource": "*"}]});
    let after = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]});
    let policy = "arn:aws:iam::111122223333:policy/FakeRolePolicy";
    let rec = Recommendation {
        status: "SUCCEEDED".into(),
        resource: f.resource.clone(),
        steps: vec![
            RecommendedStep::CreatePolicy {
                existing: policy.into(),
                policy: after.to_string(),
                policy_updated_at: None,
            },
            RecommendedStep::DetachPolicy {
                existing: "arn:aws:iam::111122223333:policy/LegacyAdmin".into(),
            },
        ],
        error: None,
    };
    let current = [
        CurrentPolicy::Managed {
            version_id: "v3".into(),
            document: before.to_string(),
        },
        CurrentPolicy::Managed {
            version_id: "v1".into(),
            document: "{}".into(),
        },
    ];
    let change = plan_recommendation(role, &f.id, UNUSED, &rec, &current).unwrap();
    update(
        &mut s,
        Action::Pane(PaneMsg::Analyzer(
            secdeck::app::AnalyzerMsg::RecommendationReady {
                finding_id: f.id,
                result: Ok(Box::new(change)),
            },
        )),
    );
    insta::assert_snapshot!(
        "analyzer_recommendation_preview",
        render(&s, 120, 40).backend()
    );
}
