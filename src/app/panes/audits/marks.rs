//! Marked audit findings (space in the findings list): one mitigation task covers every
//! marked finding, each getting the chosen action. Marks are finding ids, so they survive
//! a re-read of the same task and are dropped when another task's findings are shown.

use crate::app::panes::audits::{AuditsPane, Focus};
use crate::domain::iot::AuditFinding;

impl AuditsPane {
    /// Space: marks / unmarks the selected finding and moves down.
    pub(crate) fn toggle_mark(&mut self) {
        if self.focus != Focus::Findings {
            return;
        }
        let Some(id) = self.selected_finding().and_then(|f| f.finding_id.clone()) else {
            return;
        };
        if !self.marked.remove(&id) {
            self.marked.insert(id);
        }
        self.move_cursor(1);
    }

    pub fn is_marked(&self, f: &AuditFinding) -> bool {
        f.finding_id
            .as_ref()
            .is_some_and(|id| self.marked.contains(id))
    }

    /// The findings a change applies to: the marked ones (in list order) if any, else
    /// the selected one.
    pub fn target_findings(&self) -> Vec<&AuditFinding> {
        let marked: Vec<&AuditFinding> = self
            .groups
            .iter()
            .flat_map(|g| &g.findings)
            .filter(|f| self.is_marked(f))
            .collect();
        if marked.is_empty() {
            self.selected_finding().into_iter().collect()
        } else {
            marked
        }
    }
}
