//! Conformance for the IAM part of the Access Analyzer remediation: the same roles, the
//! same remediation and the same rollback, executed by secdeck's executor code through
//! aws-sdk-iam against moto 5.2.5 and against the sandbox, give the same trust policy
//! documents (read back with GetRole and percent-decoded, as IAM returns them).
//!
//! moto (moto/iam/models.py, policy_validation.py) stores the document text as sent and
//! URL-encodes it in GetRole, like IAM; it checks Sid uniqueness but not IAM's
//! letters-and-digits rule, so only the sandbox is held to that (sandbox_analyzer.rs).

mod common;

use common::moto::Moto;
use secdeck::aws::AwsClients;
use secdeck::aws::iam::get_trust_policy;
use secdeck::domain::analyzer::{AccessFinding, Remediation, plan_remediation, plan_rollback_edit};
use secdeck::domain::plan::{Change, ChangePlan};
use secdeck::domain::policy::PolicyDocument;
use secdeck::sandbox::accessanalyzer::world::AccessWorld;
use secdeck::sandbox::seed::Seed;
use secdeck::sandbox::{Sandbox, SandboxConfig};
use serde_json::{Value, json};

/// moto's default account, used for both sides so the role ARNs agree.
const ACCOUNT: &str = "123456789012";

struct RoleCase {
    name: &'static str,
    path: &'static str,
    trust: Value,
    principal: (&'static str, &'static str),
    action: &'static str,
}

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/iam/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn cases() -> Vec<RoleCase> {
    vec![
        RoleCase {
            name: "Audit_CrossAccountRole",
            path: "/",
            trust: json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:user/Alice"}, "Action": "sts:AssumeRole"}]}),
            principal: ("AWS", "arn:aws:iam::999988887777:user/Alice"),
            action: "sts:AssumeRole",
        },
        RoleCase {
            // The IAM guide's cross-account trust with an MFA condition, on a role with a path.
            name: "PartnerWithMfa",
            path: "/partners/eu/",
            trust: fixture("trust-policy-cross-account-root-mfa.json"),
            principal: ("AWS", "123456789012"),
            action: "sts:AssumeRole",
        },
        RoleCase {
            name: "Cognito_appAuth_Role",
            path: "/",
            trust: json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": "sts:AssumeRoleWithWebIdentity"}}),
            principal: ("Federated", "cognito-identity.amazonaws.com"),
            action: "sts:AssumeRoleWithWebIdentity",
        },
    ]
}

fn finding(case: &RoleCase, i: usize) -> AccessFinding {
    AccessFinding {
        id: format!("{i:08}-1c4d-4e6f-9a7b-0c1d2e3f4a5b"),
        analyzer_arn: format!("arn:aws:access-analyzer:us-east-1:{ACCOUNT}:analyzer/a"),
        status: "ACTIVE".into(),
        finding_type: "ExternalAccess".into(),
        resource_type: "AWS::IAM::Role".into(),
        resource: format!("arn:aws:iam::{ACCOUNT}:role{}{}", case.path, case.name),
        account: ACCOUNT.into(),
        principal: vec![(case.principal.0.into(), case.principal.1.into())],
        actions: vec![case.action.into()],
        detailed: true,
        ..Default::default()
    }
}

async fn run_case(clients: &AwsClients, case: &RoleCase, i: usize) -> Vec<String> {
    let mut seen = Vec::new();
    let original = get_trust_policy(&clients.iam, case.name).await.unwrap();
    seen.push(original.clone());
    let f = finding(case, i);
    let Remediation::Edit(edit) = plan_remediation(&f, &original, 2048, false).unwrap() else {
        panic!("{}: expected an edit", case.name)
    };
    let plan = ChangePlan::new(format!("deny-{i}"), Change::TrustPolicyDeny(edit));
    let outcome = secdeck::tasks::analyzer::execute(clients, &plan)
        .await
        .unwrap();
    assert!(outcome.is_complete_success(), "{}: {outcome:?}", case.name);
    let denied = get_trust_policy(&clients.iam, case.name).await.unwrap();
    seen.push(denied.clone());
    // A second run plans nothing.
    assert!(matches!(
        plan_remediation(&f, &denied, 2048, false).unwrap(),
        Remediation::AlreadyApplied { .. }
    ));
    let rollback = plan_rollback_edit(
        &f.resource,
        &f.id,
        &f.analyzer_arn,
        &denied,
        Some(&original),
        false,
    )
    .unwrap();
    let plan = ChangePlan::new(
        format!("rollback-{i}"),
        Change::TrustPolicyRollback(Box::new(rollback)),
    );
    let outcome = secdeck::tasks::analyzer::execute(clients, &plan)
        .await
        .unwrap();
    assert!(outcome.is_complete_success(), "{}: {outcome:?}", case.name);
    let restored = get_trust_policy(&clients.iam, case.name).await.unwrap();
    assert_eq!(
        restored, original,
        "{}: rollback restores the exact text",
        case.name
    );
    seen.push(restored);
    seen
}

#[test]
fn remediation_and_rollback_give_the_same_documents_in_moto_and_the_sandbox() {
    common::big_stack(|| async {
        let cases = cases();
        // moto: create the roles through the SDK, with the same compact text the sandbox keeps.
        let moto = AwsClients::new(&common::sdk::moto_config(
            &Moto::shared().endpoint(),
            "us-east-1",
        ));
        for c in &cases {
            let text = serde_json::to_string(&c.trust).unwrap();
            moto.iam
                .create_role()
                .role_name(c.name)
                .path(c.path)
                .assume_role_policy_document(text)
                .send()
                .await
                .unwrap_or_else(|e| {
                    panic!(
                        "moto CreateRole {}: {e:?}\n{}",
                        c.name,
                        Moto::shared().log()
                    )
                });
        }
        let sandbox = Sandbox::new(SandboxConfig::default(), Seed::default()).unwrap();
        let roles: Vec<Value> = cases
            .iter()
            .map(|c| json!({"account": ACCOUNT, "name": c.name, "path": c.path, "trust": c.trust}))
            .collect();
        let world: AccessWorld = serde_json::from_value(json!({"roles": roles})).unwrap();
        sandbox.load_access_world(&world).unwrap();
        let local = AwsClients::new(&sandbox.sdk_config().await);

        for (i, c) in cases.iter().enumerate() {
            let in_moto = run_case(&moto, c, i).await;
            let in_sandbox = run_case(&local, c, i).await;
            assert_eq!(in_moto, in_sandbox, "{}: documents differ", c.name);
            // The Deny is really there, with an IAM-valid Sid.
            let denied = PolicyDocument::parse(&in_sandbox[1]).unwrap();
            let last = denied.statements().last().cloned().unwrap();
            assert_eq!(last["Effect"], "Deny");
            assert!(
                last["Sid"]
                    .as_str()
                    .unwrap()
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric())
            );
        }
    });
}
