//! Pure tests of `update`: key sequences in, state and effects out. No terminal, no AWS.

use serde_json::json;

use super::*;
use crate::app::{FindingsRead, PaneId, PaneMsg, ReadRequest};
use crate::domain::filter::{FindingFilters, SortCriterion};
use crate::domain::finding::Finding;
use crate::domain::identity::CallerIdentity;

pub(crate) fn finding(i: usize) -> Finding {
    let sev = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL"][i % 5];
    Finding::from_asff(json!({
        "Id": format!("f-{i}"),
        "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/securityhub",
        "Title": format!("Finding number {i}"),
        "Severity": {"Label": sev},
        "Workflow": {"Status": "NEW"},
        "RecordState": "ACTIVE",
        "Resources": [{"Type": "AwsS3Bucket", "Id": format!("arn:aws:s3:::bucket-{i}")}],
        "AwsAccountId": "111122223333",
        "UpdatedAt": "2024-05-01T10:00:00Z"
    }))
    .expect("test finding")
}

fn findings(range: std::ops::Range<usize>) -> Vec<Finding> {
    range.map(finding).collect()
}

fn session(read_only: bool) -> Session {
    Session {
        profile: Some("dev".into()),
        region: "us-east-1".into(),
        read_only,
        ..Session::default()
    }
}

/// The plan ids of [`state`]: a fixed seed, so tests can name them.
pub(crate) fn test_ids() -> crate::domain::plan::PlanIds {
    crate::domain::plan::PlanIds::new(1_764_806_400_000, [0x5e; 8])
}

fn state(read_only: bool) -> State {
    let mut s = State::new(
        session(read_only),
        Keymap::default_embedded(),
        Theme::default_dark(),
    );
    s.pipeline.ids = test_ids();
    s
}

/// A state with `n` findings loaded in one complete page.
pub(crate) fn loaded(n: usize, read_only: bool) -> State {
    loaded_with(findings(0..n), read_only)
}

/// A state with `findings` loaded in one complete page.
pub(crate) fn loaded_with(findings: Vec<Finding>, read_only: bool) -> State {
    let mut s = state(read_only);
    init(&mut s);
    let request = s.findings.request;
    update(
        &mut s,
        Action::Pane(PaneMsg::Findings(crate::app::FindingsMsg::Page {
            request,
            findings,
            next_token: None,
        })),
    );
    s
}

pub(super) fn keys(s: &mut State, seq: &str) -> Vec<Effect> {
    Key::sequence(seq)
        .expect("key sequence")
        .into_iter()
        .flat_map(|k| update(s, Action::Key(k)))
        .collect()
}

fn page_request(request: u64, next_token: Option<&str>) -> Effect {
    Effect::Read(ReadRequest::Findings(FindingsRead::Page {
        request,
        filters: FindingFilters::default_view(),
        sort: SortCriterion::default_order(),
        next_token: next_token.map(String::from),
    }))
}

pub(super) fn messages(s: &State) -> Vec<String> {
    s.notifications.iter().map(|n| n.message.clone()).collect()
}

#[test]
fn init_asks_for_identity_the_first_page_and_interrupted_changes() {
    let mut s = state(false);
    assert_eq!(
        init(&mut s),
        vec![
            Effect::Read(ReadRequest::CallerIdentity),
            page_request(1, None),
            Effect::Read(ReadRequest::Findings(
                crate::app::panes::findings::FindingsRead::Hubs
            )),
            Effect::Interrupted(crate::app::interrupted::InterruptedEffect::Find),
        ]
    );
    let mut read_only = state(true);
    assert_eq!(
        init(&mut read_only).len(),
        3,
        "a read-only session cannot act on them"
    );
}

