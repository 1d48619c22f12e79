//! End to end: block from a finding. In the findings pane `b` collects the finding's remote
//! IPs, offers the IP sets with the web ACL rules that use them, and one approval updates
//! the IP set (UpdateIPSet) and sets the finding NOTIFIED with a note naming the set
//! (BatchUpdateFindings); both verified, journaled, and undone together.

mod common;

use common::*;
use secdeck::app::panes::ipsets::Load;
use secdeck::app::pipeline::Stage;
use secdeck::config::AccessFlag;
use secdeck::journal::Journal;

/// The real GuardDuty SSH brute force finding of the demo world (ASFF from the GuardDuty
/// user guide): the attacker 199.241.229.197 is only in its ProductFields.
const ATTACKER: &str = "199.241.229.197";
/// That finding's AwsAccountId (the sandbox's own account is 123456789012).
const FINDING_ACCOUNT: &str = "193043430472";

/// The demo world in a sandbox playing the SSH finding's account, so its block is where
/// the finding happened (no guardrail), findings loaded.
async fn console_in_the_findings_account() -> ConsoleEnv {
    let config = secdeck::sandbox::SandboxConfig {
        account: FINDING_ACCOUNT.into(),
        ..Default::default()
    };
    let mut console = TestEnv::with_config(config, demo_seed())
        .await
        .console(AccessFlag::Unset)
        .await;
    wait_until(&mut console, "the findings to load", findings_loaded).await;
    console
}

fn picker_ready(state: &secdeck::app::State) -> bool {
    matches!(state.pipeline.stage, Stage::Block(_)) && state.ipsets.load == Load::Loaded
}

/// Moves the picker's cursor to the set called `name`.
fn pick(console: &mut ConsoleEnv, name: &str) {
    let Stage::Block(stage) = &console.state.pipeline.stage else {
        panic!("the picker is not open")
    };
    let at = stage
        .choices(&console.state)
        .iter()
        .position(|i| console.state.ipsets.rows[*i].set.set.name == name)
        .unwrap_or_else(|| panic!("{name} is not offered"));
    press(console, &format!("g{}", "j".repeat(at)));
}

/// The set under the picker's cursor.
fn under_cursor(state: &secdeck::app::State) -> String {
    let Stage::Block(stage) = &state.pipeline.stage else {
        panic!("the picker is not open")
    };
    let i = stage.choices(state)[stage.cursor];
    state.ipsets.rows[i].set.set.name.clone()
}

