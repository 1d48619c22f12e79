//! Keys as the user configures them: a rebind shows in the footer and the `?` overlay, a
//! letter means something pane-specific only in its pane, the flat `[keys]` form of older
//! configs still works, and read-only sessions drop every mutating key in every section.

mod common;

use std::path::Path;

use common::render::with_findings;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use secdeck::app::pipeline::Stage;
use secdeck::app::{Action, Context, Effect, Key, Keymap, Session, State, update};
use secdeck::config::Config;
use secdeck::domain::finding::Finding;
use secdeck::theme::Theme;
use secdeck::ui::draw;

fn finding(i: usize) -> Finding {
    let doc = serde_json::json!({
        "SchemaVersion": "2018-10-08",
        "Id": format!("f-{i}"),
        "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/securityhub",
        "GeneratorId": "g",
        "AwsAccountId": "111122223333",
        "Types": ["Software and Configuration Checks"],
        "CreatedAt": "2026-01-01T00:00:00Z",
        "UpdatedAt": "2026-01-02T00:00:00Z",
        "Severity": {"Label": "HIGH"},
        "Title": format!("Finding number {i}"),
        "Description": "d",
        "Resources": [{"Type": "AwsS3Bucket", "Id": format!("arn:aws:s3:::bucket-{i}")}],
        "Workflow": {"Status": "NEW"},
        "RecordState": "ACTIVE",
    });
    Finding::from_asff(doc).expect("finding")
}

/// A console whose keys come from `config` (as the runtime builds it), with findings loaded.
fn console(config: &str, read_only: bool) -> (State, Vec<String>) {
    let config = Config::parse(Path::new("config.toml"), config).expect("config parses");
    let (keymap, errors) = Keymap::default_embedded().with_overrides(&config.keys);
    let session = Session {
        region: "us-east-1".into(),
        read_only,
        ..Session::default()
    };
    let mut s = State::new(session, keymap, Theme::default_dark());
    update(
        &mut s,
        Action::Resize {
            width: 100,
            height: 40,
        },
    );
    with_findings(&mut s, (0..3).map(finding).collect());
    (s, errors)
}

fn press(s: &mut State, seq: &str) -> Vec<Effect> {
    Key::sequence(seq)
        .expect("keys")
        .into_iter()
        .flat_map(|k| update(s, Action::Key(k)))
        .collect()
}

fn render(s: &State, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    t.draw(|f| draw(f, s)).expect("draw");
    t
}

fn screen_text(t: &Terminal<TestBackend>) -> Vec<String> {
    let buf = t.backend().buffer();
    (0..buf.area.height)
        .map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect())
        .collect()
}

fn footer(s: &State) -> String {
    let lines = screen_text(&render(s, 100, 40));
    lines
        .last()
        .cloned()
        .unwrap_or_default()
        .trim_end()
        .to_string()
}

const REBIND: &str = r#"
[keys.findings]
W = "set_workflow"
w = "none"
"#;

#[test]
fn a_rebound_key_shows_in_the_footer_and_the_help_overlay() {
    let (mut s, errors) = console(REBIND, false);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        footer(&s),
        "? help  : command  / filter  enter open  W workflow  q quit"
    );
    insta::assert_snapshot!("rebound_footer", render(&s, 100, 24).backend());
    press(&mut s, "?");
    let t = render(&s, 100, 50);
    let help = screen_text(&t).join("\n");
    assert!(help.contains("  W     "), "the overlay names W:\n{help}");
    assert!(!help.contains("  w     "), "and no longer w:\n{help}");
    insta::assert_snapshot!("rebound_help", t.backend());
    // And the key really does it.
    press(&mut s, "<esc>w");
    assert_eq!(s.pipeline.stage, Stage::Idle, "w is unbound in findings");
    press(&mut s, "W");
    assert!(s.pipeline.is_modal(), "the workflow picker opens");
}

#[test]
fn w_means_set_workflow_only_in_the_findings_pane() {
    let (mut s, _) = console("", false);
    press(&mut s, "w");
    assert!(s.pipeline.is_modal(), "the workflow picker opens");
    assert!(footer(&s).contains("esc back"), "the picker's footer");
    press(&mut s, "<esc>");
    for pane in ["2", "3", "4"] {
        press(&mut s, pane);
        let effects = press(&mut s, "w");
        assert!(effects.is_empty(), "pane {pane}: {effects:?}");
        assert_eq!(s.pipeline.stage, Stage::Idle, "pane {pane}");
        assert!(
            !footer(&s).contains("workflow"),
            "pane {pane}: {}",
            footer(&s)
        );
    }
}

