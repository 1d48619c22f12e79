//! Block from a finding (`b` in the findings pane): the remote IPs of the marked (or
//! selected) findings, a picker of the IP sets of a matching IP version showing the web
//! ACL rules that use each (so the user sees it is a BLOCK set), the "also set NOTIFIED
//! with a note" toggle, and the combined plan previewed for one approval, with its
//! guardrails (see `domain::block_guardrails`).

use crate::app::State;
use crate::app::action::{Action, NotifyLevel};
use crate::app::effect::Effect;
use crate::app::panes::ipsets::Load;
use crate::app::pipeline::Stage;
use crate::domain::block_guardrails::{block_guardrails, looks_like_region};
use crate::domain::cidr::IpVersion;
use crate::domain::plan::{Change, ChangePlan, TriageFields};
use crate::domain::remote_ips::remote_ips;
use crate::domain::waf_block::{BlockSource, plan_block, version_of};

#[derive(Debug, Clone, PartialEq)]
pub struct BlockStage {
    /// The findings with at least one remote IP.
    pub sources: Vec<BlockSource>,
    /// Findings that had none (named in the picker, left alone).
    pub without_ip: usize,
    /// Index into [`BlockStage::choices`].
    pub cursor: usize,
    /// Also set the findings NOTIFIED with a note naming the IP set.
    pub notify: bool,
}

impl BlockStage {
    pub fn versions(&self) -> Vec<IpVersion> {
        let mut v: Vec<IpVersion> = self
            .sources
            .iter()
            .flat_map(|s| s.ips.iter().map(version_of))
            .collect();
        v.sort();
        v.dedup();
        v
    }

    /// Indexes of the IP sets pane's rows that can take some of the addresses.
    pub fn choices(&self, state: &State) -> Vec<usize> {
        let versions = self.versions();
        state
            .ipsets
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| versions.contains(&r.set.version))
            .map(|(i, _)| i)
            .collect()
    }

    /// Where the cursor starts: the first set a rule BLOCKs with, else the first.
    pub fn preferred(&self, state: &State) -> usize {
        self.choices(state)
            .iter()
            .position(|i| {
                state.ipsets.rows[*i]
                    .references
                    .iter()
                    .any(|r| r.action == "BLOCK")
            })
            .unwrap_or(0)
    }
}

/// `b` on the findings pane.
pub(crate) fn start(state: &mut State) -> Vec<Effect> {
    if let Some(why) = state.findings.refuses_change(&Action::BlockFromFinding) {
        state.notify(NotifyLevel::Warning, why);
        return Vec::new();
    }
    if !matches!(state.pipeline.stage, Stage::Idle) {
        state.notify(NotifyLevel::Warning, "finish the current change first");
        return Vec::new();
    }
    let targets = state.findings.targets();
    if targets.is_empty() {
        state.notify(NotifyLevel::Info, "no finding selected");
        return Vec::new();
    }
    let mut sources = Vec::new();
    let mut without_ip = 0;
    for t in &targets {
        let row = state.findings.held(&t.finding.id);
        let ips: Vec<std::net::IpAddr> = row
            .map(|f| {
                remote_ips(&f.raw.value())
                    .into_iter()
                    .map(|r| r.addr)
                    .collect()
            })
            .unwrap_or_default();
        if ips.is_empty() {
            without_ip += 1;
            continue;
        }
        sources.push(BlockSource {
            finding: t.finding.clone(),
            title: t.title.clone(),
            account: row.map(|f| f.account_id.clone()).unwrap_or_default(),
            region: row.map(finding_region).unwrap_or_default(),
            before: TriageFields {
                workflow: t.before.workflow,
                note: t.before.note.clone(),
                ..TriageFields::default()
            },
            ips,
        });
    }
    if sources.is_empty() {
        let message = match targets.as_slice() {
            [one] => format!(
                "nothing to block: no remote IP address in finding \"{}\"",
                one.title
            ),
            many => format!(
                "nothing to block: none of the {} marked findings has a remote IP address",
                many.len()
            ),
        };
        state.notify(NotifyLevel::Info, message);
        return Vec::new();
    }
    let mut stage = BlockStage {
        sources,
        without_ip,
        cursor: 0,
        notify: true,
    };
    stage.cursor = stage.preferred(state);
    state.pipeline.stage = Stage::Block(stage);
    // The picker needs the IP sets even if their pane was never opened.
    match state.ipsets.load {
        Load::NotLoaded | Load::Failed(_) => vec![state.ipsets.start_load()],
        Load::Loading | Load::Loaded => Vec::new(),
    }
}

