//! Policy tests on the real documents in tests/fixtures/{iam,access-analyzer}.

use serde_json::{Value, json};

use super::diff::unified_diff;
use super::eval::{action_matches, external_grants, granting_statements};
use super::sid::is_valid_iam_sid;
use super::*;
use crate::domain::plan::LineKind;

const ROOT_MFA: &str =
    include_str!("../../../tests/fixtures/iam/trust-policy-cross-account-root-mfa.json");
const ROLE_PRINCIPAL: &str =
    include_str!("../../../tests/fixtures/iam/trust-policy-cross-account-role-principal.json");
const EXTERNAL_ID: &str =
    include_str!("../../../tests/fixtures/iam/trust-policy-third-party-external-id.json");
const GET_ROLE_BOUNDARY: &str =
    include_str!("../../../tests/fixtures/iam/get-role-recorded-permissions-boundary.json");
const LIST_ROLES: &str = include_str!("../../../tests/fixtures/iam/list-roles.json");
const UPDATE_ROLE_DESC: &str =
    include_str!("../../../tests/fixtures/iam/update-role-description-trust-account-root.json");
const FINDINGS_ROLES: &str = include_str!(
    "../../../tests/fixtures/access-analyzer/list-findings-recorded-iam-roles-active-resolved.json"
);
const FINDINGS_COGNITO: &str =
    include_str!("../../../tests/fixtures/access-analyzer/list-findings-iam-roles.json");
const FINDINGS_SQS: &str =
    include_str!("../../../tests/fixtures/access-analyzer/list-findings-recorded-sqs-public.json");
const FINDING_V2: &str = include_str!(
    "../../../tests/fixtures/access-analyzer/get-finding-v2-iam-role-external-access.json"
);

fn findings(text: &str) -> Vec<Value> {
    let v: Value = serde_json::from_str(text).unwrap();
    v["findings"].as_array().unwrap().clone()
}