#[test]
fn pages_stream_in_and_the_next_one_is_requested_at_once() {
    let mut s = state(false);
    init(&mut s);
    let fx = update(
        &mut s,
        Action::Pane(PaneMsg::Findings(crate::app::FindingsMsg::Page {
            request: 1,
            findings: findings(0..100),
            next_token: Some("t1".into()),
        })),
    );
    assert_eq!(fx, vec![page_request(1, Some("t1"))]);
    assert_eq!(
        s.findings.visible_len(),
        100,
        "rows are visible after the first page"
    );
    assert_eq!(
        s.findings.status,
        crate::app::panes::findings::LoadStatus::Loading
    );
    let fx = update(
        &mut s,
        Action::Pane(PaneMsg::Findings(crate::app::FindingsMsg::Page {
            request: 1,
            findings: findings(100..150),
            next_token: None,
        })),
    );
    assert!(fx.is_empty());
    assert_eq!((s.findings.pages, s.findings.total()), (2, 150));
    assert_eq!(
        s.findings.status,
        crate::app::panes::findings::LoadStatus::Complete
    );
}

#[test]
fn refresh_bumps_the_request_and_stale_pages_are_ignored() {
    let mut s = loaded(10, false);
    assert_eq!(keys(&mut s, "r"), vec![page_request(2, None)]);
    let fx = update(
        &mut s,
        Action::Pane(PaneMsg::Findings(crate::app::FindingsMsg::Page {
            request: 1,
            findings: findings(50..60),
            next_token: Some("x".into()),
        })),
    );
    assert!(fx.is_empty());
    assert_eq!(
        s.findings.visible(0).map(|f| f.id.as_str()),
        Some("f-0"),
        "old rows stay"
    );
    update(
        &mut s,
        Action::Pane(PaneMsg::Findings(crate::app::FindingsMsg::Page {
            request: 2,
            findings: findings(20..23),
            next_token: None,
        })),
    );
    assert_eq!(s.findings.total(), 3, "the new load replaces the old rows");
}

#[test]
fn a_failed_page_keeps_what_loaded_and_resumes_from_its_token() {
    let mut s = state(false);
    init(&mut s);
    update(
        &mut s,
        Action::Pane(PaneMsg::Findings(crate::app::FindingsMsg::Page {
            request: 1,
            findings: findings(0..5),
            next_token: Some("t1".into()),
        })),
    );
    update(
        &mut s,
        Action::Pane(PaneMsg::Findings(crate::app::FindingsMsg::PageFailed {
            request: 1,
            error: "throttled".into(),
            next_token: Some("t1".into()),
        })),
    );
    assert_eq!(s.findings.total(), 5);
    assert!(messages(&s)[0].contains("throttled"));
    assert_eq!(keys(&mut s, "R"), vec![page_request(1, Some("t1"))]);
    assert_eq!(
        s.findings.status,
        crate::app::panes::findings::LoadStatus::Loading
    );
}

#[test]
fn vim_and_arrow_navigation_move_the_selection() {
    let mut s = loaded(100, false);
    update(
        &mut s,
        Action::Resize {
            width: 80,
            height: 24,
        },
    );
    keys(&mut s, "jj<down>");
    assert_eq!(s.findings.selected, 3);
    keys(&mut s, "k<up>");
    assert_eq!(s.findings.selected, 1);
    keys(&mut s, "G");
    assert_eq!(s.findings.selected, 99);
    assert!(s.findings.offset > 80, "the window follows the selection");
    keys(&mut s, "g");
    assert_eq!((s.findings.selected, s.findings.offset), (0, 0));
    keys(&mut s, "<ctrl-d>");
    assert_eq!(s.findings.selected, s.page_rows());
    keys(&mut s, "<pgdn><pgup><ctrl-u>");
    assert_eq!(s.findings.selected, 0);
    keys(&mut s, "<end>");
    assert_eq!(s.findings.selected, 99);
    keys(&mut s, "<home>k");
    assert_eq!(s.findings.selected, 0, "never above the first row");
}

#[test]
fn panes_switch_by_number_tab_and_shift_tab() {
    let mut s = loaded(1, false);
    keys(&mut s, "3");
    assert_eq!(s.pane, PaneId::IpSets);
    keys(&mut s, "<tab><tab>");
    assert_eq!(s.pane, PaneId::Findings, "tab wraps around");
    keys(&mut s, "<shift-tab>");
    assert_eq!(s.pane, PaneId::Audits);
    keys(&mut s, ":analyzer<enter>");
    assert_eq!(s.pane, PaneId::Analyzer);
}

