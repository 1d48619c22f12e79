//! A change made of several steps approved together: a block from a finding (UpdateIPSet,
//! then BatchUpdateFindings on the finding) or a sync from ip-ranges.json (one update or
//! create per IP set). One preview shows every step; the executor runs them in order and
//! stops at the first that does not fully succeed, so the finding is never marked for a
//! block that did not happen.

use serde::{Deserialize, Serialize};

use super::plan::{
    Change, FindingsUpdate, JournalValues, LineKind, Observed, PlannedChange, PreviewLine, Refresh,
    Rereads,
};

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
    /// The findings step, if any (the console shows its new workflow right away).
    pub fn findings_update(&self) -> Option<&FindingsUpdate> {
        self.steps.iter().find_map(|s| match s {
            Change::FindingsUpdate(u) => Some(u),
            _ => None,
        })
    }
}

impl PlannedChange for CombinedChange {
    fn operation(&self) -> &'static str {
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

    fn title(&self) -> String {
        self.title.clone()
    }

    fn item_count(&self) -> usize {
        self.steps.iter().map(|s| s.planned().item_count()).sum()
    }

    fn targets(&self) -> Vec<String> {
        self.steps
            .iter()
            .flat_map(|s| s.planned().targets())
            .collect()
    }

    fn preview(&self) -> Vec<PreviewLine> {
        let mut lines = vec![PreviewLine::header(self.title.clone())];
        lines.extend(self.summary.iter().map(PreviewLine::context));
        for (i, step) in self.steps.iter().enumerate() {
            for (j, mut l) in step.planned().preview().into_iter().enumerate() {
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
    fn undo(&self, succeeded: &[String]) -> Option<Change> {
        let mut steps: Vec<Change> = self
            .steps
            .iter()
            .rev()
            .filter_map(|s| s.planned().undo(succeeded))
            .collect();
        match steps.len() {
            0 => None,
            1 => steps.pop(),
            _ => Some(Change::Combined(Box::new(CombinedChange {
                kind: CombinedKind::Undo,
                title: format!("Undo: {}", self.title),
                summary: Vec::new(),
                steps,
            }))),
        }
    }

    /// Each step journals its own targets (the IP set and the findings of a block).
    fn journal_values(&self) -> JournalValues {
        let mut values = JournalValues::default();
        for step in &self.steps {
            let step_values = step.planned().journal_values();
            values.before.extend(step_values.before);
            values.after.extend(step_values.after);
        }
        values
    }

    fn touches_ip_sets(&self) -> bool {
        self.steps.iter().any(|s| s.planned().touches_ip_sets())
    }

    /// Each step checked; a moved step is re-planned (or dropped when nothing is left of
    /// it), the others kept as they are.
    fn refresh(&self, now: &Rereads) -> Option<Refresh> {
        let mut refresh = Refresh::default();
        let mut steps = Vec::new();
        for step in &self.steps {
            match step.planned().refresh(now) {
                Some(r) if !r.is_fresh() => {
                    refresh.moved.extend(r.moved);
                    steps.extend(r.replanned);
                }
                _ => steps.push(step.clone()),
            }
        }
        refresh.replanned = (!steps.is_empty()).then(|| {
            Change::Combined(Box::new(CombinedChange {
                steps,
                ..self.clone()
            }))
        });
        Some(refresh)
    }

    /// Asked of the step that names the target.
    fn holds_after(&self, target: &str, now: &Observed) -> Option<bool> {
        self.steps
            .iter()
            .map(Change::planned)
            .find(|p| p.targets().iter().any(|t| t == target))?
            .holds_after(target, now)
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
