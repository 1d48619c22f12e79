//! Conformance for the IAM part of the Access Analyzer remediation: the same roles, the
//! same remediation and the same rollback, executed by secdeck's executor code through
//! aws-sdk-iam against moto 5.2.5 and against the sandbox, give the same trust policy
//! documents (read back with GetRole and percent-decoded, as IAM returns them). Likewise
//! an unused-permission recommendation applied and undone (policy versions, attachments,
//! inline policies) and the codes of the calls IAM refuses.
//!
//! moto (moto/iam/models.py, policy_validation.py) stores the document text as sent and
//! URL-encodes it in GetRole, like IAM; it checks Sid uniqueness but not IAM's
//! letters-and-digits rule, so only the sandbox is held to that (sandbox_analyzer.rs).

mod common;

use common::moto::Moto;
use common::sdk::refusal_code;
use secdeck::aws::iam::get_trust_policy;
use secdeck::aws::{AwsClients, iam_policies};
use secdeck::domain::analyzer::{
    AccessFinding, CurrentPolicy, Recommendation, RecommendedStep, Remediation,
    plan_recommendation, plan_remediation, plan_rollback_edit,
};
use secdeck::domain::plan::{Change, ChangePlan};
use secdeck::domain::policy::{PolicyDocument, RoleRef};
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

// ---- A role's permissions: the unused-permission recommendation applied and undone ----

const PERM_ROLE: &str = "app-role";

fn s3_policy() -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Sid": "Data", "Effect": "Allow", "Action": ["s3:GetObject", "s3:DeleteBucket"], "Resource": "*"}]})
}

fn ddb_policy() -> Value {
    json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}})
}

fn inline_policy() -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:PutBucketPolicy", "Resource": "arn:aws:s3:::legacy-*"}]})
}

fn policy_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:policy/{name}")
}

/// The role, its two managed policies and its inline policy, created in moto through the SDK.
async fn create_permissions(iam: &aws_sdk_iam::Client) {
    let trust = serde_json::to_string(&cases()[0].trust).unwrap();
    let fail = |what: &str, e: &dyn std::fmt::Debug| -> ! {
        panic!("moto {what}: {e:?}\n{}", Moto::shared().log())
    };
    iam.create_role()
        .role_name(PERM_ROLE)
        .assume_role_policy_document(trust)
        .send()
        .await
        .unwrap_or_else(|e| fail("CreateRole", &e));
    for (name, doc) in [("app-s3", s3_policy()), ("app-ddb", ddb_policy())] {
        iam.create_policy()
            .policy_name(name)
            .policy_document(doc.to_string())
            .send()
            .await
            .unwrap_or_else(|e| fail("CreatePolicy", &e));
        iam.attach_role_policy()
            .role_name(PERM_ROLE)
            .policy_arn(policy_arn(name))
            .send()
            .await
            .unwrap_or_else(|e| fail("AttachRolePolicy", &e));
    }
    iam.put_role_policy()
        .role_name(PERM_ROLE)
        .policy_name("legacy")
        .policy_document(inline_policy().to_string())
        .send()
        .await
        .unwrap_or_else(|e| fail("PutRolePolicy", &e));
}

/// What the role holds, as secdeck's adapter reads it: the default document of each
/// managed policy, which are attached, the inline policy, and the versions' ids.
async fn permissions_state(iam: &aws_sdk_iam::Client) -> Value {
    let mut managed = serde_json::Map::new();
    for name in ["app-s3", "app-ddb"] {
        let arn = policy_arn(name);
        let d = iam_policies::get_default_version(iam, &arn).await.unwrap();
        // IAM lists the newest version first (the sandbox too), moto the oldest: compared sorted.
        let mut versions = iam_policies::list_versions(iam, &arn).await.unwrap();
        versions.sort();
        managed.insert(
            name.into(),
            json!({"default": d.version_id, "document": d.document, "versions": versions}),
        );
    }
    json!({
        "managed": managed,
        "attached": iam_policies::attached_policies(iam, PERM_ROLE).await.unwrap(),
        "inline": iam_policies::get_inline(iam, PERM_ROLE, "legacy").await.unwrap(),
    })
}

