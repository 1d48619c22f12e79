//! The WAF IP sets pane: scope switch, the IP sets table (count vs the limit, referencing
//! web ACL rules), the addresses view with filter and containment search, and add /
//! remove edits that become `IpSetUpdate` plans for the change pipeline.

mod msg;
mod room;
pub use msg::{IpSetsMsg, IpSetsRead};
pub use room::{Room, reduce};
pub mod sync;

use crate::app::State;
use crate::app::action::{Action, NotifyLevel};
use crate::app::effect::{Effect, ReadRequest};
use crate::app::input::Prompt;
use crate::app::keys::{Key, KeyCode};
use crate::app::widgets::{Edit, TextInput};
use crate::domain::cidr;
use crate::domain::plan::{Change, ChangePlan};
use crate::domain::waf::{IpSet, IpSetCreate, RuleReference, WafScope, plan_delete, plan_edit};

/// One IP set with the rules that reference it.
#[derive(Debug, Clone, PartialEq)]
pub struct IpSetRow {
    pub set: IpSet,
    pub references: Vec<RuleReference>,
}

/// What the pane's text prompt is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Add,
    Remove,
    Filter,
    /// `NAME IPV4|IPV6 [description]` for a new set in the current scope.
    Create,
    /// The sync-from-ip-ranges dialog has the keyboard (see `ipsets_sync`).
    Sync,
    /// The path of a file of addresses to add.
    File,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Load {
    #[default]
    NotLoaded,
    Loading,
    Loaded,
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct IpSetsPane {
    pub scope: WafScope,
    pub load: Load,
    pub rows: Vec<IpSetRow>,
    pub cursor: usize,
    /// The set whose addresses are shown (index into `rows`).
    pub open: Option<usize>,
    pub addr_cursor: usize,
    /// Substring filter, or an address / CIDR to search for covering entries.
    pub filter: TextInput,
    /// Addresses being typed for an add / remove.
    pub input: TextInput,
    /// The sync-from-ip-ranges dialog, while open.
    pub sync: Option<crate::app::panes::ipsets::sync::SyncDialog>,
    /// `--ip-ranges FILE` from the command line: the sync dialog's default source.
    pub ip_ranges_path: Option<String>,
    /// The sync dialog's last choices, by target set name (this session).
    pub sync_memory:
        std::collections::BTreeMap<String, crate::app::panes::ipsets::sync::SyncChoices>,
    /// A set just created (an undo of a delete, a sync's new set): the cursor goes to it
    /// when the reload shows it.
    pub select_name: Option<String>,
    request: u64,
}

impl Default for IpSetsPane {
    fn default() -> Self {
        IpSetsPane {
            scope: WafScope::Regional,
            load: Load::NotLoaded,
            rows: Vec::new(),
            cursor: 0,
            open: None,
            addr_cursor: 0,
            filter: TextInput::default(),
            input: TextInput::default(),
            sync: None,
            ip_ranges_path: None,
            sync_memory: Default::default(),
            select_name: None,
            request: 0,
        }
    }
}

/// The addresses view's rows and, for a containment search, what it found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressView {
    pub rows: Vec<String>,
    pub note: Option<String>,
}

impl IpSetsPane {
    pub fn start_load(&mut self) -> Effect {
        self.request += 1;
        self.load = Load::Loading;
        Effect::Read(ReadRequest::IpSets(IpSetsRead::Sets {
            request: self.request,
            scope: self.scope,
        }))
    }

