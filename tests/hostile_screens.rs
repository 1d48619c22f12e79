//! The hostile corpus (tests/common/hostile.rs) through the console on the sandbox, driven
//! by keys: planted in finding fields, IP sets and web ACL rules, an ip-ranges.json,
//! injected error messages, typed and pasted input, and so in the journal. Every rendered
//! screen (panes, detail tabs, groups, prompts, dialogs, previews, notifications, the
//! journal view) must hold no control, bidi or zero-width character and show the planted
//! text as `⟨U+XXXX⟩` markers; the clipboard gets the text stripped and the opener gets no
//! `file:` link. The Access Analyzer and IoT audits panes: tests/hostile_panes.rs.

mod common;

use common::hostile::*;
use common::*;
use secdeck::app::panes::findings::LoadStatus;
use secdeck::app::panes::findings::detail::HistoryState;
use secdeck::app::panes::ipsets::Load;
use secdeck::app::panes::ipsets::sync::SyncStep;
use secdeck::app::{Action, State};
use secdeck::config::AccessFlag;
use secdeck::domain::sanitize::is_hostile;
use secdeck::sandbox::Fault;
use secdeck::sandbox::seed::Seed;
use secdeck::sandbox::wafv2::WafWorld;
use serde_json::{Value, json};

/// Findings with the corpus in every text field a screen shows (and a remote IP, so the
/// block dialog opens on them).
fn hostile_findings() -> Vec<Value> {
    (0..3)
        .map(|i| {
            let mut f = finding(i);
            f["Id"] = format!("f-{i}-{}", hostile("id")).into();
            f["Title"] = hostile(&format!("title {i}")).into();
            f["Description"] = long("description", 1024).into();
            f["GeneratorId"] = hostile("generator").into();
            f["ProductName"] = hostile("product").into();
            f["CompanyName"] = hostile("company").into();
            f["ProductFields"] = json!({ "aws/securityhub/note": hostile("product field") });
            f["UserDefinedFields"] = json!({ "owner": hostile("owner") });
            f["SourceUrl"] = format!("file:///etc/passwd{}", hostile("url")).into();
            f["Resources"][0]["Id"] = hostile(&format!("resource {i}")).into();
            f["Network"] = json!({ "Direction": "IN", "SourceIpV4": "198.51.100.7" });
            f["Note"] = json!({
                "Text": hostile("note"),
                "UpdatedBy": hostile("analyst"),
                "UpdatedAt": "2024-01-02T00:00:00.000Z",
            });
            f
        })
        .collect()
}

/// The demo WAF world with a hostile IP set and hostile descriptions and rule names.
fn hostile_waf() -> WafWorld {
    let mut world = demo_seed().wafv2;
    for set in &mut world.ip_sets {
        set.description = hostile("description");
    }
    let mut planted = world.ip_sets[0].clone();
    planted.name = hostile("ip set");
    planted.id = "0f0f0f0f-0000-4000-8000-000000000001".into();
    world.ip_sets.insert(0, planted);
    for acl in &mut world.web_acls {
        if let Some(rule) = acl.web_acl["Rules"].get_mut(0) {
            rule["Name"] = hostile("rule").into();
        }
    }
    world
}

fn journal_read(s: &State) -> bool {
    s.journal.as_ref().is_some_and(|j| j.rows.is_some())
}

fn change_verified(s: &State) -> bool {
    idle(s) && notified(s, "verified")
}

/// The findings pane, its detail tabs, groups, prompts, dialogs, the preview, the
/// notifications and the journal view, over hostile findings on the sandbox.
#[test]
fn hostile_findings_show_as_markers_on_every_findings_screen() {
    big_stack(|| async {
        let seed = Seed {
            findings: hostile_findings(),
            wafv2: hostile_waf(),
            ..Seed::default()
        };
        let mut console = TestEnv::new(seed).await.console(AccessFlag::Unset).await;
        wait_until(&mut console, "the findings", findings_loaded).await;
        assert_shown_safely(&console.state, "findings table", "Findings (3)");
        detail_screens(&mut console).await;
        group_prompt_and_clipboard_screens(&mut console);
        change_screens(&mut console).await;
        journal_and_error_screens(&mut console).await;
    });
}

