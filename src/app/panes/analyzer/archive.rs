//! Archiving: the status change of marked findings, and "archive similar", which opens the
//! rule editor prefilled from the selected finding.

use super::preview;
use crate::app::State;
use crate::app::action::NotifyLevel;
use crate::app::pipeline::Stage;
use crate::domain::analyzer::{AccessFinding, FindingsStatusChange, similar_criteria};
use crate::domain::plan::Change;

pub(super) fn status_change(state: &mut State, archive: bool, reason: String) {
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
pub(super) fn archive_similar(state: &mut State, name: Option<String>) {
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
    let editor = crate::app::panes::analyzer::rule_editor::RuleEditor::new(
        &analyzer.name,
        &analyzer.arn,
        rule_name,
        similar_criteria(f),
    );
    state.analyzer.rule_editor = Some(editor);
}