    pub fn on_loaded(&mut self, request: u64, result: Result<Vec<IpSetRow>, String>) -> bool {
        if request != self.request {
            return false;
        }
        match result {
            Ok(rows) => {
                // Keep the open set open across a reload (after an edit), by id.
                let open_id = self.open_row().map(|r| r.set.set.id.clone());
                let cursor_id = self.rows.get(self.cursor).map(|r| r.set.set.id.clone());
                self.rows = rows;
                self.open =
                    open_id.and_then(|id| self.rows.iter().position(|r| r.set.set.id == id));
                // The cursor stays on its set when rows come and go.
                self.cursor = cursor_id
                    .and_then(|id| self.rows.iter().position(|r| r.set.set.id == id))
                    .unwrap_or(self.cursor)
                    .min(self.rows.len().saturating_sub(1));
                if let Some(name) = self.select_name.take()
                    && let Some(at) = self.rows.iter().position(|r| r.set.set.name == name)
                {
                    self.cursor = at;
                }
                self.load = Load::Loaded;
                true
            }
            Err(e) => {
                self.load = Load::Failed(e);
                false
            }
        }
    }

    pub fn selected(&self) -> Option<&IpSetRow> {
        self.open_row().or_else(|| self.rows.get(self.cursor))
    }

    pub fn open_row(&self) -> Option<&IpSetRow> {
        self.open.and_then(|i| self.rows.get(i))
    }

    /// The open set's addresses, sorted as networks, after the filter or search.
    pub fn addresses(&self) -> AddressView {
        let Some(row) = self.open_row() else {
            return AddressView {
                rows: Vec::new(),
                note: None,
            };
        };
        let (nets, unparsed) = cidr::parse_stored(&row.set.addresses);
        let all: Vec<String> = cidr::to_strings(&nets)
            .into_iter()
            .chain(unparsed)
            .collect();
        let query = self.filter.value().trim();
        if query.is_empty() {
            return AddressView {
                rows: all,
                note: None,
            };
        }
        if let Ok(net) = cidr::parse(query, false) {
            let found = cidr::covering(&nets, &net);
            let note = if found.is_empty() {
                format!("{query} is not covered by any entry")
            } else {
                format!(
                    "{query} is covered by {}",
                    cidr::to_strings(&found).join(", ")
                )
            };
            return AddressView {
                rows: cidr::to_strings(&found),
                note: Some(note),
            };
        }
        AddressView {
            rows: all.into_iter().filter(|a| a.contains(query)).collect(),
            note: None,
        }
    }

    fn move_by(&mut self, delta: isize, len: usize) {
        let last = len.saturating_sub(1);
        let c = if self.open.is_some() {
            &mut self.addr_cursor
        } else {
            &mut self.cursor
        };
        *c = c.saturating_add_signed(delta).min(last);
    }

    fn len(&self) -> usize {
        if self.open.is_some() {
            self.addresses().rows.len()
        } else {
            self.rows.len()
        }
    }
}

pub(crate) fn handle(state: &mut State, action: Action) -> Vec<Effect> {
    let page = state.page_rows() as isize;
    let pane = &mut state.ipsets;
    let len = pane.len();
    match action {
        Action::MoveDown => pane.move_by(1, len),
        Action::MoveUp => pane.move_by(-1, len),
        Action::PageDown => pane.move_by(page, len),
        Action::PageUp => pane.move_by(-page, len),
        Action::Top => pane.move_by(isize::MIN / 2, len),
        Action::Bottom => pane.move_by(isize::MAX / 2, len),
        Action::Open if pane.open.is_none() && !pane.rows.is_empty() => {
            pane.open = Some(pane.cursor);
            pane.addr_cursor = 0;
            pane.filter.clear();
        }
        Action::Back => {
            pane.open = None;
            pane.filter.clear();
        }
        Action::Refresh => return vec![pane.start_load()],
        Action::SwitchScope => {
            pane.scope = pane.scope.toggled();
            pane.rows.clear();
            pane.open = None;
            pane.cursor = 0;
            return vec![pane.start_load()];
        }
        Action::Filter if pane.open.is_some() => state.prompt = Prompt::IpSets(InputKind::Filter),
        Action::Filter => state.notify(
            NotifyLevel::Info,
            "open a set (enter) to filter or search its addresses",
        ),
        Action::CreateIpSet => {
            pane.input.clear();
            state.prompt = Prompt::IpSets(InputKind::Create);
        }
        Action::SyncIpRanges | Action::AddAddressesFromFile | Action::DeleteIpSet
            if !matches!(state.pipeline.stage, crate::app::pipeline::Stage::Idle) =>
        {
            state.notify(NotifyLevel::Warning, "finish the current change first");
        }
        Action::SyncIpRanges => crate::app::panes::ipsets::sync::open(state),
        Action::DeleteIpSet => plan_deletion(state),
        Action::AddAddressesFromFile => {
            if pane.selected().is_none() {
                state.notify(NotifyLevel::Info, "no IP set selected");
                return Vec::new();
            }
            pane.input.clear();
            state.prompt = Prompt::IpSets(InputKind::File);
        }
        Action::AddAddresses | Action::RemoveAddresses => {
            if pane.selected().is_none() {
                state.notify(NotifyLevel::Info, "no IP set selected");
                return Vec::new();
            }
            let kind = if action == Action::AddAddresses {
                InputKind::Add
            } else {
                InputKind::Remove
            };
            let text = match kind {
                // Removing starts from the address under the cursor.
                InputKind::Remove if pane.open.is_some() => pane
                    .addresses()
                    .rows
                    .get(pane.addr_cursor)
                    .cloned()
                    .unwrap_or_default(),
                _ => String::new(),
            };
            pane.input.set(text);
            state.prompt = Prompt::IpSets(kind);
        }
        _ => state.dirty = false,
    }
    Vec::new()
}

