//! A change made of several steps approved together: a block from a finding (UpdateIPSet,
//! then BatchUpdateFindings on the finding) or a sync from ip-ranges.json (one update or
//! create per IP set). One preview shows every step; the executor runs them in order and
//! stops at the first that does not fully succeed, so the finding is never marked for a
//! block that did not happen.

use serde::{Deserialize, Serialize};

use super::plan::{Change, ChangePlan, FindingsUpdate, LineKind, PreviewLine};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CombinedKind {
    /// Remote IPs of findings into an IP set, optionally the findings to NOTIFIED.
    BlockFromFinding,
    /// IP sets brought to the selected prefixes of an ip-ranges.json.
    IpRangesSync,
    /// The undo of one of the above.
    Undo,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CombinedChange {
    /// Not `kind`: `Change` is tagged with that name.
    #[serde(rename = "combined")]
    pub kind: CombinedKind,
    pub title: String,
    /// Context lines shown under the title (counts, the file's syncToken ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub summary: Vec<String>,
    /// Executed in order. Never another combined change.
    pub steps: Vec<Change>,
}

impl CombinedChange {
    pub fn operation(&self) -> &'static str {
        let waf = self
            .steps
            .iter()
            .any(|s| matches!(s, Change::IpSetUpdate(_)));
        match self.kind {
            CombinedKind::BlockFromFinding if self.findings_update().is_none() => {
                "wafv2:UpdateIPSet"
            }
            CombinedKind::BlockFromFinding if !waf => "securityhub:BatchUpdateFindings",
            CombinedKind::BlockFromFinding => "wafv2:UpdateIPSet + securityhub:BatchUpdateFindings",
            CombinedKind::IpRangesSync => "wafv2:UpdateIPSet / CreateIPSet",
            CombinedKind::Undo => "undo",
        }
    }

    fn step_plan(step: &Change) -> ChangePlan {
        ChangePlan::new("", step.clone())
    }

    pub fn item_count(&self) -> usize {
        self.steps
            .iter()
            .map(|s| Self::step_plan(s).item_count())
            .sum()
    }

    pub fn targets(&self) -> Vec<String> {
        self.steps
            .iter()
            .flat_map(|s| Self::step_plan(s).targets())
            .collect()
    }

    pub fn preview(&self) -> Vec<PreviewLine> {
        let mut lines = vec![PreviewLine {
            kind: LineKind::Header,
            text: self.title.clone(),
        }];
        lines.extend(self.summary.iter().map(|s| PreviewLine {
            kind: LineKind::Context,
            text: s.clone(),
        }));
        for (i, step) in self.steps.iter().enumerate() {
            let step_lines = Self::step_plan(step).preview();
            for (j, mut l) in step_lines.into_iter().enumerate() {
                if j == 0 {
                    l.kind = LineKind::Context;
                    l.text = format!("{}. {}", i + 1, l.text);
                }
                lines.push(l);
            }
        }
        lines
    }

    /// The steps' undos for what succeeded, last step first; `None` if none can be undone.
    pub fn undo(&self, succeeded: &[String], new_id: String) -> Option<ChangePlan> {
        let steps: Vec<Change> = self
            .steps
            .iter()
            .rev()
            .filter_map(|s| Self::step_plan(s).undo(succeeded, ""))
            .map(|p| p.change)
            .collect();
        match steps.len() {
            0 => None,
            1 => steps.into_iter().next().map(|c| ChangePlan::new(new_id, c)),
            _ => Some(ChangePlan::new(
                new_id,
                Change::Combined(Box::new(CombinedChange {
                    kind: CombinedKind::Undo,
                    title: format!("Undo: {}", self.title),
                    summary: Vec::new(),
                    steps,
                })),
            )),
        }
    }

    /// The findings step, if any (the console shows its new workflow right away).
    pub fn findings_update(&self) -> Option<&FindingsUpdate> {
        self.steps.iter().find_map(|s| match s {
            Change::FindingsUpdate(u) => Some(u),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_combined_change_round_trips_through_the_journals_json() {
        let change = Change::Combined(Box::new(CombinedChange {
            kind: CombinedKind::BlockFromFinding,
            title: "t".into(),
            summary: vec!["s".into()],
            steps: vec![Change::FindingsUpdate(FindingsUpdate { edits: Vec::new() })],
        }));
        let text = serde_json::to_string(&change).unwrap();
        assert_eq!(serde_json::from_str::<Change>(&text).unwrap(), change);
    }
}
