//! End to end on the WAF IP sets pane: the whole console on the in-process sandbox,
//! driven by keys. An edit raced by another writer between the executor's read and write
//! keeps both changes; invalid input sends nothing; a read-only session cannot edit.

mod common;

use common::*;
use secdeck::app::panes::ipsets::Load;
use secdeck::app::pipeline::Stage;
use secdeck::config::AccessFlag;
use secdeck::journal::Journal;

fn loaded(state: &secdeck::app::State) -> bool {
    state.ipsets.load == Load::Loaded && !state.ipsets.rows.is_empty()
}

/// A demo console on the IP sets pane, its sets loaded.
async fn on_ip_sets(access: AccessFlag) -> ConsoleEnv {
    let mut console = demo_console(access).await;
    press_until(&mut console, "3", "the IP sets to load", loaded).await;
    console
}

#[test]
fn an_edit_raced_by_another_writer_keeps_both_changes() {
    big_stack(|| async {
        let mut console = on_ip_sets(AccessFlag::Unset).await;
        // blocked-attackers-v4 is the second row; add one address and one already there.
        press(&mut console, "j<enter>+192.0.2.99 198.51.100.0/24<enter>");
        assert_shows(
            &console.state,
            &["Update IP set blocked-attackers-v4 (REGIONAL): +1 -0, 4 -> 5"],
        );
        // Another console adds an address right after our executor reads the set.
        console
            .sandbox()
            .race_next_ip_set_read("blocked-attackers-v4", &["203.0.113.250/32"]);
        press_until(&mut console, "y", "the change and the reload", |s| {
            idle(s)
                && s.ipsets.load == Load::Loaded
                && s.ipsets
                    .open_row()
                    .is_some_and(|r| r.set.addresses.len() == 6)
        })
        .await;
        let now = console
            .sandbox()
            .ip_set_addresses("blocked-attackers-v4")
            .expect("set");
        assert!(now.contains(&"192.0.2.99/32".to_string()), "{now:?}");
        assert!(now.contains(&"203.0.113.250/32".to_string()), "{now:?}");
        assert_eq!(
            mutating(console.sandbox()),
            ["UpdateIPSet 400", "UpdateIPSet 200"]
        );
        assert_shows(&console.state, &["6 / 10000 addresses"]);
        let entries = Journal::read_all(console.journal()).expect("journal");
        assert_eq!(entries.len(), 2, "intent and outcome");
    });
}

#[test]
fn invalid_input_is_refused_and_nothing_is_sent() {
    big_stack(|| async {
        let mut console = on_ip_sets(AccessFlag::Unset).await;
        press(&mut console, "j<enter>+10.0.0/8 2001:db8::/32<enter>y");
        drain(&mut console).await;
        assert_shows(
            &console.state,
            &["\"10.0.0/8\" is not an IP address or CIDR range"],
        );
        assert_nothing_sent(&mut console).await;
    });
}

#[test]
fn a_read_only_session_cannot_edit_ip_sets() {
    big_stack(|| async {
        let mut console = on_ip_sets(AccessFlag::ReadOnly).await;
        press(&mut console, "j<enter>+");
        assert_eq!(console.state.prompt, secdeck::app::input::Prompt::None);
        press(&mut console, "-<enter>y");
        for keys in ["f", "s", "C", "D"] {
            press(&mut console, keys);
            assert_eq!(
                console.state.prompt,
                secdeck::app::input::Prompt::None,
                "{keys}"
            );
            assert!(console.state.ipsets.sync.is_none());
        }
        for action in [
            secdeck::app::Action::SyncIpRanges,
            secdeck::app::Action::AddAddressesFromFile,
            secdeck::app::Action::DeleteIpSet,
            secdeck::app::Action::BlockFromFinding,
        ] {
            console.dispatch(action);
            assert_eq!(console.state.prompt, secdeck::app::input::Prompt::None);
            assert_eq!(console.state.pipeline.stage, Stage::Idle);
        }
        press(&mut console, "1b");
        assert_eq!(
            console.state.pipeline.stage,
            Stage::Idle,
            "b is unreachable"
        );
        assert_nothing_sent(&mut console).await;
    });
}

