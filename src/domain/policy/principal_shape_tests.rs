//! The reference Lambda's principal faults, one finding shape at a time: what the Deny
//! names for each shape a finding can carry, and the shapes refused with a reason.

use serde_json::{Value, json};

use super::*;

const ROOT_MFA: &str =
    include_str!("../../../tests/fixtures/iam/trust-policy-cross-account-root-mfa.json");

fn target(principal: &[(&str, &str)], actions: &[&str]) -> DenyTarget {
    DenyTarget {
        finding_id: "5b3f8a2e-1c4d-4e6f-9a7b-0c1d2e3f4a5b".into(),
        principal: principal
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        actions: actions.iter().map(|a| a.to_string()).collect(),
    }
}

fn deny(principal: &[(&str, &str)], actions: &[&str]) -> Result<Value, PolicyError> {
    let doc = PolicyDocument::parse(ROOT_MFA).unwrap();
    match plan_deny(
        &doc,
        &target(principal, actions),
        DEFAULT_TRUST_POLICY_MAX_CHARS,
    )? {
        DenyPlan::Add {
            statement, text, ..
        } => {
            // Whatever is planned is a document IAM's rules accept.
            PolicyDocument::parse(&text).unwrap();
            Ok(statement)
        }
        DenyPlan::AlreadyPresent { sid } => panic!("nothing to add? {sid}"),
    }
}

#[test]
fn every_principal_shape_a_finding_carries_becomes_the_deny_principal() {
    let assume = ["sts:AssumeRole"];
    let cases: [(&[(&str, &str)], Value); 7] = [
        // A bare account id means the account's root, as IAM writes it.
        (
            &[("AWS", "999988887777")],
            json!({"AWS": "arn:aws:iam::999988887777:root"}),
        ),
        (
            &[("AWS", "arn:aws:iam::999988887777:user/Alice")],
            json!({"AWS": "arn:aws:iam::999988887777:user/Alice"}),
        ),
        // A role with a path keeps its whole ARN.
        (
            &[(
                "AWS",
                "arn:aws:iam::444455556666:role/service-role/team/Deployer",
            )],
            json!({"AWS": "arn:aws:iam::444455556666:role/service-role/team/Deployer"}),
        ),
        (
            &[("AWS", "arn:aws:sts::444455556666:assumed-role/Ops/jdoe")],
            json!({"AWS": "arn:aws:sts::444455556666:assumed-role/Ops/jdoe"}),
        ),
        (
            &[("Service", "ec2.amazonaws.com")],
            json!({"Service": "ec2.amazonaws.com"}),
        ),
        (
            &[("Federated", "arn:aws:iam::123456789012:saml-provider/Okta")],
            json!({"Federated": "arn:aws:iam::123456789012:saml-provider/Okta"}),
        ),
        // Several kinds at once: every one of them is denied.
        (
            &[
                ("AWS", "777788889999"),
                ("Federated", "cognito-identity.amazonaws.com"),
            ],
            json!({"AWS": "arn:aws:iam::777788889999:root", "Federated": "cognito-identity.amazonaws.com"}),
        ),
    ];
    for (principal, expected) in cases {
        let st = deny(principal, &assume).unwrap_or_else(|e| panic!("{principal:?}: {e}"));
        assert_eq!(st["Principal"], expected, "{principal:?}");
        assert_eq!(st["Effect"], "Deny");
        assert_eq!(st["Action"], "sts:AssumeRole");
    }
}

#[test]
fn principals_that_cannot_be_denied_safely_are_refused_with_the_reason() {
    let assume = ["sts:AssumeRole"];
    let cases: [(&[(&str, &str)], &str); 6] = [
        (&[("AWS", "*")], "public access"),
        (&[("Federated", "*")], "public access"),
        (
            &[(
                "CanonicalUser",
                "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be",
            )],
            "S3 policies",
        ),
        (&[("Bob", "x")], "unknown principal type"),
        (&[("AWS", "arn:aws:s3:::bucket")], "not an IAM or STS ARN"),
        (&[], "names no principal"),
    ];
    for (principal, reason) in cases {
        let err = deny(principal, &assume).unwrap_err().to_string();
        assert!(err.contains(reason), "{principal:?}: {err}");
    }
    // Only sts actions are denied in a trust policy; none at all is refused, not guessed.
    let err = deny(&[("AWS", "999988887777")], &["s3:GetObject"]).unwrap_err();
    assert_eq!(err, PolicyError::NoStsActions);
}
