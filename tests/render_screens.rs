//! Whole-screen snapshots of the console (ratatui TestBackend + insta), driven through
//! `update` exactly as the runtime would, over findings read from real ASFF fixtures.

use secdeck::app::PaneMsg;
use std::path::Path;

mod common;

use common::render::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::{Color, Modifier};
use secdeck::app::commands::CommandLine;
use secdeck::app::input::Prompt;
use secdeck::app::pipeline::Stage;
use secdeck::app::{Action, Effect, NotifyLevel, Session, State, update};
use secdeck::domain::finding::Finding;
use secdeck::domain::identity::CallerIdentity;
use secdeck::theme::Theme;
use secdeck::ui::draw;

fn fixtures() -> Vec<Finding> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/asff");
    // The five findings the snapshots were taken with (the directory holds more).
    const FILES: [&str; 5] = [
        "guardduty-ec2-ssh-bruteforce.json",
        "prowler-rds-minor-version-upgrade-passed.json",
        "securityhub-cis-1-3-notified-passed.json",
        "securityhub-fsbp-rds-2-public-instance.json",
        "securityhub-fsbp-s3-8-bucket-public-access-block.json",
    ];
    FILES
        .iter()
        .map(|name| dir.join(name))
        .map(|p| {
            let text = std::fs::read_to_string(p).expect("fixture");
            Finding::from_asff(serde_json::from_str(&text).expect("fixture json")).expect("finding")
        })
        .collect()
}

fn session(read_only: bool, demo: bool) -> Session {
    Session {
        profile: Some("secops".into()),
        region: "us-east-1".into(),
        endpoint: demo.then(|| "sandbox (in-process)".to_string()),
        demo,
        read_only,
        mouse: false,
        identity: Some(CallerIdentity {
            account: "111122223333".into(),
            arn: "arn:aws:iam::111122223333:user/analyst".into(),
            user_id: "AIDAEXAMPLE".into(),
        }),
    }
}

fn console(read_only: bool, demo: bool, theme: Theme, size: (u16, u16)) -> State {
    let mut s = headless(session(read_only, demo), theme, size.0, size.1);
    with_findings(&mut s, fixtures());
    s
}

fn press(s: &mut State, seq: &str) {
    type_keys(s, seq);
}

fn snap(name: &str, s: &State, width: u16, height: u16) {
    insta::assert_snapshot!(name, render(s, width, height).backend());
}

#[test]
fn findings_table_80x24() {
    let s = console(false, false, Theme::default_dark(), (80, 24));
    snap("findings_80x24", &s, 80, 24);
}

#[test]
fn findings_table_160x48_with_a_notification() {
    let mut s = console(false, false, Theme::default_dark(), (160, 48));
    update(
        &mut s,
        Action::Notify {
            level: NotifyLevel::Error,
            message: "GetFindings throttled; retrying".into(),
        },
    );
    press(&mut s, "jj");
    snap("findings_160x48", &s, 160, 48);
}

#[test]
fn detail_view() {
    let mut s = console(false, false, Theme::default_dark(), (100, 40));
    press(&mut s, "jjj<enter>");
    snap("detail_view", &s, 100, 40);
    press(&mut s, "<pgdn>");
    snap("detail_view_scrolled", &s, 100, 40);
    resized(&mut s, 80, 24);
    snap("detail_view_80x24", &s, 80, 24);
}

#[test]
fn help_overlay_read_write_and_read_only() {
    let mut s = console(false, false, Theme::default_dark(), (100, 50));
    press(&mut s, "?");
    snap("help_overlay", &s, 100, 50);
    let mut s = console(true, false, Theme::default_dark(), (100, 50));
    press(&mut s, "?");
    snap("help_overlay_read_only", &s, 100, 50);
}

/// Three errors in a row take one line, the newest; it leaves on the app's clock (ticks).
#[test]
fn errors_do_not_pile_up_and_leave() {
    let mut s = console(false, false, Theme::default_dark(), (80, 24));
    for i in 1..=3 {
        let message = format!("GetFindings failed: throttled ({i})");
        update(
            &mut s,
            Action::Notify {
                level: NotifyLevel::Error,
                message,
            },
        );
    }
    let screen = buffer_text(&render(&s, 80, 24));
    assert!(
        screen.contains("✗ GetFindings failed: throttled (3)"),
        "{screen}"
    );
    assert!(!screen.contains("throttled (2)") && !screen.contains("throttled (1)"));
    for _ in 0..secdeck::app::notify::ERROR_TICKS {
        update(&mut s, Action::Tick);
    }
    assert!(!buffer_text(&render(&s, 80, 24)).contains("throttled"));
}