/// The finding's region: its `Region`, else the first resource's; empty when neither has
/// the shape of a region (real findings carry malformed product ARNs).
fn finding_region(f: &crate::domain::finding::Finding) -> String {
    if looks_like_region(&f.region) {
        return f.region.clone();
    }
    let doc = f.raw.value();
    doc.get("Resources")
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| r.get("Region").and_then(serde_json::Value::as_str))
        .find(|r| looks_like_region(r))
        .unwrap_or_default()
        .to_string()
}

/// The IP sets arrived (or were reloaded for another scope): start on a BLOCK set.
pub(crate) fn on_sets_loaded(state: &mut State) {
    let Stage::Block(stage) = &state.pipeline.stage else {
        return;
    };
    let cursor = stage.preferred(state);
    if let Stage::Block(stage) = &mut state.pipeline.stage {
        stage.cursor = cursor;
    }
}

/// Keys while the picker is open.
pub(crate) fn handle(state: &mut State, action: Action) -> Vec<Effect> {
    let Stage::Block(stage) = &state.pipeline.stage else {
        return Vec::new();
    };
    let n = stage.choices(state).len();
    let Stage::Block(stage) = &mut state.pipeline.stage else {
        return Vec::new();
    };
    match action {
        Action::MoveDown => stage.cursor = (stage.cursor + 1).min(n.saturating_sub(1)),
        Action::MoveUp => stage.cursor = stage.cursor.saturating_sub(1),
        Action::Top => stage.cursor = 0,
        Action::Bottom => stage.cursor = n.saturating_sub(1),
        Action::Mark => stage.notify = !stage.notify,
        Action::SwitchScope => {
            stage.cursor = 0;
            let pane = &mut state.ipsets;
            pane.scope = pane.scope.toggled();
            pane.rows.clear();
            pane.open = None;
            pane.cursor = 0;
            return vec![pane.start_load()];
        }
        Action::Refresh => return vec![state.ipsets.start_load()],
        Action::Open => choose(state),
        Action::Back | Action::Reject => state.pipeline.stage = Stage::Idle,
        _ => state.dirty = false,
    }
    Vec::new()
}

fn choose(state: &mut State) {
    let Stage::Block(stage) = &state.pipeline.stage else {
        return;
    };
    let Some(row) = stage
        .choices(state)
        .get(stage.cursor)
        .and_then(|i| state.ipsets.rows.get(*i))
    else {
        let message = match state.ipsets.load {
            Load::Loading | Load::NotLoaded => "the IP sets are still loading".to_string(),
            _ => format!(
                "no {} IP set of a matching IP version (t switches scope)",
                state.ipsets.scope
            ),
        };
        state.notify(NotifyLevel::Info, message);
        return;
    };
    let guardrails = block_guardrails(&row.set, &row.references, &stage.sources);
    match plan_block(&row.set, &row.references, &stage.sources, stage.notify) {
        Ok((combined, notes)) => {
            for note in notes {
                state.notify(NotifyLevel::Info, note);
            }
            let id = state.pipeline.next_plan_id();
            state.pipeline.preview(
                ChangePlan::new(id, Change::Combined(Box::new(combined)))
                    .with_guardrails(guardrails),
            );
        }
        Err(problems) => state.notify(NotifyLevel::Error, problems.join("; ")),
    }
}

#[cfg(test)]
#[path = "block_tests.rs"]
mod tests;
