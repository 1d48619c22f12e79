//! The Security Hub findings pane: streamed pages of findings, the instant local filter
//! (an index over the loaded rows), the selection and the scroll window.

use crate::domain::filter::{FindingFilters, SortCriterion};
use crate::domain::finding::{Finding, WorkflowStatus};

use super::State;
use super::action::{Action, NotifyLevel};
use super::detail::DetailView;
use super::effect::{Effect, ReadRequest};
use super::input::Prompt;

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
    /// Lower-cased text of each row's columns, so a filter keystroke is one pass of
    /// substring checks and no allocation per row.
    haystacks: Vec<String>,
    filter: String,
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
}

impl Default for FindingsPane {
    fn default() -> Self {
        FindingsPane {
            rows: Vec::new(),
            haystacks: Vec::new(),
            filter: String::new(),
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
        }
    }
}

/// How far the table scrolls sideways: all but the title column can be scrolled away.
pub const MAX_COLUMN_OFFSET: usize = 6;

/// The text a filter matches against: the table's columns.
fn haystack(f: &Finding) -> String {
    let severity = f.severity.map(|s| s.as_str()).unwrap_or("");
    let workflow = f.workflow.map(|w| w.as_str()).unwrap_or("");
    [
        severity,
        &f.title,
        &f.resource_type,
        &f.resource_id,
        &f.account_id,
        &f.region,
        &f.product_name,
        workflow,
        &f.updated_at,
    ]
    .join("\u{1f}")
    .to_lowercase()
}

impl FindingsPane {
    fn page_request(&self, next_token: Option<String>) -> Effect {
        Effect::Read(ReadRequest::FindingsPage {
            request: self.request,
            filters: self.filters.clone(),
            sort: self.sort.clone(),
            next_token,
        })
    }

    /// Starts a fresh load under a new request id; older pages still in flight are ignored.
    /// What is on screen stays until the first page of the new load arrives.
    pub fn start_load(&mut self) -> Effect {
        self.request += 1;
        self.pages = 0;
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
        if self.pages == 0 {
            self.rows.clear();
            self.haystacks.clear();
            self.matches = self.matches.as_ref().map(|_| Vec::new());
            self.detail = None;
        }
        self.pages += 1;
        let needle = self.filter.to_lowercase();
        for f in findings {
            let hay = haystack(&f);
            if let Some(m) = &mut self.matches
                && hay.contains(&needle)
            {
                m.push(self.rows.len());
            }
            self.haystacks.push(hay);
            self.rows.push(f);
        }
        self.clamp_selection();
        match next_token {
            Some(token) => vec![self.page_request(Some(token))],
            None => {
                self.status = LoadStatus::Complete;
                Vec::new()
            }
        }
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
        self.rows.len()
    }

    pub fn visible_len(&self) -> usize {
        self.matches.as_ref().map_or(self.rows.len(), Vec::len)
    }

    /// The row at position `i` of the visible (filtered) list.
    pub fn visible(&self, i: usize) -> Option<&Finding> {
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
        &self.filter
    }

    /// Sets the local filter (case-insensitive substring over the columns).
    pub fn set_filter(&mut self, text: &str) {
        let needle = text.to_lowercase();
        let narrowing = !self.filter.is_empty() && needle.starts_with(&self.filter.to_lowercase());
        self.matches = if needle.is_empty() {
            None
        } else if let (true, Some(current)) = (narrowing, self.matches.take()) {
            // Typing one more character can only narrow: scan the current matches only.
            current
                .into_iter()
                .filter(|&i| self.haystacks[i].contains(&needle))
                .collect::<Vec<_>>()
                .into()
        } else {
            Some(
                (0..self.rows.len())
                    .filter(|&i| self.haystacks[i].contains(&needle))
                    .collect(),
            )
        };
        self.filter = text.to_string();
        self.selected = 0;
        self.offset = 0;
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

    /// Records a verified workflow change on the loaded row (the server view refreshes later).
    pub fn set_workflow(&mut self, id: &str, workflow: WorkflowStatus) -> bool {
        let Some(i) = self.rows.iter().position(|f| f.id == id) else {
            return false;
        };
        self.rows[i].workflow = Some(workflow);
        self.haystacks[i] = haystack(&self.rows[i]);
        if let Some(d) = &mut self.detail
            && d.finding_id == id
        {
            *d = DetailView::new(&self.rows[i]);
        }
        true
    }
}

/// The pane's actions: table navigation, detail scrolling, loading, and starting a change.
pub(super) fn handle(state: &mut State, action: Action) -> Vec<Effect> {
    let page = state.page_rows();
    let pane = &mut state.findings;
    if let Some(detail) = &mut pane.detail {
        match action {
            Action::MoveDown => detail.scroll_by(1),
            Action::MoveUp => detail.scroll_by(-1),
            Action::PageDown => detail.scroll_by(page as isize),
            Action::PageUp => detail.scroll_by(-(page as isize)),
            Action::Top => detail.scroll = 0,
            Action::Bottom => detail.scroll_by(isize::MAX / 2),
            Action::Back => pane.detail = None,
            Action::SetWorkflow => return set_workflow(state),
            Action::Refresh => return vec![pane.start_load()],
            Action::ResumeLoad => return pane.resume(),
            _ => state.dirty = false,
        }
        return Vec::new();
    }
    match action {
        Action::MoveDown => pane.move_by(1, page),
        Action::MoveUp => pane.move_by(-1, page),
        Action::PageDown => pane.move_by(page as isize, page),
        Action::PageUp => pane.move_by(-(page as isize), page),
        Action::Top => pane.move_by(isize::MIN / 2, page),
        Action::Bottom => pane.move_by(isize::MAX / 2, page),
        Action::Open => {
            pane.detail = pane.selected_finding().map(DetailView::new);
        }
        Action::Back if !pane.filter().is_empty() => pane.set_filter(""),
        Action::ScrollRight if pane.column_offset < MAX_COLUMN_OFFSET => pane.column_offset += 1,
        Action::ScrollLeft if pane.column_offset > 0 => pane.column_offset -= 1,
        Action::Filter => state.prompt = Prompt::Filter,
        Action::Refresh => return vec![pane.start_load()],
        Action::ResumeLoad => return pane.resume(),
        Action::SetWorkflow => return set_workflow(state),
        _ => state.dirty = false,
    }
    Vec::new()
}

fn set_workflow(state: &mut State) -> Vec<Effect> {
    if state.pipeline.is_executing() {
        state.notify(NotifyLevel::Warning, "a change is already executing");
        return Vec::new();
    }
    let finding = match &state.findings.detail {
        Some(d) => state
            .findings
            .selected_finding()
            .filter(|f| f.id == d.finding_id),
        None => state.findings.selected_finding(),
    };
    match finding {
        Some(f) => {
            let (target, title, before) = (f.reference(), f.title.clone(), f.workflow);
            state.pipeline.pick_workflow(target, title, before);
        }
        None => state.notify(NotifyLevel::Info, "no finding selected"),
    }
    Vec::new()
}
