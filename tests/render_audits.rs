//! Snapshots of the IoT audits pane (ratatui TestBackend + insta), driven through
//! `update` as the runtime would, over recorded IoT Device Defender responses from
//! tests/fixtures/iot-audit, and a check that severity colours carry the theme's.

mod common;

use std::path::Path;

use common::render::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use secdeck::app::panes::audits::{AuditsMsg, Focus, IotRead};
use secdeck::app::{Action, Effect, ReadRequest, Session, State, update};
use secdeck::app::{PaneId, PaneMsg};
use secdeck::domain::iot::{
    AuditConfiguration, AuditSuppression, AuditTask, IotOverview, findings_from_json,
};
use secdeck::theme::Theme;
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/iot-audit")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(p).expect("fixture")).expect("json")
}

/// The recorded expiry date of the docs' suppression, minus three days.
const NOW: f64 = 1_597_881_600.0 - 3.0 * 86_400.0;

fn overview() -> IotOverview {
    let mut scheduled: AuditTask =
        serde_json::from_value(fixture("describe-audit-task-scheduled-noncompliant.json")).unwrap();
    scheduled.task_id = "787ed873b69cb4d6cdbae6ddd06996c5".into();
    let mut on_demand: AuditTask =
        serde_json::from_value(fixture("describe-audit-task-on-demand-compliant.json")).unwrap();
    on_demand.task_id = "a3aea009955e501a31b764abe1bebd3d".into();
    let suppressions: Vec<AuditSuppression> = serde_json::from_value(
        fixture("list-audit-suppressions-docs.json")["suppressions"].clone(),
    )
    .unwrap();
    IotOverview {
        now: NOW,
        config: AuditConfiguration::from_json(&fixture(
            "describe-account-audit-configuration.json",
        )),
        tasks: vec![scheduled, on_demand],
        suppressions,
        ..Default::default()
    }
}

fn pane(read_only: bool) -> State {
    let session = Session {
        profile: Some("secops".into()),
        region: "us-east-1".into(),
        read_only,
        ..Session::default()
    };
    let mut s = headless(session, Theme::default_dark(), 120, 32);
    let effects = update(&mut s, Action::ShowPane(PaneId::Audits));
    assert_eq!(
        effects,
        vec![Effect::Read(ReadRequest::Audits(IotRead::Overview {
            request: 1,
            window_days: 90
        }))]
    );
    update(
        &mut s,
        Action::Pane(PaneMsg::Audits(Box::new(AuditsMsg::OverviewLoaded {
            request: 1,
            result: Ok(overview()),
        }))),
    );
    // Findings of the scheduled audit: the recorded expiring certificates plus the
    // recorded shared-certificate findings, so two checks with two severities show.
    let mut findings = findings_from_json(&fixture(
        "list-audit-findings-device-cert-expiring-medium.json",
    ))
    .unwrap();
    findings.extend(
        findings_from_json(&fixture(
            "list-audit-findings-device-cert-shared-critical.json",
        ))
        .unwrap(),
    );
    findings[1].is_suppressed = true;
    update(
        &mut s,
        Action::Pane(PaneMsg::Audits(Box::new(AuditsMsg::FindingsLoaded {
            request: 1,
            task_id: "787ed873b69cb4d6cdbae6ddd06996c5".into(),
            result: Ok(findings),
        }))),
    );
    s
}

/// The pane's size.
fn render_pane(s: &State) -> Terminal<TestBackend> {
    render(s, 120, 32)
}

#[test]
fn audits_pane_with_tasks_and_findings_by_check() {
    let s = pane(false);
    insta::assert_snapshot!("audits_pane", render_pane(&s).backend());
}

#[test]
fn audits_pane_with_the_findings_focused() {
    let mut s = pane(false);
    update(&mut s, Action::Open);
    update(&mut s, Action::MoveDown);
    insta::assert_snapshot!("audits_pane_findings_focused", render_pane(&s).backend());
}

#[test]
fn at_80x24_started_shows_whole_and_clicks_pick_a_task_or_a_finding() {
    let mut s = pane(false);
    at_size_with_mouse(&mut s, 80, 24);
    insta::assert_snapshot!("audits_pane_80x24", render(&s, 80, 24).backend());
    assert!(
        find_on_screen(&s, "2020-07-31 04:01").is_some(),
        "Started is not cut"
    );
    click_on(&mut s, "2019-06-12 16:28");
    assert_eq!((s.audits.task_cursor, s.audits.focus), (1, Focus::Tasks));
    // A click in the findings list gives it the focus, on the row clicked.
    click_on(&mut s, "DEVICE_CERTIFICATE_SHARED_CHECK");
    assert_eq!(s.audits.focus, Focus::Findings);
    let row = s.audits.rows[s.audits.finding_cursor];
    let check = match row {
        secdeck::app::panes::audits::Row::Check(g) => &s.audits.groups[g].check_name,
        other => panic!("a check row was clicked, got {other:?}"),
    };
    assert_eq!(check, "DEVICE_CERTIFICATE_SHARED_CHECK");
}

