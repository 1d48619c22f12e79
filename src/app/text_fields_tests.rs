//! Every text field edits the same way, driven through `update()` with key sequences:
//! ctrl-u clears what is before the cursor (the whole field when the cursor is at the
//! end), the cursor moves inside the line, and a paste inserts text where the cursor is.

use std::sync::Arc;

use super::input::Prompt;
use super::modal::{self, Layer};
use super::panes::analyzer::rule_editor::{Editing, RuleEditor};
use super::panes::findings::bulk::TriageStage;
use super::panes::ipsets::sync::{Field, SyncStep};
use super::panes::ipsets::{InputKind, IpSetRow};
use super::pipeline::Stage;
use super::tests::{keys, loaded};
use super::widgets::TextInput;
use super::*;
use crate::app::{IpSetsRead, PaneMsg, ReadRequest};
use crate::domain::cidr::IpVersion;
use crate::domain::ip_ranges::IpRanges;
use crate::domain::waf::{IpSet, IpSetRef, WafScope};

fn ctrl_u(s: &mut State) {
    keys(s, "<ctrl-u>");
}

/// The WAF IP sets pane with one IPv4 set of two addresses.
fn ipsets() -> State {
    let mut s = loaded(1, false);
    let fx = keys(&mut s, "3");
    let [Effect::Read(ReadRequest::IpSets(IpSetsRead::Sets { request, .. }))] = fx.as_slice()
    else {
        panic!("expected the IP sets read, got {fx:?}");
    };
    let request = *request;
    let set = IpSet {
        set: IpSetRef {
            scope: WafScope::Regional,
            name: "blocklist".into(),
            id: "set-1".into(),
        },
        arn: "arn:aws:wafv2:us-east-1:111122223333:regional/ipset/blocklist/set-1".into(),
        description: String::new(),
        version: IpVersion::V4,
        addresses: vec!["10.0.0.0/8".into(), "192.0.2.1/32".into()],
        lock_token: "t".into(),
    };
    update(
        &mut s,
        Action::Pane(PaneMsg::IpSets(IpSetsMsg::Loaded {
            request,
            result: Ok(vec![IpSetRow {
                set,
                references: Vec::new(),
            }]),
        })),
    );
    s
}

const RANGES: &str = r#"{"syncToken": "1700000000", "createDate": "2026-08-22-10-00-00",
  "prefixes": [{"ip_prefix": "3.5.0.0/16", "region": "us-east-1", "service": "CLOUDFRONT",
                "network_border_group": "us-east-1"}],
  "ipv6_prefixes": []}"#;

/// The sync dialog at its options step (the ip-ranges.json read).
fn sync_options() -> State {
    let mut s = ipsets();
    keys(&mut s, "s");
    let fx = keys(&mut s, "<enter>");
    let [Effect::Read(ReadRequest::IpSets(IpSetsRead::IpRanges { request, .. }))] = fx.as_slice()
    else {
        panic!("expected the ip-ranges read, got {fx:?}");
    };
    let ranges = IpRanges::parse(RANGES.as_bytes(), "test").expect("ranges");
    update(
        &mut s,
        Action::Pane(PaneMsg::IpSets(IpSetsMsg::IpRangesLoaded {
            request: *request,
            result: Ok(Arc::new(ranges)),
        })),
    );
    assert_eq!(
        s.ipsets.sync.as_ref().map(|d| d.step),
        Some(SyncStep::Options)
    );
    s
}

fn note_text(s: &State) -> &str {
    match &s.pipeline.stage {
        Stage::Triage(TriageStage::Note { text, .. }) => text.value(),
        other => panic!("no note editor: {other:?}"),
    }
}

fn command_text(s: &State) -> &str {
    match &s.prompt {
        Prompt::Command(line) => line.text.value(),
        other => panic!("no command line: {other:?}"),
    }
}

#[test]
fn ctrl_u_clears_the_command_line_and_keeps_it_open() {
    let mut s = loaded(3, false);
    keys(&mut s, ":findings sev=HIGH");
    ctrl_u(&mut s);
    assert_eq!(command_text(&s), "");
    keys(&mut s, "q");
    assert_eq!(command_text(&s), "q", "the line is still open");
}

