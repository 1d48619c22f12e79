//! IAM trust policies as GetRole returns them (hostile text from AWS): arbitrary text and
//! arbitrary JSON never panic, refusals name the statement; generated valid trust
//! policies keep their key order through parse -> print and through IAM's percent
//! encoding, and the Deny secdeck adds for an external grant closes exactly that grant and
//! rolls back to the very text it was added to.

use proptest::prelude::*;
use secdeck::domain::policy::eval::{action_matches, external_grants};
use secdeck::domain::policy::{
    DenyPlan, DenyTarget, PolicyDocument, PolicyError, decode_iam_text, encode_iam_text, plan_deny,
    plan_rollback,
};
use serde_json::{Map, Value, json};

use crate::support::{config, json_from, text_from};

/// The words of the document kind; `json_from` adds the punctuation.
const FRAGMENTS: &[&str] = &[
    "\"Version\"",
    "\"2012-10-17\"",
    "\"Statement\"",
    "\"Effect\"",
    "\"Allow\"",
    "\"Deny\"",
    "\"Sid\"",
    "\"Principal\"",
    "\"NotPrincipal\"",
    "\"AWS\"",
    "\"Service\"",
    "\"Federated\"",
    "\"*\"",
    "\"Action\"",
    "\"NotAction\"",
    "\"sts:AssumeRole\"",
    "\"arn:aws:iam::123456789012:root\"",
    "\"123456789012\"",
    "\"Condition\"",
    "null",
    "true",
    "1",
    "%7B",
    "%22",
    "%",
    " ",
];

