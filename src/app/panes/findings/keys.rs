//! The findings pane's keys and commands: the detail view, the group list, the table,
//! and the `:findings` / `:view` / `:group` commands.

use crate::app::State;
use crate::app::action::{Action, NotifyLevel};
use crate::app::effect::{Effect, ReadRequest};
use crate::app::input::Prompt;
use crate::app::panes::findings::LoadStatus;
use crate::app::panes::findings::detail::DetailView;
use crate::app::panes::findings::group::{GroupBy, Grouping};

use super::FindingsPane;
use super::columns::MAX_COLUMN_OFFSET;
use crate::app::FindingsRead;

/// The pane's actions: table navigation, detail scrolling, loading, and starting a change.
pub(crate) fn handle(state: &mut State, action: Action) -> Vec<Effect> {
    if state.findings.detail.is_some() {
        return detail_key(state, action);
    }
    let page = state.page_rows();
    let pane = &mut state.findings;
    if pane.grouping.as_ref().is_some_and(|g| g.open.is_none())
        && let Some(effects) = group_key(pane, &action, page)
    {
        return effects;
    }
    table_key(state, action)
}

/// Keys on the list of groups; `None` lets the key through to the table's keys.
fn group_key(pane: &mut FindingsPane, action: &Action, page: usize) -> Option<Vec<Effect>> {
    let filter_empty = pane.filter().is_empty();
    let windowed = pane.is_windowed();
    let selected_group = pane.grouping.as_ref()?.selected;
    let group_query = pane.group_query(selected_group);
    let g = pane.grouping.as_mut()?;
    match action {
        Action::MoveDown => Some(group_move(g, 1, page)),
        Action::MoveUp => Some(group_move(g, -1, page)),
        Action::PageDown => Some(group_move(g, page as isize, page)),
        Action::PageUp => Some(group_move(g, -(page as isize), page)),
        Action::Top => Some(group_move(g, isize::MIN / 2, page)),
        Action::Bottom => Some(group_move(g, isize::MAX / 2, page)),
        Action::Open => {
            pane.open_group();
            Some(Vec::new())
        }
        Action::Back if filter_empty => {
            pane.group_by(None);
            Some(Vec::new())
        }
        Action::Mark if windowed => {
            g.move_by(1, page);
            if let Some(query) = group_query {
                pane.request_marks(query, true);
            }
            Some(Vec::new())
        }
        Action::Mark => {
            let selected = g.selected;
            let ids = pane.group_ids(selected);
            let all = ids.iter().all(|id| pane.marks.contains(id));
            for id in ids {
                if all {
                    pane.marks.remove(&id);
                } else {
                    pane.marks.insert(id);
                }
            }
            if let Some(g) = &mut pane.grouping {
                g.move_by(1, page);
            }
            Some(Vec::new())
        }
        _ => None,
    }
}

/// Keys while the detail view is open: scroll, switch tabs, act on the finding.
fn detail_key(state: &mut State, action: Action) -> Vec<Effect> {
    if let Some(effects) = super::exposure::key(state, &action) {
        return effects;
    }
    if action == Action::Back && super::exposure::back(state) {
        return Vec::new();
    }
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
            Action::Copy => return crate::app::panes::findings::copy::copy(state),
            Action::OpenUrl => return crate::app::panes::findings::copy::open(state),
            Action::Filter => {
                detail.search.clear();
                state.prompt = Prompt::DetailSearch;
            }
            Action::ScrollRight | Action::ScrollLeft => {
                let step = if action == Action::ScrollRight { 1 } else { -1 };
                if detail.switch_tab(step) {
                    let finding = detail.finding.clone();
                    return vec![Effect::Read(ReadRequest::Findings(FindingsRead::History {
                        finding,
                    }))];
                }
            }
            Action::SetWorkflow | Action::SetSeverity | Action::AddNote | Action::EditFields => {
                return crate::app::panes::findings::bulk::start(state, action);
            }
            Action::BlockFromFinding => return crate::app::panes::findings::block::start(state),
            Action::CreateTicket => return crate::app::panes::findings::tickets::start(state),
            Action::Refresh => return vec![pane.start_load()],
            Action::ResumeLoad => return pane.resume(),
            _ => state.dirty = false,
        }
        return Vec::new();
    }
    Vec::new()
}

/// Keys on the table (grouped rows open, or no grouping).
fn table_key(state: &mut State, action: Action) -> Vec<Effect> {
    let page = state.page_rows();
    let pane = &mut state.findings;
    let group_open = pane.grouping.as_ref().is_some_and(|g| g.open.is_some());
    match action {
        Action::Back if group_open && pane.filter().is_empty() => pane.close_group(),
        Action::Copy => return crate::app::panes::findings::copy::copy(state),
        Action::OpenUrl => return crate::app::panes::findings::copy::open(state),
        Action::CycleGroup => {
            let next = match pane.grouping.as_ref().map(|g| g.by) {
                None => Some(GroupBy::ALL[0]),
                Some(by) => GroupBy::ALL
                    .iter()
                    .position(|b| *b == by)
                    .and_then(|i| GroupBy::ALL.get(i + 1).copied()),
            };
            pane.group_by(next);
            return pane.server_group_request().into_iter().collect();
        }
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
        Action::ResumeLoad if !matches!(pane.status, LoadStatus::Failed { .. }) => {
            return vec![pane.start_full()];
        }
        Action::ResumeLoad => return pane.resume(),
        Action::SortNext => return pane.cycle_sort(1),
        Action::SortReverse => return pane.cycle_sort(0),
        Action::EditFilter => {
            state.prompt = Prompt::FilterEditor(pane.filter_text().into());
        }
        Action::Mark => pane.toggle_mark(page),
        Action::MarkRange => pane.mark_range(),
        Action::MarkAll => pane.mark_all(),
        Action::ClearMarks => pane.clear_marks(),
        Action::MarkSameControl | Action::MarkSameResource | Action::MarkSameType => {
            mark_same(state, &action)
        }
        Action::ExportView => state.prompt = Prompt::ExportPath("findings.jsonl".into()),
        Action::SetWorkflow
        | Action::SetSeverity
        | Action::AddNote
        | Action::EditFields
        | Action::RetryFailed => {
            return crate::app::panes::findings::bulk::start(state, action);
        }
        Action::BlockFromFinding => return crate::app::panes::findings::block::start(state),
        Action::CreateTicket => return crate::app::panes::findings::tickets::start(state),
        _ => state.dirty = false,
    }
    Vec::new()
}

