//! Triage of OCSF rows (the new Security Hub): the same keys as on ASFF rows (`w` status,
//! `S` severity, `N` comment, bulk over marks and groups) plan an `OcsfFindingsUpdate`
//! (BatchUpdateFindingsV2) for the one pipeline. Suppressed and Resolved ask for a
//! comment (the reason), as SUPPRESSED and RESOLVED ask for a note on ASFF rows. After
//! it ran: the rows show the verified values, their marks clear, the view reloads (the
//! server decides which rows its OCSF filter still admits) and the findings AWS left
//! unprocessed are kept with their error codes for ctrl-r.

use crate::app::State;
use crate::app::action::NotifyLevel;
use crate::app::effect::Effect;
use crate::app::panes::findings::bulk::{BulkField, Target, TriageStage, keep_for_retry};
use crate::app::pipeline::Stage;
use crate::app::widgets::TextInput;
use crate::domain::finding::WorkflowStatus;
use crate::domain::ocsf_triage::{
    OcsfTriage, SEVERITIES, STATUSES, label_of_severity, workflow_of_status,
};
use crate::domain::plan::{Change, ChangeOutcome, ChangePlan, OcsfEdit, OcsfFindingsUpdate};
use crate::domain::triage::TriageFields;

/// A choice on the OCSF status / severity picker.
pub(crate) fn picked(state: &mut State, field: BulkField, choice: &str, targets: Vec<Target>) {
    let id_of = |table: &[(i32, &str)]| table.iter().find(|(_, c)| *c == choice).map(|(i, _)| *i);
    let after = match field {
        BulkField::OcsfStatus => {
            let status = id_of(&STATUSES);
            // The reason goes with it, as the ASFF path asks for a note.
            if let Some(w @ (WorkflowStatus::Suppressed | WorkflowStatus::Resolved)) =
                status.and_then(workflow_of_status)
            {
                state.pipeline.stage = Stage::Triage(TriageStage::Note {
                    targets,
                    workflow: Some(w),
                    text: TextInput::default(),
                    error: None,
                });
                return;
            }
            OcsfTriage {
                status_id: status,
                ..Default::default()
            }
        }
        _ => OcsfTriage {
            severity_id: id_of(&SEVERITIES),
            ..Default::default()
        },
    };
    propose(state, &targets, after);
}

/// The note editor's (or any ASFF-shaped) edit on OCSF rows: workflow -> status, severity
/// label -> severity, note -> comment.
pub(crate) fn propose_triage(state: &mut State, targets: &[Target], after: &TriageFields) {
    match OcsfTriage::of_triage(after) {
        Some(after) => propose(state, targets, after),
        None => {
            state.pipeline.stage = Stage::Idle;
            state.notify(
                NotifyLevel::Warning,
                "BatchUpdateFindingsV2 sets status, severity and comment only",
            );
        }
    }
}

/// The plan for `targets` -> `after`, previewed; findings already at the values are left
/// out, and each edit's `before` holds only the fields it sets (its undo restores those).
pub(crate) fn propose(state: &mut State, targets: &[Target], after: OcsfTriage) {
    let edits: Vec<OcsfEdit> = targets
        .iter()
        .filter_map(|t| {
            let now = t.ocsf.as_ref()?;
            after.changes(now).then(|| OcsfEdit {
                uid: t.finding.id.clone(),
                title: t.title.clone(),
                resource: t.resource.clone(),
                before: after.before_from(now),
                after: after.clone(),
            })
        })
        .collect();
    if edits.is_empty() {
        state.pipeline.stage = Stage::Idle;
        state.notify(
            NotifyLevel::Info,
            format!("already {}: nothing to change", after.describe()),
        );
        return;
    }
    let id = state.pipeline.next_plan_id();
    state.pipeline.preview(ChangePlan::new(
        id,
        Change::OcsfFindingsUpdate(Box::new(OcsfFindingsUpdate { edits })),
    ));
}

/// After the executor reported an OCSF update: verified values on the rows, marks of the
/// changed findings cleared, failures kept for retry, and a reload of the view when
/// anything changed (only GetFindingsV2 can say which rows its filter still admits).
pub(crate) fn after_change(
    state: &mut State,
    plan: Option<&ChangePlan>,
    outcome: &ChangeOutcome,
) -> Vec<Effect> {
    let Some(update) = plan.and_then(ChangePlan::ocsf_update) else {
        return Vec::new();
    };
    let pane = &mut state.findings;
    let mut changed = false;
    for e in &update.edits {
        if outcome.succeeded.contains(&e.uid) && !outcome.unverified.contains(&e.uid) {
            changed = true;
            pane.marks.remove(&e.uid);
            pane.edit_row(&e.uid, |f| {
                if let Some(s) = e.after.status_id {
                    f.workflow = workflow_of_status(s);
                    f.record_state = if s == 5 { "ARCHIVED" } else { "ACTIVE" }.into();
                }
                if let Some(s) = e.after.severity_id {
                    f.severity = label_of_severity(s);
                }
                f.raw.update(|doc| e.after.apply_to(doc));
            });
        }
    }
    pane.forget_unmarked();
    let failed: Vec<OcsfEdit> = update
        .edits
        .iter()
        .filter(|e| outcome.failed.iter().any(|f| f.target == e.uid))
        .cloned()
        .collect();
    let retry = (!failed.is_empty())
        .then(|| Change::OcsfFindingsUpdate(Box::new(OcsfFindingsUpdate { edits: failed })));
    keep_for_retry(state, retry, outcome);
    if changed && state.findings.on_ocsf() {
        // With a findings store, a full fetch: a triage change moves no time stamp, so a
        // delta sync could miss it (a comment alone) and the store would show it stale.
        let pane = &mut state.findings;
        vec![match pane.store {
            true => pane.start_full(),
            false => pane.start_load(),
        }]
    } else {
        Vec::new()
    }
}

#[cfg(test)]
#[path = "ocsf_triage_tests.rs"]
mod tests;
