//! The one table of bindable actions: help group, whether it changes AWS, the footer label,
//! the help description, the keymap sections its default keys live in and the footers that
//! show it. The bindable list, `Action::is_mutating`, the help groups, the footers and the
//! `:` name completion are all derived from here; the default keys themselves are data in
//! `assets/keymap.toml`, and a test checks the two agree.
//!
//! `spec` is an exhaustive `match` with no wildcard: a new `Action` variant does not
//! compile until it has a row here (or is listed as internal).

use serde::Deserialize;
use serde::de::{self, Visitor};

use super::action::Action;
use super::keymap::Context;
use super::panes::PaneId;

/// The help overlay's groups, in the order it shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    Panes,
    Moving,
    Views,
    Triage,
    Changes,
}

impl Group {
    pub const ALL: [Group; 5] = [
        Group::Panes,
        Group::Moving,
        Group::Views,
        Group::Triage,
        Group::Changes,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Group::Panes => "Panes",
            Group::Moving => "Moving around",
            Group::Views => "Views",
            Group::Triage => "Triage",
            Group::Changes => "Changes",
        }
    }
}

/// One row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    pub group: Group,
    /// Leads to a change in AWS: absent from read-only keymaps and refused by `update`.
    pub mutating: bool,
    /// The short word after the key in footers ("w workflow").
    pub label: &'static str,
    /// One line for the help overlay.
    pub description: &'static str,
    /// The keymap sections that bind it by default (where it does something).
    pub sections: &'static [Context],
    /// The contexts whose footer shows it (when a key reaches it there).
    pub footer: Footer,
}

/// Where a footer shows an action: in some sections, or in every pane (so a new pane's
/// footer offers `? help` and `q quit` without a row changing here).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Footer {
    In(&'static [Context]),
    /// Every pane's own view.
    Panes,
    /// Every pane and the journal view.
    Rooms,
    /// Every pane, the journal view and the preview.
    Views,
}

impl Footer {
    pub fn shows_in(self, ctx: Context) -> bool {
        match self {
            Footer::In(contexts) => contexts.contains(&ctx),
            Footer::Panes => matches!(ctx, Context::Pane(_)),
            Footer::Rooms => matches!(ctx, Context::Pane(_) | Context::Journal),
            Footer::Views => matches!(ctx, Context::Pane(_) | Context::Journal | Context::Preview),
        }
    }
}

use Group::{Changes, Moving, Panes, Triage, Views};

// Short names keep each row of the table on one line.
#[allow(non_upper_case_globals)]
mod short {
    use super::Context;
    pub const Fi: Context = Context::Findings;
    pub const An: Context = Context::Analyzer;
    pub const Ip: Context = Context::IpSets;
    pub const Au: Context = Context::Audits;
    pub const Jo: Context = Context::Journal;
    pub const Gl: Context = Context::Global;
    pub const In: Context = Context::Input;
    pub const Pr: Context = Context::Preview;
}
use short::*;

const NONE: &[Context] = &[];
const GLOBAL: &[Context] = &[Gl];
const FINDINGS: &[Context] = &[Fi];
const ANALYZER: &[Context] = &[An];
const IPSETS: &[Context] = &[Ip];
const AUDITS: &[Context] = &[Au];
const PREVIEW: &[Context] = &[Pr];

const fn row(
    group: Group,
    mutating: bool,
    label: &'static str,
    description: &'static str,
    sections: &'static [Context],
    footer: Footer,
) -> Spec {
    Spec {
        group,
        mutating,
        label,
        description,
        sections,
        footer,
    }
}

const READS: bool = false;
const CHANGES: bool = true;

