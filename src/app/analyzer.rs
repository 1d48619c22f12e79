//! The Access Analyzer pane: analyzers (pick one with `:analyzer NAME`), the findings
//! table streamed from ListFindingsV2, the detail view with the role's trust policy, and
//! the plans it hands to the change pipeline (remediate, rollback, archive, archive rules).

use std::collections::BTreeSet;

use super::State;
use super::action::{Action, NotifyLevel};
use super::effect::{Effect, ReadRequest};
use super::pipeline::Stage;
use crate::domain::analyzer::{
    AccessFinding, Analyzer, ArchiveRuleChange, Criteria, FindingsStatusChange, Remediation,
    plan_remediation, plan_rollback_edit, replan, similar_criteria,
};
use crate::domain::plan::{Change, ChangeOutcome, ChangePlan};
use crate::domain::policy::{DEFAULT_TRUST_POLICY_MAX_CHARS, RoleRef};

/// Why a role's trust policy is being read.
#[derive(Debug, Clone, PartialEq)]
pub enum PolicyPurpose {
    Detail {
        finding_id: String,
    },
    Remediate {
        finding_id: String,
    },
    Rollback {
        finding_id: String,
    },
    /// Rolling back a remediation recorded in the journal (`edit` is the journaled Deny,
    /// its `assume_role` the role to act through); the finding may be resolved or gone.
    JournalRollback {
        edit: Box<crate::domain::analyzer::TrustPolicyEdit>,
    },
    /// The policy changed between preview and apply: plan `plan` again.
    Replan {
        plan: Box<ChangePlan>,
    },
}

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
    pub rule_editor: Option<super::analyzer_rule_editor::RuleEditor>,
    /// Chosen before the analyzers list arrived: remembered once it does.
    choice_pending: bool,
}

