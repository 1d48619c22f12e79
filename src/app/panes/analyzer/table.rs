//! The findings table: `:where` filters, `:group` ordering, the rows it shows, and moving
//! around the table, the analyzers list and the rules view.

use super::remediation::{act_on_finding, read_policy};
use super::selection::choose;
use super::{AnalyzerPane, Detail, PolicyPurpose, View};
use crate::app::State;
use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::domain::analyzer::AccessFinding;

/// The `:where` keys the table filters on.
pub const FILTER_KEYS: [&str; 6] = [
    "status",
    "type",
    "resource",
    "principal",
    "account",
    "public",
];

/// Parses `:where status=ACTIVE public=true ...` (empty clears); the error names the bad term.
pub fn parse_filter(arg: &str) -> Result<Vec<(String, String)>, String> {
    arg.split_whitespace()
        .map(|term| {
            let (k, v) = term.split_once('=').ok_or_else(|| {
                format!(
                    "{term:?} is not KEY=VALUE (keys: {})",
                    FILTER_KEYS.join(", ")
                )
            })?;
            if !FILTER_KEYS.contains(&k) {
                return Err(format!(
                    "unknown filter key {k:?} (keys: {})",
                    FILTER_KEYS.join(", ")
                ));
            }
            Ok((k.to_string(), v.to_string()))
        })
        .collect()
}

fn keep(f: &AccessFinding, filter: &[(String, String)]) -> bool {
    filter.iter().all(|(k, v)| {
        let v = v.to_ascii_lowercase();
        let has = |x: &str| x.to_ascii_lowercase().contains(&v);
        match k.as_str() {
            "status" => f.status.eq_ignore_ascii_case(&v),
            "type" => has(&f.resource_type) || has(&f.finding_type),
            "resource" => has(&f.resource),
            "principal" => f.principal.iter().any(|(_, p)| has(p)),
            "account" => f.account == v,
            "public" => f.is_public.unwrap_or(false).to_string() == v,
            _ => true,
        }
    })
}

impl AnalyzerPane {
    /// The rows the table shows: filtered by `:where`, grouped by `:group`.
    pub fn visible(&self) -> Vec<&AccessFinding> {
        let mut rows: Vec<&AccessFinding> = self
            .findings
            .iter()
            .filter(|f| keep(f, &self.filter))
            .collect();
        match self.group.as_deref() {
            Some("resource") => rows.sort_by(|a, b| a.resource.cmp(&b.resource)),
            Some("principal") => rows.sort_by_key(|f| f.principal_text()),
            _ => {}
        }
        rows
    }

    pub fn selected_finding(&self) -> Option<&AccessFinding> {
        self.visible().get(self.cursor).copied()
    }

    /// The marked findings, or the selected one when none is marked.
    pub(super) fn targets(&self) -> Vec<&AccessFinding> {
        if self.marked.is_empty() {
            self.selected_finding().into_iter().collect()
        } else {
            self.findings
                .iter()
                .filter(|f| self.marked.contains(&f.id))
                .collect()
        }
    }
}

pub(super) fn navigate(state: &mut State, action: Action) -> Vec<Effect> {
    let page = state.page_rows();
    let pane = &mut state.analyzer;
    if let Some(d) = pane.detail.as_mut() {
        match action {
            Action::Back => pane.detail = None,
            Action::MoveDown => d.scroll += 1,
            Action::MoveUp => d.scroll = d.scroll.saturating_sub(1),
            Action::PageDown => d.scroll += page,
            Action::PageUp => d.scroll = d.scroll.saturating_sub(page),
            Action::Top => d.scroll = 0,
            Action::Remediate | Action::Rollback => return act_on_finding(state, action),
            _ => {}
        }
        return Vec::new();
    }
    match pane.view {
        View::Analyzers => {
            let n = pane.analyzers.len();
            match action {
                Action::MoveDown => {
                    pane.analyzer_cursor = (pane.analyzer_cursor + 1).min(n.saturating_sub(1))
                }
                Action::MoveUp => pane.analyzer_cursor = pane.analyzer_cursor.saturating_sub(1),
                Action::Open => {
                    if let Some(name) = pane
                        .analyzers
                        .get(pane.analyzer_cursor)
                        .map(|a| a.name.clone())
                    {
                        return choose(state, &name);
                    }
                }
                Action::Back => pane.view = View::Findings,
                _ => {}
            }
            return Vec::new();
        }
        View::Rules => {
            if action == Action::Back {
                pane.view = View::Findings;
            }
            return Vec::new();
        }
        View::Findings => {}
    }
    let n = pane.visible().len();
    let last = n.saturating_sub(1);
    match action {
        Action::MoveDown => pane.cursor = (pane.cursor + 1).min(last),
        Action::MoveUp => pane.cursor = pane.cursor.saturating_sub(1),
        Action::PageDown => pane.cursor = (pane.cursor + page).min(last),
        Action::PageUp => pane.cursor = pane.cursor.saturating_sub(page),
        Action::Top => pane.cursor = 0,
        Action::Bottom => pane.cursor = last,
        Action::Back => {
            pane.view = View::Analyzers;
            pane.analyzer_cursor = pane
                .analyzers
                .iter()
                .position(|a| Some(&a.name) == pane.selected.as_ref())
                .unwrap_or(0);
        }
        Action::Refresh => return pane.load_findings(),
        Action::Mark => {
            if let Some(id) = pane.selected_finding().map(|f| f.id.clone())
                && !pane.marked.remove(&id)
            {
                pane.marked.insert(id);
            }
            pane.cursor = (pane.cursor + 1).min(last);
        }
        Action::Open => {
            let Some(f) = pane.selected_finding().cloned() else {
                return Vec::new();
            };
            pane.detail = Some(Detail {
                finding: f.clone(),
                policy: None,
                scroll: 0,
            });
            // Unused access is about the role's permissions: its trust policy is not read.
            if f.is_role() && f.is_access() {
                return read_policy(
                    state,
                    &f,
                    PolicyPurpose::Detail {
                        finding_id: f.id.clone(),
                    },
                );
            }
        }
        Action::Remediate | Action::Rollback => return act_on_finding(state, action),
        _ => state.dirty = false,
    }
    Vec::new()
}
