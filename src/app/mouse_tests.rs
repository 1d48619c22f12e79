//! Mouse events through `update()`, as the key tests drive keys: a click on a tab, on a
//! row, on the selected row; the wheel in the table, the detail view, the help; the
//! mouse off.

use super::layout::{self, panes::RowsOf, screen};
use super::mouse::{Mouse, MouseKind, WHEEL_ROWS};
use super::tests::{keys, loaded};
use super::*;

fn mouse_on(n: usize) -> State {
    let mut s = loaded(n, false);
    s.session.mouse = true;
    update(
        &mut s,
        Action::Resize {
            width: 80,
            height: 24,
        },
    );
    s
}

fn at(s: &mut State, kind: MouseKind, column: u16, row: u16) -> Vec<Effect> {
    update(s, Action::Mouse(Mouse { kind, column, row }))
}

/// The screen row where the list `of` draws its row `index`.
fn row_y(s: &State, of: RowsOf, index: usize) -> u16 {
    let rows = layout::panes::rows(s)
        .into_iter()
        .find(|r| r.of == of)
        .expect("the list is on screen");
    rows.area.y + (index - rows.first) as u16
}

#[test]
fn a_click_on_a_tab_shows_its_pane() {
    let mut s = mouse_on(3);
    let tabs = layout::tabs(screen(80, 24, 0).tabs);
    let (pane, _, area) = &tabs[2];
    assert_eq!(*pane, PaneId::IpSets);
    let effects = at(&mut s, MouseKind::Click, area.x + 1, area.y);
    assert_eq!(s.pane, PaneId::IpSets);
    assert!(
        !effects.is_empty(),
        "showing the pane loads it, as its key does"
    );
    // Between tabs (the separator) nothing happens.
    let separator = tabs[0].2.right();
    at(&mut s, MouseKind::Click, separator, 0);
    assert_eq!(s.pane, PaneId::IpSets);
}

#[test]
fn a_click_selects_a_row_and_a_second_click_opens_it() {
    let mut s = mouse_on(30);
    let y = row_y(&s, RowsOf::Findings, 4);
    at(&mut s, MouseKind::Click, 10, y);
    assert_eq!(s.findings.selected, 4);
    assert!(s.findings.detail.is_none(), "one click only selects");
    at(&mut s, MouseKind::Click, 10, y);
    let detail = s.findings.detail.as_ref().expect("the second click opens");
    assert_eq!(detail.finding_id, "f-4");
    // Back in the table, a click above the selection moves up.
    keys(&mut s, "<esc>");
    let y = row_y(&s, RowsOf::Findings, 1);
    at(&mut s, MouseKind::Click, 10, y);
    assert_eq!(s.findings.selected, 1);
}

#[test]
fn clicks_below_the_last_row_or_on_the_header_select_nothing() {
    let mut s = mouse_on(3);
    let rows = layout::panes::rows(&s);
    let table = rows[0].area;
    at(&mut s, MouseKind::Click, 10, table.y + 5);
    at(&mut s, MouseKind::Click, 10, table.y - 1);
    assert_eq!(s.findings.selected, 0);
    assert!(s.findings.detail.is_none());
}

#[test]
fn the_wheel_scrolls_the_table_the_detail_and_the_help() {
    let mut s = mouse_on(30);
    at(&mut s, MouseKind::ScrollDown, 10, 10);
    assert_eq!(s.findings.selected, WHEEL_ROWS);
    at(&mut s, MouseKind::ScrollUp, 10, 10);
    assert_eq!(s.findings.selected, 0);
    keys(&mut s, "<enter>");
    at(&mut s, MouseKind::ScrollDown, 10, 10);
    assert_eq!(
        s.findings.detail.as_ref().map(|d| d.scroll),
        Some(WHEEL_ROWS)
    );
    keys(&mut s, "?");
    at(&mut s, MouseKind::ScrollDown, 10, 10);
    assert_eq!(s.help, Some(WHEEL_ROWS));
    assert_eq!(
        s.findings.detail.as_ref().map(|d| d.scroll),
        Some(WHEEL_ROWS),
        "the wheel moved the help, not the detail under it"
    );
}

#[test]
fn clicks_over_a_dialog_or_the_help_do_nothing_under_it() {
    let mut s = mouse_on(30);
    keys(&mut s, "?");
    let y = row_y(&s, RowsOf::Findings, 3);
    at(&mut s, MouseKind::Click, 10, y);
    assert_eq!(s.findings.selected, 0);
    keys(&mut s, "<esc>:");
    at(&mut s, MouseKind::ScrollDown, 10, 10);
    at(&mut s, MouseKind::Click, 1, 0);
    assert_eq!((s.findings.selected, s.pane), (0, PaneId::Findings));
}

#[test]
fn with_the_mouse_off_events_are_ignored() {
    let mut s = mouse_on(30);
    s.session.mouse = false;
    let y = row_y(&s, RowsOf::Findings, 4);
    at(&mut s, MouseKind::Click, 10, y);
    at(&mut s, MouseKind::ScrollDown, 10, y);
    at(&mut s, MouseKind::Click, 20, 0);
    assert_eq!((s.findings.selected, s.pane), (0, PaneId::Findings));
}

#[test]
fn a_click_in_the_group_list_selects_and_opens_the_group() {
    let mut s = mouse_on(30);
    update(&mut s, Action::SetGrouping("severity".into()));
    let y = row_y(&s, RowsOf::FindingGroups, 2);
    at(&mut s, MouseKind::Click, 10, y);
    let g = s.findings.grouping.as_ref().expect("grouped");
    assert_eq!((g.selected, g.open), (2, None));
    at(&mut s, MouseKind::Click, 10, y);
    assert_eq!(s.findings.grouping.as_ref().and_then(|g| g.open), Some(2));
}
