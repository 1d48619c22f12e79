//! The findings table over the store: when this console writes the session's findings
//! store, the rows stay there and the pane holds only the window it shows (plus a margin),
//! the counts of the `/` filter and the summary strip, and the group list's counts. It
//! asks for what it lacks with reads (`window_reads`, after every update) and draws what
//! it has; answers for an older query are dropped by their `seq`.

use std::collections::HashMap;

use super::FindingsPane;
use super::group::{Group, GroupBy};
use crate::app::effect::{Effect, ReadRequest};
use crate::app::panes::findings::FindingsRead;
use crate::app::panes::findings::msg::RowsFor;
use crate::domain::finding::{Finding, FindingRef};
use crate::store::{Api, GroupColumn, GroupCount, ViewRef, WindowCounts, WindowQuery};

/// Rows read above and below the screen, so a few moves need no read.
const MARGIN: usize = 60;
/// The tallest table the window serves without a read per move.
const SCREEN: usize = 120;

/// What `FindingsRead::Counts` answers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Counted {
    pub counts: WindowCounts,
    /// Every row of the view (before the `/` filter and an open group), when counted.
    pub view_rows: Option<usize>,
    pub groups: Option<Vec<GroupCount>>,
}

#[derive(Debug, Clone, Default)]
pub struct StoreWindow {
    /// The query the pane shows; bumped when it or the stored rows change.
    pub seq: u64,
    /// Counts for `seq` (None while they are read: the last ones are shown).
    counted: Option<(u64, Counted)>,
    counting: Option<u64>,
    /// Rows of the whole view, and whether they changed since counted.
    pub view_rows: usize,
    whole_stale: bool,
    /// The rows held: positions `start..start + rows.len()` under query `rows_seq`.
    pub start: usize,
    pub rows: Vec<Finding>,
    rows_seq: u64,
    /// The window read in flight: (seq, start).
    pending: Option<(u64, usize)>,
    /// Fewer rows than asked came back: the query's end is inside the window.
    end_seen: bool,
    /// Keep the cursor on this finding (at this screen row) when the next window arrives.
    keep: Option<(FindingRef, usize)>,
    /// The marked findings (their ids are `marks`): what a change on marks targets.
    pub marked: HashMap<String, Finding>,
    /// Requests for every row of a query (marks, export), waiting to be sent.
    row_requests: Vec<(WindowQuery, RowsFor)>,
}

fn column_of(by: GroupBy) -> GroupColumn {
    match by {
        GroupBy::Control => GroupColumn::Control,
        GroupBy::Resource => GroupColumn::Resource,
        GroupBy::Product => GroupColumn::Product,
        GroupBy::Account => GroupColumn::Account,
        GroupBy::Severity => GroupColumn::Severity,
        GroupBy::Type => GroupColumn::Type,
    }
}

impl StoreWindow {
    pub fn counted(&self) -> Option<&Counted> {
        self.counted.as_ref().map(|(_, c)| c)
    }
}

impl FindingsPane {
    /// The table reads windows of the store.
    pub fn is_windowed(&self) -> bool {
        self.window.is_some()
    }

    /// Starts reading the view from the store (the stored rows, or those a full fetch
    /// writes), keeping the cursor on its finding.
    pub(super) fn enter_window(&mut self) {
        let keep = self.window_keep();
        // The query numbers go on: the task skips reads older than the newest it saw.
        let (marked, seq) = self
            .window
            .take()
            .map_or((HashMap::new(), 1), |w| (w.marked, w.seq + 1));
        self.rows.clear();
        self.haystacks.clear();
        self.matches = None;
        self.scope = None;
        self.window = Some(StoreWindow {
            marked,
            keep,
            seq,
            whole_stale: true,
            ..StoreWindow::default()
        });
    }

    /// Back to rows in memory (a load the store does not keep: an organization scope, a
    /// reader's store): the window's rows go, the `/` filter applies to the rows to come.
    pub(super) fn leave_window(&mut self) {
        if self.window.take().is_some() {
            self.clear_rows();
            let text = self.filter.value().to_string();
            self.set_filter(&text);
        }
    }

    fn window_keep(&self) -> Option<(FindingRef, usize)> {
        let f = self.selected_finding()?;
        Some((f.reference(), self.selected.saturating_sub(self.offset)))
    }

    /// The stored rows changed (a page, a delta, a change's re-read): read again, the
    /// cursor staying on its finding.
    pub(super) fn window_changed(&mut self) {
        let keep = self.window_keep();
        if let Some(w) = &mut self.window {
            w.seq += 1;
            w.whole_stale = true;
            w.keep = keep.or(w.keep.take());
        }
    }

    /// The query changed (`/`, a group opened or closed, sort): from the top, or with
    /// the cursor kept (`keep`).
    pub(super) fn window_query_changed(&mut self, keep: bool) {
        let kept = keep.then(|| self.window_keep()).flatten();
        if let Some(w) = &mut self.window {
            w.seq += 1;
            w.rows.clear();
            w.start = 0;
            w.end_seen = false;
            w.keep = kept;
        }
    }