#[test]
fn ctrl_u_clears_the_local_filter_and_shows_every_row_again() {
    let mut s = loaded(30, false);
    keys(&mut s, "/number 2");
    assert_eq!(s.findings.visible_len(), 11);
    ctrl_u(&mut s);
    assert_eq!(s.findings.filter(), "");
    assert_eq!(s.findings.visible_len(), 30);
    assert_eq!(s.prompt, Prompt::Filter, "still typing");
}

#[test]
fn ctrl_u_clears_the_filter_editor_and_the_export_path() {
    let mut s = loaded(3, false);
    keys(&mut s, "F");
    assert!(matches!(&s.prompt, Prompt::FilterEditor(t) if !t.is_empty()));
    ctrl_u(&mut s);
    assert_eq!(s.prompt, Prompt::FilterEditor(TextInput::default()));
    keys(&mut s, "<esc>e");
    assert_eq!(s.prompt, Prompt::ExportPath("findings.jsonl".into()));
    ctrl_u(&mut s);
    assert_eq!(s.prompt, Prompt::ExportPath(TextInput::default()));
}

#[test]
fn ctrl_u_clears_the_detail_search() {
    let mut s = loaded(3, false);
    keys(&mut s, "<enter>/finding");
    assert_eq!(s.prompt, Prompt::DetailSearch);
    ctrl_u(&mut s);
    let detail = s.findings.detail.as_ref().expect("detail open");
    assert_eq!(detail.search, "");
}

#[test]
fn ctrl_u_clears_every_input_of_the_ip_sets_pane() {
    let mut s = ipsets();
    // `-` starts from the address under the cursor once a set is open.
    keys(&mut s, "<enter>-");
    assert_eq!(s.prompt, Prompt::IpSets(InputKind::Remove));
    assert_eq!(s.ipsets.input, "10.0.0.0/8");
    ctrl_u(&mut s);
    assert_eq!(s.ipsets.input, "");
    for (key, kind) in [
        ("+", InputKind::Add),
        ("C", InputKind::Create),
        ("f", InputKind::File),
    ] {
        keys(&mut s, &format!("<esc>{key}10.1.2.3 extra"));
        assert_eq!(s.prompt, Prompt::IpSets(kind));
        assert_eq!(s.ipsets.input, "10.1.2.3 extra");
        ctrl_u(&mut s);
        assert_eq!(s.ipsets.input, "", "{kind:?}");
    }
    keys(&mut s, "<esc>/192.0");
    assert_eq!(s.ipsets.addresses().rows, ["192.0.2.1/32"]);
    ctrl_u(&mut s);
    assert_eq!(s.ipsets.filter, "");
    assert_eq!(s.ipsets.addresses().rows.len(), 2);
}

#[test]
fn the_sync_dialog_targets_the_selected_set_typing_replaces_it_and_g_end_and_letters_move() {
    let mut s = sync_options();
    let selected = s.ipsets.selected().unwrap().set.set.name.clone();
    let d = s.ipsets.sync.as_ref().unwrap();
    let on = if d.field() == Field::V4Set {
        &d.v4_set
    } else {
        &d.v6_set
    };
    assert_eq!(on.value(), selected, "on the selected set's row");
    keys(&mut s, "cloudfront-v4");
    let d = s.ipsets.sync.as_ref().unwrap();
    assert!(
        [d.v4_set.value(), d.v6_set.value()].contains(&"cloudfront-v4"),
        "the first letter replaced the name"
    );
    while s.ipsets.sync.as_ref().unwrap().focus > 0 {
        keys(&mut s, "<up>");
    }
    let services = s.ipsets.sync.as_ref().unwrap().services.len();
    let focus = |s: &State| s.ipsets.sync.as_ref().unwrap().focus;
    keys(&mut s, "<end>");
    assert_eq!(s.ipsets.sync.as_ref().unwrap().field(), Field::V6Set);
    keys(&mut s, "<up><up>g");
    assert_eq!(focus(&s), 0, "g: the first row");
    keys(&mut s, "G");
    assert_eq!(focus(&s), services + 3, "G: the last row");
    // Upper-case letters (off a text row) jump to the service starting with them.
    keys(&mut s, "<up><up>C");
    let d = s.ipsets.sync.as_ref().unwrap();
    assert_eq!(d.field(), Field::Service(0));
    assert_eq!(d.services[0].0, "CLOUDFRONT");
}

