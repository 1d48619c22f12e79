//! The IP sets pane's sync dialog (`s`): choose the ip-ranges.json (the `--ip-ranges`
//! file, a path typed in, the official URL, or in a demo the bundled snapshot), then the
//! services (default CLOUDFRONT and ROUTE53_HEALTHCHECKS), optional regions, aggregation
//! and the IPv4 / IPv6 target sets; Enter plans every set with the same domain code as
//! `secdeck waf sync` and previews them as one combined change.

use std::sync::Arc;

use crate::app::IpSetsRead;
use crate::app::State;
use crate::app::action::NotifyLevel;
use crate::app::effect::{Effect, ReadRequest};
use crate::app::input::Prompt;
use crate::app::keys::{Key, KeyCode};
use crate::app::panes::ipsets::{InputKind, IpSetsPane, Load};
use crate::app::widgets::{Edit, TextInput};
use crate::domain::cidr::IpVersion;
use crate::domain::combined::{CombinedChange, CombinedKind};
use crate::domain::ip_ranges::{DEFAULT_SERVICES, IpRanges, OFFICIAL_URL, Selection};
use crate::domain::plan::{Change, ChangePlan};
use crate::domain::waf::token_in_description;
use crate::domain::waf_sync::{SyncSource, plan_set_sync};

/// Where the ip-ranges.json comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IpRangesSource {
    File(String),
    /// https://ip-ranges.amazonaws.com/ip-ranges.json
    Official,
    /// The snapshot bundled for the demo (assets/demo/ip-ranges.json).
    Demo,
}

