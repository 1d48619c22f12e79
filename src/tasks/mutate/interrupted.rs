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