#[test]
fn a_new_ip_set_is_created_after_approval_and_listed() {
    big_stack(|| async {
        let mut console = on_ip_sets(AccessFlag::Unset).await;
        press(&mut console, "Cbad/name IPV4<enter>");
        assert_shows(&console.state, &["is not a valid IP set name"]);
        press(
            &mut console,
            "Csoc-blocks-v6 ipv6 Blocked by the SOC<enter>",
        );
        assert_shows(
            &console.state,
            &["Create IPV6 IP set soc-blocks-v6 (REGIONAL) with 0 addresses"],
        );
        press_until(&mut console, "y", "the new set to be listed", |s| {
            s.ipsets
                .rows
                .iter()
                .any(|r| r.set.set.name == "soc-blocks-v6")
        })
        .await;
        assert_eq!(
            console
                .sandbox()
                .ip_set_description("soc-blocks-v6")
                .as_deref(),
            Some("Blocked by the SOC")
        );
        assert_eq!(mutating(console.sandbox()), ["CreateIPSet 200"]);
    });
}

#[test]
fn an_unused_set_is_deleted_and_the_undo_recreates_it_with_its_addresses() {
    big_stack(|| async {
        let mut console = on_ip_sets(AccessFlag::Unset).await;
        // Every demo set is in a web ACL: a set made by mistake, with two addresses.
        let name = "scratch-v4";
        press_until(
            &mut console,
            "Cscratch-v4 ipv4 Made by mistake<enter>y",
            "the new set",
            |s| idle(s) && s.ipsets.rows.iter().any(|r| r.set.set.name == "scratch-v4"),
        )
        .await;
        select_ip_set(&mut console, name);
        press_until(
            &mut console,
            "+192.0.2.0/24 198.51.100.7<enter>y",
            "the addresses",
            |s| {
                idle(s)
                    && s.ipsets
                        .selected()
                        .is_some_and(|r| r.set.addresses.len() == 2)
            },
        )
        .await;
        let before = console.sandbox().ip_set_addresses(name).expect("the set");
        let description = console.sandbox().ip_set_description(name);
        console.sandbox().clear_requests();
        press(&mut console, "D");
        let preview = preview_text(&console.state);
        assert!(
            preview.starts_with("Delete IP set scratch-v4 (REGIONAL) with 2 addresses"),
            "{preview}"
        );
        for address in &before {
            assert!(preview.contains(&format!("- {address}")), "{preview}");
        }
        assert!(preview.contains("under a new id"), "{preview}");
        press_until(&mut console, "y", "the deletion", changed).await;
        assert_eq!(console.sandbox().ip_set_addresses(name), None, "deleted");
        assert_eq!(mutating(console.sandbox()), ["DeleteIPSet 200"]);
        let entries = Journal::read_all(console.journal()).expect("journal");
        let deletion: Vec<String> = entries
            .iter()
            .map(|e| serde_json::to_value(e).unwrap().to_string())
            .filter(|e| e.contains("wafv2:DeleteIPSet"))
            .collect();
        assert_eq!(deletion.len(), 2, "intent and outcome: {deletion:?}");
        assert!(
            deletion[0].contains(&before[0]) && deletion[0].contains("Made by mistake"),
            "the journal keeps the addresses and description: {deletion:?}"
        );

        press(&mut console, "u");
        assert!(
            preview_text(&console.state).starts_with("Create IPV4 IP set scratch-v4"),
            "{}",
            preview_text(&console.state)
        );
        press_until(&mut console, "y", "the set re-created and selected", |s| {
            idle(s)
                && s.ipsets
                    .selected()
                    .is_some_and(|r| r.set.set.name == "scratch-v4")
        })
        .await;
        let mut after = console
            .sandbox()
            .ip_set_addresses(name)
            .expect("re-created");
        let mut expected = before.clone();
        after.sort();
        expected.sort();
        assert_eq!(after, expected);
        assert_eq!(console.sandbox().ip_set_description(name), description);
        assert_eq!(
            mutating(console.sandbox()),
            ["DeleteIPSet 200", "CreateIPSet 200"]
        );
    });
}

