//! End to end on the WAF IP sets pane: the whole console on the in-process sandbox,
//! driven by keys. An edit raced by another writer between the executor's read and write
//! keeps both changes; invalid input sends nothing; a read-only session cannot edit.

mod e2e_support;

use e2e_support::*;
use secdeck::app::ipsets::Load;
use secdeck::app::pipeline::Stage;
use secdeck::config::AccessFlag;
use secdeck::journal::Journal;

fn loaded(state: &secdeck::app::State) -> bool {
    state.ipsets.load == Load::Loaded && !state.ipsets.rows.is_empty()
}

fn mutating(console: &secdeck::runtime::Console) -> Vec<String> {
    sandbox(console)
        .requests()
        .into_iter()
        .filter(|r| r.mutating)
        .map(|r| format!("{} {}", r.operation, r.status))
        .collect()
}

#[test]
fn an_edit_raced_by_another_writer_keeps_both_changes() {
    run(|| async {
        let dir = tempfile::tempdir().expect("tempdir");
        let journal = dir.path().join("journal.jsonl");
        let mut console = demo_console(AccessFlag::Unset, &journal).await;
        press(&mut console, "3");
        wait_until(&mut console, "the IP sets to load", loaded).await;
        // blocked-attackers-v4 is the second row; add one address and one already there.
        press(&mut console, "j<enter>+192.0.2.99 198.51.100.0/24<enter>");
        let preview = screen(&console.state);
        assert!(
            preview.contains("Update IP set blocked-attackers-v4 (REGIONAL): +1 -0, 4 -> 5"),
            "{preview}"
        );
        // Another console adds an address right after our executor reads the set.
        sandbox(&console).race_next_ip_set_read("blocked-attackers-v4", &["203.0.113.250/32"]);
        press(&mut console, "y");
        wait_until(&mut console, "the change and the reload", |s| {
            matches!(s.pipeline.stage, Stage::Idle)
                && s.ipsets.load == Load::Loaded
                && s.ipsets
                    .open_row()
                    .is_some_and(|r| r.set.addresses.len() == 6)
        })
        .await;
        let now = sandbox(&console)
            .ip_set_addresses("blocked-attackers-v4")
            .expect("set");
        assert!(now.contains(&"192.0.2.99/32".to_string()), "{now:?}");
        assert!(now.contains(&"203.0.113.250/32".to_string()), "{now:?}");
        assert_eq!(mutating(&console), ["UpdateIPSet 400", "UpdateIPSet 200"]);
        let text = screen(&console.state);
        assert!(text.contains("6 / 10000 addresses"), "{text}");
        let entries = Journal::read_all(&journal).expect("journal");
        assert_eq!(entries.len(), 2, "intent and outcome");
    });
}

#[test]
fn invalid_input_is_refused_and_nothing_is_sent() {
    run(|| async {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut console = demo_console(AccessFlag::Unset, &dir.path().join("j.jsonl")).await;
        press(&mut console, "3");
        wait_until(&mut console, "the IP sets to load", loaded).await;
        press(&mut console, "j<enter>+10.0.0/8 2001:db8::/32<enter>y");
        drain(&mut console).await;
        let text = screen(&console.state);
        assert!(
            text.contains("\"10.0.0/8\" is not an IP address or CIDR range"),
            "{text}"
        );
        assert!(mutating(&console).is_empty());
    });
}

#[test]
fn a_read_only_session_cannot_edit_ip_sets() {
    run(|| async {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut console = demo_console(AccessFlag::ReadOnly, &dir.path().join("j.jsonl")).await;
        press(&mut console, "3");
        wait_until(&mut console, "the IP sets to load", loaded).await;
        press(&mut console, "j<enter>+");
        assert_eq!(console.state.prompt, secdeck::app::input::Prompt::None);
        press(&mut console, "-<enter>y");
        drain(&mut console).await;
        assert!(mutating(&console).is_empty());
    });
}

#[test]
fn a_new_ip_set_is_created_after_approval_and_listed() {
    run(|| async {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut console = demo_console(AccessFlag::Unset, &dir.path().join("j.jsonl")).await;
        press(&mut console, "3");
        wait_until(&mut console, "the IP sets to load", loaded).await;
        press(&mut console, "Cbad/name IPV4<enter>");
        assert!(screen(&console.state).contains("is not a valid IP set name"));
        press(
            &mut console,
            "Csoc-blocks-v6 ipv6 Blocked by the SOC<enter>",
        );
        let preview = screen(&console.state);
        assert!(
            preview.contains("Create IPV6 IP set soc-blocks-v6 (REGIONAL) with 0 addresses"),
            "{preview}"
        );
        press(&mut console, "y");
        wait_until(&mut console, "the new set to be listed", |s| {
            s.ipsets
                .rows
                .iter()
                .any(|r| r.set.set.name == "soc-blocks-v6")
        })
        .await;
        assert_eq!(
            sandbox(&console)
                .ip_set_description("soc-blocks-v6")
                .as_deref(),
            Some("Blocked by the SOC")
        );
        assert_eq!(mutating(&console), ["CreateIPSet 200"]);
    });
}