#[test]
fn ctrl_u_clears_the_sync_dialogs_source_and_text_fields() {
    let mut s = ipsets();
    keys(&mut s, "s/tmp/ip-ranges.json");
    ctrl_u(&mut s);
    assert_eq!(s.ipsets.sync.as_ref().unwrap().source_text, "");

    let mut s = sync_options();
    // Services first (one here), then regions, aggregate, the IPv4 and IPv6 sets; the
    // dialog opens on the selected set's row.
    while s.ipsets.sync.as_ref().unwrap().focus > 0 {
        keys(&mut s, "<up>");
    }
    keys(&mut s, "<down>us-east-1,eu-west-1");
    assert_eq!(
        s.ipsets.sync.as_ref().unwrap().regions,
        "us-east-1,eu-west-1"
    );
    ctrl_u(&mut s);
    assert_eq!(s.ipsets.sync.as_ref().unwrap().regions, "");
    keys(&mut s, "<down><down>cloudfront-v4<down>cloudfront-v6");
    ctrl_u(&mut s);
    keys(&mut s, "<up>");
    ctrl_u(&mut s);
    let d = s.ipsets.sync.as_ref().unwrap();
    assert_eq!((d.v4_set.value(), d.v6_set.value()), ("", ""));
    assert_eq!(
        s.prompt,
        Prompt::IpSets(InputKind::Sync),
        "the dialog stays"
    );
}

#[test]
fn ctrl_u_clears_the_note_editor() {
    let mut s = loaded(3, false);
    keys(&mut s, "Naccepted risk<alt-enter>SEC-42");
    assert_eq!(note_text(&s), "accepted risk\nSEC-42");
    ctrl_u(&mut s);
    assert_eq!(note_text(&s), "");
}

#[test]
fn ctrl_u_clears_a_field_of_the_fields_form() {
    let mut s = loaded(3, false);
    keys(&mut s, "E<tab>75<tab><tab>owner=alice");
    ctrl_u(&mut s);
    keys(&mut s, "<up><up>");
    ctrl_u(&mut s);
    let Stage::Triage(TriageStage::Fields(form)) = &s.pipeline.stage else {
        panic!("the form is open");
    };
    assert_eq!(
        (form.confidence.value(), form.user_fields.value()),
        ("", "")
    );
}

#[test]
fn ctrl_u_clears_a_line_of_the_rule_editor() {
    let mut s = loaded(3, false);
    keys(&mut s, "2");
    s.analyzer.rule_editor = Some(RuleEditor::new(
        "a",
        "arn:aws:access-analyzer:us-east-1:111122223333:analyzer/a",
        "secdeck-rule".into(),
        vec![("resourceType".into(), vec!["AWS::IAM::Role".into()])],
    ));
    assert_eq!(modal::top(&s), Layer::RuleEditor);
    // Enter edits the criterion under the cursor, prefilled.
    keys(&mut s, "<enter>");
    ctrl_u(&mut s);
    keys(&mut s, "AWS::S3::Bucket<enter>");
    let ed = s.analyzer.rule_editor.as_ref().unwrap();
    assert_eq!(ed.criteria[0].1, ["AWS::S3::Bucket"]);
    // The name row: the cursor in the middle of the line.
    keys(&mut s, "k<enter><home><ctrl-right>");
    keys(&mut s, "<ctrl-k>archive");
    let ed = s.analyzer.rule_editor.as_ref().unwrap();
    assert!(matches!(&ed.editing, Some((Editing::Name, t)) if t == "secdeck-archive"));
}