/// The detail view's tabs and its search prompt.
async fn detail_screens(console: &mut ConsoleEnv) {
    press(console, "<enter>");
    assert_shown_safely(&console.state, "detail, overview", "[Overview]");
    press(console, "<pgdn>");
    assert_shown_safely(
        &console.state,
        "detail, overview further down",
        "[Overview]",
    );
    press(console, "gl");
    assert_shown_safely(&console.state, "detail, JSON", "[JSON]");
    press(console, "l");
    wait_until(console, "the history", |s| {
        s.findings
            .detail
            .as_ref()
            .is_some_and(|d| matches!(d.history, HistoryState::Loaded(_) | HistoryState::Failed(_)))
    })
    .await;
    assert_no_hostile_cell(&console.state, "detail, history");
    press(console, "/");
    paste_shown_safely(console, "search", "search: ⟨U+202E⟩search");
    press(console, "<esc><esc>");
}

/// Groups, the prompts with pasted text, copy and open.
fn group_prompt_and_clipboard_screens(console: &mut ConsoleEnv) {
    press(console, "<c-g><c-g>");
    assert_shown_safely(&console.state, "groups by resource", "Findings by ");
    press(console, "<enter>");
    assert_shown_safely(&console.state, "an open group", "Findings (1) · resource");
    press(console, "<esc><c-g><c-g><c-g><c-g><c-g>");
    assert!(console.state.findings.grouping.is_none());

    for (keys, what) in [
        ("/", "filter prompt"),
        (":", "command line"),
        ("e", "export prompt"),
    ] {
        press(console, keys);
        paste_shown_safely(console, what, what);
        press(console, "<esc>");
    }
    press(console, "F");
    paste_shown_safely(console, "filter editor", "filter: ");
    press(console, "<esc>");

    // The clipboard gets the Id without its control characters; the opener nothing.
    press(console, "c");
    let copied = console.copied.last().expect("copied").clone();
    assert!(
        copied.starts_with("f-") && !copied.chars().any(is_hostile),
        "{copied:?}"
    );
    assert_shown_safely(&console.state, "copy notification", "copied finding Id");
    press(console, "U");
    assert!(
        notified(&console.state, "not opened"),
        "{:?}",
        messages(&console.state)
    );
    assert_shown_safely(
        &console.state,
        "open refusal",
        "not opened (only https: and http: links are): file:///etc/passwd⟨U+202E⟩",
    );
}

/// The workflow picker, the note editor, their previews and outcomes, the `E` form and the
/// block dialog.
async fn change_screens(console: &mut ConsoleEnv) {
    press(console, "w");
    assert_shown_safely(&console.state, "workflow picker", "Set workflow status");
    press(console, "j<enter>");
    assert_shown_safely(&console.state, "workflow preview", "+ workflow NOTIFIED");
    press_until(console, "y", "the workflow change", change_verified).await;
    assert_shown_safely(
        &console.state,
        "change notifications",
        "changed and verified",
    );

    press(console, "N");
    console.dispatch(Action::Paste(long("typed note", 512)));
    assert_shown_safely(&console.state, "note editor", "Add a note");
    press(console, "<enter>");
    assert_shown_safely(&console.state, "note preview", "+ note");
    console.state.notifications = Default::default();
    press_until(console, "y", "the note", change_verified).await;

    press(console, "E");
    assert_shown_safely(&console.state, "fields form", "Edit finding fields");
    press(console, "<esc>");

    press_until(console, "b", "the IP sets", |s| {
        matches!(s.ipsets.load, Load::Loaded)
    })
    .await;
    let block = assert_shown_safely(&console.state, "block dialog", "Block remote IPs");
    assert!(
        block.contains("⟨U+202E⟩ip set"),
        "the planted IP set: {block}"
    );
    press(console, "<esc>");
}

