//! End to end: the reference Lambda's known faults and bad input, on the console. Running
//! twice adds nothing, an oversized or malformed trust policy is refused before anything
//! is written, and an IAM error is shown and journaled, not only logged.

mod common;

use common::*;
use secdeck::config::AccessFlag;
use secdeck::domain::analyzer::{Remediation, plan_remediation};
use secdeck::journal::{Journal, Phase, ResultStatus};
use secdeck::sandbox::Fault;

const MAIN: &str = "123456789012";
const ROLE: &str = "Audit_CrossAccountRole";

/// The console on the seed scenario's finding, in the Access Analyzer pane.
async fn on_seed_finding() -> ConsoleEnv {
    let mut console = demo_console(AccessFlag::Unset).await;
    press_until(&mut console, "2", "the analyzer findings", analyzer_loaded).await;
    select_resource(&mut console, ROLE);
    console
}

/// Presses `x` and waits until the console says something containing `text`.
async fn remediate_expecting(console: &mut ConsoleEnv, text: &str) {
    press(console, "x");
    wait_until(console, text, |s| notified(s, text)).await;
    drain(console).await;
    assert!(idle(&console.state), "no preview");
    assert_eq!(
        count(console.sandbox(), "UpdateAssumeRolePolicy"),
        0,
        "nothing written"
    );
}

/// On the seed finding, `x` then `y` with the preview in between: the remediation is
/// approved, whatever then happens.
async fn approve_remediation(console: &mut ConsoleEnv) {
    press(console, "x");
    wait_until(console, "the preview", previewing).await;
    press(console, "y");
}

#[test]
fn running_twice_adds_no_second_statement() {
    big_stack(|| async {
        let mut console = on_seed_finding().await;
        let sb = console.sandbox().clone();
        // Another run (a colleague, the old Lambda) already added secdeck's Deny; the
        // finding still shows ACTIVE here because no scan ran since.
        let finding = console.state.analyzer.selected_finding().unwrap().clone();
        let current = sb.role_trust_policy(MAIN, ROLE).unwrap();
        let Ok(Remediation::Edit(edit)) = plan_remediation(&finding, &current, 2048, false) else {
            panic!("the seed scenario plans a Deny");
        };
        sb.set_role_trust_policy(MAIN, ROLE, &edit.after);
        remediate_expecting(&mut console, "already remediated").await;
        assert_eq!(sb.role_trust_policy(MAIN, ROLE).unwrap(), edit.after);
    });
}

#[test]
fn a_trust_policy_that_would_grow_past_the_size_limit_is_refused_before_writing() {
    big_stack(|| async {
        let mut console = on_seed_finding().await;
        let sb = console.sandbox().clone();
        // The original grant plus partner accounts, just under IAM's 2048 characters.
        let mut doc: serde_json::Value =
            serde_json::from_str(&sb.role_trust_policy(MAIN, ROLE).unwrap()).unwrap();
        let statements = doc["Statement"].as_array_mut().unwrap();
        statements.push(serde_json::json!({
            "Sid": "Partners", "Effect": "Allow", "Action": "sts:AssumeRole",
            "Principal": {"AWS": []}
        }));
        let mut text = doc.to_string();
        for i in 0.. {
            let principals = &mut doc["Statement"].as_array_mut().unwrap().last_mut().unwrap()["Principal"]
                ["AWS"];
            principals
                .as_array_mut()
                .unwrap()
                .push(format!("arn:aws:iam::2000000000{i:02}:root").into());
            let next = doc.to_string();
            if next.len() > 2000 {
                break;
            }
            text = next;
        }
        assert!(sb.set_role_trust_policy(MAIN, ROLE, &text));
        remediate_expecting(&mut console, "2048").await;
        let text_shown = screen(&console.state);
        assert!(text_shown.contains(ROLE), "{text_shown}");
    });
}

