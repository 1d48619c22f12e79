//! Folding the Access Analyzer pane's messages into state: task results (analyzers,
//! findings pages, trust policies, re-scans, archive rules) and its `:` commands.

use super::archive::{archive_similar, status_change};
use super::remediation::{self, on_policy};
use super::selection::{choice_key, choose, remember, select};
use super::{AnalyzerMsg, View, parse_filter, preview};
use crate::app::AnalyzerRead;
use crate::app::{Effect, NotifyLevel, PaneId, ReadRequest, State};
use crate::domain::analyzer::{AccessFinding, Analyzer, ArchiveRuleChange};
use crate::domain::plan::Change;

/// Task results and commands, whichever pane is in view. A command that would change
/// AWS waits while a preview has the keyboard.
pub fn reduce(state: &mut State, msg: AnalyzerMsg) -> Vec<Effect> {
    if state.pipeline.is_modal() && msg.is_mutating() {
        state.dirty = false;
        return Vec::new();
    }
    match msg {
        AnalyzerMsg::AnalyzersLoaded(result) => analyzers_loaded(state, result),
        AnalyzerMsg::FindingsPage {
            request,
            result,
            next_token,
        } => findings_page(state, request, result, next_token),
        AnalyzerMsg::TrustPolicyLoaded { purpose, result } => {
            on_policy(state, purpose, result);
            Vec::new()
        }
        AnalyzerMsg::FindingRescanned {
            finding_id,
            result,
            changed,
        } => {
            remediation::on_rescanned(state, &finding_id, result, changed);
            Vec::new()
        }
        AnalyzerMsg::ArchiveRulesLoaded { analyzer, result } => {
            match result {
                Ok(rules) if state.analyzer.selected.as_deref() == Some(analyzer.as_str()) => {
                    state.analyzer.rules = rules
                }
                Ok(_) => {}
                Err(e) => state.notify(NotifyLevel::Error, format!("ListArchiveRules failed: {e}")),
            }
            Vec::new()
        }
        AnalyzerMsg::RecommendationReady { finding_id, result } => {
            super::unused::on_recommendation(state, &finding_id, result);
            Vec::new()
        }
        command => run_command(state, command),
    }
}

/// The pane's `:` commands; each brings the pane into view.
fn run_command(state: &mut State, command: AnalyzerMsg) -> Vec<Effect> {
    state.pane = PaneId::Analyzer;
    match command {
        AnalyzerMsg::Select(name) => return choose(state, &name),
        AnalyzerMsg::Where(arg) => match parse_filter(&arg) {
            Ok(filter) => {
                state.analyzer.filter = filter;
                state.analyzer.cursor = 0;
            }
            Err(e) => state.notify(NotifyLevel::Warning, e),
        },
        AnalyzerMsg::Group(by) => {
            match by.as_str() {
                "resource" | "principal" => state.analyzer.group = Some(by),
                "" | "none" => state.analyzer.group = None,
                other => state.notify(
                    NotifyLevel::Warning,
                    format!("cannot group by {other:?}: use resource, principal or none"),
                ),
            }
            state.analyzer.cursor = 0;
        }
        AnalyzerMsg::ShowArchiveRules => {
            state.analyzer.view = View::Rules;
            if let Some(a) = state.analyzer.current() {
                let analyzer = a.name.clone();
                return vec![Effect::Read(ReadRequest::Analyzer(
                    AnalyzerRead::ArchiveRules { analyzer },
                ))];
            }
        }
        AnalyzerMsg::DeleteArchiveRule(name) => delete_rule(state, name),
        AnalyzerMsg::ArchiveWithReason { archive, reason } => status_change(state, archive, reason),
        AnalyzerMsg::ArchiveSimilarNamed(name) => archive_similar(state, name),
        // Task results are folded in by `reduce`.
        AnalyzerMsg::AnalyzersLoaded(_)
        | AnalyzerMsg::FindingsPage { .. }
        | AnalyzerMsg::TrustPolicyLoaded { .. }
        | AnalyzerMsg::FindingRescanned { .. }
        | AnalyzerMsg::ArchiveRulesLoaded { .. }
        | AnalyzerMsg::RecommendationReady { .. } => {}
    }
    Vec::new()
}

fn analyzers_loaded(state: &mut State, result: Result<Vec<Analyzer>, String>) -> Vec<Effect> {
    let list = match result {
        Ok(list) => list,
        Err(e) => {
            state.analyzer.analyzers_loading = false;
            state.analyzer.error = Some(e.clone());
            state.notify(NotifyLevel::Error, format!("ListAnalyzers failed: {e}"));
            return Vec::new();
        }
    };
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
    // This session's choice, else the remembered one, else the first external-access
    // analyzer.
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

fn findings_page(
    state: &mut State,
    request: u64,
    result: Result<Vec<AccessFinding>, String>,
    next_token: Option<String>,
) -> Vec<Effect> {
    let pane = &mut state.analyzer;
    if request != pane.request {
        return Vec::new();
    }
    match result {
        Ok(page) => {
            pane.findings.extend(page);
            match (next_token, pane.current().map(|a| a.arn.clone())) {
                (Some(token), Some(arn)) => {
                    return vec![Effect::Read(ReadRequest::Analyzer(
                        AnalyzerRead::Findings {
                            request,
                            analyzer_arn: arn,
                            next_token: Some(token),
                        },
                    ))];
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

/// `:delete-rule NAME`: preview deleting the rule (its criteria kept for undo).
fn delete_rule(state: &mut State, name: String) {
    let Some(a) = state.analyzer.current().cloned() else {
        return;
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
}