/// A DenyTarget from a ListFindings summary (principal map, action list).
fn target(f: &Value) -> DenyTarget {
    DenyTarget {
        finding_id: f["id"].as_str().unwrap().into(),
        principal: f["principal"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
            .collect(),
        actions: f["action"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().to_string())
            .collect(),
    }
}

fn seed_target() -> DenyTarget {
    DenyTarget {
        finding_id: "5b3f8a2e-1c4d-4e6f-9a7b-0c1d2e3f4a5b".into(),
        principal: vec![("AWS".into(), "arn:aws:iam::999988887777:user/Alice".into())],
        actions: vec!["sts:AssumeRole".into()],
    }
}

fn added(plan: DenyPlan) -> (String, Value, PolicyDocument, String) {
    match plan {
        DenyPlan::Add {
            sid,
            statement,
            after,
            text,
        } => (sid, statement, after, text),
        DenyPlan::AlreadyPresent { sid } => panic!("expected an Add, got AlreadyPresent {sid}"),
    }
}

#[test]
fn key_order_survives_parse_and_print() {
    // serde_json's preserve_order: Action before Principal stays so.
    let doc = PolicyDocument::parse(ROLE_PRINCIPAL).unwrap();
    let compact = doc.to_compact();
    assert!(compact.find("\"Action\"").unwrap() < compact.find("\"Principal\"").unwrap());
    assert!(compact.starts_with("{\"Version\""));
}

#[test]
fn get_role_document_is_percent_decoded() {
    let role: Value = serde_json::from_str(GET_ROLE_BOUNDARY).unwrap();
    let encoded = role["Role"]["AssumeRolePolicyDocument"].as_str().unwrap();
    let doc = PolicyDocument::decode_iam(encoded).unwrap();
    assert_eq!(doc.statements().len(), 1);
    assert_eq!(
        doc.statements()[0]["Principal"],
        json!({"Service": "lambda.amazonaws.com"})
    );
    // Encoding back gives IAM's text.
    assert_eq!(encode_iam_text(&doc.to_compact()), encoded);
}

#[test]
fn decoded_documents_pass_through_decode_iam() {
    let roles: Value = serde_json::from_str(LIST_ROLES).unwrap();
    for r in roles["Roles"].as_array().unwrap() {
        let text = r["AssumeRolePolicyDocument"].to_string();
        assert!(PolicyDocument::decode_iam(&text).is_ok());
    }
}

#[test]
fn malformed_documents_are_refused_with_the_reason() {
    let cases = [
        ("not json", "not valid JSON"),
        ("[]", "must be a JSON object, not an array"),
        ("{\"Version\":\"2012-10-17\"}", "no Statement"),
        (
            "{\"Statement\":\"x\"}",
            "Statement must be an object or an array",
        ),
        (
            "{\"Statement\":[{\"Action\":\"sts:AssumeRole\"}]}",
            "statement 0: has no Effect",
        ),
        (
            "{\"Statement\":[{\"Effect\":\"Maybe\",\"Action\":\"a\"}]}",
            "neither Allow nor Deny",
        ),
        (
            "{\"Statement\":[{\"Effect\":\"Allow\"}]}",
            "exactly one of Action or NotAction",
        ),
        (
            "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[]}]}",
            "Action is an empty list",
        ),
        (
            "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"a\",\"Principal\":{\"Bob\":\"x\"}}]}",
            "unknown principal type \"Bob\"",
        ),
        (
            "{\"Statement\":[{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Action\":\"a\"},{\"Sid\":\"A\",\"Effect\":\"Deny\",\"Action\":\"a\"}]}",
            "more than one statement",
        ),
    ];
    for (text, reason) in cases {
        let err = PolicyDocument::parse(text).unwrap_err().to_string();
        assert!(err.contains(reason), "{text}: {err}");
    }
}

#[test]
fn a_prose_principal_from_the_docs_is_refused() {
    // The IAM guide's placeholder "Example Corp's AWS Account ID" is not a principal.
    let err = PolicyDocument::parse(EXTERNAL_ID).unwrap_err().to_string();
    assert!(
        err.contains("not \\\"*\\\", a 12-digit account id") || err.contains("12-digit account id"),
        "{err}"
    );
}

#[test]
fn principals_of_every_shape_parse_and_normalise() {
    let p = |v: Value| Principal::parse(&v).map(|p| p.entries());
    assert_eq!(p(json!("*")).unwrap()[0].value, "*");
    assert!(p(json!({"AWS": "*"})).unwrap()[0].is_everyone());
    assert_eq!(
        p(json!({"AWS": "999988887777"})).unwrap()[0].value,
        "arn:aws:iam::999988887777:root"
    );
    let list = p(
        json!({"AWS": ["111122223333", "arn:aws:iam::444455556666:role/x/y"],
                        "Service": "ec2.amazonaws.com",
                        "Federated": "cognito-identity.amazonaws.com"}),
    )
    .unwrap();
    assert_eq!(list.len(), 4);
    assert_eq!(list[1].account(), Some("444455556666"));
    assert_eq!(list[2].kind, PrincipalKind::Service);
    assert_eq!(list[3].kind, PrincipalKind::Federated);
    assert!(p(json!({"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"})).is_ok());
    assert!(p(json!("Alice")).unwrap_err().contains("not a principal"));
    assert!(
        p(json!({"AWS": "arn:aws:s3:::bucket"}))
            .unwrap_err()
            .contains("not an IAM or STS ARN")
    );
    assert!(p(json!({})).unwrap_err().contains("empty"));
    assert!(p(json!({"AWS": []})).unwrap_err().contains("empty list"));
}

#[test]
fn sid_mapping_is_reversible_and_iam_valid() {
    for f in findings(FINDINGS_ROLES)
        .iter()
        .chain(findings(FINDINGS_SQS).iter())
    {
        let id = f["id"].as_str().unwrap();
        let sid = sid_for_finding(id).unwrap();
        assert!(is_valid_iam_sid(&sid), "{sid}");
        assert!(!is_valid_iam_sid(id), "a raw UUID is not a valid Sid");
        assert_eq!(finding_id_from_sid(&sid).unwrap(), id);
    }
    assert_eq!(
        sid_for_finding("6d1a2533-bfac-4e07-82b2-7540f68cad26").unwrap(),
        "SecdeckDeny6d1a2533bfac4e0782b27540f68cad26"
    );
    assert_eq!(
        finding_id_from_sid(&sid_for_finding("ABCDEF01-0000-0000-0000-000000000000").unwrap())
            .unwrap(),
        "ABCDEF01-0000-0000-0000-000000000000"
    );
    assert!(matches!(
        sid_for_finding("not-a-uuid"),
        Err(PolicyError::BadFindingId(_))
    ));
    assert!(matches!(
        finding_id_from_sid("efghTrustPolicy"),
        Err(PolicyError::NotOurSid(_))
    ));
    assert!(matches!(
        finding_id_from_sid("SecdeckDenyXYZ"),
        Err(PolicyError::NotOurSid(_))
    ));
}

#[test]
fn role_name_comes_from_the_whole_arn_path_included() {
    let roles: Value = serde_json::from_str(LIST_ROLES).unwrap();
    for r in roles["Roles"].as_array().unwrap() {
        let role = RoleRef::parse(r["Arn"].as_str().unwrap()).unwrap();
        assert_eq!(role.name, r["RoleName"].as_str().unwrap());
        assert_eq!(role.path, r["Path"].as_str().unwrap());
    }
    let deep = RoleRef::parse("arn:aws:iam::644160558196:role/service-role/a/resource-check-role")
        .unwrap();
    assert_eq!(
        (
            deep.name.as_str(),
            deep.path.as_str(),
            deep.account.as_str()
        ),
        ("resource-check-role", "/service-role/a/", "644160558196")
    );
    for bad in [
        "arn:aws:iam::644160558196:user/x",
        "arn:aws:s3:::b",
        "arn:aws:iam::12:role/x",
        "arn:aws:iam::644160558196:role/",
    ] {
        assert!(
            matches!(RoleRef::parse(bad), Err(PolicyError::NotRoleArn(_))),
            "{bad}"
        );
    }
}

#[test]
fn deny_is_appended_with_the_finding_principal_and_sts_actions() {
    let doc = PolicyDocument::parse(ROOT_MFA).unwrap();
    let (sid, statement, after, text) =
        added(plan_deny(&doc, &seed_target(), DEFAULT_TRUST_POLICY_MAX_CHARS).unwrap());
    assert_eq!(
        statement,
        json!({"Sid": sid, "Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::999988887777:user/Alice"}, "Action": "sts:AssumeRole"})
    );
    assert_eq!(after.statements().len(), 2);
    assert_eq!(
        after.statements()[0],
        doc.statements()[0],
        "the original statement is untouched"
    );
    assert_eq!(PolicyDocument::parse(&text).unwrap(), after);
}