#[test]
fn a_malformed_trust_policy_is_refused_with_the_reason() {
    big_stack(|| async {
        let mut console = on_seed_finding().await;
        let sb = console.sandbox().clone();
        assert!(sb.set_role_trust_policy(MAIN, ROLE, "{\"Version\":\"2012-10-17\",\"Statement\":"));
        remediate_expecting(&mut console, "not valid JSON").await;
        assert!(notified(&console.state, ROLE));
    });
}

#[test]
fn an_iam_error_on_write_is_shown_and_journaled_and_changes_nothing() {
    big_stack(|| async {
        let mut console = on_seed_finding().await;
        let sb = console.sandbox().clone();
        let original = sb.role_trust_policy(MAIN, ROLE).unwrap();
        sb.inject_fault(Fault::next(
            "UpdateAssumeRolePolicy",
            1,
            400,
            "UnmodifiableEntity",
        ));
        approve_remediation(&mut console).await;
        wait_until(&mut console, "the failure", |s| {
            idle(s) && notified(s, "UnmodifiableEntity")
        })
        .await;
        assert_eq!(sb.role_trust_policy(MAIN, ROLE).unwrap(), original);
        let entries = Journal::read_all(console.journal()).unwrap();
        assert_eq!(
            entries.iter().map(|e| e.phase).collect::<Vec<_>>(),
            [Phase::Intent, Phase::Outcome]
        );
        let result = entries[1].result.as_ref().unwrap();
        assert_eq!(result.status, ResultStatus::Failed);
        assert!(
            format!("{result:?}").contains("UnmodifiableEntity"),
            "{result:?}"
        );
    });
}

#[test]
fn a_failed_rescan_after_the_change_is_shown_not_only_logged() {
    big_stack(|| async {
        let mut console = on_seed_finding().await;
        let sb = console.sandbox().clone();
        sb.inject_fault(Fault::next(
            "StartResourceScan",
            1,
            403,
            "AccessDeniedException",
        ));
        approve_remediation(&mut console).await;
        wait_until(&mut console, "the re-scan failure", |s| {
            idle(s)
                && notified(s, "StartResourceScan failed")
                && notified(s, "AccessDeniedException")
        })
        .await;
        // The Deny itself was written and stands.
        assert!(
            sb.role_trust_policy(MAIN, ROLE)
                .unwrap()
                .contains("\"Deny\"")
        );
    });
}

#[test]
fn a_finding_whose_details_fail_to_load_is_named_to_the_user() {
    big_stack(|| async {
        let (mut console, sb) = demo_and_sandbox().await;
        sb.inject_fault(Fault::next("GetFindingV2", 1, 403, "AccessDeniedException"));
        press_until(&mut console, "2", "the analyzer findings", analyzer_loaded).await;
        wait_until(&mut console, "the warning", |s| {
            notified(s, "GetFindingV2 failed for") && notified(s, "AccessDeniedException")
        })
        .await;
        let shown = console
            .state
            .notifications
            .iter()
            .map(|n| n.message.clone())
            .collect::<Vec<_>>();
        assert!(
            shown.iter().any(|m| m.contains("no principal or actions")),
            "{shown:?}"
        );
    });
}

#[test]
fn after_the_change_the_finding_is_polled_until_the_rescan_shows_its_new_status() {
    big_stack(|| async {
        let mut console = on_seed_finding().await;
        let sb = console.sandbox().clone();
        press_until(&mut console, "x", "the preview", previewing).await;
        sb.clear_requests();
        press_until(&mut console, "y", "the polled status", |s| {
            notified(s, "after the re-scan, the finding on") && notified(s, "is RESOLVED")
        })
        .await;
        let ops: Vec<String> = sb.requests().into_iter().map(|r| r.operation).collect();
        let scan = ops.iter().position(|o| o == "StartResourceScan").unwrap();
        assert!(
            ops[scan..].iter().any(|o| o == "GetFindingV2"),
            "GetFindingV2 after the scan: {ops:?}"
        );
        wait_until(&mut console, "the row's new status", |s| {
            resolved_on(s, ROLE)
        })
        .await;
    });
}
