//! Keeping the view true after a change without losing the user's place: rows that a
//! verified change moved out of the view's server filter leave (group counts follow), the
//! cursor stays on the same finding (or the one that took its place), a reload puts the
//! cursor back on the finding it was on, and "mark the same" marks every row in view that
//! shares the selected finding's control, resource or type.

use crate::domain::filter_expr::{FilterExpr, Op};
use crate::domain::finding::Finding;

use super::FindingsPane;
use super::group::GroupBy;

impl FindingsPane {
    /// Marks every visible row in the selected finding's group under `by` (control falls
    /// back to the generator, as grouping does). Returns the group's key and how many
    /// rows it marked, or `None` without a selection.
    pub fn mark_same(&mut self, by: GroupBy) -> Option<(String, usize)> {
        let key = by.key(self.selected_finding()?);
        let ids: Vec<String> = (0..self.visible_len())
            .filter_map(|i| self.visible(i))
            .filter(|f| by.key(f) == key)
            .map(|f| f.id.clone())
            .collect();
        let n = ids.len();
        self.marks.extend(ids);
        Some((key, n))
    }

    /// Drops the rows the view's server filter no longer admits (after a verified edit).
    /// Returns how many left.
    pub fn drop_rows_outside_view(&mut self) -> usize {
        let expr = self.expr.clone();
        self.retain_rows(|f| admits(&expr, f))
    }

    /// Keeps the rows `keep` holds; the cursor stays on its finding, or on the row that
    /// took its place when it left. Returns how many rows left.
    pub fn retain_rows(&mut self, keep: impl Fn(&Finding) -> bool) -> usize {
        let before = self.rows.len();
        let kept: Vec<bool> = self.rows.iter().map(&keep).collect();
        if kept.iter().all(|k| *k) {
            return 0;
        }
        let selected_id = self.selected_finding().map(|f| f.id.clone());
        let selected = self.selected;
        // Old index -> new index, for the local filter's matches and an open group.
        let mut new_index = vec![None; before];
        let mut next = 0;
        for (i, k) in kept.iter().enumerate() {
            if *k {
                new_index[i] = Some(next);
                next += 1;
            }
        }
        let mut i = 0;
        self.rows.retain(|_| {
            i += 1;
            kept[i - 1]
        });
        let mut i = 0;
        self.haystacks.retain(|_| {
            i += 1;
            kept[i - 1]
        });
        let remap = |v: &Vec<usize>| v.iter().filter_map(|&i| new_index[i]).collect::<Vec<_>>();
        self.matches = self.matches.as_ref().map(remap);
        self.scope = self.scope.as_ref().map(remap);
        if let Some(g) = &mut self.grouping {
            for group in &mut g.groups {
                group.members = remap(&group.members);
            }
            if g.open.is_some() {
                // The open group's list comes back right when it is closed.
                g.groups.retain(|grp| !grp.members.is_empty());
            }
        }
        self.marks
            .retain(|id| self.rows.iter().any(|f| &f.id == id));
        self.mark_anchor = None;
        self.regroup();
        self.recount();
        self.selected = selected_id
            .and_then(|id| {
                (0..self.visible_len()).find(|&i| self.visible(i).is_some_and(|f| f.id == id))
            })
            .unwrap_or(selected);
        self.clamp_selection();
        before - self.rows.len()
    }

    /// Before a reload: remember the finding under the cursor.
    pub(super) fn remember_selection(&mut self) {
        self.reselect = self.selected_finding().map(|f| f.id.clone());
    }

    /// As pages of a reload arrive: back onto the remembered finding once it is loaded.
    pub(super) fn restore_selection(&mut self, complete: bool) {
        let Some(id) = &self.reselect else { return };
        if let Some(i) =
            (0..self.visible_len()).find(|&i| self.visible(i).is_some_and(|f| &f.id == id))
        {
            self.selected = i;
            self.reselect = None;
        } else if complete {
            self.reselect = None;
        }
    }
}

/// Whether the view's server filter still admits `f`, judged on what a change can edit
/// (workflow status and severity); the other terms are taken as still holding.
pub fn admits(expr: &FilterExpr, f: &Finding) -> bool {
    expr.terms.iter().all(|term| {
        let value = match term.attribute.as_str() {
            "WorkflowStatus" => f.workflow.map(|w| w.as_str().to_string()),
            "SeverityLabel" => f.severity.map(|s| s.as_str().to_string()),
            _ => return true,
        };
        let Some(value) = value else { return true };
        let any = term.values.iter().any(|v| v.eq_ignore_ascii_case(&value));
        match term.op {
            Op::Eq => any,
            Op::Ne => !any,
            _ => true,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::tests::loaded;
    use crate::domain::finding::WorkflowStatus;

    #[test]
    fn a_suppressed_row_leaves_the_default_view_and_the_cursor_stays_on_its_finding() {
        let mut s = loaded(6, false);
        let pane = &mut s.findings;
        pane.selected = 3;
        let on = pane.selected_finding().unwrap().id.clone();
        let gone = pane.visible(1).unwrap().id.clone();
        pane.set_workflow(&gone, WorkflowStatus::Suppressed);
        assert_eq!(pane.drop_rows_outside_view(), 1);
        assert_eq!(pane.total(), 5);
        assert_eq!(pane.selected_finding().unwrap().id, on, "same finding");
        // Now the selected row itself leaves: its neighbour takes the cursor.
        let next = pane.visible(3).unwrap().id.clone();
        pane.set_workflow(&on, WorkflowStatus::Resolved);
        pane.drop_rows_outside_view();
        assert_eq!(pane.selected_finding().unwrap().id, next);
    }

    #[test]
    fn mark_same_marks_every_row_of_the_selected_findings_group() {
        let mut s = loaded(6, false);
        let pane = &mut s.findings;
        let (key, n) = pane.mark_same(GroupBy::Control).unwrap();
        let expected = pane
            .rows()
            .iter()
            .filter(|f| GroupBy::Control.key(f) == key)
            .count();
        assert_eq!(n, expected);
        assert_eq!(pane.marks.len(), expected);
    }
}
