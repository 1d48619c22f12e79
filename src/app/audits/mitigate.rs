//! `:mitigate ACTION`: plans a mitigation task for the selected finding with one of the
//! account's mitigation actions.

use super::preview;
use crate::app::State;
use crate::app::action::NotifyLevel;
use crate::domain::iot_plan::IotChange;

pub(super) fn mitigate(state: &mut State, action: String) {
    let pane = &state.audits;
    let (Some(f), Some(o)) = (pane.selected_finding(), &pane.overview) else {
        state.notify(NotifyLevel::Info, "select a finding to mitigate");
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
    let Some(finding_id) = f.finding_id.clone() else {
        state.notify(NotifyLevel::Warning, "this finding has no id to mitigate");
        return;
    };
    let check = f.check_name.clone();
    let now_ms = (o.now * 1000.0) as u64;
    state.audits.mitigations_started += 1;
    // Fresh per session (time of the last read) and per mitigation within it.
    let task_id = format!("secdeck-{now_ms}-{}", state.audits.mitigations_started);
    preview(
        state,
        IotChange::StartMitigation {
            task_id,
            finding_ids: vec![finding_id],
            actions: [(check, vec![action])].into_iter().collect(),
        },
    );
}