#[test]
fn running_twice_adds_nothing() {
    let doc = PolicyDocument::parse(ROOT_MFA).unwrap();
    let (_, _, after, _) = added(plan_deny(&doc, &seed_target(), 2048).unwrap());
    match plan_deny(&after, &seed_target(), 2048).unwrap() {
        DenyPlan::AlreadyPresent { sid } => {
            assert_eq!(sid, sid_for_finding(&seed_target().finding_id).unwrap())
        }
        other => panic!("second run planned {other:?}"),
    }
}

#[test]
fn recorded_role_findings_plan_with_account_ids_as_root_arns() {
    let doc = PolicyDocument::parse(ROOT_MFA).unwrap();
    for f in findings(FINDINGS_ROLES) {
        let (_, statement, _, _) = added(plan_deny(&doc, &target(&f), 2048).unwrap());
        let aws = statement["Principal"]["AWS"].as_str().unwrap();
        assert!(aws.starts_with("arn:aws:"), "{aws}");
        if f["principal"]["AWS"] == "644160558196" {
            assert_eq!(aws, "arn:aws:iam::644160558196:root");
        }
    }
}

#[test]
fn federated_findings_deny_the_federated_principal_and_web_identity_action() {
    let doc = PolicyDocument::parse(ROOT_MFA).unwrap();
    for f in findings(FINDINGS_COGNITO) {
        let (_, statement, _, _) = added(plan_deny(&doc, &target(&f), 2048).unwrap());
        assert_eq!(
            statement["Principal"],
            json!({"Federated": "cognito-identity.amazonaws.com"})
        );
        assert_eq!(statement["Action"], json!("sts:AssumeRoleWithWebIdentity"));
    }
    // The V2 shape carries the same details under findingDetails[].externalAccessDetails.
    let v2: Value = serde_json::from_str(FINDING_V2).unwrap();
    let d = &v2["findingDetails"][0]["externalAccessDetails"];
    let t = target(&json!({"id": v2["id"], "principal": d["principal"], "action": d["action"]}));
    assert!(matches!(
        plan_deny(&doc, &t, 2048),
        Ok(DenyPlan::Add { .. })
    ));
}

