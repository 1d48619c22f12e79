//! Choosing the analyzer: loading the list, `:analyzer NAME`, and remembering the choice
//! per profile, account and region.

use super::View;
use crate::app::AnalyzerRead;
use crate::app::State;
use crate::app::action::NotifyLevel;
use crate::app::effect::{Effect, ReadRequest};

/// The state-file key of an analyzer choice: the profile, and the account and region the
/// analyzer's ARN names (known before GetCallerIdentity answers).
pub fn choice_key(profile: Option<&str>, analyzer_arn: &str) -> String {
    let mut parts = analyzer_arn.split(':');
    let region = parts.nth(3).unwrap_or_default();
    let account = parts.next().unwrap_or_default();
    format!("{}|{account}|{region}", profile.unwrap_or("default"))
}

/// The pane became visible: load the analyzers once.
pub fn on_show(state: &mut State) -> Vec<Effect> {
    let pane = &mut state.analyzer;
    if pane.analyzers_loaded || pane.analyzers_loading {
        return Vec::new();
    }
    pane.analyzers_loading = true;
    vec![Effect::Read(ReadRequest::Analyzer(AnalyzerRead::Analyzers))]
}

/// The user picked `name` (`:analyzer NAME`, enter in the list): show it and remember it.
pub(super) fn choose(state: &mut State, name: &str) -> Vec<Effect> {
    let mut effects = select(state, name);
    effects.extend(remember(state, name));
    effects
}

/// Records `name` as this profile / account / region's choice, once the list confirms it.
pub(super) fn remember(state: &mut State, name: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    let profile = state.session.profile.clone();
    let pane = &mut state.analyzer;
    pane.choice_pending = !pane.analyzers_loaded && pane.selected.as_deref() == Some(name);
    if pane.selected.as_deref() == Some(name)
        && let Some(a) = pane.current()
    {
        let key = choice_key(profile.as_deref(), &a.arn);
        if pane.remembered.get(&key).map(String::as_str) != Some(name) {
            pane.remembered.insert(key.clone(), name.to_string());
            effects.push(Effect::RememberAnalyzer {
                key,
                name: name.to_string(),
            });
        }
    }
    effects
}

pub(super) fn select(state: &mut State, name: &str) -> Vec<Effect> {
    let pane = &mut state.analyzer;
    if !pane.analyzers.iter().any(|a| a.name == name) {
        if !pane.analyzers_loaded {
            // Picked before the list arrived: applied when it does.
            pane.selected = Some(name.to_string());
            return on_show(state);
        }
        let known: Vec<String> = pane.analyzers.iter().map(|a| a.name.clone()).collect();
        state.notify(
            NotifyLevel::Warning,
            format!("no analyzer named {name:?} (known: {})", known.join(", ")),
        );
        return Vec::new();
    }
    pane.selected = Some(name.to_string());
    pane.view = View::Findings;
    pane.detail = None;
    pane.load_findings()
}
