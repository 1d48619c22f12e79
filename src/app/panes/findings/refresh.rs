//! Keeping the view true after a change without losing the user's place: rows that a
//! verified change moved out of the view's server filter leave (group counts follow), the
//! cursor stays on the same finding (or the one that took its place), a reload puts the
//! cursor back on the finding it was on, and "mark the same" marks every row in view that
//! shares the selected finding's control, resource or type.

use crate::domain::filter_expr::{FilterExpr, Op};
use crate::domain::finding::{Finding, WorkflowStatus};

use super::FindingsPane;
use super::columns::haystack;
use super::detail::DetailView;
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
        if self.is_windowed() {
            return 0; // the store drops them when it takes the re-read (`StoreChanged`)
        }
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
                group.count = group.members.len();
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

    /// Records a verified workflow change on the loaded row (the server view refreshes later).
    pub fn set_workflow(&mut self, id: &str, workflow: WorkflowStatus) -> bool {
        self.edit_row(id, |f| f.workflow = Some(workflow))
    }

    /// Changes a loaded row in place (after a verified change), keeping the local filter's
    /// text and an open detail view in step.
    pub fn edit_row(&mut self, id: &str, edit: impl FnOnce(&mut Finding)) -> bool {
        if let Some(w) = &mut self.window {
            // Shown at once; the store takes the re-read values (`StoreChanged`).
            let Some(f) = w.rows.iter_mut().find(|f| f.id == id) else {
                return false;
            };
            edit(f);
            self.edits_applied += 1;
            return true;
        }
        let Some(i) = self.rows.iter().position(|f| f.id == id) else {
            return false;
        };
        edit(&mut self.rows[i]);
        self.edits_applied += 1;
        self.haystacks[i] = haystack(&self.rows[i]);
        self.recount();
        if let Some(d) = &mut self.detail
            && d.finding_id == id
        {
            // Keep the tab and position; the history is stale after a change.
            let (tab, scroll) = (d.tab, d.scroll);
            *d = DetailView::new(&self.rows[i]);
            d.tab = tab;
            d.scroll = scroll;
            // (history is NotLoaded again: switching tabs fetches the new records)
        }
        true
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
    use crate::app::panes::findings::bulk::{BulkField, TriageStage};
    use crate::app::pipeline::Stage;
    use crate::app::tests::{keys, loaded, loaded_with, messages};
    use crate::app::{Action, PaneMsg, update};
    use crate::domain::finding::WorkflowStatus;
    use serde_json::json;

    /// Findings 0..n, every third of control EC2.8, the others of S3.1.
    fn of_controls(n: usize) -> Vec<Finding> {
        (0..n)
            .map(|i| {
                let control = if i % 3 == 0 { "EC2.8" } else { "S3.1" };
                Finding::from_asff(json!({
                    "Id": format!("f-{i}"),
                    "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/securityhub",
                    "Title": format!("Finding number {i}"),
                    "Severity": {"Label": "HIGH"},
                    "Workflow": {"Status": if i == 1 { "NOTIFIED" } else { "NEW" }},
                    "RecordState": "ACTIVE",
                    "Compliance": {"SecurityControlId": control},
                    "Resources": [{"Type": "AwsIamUser", "Id": format!("arn:aws:iam::111122223333:user/u{i}")}],
                    "AwsAccountId": "111122223333",
                }))
                .unwrap()
            })
            .collect()
    }

    #[test]
    fn star_marks_the_control_and_the_picker_letter_goes_straight_to_the_note() {
        let mut s = loaded_with(of_controls(9), false);
        keys(&mut s, "*");
        assert_eq!(s.findings.marks.len(), 3, "f-0, f-3, f-6");
        assert!(messages(&s)[0].starts_with("marked 3 finding(s) of control EC2.8"));
        keys(&mut s, "w");
        let Stage::Triage(TriageStage::Pick { field, cursor, .. }) = &s.pipeline.stage else {
            panic!("the picker")
        };
        assert_eq!(
            (*field, *cursor),
            (BulkField::Workflow, 0),
            "on NEW, the current one"
        );
        keys(&mut s, "s");
        assert!(matches!(
            &s.pipeline.stage,
            Stage::Triage(TriageStage::Note {
                workflow: Some(WorkflowStatus::Suppressed),
                ..
            })
        ));
    }

    #[test]
    fn the_picker_opens_on_the_current_status_and_letters_pick() {
        let mut s = loaded_with(of_controls(3), false);
        keys(&mut s, "jw");
        let Stage::Triage(TriageStage::Pick { cursor, .. }) = &s.pipeline.stage else {
            panic!("the picker")
        };
        assert_eq!(*cursor, 1, "f-1 is NOTIFIED");
        // n is NEW here, not "reject": the picker's letters come first.
        keys(&mut s, "n");
        assert!(matches!(s.pipeline.stage, Stage::Preview { .. }));
        keys(&mut s, "<esc>Sc");
        let Stage::Preview { plan, .. } = &s.pipeline.stage else {
            panic!("severity preview")
        };
        assert!(plan.title().contains("CRITICAL"), "{}", plan.title());
    }

    #[test]
    fn slash_on_the_group_list_matches_the_group_key() {
        let mut s = loaded_with(of_controls(9), false);
        keys(&mut s, ":group control<enter>/ec2.8<enter>");
        let g = s.findings.grouping.as_ref().unwrap();
        assert_eq!(g.groups.len(), 1);
        assert_eq!(g.groups[0].key, "EC2.8");
        assert_eq!(g.groups[0].members.len(), 3, "all of the control, not one");
    }

    #[test]
    fn refine_keeps_the_view_and_reset_returns_to_it() {
        let mut s = loaded(3, false);
        keys(&mut s, ":findings +control=EC2.8<enter>");
        assert_eq!(
            s.findings.expr.to_string(),
            "state=ACTIVE status=NEW,NOTIFIED control=EC2.8"
        );
        keys(&mut s, ":findings control=EC2.8<enter>");
        assert!(
            messages(&s)[0].contains("no longer has state=ACTIVE status=NEW,NOTIFIED"),
            "{:?}",
            messages(&s)
        );
        keys(&mut s, ":reset<enter>");
        assert_eq!(s.findings.expr, FilterExpr::default_view());
    }

    #[test]
    fn a_reload_puts_the_cursor_back_on_its_finding() {
        let mut s = loaded(6, false);
        keys(&mut s, "jjj");
        let id = s.findings.selected_finding().unwrap().id.clone();
        keys(&mut s, "r");
        let request = s.findings.request;
        // The reload answers in another order.
        let mut rows: Vec<Finding> = (0..6).map(crate::app::tests::finding).collect();
        rows.reverse();
        update(
            &mut s,
            Action::Pane(PaneMsg::Findings(crate::app::FindingsMsg::Page {
                request,
                findings: rows,
                next_token: None,
            })),
        );
        assert_eq!(s.findings.selected_finding().unwrap().id, id);
    }

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