#[test]
fn public_canonical_and_actionless_findings_are_refused_with_reasons() {
    let doc = PolicyDocument::parse(ROOT_MFA).unwrap();
    let sqs = target(&findings(FINDINGS_SQS)[0]);
    let err = plan_deny(&doc, &sqs, 2048).unwrap_err().to_string();
    assert!(err.contains("public access"), "{err}");
    let mut t = seed_target();
    t.principal = vec![(
        "CanonicalUser".into(),
        "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be".into(),
    )];
    assert!(
        plan_deny(&doc, &t, 2048)
            .unwrap_err()
            .to_string()
            .contains("S3 policies")
    );
    let mut t = seed_target();
    t.actions = vec!["s3:GetObject".into()];
    assert_eq!(
        plan_deny(&doc, &t, 2048).unwrap_err(),
        PolicyError::NoStsActions
    );
    let mut t = seed_target();
    t.principal = vec![("AWS".into(), "Example Corp's AWS Account ID".into())];
    assert!(matches!(
        plan_deny(&doc, &t, 2048),
        Err(PolicyError::BadPrincipal(_))
    ));
    let mut t = seed_target();
    t.principal.clear();
    assert!(matches!(
        plan_deny(&doc, &t, 2048),
        Err(PolicyError::BadPrincipal(_))
    ));
}

#[test]
fn several_sts_actions_become_a_list_without_duplicates() {
    let doc = PolicyDocument::parse(ROOT_MFA).unwrap();
    let mut t = seed_target();
    t.actions = vec![
        "sts:AssumeRole".into(),
        "sts:TagSession".into(),
        "sts:AssumeRole".into(),
        "iam:PassRole".into(),
    ];
    let (_, st, _, _) = added(plan_deny(&doc, &t, 2048).unwrap());
    assert_eq!(st["Action"], json!(["sts:AssumeRole", "sts:TagSession"]));
}

