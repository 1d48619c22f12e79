//! The sandbox's IAM and Access Analyzer, driven through the real aws-sdk-iam and
//! aws-sdk-accessanalyzer clients against the embedded demo world.

mod common;

use aws_sdk_accessanalyzer::types::{Criterion, FindingStatus, FindingStatusUpdate};
use common::sdk::refusal_code;
use secdeck::domain::policy::{PolicyDocument, sid_for_finding};
use secdeck::sandbox::seed::Seed;
use secdeck::sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;

const MAIN: &str = "123456789012";
const SEED_ROLE: &str = "Audit_CrossAccountRole";
const ALICE: &str = "arn:aws:iam::999988887777:user/Alice";

struct World {
    sandbox: Sandbox,
    iam: aws_sdk_iam::Client,
    aa: aws_sdk_accessanalyzer::Client,
}

async fn world() -> World {
    let sandbox = Sandbox::new(SandboxConfig::default(), Seed::default()).unwrap();
    let config = sandbox.sdk_config().await;
    World {
        iam: aws_sdk_iam::Client::new(&config),
        aa: aws_sdk_accessanalyzer::Client::new(&config),
        sandbox,
    }
}

fn account_analyzer(w: &World) -> String {
    w.sandbox.analyzer_arn("ConsoleAnalyzer-account").unwrap()
}

/// The seed scenario's finding: Alice may assume Audit_CrossAccountRole.
fn seed_finding(w: &World) -> Value {
    let analyzer = account_analyzer(w);
    w.sandbox
        .analyzer_findings()
        .into_iter()
        .find(|f| {
            f["analyzerArn"] == analyzer.as_str()
                && f["resource"].as_str().unwrap().ends_with(SEED_ROLE)
        })
        .unwrap()
}

async fn trust(w: &World, name: &str) -> PolicyDocument {
    let role = w.iam.get_role().role_name(name).send().await.unwrap();
    PolicyDocument::decode_iam(role.role().unwrap().assume_role_policy_document().unwrap()).unwrap()
}

fn deny_text(original: &str, finding_id: &str, sid_override: Option<&str>) -> String {
    let mut v: Value = serde_json::from_str(original).unwrap();
    let sid = sid_override
        .map(str::to_string)
        .unwrap_or_else(|| sid_for_finding(finding_id).unwrap());
    v["Statement"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "Sid": sid, "Effect": "Deny", "Principal": {"AWS": ALICE}, "Action": "sts:AssumeRole"
        }));
    v.to_string()
}

#[tokio::test]
async fn get_role_returns_the_trust_policy_percent_encoded_like_iam() {
    let w = world().await;
    let role = w.iam.get_role().role_name(SEED_ROLE).send().await.unwrap();
    let role = role.role().unwrap();
    let raw = role.assume_role_policy_document().unwrap();
    assert!(raw.starts_with("%7B%22Version%22"), "{raw}");
    let doc = PolicyDocument::decode_iam(raw).unwrap();
    assert_eq!(doc.statements()[0]["Principal"]["AWS"], ALICE);
    assert_eq!(role.arn(), format!("arn:aws:iam::{MAIN}:role/{SEED_ROLE}"));
}

#[tokio::test]
async fn list_roles_includes_roles_with_paths() {
    let w = world().await;
    let out = w.iam.list_roles().send().await.unwrap();
    let ci = out
        .roles()
        .iter()
        .find(|r| r.role_name() == "ci-deploy")
        .unwrap();
    assert_eq!(ci.path(), "/service-role/");
    assert_eq!(
        ci.arn(),
        "arn:aws:iam::123456789012:role/service-role/ci-deploy"
    );
    let paged = w.iam.list_roles().max_items(2).send().await.unwrap();
    assert_eq!(paged.roles().len(), 2);
    assert!(paged.is_truncated());
}

