//! `e` on the findings pane: asks where, then hands the current view (or the marked rows,
//! if any) to the runtime to write as JSONL, CSV or ASFF by the file's extension.

use crate::app::State;
use crate::app::effect::Effect;
use crate::app::input::Prompt;
use crate::app::keys::{Key, KeyCode};
use crate::domain::finding::Finding;

/// The rows `e` exports: the marked ones, else everything in view, in table order.
pub fn rows_to_export(state: &State) -> Vec<Finding> {
    let pane = &state.findings;
    if pane.marks.is_empty() {
        (0..pane.visible_len())
            .filter_map(|i| pane.visible(i).cloned())
            .collect()
    } else if pane.is_windowed() {
        pane.window_marked().into_iter().cloned().collect()
    } else {
        pane.rows()
            .iter()
            .filter(|f| pane.marks.contains(&f.id))
            .cloned()
            .collect()
    }
}

pub(crate) fn path_key(state: &mut State, key: Key) -> Vec<Effect> {
    let Prompt::ExportPath(path) = &mut state.prompt else {
        return Vec::new();
    };
    state.dirty = true;
    match key.code {
        KeyCode::Esc => state.prompt = Prompt::None,
        KeyCode::Enter if path.value().trim().is_empty() => {}
        KeyCode::Enter => {
            let path = path.value().trim().to_string();
            state.prompt = Prompt::None;
            if state.findings.is_windowed() && state.findings.marks.is_empty() {
                // The view is in the store: read it all, then export (`FindingsMsg::Rows`).
                state.findings.request_export(path);
                return Vec::new();
            }
            return vec![Effect::ExportFindings {
                path,
                findings: rows_to_export(state),
            }];
        }
        _ => {
            if !path.handle_key(key).consumed() {
                state.dirty = false;
            }
        }
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use crate::app::Effect;
    use crate::app::tests::{keys, loaded};

    fn export_of(fx: Vec<Effect>) -> (String, usize) {
        match fx.as_slice() {
            [Effect::ExportFindings { path, findings }] => (path.clone(), findings.len()),
            other => panic!("expected one export, got {other:?}"),
        }
    }

    #[test]
    fn e_exports_the_view_even_read_only() {
        let mut s = loaded(10, true);
        keys(&mut s, "/number 1<enter>");
        let fx = keys(&mut s, "e<c-u>out.csv<enter>");
        assert_eq!(
            export_of(fx),
            ("out.csv".into(), 1),
            "only number 1 is in view"
        );
    }

    #[test]
    fn e_exports_only_the_marks_when_there_are_any() {
        let mut s = loaded(10, false);
        let fx = keys(&mut s, "<space><space><space>e<enter>");
        assert_eq!(export_of(fx), ("findings.jsonl".into(), 3));
    }
}
