//! The Access Analyzer pane: analyzers (pick one with `:analyzer NAME`), the findings
//! table streamed from ListFindingsV2, the detail view with the role's trust policy, and
//! the plans it hands to the change pipeline (remediate, rollback, archive, archive rules).
//! This module owns the pane's state and routes its actions; the jobs live in submodules.

mod msg;
mod room;
pub use msg::AnalyzerMsg;
pub use room::{Room, reduce};
mod archive;
mod remediation;
pub mod rule_editor;
mod selection;
mod table;
#[cfg(test)]
mod tests;

use std::collections::BTreeSet;

use crate::app::State;
use crate::app::action::{Action, NotifyLevel};
use crate::app::effect::{Effect, ReadRequest};
use crate::domain::analyzer::{AccessFinding, Analyzer, ArchiveRuleChange, Criteria};
use crate::domain::plan::{Change, ChangePlan};
use archive::{archive_similar, status_change};
use remediation::on_policy;
use selection::{choose, remember, select};
use table::navigate;

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
        vec![Effect::Read(ReadRequest::AnalyzerFindings {
            request: self.request,
            analyzer_arn: arn,
            next_token: None,
        })]
    }
}

fn preview(state: &mut State, change: Change) {
    let id = state.pipeline.next_plan_id();
    state.pipeline.preview(ChangePlan::new(id, change));
}

pub fn handle(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::Analyzer(crate::app::AnalyzerMsg::Select(name)) => {
            state.pane = crate::app::PaneId::Analyzer;
            choose(state, &name)
        }
        Action::Analyzer(crate::app::AnalyzerMsg::AnalyzersLoaded(Ok(list))) => {
            let pane = &mut state.analyzer;
            pane.analyzers = list;
            pane.analyzers_loaded = true;
            pane.analyzers_loading = false;
            let exists = |n: &String| pane.analyzers.iter().any(|a| &a.name == n);
            // From an earlier session, under this profile, account and region.
            let earlier = pane.analyzers.first().and_then(|a| {
                let key = choice_key(state.session.profile.as_deref(), &a.arn);
                pane.remembered.get(&key).cloned()
            });
            let gone = earlier.clone().filter(|n| !exists(n));
            // This session's choice, else the remembered one, else the first
            // external-access analyzer.
            let pick = pane
                .selected
                .clone()
                .filter(exists)
                .or(earlier.filter(exists))
                .or_else(|| {
                    pane.analyzers
                        .iter()
                        .find(|a| a.kind == "ACCOUNT" || a.kind == "ORGANIZATION")
                        .map(|a| a.name.clone())
                })
                .or_else(|| pane.analyzers.first().map(|a| a.name.clone()));
            if let Some(name) = gone {
                state.notify(
                    NotifyLevel::Info,
                    format!("the analyzer chosen last time ({name}) no longer exists"),
                );
            }
            let pending = std::mem::take(&mut state.analyzer.choice_pending);
            match pick {
                Some(name) if pending && state.analyzer.selected.as_deref() == Some(&name) => {
                    let mut effects = select(state, &name);
                    effects.extend(remember(state, &name));
                    effects
                }
                Some(name) => select(state, &name),
                None => Vec::new(),
            }
        }
        Action::Analyzer(crate::app::AnalyzerMsg::AnalyzersLoaded(Err(e))) => {
            state.analyzer.analyzers_loading = false;
            state.analyzer.error = Some(e.clone());
            state.notify(NotifyLevel::Error, format!("ListAnalyzers failed: {e}"));
            Vec::new()
        }
        Action::Analyzer(crate::app::AnalyzerMsg::FindingsPage {
            request,
            result,
            next_token,
        }) => {
            let pane = &mut state.analyzer;
            if request != pane.request {
                return Vec::new();
            }
            match result {
                Ok(page) => {
                    pane.findings.extend(page);
                    match (next_token, pane.current().map(|a| a.arn.clone())) {
                        (Some(token), Some(arn)) => {
                            return vec![Effect::Read(ReadRequest::AnalyzerFindings {
                                request,
                                analyzer_arn: arn,
                                next_token: Some(token),
                            })];
                        }
                        _ => pane.loading = false,
                    }
                }
                Err(e) => {
                    pane.loading = false;
                    pane.error = Some(e.clone());
                    state.notify(NotifyLevel::Error, format!("ListFindingsV2 failed: {e}"));
                }
            }
            Vec::new()
        }
        Action::Analyzer(crate::app::AnalyzerMsg::TrustPolicyLoaded { purpose, result }) => {
            on_policy(state, purpose, result);
            Vec::new()
        }
        Action::Analyzer(crate::app::AnalyzerMsg::FindingRescanned {
            finding_id,
            result,
            changed,
        }) => {
            remediation::on_rescanned(state, &finding_id, result, changed);
            Vec::new()
        }
        Action::Analyzer(crate::app::AnalyzerMsg::ArchiveRulesLoaded { analyzer, result }) => {
            match result {
                Ok(rules) if state.analyzer.selected.as_deref() == Some(analyzer.as_str()) => {
                    state.analyzer.rules = rules
                }
                Ok(_) => {}
                Err(e) => state.notify(NotifyLevel::Error, format!("ListArchiveRules failed: {e}")),
            }
            Vec::new()
        }
        Action::Analyzer(crate::app::AnalyzerMsg::Where(arg)) => {
            state.pane = crate::app::PaneId::Analyzer;
            match parse_filter(&arg) {
                Ok(filter) => {
                    state.analyzer.filter = filter;
                    state.analyzer.cursor = 0;
                }
                Err(e) => state.notify(NotifyLevel::Warning, e),
            }
            Vec::new()
        }
        Action::Analyzer(crate::app::AnalyzerMsg::Group(by)) => {
            state.pane = crate::app::PaneId::Analyzer;
            match by.as_str() {
                "resource" | "principal" => state.analyzer.group = Some(by),
                "" | "none" => state.analyzer.group = None,
                other => state.notify(
                    NotifyLevel::Warning,
                    format!("cannot group by {other:?}: use resource, principal or none"),
                ),
            }
            state.analyzer.cursor = 0;
            Vec::new()
        }
        Action::Analyzer(crate::app::AnalyzerMsg::ShowArchiveRules) => {
            state.pane = crate::app::PaneId::Analyzer;
            state.analyzer.view = View::Rules;
            match state.analyzer.current() {
                Some(a) => vec![Effect::Read(ReadRequest::ArchiveRules {
                    analyzer: a.name.clone(),
                })],
                None => Vec::new(),
            }
        }
        Action::Analyzer(crate::app::AnalyzerMsg::DeleteArchiveRule(name)) => {
            let Some(a) = state.analyzer.current().cloned() else {
                return Vec::new();
            };
            let criteria = state
                .analyzer
                .rules
                .iter()
                .find(|(n, _)| n == &name)
                .map(|(_, c)| c.clone())
                .unwrap_or_default();
            preview(
                state,
                Change::ArchiveRuleDelete(Box::new(ArchiveRuleChange {
                    analyzer_name: a.name,
                    analyzer_arn: a.arn,
                    rule_name: name,
                    criteria,
                    apply: false,
                    matching_now: 0,
                })),
            );
            Vec::new()
        }
        Action::Analyzer(crate::app::AnalyzerMsg::ArchiveWithReason { archive, reason }) => {
            status_change(state, archive, reason);
            Vec::new()
        }
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
        Action::Analyzer(crate::app::AnalyzerMsg::ArchiveSimilarNamed(name)) => {
            archive_similar(state, name);
            Vec::new()
        }
        other => navigate(state, other),
    }
}
