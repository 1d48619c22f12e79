//! Security Hub keeps one note (one comment on OCSF findings) per finding; the journal keeps
//! every note and comment this console ever wrote. This reads a finding's notes back out of journal entries (verified outcomes only),
//! for the detail view's History tab next to AWS's own history.

use crate::domain::plan::Change;
use crate::journal::{Entry, Phase};

/// A note written from this console, as the journal recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalNote {
    /// RFC 3339.
    pub time: String,
    pub caller: String,
    pub text: String,
    pub plan_id: String,
}

/// Notes on `finding_id` that AWS confirmed, oldest first.
pub fn local_notes(entries: &[Entry], finding_id: &str) -> Vec<LocalNote> {
    entries
        .iter()
        .filter(|e| e.phase == Phase::Outcome)
        .filter(|e| {
            e.result
                .as_ref()
                .is_some_and(|r| r.succeeded.iter().any(|id| id == finding_id))
        })
        .filter_map(|e| {
            // A note (ASFF) or a comment (OCSF, BatchUpdateFindingsV2).
            let text = match &e.change.change {
                Change::FindingsUpdate(u) => {
                    let edit = u.edits.iter().find(|ed| ed.finding.id == finding_id)?;
                    edit.after.note.clone()?
                }
                Change::OcsfFindingsUpdate(u) => {
                    let edit = u.edits.iter().find(|ed| ed.uid == finding_id)?;
                    edit.after.comment.clone()?
                }
                _ => return None,
            };
            Some(LocalNote {
                time: e
                    .time
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default(),
                caller: e
                    .caller_arn
                    .clone()
                    .unwrap_or_else(|| "(unknown caller)".into()),
                text,
                plan_id: e.plan_id.clone(),
            })
        })
        .collect()
}