#[test]
fn block_from_a_finding_updates_the_set_and_the_finding_and_undoes_both() {
    big_stack(|| async {
        let mut console = console_in_the_findings_account().await;
        press(&mut console, &format!("/{ATTACKER}<enter>"));
        let finding = console
            .state
            .findings
            .selected_finding()
            .expect("the brute force finding")
            .clone();
        assert!(finding.title.contains(ATTACKER), "{}", finding.title);

        // The IP sets pane was never opened: the picker loads the sets itself.
        press_until(&mut console, "b", "the IP set picker", picker_ready).await;
        let picker = screen(&console.state);
        assert!(
            picker.contains(&format!("remote IPs {ATTACKER}")),
            "{picker}"
        );
        assert!(
            picker.contains("blocked-attackers-v4") && picker.contains("BLOCK"),
            "the picker shows the rule and its action: {picker}"
        );
        assert!(
            !picker.contains("blocked-attackers-v6"),
            "IPv6 sets are not offered for an IPv4 attacker: {picker}"
        );
        assert!(
            picker.contains(&format!("in account {FINDING_ACCOUNT}, us-east-1"))
                && picker.contains(&format!(
                    "IP sets (REGIONAL) in account {FINDING_ACCOUNT}, us-east-1:"
                )),
            "both sides say where they are: {picker}"
        );
        assert_eq!(
            under_cursor(&console.state),
            "blocked-attackers-v4",
            "the picker starts on the set a rule BLOCKs with"
        );
        press(&mut console, "<enter>");
        let preview = preview_text(&console.state);
        assert!(
            preview.contains(
                "Block 1 remote IP(s) from 1 finding(s) in IP set blocked-attackers-v4 (REGIONAL), findings to NOTIFIED"
            ),
            "{preview}"
        );
        assert!(preview.contains(&format!("+ {ATTACKER}/32")), "{preview}");
        assert!(
            preview.contains("Set workflow NOTIFIED, note \"secdeck: blocked 199.241.229.197 in WAF IP set blocked-attackers-v4 (REGIONAL)\" on 1 finding(s)"),
            "{preview}"
        );

        press_until(&mut console, "y", "the block to finish", changed).await;
        assert_shows(&console.state, &["2 changed and verified"]);
        assert_blocked(console.sandbox(), "blocked-attackers-v4", ATTACKER);
        let stored = console.sandbox().finding(&finding.id).expect("finding");
        assert_eq!(stored["Workflow"]["Status"], "NOTIFIED");
        assert_eq!(
            stored["Note"]["Text"],
            "secdeck: blocked 199.241.229.197 in WAF IP set blocked-attackers-v4 (REGIONAL)"
        );
        assert_eq!(
            mutating(console.sandbox()),
            ["UpdateIPSet 200", "BatchUpdateFindings 200"]
        );
        let entries = Journal::read_all(console.journal()).expect("journal");
        assert_eq!(entries.len(), 2, "intent and outcome of the one plan");
        let outcome = serde_json::to_string(&entries[1]).expect("entry");
        assert!(
            outcome.contains("blocked-attackers-v4") && outcome.contains(&finding.id),
            "the journal names the set and the finding: {outcome}"
        );

        // Undo takes both back: the address out of the set, the finding to NEW.
        press(&mut console, "u");
        let undo = preview_text(&console.state);
        assert!(undo.contains("Undo: Block 1 remote IP(s)"), "{undo}");
        press(&mut console, "y");
        let sb = console.sandbox().clone();
        let id = finding.id.clone();
        wait_until(&mut console, "the undo to finish", |s| {
            idle(s)
                && sb
                    .finding(&id)
                    .is_some_and(|f| f["Workflow"]["Status"] == "NEW")
        })
        .await;
        assert_not_blocked(console.sandbox(), "blocked-attackers-v4", ATTACKER);
        let stored = console.sandbox().finding(&finding.id).expect("finding");
        assert_eq!(stored["Workflow"]["Status"], "NEW");
    });
}

#[test]
fn a_finding_without_a_remote_ip_says_so_and_nothing_happens() {
    big_stack(|| async {
        let mut console = findings_console(AccessFlag::Unset).await;
        press(&mut console, "/IMDSv2<enter>");
        assert!(console.state.findings.selected_finding().is_some());
        press(&mut console, "b");
        assert_eq!(console.state.pipeline.stage, Stage::Idle);
        let text = screen(&console.state);
        assert!(
            text.contains("no remote IP address in finding") && text.contains("nothing to block"),
            "{text}"
        );
        press(&mut console, "y<enter>");
        assert_nothing_sent(&mut console).await;
    });
}

