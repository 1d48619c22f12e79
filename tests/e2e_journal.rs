//! End to end on the journal view (`:journal`): past changes listed from the journal file,
//! and the rollback of an Access Analyzer remediation planned from the journal record
//! alone, after the finding is RESOLVED, restoring the original trust policy exactly.

mod common;

use common::*;
use secdeck::app::State;
use secdeck::app::pipeline::Stage;
use secdeck::config::AccessFlag;
use secdeck::domain::plan::Change;
use secdeck::journal::Journal;

const MAIN: &str = "123456789012";
const ROLE: &str = "Audit_CrossAccountRole";

fn journal_read(s: &State) -> bool {
    s.journal.as_ref().is_some_and(|j| j.rows.is_some())
}

fn writes(console: &ConsoleEnv) -> usize {
    count(console.sandbox(), "UpdateAssumeRolePolicy")
}

/// A demo console in which the seed scenario was just remediated, and the role's trust
/// policy from before.
async fn remediated() -> (ConsoleEnv, String) {
    let mut console = demo_console(AccessFlag::Unset).await;
    let original = console.sandbox().role_trust_policy(MAIN, ROLE).unwrap();
    remediate_seed_scenario(&mut console).await;
    (console, original)
}

/// Remediates the seed scenario from the keyboard and waits for the re-scan: RESOLVED.
async fn remediate_seed_scenario(console: &mut ConsoleEnv) {
    open_analyzer_finding(console, ROLE).await;
    press(console, "x");
    wait_until(console, "the remediation preview", previewing).await;
    press(console, "y");
    wait_until(console, "the remediation", changed).await;
    wait_until(console, "the re-scanned findings", |s| resolved_on(s, ROLE)).await;
}

#[test]
fn a_resolved_remediation_is_rolled_back_from_the_journal_view_exactly() {
    big_stack(|| async {
        let (mut console, original) = remediated().await;
        let sb = console.sandbox().clone();
        assert_ne!(sb.role_trust_policy(MAIN, ROLE).unwrap(), original);

        // From another pane: the journal lists the change with its outcome and who made it.
        press(&mut console, "1");
        press_until(&mut console, ":journal<enter>", "the journal", journal_read).await;
        let text = screen(&console.state);
        assert!(text.contains("Journal · 1 change(s)"), "{text}");
        assert!(
            text.contains("Deny external access to role Audit_CrossAccountRole  ok"),
            "{text}"
        );
        let plan_id = &Journal::read_all(console.journal()).expect("journal")[0].plan_id;
        assert!(
            text.contains(&format!(
                "iam:UpdateAssumeRolePolicy ({plan_id})  by arn:aws:"
            )),
            "who: {text}"
        );
        assert!(text.contains("role/Audit_CrossAccountRole"), "{text}");

        press_until(&mut console, "X", "the rollback preview", |s| {
            matches!(&s.pipeline.stage, Stage::Preview { plan, .. }
                if matches!(plan.change, Change::TrustPolicyRollback(_)))
        })
        .await;
        let preview = screen(&console.state);
        assert!(
            preview.contains("Roll back secdeck's Deny on role Audit_CrossAccountRole"),
            "{preview}"
        );
        assert!(
            preview.contains("\"Effect\": \"Deny\""),
            "the diff: {preview}"
        );
        assert_eq!(writes(&console), 1, "nothing written before approval");
        press_until(&mut console, "y", "the rollback", |s| {
            idle(s)
                && s.journal
                    .as_ref()
                    .and_then(|j| j.rows.as_ref())
                    .is_some_and(|r| r.as_ref().is_ok_and(|r| r.len() == 2))
        })
        .await;
        assert_eq!(sb.role_trust_policy(MAIN, ROLE).unwrap(), original);

        // Twice: the journal knows it was rolled back; nothing is planned or written.
        press(&mut console, "j");
        press(&mut console, "X");
        assert!(
            notified(&console.state, "already rolled back"),
            "{}",
            screen(&console.state)
        );
        assert!(idle(&console.state));
        // The filter narrows the rows to the matching ones.
        press_until(
            &mut console,
            ":journal roll back<enter>",
            "the filtered journal",
            journal_read,
        )
        .await;
        assert_eq!(console.state.journal.as_ref().unwrap().visible().len(), 1);
        drain(&mut console).await;
        assert_eq!(writes(&console), 2);
    });
}

#[test]
fn a_statement_removed_by_hand_is_reported_and_nothing_is_written() {
    big_stack(|| async {
        let (mut console, original) = remediated().await;
        let sb = console.sandbox().clone();
        // Someone restores the role by hand: the statement is gone.
        sb.set_role_trust_policy(MAIN, ROLE, &original);
        press_until(&mut console, ":journal<enter>", "the journal", journal_read).await;
        press_until(&mut console, "X", "the explanation", |s| {
            notified(s, "no longer in the trust policy")
        })
        .await;
        assert!(idle(&console.state));
        assert_eq!(writes(&console), 1);
        assert_eq!(sb.role_trust_policy(MAIN, ROLE).unwrap(), original);
    });
}

#[test]
fn a_read_only_session_views_the_journal_but_cannot_roll_back() {
    big_stack(|| async {
        let mut first = demo_console(AccessFlag::Unset).await;
        remediate_seed_scenario(&mut first).await;
        let first = first.end();
        let mut console = TestEnv::demo()
            .await
            .console_with(AccessFlag::ReadOnly, |parts| {
                parts.journal_path = first.journal.clone();
            })
            .await;
        press_until(&mut console, ":journal<enter>", "the journal", journal_read).await;
        assert_shows(
            &console.state,
            &["Deny external access to role Audit_CrossAccountRole"],
        );
        press(&mut console, "X");
        press(&mut console, "y");
        drain(&mut console).await;
        assert!(idle(&console.state));
        assert_nothing_sent(&mut console).await;
        assert!(notified(&console.state, "read-only"));
    });
}
