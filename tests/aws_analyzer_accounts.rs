//! Cross-account safety of the trust-policy remediation against the sandbox: a member
//! account's role is never read or written through a same-named role in the session's own
//! account (StackSets deploy one role name in every account).

mod common;

use common::analyzer::*;
use common::*;
use secdeck::aws::iam;
use secdeck::domain::analyzer::{Remediation, plan_remediation};
use secdeck::domain::plan::{Change, ChangePlan};
use secdeck::sandbox::accessanalyzer::world::AccessWorld;

const ROLE: &str = "DataPipelineRole";

/// The demo world plus a role named like the member account's, in the session's account.
async fn with_twin() -> TestEnv {
    let env = TestEnv::findings(Vec::new()).await;
    let mut world = AccessWorld::demo().unwrap();
    let mut twin = world
        .roles
        .iter()
        .find(|r| r.account == MEMBER && r.name == ROLE)
        .cloned()
        .unwrap();
    twin.account = MAIN.into();
    twin.trust = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole"
        }]
    });
    world.roles.push(twin);
    env.sandbox.load_access_world(&world).unwrap();
    env
}

#[test]
fn reading_a_member_role_by_name_in_the_own_account_is_refused() {
    big_stack(|| async {
        let env = with_twin().await;
        let c = env.clients();
        let arn = format!("arn:aws:iam::{MEMBER}:role/{ROLE}");
        let err = iam::get_trust_policy_of(&c.iam, &arn).await.unwrap_err();
        assert_eq!(err.code.as_deref(), Some(iam::ROLE_ACCOUNT_MISMATCH));
        let text = err.to_string();
        assert!(text.contains(MEMBER) && text.contains(MAIN), "{text}");
        // The session's own role of that name still reads through its own ARN.
        let own = format!("arn:aws:iam::{MAIN}:role/{ROLE}");
        assert!(
            iam::get_trust_policy_of(&c.iam, &own)
                .await
                .unwrap()
                .contains("ec2.amazonaws.com")
        );
    });
}

#[test]
fn a_member_role_edit_without_an_assumed_role_writes_nothing_anywhere() {
    big_stack(|| async {
        let env = with_twin().await;
        let (sb, c) = (&env.sandbox, env.clients());
        let f = access_finding(
            sb,
            &c,
            "OrgAnalyzer",
            &format!("arn:aws:iam::{MEMBER}:role/{ROLE}"),
        )
        .await;
        let (own_before, member_before) = (
            sb.role_trust_policy(MAIN, ROLE).unwrap(),
            sb.role_trust_policy(MEMBER, ROLE).unwrap(),
        );
        // What planning by name in the own account used to produce: the twin's document,
        // no assumed role.
        let Remediation::Edit(edit) = plan_remediation(&f, &own_before, 2048, true).unwrap() else {
            panic!("expected an edit");
        };
        assert_eq!(edit.assume_role, None);
        let plan = ChangePlan::new("plan-twin", Change::TrustPolicyDeny(edit));
        let outcome = secdeck::tasks::analyzer::execute(&c, &plan).await.unwrap();
        assert!(outcome.succeeded.is_empty(), "{outcome:?}");
        let failure = &outcome.failed[0];
        assert_eq!(failure.code, iam::ROLE_ACCOUNT_MISMATCH);
        assert!(
            failure.message.contains("nothing was"),
            "{}",
            failure.message
        );
        assert!(
            sb.requests()
                .iter()
                .all(|r| r.operation != "UpdateAssumeRolePolicy"),
            "nothing written"
        );
        assert_eq!(sb.role_trust_policy(MAIN, ROLE).unwrap(), own_before);
        assert_eq!(sb.role_trust_policy(MEMBER, ROLE).unwrap(), member_before);
    });
}