/// Keys while the pane's prompt is open. Several addresses may be typed or pasted,
/// separated by spaces, commas or semicolons.
pub(crate) fn input_key(state: &mut State, kind: InputKind, key: Key) -> Vec<Effect> {
    if kind == InputKind::Sync {
        return crate::app::panes::ipsets::sync::key(state, key);
    }
    state.dirty = true;
    let pane = &mut state.ipsets;
    let text = if kind == InputKind::Filter {
        &mut pane.filter
    } else {
        &mut pane.input
    };
    match key.code {
        KeyCode::Esc => {
            text.clear();
            state.prompt = Prompt::None;
        }
        KeyCode::Enter => {
            state.prompt = Prompt::None;
            match kind {
                InputKind::Filter | InputKind::Sync => {}
                InputKind::Create => submit_create(state),
                InputKind::File => return read_file(state),
                InputKind::Add | InputKind::Remove => submit(state, kind),
            }
        }
        _ => match text.handle_key(key) {
            Edit::Changed if kind == InputKind::Filter => pane.addr_cursor = 0,
            Edit::Ignored => state.dirty = false,
            _ => {}
        },
    }
    Vec::new()
}

/// `NAME IPV4|IPV6 [description...]` -> a CreateIPSet preview, or what is wrong.
fn submit_create(state: &mut State) {
    let input = state.ipsets.input.value().trim().to_string();
    let mut words = input.split_whitespace();
    let (Some(name), Some(version)) = (words.next(), words.next()) else {
        state.notify(
            NotifyLevel::Error,
            "create: type NAME IPV4|IPV6 [description]",
        );
        return;
    };
    let description = words.collect::<Vec<_>>().join(" ");
    let name_ok = (1..=128).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let Some(version) = cidr::IpVersion::parse(&version.to_ascii_uppercase()) else {
        state.notify(
            NotifyLevel::Error,
            format!("create: {version:?} is not IPV4 or IPV6"),
        );
        return;
    };
    if !name_ok {
        state.notify(
            NotifyLevel::Error,
            format!("create: {name:?} is not a valid IP set name (1-128 of A-Z a-z 0-9 _ -)"),
        );
        return;
    }
    if !description.is_empty()
        && let Err(e) = crate::domain::waf::check_description(&description)
    {
        state.notify(NotifyLevel::Error, format!("create: {e}"));
        return;
    }
    if state.ipsets.rows.iter().any(|r| r.set.set.name == name) {
        state.notify(
            NotifyLevel::Error,
            format!(
                "create: {} already has an IP set {name}",
                state.ipsets.scope
            ),
        );
        return;
    }
    let create = IpSetCreate {
        scope: state.ipsets.scope,
        name: name.to_string(),
        version,
        description,
        addresses: Vec::new(),
    };
    let id = state.pipeline.next_plan_id();
    state
        .pipeline
        .preview(ChangePlan::new(id, Change::IpSetCreate(Box::new(create))));
}