#[test]
fn a_set_a_web_acl_uses_is_not_deleted_and_nothing_is_sent() {
    big_stack(|| async {
        let mut console = on_ip_sets(AccessFlag::Unset).await;
        select_ip_set(&mut console, "blocked-attackers-v4");
        press(&mut console, "D");
        assert_eq!(console.state.pipeline.stage, Stage::Idle);
        let shown = messages(&console.state).join("\n");
        assert!(
            shown.contains("not deleted: web ACL rule storefront-alb/block-known-attackers")
                && shown.contains("uses IP set blocked-attackers-v4"),
            "{shown}"
        );
        assert!(shown.contains("nothing sent"), "{shown}");
        assert!(
            console
                .sandbox()
                .ip_set_addresses("blocked-attackers-v4")
                .is_some()
        );
        assert_nothing_sent(&mut console).await;
    });
}

fn dialog_step(state: &secdeck::app::State) -> Option<secdeck::app::panes::ipsets::sync::SyncStep> {
    state.ipsets.sync.as_ref().map(|d| d.step)
}

/// The selected services' prefixes of a fixture file, as the sets must hold them.
fn expected(file: &str, version: secdeck::domain::cidr::IpVersion) -> Vec<String> {
    use secdeck::domain::ip_ranges::{IpRanges, Selection};
    let bytes = std::fs::read(file).expect("fixture");
    let ranges = IpRanges::parse(&bytes, file).expect("parses");
    let selected = ranges
        .select(&Selection {
            services: vec!["CLOUDFRONT".into(), "ROUTE53_HEALTHCHECKS".into()],
            regions: Vec::new(),
        })
        .expect("selects");
    let nets = match version {
        secdeck::domain::cidr::IpVersion::V4 => selected.v4,
        secdeck::domain::cidr::IpVersion::V6 => selected.v6,
    };
    secdeck::domain::cidr::to_strings(&nets)
}

#[test]
fn the_sync_dialog_syncs_the_cloudfront_sets_from_the_demo_ip_ranges_and_then_is_a_no_op() {
    big_stack(|| async {
        use secdeck::app::panes::ipsets::sync::SyncStep;
        use secdeck::domain::cidr::IpVersion;
        let mut console = on_ip_sets(AccessFlag::Unset).await;
        press_until(&mut console, "t", "the CLOUDFRONT sets", |s| {
            loaded(s) && s.ipsets.scope == secdeck::domain::waf::WafScope::Cloudfront
        })
        .await;
        press(&mut console, "s");
        assert_shows(
            &console.state,
            &["default: the demo's bundled ip-ranges.json"],
        );
        press_until(&mut console, "<enter>", "the file to be read", |s| {
            dialog_step(s) == Some(SyncStep::Options)
        })
        .await;
        let dialog = screen(&console.state);
        assert!(dialog.contains("syncToken 1787411825"), "{dialog}");
        assert!(
            dialog.contains("[x] CLOUDFRONT") && dialog.contains("[x] ROUTE53_HEALTHCHECKS"),
            "{dialog}"
        );
        assert!(
            dialog.contains("[ ] AMAZON_APPFLOW"),
            "any service of the file is offered: {dialog}"
        );
        assert!(
            dialog.contains("IPv4 set: cloudfront-origin-v4"),
            "{dialog}"
        );
        assert!(
            dialog.contains("IPv6 set: cloudfront-origin-v6"),
            "{dialog}"
        );
        press(&mut console, "<enter>");
        let preview = preview_text(&console.state);
        let v4 = expected(
            "tests/fixtures/ip-ranges/ip-ranges-2026-08-22.json",
            IpVersion::V4,
        );
        let v6 = expected(
            "tests/fixtures/ip-ranges/ip-ranges-2026-08-22.json",
            IpVersion::V6,
        );
        assert!(
            preview.starts_with(
                "Sync 2 IP set(s) (CLOUDFRONT) from ip-ranges.json syncToken 1787411825 (2026-08-22-15-17-05)"
            ),
            "{preview}"
        );
        assert!(
            preview.contains(&format!("  added {}, removed 0, unchanged 0", v4.len())),
            "{preview}"
        );
        assert!(preview.contains(&format!("+ {}", v4[0])), "{preview}");
        // A bulk change: the count is typed to approve.
        let count = v4.len() + v6.len();
        press_until(
            &mut console,
            &format!("{count}<enter>"),
            "the sync to finish",
            |s| idle(s) && s.ipsets.load == Load::Loaded,
        )
        .await;
        let mut now = console
            .sandbox()
            .ip_set_addresses("cloudfront-origin-v4")
            .expect("set");
        now.sort();
        let mut want = v4.clone();
        want.sort();
        assert_eq!(now, want, "exactly the selected services' prefixes");
        assert_eq!(
            console
                .sandbox()
                .ip_set_addresses("cloudfront-origin-v6")
                .map(|a| a.len()),
            Some(v6.len())
        );
        assert!(
            console
                .sandbox()
                .ip_set_description("cloudfront-origin-v4")
                .is_some_and(|d| d.ends_with(" syncToken:1787411825"))
        );
        assert_eq!(
            mutating(console.sandbox()),
            ["UpdateIPSet 200", "UpdateIPSet 200"]
        );

        // The same file again changes nothing.
        press_until(&mut console, "s<enter>", "the file to be read", |s| {
            dialog_step(s) == Some(SyncStep::Options)
        })
        .await;
        press(&mut console, "<enter>");
        assert_eq!(console.state.pipeline.stage, Stage::Idle);
        assert!(
            screen(&console.state)
                .contains("no change: the sets already match ip-ranges.json syncToken 1787411825")
        );
        assert_eq!(mutating(console.sandbox()).len(), 2);
    });
}

