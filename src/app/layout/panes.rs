//! Each pane's body split into its parts, as the UI draws them, and the selectable rows a
//! mouse click can land on. The UI takes its rectangles from here, so a click is tested
//! against exactly what is on screen.

use super::{Area, screen, window};
use crate::app::State;
use crate::app::panes::PaneId;
use crate::app::panes::audits::{AuditsPane, Focus};

/// A bordered table's header row (under the top border).
const HEADER: u16 = 1;

/// The findings pane: filter line, counts strip, the load error (when a page failed), table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FindingsAreas {
    pub summary: Area,
    pub strip: Area,
    pub error: Area,
    pub table: Area,
}

pub fn findings(body: Area, failed: bool) -> FindingsAreas {
    let (summary, rest) = body.take_top(super::FINDINGS_SUMMARY);
    let (strip, rest) = rest.take_top(super::FINDINGS_STRIP);
    let (error, table) = rest.take_top(u16::from(failed));
    FindingsAreas {
        summary,
        strip,
        error,
        table,
    }
}

/// The Access Analyzer pane: its one-line header, then the view.
pub fn analyzer(body: Area) -> (Area, Area) {
    body.take_top(1)
}

/// The IoT audits pane's tasks table shows this many rows (plus border and header).
pub const AUDIT_TASK_ROWS: u16 = 6;

/// The IoT audits pane: summary lines, tasks table, import failures (while any), findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditsAreas {
    pub summary: Area,
    pub tasks: Area,
    pub failures: Area,
    pub findings: Area,
}

/// Rows of the import failures box: up to four failures and its border.
pub fn audit_failures_rows(pane: &AuditsPane) -> u16 {
    match pane.import_failures.len() {
        0 => 0,
        n => n.min(4) as u16 + 2,
    }
}

pub fn audits(body: Area, pane: &AuditsPane) -> AuditsAreas {
    let (summary, rest) = body.take_top(2);
    let (tasks, rest) = rest.take_top(AUDIT_TASK_ROWS + 3);
    let (failures, findings) = rest.take_top(audit_failures_rows(pane));
    AuditsAreas {
        summary,
        tasks,
        failures,
        findings,
    }
}

/// The journal view's details box under its table.
pub const JOURNAL_DETAIL: u16 = 6;

/// The journal view: (table, details).
pub fn journal(body: Area) -> (Area, Area) {
    body.take_bottom(JOURNAL_DETAIL)
}

/// An open IP set (inside its border): who uses it (`refs` lines), the note line, the list.
pub fn addresses(inner: Area, refs: u16) -> (Area, Area, Area) {
    let (refs, rest) = inner.take_top(refs.max(1));
    let (note, list) = rest.take_top(1);
    (refs, note, list)
}

/// Which list a row belongs to (what a click selects in).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowsOf {
    Findings,
    FindingGroups,
    Analyzer,
    IpSets,
    Addresses,
    AuditTasks,
    AuditFindings,
    Journal,
}

/// A list's rows on screen: where they are drawn, the index of the first one drawn, the
/// selected index and how many there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rows {
    pub of: RowsOf,
    pub area: Area,
    pub first: usize,
    pub selected: usize,
    pub len: usize,
}

impl Rows {
    /// The index of the row drawn at screen row `y`, if a row is drawn there.
    pub fn index_at(&self, column: u16, y: u16) -> Option<usize> {
        if !self.area.contains(column, y) {
            return None;
        }
        let i = self.first + usize::from(y - self.area.y);
        (i < self.len).then_some(i)
    }

    /// `len` rows in a bordered table `outer` with a header row, the window kept from
    /// `offset` (0 for tables that scroll as little as will).
    fn in_table(of: RowsOf, outer: Area, offset: usize, selected: usize, len: usize) -> Rows {
        let (_, area) = outer.inner().take_top(HEADER);
        Rows::at(of, area, offset, selected, len)
    }

    fn at(of: RowsOf, area: Area, offset: usize, selected: usize, len: usize) -> Rows {
        Rows {
            of,
            area,
            first: window(offset, selected, area.height as usize),
            selected,
            len,
        }
    }
}

/// The lists of the view on screen that a click can select in (none under a detail view).
pub fn rows(state: &State) -> Vec<Rows> {
    let notes = state.notifications.lines();
    let body = screen(state.size.0, state.size.1, notes).body;
    if let Some(view) = &state.journal {
        let (table, _) = journal(body);
        let len = view.visible().len();
        return vec![Rows::in_table(RowsOf::Journal, table, 0, view.cursor, len)];
    }
    match state.pane {
        PaneId::Findings => findings_rows(state, body),
        PaneId::Analyzer => {
            let pane = &state.analyzer;
            if pane.detail.is_some() || pane.view != crate::app::panes::analyzer::View::Findings {
                return Vec::new();
            }
            let (_, table) = analyzer(body);
            let len = pane.visible().len();
            vec![Rows::in_table(RowsOf::Analyzer, table, 0, pane.cursor, len)]
        }
        PaneId::IpSets => {
            let pane = &state.ipsets;
            match pane.open_row() {
                Some(row) => {
                    let refs = row.references.len() as u16;
                    let (_, _, list) = addresses(body.inner(), refs);
                    let len = pane.addresses().rows.len();
                    let cursor = pane.addr_cursor.min(len.saturating_sub(1));
                    vec![Rows::at(RowsOf::Addresses, list, 0, cursor, len)]
                }
                None => vec![Rows::in_table(
                    RowsOf::IpSets,
                    body,
                    0,
                    pane.cursor,
                    pane.rows.len(),
                )],
            }
        }
        PaneId::Audits => audits_rows(&state.audits, body),
    }
}

fn findings_rows(state: &State, body: Area) -> Vec<Rows> {
    let pane = &state.findings;
    if pane.detail.is_some() {
        return Vec::new();
    }
    let failed = matches!(
        pane.status,
        crate::app::panes::findings::LoadStatus::Failed { .. }
    );
    let table = findings(body, failed).table;
    match &pane.grouping {
        Some(g) if g.open.is_none() => vec![Rows::in_table(
            RowsOf::FindingGroups,
            table,
            g.offset,
            g.selected,
            g.groups.len(),
        )],
        _ => vec![Rows::in_table(
            RowsOf::Findings,
            table,
            pane.offset,
            pane.selected,
            pane.visible_len(),
        )],
    }
}

fn audits_rows(pane: &AuditsPane, body: Area) -> Vec<Rows> {
    if pane.suppressions_view.is_some() {
        return Vec::new();
    }
    let areas = audits(body, pane);
    let tasks = Rows::in_table(
        RowsOf::AuditTasks,
        areas.tasks,
        0,
        pane.task_cursor,
        pane.tasks().len(),
    );
    // The findings list has no header row; its cursor shows only while it has the focus.
    let cursor = match pane.focus {
        Focus::Findings => pane.finding_cursor,
        Focus::Tasks => 0,
    };
    let findings = Rows::at(
        RowsOf::AuditFindings,
        areas.findings.inner(),
        0,
        cursor,
        pane.rows.len(),
    );
    vec![tasks, findings]
}
