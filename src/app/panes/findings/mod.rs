//! The Security Hub findings pane: streamed pages of findings, the instant local filter
//! (an index over the loaded rows), the selection and the scroll window.

mod cache;
mod msg;
mod room;
pub use cache::{CacheStatus, age_text};
pub use msg::{CachedView, FindingsMsg, FindingsRead, RowsFor, SyncedView};
pub use room::{Room, reduce};
pub mod block;
pub mod bulk;
pub mod columns;
pub mod copy;
pub mod detail;
pub mod export;
pub mod exposure;
pub mod fields;
pub mod group;
mod keys;
pub(crate) use keys::{apply_filter, handle, history_loaded, set_grouping, show_view};
pub mod local;
pub mod notes;
mod ocsf_triage;
pub mod refresh;
pub mod server_groups;
pub mod source;
pub mod tickets;
pub mod window;

use std::collections::HashSet;

use crate::domain::filter::{FindingFilters, SortCriterion, SortOrder};
use crate::domain::filter_expr::{FilterError, FilterExpr};
use crate::domain::finding::{Finding, Severity, WorkflowStatus};

use crate::app::effect::{Effect, ReadRequest};
use crate::app::keys::Key;
use crate::app::panes::findings::detail::DetailView;
use crate::app::panes::findings::group::{GroupBy, Grouping, group_rows};
use crate::app::panes::findings::local::LocalFilter;
use crate::app::widgets::{Edit, TextInput};
use columns::{COLUMNS, haystack};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadStatus {
    Idle,
    Loading,
    Complete,
    /// A page failed; `next_token` is where `ResumeLoad` picks up.
    Failed {
        error: String,
        next_token: Option<String>,
    },
}

#[derive(Debug, Clone)]
pub struct FindingsPane {
    rows: Vec<Finding>,
    /// Row edits applied since the pane was made (each verified change counts once).
    pub edits_applied: u64,
    /// Lower-cased text of each row's columns, so a filter keystroke is one pass of
    /// substring checks and no allocation per row.
    haystacks: Vec<String>,
    filter: TextInput,
    /// `filter` matched no row as a substring, so `matches` holds fuzzy matches.
    fuzzy: bool,
    /// Indices into `rows` that match `filter`; `None` when no filter is set.
    matches: Option<Vec<usize>>,
    /// Position in the visible list (not in `rows`).
    pub selected: usize,
    /// First visible row of the table window; kept in sync with `selected` by `update`.
    pub offset: usize,
    pub request: u64,
    pub pages: usize,
    pub status: LoadStatus,
    pub filters: FindingFilters,
    pub sort: Vec<SortCriterion>,
    pub detail: Option<DetailView>,
    /// Table columns (after the severity) scrolled off to the left.
    pub column_offset: usize,
    /// The server-side filter as the user wrote it; `filters` is derived from it.
    pub expr: FilterExpr,
    /// The last refused expression and why, shown until the next good one.
    pub filter_error: Option<(String, FilterError)>,
    /// Saved views (name, expression) from the config file.
    pub views: Vec<(String, String)>,
    /// Marked finding ids (survive reloads and local filtering).
    pub marks: HashSet<String>,
    /// Visible position of the last toggled row: the start of a range mark.
    pub mark_anchor: Option<usize>,
    /// The findings the last change could not update, ready to retry.
    pub retry: Option<crate::domain::plan::ChangePlan>,
    /// Grouped view: the group list, and which group is expanded.
    pub grouping: Option<Grouping>,
    /// Rows the local filter may show: the open group's members (None = all rows).
    scope: Option<Vec<usize>>,
    /// Visible rows per severity (`Severity::ALL` order) and workflow (`WorkflowStatus::ALL`
    /// order), kept up to date so the summary strip costs nothing per frame.
    summary: ([usize; 5], [usize; 4]),
    /// The session keeps a findings store: loads start from it (`FindingsRead::Open`).
    pub store: bool,
    /// Rows shown from the store, and whether they are being brought up to date.
    pub cache: Option<CacheStatus>,
    /// Which findings API this pane reads (asked, detected, `:source`).
    pub source: crate::domain::findings_api::FindingsSource,
    /// The server-side filter when reading OCSF (`source`).
    pub ocsf: source::OcsfView,
    /// On OCSF: the counts Security Hub computed for the current load (None until then).
    pub server_counts: Option<crate::domain::findings_api::ServerCounts>,
    /// The finding the cursor was on when a reload started: the cursor goes back to it.
    reselect: Option<String>,
    /// The table reads the store a window at a time (`rows` stays empty).
    pub window: Option<window::StoreWindow>,
}