/// `*` / `#` / `&`: marks the rows like the selected one and says how many.
fn mark_same(state: &mut State, action: &Action) {
    let by = match action {
        Action::MarkSameResource => GroupBy::Resource,
        Action::MarkSameType => GroupBy::Type,
        _ => GroupBy::Control,
    };
    if state.findings.is_windowed() {
        // The store selects them; `Marked` says how many.
        match state.findings.same_query(by) {
            Some((_, query)) => state.findings.request_marks(query, false),
            None => state.notify(NotifyLevel::Info, "no finding selected"),
        }
        return;
    }
    match state.findings.mark_same(by) {
        Some((key, n)) => {
            let marked = state.findings.marks.len();
            state.notify(
                NotifyLevel::Info,
                format!(
                    "marked {n} finding(s) of {} {key} ({marked} marked)",
                    by.name()
                ),
            );
        }
        None => state.notify(NotifyLevel::Info, "no finding selected"),
    }
}

fn group_move(g: &mut Grouping, delta: isize, page: usize) -> Vec<Effect> {
    g.move_by(delta, page);
    Vec::new()
}

/// `:group NAME` / `:group none`.
pub(crate) fn set_grouping(state: &mut State, name: &str) -> Vec<Effect> {
    state.pane = crate::app::PaneId::Findings;
    state.findings.detail = None;
    match (name.trim(), GroupBy::parse(name.trim())) {
        ("none" | "", _) => state.findings.group_by(None),
        (_, Some(by)) => {
            state.findings.group_by(Some(by));
            return state.findings.server_group_request().into_iter().collect();
        }
        (other, None) => {
            let names: Vec<&str> = GroupBy::ALL.iter().map(|g| g.name()).collect();
            state.notify(
                NotifyLevel::Error,
                format!(
                    "cannot group by {other:?} (one of {}, none)",
                    names.join(", ")
                ),
            );
        }
    }
    Vec::new()
}

pub(crate) fn history_loaded(
    state: &mut State,
    finding_id: &str,
    result: Result<Vec<crate::domain::finding_history::HistoryRecord>, String>,
) {
    if let Some(d) = &mut state.findings.detail
        && d.finding_id == finding_id
    {
        d.history = match result {
            Ok(records) => crate::app::panes::findings::detail::HistoryState::Loaded(records),
            Err(e) => crate::app::panes::findings::detail::HistoryState::Failed(e),
        };
    }
}

/// `:findings EXPR` / `:view NAME` / the filter editor's enter.
pub(crate) fn apply_filter(state: &mut State, text: &str) -> Vec<Effect> {
    // A bad expression changes nothing: not the pane, not an open detail view.
    let before = state.findings.expr.clone();
    match state.findings.apply_expr(text) {
        Ok(effect) => {
            state.pane = crate::app::PaneId::Findings;
            state.findings.detail = None;
            if let Some(note) = dropped_terms(&before, &state.findings.expr) {
                state.notify(NotifyLevel::Info, note);
            }
            vec![effect]
        }
        Err(e) => {
            state.notify(NotifyLevel::Error, format!("filter not applied: {e}"));
            Vec::new()
        }
    }
}

/// Says which of the view's status / record-state terms a new expression left out, so
/// `:findings control=EC2.8` does not silently bring RESOLVED findings in.
fn dropped_terms(
    before: &crate::domain::filter_expr::FilterExpr,
    after: &crate::domain::filter_expr::FilterExpr,
) -> Option<String> {
    let dropped: Vec<String> = before
        .terms
        .iter()
        .filter(|t| matches!(t.attribute.as_str(), "WorkflowStatus" | "RecordState"))
        .filter(|t| !after.terms.iter().any(|a| a.attribute == t.attribute))
        .map(ToString::to_string)
        .collect();
    (!dropped.is_empty()).then(|| {
        format!(
            "the view no longer has {}: :findings +TERM refines a view, :reset returns to the default",
            dropped.join(" ")
        )
    })
}

pub(crate) fn show_view(state: &mut State, name: &str) -> Vec<Effect> {
    let found = state
        .findings
        .views
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, f)| f.clone());
    match found {
        Some(filter) => apply_filter(state, &filter),
        None => {
            let names: Vec<&str> = state
                .findings
                .views
                .iter()
                .map(|(n, _)| n.as_str())
                .collect();
            let known = if names.is_empty() {
                "none are configured: add [[views]] name = ... filter = ... to the config".into()
            } else {
                format!("known: {}", names.join(", "))
            };
            state.notify(NotifyLevel::Error, format!("no view {name:?} ({known})"));
            Vec::new()
        }
    }
}