/// Any JSON value, nested a few levels, biased towards policy-shaped keys.
fn json_value() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        3 => proptest::sample::select(&[
            "Version", "Statement", "Effect", "Sid", "Principal", "NotPrincipal", "AWS",
            "Service", "Federated", "CanonicalUser", "Action", "NotAction", "Condition",
        ][..]).prop_map(str::to_string),
        1 => any::<String>(),
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        proptest::sample::select(
            &[
                "Allow",
                "Deny",
                "*",
                "sts:AssumeRole",
                "sts:*",
                "*:*",
                "123456789012",
                "arn:aws:iam::123456789012:root",
                "arn:aws:iam::*:role/x",
                "AROAEXAMPLEEXAMPLE1",
                "ec2.amazonaws.com",
                "",
            ][..]
        )
        .prop_map(|s| Value::String(s.into())),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            proptest::collection::vec((key.clone(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// What a parsed document must offer: printing, spans per statement, evaluation.
fn check_parsed(doc: &PolicyDocument) -> Result<(), TestCaseError> {
    let again = PolicyDocument::parse(&doc.to_compact()).expect("compact text re-parses");
    prop_assert_eq!(again.to_compact(), doc.to_compact());
    let (lines, spans) = doc.pretty_with_spans();
    prop_assert_eq!(spans.len(), doc.statements().len(), "{}", doc.to_pretty());
    for span in &spans {
        prop_assert!(span.start < span.end && span.end <= lines.len());
    }
    let _ = external_grants(doc, &["123456789012".to_string()]);
    Ok(())
}

fn check_refusal(e: &PolicyError, statements: usize) -> Result<(), TestCaseError> {
    prop_assert!(!e.to_string().is_empty());
    if let PolicyError::BadStatementAt { index, .. } = e {
        prop_assert!(
            *index < statements.max(1),
            "{} of {} statements",
            e,
            statements
        );
    }
    Ok(())
}

fn statement_count(v: &Value) -> usize {
    match v.get("Statement") {
        Some(Value::Array(items)) => items.len(),
        Some(_) => 1,
        None => 0,
    }
}

// ---- valid trust policies ----

fn account() -> impl Strategy<Value = String> {
    "[0-9]{12}"
}

/// A principal entry as IAM accepts it in a trust policy.
fn principal_value() -> impl Strategy<Value = (&'static str, String)> {
    prop_oneof![
        account().prop_map(|a| ("AWS", a)),
        account().prop_map(|a| ("AWS", format!("arn:aws:iam::{a}:root"))),
        (account(), "[A-Za-z0-9+=,.@_-]{1,20}")
            .prop_map(|(a, r)| ("AWS", format!("arn:aws:iam::{a}:role/{r}"))),
        Just(("AWS", "*".to_string())),
        "[a-z]{2,10}".prop_map(|s| ("Service", format!("{s}.amazonaws.com"))),
        "[a-z]{3,10}\\.example\\.com".prop_map(|f| ("Federated", f)),
        account().prop_map(|a| ("Federated", format!("arn:aws:iam::{a}:saml-provider/idp"))),
    ]
}

fn principal() -> impl Strategy<Value = Value> {
    prop_oneof![
        1 => Just(json!("*")),
        6 => proptest::collection::vec(principal_value(), 1..4).prop_map(|entries| {
            let mut map = Map::new();
            for (kind, value) in entries {
                let slot = map.entry(kind).or_insert_with(|| json!([]));
                slot.as_array_mut().unwrap().push(Value::String(value));
            }
            for v in map.values_mut() {
                if v.as_array().unwrap().len() == 1 {
                    *v = v.as_array_mut().unwrap().remove(0);
                }
            }
            Value::Object(map)
        }),
    ]
}

fn actions() -> impl Strategy<Value = Value> {
    let one = proptest::sample::select(
        &[
            "sts:AssumeRole",
            "sts:AssumeRoleWithSAML",
            "sts:AssumeRoleWithWebIdentity",
            "sts:TagSession",
            "sts:*",
            "sts:Assume*",
        ][..],
    );
    prop_oneof![
        one.clone().prop_map(|a| json!(a)),
        proptest::collection::vec(one.clone(), 1..4).prop_map(|mut v| {
            v.dedup();
            json!(v)
        }),
    ]
}

fn statement() -> impl Strategy<Value = Map<String, Value>> {
    (
        proptest::option::of("[A-Za-z0-9]{1,12}"),
        proptest::sample::select(&["Allow", "Deny"][..]),
        principal(),
        actions(),
        proptest::option::of(Just(json!({"StringEquals": {"sts:ExternalId": "x"}}))),
        proptest::bool::ANY,
    )
        .prop_map(|(sid, effect, principal, action, condition, sid_first)| {
            let mut st = Map::new();
            if let (Some(sid), true) = (&sid, sid_first) {
                st.insert("Sid".into(), json!(sid));
            }
            st.insert("Effect".into(), json!(effect));
            st.insert("Principal".into(), principal);
            st.insert("Action".into(), action);
            if let Some(c) = condition {
                st.insert("Condition".into(), c);
            }
            if let (Some(sid), false) = (sid, sid_first) {
                st.insert("Sid".into(), json!(sid));
            }
            st
        })
}

/// A trust policy: statements with distinct Sids, a single object or an array.
fn trust_policy() -> impl Strategy<Value = Value> {
    (
        proptest::collection::vec(statement(), 1..5),
        proptest::bool::ANY,
        proptest::bool::ANY,
    )
        .prop_map(|(mut statements, single, version_last)| {
            let mut seen = Vec::new();
            for st in &mut statements {
                if let Some(Value::String(sid)) = st.get("Sid") {
                    if seen.contains(sid) {
                        st.remove("Sid");
                    } else {
                        seen.push(sid.clone());
                    }
                }
            }
            let body = if single && statements.len() == 1 {
                Value::Object(statements.remove(0))
            } else {
                Value::Array(statements.into_iter().map(Value::Object).collect())
            };
            let mut doc = Map::new();
            if !version_last {
                doc.insert("Version".into(), json!("2012-10-17"));
            }
            doc.insert("Statement".into(), body);
            if version_last {
                doc.insert("Version".into(), json!("2012-10-17"));
            }
            Value::Object(doc)
        })
}

/// A simple reference for `*`/`?` wildcards, case-insensitive: dynamic programming.
fn reference_match(pattern: &str, action: &str) -> bool {
    let (p, a): (Vec<u8>, Vec<u8>) = (pattern.bytes().collect(), action.bytes().collect());
    let mut row = vec![false; a.len() + 1];
    row[0] = true;
    for &pc in &p {
        let mut next = vec![false; a.len() + 1];
        if pc == b'*' {
            next[0] = row[0];
        }
        for j in 1..=a.len() {
            next[j] = match pc {
                b'*' => row[j] || next[j - 1],
                b'?' => row[j - 1],
                c => row[j - 1] && c.eq_ignore_ascii_case(&a[j - 1]),
            };
        }
        row = next;
    }
    row[a.len()]
}

proptest! {
    #![proptest_config(config(1000))]

    #[test]
    fn arbitrary_text_parses_or_is_refused(text in prop_oneof![any::<String>(), json_from(FRAGMENTS, 40)]) {
        match PolicyDocument::parse(&text) {
            Ok(doc) => check_parsed(&doc)?,
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
        match decode_iam_text(&text) {
            Ok(decoded) => { let _ = PolicyDocument::parse(&decoded); }
            Err(e) => prop_assert!(e.to_string().contains("percent-encoded")),
        }
    }

    #[test]
    fn arbitrary_json_is_validated_and_refusals_name_the_statement(v in json_value()) {
        let statements = statement_count(&v);
        match PolicyDocument::from_value(v) {
            Ok(doc) => check_parsed(&doc)?,
            Err(e) => check_refusal(&e, statements)?,
        }
    }

    #[test]
    fn a_statement_spoiled_at_index_i_is_named_as_statement_i(
        policy in trust_policy(),
        pick in any::<proptest::sample::Index>(),
        spoil in proptest::sample::select(&["Effect", "Action", "Principal", "Sid"][..]),
    ) {
        let mut policy = policy;
        let Some(Value::Array(items)) = policy.get_mut("Statement") else { return Ok(()); };
        let at = pick.index(items.len());
        let st = items[at].as_object_mut().unwrap();
        match spoil {
            "Effect" => { st.insert("Effect".into(), json!("Permit")); }
            "Action" => { st.insert("Action".into(), json!([])); }
            "Principal" => { st.insert("Principal".into(), json!({"AWS": "not an arn"})); }
            _ => { st.insert("Sid".into(), json!(7)); }
        }
        let e = PolicyDocument::from_value(policy).expect_err("a spoiled statement is refused");
        prop_assert!(
            matches!(e, PolicyError::BadStatementAt { index, .. } if index == at),
            "{} (spoiled statement {})", e, at
        );
    }

    #[test]
    fn valid_trust_policies_keep_their_text_through_parse_and_iam_encoding(policy in trust_policy()) {
        let compact = policy.to_string();
        let doc = PolicyDocument::parse(&compact).map_err(|e| TestCaseError::fail(format!("{compact}: {e}")))?;
        prop_assert_eq!(doc.to_compact(), compact.clone(), "key order is kept");
        let pretty = doc.to_pretty();
        prop_assert_eq!(PolicyDocument::parse(&pretty).unwrap().to_compact(), compact.clone());
        let decoded = PolicyDocument::decode_iam(&encode_iam_text(&pretty)).unwrap();
        prop_assert_eq!(decoded.to_compact(), compact);
        check_parsed(&doc)?;
    }

    #[test]
    fn the_deny_closes_the_grant_it_was_made_for_and_rolls_back_byte_for_byte(
        policy in trust_policy(),
        pick in any::<proptest::sample::Index>(),
        finding in "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        pretty in proptest::bool::ANY,
    ) {
        let zone = vec!["111111111111".to_string()];
        let doc = PolicyDocument::from_value(policy).unwrap();
        let grants = external_grants(&doc, &zone);
        let Some(grant) = grants.get(pick.index(grants.len().max(1))).filter(|g| !g.principal.is_everyone()) else {
            return Ok(());
        };
        let target = DenyTarget {
            finding_id: finding,
            principal: vec![(grant.principal.kind.key().to_string(), grant.principal.value.clone())],
            actions: grant.actions.clone(),
        };
        let original = if pretty { doc.to_pretty() } else { doc.to_compact() };
        let doc = PolicyDocument::parse(&original).unwrap();
        let (sid, text) = match plan_deny(&doc, &target, 1_000_000) {
            Ok(DenyPlan::Add { sid, text, .. }) => (sid, text),
            Ok(DenyPlan::AlreadyPresent { sid }) => return Err(TestCaseError::fail(format!("{sid} present before"))),
            Err(e) => return Err(TestCaseError::fail(format!("{e}: {original}"))),
        };
        let after = PolicyDocument::parse(&text).unwrap();
        prop_assert_eq!(after.statements().len(), doc.statements().len() + 1);
        let still_open = external_grants(&after, &zone).into_iter().any(|g| {
            g.principal == grant.principal && grant.actions.iter().any(|a| g.actions.contains(a))
        });
        prop_assert!(!still_open, "{} still grants {:?}", text, grant);
        prop_assert!(
            matches!(plan_deny(&after, &target, 1_000_000), Ok(DenyPlan::AlreadyPresent { .. })),
            "running twice adds nothing"
        );
        let rollback = plan_rollback(&after, &sid, Some(&original)).unwrap();
        prop_assert_eq!(rollback.text, original);
    }

    #[test]
    fn wildcard_actions_match_like_a_reference_and_in_bounded_time(
        pattern in text_from(&["*", "?", "s", "t", ":", "a", "A"], 40),
        action in text_from(&["s", "t", ":", "a", "A", "x"], 40),
    ) {
        prop_assert_eq!(action_matches(&pattern, &action), reference_match(&pattern, &action));
    }

    /// Many stars and a tail that does not match: what made a backtracking match take
    /// exponential time (a hostile policy hung the console; this test hung with it).
    #[test]
    fn many_star_patterns_that_fail_at_the_end_are_matched_like_the_reference(
        stars in proptest::collection::vec(proptest::sample::select(&["*", "*a", "a*", "*?", "**"][..]), 10..40),
        tail in proptest::sample::select(&["b", "a", "?", ""][..]),
        action in "a{10,60}b?",
    ) {
        let pattern = format!("{}{tail}", stars.concat());
        prop_assert_eq!(action_matches(&pattern, &action), reference_match(&pattern, &action));
    }
}