#[test]
fn the_size_limit_is_checked_before_writing() {
    let mut big = serde_json::from_str::<Value>(ROOT_MFA).unwrap();
    let list: Vec<String> = (0..60)
        .map(|i| format!("arn:aws:iam::1111222233{i:02}:root"))
        .collect();
    big["Statement"][0]["Principal"]["AWS"] = json!(list);
    let doc = PolicyDocument::from_value(big).unwrap();
    assert!(doc.size() <= 2048 + 200, "fixture sanity: {}", doc.size());
    let limit = doc.size() + 10;
    match plan_deny(&doc, &seed_target(), limit) {
        Err(PolicyError::TooLarge { len, limit: l }) => {
            assert!(len > l);
            assert_eq!(l, limit);
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
    assert!(plan_deny(&doc, &seed_target(), 4096).is_ok());
}

#[test]
fn whitespace_does_not_count_towards_the_size() {
    let doc = PolicyDocument::parse(ROOT_MFA).unwrap();
    assert_eq!(iam_size(&doc.to_pretty()), iam_size(&doc.to_compact()));
    assert!(iam_size(ROOT_MFA) < ROOT_MFA.len());
}

#[test]
fn rollback_restores_the_original_text_exactly() {
    for original in [ROOT_MFA, ROLE_PRINCIPAL] {
        let doc = PolicyDocument::parse(original).unwrap();
        let (sid, _, after, _) = added(plan_deny(&doc, &seed_target(), 2048).unwrap());
        let rb = plan_rollback(&after, &sid, Some(original)).unwrap();
        assert_eq!(rb.text, original);
        assert_eq!(rb.after, doc);
    }
}

#[test]
fn rollback_of_a_single_object_statement_gives_the_object_back() {
    let original = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:user/Alice"},"Action":"sts:AssumeRole"}}"#;
    let doc = PolicyDocument::parse(original).unwrap();
    let (sid, _, after, _) = added(plan_deny(&doc, &seed_target(), 2048).unwrap());
    assert!(!after.statement_is_object());
    let rb = plan_rollback(&after, &sid, Some(original)).unwrap();
    assert_eq!(rb.text, original);
    // Without the original, the array form stays and only our statement goes.
    let rb = plan_rollback(&after, &sid, None).unwrap();
    assert_eq!(rb.after.statements(), doc.statements());
}

#[test]
fn rollback_keeps_edits_made_since_and_removes_only_our_statement() {
    let doc = PolicyDocument::parse(ROOT_MFA).unwrap();
    let (sid, _, after, _) = added(plan_deny(&doc, &seed_target(), 2048).unwrap());
    let mut edited = after.value().clone();
    edited["Statement"].as_array_mut().unwrap().push(json!({"Sid": "Later", "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}));
    let edited = PolicyDocument::from_value(edited).unwrap();
    let rb = plan_rollback(&edited, &sid, Some(ROOT_MFA)).unwrap();
    assert_ne!(rb.text, ROOT_MFA);
    let sids: Vec<Option<&str>> = rb
        .after
        .statements()
        .iter()
        .map(|s| s.get("Sid").and_then(Value::as_str))
        .collect();
    assert_eq!(sids, vec![None, Some("Later")]);
    assert_eq!(
        plan_rollback(&doc, &sid, None).unwrap_err(),
        PolicyError::SidNotFound(sid)
    );
}

#[test]
fn the_preview_is_a_unified_diff_adding_only_the_deny() {
    let doc = PolicyDocument::parse(ROOT_MFA).unwrap();
    let (sid, _, after, _) = added(plan_deny(&doc, &seed_target(), 2048).unwrap());
    let lines = unified_diff(&doc, &after, "trust policy");
    assert!(lines[0].text.starts_with("--- trust policy"));
    assert!(
        lines
            .iter()
            .any(|l| l.kind == LineKind::Header && l.text.starts_with("@@ "))
    );
    let added_text: Vec<&str> = lines
        .iter()
        .filter(|l| l.kind == LineKind::Added)
        .map(|l| l.text.as_str())
        .collect();
    assert!(added_text.iter().any(|t| t.contains(&sid)));
    assert!(
        added_text
            .iter()
            .any(|t| t.contains("\"Effect\": \"Deny\""))
    );
    // Appending removes nothing from the current document.
    assert!(!lines.iter().any(|l| l.kind == LineKind::Removed));
    let rb = plan_rollback(&after, &sid, Some(ROOT_MFA)).unwrap();
    let back = unified_diff(&after, &rb.after, "trust policy");
    assert!(!back.iter().any(|l| l.kind == LineKind::Added));
    assert!(
        back.iter()
            .any(|l| l.kind == LineKind::Removed && l.text.contains(&sid))
    );
}

#[test]
fn statement_spans_cover_each_statement_in_the_pretty_text() {
    let doc = PolicyDocument::parse(ROOT_MFA).unwrap();
    let (_, _, after, _) = added(plan_deny(&doc, &seed_target(), 2048).unwrap());
    let (lines, spans) = after.pretty_with_spans();
    assert_eq!(spans.len(), 2);
    assert!(lines[spans[1].clone()].iter().any(|l| l.contains("Deny")));
    assert!(!lines[spans[0].clone()].iter().any(|l| l.contains("Deny")));
    let single = PolicyDocument::parse(r#"{"Statement":{"Effect":"Allow","Action":"a"}}"#).unwrap();
    assert_eq!(single.pretty_with_spans().1.len(), 1);
}

#[test]
fn evaluation_reports_external_grants_until_denied() {
    let doc = PolicyDocument::parse(ROLE_PRINCIPAL).unwrap();
    let zone = vec!["222222222222".to_string()];
    let grants = external_grants(&doc, &zone);
    assert_eq!(grants.len(), 1);
    assert_eq!(
        grants[0].principal.value,
        "arn:aws:iam::111111111111:role/abcd"
    );
    assert_eq!(grants[0].actions, vec!["sts:AssumeRole"]);
    // Inside the zone of trust: no finding.
    assert!(external_grants(&doc, &["111111111111".to_string()]).is_empty());
    // Denied: resolved.
    let t = DenyTarget {
        finding_id: "6d1a2533-bfac-4e07-82b2-7540f68cad26".into(),
        principal: vec![("AWS".into(), "arn:aws:iam::111111111111:role/abcd".into())],
        actions: vec!["sts:AssumeRole".into()],
    };
    let (_, _, after, _) = added(plan_deny(&doc, &t, 2048).unwrap());
    assert!(external_grants(&after, &zone).is_empty());
}

#[test]
fn evaluation_handles_root_public_federated_and_service_principals() {
    let zone = vec!["123456789012".to_string()];
    let doc = PolicyDocument::from_value(json!({"Statement": [
        {"Effect": "Allow", "Principal": {"AWS": ["999988887777", "123456789012"]}, "Action": "sts:AssumeRole"},
        {"Effect": "Allow", "Principal": "*", "Action": "sts:*", "Condition": {"StringEquals": {"sts:ExternalId": "x"}}},
        {"Effect": "Allow", "Principal": {"Federated": "accounts.google.com"}, "Action": "sts:AssumeRoleWithWebIdentity"},
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"},
        {"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::999988887777:root"}, "Action": "sts:AssumeRole", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}
    ]})).unwrap();
    let grants = external_grants(&doc, &zone);
    let who: Vec<&str> = grants.iter().map(|g| g.principal.value.as_str()).collect();
    // A conditional Deny does not take the grant back.
    assert_eq!(
        who,
        vec!["arn:aws:iam::999988887777:root", "*", "accounts.google.com"]
    );
    assert!(!grants[1].is_public, "a condition narrows public access");
    // A Deny on the root ARN covers the account's users.
    let root = Principal::parse(&json!({"AWS": "999988887777"})).unwrap();
    assert!(root.covers(
        &PrincipalEntry::new(PrincipalKind::Aws, "arn:aws:iam::999988887777:user/Alice").unwrap()
    ));
    assert_eq!(granting_statements(&doc, &root.entries()), vec![0, 1]);
}

#[test]
fn action_wildcards_match_case_insensitively() {
    assert!(action_matches("sts:*", "sts:AssumeRole"));
    assert!(action_matches("*", "sts:AssumeRoleWithSAML"));
    assert!(action_matches("STS:assumerole", "sts:AssumeRole"));
    assert!(action_matches("sts:Assume?ole", "sts:AssumeRole"));
    assert!(!action_matches("sts:AssumeRole", "sts:AssumeRoleWithSAML"));
}

#[test]
fn many_wildcards_in_a_hostile_policy_are_matched_without_backtracking_blowup() {
    // Found by tests/fuzz/policy.rs: the recursive match tried every way of splitting the
    // action between the stars, C(74, 34) ways here, and hung the console on such a policy.
    let pattern = format!("{}x", "*".repeat(40));
    assert!(!action_matches(&pattern, &"a".repeat(34)));
    assert!(action_matches(&pattern, &format!("{}x", "a".repeat(34))));
    assert!(action_matches("s*s:*Role", "sts:AssumeRole"));
    assert!(!action_matches("s*s:*Role?", "sts:AssumeRole"));
    assert!(action_matches("**", ""));
}

#[test]
fn update_role_description_document_with_empty_condition_parses() {
    let role: Value = serde_json::from_str(UPDATE_ROLE_DESC).unwrap();
    let doc = PolicyDocument::from_value(role["Role"]["AssumeRolePolicyDocument"].clone()).unwrap();
    let grants = external_grants(&doc, &["999999999999".to_string()]);
    assert_eq!(grants[0].principal.account(), Some("123456789012"));
}
