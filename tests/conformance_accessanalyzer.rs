//! Access Analyzer's proofs operations against AWS's own service model (botocore's, from
//! the conformance venv), since moto has no Access Analyzer: every request secdeck sends
//! for them and every answer the sandbox gives (errors included) fits the model; and the
//! AWS CLI, run against `secdeck sandbox --listen`, gets the answers AWS documents.

mod common;

use common::analyzer::{MAIN, SEED_ROLE};
use common::awscli::aws;
use common::bin::ListeningSandbox;
use common::exchanges::Exchanges;
use common::model::ServiceModel;
use common::*;
use secdeck::aws::accessanalyzer_checks as checks;
use secdeck::aws::{accessanalyzer as analyzer, accessanalyzer_unused as unused};
use serde_json::{Value, json};

/// The operations the proofs call.
const PROOF_OPERATIONS: [&str; 6] = [
    "ValidatePolicy",
    "CheckNoNewAccess",
    "CheckNoPublicAccess",
    "CreateAccessPreview",
    "GetAccessPreview",
    "ListAccessPreviewFindings",
];

fn model() -> &'static ServiceModel {
    ServiceModel::load("accessanalyzer")
}

/// An Access Analyzer client on `env` whose every exchange is kept (retries off, so each
/// error answer is seen once).
fn recorded_client(env: &TestEnv) -> (aws_sdk_accessanalyzer::Client, Exchanges) {
    let exchanges = Exchanges::default();
    let conf =
        aws_sdk_accessanalyzer::config::Builder::from(&secdeck::aws::tagged(&env.sdk_config))
            .interceptor(exchanges.clone())
            .retry_config(aws_config::retry::RetryConfig::disabled())
            .build();
    (aws_sdk_accessanalyzer::Client::from_conf(conf), exchanges)
}

const WIDER: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Wide","Effect":"Allow","Principal":{"AWS":"*"},"Action":["sts:AssumeRole","sts:Nope"]}]}"#;

#[test]
fn every_request_secdeck_sends_for_its_proofs_fits_the_model() {
    big_stack(|| async {
        let (mut console, sb) = demo_and_sandbox().await;
        open_analyzer_finding(&mut console, SEED_ROLE).await;
        press_until(&mut console, "x", "the proofs", previewing).await;
        let seen = model().check_recorded("access-analyzer", &sb.requests());
        for op in PROOF_OPERATIONS {
            assert!(seen.iter().any(|s| s == op), "{op} not sent: {seen:?}");
        }
    });
}

#[test]
fn every_answer_the_sandbox_gives_for_the_proofs_fits_the_model() {
    big_stack(|| async {
        let env = TestEnv::demo().await;
        let (aa, exchanges) = recorded_client(&env);
        let current = env.role_trust_policy(MAIN, SEED_ROLE).unwrap();
        let role = format!("arn:aws:iam::{MAIN}:role/{SEED_ROLE}");
        let account = env.analyzer_arn("ConsoleAnalyzer-account").unwrap();
        let org = env.analyzer_arn("OrgAnalyzer").unwrap();

        let found = checks::validate_trust_policy(&aa, WIDER).await.unwrap();
        assert!(found.iter().any(|f| f.issue_code == "INVALID_ACTION"));
        assert!(
            checks::validate_trust_policy(&aa, "{\"Statement\": [")
                .await
                .is_ok()
        );
        assert!(
            !checks::check_no_new_access(&aa, &current, WIDER)
                .await
                .unwrap()
                .pass
        );
        assert!(
            checks::check_no_new_access(&aa, &current, &current)
                .await
                .unwrap()
                .pass
        );
        assert!(
            !checks::check_no_public_access(&aa, WIDER)
                .await
                .unwrap()
                .pass
        );
        assert!(
            checks::check_no_new_access(&aa, "not json", WIDER)
                .await
                .is_err()
        );
        assert!(
            checks::create_access_preview(&aa, &org, &role, &current)
                .await
                .is_err()
        );
        let id = checks::create_access_preview(&aa, &account, &role, WIDER)
            .await
            .unwrap();
        let preview_status = || async {
            let (status, _) = checks::access_preview_status(&aa, &account, &id)
                .await
                .unwrap();
            status
        };
        assert_eq!(preview_status().await, "CREATING");
        assert!(
            checks::access_preview_findings(&aa, &account, &id)
                .await
                .is_err()
        );
        assert_eq!(preview_status().await, "COMPLETED");
        let preview = checks::access_preview_findings(&aa, &account, &id)
            .await
            .unwrap();
        assert!(
            preview.iter().any(|f| f.change_type == "NEW"),
            "{preview:?}"
        );
        assert!(
            checks::access_preview_status(&aa, &account, "0000")
                .await
                .is_err()
        );

        let taken = exchanges.taken();
        assert!(
            taken.iter().any(|x| x.status >= 400),
            "errors are checked too"
        );
        let seen = model().check_exchanges(&taken);
        for op in PROOF_OPERATIONS {
            assert!(seen.iter().any(|s| s == op), "{op} not exchanged: {seen:?}");
        }
    });
}