/// The row of a bindable action; `None` for internal actions (task results, key presses).
#[rustfmt::skip]
pub fn spec(action: &Action) -> Option<Spec> {
    use Action::*;
    let s = match action {
        ShowPane(pane) => row(Panes, READS, pane.label(), pane.description(), GLOBAL, Footer::In(NONE)),
        NextPane => row(Panes, READS, "next pane", "next pane", GLOBAL, Footer::In(NONE)),
        PrevPane => row(Panes, READS, "prev pane", "previous pane", GLOBAL, Footer::In(NONE)),
        MoveDown => row(Moving, READS, "down", "down (preview: scroll)", &[Gl, Pr], Footer::In(NONE)),
        MoveUp => row(Moving, READS, "up", "up (preview: scroll)", &[Gl, Pr], Footer::In(NONE)),
        PageDown => row(Moving, READS, "page down", "page down (preview: scroll a page)", &[Gl, Pr], Footer::In(NONE)),
        PageUp => row(Moving, READS, "page up", "page up (preview: scroll a page)", &[Gl, Pr], Footer::In(NONE)),
        Top => row(Moving, READS, "top", "first row", GLOBAL, Footer::In(NONE)),
        Bottom => row(Moving, READS, "bottom", "last row", GLOBAL, Footer::In(NONE)),
        ScrollLeft => row(Moving, READS, "left", "scroll left (detail: previous tab)", FINDINGS, Footer::In(NONE)),
        ScrollRight => row(Moving, READS, "right", "scroll right (detail: next tab)", FINDINGS, Footer::In(NONE)),
        Help => row(Views, READS, "help", "show / hide this help", GLOBAL, Footer::Views),
        CommandLine => row(Views, READS, "command", "command line (:findings, :theme NAME, :q ...)", GLOBAL, Footer::Rooms),
        Filter => row(Views, READS, "filter", "filter the loaded rows", &[Fi, An, Ip, Jo], Footer::In(&[Fi, Ip, Jo])),
        Open => row(Views, READS, "open", "open detail / choose", &[Gl, In], Footer::Panes),
        Back => row(Views, READS, "back", "back / close / cancel", &[Gl, In], Footer::In(&[Jo, Pr])),
        Refresh => row(Views, READS, "reload", "reload from AWS", GLOBAL, Footer::In(NONE)),
        ResumeLoad => row(Views, READS, "resume", "resume a failed load, else full fetch", FINDINGS, Footer::In(NONE)),
        ListSuppressions => row(Views, READS, "suppressions", "all suppressions, those expiring within 7 days highlighted", AUDITS, Footer::In(AUDITS)),
        SwitchScope => row(Views, READS, "scope", "switch scope REGIONAL / CLOUDFRONT", &[Ip, Pr], Footer::In(IPSETS)),
        Mark => row(Triage, READS, "mark", "mark / unmark the row", &[Fi, An, Au, Pr], Footer::In(&[An, Au])),
        EditFilter => row(Triage, READS, "edit filter", "edit the server-side filter (sev=HIGH status=NEW updated<7d)", FINDINGS, Footer::In(NONE)),
        SortNext => row(Triage, READS, "sort", "sort by the next column (server-side)", FINDINGS, Footer::In(NONE)),
        SortReverse => row(Triage, READS, "reverse", "reverse the sort order", FINDINGS, Footer::In(NONE)),
        MarkRange => row(Triage, READS, "mark range", "mark from the last marked row to here", FINDINGS, Footer::In(NONE)),
        MarkAll => row(Triage, READS, "mark all", "mark every row in view", FINDINGS, Footer::In(NONE)),
        ClearMarks => row(Triage, READS, "clear marks", "clear marks", FINDINGS, Footer::In(NONE)),
        MarkSameControl => row(Triage, READS, "same control", "mark every row in view with the selected finding's control", FINDINGS, Footer::In(NONE)),
        MarkSameResource => row(Triage, READS, "same resource", "mark every row in view on the selected finding's resource", FINDINGS, Footer::In(NONE)),
        MarkSameType => row(Triage, READS, "same type", "mark every row in view of the selected finding's type", FINDINGS, Footer::In(NONE)),
        ExportView => row(Triage, READS, "export", "export the view (or the marks) to a file: .jsonl .csv .json (ASFF)", FINDINGS, Footer::In(NONE)),
        CycleGroup => row(Triage, READS, "group", "group by control / resource / product / account / severity / type", FINDINGS, Footer::In(NONE)),
        Copy => row(Triage, READS, "copy", "copy the finding Id, or in the detail the top line (OSC 52)", FINDINGS, Footer::In(NONE)),
        OpenUrl => row(Triage, READS, "open url", "open the finding's SourceUrl / console page", FINDINGS, Footer::In(NONE)),
        SetWorkflow => row(Changes, CHANGES, "workflow", "set workflow status of marked / selected (preview, then approve)", FINDINGS, Footer::In(FINDINGS)),
        SetSeverity => row(Changes, CHANGES, "severity", "set severity of marked / selected (preview, then approve)", FINDINGS, Footer::In(NONE)),
        AddNote => row(Changes, CHANGES, "note", "add a note to marked / selected (preview, then approve)", FINDINGS, Footer::In(NONE)),
        EditFields => row(Changes, CHANGES, "fields", "set verification / confidence / criticality / user fields of marked / selected (previewed)", FINDINGS, Footer::In(NONE)),
        RetryFailed => row(Changes, CHANGES, "retry", "retry the items the last change could not update", &[Fi, Au], Footer::In(NONE)),
        BlockFromFinding => row(Changes, CHANGES, "block", "block the finding's remote IPs in a WAF IP set (marked: all), optionally NOTIFIED", FINDINGS, Footer::In(NONE)),
        CreateTicket => row(Changes, CHANGES, "ticket", "open a Jira / ServiceNow ticket per marked / selected OCSF finding", FINDINGS, Footer::In(NONE)),
        Remediate => row(Changes, CHANGES, "remediate", "deny the finding's external access in the role trust policy (previewed)", ANALYZER, Footer::In(ANALYZER)),
        Rollback => row(Changes, CHANGES, "roll back", "remove secdeck's Deny for the finding / remediation (previewed)", &[An, Jo], Footer::In(&[Jo])),
        Archive => row(Changes, CHANGES, "archive", "archive marked / selected findings (reason required)", ANALYZER, Footer::In(ANALYZER)),
        Unarchive => row(Changes, CHANGES, "unarchive", "unarchive marked / selected findings (reason required)", ANALYZER, Footer::In(NONE)),
        ArchiveSimilar => row(Changes, CHANGES, "archive similar", "archive rule from the selected finding (previewed)", ANALYZER, Footer::In(NONE)),
        Suppress => row(Changes, CHANGES, "suppress", "suppress the selected audit finding (expiry, description)", AUDITS, Footer::In(AUDITS)),
        Unsuppress => row(Changes, CHANGES, "unsuppress", "delete the selected audit finding's suppression", AUDITS, Footer::In(NONE)),
        Mitigate => row(Changes, CHANGES, "mitigate", "apply a mitigation action to the selected audit finding", AUDITS, Footer::In(AUDITS)),
        StartAudit => row(Changes, CHANGES, "start audit", "start an on-demand audit (pick the checks)", AUDITS, Footer::In(NONE)),
        ImportAudit => row(Changes, CHANGES, "import", "import the selected audit into Security Hub", AUDITS, Footer::In(NONE)),
        AddAddresses => row(Changes, CHANGES, "add", "add addresses to the IP set (previewed)", IPSETS, Footer::In(IPSETS)),
        RemoveAddresses => row(Changes, CHANGES, "remove", "remove addresses from the IP set (previewed)", IPSETS, Footer::In(IPSETS)),
        CreateIpSet => row(Changes, CHANGES, "create", "create an IP set: NAME IPV4|IPV6 [description] (previewed)", IPSETS, Footer::In(NONE)),
        DeleteIpSet => row(Changes, CHANGES, "delete", "delete the selected IP set if no rule uses it (previewed; undo re-creates it)", IPSETS, Footer::In(NONE)),
        SyncIpRanges => row(Changes, CHANGES, "sync", "sync IP sets from AWS ip-ranges.json (previewed)", IPSETS, Footer::In(NONE)),
        AddAddressesFromFile => row(Changes, CHANGES, "add from file", "add the addresses in a file, one per line (previewed)", IPSETS, Footer::In(NONE)),
        FinishInterrupted => row(Changes, CHANGES, "finish the rest", "interrupted change: finish what AWS does not hold yet (previewed)", PREVIEW, Footer::In(PREVIEW)),
        UndoInterrupted => row(Changes, CHANGES, "undo the applied part", "interrupted change: undo what AWS holds of it (previewed)", PREVIEW, Footer::In(PREVIEW)),
        MarkReviewed => row(Changes, CHANGES, "mark reviewed", "interrupted change: leave it as AWS holds it, journaled as reviewed", PREVIEW, Footer::In(PREVIEW)),
        Approve => row(Changes, CHANGES, "approve", "approve the previewed change", PREVIEW, Footer::In(PREVIEW)),
        ApproveOverride => row(Changes, CHANGES, "approve past guardrail", "approve a previewed change a guardrail refuses (journaled with the guardrail)", PREVIEW, Footer::In(PREVIEW)),
        Reject => row(Changes, READS, "reject", "reject the previewed change", PREVIEW, Footer::In(PREVIEW)),
        Undo => row(Changes, CHANGES, "undo", "undo the last change (previewed)", GLOBAL, Footer::In(NONE)),
        Quit => row(Views, READS, "quit", "quit", GLOBAL, Footer::Views),
        // Internal: task results, key presses, notifications, `:` arguments.
        SetGrouping(_)
        | Key(_)
        | Paste(_)
        | Mouse(_)
        | Resize { .. }
        | Tick
        | IdentityLoaded(_)
        | ChangeFinished { .. }
        | ThemeLoaded(_)
        | Interrupted(_)
        | Pane(_)
        | Notify { .. } => return None,
    };
    Some(s)
}

