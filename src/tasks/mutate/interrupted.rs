//! Interrupted changes at start: the journal's intents without an outcome for this
//! session's profile / account / region, each re-read from AWS and classified
//! (`domain::plan::interrupted`), and "mark reviewed", journaled as the intent's outcome.

use super::MutationExecutor;
use crate::domain::plan::{InterruptedChange, Way};
use crate::journal::{Entry, Journal};

impl MutationExecutor {
    /// The interrupted changes of this session's scope, oldest first, each as AWS holds
    /// it now. `Err` when the journal cannot be read.
    pub async fn interrupted(&self) -> Result<Vec<InterruptedChange>, String> {
        let ctx = {
            let mut ctx = self.context.lock().await;
            self.ensure_identity(&mut ctx).await;
            ctx.clone()
        };
        let entries = Journal::read_all(self.journal.path()).map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        for intent in crate::journal::interrupted(&entries, &ctx) {
            let rereads = super::observe::reread(&self.observe_cx(), &intent.change.change).await;
            let time = intent
                .time
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default();
            out.push(InterruptedChange::new(
                intent.change.clone(),
                time,
                &rereads,
            ));
        }
        Ok(out)
    }

    /// Journals `change` as reviewed: its outcome, as the re-read found AWS, naming the
    /// way the user chose. It is not reported again.
    pub async fn mark_reviewed(&self, change: &InterruptedChange) -> Result<(), String> {
        let ctx = self.context.lock().await;
        let mut plan = change.plan.clone();
        plan.resolves = Some(change.resolves(Way::Reviewed));
        self.journal
            .append(&Entry::outcome(&ctx, &plan, &change.outcome()))
            .map_err(|e| {
                format!(
                    "cannot write the journal {}: {e}",
                    self.journal.path().display()
                )
            })
    }
}

/// The one line a headless command prints before acting when interrupted changes wait
/// (the console shows them in a banner with the ways on).
pub fn warning_line(changes: &[InterruptedChange]) -> Option<String> {
    let hint =
        "start the console (secdeck) to finish it, undo the applied part or mark it reviewed";
    match changes {
        [] => None,
        [one] => Some(format!("warning: {}; {hint}", one.summary())),
        many => Some(format!(
            "warning: {} interrupted changes ({}), the oldest {}; {hint}",
            many.len(),
            many.iter()
                .map(|c| c.plan.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            many[0].summary()
        )),
    }
}

impl MutationExecutor {
    /// [`warning_line`] for this session's scope (or why the journal could not be read).
    pub async fn interrupted_warning(&self) -> Option<String> {
        match self.interrupted().await {
            Ok(changes) => warning_line(&changes),
            Err(e) => Some(format!("warning: cannot look for interrupted changes: {e}")),
        }
    }
}