/// The operations secdeck calls for unused and internal access.
const UNUSED_AND_INTERNAL_OPERATIONS: [&str; 10] = [
    "ListAnalyzers",
    "ListFindingsV2",
    "GetFindingV2",
    "GenerateFindingRecommendation",
    "GetFindingRecommendation",
    "UpdateFindings",
    "CreateArchiveRule",
    "ListArchiveRules",
    "ApplyArchiveRule",
    "DeleteArchiveRule",
];

#[test]
fn every_exchange_for_unused_and_internal_access_fits_the_model() {
    big_stack(|| async {
        let env = TestEnv::demo().await;
        let (aa, exchanges) = recorded_client(&env);
        let kinds: Vec<String> = analyzer::list_analyzers(&aa)
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.kind)
            .collect();
        for kind in [
            "ACCOUNT",
            "ORGANIZATION",
            "ACCOUNT_UNUSED_ACCESS",
            "ORGANIZATION_INTERNAL_ACCESS",
        ] {
            assert!(
                kinds.iter().any(|k| k == kind),
                "{kind} not listed: {kinds:?}"
            );
        }
        let unused_arn = env.analyzer_arn("UnusedAccess-90d").unwrap();
        let internal_arn = env.analyzer_arn("InternalAccess-org").unwrap();
        let mut read = Vec::new();
        for arn in [&unused_arn, &internal_arn] {
            let (page, _) = analyzer::list_findings_page(&aa, arn, None, 50)
                .await
                .unwrap();
            for f in page {
                read.push(analyzer::get_finding(&aa, arn, &f.id).await.unwrap());
            }
        }
        let id_of = |kind: &str| {
            read.iter()
                .find(|f| f.finding_type == kind)
                .unwrap_or_else(|| panic!("no {kind} finding read"))
                .id
                .clone()
        };
        for kind in ["UnusedIAMUserAccessKey", "UnusedIAMUserPassword"] {
            id_of(kind);
        }
        let permission = id_of("UnusedPermission");
        let unused_role = id_of("UnusedIAMRole");
        let internal = id_of("InternalAccess");

        // No recommendation before one is generated, and none for other finding types.
        let get = || unused::get_recommendation(&aa, &unused_arn, &permission);
        assert!(get().await.is_err());
        assert!(
            unused::generate_recommendation(&aa, &unused_arn, &unused_role)
                .await
                .is_err()
        );
        assert!(
            unused::generate_recommendation(&aa, &unused_arn, "0000")
                .await
                .is_err()
        );
        unused::generate_recommendation(&aa, &unused_arn, &permission)
            .await
            .unwrap();
        assert_eq!(get().await.unwrap().status, "IN_PROGRESS");
        let done = get().await.unwrap();
        assert_eq!(done.status, "SUCCEEDED");
        assert!(!done.steps.is_empty(), "{done:?}");
        assert!(
            analyzer::get_finding(&aa, &unused_arn, "0000")
                .await
                .is_err()
        );

        for archive in [true, false] {
            analyzer::set_status(&aa, &internal_arn, std::slice::from_ref(&internal), archive)
                .await
                .unwrap();
        }
        assert!(
            analyzer::set_status(&aa, &internal_arn, &["0000".into()], true)
                .await
                .is_err()
        );

        let name = "InternalAccess-org";
        let criteria = vec![(
            "resourceType".to_string(),
            vec!["AWS::S3::Bucket".to_string()],
        )];
        analyzer::create_archive_rule(&aa, name, "buckets", &criteria)
            .await
            .unwrap();
        assert!(
            analyzer::create_archive_rule(&aa, name, "buckets", &criteria)
                .await
                .is_err()
        );
        let rules = analyzer::list_archive_rules(&aa, name).await.unwrap();
        assert!(
            rules.iter().any(|(r, c)| r == "buckets" && *c == criteria),
            "{rules:?}"
        );
        analyzer::apply_archive_rule(&aa, &internal_arn, "buckets")
            .await
            .unwrap();
        analyzer::delete_archive_rule(&aa, name, "buckets")
            .await
            .unwrap();
        assert!(
            analyzer::delete_archive_rule(&aa, name, "buckets")
                .await
                .is_err()
        );
        assert!(
            analyzer::list_archive_rules(&aa, "NoSuchAnalyzer")
                .await
                .is_err()
        );

        let taken = exchanges.taken();
        let seen = model().check_exchanges(&taken);
        for op in UNUSED_AND_INTERNAL_OPERATIONS {
            assert!(seen.iter().any(|s| s == op), "{op} not exchanged: {seen:?}");
        }
    });
}