/// Every action a key can be bound to, in declaration order: showing each pane, then the
/// serde-named variants of `Action` (serde leaves the `#[serde(skip)]` ones out of its
/// variant list).
pub fn bindable() -> Vec<Action> {
    let show = PaneId::ALL.into_iter().map(Action::ShowPane);
    let named = serde_names().iter().filter_map(|name| parse_name(name));
    show.chain(named).filter(|a| spec(a).is_some()).collect()
}

/// Bindable actions in help order: by group, then declaration order.
pub fn in_help_order() -> Vec<Action> {
    let mut all = bindable();
    all.sort_by_key(|a| spec(a).map(|s| s.group));
    all
}

/// The names `:` completes to (`:refresh`, `:set_workflow`).
pub fn command_names() -> Vec<String> {
    bindable().iter().map(Action::name).collect()
}

/// The action a keymap or `:` names (`move_down`, `show_findings`).
pub fn parse_name(name: &str) -> Option<Action> {
    if let Some(pane) = PaneId::ALL.into_iter().find(|p| p.show_action() == name) {
        return Some(Action::ShowPane(pane));
    }
    serde_json::from_value(serde_json::Value::String(name.to_string())).ok()
}

/// The variant names serde knows for `Action`, read from its derived `Deserialize` (which
/// hands them to `deserialize_enum`), so the list cannot drift from the enum.
pub(crate) fn serde_names() -> &'static [&'static str] {
    struct Names;
    #[derive(Debug)]
    struct Found(&'static [&'static str]);
    impl std::fmt::Display for Found {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("variant names")
        }
    }
    impl std::error::Error for Found {}
    impl de::Error for Found {
        fn custom<T: std::fmt::Display>(_: T) -> Self {
            Found(&[])
        }
    }
    impl<'de> de::Deserializer<'de> for Names {
        type Error = Found;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Found> {
            Err(Found(&[]))
        }
        fn deserialize_enum<V: Visitor<'de>>(
            self,
            _: &'static str,
            variants: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Found> {
            Err(Found(variants))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map
            struct identifier ignored_any
        }
    }
    match Action::deserialize(Names) {
        Err(Found(names)) => names,
        Ok(_) => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_action_has_a_row_and_round_trips() {
        let show = PaneId::ALL.map(PaneId::show_action);
        let names: Vec<&str> = show.iter().chain(serde_names()).copied().collect();
        assert!(names.len() > 50, "{names:?}");
        for name in &names {
            let action = parse_name(name).unwrap_or_else(|| panic!("{name} does not parse"));
            let s = spec(&action).unwrap_or_else(|| panic!("{name} has no row in the table"));
            assert_eq!(&action.name(), name);
            assert!(!s.description.is_empty() && !s.label.is_empty(), "{name}");
            assert!(!s.sections.is_empty(), "{name} has no default section");
            for ctx in Context::all().filter(|c| s.footer.shows_in(*c)) {
                assert!(
                    s.sections.contains(&ctx) || s.sections.contains(&Context::Global),
                    "{name} is in the {ctx:?} footer but not bound there"
                );
            }
        }
        assert_eq!(bindable().len(), names.len());
    }

    #[test]
    fn internal_actions_have_no_row_and_no_name() {
        for a in [
            Action::Tick,
            Action::SetGrouping("x".into()),
            Action::Resize {
                width: 1,
                height: 1,
            },
        ] {
            assert!(spec(&a).is_none());
            assert!(!serde_names().contains(&a.name().as_str()));
        }
    }

    #[test]
    fn help_order_is_grouped() {
        let groups: Vec<Group> = in_help_order()
            .iter()
            .filter_map(spec)
            .map(|s| s.group)
            .collect();
        assert!(groups.windows(2).all(|w| w[0] <= w[1]));
    }
}
