//! `:mitigate ACTION`: plans one mitigation task for the marked findings (or the selected
//! one) with one of the account's mitigation actions, mapped to each finding's check.

use super::preview;
use crate::app::State;
use crate::app::action::NotifyLevel;
use crate::domain::iot_plan::IotChange;

pub(super) fn mitigate(state: &mut State, action: String) {
    let pane = &state.audits;
    let targets = pane.target_findings();
    let (false, Some(o)) = (targets.is_empty(), &pane.overview) else {
        state.notify(NotifyLevel::Info, "select or mark findings to mitigate");
        return;
    };
    if !o.mitigation_actions.iter().any(|a| a.action_name == action) {
        let names: Vec<&str> = o
            .mitigation_actions
            .iter()
            .map(|a| a.action_name.as_str())
            .collect();
        state.notify(
            NotifyLevel::Warning,
            format!(
                "no mitigation action {action:?}; defined: {}",
                names.join(", ")
            ),
        );
        return;
    }
    let mut finding_ids = Vec::new();
    let mut actions: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for f in &targets {
        let Some(id) = f.finding_id.clone() else {
            continue;
        };
        finding_ids.push(id);
        actions
            .entry(f.check_name.clone())
            .or_insert_with(|| vec![action.clone()]);
    }
    if finding_ids.is_empty() {
        state.notify(NotifyLevel::Warning, "this finding has no id to mitigate");
        return;
    }
    let now_ms = (o.now * 1000.0) as u64;
    state.audits.mitigations_started += 1;
    // Fresh per session (time of the last read) and per mitigation within it.
    let task_id = format!("secdeck-{now_ms}-{}", state.audits.mitigations_started);
    state.audits.marked.clear();
    preview(
        state,
        IotChange::StartMitigation {
            task_id,
            finding_ids,
            actions,
        },
    );
}