#[test]
fn the_aws_cli_checks_and_previews_against_the_sandbox_on_loopback() {
    let server = ListeningSandbox::start();
    let cli = |args: &[&str]| aws(&server.url, "us-east-1", args).unwrap_or_else(|e| panic!("{e}"));
    let base = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"sts:AssumeRole"}]}"#;

    let validated = cli(&[
        "accessanalyzer",
        "validate-policy",
        "--policy-document",
        WIDER,
        "--policy-type",
        "RESOURCE_POLICY",
        "--validate-policy-resource-type",
        "AWS::IAM::AssumeRolePolicyDocument",
    ]);
    let codes: Vec<&str> = validated["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["issueCode"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["INVALID_ACTION", "TRUST_POLICY_ALLOWS_ALL_PRINCIPALS"]
    );
    let first = &validated["findings"][0];
    assert_eq!(first["findingType"], "ERROR");
    assert!(
        first["learnMoreLink"]
            .as_str()
            .unwrap()
            .starts_with("https://docs.aws.amazon.com/")
    );
    assert_eq!(
        first["locations"][0]["path"],
        json!([{"key": "Statement"}, {"index": 0}, {"key": "Action"}, {"index": 1}])
    );
    assert!(first["locations"][0]["span"]["start"]["offset"].is_u64());

    let checked = cli(&[
        "accessanalyzer",
        "check-no-new-access",
        "--new-policy-document",
        WIDER,
        "--existing-policy-document",
        base,
        "--policy-type",
        "RESOURCE_POLICY",
    ]);
    assert_eq!(checked["result"], "FAIL");
    assert_eq!(checked["reasons"][0]["statementIndex"], 0);
    assert_eq!(checked["reasons"][0]["statementId"], "Wide");

    let analyzers = cli(&["accessanalyzer", "list-analyzers", "--type", "ACCOUNT"]);
    let analyzer = analyzers["analyzers"][0]["arn"]
        .as_str()
        .expect("an ACCOUNT analyzer")
        .to_string();
    let role = format!("arn:aws:iam::{MAIN}:role/{SEED_ROLE}");
    let configurations = json!({ &role: {"iamRole": {"trustPolicy": base}} }).to_string();
    let created = cli(&[
        "accessanalyzer",
        "create-access-preview",
        "--analyzer-arn",
        &analyzer,
        "--configurations",
        &configurations,
    ]);
    let id = created["id"].as_str().expect("id").to_string();
    let status = || -> Value {
        cli(&[
            "accessanalyzer",
            "get-access-preview",
            "--access-preview-id",
            &id,
            "--analyzer-arn",
            &analyzer,
        ])
    };
    assert_eq!(status()["accessPreview"]["status"], "CREATING");
    let done = status();
    assert_eq!(done["accessPreview"]["status"], "COMPLETED");
    assert_eq!(
        done["accessPreview"]["configurations"][&role]["iamRole"]["trustPolicy"],
        base
    );
    let findings = cli(&[
        "accessanalyzer",
        "list-access-preview-findings",
        "--access-preview-id",
        &id,
        "--analyzer-arn",
        &analyzer,
    ]);
    // Alice's access is gone from the proposed policy: her finding would be RESOLVED; the
    // account the proposal trusts instead is a NEW finding.
    let all = findings["findings"].as_array().expect("findings");
    assert!(
        all.iter().any(|f| f["changeType"] == "CHANGED"
            && f["status"] == "RESOLVED"
            && f["existingFindingStatus"] == "ACTIVE"),
        "{findings}"
    );
    assert!(
        all.iter().any(|f| f["changeType"] == "NEW"
            && f["principal"]["AWS"] == "arn:aws:iam::999988887777:root"),
        "{findings}"
    );
}