/// Plans AWS's recommendation against the role as read now, applies it, undoes it;
/// the state after each, and the error codes of calls IAM refuses.
async fn run_permissions(clients: &AwsClients) -> Vec<Value> {
    let iam = &clients.iam;
    let mut seen = vec![permissions_state(iam).await];
    let narrowed = json!({"Version": "2012-10-17", "Statement": [{"Sid": "Data", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]});
    let rec = Recommendation {
        status: "SUCCEEDED".into(),
        resource: format!("arn:aws:iam::{ACCOUNT}:role/{PERM_ROLE}"),
        steps: vec![
            RecommendedStep::CreatePolicy {
                existing: policy_arn("app-s3"),
                policy: narrowed.to_string(),
                policy_updated_at: None,
            },
            RecommendedStep::DetachPolicy {
                existing: policy_arn("app-ddb"),
            },
            RecommendedStep::DetachPolicy {
                existing: "legacy".into(),
            },
        ],
        error: None,
    };
    let current = vec![
        CurrentPolicy::Managed {
            version_id: "v1".into(),
            document: iam_policies::get_default_version(iam, &policy_arn("app-s3"))
                .await
                .unwrap()
                .document,
        },
        CurrentPolicy::Managed {
            version_id: "v1".into(),
            document: ddb_policy().to_string(),
        },
        CurrentPolicy::Inline {
            document: iam_policies::get_inline(iam, PERM_ROLE, "legacy")
                .await
                .unwrap(),
        },
    ];
    let role = RoleRef::parse(&rec.resource).unwrap();
    let change = plan_recommendation(
        role,
        "f-1",
        "arn:aws:access-analyzer:us-east-1:123456789012:analyzer/u",
        &rec,
        &current,
    )
    .unwrap();
    let plan = ChangePlan::new("apply", Change::UnusedPermissions(Box::new(change)));
    let outcome = secdeck::tasks::analyzer::execute(clients, &plan)
        .await
        .unwrap();
    assert!(outcome.is_complete_success(), "{outcome:?}");
    seen.push(permissions_state(iam).await);
    let undo = plan.undo(&outcome.succeeded, "undo").unwrap();
    let outcome = secdeck::tasks::analyzer::execute(clients, &undo)
        .await
        .unwrap();
    assert!(outcome.is_complete_success(), "{outcome:?}");
    seen.push(permissions_state(iam).await);

    // What IAM refuses, and with which code.
    let arn = policy_arn("app-s3");
    let refusals = json!({
        "delete default": refusal_code(iam.delete_policy_version().policy_arn(&arn).version_id("v1").send()).await,
        "set missing": refusal_code(iam.set_default_policy_version().policy_arn(&arn).version_id("v9").send()).await,
        "detach unattached": refusal_code(iam.detach_role_policy().role_name(PERM_ROLE).policy_arn(policy_arn("nope")).send()).await,
        "get missing inline": refusal_code(iam.get_role_policy().role_name(PERM_ROLE).policy_name("nope").send()).await,
        "delete missing inline": refusal_code(iam.delete_role_policy().role_name(PERM_ROLE).policy_name("nope").send()).await,
        "policy with principal": refusal_code(iam.create_policy_version().policy_arn(&arn).policy_document(cases()[0].trust.to_string()).send()).await,
    });
    // Versions v1, v2 exist; three more fill IAM's five, the sixth is refused.
    for _ in 0..3 {
        iam.create_policy_version()
            .policy_arn(&arn)
            .policy_document(narrowed.to_string())
            .send()
            .await
            .unwrap();
    }
    let sixth = refusal_code(
        iam.create_policy_version()
            .policy_arn(&arn)
            .policy_document(narrowed.to_string())
            .send(),
    )
    .await;
    iam.delete_policy_version()
        .policy_arn(&arn)
        .version_id("v2")
        .send()
        .await
        .unwrap();
    let mut left = iam_policies::list_versions(iam, &arn).await.unwrap();
    left.sort();
    seen.push(json!({"refusals": refusals, "sixth version": sixth, "after delete": left}));
    seen
}

#[test]
fn a_recommendation_applied_and_undone_leaves_the_same_iam_state_in_moto_and_the_sandbox() {
    common::big_stack(|| async {
        let moto = AwsClients::new(&common::sdk::moto_config(
            &Moto::shared().endpoint(),
            "us-east-1",
        ));
        create_permissions(&moto.iam).await;
        let sandbox = Sandbox::new(SandboxConfig::default(), Seed::default()).unwrap();
        let world: AccessWorld = serde_json::from_value(json!({
            "policies": [
                {"account": ACCOUNT, "name": "app-s3", "document": s3_policy()},
                {"account": ACCOUNT, "name": "app-ddb", "document": ddb_policy()},
            ],
            "roles": [{"account": ACCOUNT, "name": PERM_ROLE, "trust": cases()[0].trust,
                "attachedPolicies": ["app-s3", "app-ddb"], "inlinePolicies": {"legacy": inline_policy()}}],
        }))
        .unwrap();
        sandbox.load_access_world(&world).unwrap();
        let local = AwsClients::new(&sandbox.sdk_config().await);

        let in_moto = run_permissions(&moto).await;
        let in_sandbox = run_permissions(&local).await;
        for (step, (m, s)) in ["before", "applied", "undone", "refusals"]
            .iter()
            .zip(in_moto.iter().zip(&in_sandbox))
        {
            assert_eq!(m, s, "{step}: moto and the sandbox differ");
        }
        // Undone is the state before, with v2 kept as a non-default version.
        assert_eq!(in_sandbox[2]["attached"], in_sandbox[0]["attached"]);
        assert_eq!(in_sandbox[2]["inline"], in_sandbox[0]["inline"]);
        assert_eq!(in_sandbox[2]["managed"]["app-s3"]["default"], "v1");
        assert_eq!(in_sandbox[1]["managed"]["app-s3"]["default"], "v2");
    });
}
