//! Reading keymap sections: the embedded `assets/keymap.toml` and the config's `[keys]`
//! (flat entries are the global section, `[keys.findings]` and friends the others), with
//! every bad entry reported by section and key.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Context, Keymap, parse_action};
use crate::app::action::Action;
use crate::app::actions;
use crate::app::keys::Key;

/// The config's `[keys]`: `"x" = "quit"` (global) or a `[keys.SECTION]` table.
pub type KeyOverrides = BTreeMap<String, KeyEntry>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    untagged,
    expecting = "an action name (\"quit\", \"none\") or a section table ([keys.findings])"
)]
pub enum KeyEntry {
    /// `x = "quit"`: the global section, as in configs written before sections existed.
    Action(String),
    /// `[keys.findings]`: key spec -> action name.
    Section(BTreeMap<String, String>),
}

impl PartialEq<&str> for KeyEntry {
    fn eq(&self, other: &&str) -> bool {
        matches!(self, KeyEntry::Action(a) if a == other)
    }
}

/// The embedded file: every table is a section. Returns the keymap and what was wrong.
pub(super) fn from_file(text: &str) -> (Keymap, Vec<String>) {
    let mut km = Keymap::default();
    let file: BTreeMap<String, BTreeMap<String, String>> = match toml::from_str(text) {
        Ok(f) => f,
        Err(e) => return (km, vec![format!("keymap: {}", e.message().trim_end())]),
    };
    let mut errors = Vec::new();
    for (section, entries) in &file {
        let Some(ctx) = section_named(section, "", &mut errors) else {
            continue;
        };
        for (spec, name) in entries {
            let at = format!("{section}.{spec:?}");
            if let Some((key, action)) = entry(ctx, spec, name, &at, &mut errors) {
                match action {
                    Some(a) => {
                        km.section_mut(ctx).bindings.insert(key, a);
                    }
                    None => errors.push(format!("{at}: the defaults do not unbind")),
                }
            }
        }
    }
    (km, errors)
}

pub(super) fn apply(mut km: Keymap, overrides: &KeyOverrides) -> (Keymap, Vec<String>) {
    let mut errors = Vec::new();
    // Global first (flat entries, then [keys.global], which wins), so a pane section can
    // still give a key its own meaning in that pane.
    let flat = overrides.iter().filter_map(|(k, e)| match e {
        KeyEntry::Action(a) => Some((k, a, format!("keys.{k:?}"))),
        KeyEntry::Section(_) => None,
    });
    let global_table = match overrides.get("global") {
        Some(KeyEntry::Section(t)) => Some(t),
        _ => None,
    };
    let global = flat.chain(
        global_table
            .into_iter()
            .flatten()
            .map(|(k, a)| (k, a, format!("keys.global.{k:?}"))),
    );
    for (spec, name, at) in global.collect::<Vec<_>>() {
        let Some((key, action)) = entry(Context::Global, spec, name, &at, &mut errors) else {
            continue;
        };
        // What a key means everywhere: no pane keeps an older meaning of it.
        for (ctx, section) in km.sections.iter_mut() {
            if *ctx != Context::Input {
                section.bindings.remove(&key);
                section.blocked.remove(&key);
            }
        }
        if let Some(a) = action {
            km.section_mut(Context::Global).bindings.insert(key, a);
        }
    }
    for (section, entry_) in overrides {
        let KeyEntry::Section(entries) = entry_ else {
            continue;
        };
        if section == "global" {
            continue;
        }
        let Some(ctx) = section_named(section, "keys.", &mut errors) else {
            continue;
        };
        for (spec, name) in entries {
            let at = format!("keys.{section}.{spec:?}");
            let Some((key, action)) = entry(ctx, spec, name, &at, &mut errors) else {
                continue;
            };
            let s = km.section_mut(ctx);
            match action {
                Some(a) => {
                    s.blocked.remove(&key);
                    s.bindings.insert(key, a);
                }
                None => {
                    s.bindings.remove(&key);
                    s.blocked.insert(key);
                }
            }
        }
    }
    (km, errors)
}

fn section_named(name: &str, prefix: &str, errors: &mut Vec<String>) -> Option<Context> {
    let ctx = Context::parse(name);
    if ctx.is_none() {
        let known: Vec<&str> = Context::all().map(|c| c.name()).collect();
        errors.push(format!(
            "{prefix}{name}: unknown section (known: {})",
            known.join(", ")
        ));
    }
    ctx
}

/// One `key = "action"` entry of section `ctx`: the key and the action (`None` for
/// `"none"`), or an error pushed naming `at`.
fn entry(
    ctx: Context,
    spec: &str,
    name: &str,
    at: &str,
    errors: &mut Vec<String>,
) -> Option<(Key, Option<Action>)> {
    let key: Key = match spec.parse() {
        Ok(k) => k,
        Err(e) => {
            errors.push(format!("{at}: {e}"));
            return None;
        }
    };
    if name == "none" {
        return Some((key, None));
    }
    let action = match parse_action(name) {
        Ok(a) => a,
        Err(e) => {
            errors.push(format!("{at}: {e}"));
            return None;
        }
    };
    if let Err(e) = fits(ctx, &key, &action) {
        errors.push(format!("{at}: {e}"));
        return None;
    }
    Some((key, Some(action)))
}

/// An action bound in a pane's section must do something there; text input takes only
/// non-character keys for `open` (confirm) and `back` (cancel).
fn fits(ctx: Context, key: &Key, action: &Action) -> Result<(), String> {
    let sections = actions::spec(action).map_or(&[][..], |s| s.sections);
    let name = action.name();
    match ctx {
        Context::Global => Ok(()),
        Context::Input if key.typed_char().is_some() => Err(format!(
            "{key} types text in a field; [input] takes keys like \"ctrl-g\" or \"f2\""
        )),
        Context::Input if sections.contains(&Context::Input) => Ok(()),
        Context::Input => Err(format!(
            "{name} does nothing in a text field (there: open confirms, back cancels)"
        )),
        _ if sections.contains(&ctx) || sections.contains(&Context::Global) => Ok(()),
        _ => {
            let homes: Vec<&str> = sections.iter().map(|c| c.name()).collect();
            Err(format!(
                "{name} does nothing in {} (it works in: {})",
                ctx.name(),
                homes.join(", ")
            ))
        }
    }
}