    /// The stored view the table shows: the OCSF one on OCSF, else the ASFF one.
    pub fn stored_view(&self) -> ViewRef {
        match self.on_ocsf() {
            true => ViewRef {
                api: Api::Ocsf,
                key: crate::store::ocsf::view_key(&self.ocsf.filters),
            },
            false => ViewRef {
                api: Api::Asff,
                key: crate::store::view_key(&self.filters),
            },
        }
    }

    /// The query the table shows.
    pub fn window_query(&self) -> WindowQuery {
        let grouping = self.grouping.as_ref();
        WindowQuery {
            sort: self.sort.clone(),
            text: self.filter.value().to_string(),
            group: grouping.and_then(|g| {
                let grp = g.open_group()?;
                Some((column_of(g.by), grp.key.clone()))
            }),
            key_matches: grouping
                .filter(|g| g.open.is_none())
                .map(|g| column_of(g.by)),
        }
    }

    /// Nothing asked of the store is outstanding: the window holds the screen's rows and
    /// the counts are the current query's (always, for a table in memory).
    pub fn window_settled(&self) -> bool {
        let Some(w) = &self.window else { return true };
        w.rows_seq == w.seq
            && w.keep.is_none()
            && w.pending.is_none()
            && w.row_requests.is_empty()
            && w.counted.as_ref().is_some_and(|(s, _)| *s == w.seq)
    }

    /// Rows the query leaves, as far as known.
    pub(super) fn window_len(&self, w: &StoreWindow) -> usize {
        match &w.counted {
            Some((seq, c)) if *seq == w.seq => c.counts.rows,
            _ if w.rows_seq == w.seq => w.start + w.rows.len(),
            Some((_, c)) => c.counts.rows,
            None => 0,
        }
    }

    /// The row at visible position `i`, if the window holds it.
    pub(super) fn window_row(w: &StoreWindow, i: usize) -> Option<&Finding> {
        (w.rows_seq == w.seq)
            .then(|| w.rows.get(i.checked_sub(w.start)?))
            .flatten()
    }

    /// Marks every stored row of `query` (`toggle`: or unmarks them when all are).
    pub fn request_marks(&mut self, query: WindowQuery, toggle: bool) {
        if let Some(w) = &mut self.window {
            w.row_requests.push((query, RowsFor::Mark { toggle }));
        }
    }

    /// Exports every row the table shows to `path` (read from the store first).
    pub fn request_export(&mut self, path: String) {
        let query = self.window_query();
        if let Some(w) = &mut self.window {
            w.row_requests.push((query, RowsFor::Export { path }));
        }
    }

    /// The query of group `i` of the list (with the `/` filter), to mark it.
    pub fn group_query(&self, i: usize) -> Option<WindowQuery> {
        let g = self.grouping.as_ref()?;
        let key = g.groups.get(i)?.key.clone();
        Some(WindowQuery {
            group: Some((column_of(g.by), key)),
            key_matches: None,
            ..self.window_query()
        })
    }

    /// The query of the rows sharing the selected finding's `by` key (`*`, `#`, `&`).
    pub fn same_query(&self, by: GroupBy) -> Option<(String, WindowQuery)> {
        let key = by.key(self.selected_finding()?);
        let query = WindowQuery {
            group: Some((column_of(by), key.clone())),
            key_matches: None,
            ..self.window_query()
        };
        Some((key, query))
    }

    /// What the table lacks, as reads: counts for the current query, the window around
    /// the screen, marks asked for. Pure: the answers come back as messages.
    pub fn window_reads(&mut self) -> Vec<Effect> {
        if self.window.is_none() {
            return Vec::new();
        }
        let view = self.stored_view();
        let query = self.window_query();
        let group_column = self
            .grouping
            .as_ref()
            .filter(|g| g.open.is_none())
            .map(|g| column_of(g.by));
        let (offset, len) = (
            self.offset,
            self.window.as_ref().map(|w| self.window_len(w)),
        );
        let Some(w) = &mut self.window else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let read = |r: FindingsRead| Effect::Read(ReadRequest::Findings(r));
        for (query, purpose) in w.row_requests.drain(..) {
            out.push(read(FindingsRead::Rows {
                view: view.clone(),
                query,
                purpose,
            }));
        }
        let counted = w.counted.as_ref().is_some_and(|(s, _)| *s == w.seq);
        if !counted && w.counting != Some(w.seq) {
            w.counting = Some(w.seq);
            out.push(read(FindingsRead::Counts {
                seq: w.seq,
                view: view.clone(),
                query: query.clone(),
                groups: group_column,
                whole: w.whole_stale,
            }));
        }
        let known = w.rows_seq == w.seq;
        let held_end = w.start + w.rows.len();
        let need_end = (offset + SCREEN).min(len.unwrap_or(usize::MAX));
        let covered =
            known && w.keep.is_none() && w.start <= offset && (held_end >= need_end || w.end_seen);
        let start = offset.saturating_sub(MARGIN);
        if covered || w.pending.is_some_and(|(s, _)| s == w.seq) {
            return out;
        }
        let anchor = known
            .then(|| w.rows.first().map(|f| (w.start, f.reference())))
            .flatten();
        let rows = counted
            .then(|| w.counted.as_ref().map(|(_, c)| c.counts.rows))
            .flatten();
        w.pending = Some((w.seq, start));
        out.push(read(FindingsRead::Window {
            seq: w.seq,
            view,
            query,
            range: (start, SCREEN + 2 * MARGIN),
            anchor,
            rows,
            keep: w.keep.clone(),
        }));
        out
    }

