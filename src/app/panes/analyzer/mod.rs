//! The Access Analyzer pane: analyzers (pick one with `:analyzer NAME`), the findings
//! table streamed from ListFindingsV2, the detail view with the role's trust policy, and
//! the plans it hands to the change pipeline (remediate, rollback, archive, archive rules,
//! unused-permission recommendations).
//! This module owns the pane's state and routes its actions; the jobs live in submodules.

mod archive;
mod msg;
mod reduce;
mod remediation;
mod room;
pub mod rule_editor;
mod selection;
mod table;
#[cfg(test)]
mod tests;
mod unused;

use std::collections::BTreeSet;

use crate::app::State;
use crate::app::action::Action;
use crate::app::effect::{Effect, ReadRequest};
use crate::domain::analyzer::{AccessFinding, Analyzer, Criteria};
use crate::domain::plan::{Change, ChangePlan};
use archive::archive_similar;
use table::navigate;

pub use msg::{AnalyzerMsg, AnalyzerRead};
pub use reduce::reduce;
pub use room::Room;

pub use remediation::{PolicyPurpose, on_change_finished};
pub use selection::{choice_key, on_show};
pub use table::{FILTER_KEYS, parse_filter};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    #[default]
    Findings,
    Analyzers,
    Rules,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    pub finding: AccessFinding,
    /// The role's trust policy (decoded text), once read.
    pub policy: Option<Result<String, String>>,
    pub scroll: usize,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct AnalyzerPane {
    pub analyzers: Vec<Analyzer>,
    pub analyzers_loading: bool,
    pub analyzers_loaded: bool,
    /// The chosen analyzer's name; kept for the session (`:analyzer NAME`).
    pub selected: Option<String>,
    pub findings: Vec<AccessFinding>,
    pub cursor: usize,
    pub loading: bool,
    pub request: u64,
    pub error: Option<String>,
    pub marked: BTreeSet<String>,
    pub view: View,
    pub analyzer_cursor: usize,
    pub rules: Vec<(String, Criteria)>,
    pub detail: Option<Detail>,
    /// `:where` conditions (status, type, resource, principal, account, public), all must hold.
    pub filter: Vec<(String, String)>,
    /// `:group resource|principal`: rows ordered so a group's rows are together.
    pub group: Option<String>,
    /// Analyzer chosen in earlier sessions, by `profile|account|region` (the state file).
    pub remembered: std::collections::BTreeMap<String, String>,
    /// "Archive similar" being edited before it is previewed.
    pub rule_editor: Option<crate::app::panes::analyzer::rule_editor::RuleEditor>,
    /// Chosen before the analyzers list arrived: remembered once it does.
    choice_pending: bool,
}

impl AnalyzerPane {
    pub fn current(&self) -> Option<&Analyzer> {
        let name = self.selected.as_ref()?;
        self.analyzers.iter().find(|a| &a.name == name)
    }

    fn load_findings(&mut self) -> Vec<Effect> {
        let Some(arn) = self.current().map(|a| a.arn.clone()) else {
            return Vec::new();
        };
        self.request += 1;
        self.findings.clear();
        self.marked.clear();
        self.cursor = 0;
        self.loading = true;
        self.error = None;
        vec![Effect::Read(ReadRequest::Analyzer(
            AnalyzerRead::Findings {
                request: self.request,
                analyzer_arn: arn,
                next_token: None,
            },
        ))]
    }
}

fn preview(state: &mut State, change: Change) {
    let id = state.pipeline.next_plan_id();
    state.pipeline.preview(ChangePlan::new(id, change));
}

/// Keys while the pane is in view (the journal view and previews aside).
pub fn handle(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::Archive | Action::Unarchive => {
            // The reason is required: ask for it on the command line.
            let word = if action == Action::Archive {
                "archive"
            } else {
                "unarchive"
            };
            state.prompt = crate::app::input::Prompt::command(format!("{word} "));
            Vec::new()
        }
        Action::ArchiveSimilar => {
            archive_similar(state, None);
            Vec::new()
        }
        other => navigate(state, other),
    }
}