impl IpRangesSource {
    pub fn describe(&self) -> String {
        match self {
            IpRangesSource::File(p) => p.clone(),
            IpRangesSource::Official => OFFICIAL_URL.to_string(),
            IpRangesSource::Demo => "the demo's bundled ip-ranges.json".to_string(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncStep {
    /// Typing the source (empty: the default source).
    Source,
    Loading,
    Options,
}

/// The focused row of the options step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Service(usize),
    Regions,
    Aggregate,
    V4Set,
    V6Set,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SyncDialog {
    pub step: SyncStep,
    /// The path typed in the source step (empty: [`SyncDialog::default_source`]).
    pub source_text: TextInput,
    pub default_source: IpRangesSource,
    pub source: Option<IpRangesSource>,
    pub ranges: Option<Arc<IpRanges>>,
    /// Every service in the file, with whether it is selected.
    pub services: Vec<(String, bool)>,
    /// Comma-separated regions / network border groups; empty = all.
    pub regions: TextInput,
    pub aggregate: bool,
    pub v4_set: TextInput,
    /// Empty: IPv6 prefixes are left out.
    pub v6_set: TextInput,
    pub focus: usize,
    pub error: Option<String>,
    /// The focused text field still holds what the dialog filled in: the first typed
    /// character replaces it (so a prefilled set name needs no Backspace run).
    pub replace_on_type: bool,
    /// Upper-case letters typed on the service list: focus jumps to the first service
    /// starting with them.
    pub jump: String,
    /// The services chosen the last time this set was synced (applied once the file is read).
    remembered_services: Option<Vec<String>>,
    /// The focus the options step opens on (the targeted set's row).
    start_field: Field,
    request: u64,
}

/// What the dialog keeps per target set: the last choices it was synced with.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SyncChoices {
    pub services: Vec<String>,
    pub regions: String,
    pub aggregate: bool,
    pub v4_set: String,
    pub v6_set: String,
}

impl SyncDialog {
    pub fn field(&self) -> Field {
        let n = self.services.len();
        match self.focus {
            i if i < n => Field::Service(i),
            i if i == n => Field::Regions,
            i if i == n + 1 => Field::Aggregate,
            i if i == n + 2 => Field::V4Set,
            _ => Field::V6Set,
        }
    }

    fn fields(&self) -> usize {
        self.services.len() + 4
    }

    /// The focus index of `field`.
    fn index_of(&self, field: Field) -> usize {
        let n = self.services.len();
        match field {
            Field::Service(i) => i.min(n.saturating_sub(1)),
            Field::Regions => n,
            Field::Aggregate => n + 1,
            Field::V4Set => n + 2,
            Field::V6Set => n + 3,
        }
    }

    fn focus_on(&mut self, focus: usize) {
        if focus != self.focus {
            self.focus = focus;
            self.replace_on_type = true;
        }
        self.jump.clear();
    }

    /// Type-to-jump on the service list: the first service starting with what was typed.
    fn jump_to(&mut self, c: char) {
        self.jump.push(c);
        let prefix = self.jump.clone();
        match self
            .services
            .iter()
            .position(|(s, _)| s.starts_with(&prefix))
        {
            Some(i) => {
                self.focus = i;
            }
            None => {
                // A new word: start over from this letter.
                self.jump = c.to_string();
                if let Some(i) = self.services.iter().position(|(s, _)| s.starts_with(c)) {
                    self.focus = i;
                }
            }
        }
    }

    /// The choices to remember for its sets.
    fn choices(&self) -> SyncChoices {
        SyncChoices {
            services: self
                .services
                .iter()
                .filter(|(_, on)| *on)
                .map(|(s, _)| s.clone())
                .collect(),
            regions: self.regions.value().to_string(),
            aggregate: self.aggregate,
            v4_set: self.v4_set.value().trim().to_string(),
            v6_set: self.v6_set.value().trim().to_string(),
        }
    }

    /// A text field has the focus (the source step, or a text row of the options).
    pub fn text_focus(&self) -> bool {
        match self.step {
            SyncStep::Source => true,
            SyncStep::Loading => false,
            SyncStep::Options => {
                matches!(self.field(), Field::Regions | Field::V4Set | Field::V6Set)
            }
        }
    }

    fn text_mut(&mut self) -> Option<&mut TextInput> {
        match self.field() {
            Field::Regions => Some(&mut self.regions),
            Field::V4Set => Some(&mut self.v4_set),
            Field::V6Set => Some(&mut self.v6_set),
            Field::Service(_) | Field::Aggregate => None,
        }
    }

    fn toggle(&mut self) {
        match self.field() {
            Field::Service(i) => {
                if let Some((_, on)) = self.services.get_mut(i) {
                    *on = !*on;
                }
            }
            Field::Aggregate => self.aggregate = !self.aggregate,
            _ => {}
        }
    }

    fn source(&self) -> IpRangesSource {
        match self.source_text.value().trim() {
            "" => self.default_source.clone(),
            url if url.starts_with("https://") || url.starts_with("http://") => {
                if url == OFFICIAL_URL {
                    IpRangesSource::Official
                } else {
                    IpRangesSource::File(url.to_string())
                }
            }
            path => IpRangesSource::File(path.to_string()),
        }
    }
}

/// `s` on the IP sets pane: the dialog, at the source step, targeting the selected set
/// (with the choices it was last synced with), else the sets synced before.
pub(crate) fn open(state: &mut State) {
    let pane = &state.ipsets;
    let target = pane
        .selected()
        .map(|r| (r.set.set.name.clone(), r.set.version));
    let remembered = target
        .as_ref()
        .and_then(|(name, _)| pane.sync_memory.get(name))
        .cloned();
    let default_source = if state.session.demo {
        IpRangesSource::Demo
    } else {
        IpRangesSource::Official
    };
    // Sets that were synced before (or say so) are the likely targets.
    let synced = |version: IpVersion| {
        pane.rows
            .iter()
            .filter(|r| r.set.version == version)
            .find(|r| {
                token_in_description(&r.set.description).is_some()
                    || r.set.description.contains("ip-ranges")
            })
            .map(|r| r.set.set.name.clone())
            .unwrap_or_default()
    };
    // A set synced before goes with the other version's synced set; any other set alone.
    let looks_synced = pane.selected().is_some_and(|r| {
        token_in_description(&r.set.description).is_some()
            || r.set.description.contains("ip-ranges")
    });
    let companion = |version: IpVersion| {
        if looks_synced {
            synced(version)
        } else {
            String::new()
        }
    };
    let (v4, v6, start_field) = match (&remembered, &target) {
        (Some(c), Some((_, version))) => (c.v4_set.clone(), c.v6_set.clone(), set_field(*version)),
        (None, Some((name, IpVersion::V4))) => {
            (name.clone(), companion(IpVersion::V6), Field::V4Set)
        }
        (None, Some((name, IpVersion::V6))) => {
            (companion(IpVersion::V4), name.clone(), Field::V6Set)
        }
        (_, None) => (synced(IpVersion::V4), synced(IpVersion::V6), Field::V4Set),
    };
    let remembered = remembered.unwrap_or_default();
    let dialog = SyncDialog {
        step: SyncStep::Source,
        source_text: pane.ip_ranges_path.clone().unwrap_or_default().into(),
        default_source,
        source: None,
        ranges: None,
        services: Vec::new(),
        regions: remembered.regions.into(),
        aggregate: remembered.aggregate,
        v4_set: v4.into(),
        v6_set: v6.into(),
        focus: 0,
        error: None,
        replace_on_type: true,
        jump: String::new(),
        remembered_services: (!remembered.services.is_empty()).then_some(remembered.services),
        start_field,
        request: pane.sync.as_ref().map_or(0, |d| d.request),
    };
    state.ipsets.sync = Some(dialog);
    state.prompt = Prompt::IpSets(InputKind::Sync);
}

fn set_field(version: IpVersion) -> Field {
    match version {
        IpVersion::V4 => Field::V4Set,
        IpVersion::V6 => Field::V6Set,
    }
}

/// Keys while the dialog is open.
pub(crate) fn key(state: &mut State, key: Key) -> Vec<Effect> {
    state.dirty = true;
    let Some(dialog) = state.ipsets.sync.as_mut() else {
        state.prompt = Prompt::None;
        return Vec::new();
    };
    if key.code == KeyCode::Esc || (key.ctrl && key.code == KeyCode::Char('c')) {
        state.ipsets.sync = None;
        state.prompt = Prompt::None;
        return Vec::new();
    }
    match dialog.step {
        SyncStep::Loading => {}
        SyncStep::Source => {
            if key.code == KeyCode::Enter {
                let source = dialog.source();
                dialog.request += 1;
                dialog.step = SyncStep::Loading;
                dialog.error = None;
                dialog.source = Some(source.clone());
                return vec![Effect::Read(ReadRequest::IpSets(IpSetsRead::IpRanges {
                    request: dialog.request,
                    source,
                }))];
            }
            if !dialog.source_text.handle_key(key).consumed() {
                state.dirty = false;
            }
        }
        SyncStep::Options => options_key(state, key),
    }
    Vec::new()
}

/// A key on the options: move (arrows, j / k, g / G, Home / End), toggle (space, x),
/// jump to a service by typing its name (upper-case), edit a text row, Enter plans.
fn options_key(state: &mut State, key: Key) {
    let Some(dialog) = state.ipsets.sync.as_mut() else {
        return;
    };
    let text_field = dialog.text_mut().is_some();
    let last = dialog.fields() - 1;
    let plain = !key.ctrl && !key.alt;
    match key.code {
        KeyCode::Down | KeyCode::Tab => dialog.focus_on((dialog.focus + 1).min(last)),
        KeyCode::Up | KeyCode::BackTab => dialog.focus_on(dialog.focus.saturating_sub(1)),
        KeyCode::Char('j') if !text_field && plain => dialog.focus_on((dialog.focus + 1).min(last)),
        KeyCode::Char('k') if !text_field && plain => {
            dialog.focus_on(dialog.focus.saturating_sub(1))
        }
        KeyCode::Char('g') if !text_field && plain => dialog.focus_on(0),
        KeyCode::Char('G') if !text_field && plain && dialog.jump.is_empty() => {
            dialog.focus_on(last)
        }
        KeyCode::End if !text_field => dialog.focus_on(last),
        KeyCode::Home if !text_field => dialog.focus_on(0),
        KeyCode::Char(c) if !text_field && plain && c.is_ascii_uppercase() => dialog.jump_to(c),
        KeyCode::Char(' ') | KeyCode::Char('x') if !text_field && plain => {
            dialog.jump.clear();
            dialog.toggle()
        }
        KeyCode::Enter => plan(state),
        _ => {
            let replace = dialog.replace_on_type && key.typed_char().is_some();
            let Some(field) = dialog.text_mut() else {
                state.dirty = false;
                return;
            };
            if replace {
                field.clear();
            }
            match field.handle_key(key) {
                Edit::Ignored => state.dirty = false,
                _ => dialog.replace_on_type = false,
            }
        }
    }
}

/// The file arrived: show the options, services defaulted.
pub(crate) fn on_loaded(state: &mut State, request: u64, result: Result<Arc<IpRanges>, String>) {
    let Some(dialog) = state.ipsets.sync.as_mut() else {
        return;
    };
    if dialog.request != request {
        return;
    }
    match result {
        Ok(ranges) => {
            let chosen = |s: &str| match &dialog.remembered_services {
                Some(list) => list.iter().any(|r| r == s),
                None => DEFAULT_SERVICES.contains(&s),
            };
            dialog.services = ranges
                .services()
                .into_iter()
                .map(|s| (s.to_string(), chosen(s)))
                .collect();
            // Selected services first, so the defaults are in view.
            dialog.services.sort_by_key(|(_, on)| !*on);
            dialog.ranges = Some(ranges);
            dialog.step = SyncStep::Options;
            // On the targeted set's name: typing a new name replaces it.
            dialog.focus = dialog.index_of(dialog.start_field);
            dialog.replace_on_type = true;
            dialog.error = None;
        }
        Err(e) => {
            dialog.step = SyncStep::Source;
            dialog.error = Some(e);
        }
    }
}

/// Enter on the options: plan every target set, preview them together.
fn plan(state: &mut State) {
    let pane = &state.ipsets;
    let Some(dialog) = pane.sync.as_ref() else {
        return;
    };
    let Some(ranges) = dialog.ranges.clone() else {
        return;
    };
    let result = sync_change(pane, dialog, &ranges);
    match result {
        Err(e) => {
            if let Some(d) = state.ipsets.sync.as_mut() {
                d.error = Some(e);
            }
        }
        Ok(None) => {
            state.ipsets.sync = None;
            state.prompt = Prompt::None;
            state.notify(
                NotifyLevel::Info,
                format!(
                    "no change: the sets already match ip-ranges.json syncToken {}",
                    ranges.sync_token
                ),
            );
        }
        Ok(Some(combined)) => {
            let choices = dialog.choices();
            for name in [&choices.v4_set, &choices.v6_set] {
                if !name.is_empty() {
                    state
                        .ipsets
                        .sync_memory
                        .insert(name.clone(), choices.clone());
                }
            }
            state.ipsets.sync = None;
            state.prompt = Prompt::None;
            let id = state.pipeline.next_plan_id();
            state
                .pipeline
                .preview(ChangePlan::new(id, Change::Combined(Box::new(combined))));
        }
    }
}

/// The change that brings the named sets to the dialog's selection of `ranges`; `None`
/// when they already match.
fn sync_change(
    pane: &IpSetsPane,
    dialog: &SyncDialog,
    ranges: &IpRanges,
) -> Result<Option<CombinedChange>, String> {
    if pane.load != Load::Loaded {
        return Err("the IP sets of this scope are still loading".into());
    }
    let services: Vec<String> = dialog
        .services
        .iter()
        .filter(|(_, on)| *on)
        .map(|(s, _)| s.clone())
        .collect();
    if services.is_empty() {
        return Err("select at least one service (space)".into());
    }
    let regions: Vec<String> = dialog
        .regions
        .value()
        .split([',', ' '])
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let selected = ranges.select(&Selection {
        services: services.clone(),
        regions: regions.clone(),
    })?;
    let source = SyncSource {
        sync_token: ranges.sync_token.clone(),
        create_date: ranges.create_date.clone(),
    };
    let v4 = dialog.v4_set.value().trim();
    let v6 = dialog.v6_set.value().trim();
    if v4.is_empty() && v6.is_empty() {
        return Err("name the IPv4 set and/or the IPv6 set to sync".into());
    }
    let mut summary = vec![format!(
        "source {} · services {}{}",
        dialog
            .source
            .as_ref()
            .map(|s| s.describe())
            .unwrap_or_default(),
        services.join(","),
        if regions.is_empty() {
            String::new()
        } else {
            format!(" · regions {}", regions.join(","))
        }
    )];
    let mut steps = Vec::new();
    for (name, version, nets) in [
        (v4, IpVersion::V4, &selected.v4),
        (v6, IpVersion::V6, &selected.v6),
    ] {
        if name.is_empty() {
            continue;
        }
        let existing = pane
            .rows
            .iter()
            .find(|r| r.set.set.name == name)
            .map(|r| &r.set);
        let planned = plan_set_sync(
            existing,
            name,
            pane.scope,
            version,
            nets,
            dialog.aggregate,
            &source,
        )?;
        // The lists themselves are in each step's diff below.
        summary.extend(
            planned
                .report(&source)
                .into_iter()
                .filter(|l| !l.starts_with("  - ") && !l.starts_with("  + ")),
        );
        steps.extend(planned.change);
    }
    if steps.is_empty() {
        return Ok(None);
    }
    Ok(Some(CombinedChange {
        kind: CombinedKind::IpRangesSync,
        title: format!(
            "Sync {} IP set(s) ({}) from ip-ranges.json syncToken {} ({})",
            steps.len(),
            pane.scope,
            source.sync_token,
            source.create_date
        ),
        summary,
        steps,
    }))
}