/// The state-file key of an analyzer choice: the profile, and the account and region the
/// analyzer's ARN names (known before GetCallerIdentity answers).
pub fn choice_key(profile: Option<&str>, analyzer_arn: &str) -> String {
    let mut parts = analyzer_arn.split(':');
    let region = parts.nth(3).unwrap_or_default();
    let account = parts.next().unwrap_or_default();
    format!("{}|{account}|{region}", profile.unwrap_or("default"))
}

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
    pub fn current(&self) -> Option<&Analyzer> {
        let name = self.selected.as_ref()?;
        self.analyzers.iter().find(|a| &a.name == name)
    }

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
    fn targets(&self) -> Vec<&AccessFinding> {
        if self.marked.is_empty() {
            self.selected_finding().into_iter().collect()
        } else {
            self.findings
                .iter()
                .filter(|f| self.marked.contains(&f.id))
                .collect()
        }
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

/// The pane became visible: load the analyzers once.
pub fn on_show(state: &mut State) -> Vec<Effect> {
    let pane = &mut state.analyzer;
    if pane.analyzers_loaded || pane.analyzers_loading {
        return Vec::new();
    }
    pane.analyzers_loading = true;
    vec![Effect::Read(ReadRequest::Analyzers)]
}

/// The user picked `name` (`:analyzer NAME`, enter in the list): show it and remember it.
fn choose(state: &mut State, name: &str) -> Vec<Effect> {
    let mut effects = select(state, name);
    effects.extend(remember(state, name));
    effects
}

/// Records `name` as this profile / account / region's choice, once the list confirms it.
fn remember(state: &mut State, name: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    let profile = state.session.profile.clone();
    let pane = &mut state.analyzer;
    pane.choice_pending = !pane.analyzers_loaded && pane.selected.as_deref() == Some(name);
    if pane.selected.as_deref() == Some(name)
        && let Some(a) = pane.current()
    {
        let key = choice_key(profile.as_deref(), &a.arn);
        if pane.remembered.get(&key).map(String::as_str) != Some(name) {
            pane.remembered.insert(key.clone(), name.to_string());
            effects.push(Effect::RememberAnalyzer {
                key,
                name: name.to_string(),
            });
        }
    }
    effects
}

fn select(state: &mut State, name: &str) -> Vec<Effect> {
    let pane = &mut state.analyzer;
    if !pane.analyzers.iter().any(|a| a.name == name) {
        if !pane.analyzers_loaded {
            // Picked before the list arrived: applied when it does.
            pane.selected = Some(name.to_string());
            return on_show(state);
        }
        let known: Vec<String> = pane.analyzers.iter().map(|a| a.name.clone()).collect();
        state.notify(
            NotifyLevel::Warning,
            format!("no analyzer named {name:?} (known: {})", known.join(", ")),
        );
        return Vec::new();
    }
    pane.selected = Some(name.to_string());
    pane.view = View::Findings;
    pane.detail = None;
    pane.load_findings()
}

/// A change finished: refresh what it touched, and re-plan a trust-policy change refused
/// because the policy changed since the preview.
pub fn on_change_finished(
    state: &mut State,
    outcome: &ChangeOutcome,
    plan: Option<ChangePlan>,
) -> Vec<Effect> {
    let Some(plan) = plan.filter(|p| p.id == outcome.plan_id) else {
        return Vec::new();
    };
    match &plan.change {
        Change::TrustPolicyDeny(e) | Change::TrustPolicyRollback(e)
            if outcome
                .failed
                .iter()
                .any(|f| f.code == crate::domain::analyzer::POLICY_CHANGED) =>
        {
            let role_name = e.role.name.clone();
            let assume_role = e.assume_role.clone();
            state.notify(NotifyLevel::Warning, format!("the trust policy of {role_name} changed since the preview: nothing was written; here is the new diff"));
            vec![Effect::Read(ReadRequest::RoleTrustPolicy {
                role_name,
                role_arn: e.role.arn.clone(),
                assume_role,
                purpose: PolicyPurpose::Replan {
                    plan: Box::new(plan),
                },
            })]
        }
        Change::TrustPolicyDeny(_)
        | Change::TrustPolicyRollback(_)
        | Change::FindingsArchive(_)
        | Change::FindingsUnarchive(_)
        | Change::ArchiveRuleCreate(_)
        | Change::ArchiveRuleDelete(_) => {
            let mut effects = state.analyzer.load_findings();
            if state.analyzer.view == View::Rules
                && let Some(a) = state.analyzer.current()
            {
                effects.push(Effect::Read(ReadRequest::ArchiveRules {
                    analyzer: a.name.clone(),
                }));
            }
            state.analyzer.detail = None;
            effects
        }
        _ => Vec::new(),
    }
}

fn preview(state: &mut State, change: Change) {
    let id = state.pipeline.next_plan_id();
    state.pipeline.preview(ChangePlan::new(id, change));
}

fn status_change(state: &mut State, archive: bool, reason: String) {
    let pane = &state.analyzer;
    let Some(analyzer) = pane.current() else {
        state.notify(NotifyLevel::Info, "pick an analyzer first (:analyzer NAME)");
        return;
    };
    let from = if archive { "ACTIVE" } else { "ARCHIVED" };
    let targets: Vec<&AccessFinding> = pane
        .targets()
        .into_iter()
        .filter(|f| f.status == from)
        .collect();
    if targets.is_empty() {
        state.notify(
            NotifyLevel::Info,
            format!("no {from} finding marked or selected"),
        );
        return;
    }
    let change = FindingsStatusChange {
        analyzer_arn: analyzer.arn.clone(),
        ids: targets.iter().map(|f| f.id.clone()).collect(),
        labels: targets.iter().map(|f| f.resource.clone()).collect(),
        reason,
    };
    let change = if archive {
        Change::FindingsArchive(Box::new(change))
    } else {
        Change::FindingsUnarchive(Box::new(change))
    };
    preview(state, change);
}

/// Opens the rule editor prefilled from the selected finding; `y` there previews the rule.
fn archive_similar(state: &mut State, name: Option<String>) {
    if !matches!(state.pipeline.stage, Stage::Idle) {
        state.notify(NotifyLevel::Info, "finish the current change first");
        return;
    }
    let pane = &state.analyzer;
    let (Some(analyzer), Some(f)) = (pane.current(), pane.selected_finding()) else {
        state.notify(NotifyLevel::Info, "select a finding to build the rule from");
        return;
    };
    let short = f.resource_type.rsplit("::").next().unwrap_or("Resource");
    let id: String =
        f.id.chars()
            .filter(char::is_ascii_alphanumeric)
            .take(8)
            .collect();
    let rule_name = name.unwrap_or_else(|| format!("Similar-{short}-{id}"));
    let editor = super::analyzer_rule_editor::RuleEditor::new(
        &analyzer.name,
        &analyzer.arn,
        rule_name,
        similar_criteria(f),
    );
    state.analyzer.rule_editor = Some(editor);
}

fn on_policy(state: &mut State, purpose: PolicyPurpose, result: Result<String, String>) {
    let find =
        |state: &State, id: &str| state.analyzer.findings.iter().find(|f| f.id == id).cloned();
    match purpose {
        PolicyPurpose::Detail { finding_id } => {
            if let Some(d) = state.analyzer.detail.as_mut()
                && d.finding.id == finding_id
            {
                d.policy = Some(result);
            }
        }
        PolicyPurpose::Remediate { finding_id } => {
            let (Some(f), Ok(current)) = (find(state, &finding_id), result.clone()) else {
                let why = result
                    .err()
                    .unwrap_or_else(|| "the finding is no longer listed".into());
                state.notify(
                    NotifyLevel::Error,
                    format!("cannot plan the remediation: {why}"),
                );
                return;
            };
            match plan_remediation(&f, &current, DEFAULT_TRUST_POLICY_MAX_CHARS, true) {
                Ok(Remediation::Edit(mut edit)) => {
                    edit.assume_role = assumed(state, &edit.role.account);
                    preview(state, Change::TrustPolicyDeny(edit))
                }
                Ok(Remediation::AlreadyApplied { sid }) => state.notify(NotifyLevel::Info, format!("already remediated: the trust policy has secdeck's Deny {sid}; nothing to change")),
                Err(e) => state.notify(NotifyLevel::Warning, e),
            }
        }
        PolicyPurpose::Rollback { finding_id } => {
            let (Some(f), Ok(current)) = (find(state, &finding_id), result.clone()) else {
                let why = result
                    .err()
                    .unwrap_or_else(|| "the finding is no longer listed".into());
                state.notify(
                    NotifyLevel::Error,
                    format!("cannot plan the rollback: {why}"),
                );
                return;
            };
            match plan_rollback_edit(&f.resource, &f.id, &f.analyzer_arn, &current, None, true) {
                Ok(mut edit) => {
                    edit.assume_role = assumed(state, &edit.role.account);
                    preview(state, Change::TrustPolicyRollback(Box::new(edit)))
                }
                Err(e) => state.notify(NotifyLevel::Warning, e),
            }
        }
        PolicyPurpose::JournalRollback { edit } => {
            super::journal_view::plan_rollback(state, &edit, result)
        }
        PolicyPurpose::Replan { plan } => {
            let current = match result {
                Ok(c) => c,
                Err(e) => {
                    state.notify(NotifyLevel::Error, format!("cannot re-plan: {e}"));
                    return;
                }
            };
            let (edit, rollback) = match &plan.change {
                Change::TrustPolicyDeny(e) => (e, false),
                Change::TrustPolicyRollback(e) => (e, true),
                _ => return,
            };
            match replan(edit, rollback, &current, DEFAULT_TRUST_POLICY_MAX_CHARS) {
                Ok(Some(new)) => preview(
                    state,
                    if rollback {
                        Change::TrustPolicyRollback(Box::new(new))
                    } else {
                        Change::TrustPolicyDeny(Box::new(new))
                    },
                ),
                Ok(None) => state.notify(
                    NotifyLevel::Info,
                    "someone else already added the same Deny: nothing to change",
                ),
                Err(e) => state.notify(NotifyLevel::Warning, e),
            }
        }
    }
}

/// The role to assume for `account`, when it is not the session's.
fn assumed(state: &State, account: &str) -> Option<String> {
    state.cross_account.role_for(
        account,
        state.session.identity.as_ref().map(|i| i.account.as_str()),
    )
}

fn read_policy(state: &mut State, f: &AccessFinding, purpose: PolicyPurpose) -> Vec<Effect> {
    let session = state.session.identity.as_ref().map(|i| i.account.as_str());
    let access = RoleRef::parse(&f.resource)
        .map_err(|e| e.to_string())
        .and_then(|r| Ok((state.cross_account.access_for(&r.account, session)?, r)));
    match access {
        Ok((assume_role, role)) => vec![Effect::Read(ReadRequest::RoleTrustPolicy {
            assume_role,
            role_arn: role.arn,
            role_name: role.name,
            purpose,
        })],
        Err(e) => {
            state.notify(NotifyLevel::Error, e);
            Vec::new()
        }
    }
}

/// Task results and commands that belong to this pane, whichever pane is visible.
pub fn is_own(action: &Action) -> bool {
    matches!(
        action,
        Action::SelectAnalyzer(_)
            | Action::ArchiveWithReason { .. }
            | Action::ArchiveSimilarNamed(_)
            | Action::ShowArchiveRules
            | Action::AnalyzerWhere(_)
            | Action::AnalyzerGroup(_)
            | Action::DeleteArchiveRule(_)
            | Action::AnalyzersLoaded(_)
            | Action::AnalyzerFindingsPage { .. }
            | Action::TrustPolicyLoaded { .. }
            | Action::ArchiveRulesLoaded { .. }
    )
}

pub fn handle(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::SelectAnalyzer(name) => {
            state.pane = super::PaneId::Analyzer;
            choose(state, &name)
        }
        Action::AnalyzersLoaded(Ok(list)) => {
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
        Action::AnalyzersLoaded(Err(e)) => {
            state.analyzer.analyzers_loading = false;
            state.analyzer.error = Some(e.clone());
            state.notify(NotifyLevel::Error, format!("ListAnalyzers failed: {e}"));
            Vec::new()
        }
        Action::AnalyzerFindingsPage {
            request,
            result,
            next_token,
        } => {
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
        Action::TrustPolicyLoaded { purpose, result } => {
            on_policy(state, purpose, result);
            Vec::new()
        }
        Action::ArchiveRulesLoaded { analyzer, result } => {
            match result {
                Ok(rules) if state.analyzer.selected.as_deref() == Some(analyzer.as_str()) => {
                    state.analyzer.rules = rules
                }
                Ok(_) => {}
                Err(e) => state.notify(NotifyLevel::Error, format!("ListArchiveRules failed: {e}")),
            }
            Vec::new()
        }
        Action::AnalyzerWhere(arg) => {
            state.pane = super::PaneId::Analyzer;
            match parse_filter(&arg) {
                Ok(filter) => {
                    state.analyzer.filter = filter;
                    state.analyzer.cursor = 0;
                }
                Err(e) => state.notify(NotifyLevel::Warning, e),
            }
            Vec::new()
        }
        Action::AnalyzerGroup(by) => {
            state.pane = super::PaneId::Analyzer;
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
        Action::ShowArchiveRules => {
            state.pane = super::PaneId::Analyzer;
            state.analyzer.view = View::Rules;
            match state.analyzer.current() {
                Some(a) => vec![Effect::Read(ReadRequest::ArchiveRules {
                    analyzer: a.name.clone(),
                })],
                None => Vec::new(),
            }
        }
        Action::DeleteArchiveRule(name) => {
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
        Action::ArchiveWithReason { archive, reason } => {
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
            state.prompt = super::input::Prompt::Command(super::commands::CommandLine {
                text: format!("{word} "),
                ..Default::default()
            });
            Vec::new()
        }
        Action::ArchiveSimilar => {
            archive_similar(state, None);
            Vec::new()
        }
        Action::ArchiveSimilarNamed(name) => {
            archive_similar(state, name);
            Vec::new()
        }
        other => navigate(state, other),
    }
}

fn navigate(state: &mut State, action: Action) -> Vec<Effect> {
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
            if f.is_role() {
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

fn act_on_finding(state: &mut State, action: Action) -> Vec<Effect> {
    if !matches!(state.pipeline.stage, Stage::Idle) {
        state.notify(NotifyLevel::Info, "finish the current change first");
        return Vec::new();
    }
    let f = match &state.analyzer.detail {
        Some(d) => Some(d.finding.clone()),
        None => state.analyzer.selected_finding().cloned(),
    };
    let Some(f) = f else {
        return Vec::new();
    };
    if action == Action::Remediate {
        if let Some(why) = f.remediation_blocker() {
            state.notify(NotifyLevel::Warning, why);
            return Vec::new();
        }
        read_policy(
            state,
            &f,
            PolicyPurpose::Remediate {
                finding_id: f.id.clone(),
            },
        )
    } else {
        if !f.is_role() {
            state.notify(
                NotifyLevel::Warning,
                format!(
                    "rollback removes secdeck's Deny from a role trust policy; {} is a {}",
                    f.resource, f.resource_type
                ),
            );
            return Vec::new();
        }
        read_policy(
            state,
            &f,
            PolicyPurpose::Rollback {
                finding_id: f.id.clone(),
            },
        )
    }
}