/// The foreground colour of the first cell of the line containing `needle`.
fn line_colour(t: &Terminal<TestBackend>, needle: &str) -> Color {
    let buf = t.backend().buffer();
    for y in 0..buf.area.height {
        let line: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
        if let Some(col) = line.find(needle) {
            let x = line[..col].chars().count() as u16;
            return buf[(x, y)].fg;
        }
    }
    panic!("{needle} not on screen");
}

#[test]
fn check_rows_are_coloured_by_severity() {
    let t = render_pane(&pane(false));
    assert_eq!(
        line_colour(&t, "CRITICAL DEVICE_CERTIFICATE_SHARED_CHECK"),
        Color::Rgb(0xff, 0x55, 0x55)
    );
    assert_eq!(
        line_colour(&t, "MEDIUM   DEVICE_CERTIFICATE_EXPIRING_CHECK"),
        Color::Rgb(0xf1, 0xfa, 0x8c)
    );
}

#[test]
fn the_expiring_suppression_is_listed() {
    let t = render_pane(&pane(false));
    let text = buffer_text(&t);
    assert!(text.contains("1 expiring within 7 days"), "{text}");
    assert!(text.contains("c7691e<shortened> 2020-08-20"), "{text}");
}

#[test]
fn an_import_in_progress_shows_a_gauge() {
    let mut s = pane(false);
    update(
        &mut s,
        Action::Pane(PaneMsg::Audits(Box::new(AuditsMsg::ImportProgress {
            sent: 400,
            total: 1000,
        }))),
    );
    let t = render_pane(&s);
    let text = buffer_text(&t);
    assert!(text.contains("importing 400/1000"), "{text}");
    update(
        &mut s,
        Action::Pane(PaneMsg::Audits(Box::new(AuditsMsg::ImportProgress {
            sent: 1000,
            total: 1000,
        }))),
    );
    assert_eq!(
        s.audits.import_progress, None,
        "a finished import hides the gauge"
    );
}

/// The suppressions view (`L`) over the docs' suppression (expiring in 3 days) plus one
/// indefinite and one ending in 60 days.
fn suppressions_view() -> State {
    let mut s = pane(false);
    let effects = update(&mut s, Action::ListSuppressions);
    assert_eq!(
        effects,
        vec![Effect::Read(ReadRequest::Audits(IotRead::Suppressions {
            request: 1
        }))]
    );
    let mut list = overview().suppressions;
    let mut forever = list[0].clone();
    forever.check_name = "IOT_POLICY_OVERLY_PERMISSIVE_CHECK".into();
    forever.resource_identifier = Default::default();
    forever.resource_identifier.client_id = Some("lab-gateway-01".into());
    forever.expiration_date = None;
    forever.suppress_indefinitely = true;
    forever.description = Some("lab devices, reviewed quarterly".into());
    let mut later = list[0].clone();
    later.check_name = "DEVICE_CERTIFICATE_SHARED_CHECK".into();
    later.expiration_date = Some(NOW + 60.0 * 86_400.0);
    later.description = Some("fleet re-keying in progress".into());
    list.extend([forever, later]);
    update(
        &mut s,
        Action::Pane(PaneMsg::Audits(Box::new(AuditsMsg::SuppressionsLoaded {
            request: 1,
            result: Ok(list),
        }))),
    );
    s
}

#[test]
fn the_suppressions_view_highlights_and_counts_the_expiring() {
    let mut s = suppressions_view();
    insta::assert_snapshot!("audits_suppressions_view", render_pane(&s).backend());
    insta::assert_snapshot!(
        "audits_suppressions_view_80x24",
        resized(&mut s, 80, 24).backend()
    );
    resized(&mut s, 120, 32);
    // Off the selection, the rows keep their own colours.
    update(&mut s, Action::MoveDown);
    let t = render_pane(&s);
    assert_eq!(
        line_colour(&t, "2020-08-20 (in 3d)"),
        Color::Rgb(0xff, 0xb8, 0x6c),
        "the suppression ending in 3 days is highlighted"
    );
    assert_ne!(
        line_colour(&t, "2020-10-16 (in 60d)"),
        Color::Rgb(0xff, 0xb8, 0x6c),
        "one ending in 60 days is not"
    );
}
