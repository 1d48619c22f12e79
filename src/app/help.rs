//! The `?` overlay's content, generated from the live keymap so it always shows what the
//! keys really do (and, in a read-only session, no mutating action).

use super::State;
use super::action::Action;
use super::actions::{Group, spec};
use super::commands::help_entries;
use super::keymap::{Context, Keymap, bindable_actions};
use super::pipeline::Stage;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpSection {
    pub title: String,
    /// (keys, description)
    pub entries: Vec<(String, String)>,
}

/// The help group of a bindable action (`None` for internal ones, which have no key).
fn group_of(action: &Action) -> Option<Group> {
    spec(action).map(|s| s.group)
}

/// The keys of `ctx` (its own section first, then what global adds there), grouped, plus
/// the `:` commands. Read-only sessions show no change at all (approve / reject included).
pub fn sections(keymap: &Keymap, ctx: Context, read_only: bool) -> Vec<HelpSection> {
    let shown =
        |a: &Action| !(read_only && (a.is_mutating() || group_of(a) == Some(Group::Changes)));
    let mut out = Vec::new();
    if ctx != Context::Global {
        for (title, changes) in [
            (ctx.title().to_string(), false),
            (format!("{}: changes", ctx.title()), true),
        ] {
            let entries = entries(|a| {
                let keys = keymap.own_keys(ctx, a);
                (shown(a) && (group_of(a) == Some(Group::Changes)) == changes).then_some(keys)
            });
            out.push(HelpSection { title, entries });
        }
    }
    for group in Group::ALL {
        let entries = entries(|a| {
            // Global keys that still mean this here (the pane did not take them over).
            let keys: Vec<_> = keymap
                .own_keys(Context::Global, a)
                .into_iter()
                .filter(|k| keymap.action_in(ctx, k) == Some(a))
                .collect();
            (shown(a) && group_of(a) == Some(group)).then_some(keys)
        });
        out.push(HelpSection {
            title: group.title().to_string(),
            entries,
        });
    }
    out.retain(|s| !s.entries.is_empty());
    out.push(HelpSection {
        title: "Commands".into(),
        entries: help_entries()
            .into_iter()
            .map(|(c, d)| (format!(":{c}"), d))
            .chain([(
                ":NAME".to_string(),
                "any action above by its name (:refresh, :set_workflow)".to_string(),
            )])
            .collect(),
    });
    out
}

/// One line per action that `keys_of` gives keys for, in help order.
fn entries(keys_of: impl Fn(&Action) -> Option<Vec<super::keys::Key>>) -> Vec<(String, String)> {
    bindable_actions()
        .iter()
        .filter_map(|a| {
            let keys = keys_of(a).filter(|k| !k.is_empty())?;
            let keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
            Some((keys.join(" "), a.description().to_string()))
        })
        .collect()
}

/// The footer for what has the keyboard now, from the keymap in force. `approve` shows
/// only when a plan waits for it (not in the pickers, not when a count must be typed, not
/// when a guardrail refuses it: then the override key shows), and
/// while a count is typed, character keys type into it, so only the others show.
pub fn footer(state: &State) -> Vec<(String, &'static str)> {
    let counting = state.pipeline.wants_typed_count();
    let plain_preview = matches!(state.pipeline.stage, Stage::Preview { .. }) && !counting;
    let guarded = !state.pipeline.previewed_guardrails().is_empty();
    // While a trust-policy change's proofs run, `y` waits for them.
    let proving =
        matches!(&state.pipeline.stage, Stage::Preview { plan, .. } if plan.proofs_running());
    let banner = super::modal::top(state) == super::modal::Layer::Interrupted;
    // In a picker a letter picks (`n` is NEW there): its own line says how it works.
    let picking = matches!(
        &state.pipeline.stage,
        Stage::PickWorkflow { .. }
            | Stage::Triage(crate::app::panes::findings::bulk::TriageStage::Pick { .. })
    );
    state
        .keymap
        .footer(Context::of(state), |k| {
            !counting || k.typed_char().is_none()
        })
        .into_iter()
        .filter(|(a, _)| match a {
            // With guardrails `y` refuses: the override key is the way to approve.
            Action::Approve => plain_preview && !guarded && !proving,
            Action::ApproveOverride => guarded,
            Action::Reject => !picking,
            // The interrupted-changes banner's ways on, only while it has the keyboard.
            Action::FinishInterrupted | Action::UndoInterrupted | Action::MarkReviewed => banner,
            _ => !banner || matches!(a, Action::Back | Action::Help | Action::Quit),
        })
        .map(|(a, key)| (key.to_string(), a.label()))
        .collect()
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

    fn titles(s: &[HelpSection]) -> Vec<&str> {
        s.iter().map(|s| s.title.as_str()).collect()
    }

    #[test]
    fn the_pane_in_view_comes_first_then_global() {
        let km = Keymap::default_embedded();
        let s = sections(&km, Context::IpSets, false);
        assert_eq!(
            titles(&s)[..4],
            [
                "WAF IP sets pane",
                "WAF IP sets pane: changes",
                "Panes",
                "Moving around"
            ]
        );
        assert!(s[1].entries.iter().any(|(k, _)| k == "+"));
        let all: Vec<&str> = s
            .iter()
            .flat_map(|s| &s.entries)
            .map(|(k, _)| k.as_str())
            .collect();
        assert!(!all.contains(&"w"), "set_workflow is the findings pane's");
    }

    #[test]
    fn a_picker_footer_does_not_offer_n_for_reject_where_n_picks_new() {
        let mut s = crate::app::tests::loaded(3, false);
        crate::app::tests::keys(&mut s, "w");
        let labels: Vec<&str> = footer(&s).iter().map(|(_, label)| *label).collect();
        assert!(!labels.contains(&Action::Reject.label()), "{labels:?}");
        crate::app::tests::keys(&mut s, "o");
        let labels: Vec<&str> = footer(&s).iter().map(|(_, label)| *label).collect();
        assert!(
            labels.contains(&Action::Reject.label()),
            "the preview: {labels:?}"
        );
    }

    #[test]
    fn read_only_help_has_no_changes_section() {
        for ctx in Context::all() {
            let km = Keymap::default_embedded().for_session(true);
            let s = sections(&km, ctx, true);
            assert!(
                s.iter().all(|s| !s.title.ends_with("hanges")),
                "{ctx:?}: {:?}",
                titles(&s)
            );
        }
        let rw = sections(&Keymap::default_embedded(), Context::Findings, false);
        let changes = rw
            .iter()
            .find(|s| s.title == "Findings pane: changes")
            .unwrap();
        assert!(changes.entries.iter().any(|(k, _)| k == "w"));
    }

    #[test]
    fn every_key_of_the_context_appears() {
        let km = Keymap::default_embedded();
        for ctx in Context::all() {
            let all: Vec<String> = sections(&km, ctx, false)
                .into_iter()
                .flat_map(|s| s.entries.into_iter().map(|(k, _)| k))
                .collect();
            for (key, _) in km.bindings(ctx).chain(km.bindings(Context::Global)) {
                if km.action_in(ctx, key).is_none() {
                    continue;
                }
                let k = key.to_string();
                assert!(
                    all.iter().any(|e| e.split(' ').any(|p| p == k)),
                    "{ctx:?}: {k} missing"
                );
            }
        }
    }
}
