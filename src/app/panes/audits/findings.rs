//! The selected task's findings, grouped by check: the rows the list shows and the finding
//! under the cursor.

use super::{AuditsPane, Row};
use crate::domain::iot::{AuditFinding, AuditTask, group_by_check};

impl AuditsPane {
    pub fn selected_finding(&self) -> Option<&AuditFinding> {
        match self.rows.get(self.finding_cursor)? {
            Row::Finding(g, f) => self.groups.get(*g)?.findings.get(*f),
            Row::Check(_) => None,
        }
    }

    pub(super) fn set_findings(&mut self, findings: Vec<AuditFinding>) {
        self.groups = group_by_check(&findings);
        self.rows = self
            .groups
            .iter()
            .enumerate()
            .flat_map(|(g, group)| {
                std::iter::once(Row::Check(g))
                    .chain((0..group.findings.len()).map(move |f| Row::Finding(g, f)))
            })
            .collect();
        self.finding_cursor = self.finding_cursor.min(self.rows.len().saturating_sub(1));
    }

    /// The task whose findings are shown, as last read.
    pub fn findings_task_info(&self) -> Option<&AuditTask> {
        let id = self.findings_task.as_deref()?;
        self.tasks().iter().find(|t| t.task_id == id)
    }
}