fn submit(state: &mut State, kind: InputKind) {
    let items: Vec<String> = state
        .ipsets
        .input
        .value()
        .split([' ', ',', ';', '\n', '\t'])
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let Some(row) = state.ipsets.selected() else {
        return;
    };
    let (add, remove) = match kind {
        InputKind::Add => (items, Vec::new()),
        _ => (Vec::new(), items),
    };
    match plan_edit(&row.set, &add, &remove) {
        Ok((update, check)) => {
            for note in check.notes() {
                state.notify(NotifyLevel::Info, note);
            }
            let id = state.pipeline.next_plan_id();
            state
                .pipeline
                .preview(ChangePlan::new(id, Change::IpSetUpdate(Box::new(update))));
        }
        Err(problems) => state.notify(NotifyLevel::Error, problems.join("; ")),
    }
}

/// `D`: preview deleting the selected set, or say which rule keeps it (nothing sent).
fn plan_deletion(state: &mut State) {
    let Some(row) = state.ipsets.selected() else {
        state.notify(NotifyLevel::Info, "no IP set selected");
        return;
    };
    match plan_delete(&row.set, &row.references) {
        Ok(delete) => {
            let id = state.pipeline.next_plan_id();
            state
                .pipeline
                .preview(ChangePlan::new(id, Change::IpSetDelete(Box::new(delete))));
        }
        Err(refused) => state.notify(NotifyLevel::Error, refused),
    }
}

/// Enter on the file prompt: read the file (the runtime answers `AddressFileLoaded`).
fn read_file(state: &mut State) -> Vec<Effect> {
    let path = state.ipsets.input.value().trim().to_string();
    let Some(row) = state.ipsets.selected() else {
        return Vec::new();
    };
    if path.is_empty() {
        state.notify(NotifyLevel::Info, "no file given");
        return Vec::new();
    }
    vec![Effect::Read(ReadRequest::IpSets(IpSetsRead::AddressFile {
        set_id: row.set.set.id.clone(),
        path,
    }))]
}

/// The file of addresses arrived: every line checked (errors name file:line and nothing
/// is planned), then the same add as typed addresses.
pub(crate) fn file_loaded(
    state: &mut State,
    set_id: &str,
    path: &str,
    result: Result<String, String>,
) {
    let text = match result {
        Ok(t) => t,
        Err(e) => {
            state.notify(NotifyLevel::Error, e);
            return;
        }
    };
    let Some(row) = state.ipsets.rows.iter().find(|r| r.set.set.id == set_id) else {
        state.notify(NotifyLevel::Error, format!("{path}: the IP set is gone"));
        return;
    };
    let items = match crate::domain::address_file::parse_address_file(&text, path, row.set.version)
    {
        Ok(items) => items,
        Err(errors) => {
            let shown = errors.len().min(5);
            let mut message = format!("nothing added: {}", errors[..shown].join("; "));
            if errors.len() > shown {
                message.push_str(&format!("; and {} more", errors.len() - shown));
            }
            state.notify(NotifyLevel::Error, message);
            return;
        }
    };
    if !matches!(state.pipeline.stage, crate::app::pipeline::Stage::Idle) {
        state.notify(NotifyLevel::Warning, "finish the current change first");
        return;
    }
    match plan_edit(&row.set, &items, &[]) {
        Ok((update, check)) => {
            let notes = check.notes();
            let id = state.pipeline.next_plan_id();
            state
                .pipeline
                .preview(ChangePlan::new(id, Change::IpSetUpdate(Box::new(update))));
            for note in notes {
                state.notify(NotifyLevel::Info, note);
            }
        }
        Err(problems) => state.notify(
            NotifyLevel::Error,
            format!("{path}: {}", problems.join("; ")),
        ),
    }
}