#[test]
fn a_pane_section_gives_a_letter_its_own_meaning_there() {
    let (s, errors) = console("[keys.ipsets]\nw = \"add_addresses\"\n", false);
    assert!(errors.is_empty(), "{errors:?}");
    let w = Key::char('w');
    assert_eq!(
        s.keymap.action_in(Context::IpSets, &w),
        Some(&Action::AddAddresses)
    );
    assert_eq!(
        s.keymap.action_in(Context::Findings, &w),
        Some(&Action::SetWorkflow)
    );
    assert_eq!(s.keymap.action_in(Context::Analyzer, &w), None);
}

#[test]
fn the_flat_keys_form_still_works_as_the_global_section() {
    let (mut s, errors) = console(
        "[keys]\nx = \"quit\"\nw = \"none\"\nK = \"set_workflow\"\n",
        false,
    );
    assert!(errors.is_empty(), "{errors:?}");
    press(&mut s, "w");
    assert_eq!(s.pipeline.stage, Stage::Idle, "w unbound everywhere");
    assert!(footer(&s).contains("K workflow"), "{}", footer(&s));
    press(&mut s, "K<esc>");
    // x was the analyzer's remediate; a global entry says what it means everywhere.
    press(&mut s, "2");
    assert!(!footer(&s).contains("remediate"), "{}", footer(&s));
    assert!(
        s.keymap
            .keys_in(Context::Analyzer, &Action::Quit)
            .contains(&Key::char('x'))
    );
    let effects = press(&mut s, "x");
    assert!(s.should_quit && effects.contains(&Effect::Quit));
}

#[test]
fn bad_entries_are_reported_by_section_and_key() {
    let (_, errors) = console(
        "[keys]\nz = \"explode\"\n[keys.findings]\nhyper-w = \"quit\"\n[keys.audits]\nw = \"set_workflow\"\n",
        false,
    );
    assert_eq!(errors.len(), 3, "{errors:#?}");
    assert!(errors[0].starts_with("keys.\"z\": unknown action \"explode\""));
    assert!(errors[1].starts_with("keys.audits.\"w\": set_workflow does nothing in audits"));
    assert!(errors[2].starts_with("keys.findings.\"hyper-w\": unknown key"));
}

#[test]
fn read_only_drops_mutating_keys_from_every_section() {
    let config = r#"
[keys]
W = "set_workflow"
[keys.ipsets]
w = "add_addresses"
[keys.preview]
Y = "approve"
"#;
    let (mut s, errors) = console(config, true);
    assert!(errors.is_empty(), "{errors:?}");
    for ctx in Context::all() {
        assert!(
            s.keymap.bindings(ctx).all(|(_, a)| !a.is_mutating()),
            "{ctx:?}"
        );
    }
    for (pane, keys) in [
        ("1", "wWSNEbu"),
        ("2", "xXaAzW"),
        ("3", "w+-CsfW"),
        ("4", "pPmoiW"),
    ] {
        press(&mut s, pane);
        let effects = press(&mut s, keys);
        assert!(
            !effects.iter().any(|e| matches!(e, Effect::Mutate(_))),
            "pane {pane}"
        );
        assert_eq!(s.pipeline.stage, Stage::Idle, "pane {pane}");
        let f = footer(&s);
        for word in [
            "workflow",
            "add",
            "remove",
            "archive",
            "remediate",
            "suppress",
            "mitigate",
        ] {
            assert!(!f.contains(&format!(" {word} ")), "pane {pane}: {f}");
        }
    }
}

#[test]
fn the_preview_names_the_approve_key_in_force() {
    let (mut s, errors) = console("[keys.preview]\na = \"approve\"\ny = \"none\"\n", false);
    assert!(errors.is_empty(), "{errors:?}");
    press(&mut s, "wj<enter>");
    assert!(
        matches!(s.pipeline.stage, Stage::Preview { .. }),
        "{:?}",
        s.pipeline.stage
    );
    let screen = screen_text(&render(&s, 100, 40)).join("\n");
    assert!(screen.contains("a approve  n reject"), "{screen}");
    assert!(!screen.contains("y approve"), "{screen}");
    assert!(press(&mut s, "y").is_empty(), "y no longer approves");
    let effects = press(&mut s, "a");
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Mutate(_))),
        "{effects:?}"
    );
}
