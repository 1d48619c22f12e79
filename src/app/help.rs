//! The `?` overlay's content, generated from the live keymap so it always shows what the
//! keys really do (and, in a read-only session, no mutating action).

use super::State;
use super::action::Action;
use super::commands::COMMANDS;
use super::keymap::{Keymap, bindable_actions};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpSection {
    pub title: &'static str,
    /// (keys, description)
    pub entries: Vec<(String, String)>,
}

fn group(action: &Action) -> &'static str {
    use Action::*;
    match action {
        ShowFindings | ShowAnalyzer | ShowIpSets | ShowAudits | NextPane | PrevPane => "Panes",
        MoveDown | MoveUp | PageDown | PageUp | Top | Bottom | ScrollLeft | ScrollRight => {
            "Moving around"
        }
        AddAddresses | RemoveAddresses | CreateIpSet | SyncIpRanges | AddAddressesFromFile
        | BlockFromFinding => "Changes",
        SetWorkflow | SetSeverity | AddNote | EditFields | RetryFailed | Approve | Reject
        | Undo | Remediate | Rollback | Archive | Unarchive | ArchiveSimilar => "Changes",
        EditFilter | SortNext | SortReverse | MarkRange | MarkAll | ClearMarks | ExportView
        | CycleGroup | Copy | OpenUrl => "Triage",
        Suppress | Unsuppress | Mitigate | StartAudit | ImportAudit => "Changes",
        _ => "Views",
    }
}

const GROUPS: [&str; 5] = ["Panes", "Moving around", "Views", "Triage", "Changes"];

/// Every bound key, grouped, plus the `:` commands.
pub fn sections(keymap: &Keymap, read_only: bool) -> Vec<HelpSection> {
    let mut out: Vec<HelpSection> = GROUPS
        .iter()
        .map(|title| HelpSection {
            title,
            entries: Vec::new(),
        })
        .collect();
    for action in bindable_actions() {
        // Approve / reject have nothing to act on when no change can be made.
        if read_only && (action.is_mutating() || group(&action) == "Changes") {
            continue;
        }
        let keys = keymap.keys_for(&action);
        if keys.is_empty() {
            continue;
        }
        let keys = keys
            .iter()
            .map(|k| k.to_string())
            .collect::<Vec<_>>()
            .join(" ");
        if let Some(section) = out.iter_mut().find(|s| s.title == group(&action)) {
            section
                .entries
                .push((keys, action.description().to_string()));
        }
    }
    out.retain(|s| !s.entries.is_empty());
    out.push(HelpSection {
        title: "Commands",
        entries: COMMANDS
            .iter()
            .map(|(c, d)| (format!(":{c}"), d.to_string()))
            .collect(),
    });
    out
}

/// Total lines the overlay needs (a title line and a blank line per section).
pub fn line_count(sections: &[HelpSection]) -> usize {
    sections.iter().map(|s| s.entries.len() + 2).sum()
}

/// Keys while the overlay is open: scroll, anything else closes it.
pub(super) fn handle(state: &mut State, action: Action) -> Vec<super::Effect> {
    let Some(scroll) = &mut state.help else {
        return Vec::new();
    };
    match action {
        Action::MoveDown => *scroll += 1,
        Action::MoveUp => *scroll = scroll.saturating_sub(1),
        Action::PageDown => *scroll += 10,
        Action::PageUp => *scroll = scroll.saturating_sub(10),
        Action::Top => *scroll = 0,
        _ => state.help = None,
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_only_help_has_no_changes_section() {
        let km = Keymap::default_embedded().for_session(true);
        let s = sections(&km, true);
        assert!(s.iter().all(|s| s.title != "Changes"));
        let rw = sections(&Keymap::default_embedded(), false);
        let changes = rw.iter().find(|s| s.title == "Changes").unwrap();
        assert!(changes.entries.iter().any(|(k, _)| k == "w"));
    }

    #[test]
    fn every_bound_key_appears() {
        let km = Keymap::default_embedded();
        let all: Vec<String> = sections(&km, false)
            .into_iter()
            .flat_map(|s| s.entries.into_iter().map(|(k, _)| k))
            .collect();
        for (key, _) in km.bindings() {
            let k = key.to_string();
            assert!(
                all.iter().any(|e| e.split(' ').any(|p| p == k)),
                "{k} missing"
            );
        }
    }
}