#[test]
fn the_sync_dialog_reads_a_typed_path_and_aggregates_on_request() {
    big_stack(|| async {
        use secdeck::app::panes::ipsets::sync::SyncStep;
        let mut console = on_ip_sets(AccessFlag::Unset).await;
        // A file that is not an ip-ranges.json is refused, naming it.
        let bad = console.env.path("bad.json");
        std::fs::write(&bad, "{\"syncToken\": 1}").expect("write");
        press_until(
            &mut console,
            &format!("s{}<enter>", bad.display()),
            "the refusal",
            |s| s.ipsets.sync.as_ref().is_some_and(|d| d.error.is_some()),
        )
        .await;
        let error = console
            .state
            .ipsets
            .sync
            .as_ref()
            .and_then(|d| d.error.clone());
        assert!(
            error
                .as_deref()
                .is_some_and(|e| e.contains("bad.json: not a valid ip-ranges.json")),
            "{error:?}"
        );
        press(&mut console, "<esc>");
        let path = format!(
            "{}/tests/fixtures/ip-ranges/ip-ranges-2026-07-26.json",
            env!("CARGO_MANIFEST_DIR")
        );
        press_until(
            &mut console,
            &format!("s{path}<enter>"),
            "the file to be read",
            |s| dialog_step(s) == Some(SyncStep::Options),
        )
        .await;
        // The dialog opens on the selected set's row (aws-healthchecks-v4, no IPv6 set in
        // this scope): up to the aggregate toggle, on, and back to the set's name, which
        // typing replaces.
        assert_eq!(
            console.state.ipsets.sync.as_ref().map(|d| d.field()),
            Some(secdeck::app::panes::ipsets::sync::Field::V4Set)
        );
        press(&mut console, "<up><space><down>aws-healthchecks-v4<enter>");
        let preview = preview_text(&console.state);
        assert!(
            preview.starts_with(
                "Sync 1 IP set(s) (REGIONAL) from ip-ranges.json syncToken 1785031025"
            ),
            "{preview}"
        );
        assert!(preview.contains(", aggregated "), "{preview}");
        assert!(preview.contains(&format!("source {path}")), "{preview}");
        press(&mut console, "<esc>");
        assert_nothing_sent(&mut console).await;
    });
}