impl Default for FindingsPane {
    fn default() -> Self {
        FindingsPane {
            rows: Vec::new(),
            edits_applied: 0,
            haystacks: Vec::new(),
            filter: TextInput::default(),
            fuzzy: false,
            matches: None,
            selected: 0,
            offset: 0,
            request: 0,
            pages: 0,
            status: LoadStatus::Idle,
            filters: FindingFilters::default_view(),
            sort: SortCriterion::default_order(),
            detail: None,
            column_offset: 0,
            expr: FilterExpr::default_view(),
            filter_error: None,
            views: Vec::new(),
            marks: HashSet::new(),
            mark_anchor: None,
            retry: None,
            grouping: None,
            scope: None,
            summary: ([0; 5], [0; 4]),
            store: false,
            cache: None,
            source: Default::default(),
            ocsf: Default::default(),
            server_counts: None,
            reselect: None,
            window: None,
        }
    }
}

impl FindingsPane {
    fn page_request(&self, next_token: Option<String>) -> Effect {
        if self.on_ocsf() {
            return self.ocsf_page_request(next_token);
        }
        Effect::Read(ReadRequest::Findings(FindingsRead::Page {
            request: self.request,
            filters: self.filters.clone(),
            sort: self.sort.clone(),
            next_token,
        }))
    }

    /// Starts a fresh load under a new request id; older pages still in flight are ignored.
    /// What is on screen stays until the first page of the new load arrives.
    pub fn start_load(&mut self) -> Effect {
        if self.reselect.is_none() {
            self.remember_selection();
        }
        // An organization scope is read from AWS: the store's views have no scope.
        if self.store && !(self.on_ocsf() && self.ocsf.scope.is_some()) {
            return self.start_from_store();
        }
        self.leave_window(); // its pages are not stored
        self.request += 1;
        self.pages = 0;
        self.server_counts = None;
        self.status = LoadStatus::Loading;
        self.page_request(None)
    }

    /// Folds in one page; asks for the next one if there is more.
    pub fn on_page(
        &mut self,
        request: u64,
        findings: Vec<Finding>,
        next_token: Option<String>,
    ) -> Vec<Effect> {
        if request != self.request || self.status != LoadStatus::Loading {
            return Vec::new();
        }
        if !self.on_ocsf() {
            self.asff_answered();
        }
        if self.pages == 0 && !self.is_windowed() {
            self.clear_rows();
        }
        self.pages += 1;
        let last = next_token.is_none();
        if self.is_windowed() {
            // The task wrote the page to the store: read the window again (every tenth
            // page of a long fetch, so a fetch does not become a stream of reads).
            if last || self.pages < 10 || self.pages.is_multiple_of(10) {
                self.window_changed();
            }
        } else {
            self.push_rows(findings, last);
        }
        match next_token {
            Some(token) => vec![self.page_request(Some(token))],
            None => {
                self.status = LoadStatus::Complete;
                if let Some(c) = &mut self.cache {
                    c.syncing = false;
                }
                Vec::new()
            }
        }
    }