#[test]
fn filter_updates_on_every_keystroke_esc_clears_enter_keeps() {
    let mut s = loaded(30, false);
    keys(&mut s, "/number 2");
    assert_eq!(s.findings.visible_len(), 11, "2 and 20..29");
    keys(&mut s, "1");
    assert_eq!(s.findings.visible_len(), 1);
    keys(&mut s, "<backspace>");
    assert_eq!(s.findings.visible_len(), 11);
    keys(&mut s, "<esc>");
    assert_eq!(s.findings.visible_len(), 30);
    assert_eq!(s.prompt, Prompt::None);
    keys(&mut s, "/CRITICAL<enter>");
    assert_eq!(
        s.findings.visible_len(),
        6,
        "case-insensitive, over the severity column"
    );
    keys(&mut s, "j");
    assert_eq!(
        s.findings.selected_finding().map(|f| f.id.as_str()),
        Some("f-5")
    );
}

#[test]
fn the_filter_applies_to_pages_that_arrive_later() {
    let mut s = state(false);
    init(&mut s);
    update(
        &mut s,
        Action::Pane(PaneMsg::Findings(crate::app::FindingsMsg::Page {
            request: 1,
            findings: findings(0..5),
            next_token: Some("t".into()),
        })),
    );
    keys(&mut s, "/high<enter>");
    assert_eq!(s.findings.visible_len(), 1);
    update(
        &mut s,
        Action::Pane(PaneMsg::Findings(crate::app::FindingsMsg::Page {
            request: 1,
            findings: findings(5..10),
            next_token: None,
        })),
    );
    assert_eq!(s.findings.visible_len(), 2);
    assert_eq!(s.findings.visible(1).map(|f| f.id.as_str()), Some("f-6"));
}

#[test]
fn enter_opens_the_detail_and_esc_goes_back() {
    let mut s = loaded(3, false);
    keys(&mut s, "j<enter>");
    let detail = s.findings.detail.as_ref().expect("detail open");
    assert_eq!(detail.finding_id, "f-1");
    keys(&mut s, "jjj");
    assert_eq!(
        s.findings.detail.as_ref().map(|d| d.scroll),
        Some(3),
        "j scrolls the detail"
    );
    assert_eq!(s.findings.selected, 1, "and not the table");
    keys(&mut s, "<esc>");
    assert!(s.findings.detail.is_none());
}

#[test]
fn command_line_completes_and_runs_theme() {
    let mut s = loaded(1, false);
    keys(&mut s, ":th<tab>hi<tab>");
    assert!(matches!(&s.prompt, Prompt::Command(c) if c.text == "theme high-contrast"));
    assert_eq!(
        keys(&mut s, "<enter>"),
        vec![Effect::LoadTheme("high-contrast".into())]
    );
    let theme = Theme::builtin("light").expect("light");
    update(&mut s, Action::ThemeLoaded(Ok(theme.clone())));
    assert_eq!(s.theme, theme);
    update(
        &mut s,
        Action::ThemeLoaded(Err("theme x.toml, line 2: bad".into())),
    );
    assert_eq!(messages(&s)[0], "theme x.toml, line 2: bad");
}

#[test]
fn unknown_commands_are_reported_by_name() {
    let mut s = loaded(1, false);
    assert!(keys(&mut s, ":frobnicate<enter>").is_empty());
    assert_eq!(messages(&s)[0], "unknown command :frobnicate (try :help)");
}

#[test]
fn q_quits_at_once_when_nothing_is_executing() {
    let mut s = loaded(1, false);
    assert_eq!(keys(&mut s, "q"), vec![Effect::Quit]);
    assert!(s.should_quit);
    let mut s = loaded(1, false);
    assert_eq!(keys(&mut s, ":q<enter>"), vec![Effect::Quit]);
}