/// At 80x24 the overlay takes the width there is, the pane in view first, and the wheel
/// scrolls it; at 200 columns no description is cut.
#[test]
fn help_overlay_at_80x24_and_200x50() {
    let mut s = console(false, false, Theme::default_dark(), (80, 24));
    at_size_with_mouse(&mut s, 80, 24);
    press(&mut s, "jjj<enter>?");
    snap("help_overlay_80x24", &s, 80, 24);
    mouse(&mut s, secdeck::app::mouse::MouseKind::ScrollDown, 40, 12);
    assert_eq!(s.help, Some(secdeck::app::mouse::WHEEL_ROWS));
    let mut s = console(false, false, Theme::default_dark(), (200, 50));
    press(&mut s, "?");
    let screen = buffer_text(&render(&s, 200, 50));
    assert!(screen.contains("set workflow status of marked / selected (preview, then approve)"));
    assert!(screen.contains("Findings pane"));
}

#[test]
fn command_line_completion() {
    let mut s = console(false, false, Theme::default_dark(), (80, 24));
    press(&mut s, ":theme <tab>");
    snap("command_completion", &s, 80, 24);
}

/// The command line with the cursor moved back into the line: the character under it is
/// drawn reversed (marked `^` on the line under the screen); the text does not shift.
#[test]
fn command_line_with_the_cursor_in_the_middle() {
    let mut s = console(false, false, Theme::default_dark(), (80, 24));
    press(
        &mut s,
        ":findings sev=HIGH status=NEW<ctrl-left><ctrl-left>",
    );
    let t = render(&s, 80, 24);
    let buf = t.backend().buffer();
    let marks: String = (0..80)
        .map(|x| {
            let reversed = buf[(x, 23)].modifier.contains(Modifier::REVERSED);
            if reversed { '^' } else { ' ' }
        })
        .collect();
    assert_eq!(marks.matches('^').count(), 1, "one cursor cell");
    assert_eq!(buf[(19, 23)].symbol(), "s", "on the s of status");
    insta::assert_snapshot!(
        "command_line_cursor",
        format!(
            "{}\n {}",
            t.backend().to_string().trim_end(),
            marks.trim_end()
        )
    );
}

#[test]
fn filter_prompt_narrows_the_table() {
    let mut s = console(false, false, Theme::default_dark(), (80, 24));
    press(&mut s, "/rds");
    snap("filter_prompt", &s, 80, 24);
}

#[test]
fn workflow_picker_and_preview_modal() {
    let mut s = console(false, false, Theme::default_dark(), (80, 24));
    press(&mut s, "w");
    snap("workflow_picker", &s, 80, 24);
    press(&mut s, "jj<enter>");
    snap("preview_modal", &s, 80, 24);
    press(&mut s, "y");
    snap("executing", &s, 80, 24);
}

#[test]
fn read_only_and_demo_badges() {
    let s = console(true, true, Theme::default_dark(), (80, 24));
    snap("read_only_demo", &s, 80, 24);
}

#[test]
fn load_failure_shown_in_the_pane() {
    let mut s = console(false, false, Theme::default_dark(), (80, 24));
    press(&mut s, "r");
    let request = s.findings.request;
    update(
        &mut s,
        Action::Pane(PaneMsg::Findings(secdeck::app::FindingsMsg::PageFailed {
            request,
            error: "AccessDeniedException: not authorized".into(),
            next_token: None,
        })),
    );
    snap("load_failed", &s, 80, 24);
}

#[test]
fn placeholder_panes() {
    let mut s = console(false, false, Theme::default_dark(), (80, 24));
    press(&mut s, "2");
    snap("placeholder_analyzer", &s, 80, 24);
}

#[test]
fn too_small_message() {
    let s = console(false, false, Theme::default_dark(), (59, 15));
    snap("too_small", &s, 59, 15);
    let text = render(&s, 59, 15).backend().to_string();
    assert!(text.contains("terminal too small"), "{text}");
    let fits = render(&s, 60, 15).backend().to_string();
    assert!(!fits.contains("terminal too small"));
}

/// The severity cell of the row whose text contains `needle`.
fn severity_cell(t: &Terminal<TestBackend>, needle: &str) -> ratatui::buffer::Cell {
    let buf = t.backend().buffer();
    for y in 0..buf.area.height {
        let line: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
        if let Some(col) = line.find(needle) {
            let x = line[..col].chars().count() as u16;
            return buf[(x, y)].clone();
        }
    }
    panic!("{needle} not on screen");
}