    /// Empties the table before the rows of a new load.
    fn clear_rows(&mut self) {
        self.rows.clear();
        self.haystacks.clear();
        // Group members index the old rows: collapse, regroup as rows arrive.
        self.scope = None;
        if let Some(g) = &mut self.grouping {
            g.open = None;
        }
        self.matches = self.matches.as_ref().map(|_| Vec::new());
        self.detail = None;
    }

    /// Appends rows (the local filter and the summary follow); `last`: no more coming.
    fn push_rows(&mut self, findings: Vec<Finding>, last: bool) {
        let local = LocalFilter::parse(self.filter.value());
        let fuzzy = self.fuzzy;
        for f in findings {
            let hay = haystack(&f);
            if let Some(m) = &mut self.matches
                && (if fuzzy {
                    local.matches_fuzzy(&hay)
                } else {
                    local.matches(&hay)
                })
            {
                m.push(self.rows.len());
            }
            self.haystacks.push(hay);
            self.rows.push(f);
        }
        self.clamp_selection();
        self.restore_selection(last);
        // Regrouping is O(rows): every page while small, else once the load completes.
        if last || self.rows.len() <= 20_000 {
            self.regroup();
        }
        self.recount();
    }

    pub fn on_failed(&mut self, request: u64, error: String, next_token: Option<String>) -> bool {
        if request != self.request {
            return false;
        }
        self.status = LoadStatus::Failed { error, next_token };
        true
    }

    /// Re-requests the page that failed, keeping what loaded.
    pub fn resume(&mut self) -> Vec<Effect> {
        match std::mem::replace(&mut self.status, LoadStatus::Loading) {
            LoadStatus::Failed { next_token, .. } => vec![self.page_request(next_token)],
            other => {
                self.status = other;
                Vec::new()
            }
        }
    }

    pub fn total(&self) -> usize {
        match &self.window {
            Some(w) => w.view_rows,
            None => self.rows.len(),
        }
    }

    pub fn visible_len(&self) -> usize {
        match &self.window {
            Some(w) => self.window_len(w),
            None => self.matches.as_ref().map_or(self.rows.len(), Vec::len),
        }
    }

    /// The row at position `i` of the visible (filtered) list.
    pub fn visible(&self, i: usize) -> Option<&Finding> {
        if let Some(w) = &self.window {
            return Self::window_row(w, i);
        }
        let idx = match &self.matches {
            Some(m) => *m.get(i)?,
            None => i,
        };
        self.rows.get(idx)
    }

    pub fn selected_finding(&self) -> Option<&Finding> {
        self.visible(self.selected)
    }

    pub fn filter(&self) -> &str {
        self.filter.value()
    }

    /// The `/` filter as a field (for drawing its cursor).
    pub fn filter_input(&self) -> &TextInput {
        &self.filter
    }

    /// An editing key in the `/` prompt: a changed text applies at once, the cursor is
    /// kept where the key left it.
    pub fn edit_filter(&mut self, key: Key) -> Edit {
        let mut input = self.filter.clone();
        let edit = input.handle_key(key);
        if edit == Edit::Changed {
            self.set_filter(input.value());
        }
        self.filter = input;
        edit
    }