#[test]
fn q_asks_first_while_a_change_is_executing() {
    let mut s = loaded(1, false);
    keys(&mut s, "wj<enter>y");
    assert!(s.pipeline.is_executing());
    assert!(keys(&mut s, "q").is_empty());
    assert!(s.confirm_quit && !s.should_quit);
    keys(&mut s, "x");
    assert!(!s.confirm_quit && !s.should_quit, "any other key cancels");
    keys(&mut s, "q");
    assert_eq!(keys(&mut s, "y"), vec![Effect::Quit]);
}

#[test]
fn ticks_redraw_only_when_something_changes() {
    let mut s = loaded(1, false);
    s.dirty = false;
    update(&mut s, Action::Tick);
    assert!(!s.dirty, "idle tick");
    update(
        &mut s,
        Action::Notify {
            level: NotifyLevel::Info,
            message: "hi".into(),
        },
    );
    s.dirty = false;
    for _ in 0..notify::INFO_TICKS - 1 {
        update(&mut s, Action::Tick);
    }
    assert!(!s.dirty);
    update(&mut s, Action::Tick);
    assert!(s.dirty, "the notification expired");
    assert!(s.notifications.is_empty());
    keys(&mut s, "r");
    s.dirty = false;
    update(&mut s, Action::Tick);
    assert!(s.dirty, "the loading spinner turns");
}

#[test]
fn errors_take_one_line_and_leave_on_the_app_clock() {
    let mut s = loaded(30, false);
    let rows = s.preview_rows(100);
    for i in 0..3 {
        let message = format!("GetFindings failed ({i})");
        update(
            &mut s,
            Action::Notify {
                level: NotifyLevel::Error,
                message,
            },
        );
    }
    assert_eq!(
        messages(&s)[0],
        "GetFindings failed (2)",
        "the newest shows"
    );
    assert_eq!(s.notifications.lines(), 1);
    assert_eq!(
        s.preview_rows(100),
        rows - 1,
        "one line is taken, not three"
    );
    for _ in 0..notify::ERROR_TICKS - 1 {
        update(&mut s, Action::Tick);
    }
    assert_eq!(s.notifications.lines(), 1);
    update(&mut s, Action::Tick);
    assert!(
        messages(&s).is_empty(),
        "gone after {} ticks",
        notify::ERROR_TICKS
    );
}

#[test]
fn unbound_keys_do_not_dirty() {
    let mut s = loaded(1, false);
    s.dirty = false;
    keys(&mut s, "Z");
    assert!(!s.dirty);
}

#[test]
fn identity_fills_the_account_and_errors_are_notified() {
    let mut s = state(false);
    let id = CallerIdentity {
        account: "123456789012".into(),
        arn: "arn:aws:iam::123456789012:user/a".into(),
        user_id: "A".into(),
    };
    update(&mut s, Action::IdentityLoaded(Ok(id.clone())));
    assert_eq!(s.session.identity, Some(id));
    update(&mut s, Action::IdentityLoaded(Err("expired token".into())));
    assert_eq!(messages(&s)[0], "GetCallerIdentity failed: expired token");
}

#[test]
fn help_toggles_and_swallows_other_keys() {
    let mut s = loaded(5, false);
    keys(&mut s, "?");
    assert_eq!(s.help, Some(0));
    keys(&mut s, "jj");
    assert_eq!(s.help, Some(2));
    assert_eq!(s.findings.selected, 0);
    keys(&mut s, "<esc>");
    assert_eq!(s.help, None);
}

#[test]
fn filtering_a_hundred_thousand_rows_keeps_an_index() {
    let mut s = loaded(100_000, false);
    keys(&mut s, "/number 9999");
    assert_eq!(s.findings.visible_len(), 11, "9999 and 99990..99999");
    keys(&mut s, "<enter>G");
    assert_eq!(
        s.findings.selected_finding().map(|f| f.id.as_str()),
        Some("f-99999")
    );
}