/// The journal view of those changes, and a load error carrying the corpus.
async fn journal_and_error_screens(console: &mut ConsoleEnv) {
    press_until(console, ":journal<enter>", "the journal", journal_read).await;
    assert_shown_safely(&console.state, "journal view", "Journal · 2 change(s)");
    press(console, "/");
    paste_shown_safely(console, "journal filter", ":journal ⟨U+202E⟩journal filter");
    press(console, "<esc><esc>");

    // An error whose message carries the corpus, as a proxy or a product might send.
    console.sandbox().inject_fault(Fault {
        message: hostile("error message"),
        ..Fault::next("GetFindings", 10, 400, "InvalidInputException")
    });
    press_until(console, "r", "the failed reload", |s| {
        matches!(s.findings.status, LoadStatus::Failed { .. })
    })
    .await;
    assert_shown_safely(
        &console.state,
        "load error and its notification",
        "loading findings failed",
    );
}

/// An ip-ranges.json with a hostile syncToken, createDate and service name.
fn hostile_ranges(dir: &std::path::Path) -> String {
    let path = dir.join("ip-ranges.json");
    let doc = json!({
        "syncToken": format!("1785031025{}", hostile("token")),
        "createDate": "2026-08-22-10-00-00",
        "prefixes": [{
            "ip_prefix": "203.0.113.0/24", "region": "GLOBAL",
            "service": hostile("service"), "network_border_group": "GLOBAL"
        }],
        "ipv6_prefixes": []
    });
    std::fs::write(&path, doc.to_string()).unwrap();
    path.display().to_string()
}

/// The IP sets table, a set's addresses, the prompts and the sync dialog.
#[test]
fn hostile_ip_sets_and_ip_ranges_show_as_markers() {
    big_stack(|| async {
        let seed = Seed {
            wafv2: hostile_waf(),
            ..Seed::default()
        };
        let env = TestEnv::new(seed).await;
        let ranges = hostile_ranges(env.dir.path());
        let mut console = env.console(AccessFlag::Unset).await;
        press_until(&mut console, "3", "the IP sets", |s| {
            matches!(s.ipsets.load, Load::Loaded)
        })
        .await;
        assert_shown_safely(&console.state, "IP sets table", "WAF IP sets · REGIONAL");
        // The planted name sorts last (U+202E after the ASCII names).
        press(&mut console, "G<enter>");
        assert_shown_safely(
            &console.state,
            "addresses of the planted set",
            "not referenced by any web ACL rule",
        );
        press(&mut console, "+");
        paste_shown_safely(&mut console, "add prompt", "> ⟨U+202E⟩add prompt");
        press(&mut console, "<esc>/");
        // The filter applies as it is typed, and the note above the list names it.
        paste_shown_safely(
            &mut console,
            "address filter",
            "0 of 4 entries match \"⟨U+202E⟩address filter",
        );
        press(&mut console, "<esc>");
        press(&mut console, "<esc>C");
        paste_shown_safely(
            &mut console,
            "create prompt",
            "new IP set: NAME IPV4|IPV6 [description] > ⟨U+202E⟩create prompt",
        );
        press(&mut console, "<esc>");

        press(&mut console, "s");
        paste_shown_safely(&mut console, "a path", "⟨U+202E⟩a path");
        press(&mut console, "<enter>");
        wait_until(&mut console, "the unreadable source", |s| {
            s.ipsets.sync.as_ref().is_some_and(|d| d.error.is_some())
        })
        .await;
        assert_shown_safely(
            &console.state,
            "sync source error",
            "cannot read ip-ranges file",
        );
        press(&mut console, "<c-u>");
        console.dispatch(Action::Paste(ranges));
        // The file's hostile syncToken is refused, and the refusal quotes it safely.
        press_until(&mut console, "<enter>", "the refused ranges", |s| {
            s.ipsets.sync.as_ref().is_some_and(|d| {
                d.step == SyncStep::Source
                    && d.error.as_deref().is_some_and(|e| e.contains("syncToken"))
            })
        })
        .await;
        assert_shown_safely(&console.state, "refused ranges file", "syncToken");
        press(&mut console, "<esc>");
        assert_no_hostile_cell(&console.state, "after the dialog");
    });
}