#[test]
fn severity_cells_carry_the_theme_colours() {
    let s = console(false, false, Theme::default_dark(), (160, 48));
    // The selected row gets a background; its text keeps the severity colour.
    let t = render(&s, 160, 48);
    assert_eq!(severity_cell(&t, "HIGH").fg, Color::Rgb(0xff, 0xb8, 0x6c));
    assert_eq!(severity_cell(&t, "MEDIUM").fg, Color::Rgb(0xf1, 0xfa, 0x8c));
    assert_eq!(severity_cell(&t, "LOW").fg, Color::Rgb(0x8b, 0xe9, 0xfd));
    let critical = severity_cell(&t, "CRITICAL");
    assert_eq!(critical.fg, Color::Rgb(0xff, 0x55, 0x55));
    assert!(critical.modifier.contains(Modifier::BOLD));
}

#[test]
fn no_color_uses_modifiers_instead_of_colours() {
    let s = console(false, false, Theme::monochrome(), (160, 48));
    let t = render(&s, 160, 48);
    let critical = severity_cell(&t, "CRITICAL");
    assert_eq!(critical.fg, Color::Reset);
    assert!(
        critical
            .modifier
            .contains(Modifier::REVERSED | Modifier::BOLD)
    );
    let buf = t.backend().buffer();
    let coloured = buf
        .content
        .iter()
        .any(|c| c.fg != Color::Reset || c.bg != Color::Reset);
    assert!(!coloured, "monochrome draws no colour at all");
}

#[test]
fn draw_never_panics_at_any_size() {
    // Two states that between them put every widget on screen at once: the table with
    // notifications, a preview modal, the help overlay and command completions; and the
    // detail view in monochrome, read-only, with the filter prompt.
    let mut busy = console(false, true, Theme::default_dark(), (80, 24));
    update(
        &mut busy,
        Action::Notify {
            level: NotifyLevel::Warning,
            message: "a long notification ".repeat(5),
        },
    );
    press(&mut busy, "wj<enter>");
    // These cannot all open from keys at once (modals take the keyboard); set them directly.
    busy.help = Some(3);
    busy.prompt = Prompt::Command(CommandLine {
        text: "theme ".into(),
        completions: Theme::names(),
        chosen: Some(1),
    });
    let mut detail = console(true, true, Theme::monochrome(), (80, 24));
    press(&mut detail, "G<enter>");
    detail.prompt = Prompt::Filter;
    assert!(busy.help.is_some() && busy.pipeline.is_modal() && detail.findings.detail.is_some());
    let mut t = Terminal::new(TestBackend::new(1, 1)).expect("terminal");
    for s in [&busy, &detail] {
        for w in 1..=120 {
            for h in 1..=40 {
                t.backend_mut().resize(w, h);
                t.draw(|f| draw(f, s)).expect("draw");
            }
        }
    }
}

#[test]
fn scrolling_right_reveals_the_columns_a_narrow_table_drops() {
    let mut s = console(false, false, Theme::default_dark(), (80, 24));
    assert!(!render(&s, 80, 24).backend().to_string().contains("Updated"));
    press(&mut s, "lll");
    let text = render(&s, 80, 24).backend().to_string();
    assert!(
        text.contains("Updated") && text.contains("Severity"),
        "{text}"
    );
    assert!(!text.contains("Title"));
    press(&mut s, "hhh<left>");
    assert!(render(&s, 80, 24).backend().to_string().contains("Title"));
}

/// "Terminal too small": every key but quit is swallowed, so `j w j enter y` neither moves
/// the selection nor opens, approves or sends anything; at a usable size the table is as
/// it was. A preview open when the screen shrinks cannot be approved blind either.
#[test]
fn a_too_small_screen_swallows_every_key_but_quit() {
    let mut s = console(false, false, Theme::default_dark(), (80, 24));
    let before = s.findings.selected;
    update(
        &mut s,
        Action::Resize {
            width: 50,
            height: 12,
        },
    );
    let effects = type_keys(&mut s, "jwj<enter>y");
    assert!(effects.is_empty(), "{effects:?}");
    snap("too_small_after_keys", &s, 50, 12);
    assert_eq!(s.findings.selected, before, "the selection did not move");
    assert_eq!(s.pipeline.stage, Stage::Idle, "no picker, no preview");
    assert!(
        type_keys(&mut s, ":set_workflow<enter>").is_empty(),
        "no command line either"
    );

    update(
        &mut s,
        Action::Resize {
            width: 80,
            height: 24,
        },
    );
    press(&mut s, "wj<enter>");
    assert!(matches!(s.pipeline.stage, Stage::Preview { .. }));
    update(
        &mut s,
        Action::Resize {
            width: 80,
            height: 10,
        },
    );
    assert!(
        type_keys(&mut s, "y").is_empty(),
        "y on a preview not on screen"
    );
    assert!(matches!(s.pipeline.stage, Stage::Preview { .. }));

    // Quit still works.
    let effects = type_keys(&mut s, "q");
    assert!(matches!(effects.as_slice(), [Effect::Quit]), "{effects:?}");
}
