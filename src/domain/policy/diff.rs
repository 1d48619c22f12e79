//! The unified diff of two policy documents, pretty-printed, as preview lines.

use similar::{ChangeTag, TextDiff};

use super::PolicyDocument;
use crate::domain::plan::{LineKind, PreviewLine};

/// Lines of context kept around each change.
const CONTEXT: usize = 3;

/// `--- before` / `+++ after`, `@@` hunk headers, then ` `/`-`/`+` lines.
pub fn unified_diff(
    before: &PolicyDocument,
    after: &PolicyDocument,
    label: &str,
) -> Vec<PreviewLine> {
    diff_texts(&before.to_pretty(), &after.to_pretty(), label)
}

pub fn diff_texts(before: &str, after: &str, label: &str) -> Vec<PreviewLine> {
    let line = |kind, text: String| PreviewLine { kind, text };
    let mut out = vec![
        line(LineKind::Header, format!("--- {label} (current)")),
        line(LineKind::Header, format!("+++ {label} (after)")),
    ];
    let diff = TextDiff::from_lines(before, after);
    for group in diff.grouped_ops(CONTEXT) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let old = first.old_range().start..last.old_range().end;
        let new = first.new_range().start..last.new_range().end;
        out.push(line(
            LineKind::Header,
            format!(
                "@@ -{},{} +{},{} @@",
                old.start + 1,
                old.len(),
                new.start + 1,
                new.len()
            ),
        ));
        for op in &group {
            for change in diff.iter_changes(op) {
                let text = change.value().trim_end_matches('\n');
                let (kind, sign) = match change.tag() {
                    ChangeTag::Equal => (LineKind::Context, ' '),
                    ChangeTag::Delete => (LineKind::Removed, '-'),
                    ChangeTag::Insert => (LineKind::Added, '+'),
                };
                out.push(line(kind, format!("{sign}{text}")));
            }
        }
    }
    out
}