    /// Sets the local filter: a substring (`!` negates; on the group list the group key
    /// counts too); when no loaded row contains it, the rows holding each of its words;
    /// when none do, the rows that match it fuzzily within one column.
    pub fn set_filter(&mut self, text: &str) {
        if self.is_windowed() {
            self.filter.set(text);
            (self.selected, self.offset, self.mark_anchor) = (0, 0, None);
            return self.window_query_changed(false);
        }
        let new = LocalFilter::parse(text);
        let old = LocalFilter::parse(self.filter.value());
        // After a fuzzy fallback the longer text may match words again: scan everything.
        let narrowing = !old.is_empty() && new.narrows(&old) && !self.fuzzy;
        let candidates: Vec<usize> = match (narrowing, self.matches.take(), &self.scope) {
            // One more character can only narrow: scan the current matches only.
            (true, Some(current), _) => current,
            (_, _, Some(scope)) => scope.clone(),
            _ => (0..self.rows.len()).collect(),
        };
        self.matches = if new.is_empty() {
            self.fuzzy = false;
            self.scope.is_some().then_some(candidates)
        } else {
            let hay = &self.haystacks;
            // On the group list, the group key (a control id, an account) matches too.
            let group_by = self
                .grouping
                .as_ref()
                .filter(|g| g.open.is_none())
                .map(|g| g.by);
            let rows = &self.rows;
            let hit = |i: usize| match group_by {
                Some(by) => new.matches(&format!(
                    "{}{}{}",
                    hay[i],
                    local::COLUMN_SEPARATOR,
                    by.key(&rows[i]).to_lowercase()
                )),
                None => new.matches(&hay[i]),
            };
            let mut exact: Vec<usize> = if self.fuzzy && narrowing {
                // Nothing contained the shorter text, so nothing contains the longer one.
                Vec::new()
            } else {
                candidates.iter().copied().filter(|&i| hit(i)).collect()
            };
            if exact.is_empty() && !(self.fuzzy && narrowing) {
                // No row holds the phrase: rows holding each of its words.
                exact = candidates
                    .iter()
                    .copied()
                    .filter(|&i| new.matches_words(&hay[i]) == Some(true))
                    .collect();
            }
            self.fuzzy = exact.is_empty() && new.can_be_fuzzy();
            if self.fuzzy {
                Some(
                    candidates
                        .into_iter()
                        .filter(|&i| new.matches_fuzzy(&hay[i]))
                        .collect(),
                )
            } else {
                Some(exact)
            }
        };
        self.filter.set(text);
        self.selected = 0;
        self.offset = 0;
        self.mark_anchor = None;
        self.regroup();
        self.recount();
    }

    /// The summary strip's counts over the visible rows.
    pub fn summary(&self) -> ([usize; 5], [usize; 4]) {
        self.summary
    }

    fn recount(&mut self) {
        if self.is_windowed() {
            return; // the store counts (`on_counts`)
        }
        let mut sev = [0usize; 5];
        let mut wf = [0usize; 4];
        let mut count = |f: &Finding| {
            if let Some(p) = f
                .severity
                .and_then(|s| Severity::ALL.iter().position(|x| *x == s))
            {
                sev[p] += 1;
            }
            if let Some(p) = f
                .workflow
                .and_then(|w| WorkflowStatus::ALL.iter().position(|x| *x == w))
            {
                wf[p] += 1;
            }
        };
        match &self.matches {
            Some(m) => m.iter().for_each(|&i| count(&self.rows[i])),
            None => self.rows.iter().for_each(&mut count),
        }
        self.summary = (sev, wf);
    }

    /// Groups the view by `by` (None ungroups).
    pub fn group_by(&mut self, by: Option<GroupBy>) {
        self.scope = None;
        self.grouping = by.map(|b| Grouping::new(b, Vec::new()));
        let filter = self.filter.value().to_string();
        self.set_filter(&filter);
    }

    /// Recomputes the group list from the visible rows (not while a group is open).
    fn regroup(&mut self) {
        let Some(g) = &mut self.grouping else { return };
        if g.open.is_some() || self.window.is_some() {
            return;
        }
        g.groups = match &self.matches {
            Some(m) => group_rows(&self.rows, m.iter().copied(), g.by),
            None => group_rows(&self.rows, 0..self.rows.len(), g.by),
        };
        // Counts of an earlier load are not this view's: left out until the new ones come.
        if let Some(server) = g.server.as_ref().filter(|s| s.request == self.request) {
            server_groups::merge(&mut g.groups, server, g.by, &self.rows);
        }
        g.selected = g.selected.min(g.groups.len().saturating_sub(1));
        g.offset = g.offset.min(g.selected);
    }