    /// A window arrived.
    pub fn on_window(
        &mut self,
        seq: u64,
        start: usize,
        result: Result<Vec<Finding>, String>,
        selected: Option<usize>,
    ) -> Option<String> {
        let w = self.window.as_mut()?;
        if seq != w.seq {
            return None;
        }
        w.pending = None;
        let rows = match result {
            Ok(rows) => rows,
            Err(e) => return Some(e),
        };
        w.end_seen = rows.len() < SCREEN + 2 * MARGIN;
        w.rows = rows;
        w.start = start;
        w.rows_seq = seq;
        if let Some((_, screen_row)) = w.keep.take()
            && let Some(p) = selected
        {
            self.selected = p;
            self.offset = p.saturating_sub(screen_row);
        }
        self.clamp_selection();
        None
    }

    /// Counts arrived: the `/` filter's count, the strip, the group list.
    pub fn on_counts(&mut self, seq: u64, result: Result<Counted, String>) -> Option<String> {
        let w = self.window.as_mut()?;
        if seq != w.seq {
            return None;
        }
        w.counting = None;
        let counted = match result {
            Ok(c) => c,
            Err(e) => return Some(e),
        };
        if let Some(n) = counted.view_rows {
            w.view_rows = n;
            w.whole_stale = false;
        }
        let s = &counted.counts;
        self.summary = (s.severities, s.workflows);
        let keep = w.keep.is_some();
        w.counted = Some((seq, counted));
        self.list_window_groups();
        if !keep {
            self.clamp_selection();
        }
        None
    }

    /// The group list from the store's counts; on OCSF, with Security Hub's counts of
    /// this load on them (GetFindingStatisticsV2, as on a table in memory).
    pub(super) fn list_window_groups(&mut self) {
        let (Some(w), Some(g)) = (&self.window, &mut self.grouping) else {
            return;
        };
        let Some(groups) = w.counted.as_ref().and_then(|(_, c)| c.groups.as_ref()) else {
            return;
        };
        g.groups = groups
            .iter()
            .map(|c| Group {
                key: c.key.clone(),
                members: Vec::new(),
                count: c.rows,
                severities: c.severities,
                server_count: None,
            })
            .collect();
        if let Some(server) = g.server.as_ref().filter(|s| s.request == self.request) {
            super::server_groups::merge(&mut g.groups, server, g.by, &w.rows);
        }
        g.selected = g.selected.min(g.groups.len().saturating_sub(1));
        g.offset = g.offset.min(g.selected);
    }

    /// Marked rows arrived. Returns (how many, whether they were unmarked).
    pub fn on_marked(&mut self, rows: Vec<Finding>, toggle: bool) -> (usize, bool) {
        let unmark = toggle && !rows.is_empty() && rows.iter().all(|f| self.marks.contains(&f.id));
        let n = rows.len();
        for f in rows {
            if unmark {
                self.marks.remove(&f.id);
                if let Some(w) = &mut self.window {
                    w.marked.remove(&f.id);
                }
            } else {
                self.marks.insert(f.id.clone());
                if let Some(w) = &mut self.window {
                    w.marked.insert(f.id.clone(), f);
                }
            }
        }
        (n, unmark)
    }

    /// Marked findings kept beside the window whose marks went (a change cleared them).
    pub(super) fn forget_unmarked(&mut self) {
        let marks = &self.marks;
        if let Some(w) = &mut self.window {
            w.marked.retain(|id, _| marks.contains(id));
        }
    }

    /// The findings the pane holds: its rows (a window's, on a store-backed table) and
    /// the marked ones it keeps beside them.
    pub fn held_rows(&self) -> impl Iterator<Item = &Finding> {
        let marked = self.window.iter().flat_map(|w| w.marked.values());
        self.rows().iter().chain(marked)
    }

    /// A finding the pane holds, by id (see `held_rows`).
    pub fn held(&self, id: &str) -> Option<&Finding> {
        self.held_rows().find(|f| f.id == id)
    }

    /// The marked findings as known to the window (table order is not known for them).
    pub(super) fn window_marked(&self) -> Vec<&Finding> {
        let Some(w) = &self.window else {
            return Vec::new();
        };
        let mut out: Vec<&Finding> = self
            .marks
            .iter()
            .filter_map(|id| {
                w.marked
                    .get(id)
                    .or_else(|| w.rows.iter().find(|f| &f.id == id))
            })
            .collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out
    }
}
