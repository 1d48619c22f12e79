//! The fresh-state check at approval: right before writing, the executor re-reads the
//! targets (`tasks::mutate::observe`) and asks the change whether what its plan recorded
//! as "before" still holds. A target that moved is never written over: nothing of the
//! change is written, and the change comes back re-planned against the new state, with
//! what moved (and who moved it, when AWS says), for a new preview and approval.

use serde::{Deserialize, Serialize};

use super::{Change, ChangePlan, LineKind, PreviewLine};

/// One target that moved since the preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moved {
    pub target: String,
    /// What moved, e.g. `workflow NEW -> RESOLVED`.
    pub what: String,
    /// Who moved it and when, when AWS says (GetFindingHistory's UpdatedBy / UpdateTime).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

impl Moved {
    pub fn new(target: impl Into<String>, what: impl Into<String>) -> Moved {
        Moved {
            target: target.into(),
            what: what.into(),
            by: None,
            at: None,
        }
    }

    /// `workflow NEW -> RESOLVED, note "a" -> "b"`: the fields of (name, before, now) that
    /// differ.
    pub fn what<N: std::fmt::Display>(changes: Vec<(N, String, String)>) -> String {
        changes
            .into_iter()
            .filter(|(_, old, new)| old != new)
            .map(|(name, old, new)| format!("{name} {old} -> {new}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `! moved: workflow NEW -> RESOLVED (by arn:..., 2026-12-04T19:20:00Z)  <target>`:
    /// what moved first, the (often long) target last.
    pub fn line(&self) -> PreviewLine {
        let who = match (&self.by, &self.at) {
            (Some(by), Some(at)) => format!(" (by {by}, {at})"),
            (Some(by), None) => format!(" (by {by})"),
            _ => String::new(),
        };
        PreviewLine::new(
            LineKind::Removed,
            format!("! moved: {}{who}  {}", self.what, self.target),
        )
    }
}

/// What the fresh-state check found: the targets that moved, and the change planned
/// again against AWS's state now (`None` when nothing is left to do).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Refresh {
    pub moved: Vec<Moved>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replanned: Option<Change>,
}

impl Refresh {
    /// Nothing moved: the change may be written as approved.
    pub fn is_fresh(&self) -> bool {
        self.moved.is_empty()
    }
}

/// A change that was not written because its targets moved: the new plan to preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Replan {
    pub moved: Vec<Moved>,
    /// The re-planned change under a new id; `None`: nothing is left to do.
    pub plan: Option<ChangePlan>,
}

impl Replan {
    /// The lines shown above the new preview: a header and what moved.
    pub fn lines(&self) -> Vec<PreviewLine> {
        let mut lines = vec![PreviewLine::new(
            LineKind::Header,
            format!(
                "{} target(s) changed in AWS since the last preview: nothing was written; review the new plan",
                self.moved.len()
            ),
        )];
        lines.extend(self.moved.iter().map(Moved::line));
        lines
    }

    /// One line for the status bar.
    pub fn summary(&self) -> String {
        let first = self
            .moved
            .first()
            .map(|m| {
                let by =
                    m.by.as_deref()
                        .map(|b| format!(" by {b}"))
                        .unwrap_or_default();
                format!(" ({}{by})", m.what)
            })
            .unwrap_or_default();
        match &self.plan {
            Some(_) => format!(
                "nothing written: {} target(s) moved since the preview{first}; review the new preview",
                self.moved.len()
            ),
            None => format!(
                "nothing written: {} target(s) moved since the preview{first}; nothing is left to do",
                self.moved.len()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moved_line_names_who_moved_it_when_aws_says() {
        let mut m = Moved::new("f-1", "workflow NEW -> RESOLVED");
        assert_eq!(m.line().text, "! moved: workflow NEW -> RESOLVED  f-1");
        m.by = Some("arn:aws:iam::1:user/bob".into());
        m.at = Some("2026-12-04T19:20:00Z".into());
        assert_eq!(
            m.line().text,
            "! moved: workflow NEW -> RESOLVED (by arn:aws:iam::1:user/bob, 2026-12-04T19:20:00Z)  f-1"
        );
        let r = Replan {
            moved: vec![m],
            plan: None,
        };
        assert_eq!(
            r.summary(),
            "nothing written: 1 target(s) moved since the preview (workflow NEW -> RESOLVED by arn:aws:iam::1:user/bob); nothing is left to do"
        );
    }
}