#[tokio::test]
async fn update_assume_role_policy_enforces_iam_validation() {
    let w = world().await;
    let original = w.sandbox.role_trust_policy(MAIN, SEED_ROLE).unwrap();
    let code = |e: aws_sdk_iam::error::SdkError<_>| {
        use aws_sdk_iam::error::ProvideErrorMetadata;
        let e: aws_sdk_iam::operation::update_assume_role_policy::UpdateAssumeRolePolicyError =
            e.into_service_error();
        (
            e.code().unwrap_or_default().to_string(),
            e.message().unwrap_or_default().to_string(),
        )
    };
    let send = |name: &str, doc: String| {
        w.iam
            .update_assume_role_policy()
            .role_name(name)
            .policy_document(doc)
            .send()
    };
    // A raw finding id (with hyphens) is not a valid Sid.
    let raw_sid = deny_text(&original, "", Some("5b3f8a2e-1c4d-4e6f-9a7b-0c1d2e3f4a5b"));
    let (c, m) = code(send(SEED_ROLE, raw_sid).await.unwrap_err());
    assert_eq!(c, "MalformedPolicyDocument");
    assert!(m.contains("alpha-numeric"), "{m}");
    let (c, _) = code(send(SEED_ROLE, "{not json".into()).await.unwrap_err());
    assert_eq!(c, "MalformedPolicyDocument");
    let dup = deny_text(
        &deny_text(&original, "5b3f8a2e-1c4d-4e6f-9a7b-0c1d2e3f4a5b", None),
        "5b3f8a2e-1c4d-4e6f-9a7b-0c1d2e3f4a5b",
        None,
    );
    let (c, m) = code(send(SEED_ROLE, dup).await.unwrap_err());
    assert_eq!(c, "MalformedPolicyDocument");
    assert!(m.contains("unique"), "{m}");
    let (c, _) = code(send("NoSuchRole", original.clone()).await.unwrap_err());
    assert_eq!(c, "NoSuchEntity");
    let mut big: Value = serde_json::from_str(&original).unwrap();
    big["Statement"][0]["Principal"]["AWS"] = Value::Array(
        (0..80)
            .map(|i| Value::String(format!("arn:aws:iam::9999888877{i:02}:root")))
            .collect(),
    );
    let (c, m) = code(send(SEED_ROLE, big.to_string()).await.unwrap_err());
    assert_eq!(
        (c.as_str(), m.contains("2048")),
        ("LimitExceeded", true),
        "{m}"
    );
    // Nothing refused was stored.
    assert_eq!(
        w.sandbox.role_trust_policy(MAIN, SEED_ROLE).unwrap(),
        original
    );
    // A valid document is stored exactly as sent.
    let good = deny_text(&original, "5b3f8a2e-1c4d-4e6f-9a7b-0c1d2e3f4a5b", None);
    send(SEED_ROLE, good.clone()).await.unwrap();
    assert_eq!(w.sandbox.role_trust_policy(MAIN, SEED_ROLE).unwrap(), good);
    assert!(
        w.sandbox
            .requests()
            .iter()
            .any(|r| r.operation == "UpdateAssumeRolePolicy" && r.mutating)
    );
}