#[test]
fn ctrl_u_clears_the_suppress_and_mitigate_prompts() {
    let mut s = crate::app::panes::audits::tests::loaded();
    update(&mut s, Action::MoveDown);
    update(&mut s, Action::Suppress);
    assert_eq!(command_text(&s), "suppress 30 ");
    ctrl_u(&mut s);
    assert_eq!(command_text(&s), "");
    keys(&mut s, "<esc>");
    update(&mut s, Action::Mitigate);
    assert!(command_text(&s).starts_with("mitigate"));
    ctrl_u(&mut s);
    assert_eq!(command_text(&s), "");
}

#[test]
fn ctrl_u_clears_the_typed_count_of_a_bulk_approval() {
    let mut s = loaded(12, false);
    keys(&mut s, "<ctrl-a>wj<enter>");
    assert!(s.pipeline.wants_typed_count());
    keys(&mut s, "1");
    ctrl_u(&mut s);
    keys(&mut s, "12");
    let Stage::Preview { typed, .. } = &s.pipeline.stage else {
        panic!("the preview is open");
    };
    assert_eq!(typed, "12");
}

#[test]
fn editing_in_the_middle_of_the_filter_expression() {
    let mut s = loaded(3, false);
    keys(&mut s, "F<ctrl-u>sev=HIGH<home>status=NEW <end>,CRITICAL");
    assert_eq!(
        s.prompt,
        Prompt::FilterEditor("status=NEW sev=HIGH,CRITICAL".into())
    );
    // ctrl-w takes the word before the cursor, ctrl-k everything after it.
    keys(
        &mut s,
        "<home><ctrl-right><ctrl-right><ctrl-w>NOTIFIED <ctrl-k>",
    );
    assert_eq!(s.prompt, Prompt::FilterEditor("status=NOTIFIED ".into()));
    let fx = keys(&mut s, "<home><ctrl-right><ctrl-k>NEW,NOTIFIED<enter>");
    assert_eq!(s.prompt, Prompt::None, "the edited expression parsed");
    assert!(!fx.is_empty(), "and reloads the findings");
    assert_eq!(s.findings.expr.to_string(), "status=NEW,NOTIFIED");
}

#[test]
fn editing_in_the_middle_of_the_command_line_then_running_it() {
    let mut s = loaded(3, false);
    keys(
        &mut s,
        ":heme light<home>t<end><left><left><left><left><left>",
    );
    assert_eq!(command_text(&s), "theme light");
    let fx = keys(&mut s, "<ctrl-e><ctrl-w>default<enter>");
    assert_eq!(fx, [Effect::LoadTheme("default".into())]);
}

#[test]
fn a_paste_goes_into_the_focused_field_at_the_cursor() {
    let mut s = ipsets();
    keys(&mut s, "+ 10.0.0.1<home>");
    update(&mut s, Action::Paste("192.0.2.7\n198.51.100.0/24\n".into()));
    assert_eq!(s.ipsets.input, "192.0.2.7 198.51.100.0/24 10.0.0.1");
    // The note editor keeps the line breaks.
    let mut s = loaded(3, false);
    keys(&mut s, "N");
    update(&mut s, Action::Paste("line one\r\nline two".into()));
    assert_eq!(note_text(&s), "line one\nline two");
    // The `/` filter applies the pasted text at once.
    let mut s = loaded(30, false);
    keys(&mut s, "/");
    update(&mut s, Action::Paste("number 2".into()));
    assert_eq!(s.findings.visible_len(), 11);
}

#[test]
fn a_paste_with_no_text_field_focused_does_nothing() {
    let mut s = loaded(3, false);
    assert!(update(&mut s, Action::Paste("jjq".into())).is_empty());
    assert!(!s.should_quit, "pasted text never runs as keys");
    assert_eq!(s.findings.selected, 0);
    // The sync dialog's service row is a toggle, not text.
    let mut s = sync_options();
    update(&mut s, Action::Paste(" x".into()));
    let d = s.ipsets.sync.as_ref().unwrap();
    assert!(d.services.iter().all(|(_, on)| *on), "nothing toggled");
}