#[test]
fn marked_findings_are_blocked_together() {
    big_stack(|| async {
        let mut console = findings_console(AccessFlag::Unset).await;
        // The three real GuardDuty EC2 network findings (remote 1.1.1.1, 1.2.3.4, 1.22.9.9)
        // and a control finding without any remote IP.
        let wanted = ["1.1.1.1", "1.2.3.4", "1.22.9.9"];
        let ids: Vec<String> = console
            .state
            .findings
            .rows()
            .iter()
            .filter(|f| {
                let ips: Vec<String> = secdeck::domain::remote_ips::remote_ips(&f.raw.value())
                    .iter()
                    .map(|r| r.addr.to_string())
                    .collect();
                wanted.iter().any(|w| ips.contains(&w.to_string())) || f.title.contains("IMDSv2")
            })
            .map(|f| f.id.clone())
            .collect();
        assert!(ids.len() >= 4, "{ids:?}");
        console.state.findings.marks.extend(ids);
        press_until(&mut console, "b", "the IP set picker", picker_ready).await;
        assert_shows(
            &console.state,
            &["marked finding(s) without a remote IP are left alone"],
        );
        pick(&mut console, "blocked-attackers-v4");
        // Only the set this time: the findings stay as they are.
        press(&mut console, "<space><enter>");
        let preview = preview_text(&console.state);
        assert!(
            preview.contains(
                "Block 3 remote IP(s) from 3 finding(s) in IP set blocked-attackers-v4 (REGIONAL)"
            ) && !preview.contains("NOTIFIED"),
            "{preview}"
        );
        press_until(&mut console, "y", "the block", changed).await;
        for w in wanted {
            assert_blocked(console.sandbox(), "blocked-attackers-v4", w);
        }
        assert_eq!(mutating(console.sandbox()), ["UpdateIPSet 200"]);
    });
}

/// Opens the picker on the SSH finding and previews a block into `set`.
async fn preview_block_into(console: &mut ConsoleEnv, set: &str) -> String {
    press(console, &format!("/{ATTACKER}<enter>"));
    press_until(console, "b", "the IP set picker", picker_ready).await;
    pick(console, set);
    press(console, "<enter>");
    preview_text(&console.state)
}

#[test]
fn a_block_into_an_allow_only_set_is_refused_unless_overridden_and_the_override_is_journaled() {
    big_stack(|| async {
        let mut console = console_in_the_findings_account().await;
        // Only the internal API's ALLOW rule uses it: adding the attacker would let it in.
        let preview = preview_block_into(&mut console, "aws-healthchecks-v4").await;
        let guardrail = "guardrail: IP set aws-healthchecks-v4 is used by ALLOW rule internal-api/allow-route53-healthchecks (#1 ALLOW) via And: adding an address lets it in";
        assert!(preview.contains(guardrail), "{preview}");
        let text = screen(&console.state);
        assert!(
            text.contains("! approve past the guardrail") && !text.contains("y approve"),
            "the preview offers the override key, not y: {text}"
        );

        press(&mut console, "y");
        assert_nothing_sent(&mut console).await;
        assert!(previewing(&console.state), "still on the preview");
        assert_shows(
            &console.state,
            &["refused: IP set aws-healthchecks-v4 is used by ALLOW rule"],
        );
        assert_notified(
            &console.state,
            "(! approves anyway; the journal records it)",
        );
        assert!(
            Journal::read_all(console.journal())
                .map(|e| e.is_empty())
                .unwrap_or(true),
            "nothing journaled for a refusal"
        );

        press_until(&mut console, "!", "the overridden block", changed).await;
        assert_blocked(console.sandbox(), "aws-healthchecks-v4", ATTACKER);
        let entries = Journal::read_all(console.journal()).expect("journal");
        for e in &entries {
            assert_eq!(
                e.guardrails_overridden.len(),
                2,
                "intent and outcome name the overridden guardrails: {:?}",
                e.guardrails_overridden
            );
            assert_eq!(
                format!("guardrail: {}", e.guardrails_overridden[0]),
                guardrail
            );
            assert!(e.change.overridden);
        }
    });
}

#[test]
fn a_block_from_a_finding_of_another_account_is_refused_with_both_places_named() {
    big_stack(|| async {
        // The default sandbox is account 123456789012; the SSH finding is 193043430472's.
        let mut console = findings_console(AccessFlag::Unset).await;
        let preview = preview_block_into(&mut console, "blocked-attackers-v4").await;
        assert!(
            preview.contains(&format!(
                "guardrail: finding \"{}\" is in account {FINDING_ACCOUNT}, us-east-1; IP set blocked-attackers-v4 is in account 123456789012, us-east-1",
                console.state.findings.selected_finding().expect("finding").title
            )),
            "{preview}"
        );
        press(&mut console, "y<enter>");
        assert_nothing_sent(&mut console).await;
        assert!(previewing(&console.state));
    });
}