#[tokio::test]
async fn analyzers_are_listed_with_their_types() {
    let w = world().await;
    let out = w.aa.list_analyzers().send().await.unwrap();
    let kinds: Vec<(&str, &str)> = out
        .analyzers()
        .iter()
        .map(|a| (a.name(), a.r#type().as_str()))
        .collect();
    assert!(kinds.contains(&("ConsoleAnalyzer-account", "ACCOUNT")));
    assert!(kinds.contains(&("OrgAnalyzer", "ORGANIZATION")));
    assert!(kinds.contains(&("UnusedAccess-90d", "ACCOUNT_UNUSED_ACCESS")));
    let one =
        w.aa.get_analyzer()
            .analyzer_name("OrgAnalyzer")
            .send()
            .await
            .unwrap();
    assert_eq!(one.analyzer().unwrap().status().as_str(), "ACTIVE");
    assert!(
        w.aa.get_analyzer()
            .analyzer_name("nope")
            .send()
            .await
            .is_err()
    );
}

#[tokio::test]
async fn the_demo_world_has_dozens_of_findings_including_the_seed_scenario() {
    let w = world().await;
    let analyzer = account_analyzer(&w);
    let pages: Vec<_> =
        w.aa.list_findings_v2()
            .analyzer_arn(&analyzer)
            .max_results(5)
            .into_paginator()
            .send()
            .collect::<Vec<_>>()
            .await;
    let all: Vec<_> = pages
        .into_iter()
        .flat_map(|p| p.unwrap().findings)
        .collect();
    assert!(all.len() >= 20, "{}", all.len());
    let types: std::collections::BTreeSet<&str> =
        all.iter().map(|f| f.resource_type().as_str()).collect();
    assert!(types.len() >= 6, "{types:?}");
    assert!(w.sandbox.analyzer_findings().len() >= 36);
    let seed = seed_finding(&w);
    assert_eq!(seed["status"], "ACTIVE");
    assert_eq!(seed["principal"]["AWS"], ALICE);
    // Service principals are inside AWS, not external access; an archive rule archived ci-deploy.
    assert!(!all.iter().any(|f| {
        f.resource()
            .unwrap_or_default()
            .ends_with("ec2-instance-role")
    }));
    let ci = all
        .iter()
        .find(|f| f.resource().unwrap_or_default().ends_with("ci-deploy"))
        .unwrap();
    assert_eq!(ci.status(), &FindingStatus::Archived);
}

#[tokio::test]
async fn get_finding_v2_gives_principal_and_actions() {
    let w = world().await;
    let seed = seed_finding(&w);
    let out =
        w.aa.get_finding_v2()
            .analyzer_arn(account_analyzer(&w))
            .id(seed["id"].as_str().unwrap())
            .send()
            .await
            .unwrap();
    let details = out.finding_details()[0]
        .as_external_access_details()
        .unwrap();
    assert_eq!(
        details.principal().unwrap().get("AWS").map(String::as_str),
        Some(ALICE)
    );
    assert_eq!(details.action(), ["sts:AssumeRole".to_string()]);
    assert_eq!(out.resource_owner_account(), MAIN);
}

#[tokio::test]
async fn a_scan_after_the_deny_resolves_the_finding_and_rollback_reopens_it() {
    let w = world().await;
    let seed = seed_finding(&w);
    let id = seed["id"].as_str().unwrap();
    let original = w.sandbox.role_trust_policy(MAIN, SEED_ROLE).unwrap();
    let scan = || {
        w.aa.start_resource_scan()
            .analyzer_arn(account_analyzer(&w))
            .resource_arn(seed["resource"].as_str().unwrap())
            .send()
    };
    w.iam
        .update_assume_role_policy()
        .role_name(SEED_ROLE)
        .policy_document(deny_text(&original, id, None))
        .send()
        .await
        .unwrap();
    // No scan yet: still ACTIVE (Access Analyzer re-analyzes on its own schedule).
    assert_eq!(w.sandbox.analyzer_finding(id).unwrap()["status"], "ACTIVE");
    scan().await.unwrap();
    assert_eq!(
        w.sandbox.analyzer_finding(id).unwrap()["status"],
        "RESOLVED"
    );
    w.iam
        .update_assume_role_policy()
        .role_name(SEED_ROLE)
        .policy_document(original)
        .send()
        .await
        .unwrap();
    scan().await.unwrap();
    assert_eq!(w.sandbox.analyzer_finding(id).unwrap()["status"], "ACTIVE");
    assert_eq!(trust(&w, SEED_ROLE).await.statements().len(), 1);
}

#[tokio::test]
async fn update_findings_archives_and_unarchives() {
    let w = world().await;
    let id = seed_finding(&w)["id"].as_str().unwrap().to_string();
    let arn = account_analyzer(&w);
    for (status, want) in [
        (FindingStatusUpdate::Archived, "ARCHIVED"),
        (FindingStatusUpdate::Active, "ACTIVE"),
    ] {
        w.aa.update_findings()
            .analyzer_arn(&arn)
            .status(status)
            .ids(&id)
            .send()
            .await
            .unwrap();
        assert_eq!(w.sandbox.analyzer_finding(&id).unwrap()["status"], want);
    }
    assert_eq!(
        refusal_code(
            w.aa.update_findings()
                .analyzer_arn(&arn)
                .status(FindingStatusUpdate::Archived)
                .ids("00000000-0000-4000-8000-000000000000")
                .send()
        )
        .await,
        "ResourceNotFoundException"
    );
}

#[tokio::test]
async fn archive_rule_create_apply_archives_only_matching_findings_and_delete() {
    let w = world().await;
    let arn = account_analyzer(&w);
    let before = w.sandbox.analyzer_findings();
    let crit = |v: &str| Criterion::builder().eq(v).build();
    w.aa.create_archive_rule()
        .analyzer_name("ConsoleAnalyzer-account")
        .rule_name("Partner-999988887777.s3")
        .filter("resourceType", crit("AWS::S3::Bucket"))
        .filter("principal.AWS", crit("999988887777"))
        .send()
        .await
        .unwrap();
    // Creating does not touch existing findings.
    assert_eq!(w.sandbox.analyzer_findings(), before);
    w.aa.apply_archive_rule()
        .analyzer_arn(&arn)
        .rule_name("Partner-999988887777.s3")
        .send()
        .await
        .unwrap();
    let after = w.sandbox.analyzer_findings();
    let changed: Vec<&Value> = after.iter().filter(|f| !before.contains(f)).collect();
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert_eq!(changed[0]["resource"], "arn:aws:s3:::my-bucket");
    assert_eq!(changed[0]["status"], "ARCHIVED");
    assert_eq!(rule_count(&w.aa).await, 2);
    // A rule name taken, or not matching AWS's pattern, is refused with AWS's codes.
    for (name, code) in [
        ("Partner-999988887777.s3", "ConflictException"),
        ("9bad name", "ValidationException"),
    ] {
        assert_eq!(
            refusal_code(
                w.aa.create_archive_rule()
                    .analyzer_name("ConsoleAnalyzer-account")
                    .rule_name(name)
                    .filter("status", crit("ACTIVE"))
                    .send()
            )
            .await,
            code,
            "{name}"
        );
    }
    w.aa.delete_archive_rule()
        .analyzer_name("ConsoleAnalyzer-account")
        .rule_name("Partner-999988887777.s3")
        .send()
        .await
        .unwrap();
    assert_eq!(rule_count(&w.aa).await, 1);
}

#[tokio::test]
async fn list_findings_filters_by_status_and_principal() {
    let w = world().await;
    let out =
        w.aa.list_findings()
            .analyzer_arn(account_analyzer(&w))
            .filter("status", Criterion::builder().eq("ACTIVE").build())
            .filter("isPublic", Criterion::builder().eq("true").build())
            .send()
            .await
            .unwrap();
    assert!(!out.findings().is_empty());
    assert!(
        out.findings()
            .iter()
            .all(|f| f.is_public() == Some(true) && f.status() == &FindingStatus::Active)
    );
}

#[tokio::test]
async fn sts_assume_role_acts_in_the_member_account_and_checks_trust() {
    let w = world().await;
    let config = w.sandbox.sdk_config().await;
    let sts = aws_sdk_sts::Client::new(&config);
    let out = sts
        .assume_role()
        .role_arn("arn:aws:iam::210987654321:role/OrganizationAccountAccessRole")
        .role_session_name("t")
        .send()
        .await
        .unwrap();
    let c = out.credentials().unwrap();
    let creds = aws_credential_types::Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_string()),
        None,
        "test",
    );
    let member = config
        .to_builder()
        .credentials_provider(aws_credential_types::provider::SharedCredentialsProvider::new(creds))
        .build();
    let who = aws_sdk_sts::Client::new(&member)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(who.account(), Some("210987654321"));
    assert_eq!(
        who.arn(),
        Some("arn:aws:sts::210987654321:assumed-role/OrganizationAccountAccessRole/t")
    );
    let iam = aws_sdk_iam::Client::new(&member);
    assert!(
        iam.get_role()
            .role_name("DataPipelineRole")
            .send()
            .await
            .is_ok()
    );
    assert!(
        iam.get_role().role_name(SEED_ROLE).send().await.is_err(),
        "other account's role"
    );
    // A role that does not trust the caller, and one that does not exist.
    for arn in [
        "arn:aws:iam::210987654321:role/DataPipelineRole",
        "arn:aws:iam::210987654321:role/Missing",
    ] {
        assert_eq!(
            refusal_code(
                sts.assume_role()
                    .role_arn(arn)
                    .role_session_name("t")
                    .send()
            )
            .await,
            "AccessDenied"
        );
    }
}

/// How many archive rules the demo account's analyzer has.
async fn rule_count(aa: &aws_sdk_accessanalyzer::Client) -> usize {
    let rules = aa
        .list_archive_rules()
        .analyzer_name("ConsoleAnalyzer-account")
        .send()
        .await
        .expect("ListArchiveRules");
    rules.archive_rules().len()
}