    /// Expands the selected group: the table shows its rows (the local filter still applies).
    pub fn open_group(&mut self) {
        let Some(g) = &mut self.grouping else { return };
        let Some(members) = g.selected_group().map(|grp| grp.members.clone()) else {
            return;
        };
        g.open = Some(g.selected);
        self.scope = (self.window.is_none()).then_some(members);
        self.filter.clear();
        self.set_filter("");
    }

    /// Back from an expanded group to the group list.
    pub fn close_group(&mut self) {
        if let Some(g) = &mut self.grouping {
            g.open = None;
        }
        self.scope = None;
        self.filter.clear();
        self.set_filter("");
    }

    /// Ids of the rows in group `i` of the list.
    pub fn group_ids(&self, i: usize) -> Vec<String> {
        self.grouping
            .as_ref()
            .and_then(|g| g.groups.get(i))
            .map(|grp| {
                grp.members
                    .iter()
                    .map(|&m| self.rows[m].id.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The local filter fell back to fuzzy matching (no row contains the text).
    pub fn is_fuzzy(&self) -> bool {
        self.fuzzy
    }

    /// Replaces the server-side filter with `text` (or refines it: `+TERM` / `-NAME`) and
    /// reloads. A bad expression changes
    /// nothing but `filter_error`.
    pub fn apply_expr(&mut self, text: &str) -> Result<Effect, FilterError> {
        if self.on_ocsf() {
            return self.apply_ocsf_expr(text);
        }
        use crate::domain::filter_expr::{expand_shorthand, is_refinement};
        let parsed = if is_refinement(text) {
            self.expr.refine(text)
        } else {
            FilterExpr::parse(expand_shorthand(text))
        };
        match parsed {
            Ok(expr) => {
                self.filters = expr.to_filters();
                self.expr = expr;
                self.filter_error = None;
                Ok(self.start_load())
            }
            Err(e) => {
                self.filter_error = Some((text.to_string(), e.clone()));
                Err(e)
            }
        }
    }

    /// The sort column (index into `COLUMNS`) and whether it is ascending.
    pub fn sort_column(&self) -> Option<(usize, bool)> {
        let first = self.sort.first()?;
        let i = COLUMNS.iter().position(|c| c.sort_field == first.field)?;
        Some((i, first.sort_order == SortOrder::Asc))
    }

    /// Sorts server-side by the next column (`step` 1) or flips the direction (`step` 0).
    pub fn cycle_sort(&mut self, step: usize) -> Vec<Effect> {
        let (i, asc) = self.sort_column().unwrap_or((COLUMNS.len() - 1, false));
        let (i, asc) = if step == 0 {
            (i, !asc)
        } else {
            // Severity and dates read best newest / worst first.
            let next = (i + step) % COLUMNS.len();
            (
                next,
                !matches!(COLUMNS[next].header, "Severity" | "Updated"),
            )
        };
        self.sort = vec![SortCriterion {
            field: COLUMNS[i].sort_field.to_string(),
            sort_order: if asc { SortOrder::Asc } else { SortOrder::Desc },
        }];
        if self.is_windowed() {
            // The store sorts: no reload from AWS.
            self.window_query_changed(true);
            return Vec::new();
        }
        vec![self.start_load()]
    }

    /// All loaded rows (in server order), for grouping, summaries and export.
    pub fn rows(&self) -> &[Finding] {
        match &self.window {
            Some(w) => &w.rows,
            None => &self.rows,
        }
    }

    /// Moves the selection by `delta` rows and keeps it inside a window of `page` rows.
    pub fn move_by(&mut self, delta: isize, page: usize) {
        let last = self.visible_len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
        self.scroll_into_view(page);
    }

    pub fn scroll_into_view(&mut self, page: usize) {
        let page = page.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
    }

    fn clamp_selection(&mut self) {
        self.selected = self.selected.min(self.visible_len().saturating_sub(1));
        self.offset = self.offset.min(self.selected);
    }
}
