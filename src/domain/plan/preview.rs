//! Preview lines: the diff a user approves, as data (the UI picks the colours by kind).

use serde::{Deserialize, Serialize};

/// How a preview line should be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineKind {
    Header,
    Context,
    Removed,
    Added,
    /// A plan's guardrail, or what the change cannot do (an undo that cannot restore).
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewLine {
    pub kind: LineKind,
    pub text: String,
}

impl PreviewLine {
    pub fn new(kind: LineKind, text: impl Into<String>) -> Self {
        PreviewLine {
            kind,
            text: text.into(),
        }
    }

    pub fn header(text: impl Into<String>) -> Self {
        Self::new(LineKind::Header, text)
    }

    pub fn context(text: impl Into<String>) -> Self {
        Self::new(LineKind::Context, text)
    }
}

/// A bulk change's preview body: one block per distinct (before, after) with its count,
/// its diff (`diff`) and up to three of its items (`shown`), `… and N more` for the rest.
pub fn grouped<E, V: PartialEq>(
    items: &[E],
    values: impl Fn(&E) -> (&V, &V),
    diff: impl Fn(&V, &V) -> Vec<PreviewLine>,
    shown: impl Fn(&E) -> String,
) -> Vec<PreviewLine> {
    let mut groups: Vec<(&V, &V, Vec<&E>)> = Vec::new();
    for e in items {
        let (before, after) = values(e);
        match groups
            .iter_mut()
            .find(|(b, a, _)| *b == before && *a == after)
        {
            Some((_, _, members)) => members.push(e),
            None => groups.push((before, after, vec![e])),
        }
    }
    let mut lines = Vec::new();
    for (before, after, members) in groups {
        lines.push(PreviewLine::context(format!(
            "{} finding(s):",
            members.len()
        )));
        lines.extend(diff(before, after));
        for e in members.iter().take(3) {
            lines.push(PreviewLine::context(format!("    {}", shown(e))));
        }
        if members.len() > 3 {
            lines.push(PreviewLine::context(format!(
                "    … and {} more",
                members.len() - 3
            )));
        }
    }
    lines
}

/// `Set workflow NOTIFIED on 3 finding(s)` when every item gets the same values (each
/// item's `describe`d), else `Set workflow, note (per finding) on ...` naming the fields
/// (an undo gives each item its own old values back).
pub fn set_title<N: Into<String>>(
    described: impl Iterator<Item = String>,
    field_names: impl Iterator<Item = N>,
    count: usize,
    noun: &str,
) -> String {
    let afters: std::collections::BTreeSet<String> = described.collect();
    let what = if afters.len() == 1 {
        afters.into_iter().next().unwrap_or_default()
    } else {
        let mut names: Vec<String> = Vec::new();
        for name in field_names.map(Into::into) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        format!("{} (per finding)", names.join(", "))
    };
    format!("Set {what} on {count} {noun}")
}