#[test]
fn addresses_are_added_from_a_file_and_a_bad_line_refuses_the_whole_file() {
    big_stack(|| async {
        let mut console = on_ip_sets(AccessFlag::Unset).await;
        let bad = console.env.path("bad.txt");
        std::fs::write(&bad, "# attackers\n203.0.113.77\n203.0.113.300\n").expect("write");
        // blocked-attackers-v4 is the second row.
        press_until(
            &mut console,
            &format!("j<enter>f{}<enter>", bad.display()),
            "the refusal",
            |s| {
                screen(s)
                    .contains("bad.txt:3: \"203.0.113.300\" is not an IP address or CIDR range")
            },
        )
        .await;
        assert_eq!(console.state.pipeline.stage, Stage::Idle);

        let good = console.env.path("good.txt");
        std::fs::write(
            &good,
            "# attackers seen on 2026-11-25\n203.0.113.77\n\n198.51.100.128/25  # scanner\n",
        )
        .expect("write");
        press_until(
            &mut console,
            &format!("f{}<enter>", good.display()),
            "the preview",
            previewing,
        )
        .await;
        let preview = preview_text(&console.state);
        assert!(preview.contains("+ 203.0.113.77/32"), "{preview}");
        assert!(preview.contains("+ 198.51.100.128/25"), "{preview}");
        press_until(&mut console, "y", "the change and the reload", |s| {
            idle(s)
                && s.ipsets
                    .open_row()
                    .is_some_and(|r| r.set.addresses.iter().any(|a| a == "203.0.113.77/32"))
        })
        .await;
        assert_eq!(mutating(console.sandbox()), ["UpdateIPSet 200"]);
    });
}

#[test]
fn a_cidr_with_host_bits_is_refused_with_the_network_suggested_and_nothing_is_sent() {
    big_stack(|| async {
        let mut console = on_ip_sets(AccessFlag::Unset).await;
        press(&mut console, "j<enter>+203.0.113.7/24<enter>y");
        drain(&mut console).await;
        let text = screen(&console.state);
        assert!(
            text.contains(
                "203.0.113.7/24 has host bits set; did you mean 203.0.113.0/24 or 203.0.113.7/32?"
            ),
            "{text}"
        );
        assert!(!text.contains("Update IP set"), "{text}");
        assert_eq!(console.state.pipeline.stage, Stage::Idle);
        assert_nothing_sent(&mut console).await;
    });
}

#[test]
fn a_description_waf_would_refuse_is_refused_when_typed() {
    big_stack(|| async {
        let mut console = on_ip_sets(AccessFlag::Unset).await;
        press(&mut console, "Csoc-v4 ipv4 SOC blocks (manual)<enter>y");
        drain(&mut console).await;
        assert_shows(&console.state, &["'(' (character 12)"]);
        assert_nothing_sent(&mut console).await;
    });
}

#[test]
fn adding_to_a_set_of_ten_thousand_is_refused_before_any_request() {
    big_stack(|| async {
        let (mut console, sb) = demo_and_sandbox().await;
        let waf = aws_sdk_wafv2::Client::new(&sb.sdk_config().await);
        let full: Vec<String> = (0..10_000u32)
            .map(|i| format!("{}/32", std::net::Ipv4Addr::from(0x0a00_0000 + i)))
            .collect();
        waf.create_ip_set()
            .name("full-v4")
            .scope(aws_sdk_wafv2::types::Scope::Regional)
            .ip_address_version(aws_sdk_wafv2::types::IpAddressVersion::Ipv4)
            .set_addresses(Some(full))
            .send()
            .await
            .expect("create the full set");
        sb.clear_requests();
        press_until(&mut console, "3", "the IP sets to load", |s| {
            loaded(s) && s.ipsets.rows.iter().any(|r| r.set.set.name == "full-v4")
        })
        .await;
        select_ip_set(&mut console, "full-v4");
        press_until(&mut console, "<enter>", "the full set to open", |s| {
            s.ipsets
                .open_row()
                .is_some_and(|r| r.set.addresses.len() == 10_000)
        })
        .await;
        press(&mut console, "+192.0.2.1<enter>y");
        drain(&mut console).await;
        assert_shows(
            &console.state,
            &["the set would hold 10001 addresses; WAF allows at most 10000"],
        );
        assert_eq!(console.state.pipeline.stage, Stage::Idle);
        assert_nothing_sent(&mut console).await;
        assert_eq!(
            sb.ip_set_addresses("full-v4").map(|a| a.len()),
            Some(10_000)
        );
    });
}
