//! The `:` command line: editing, Tab completion (commands, then theme names) and
//! turning a finished line into actions or effects.

use super::action::{Action, NotifyLevel};
use super::effect::Effect;
use super::keymap::parse_action;
use super::keys::Key;
use super::panes::findings::group::GroupBy;
use super::widgets::{Edit, TextInput};
use crate::app::{PaneId, PaneMsg};
use crate::domain::filter_expr::complete_word;

/// The commands `:` understands, with their help text. Every bindable action name
/// (`:refresh`, `:set_workflow`) is accepted too.
pub const COMMANDS: &[(&str, &str)] = &[
    (
        "findings",
        "[EXPR | +TERM | -NAME]: findings filtered (sev=HIGH updated<7d); +TERM / -NAME refine the view (+control=EC2.8, -status, +iot)",
    ),
    (
        "reset",
        "back to the default view (state=ACTIVE status=NEW,NOTIFIED)",
    ),
    ("view", "NAME: a saved view ([[views]] in the config)"),
    (
        "source",
        "ocsf|asff: read findings through the new Security Hub (OCSF) or Security Hub CSPM (ASFF)",
    ),
    (
        "exposures",
        "the open exposure findings of the new Security Hub (OCSF): exposure=true status=New,in_progress",
    ),
    (
        "scope",
        "ou=ou-...[,org=o-...]: read OCSF findings in an organization scope (delegated administrator); alone: clear",
    ),
    (
        "group",
        "control|resource|product|account|severity|type|none (Access Analyzer: resource|principal|none): group the rows",
    ),
    (
        "analyzer",
        "[NAME]: Access Analyzer (NAME picks the analyzer)",
    ),
    (
        "archive",
        "REASON: archive marked / selected Access Analyzer findings",
    ),
    ("unarchive", "REASON: unarchive marked / selected findings"),
    (
        "archive-similar",
        "[RULE]: archive rule from the selected finding",
    ),
    ("rules", "archive rules of the analyzer"),
    (
        "where",
        "status=|type=|resource=|principal=|account=|public= filter findings (none clears)",
    ),
    ("delete-rule", "NAME: delete an archive rule"),
    (
        "journal",
        "[TEXT]: past changes from the journal, filtered by TEXT (X rolls back a remediation)",
    ),
    (
        "audits",
        "[WINDOW]: IoT Device Defender audits (WINDOW: 7d, 30d, 4w, up to 90d)",
    ),
    ("theme", "NAME: switch colour theme"),
    (
        "suppress",
        "DAYS|YYYY-MM-DD|forever DESCRIPTION: suppress the selected audit finding (or edit the selected suppression in L)",
    ),
    (
        "mitigate",
        "ACTION: apply a mitigation action to the marked / selected audit findings",
    ),
    (
        "audit",
        "CHECK[,CHECK...]: start an on-demand IoT audit of exactly these checks (Tab completes)",
    ),
    ("q", "quit"),
];

/// The `:` commands with their help line: `COMMANDS`, then each pane's own command
/// (`:ipsets`) unless `COMMANDS` describes it with its arguments.
pub fn help_entries() -> Vec<(String, String)> {
    let listed = |name: &str| COMMANDS.iter().any(|(c, _)| *c == name);
    let panes = PaneId::ALL
        .into_iter()
        .filter(|p| !listed(p.command()))
        .map(|p| (p.command().to_string(), p.description().to_string()));
    COMMANDS
        .iter()
        .map(|(c, d)| (c.to_string(), d.to_string()))
        .chain(panes)
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CommandLine {
    pub text: TextInput,
    /// Candidates for the word being completed, shown above the line.
    pub completions: Vec<String>,
    /// Which candidate the last Tab put in, when cycling.
    pub chosen: Option<usize>,
}

/// What the command line completes arguments from (the state knows them).
pub struct Words<'a> {
    pub themes: &'a [String],
    pub checks: &'a [String],
    pub views: &'a [String],
}

/// What a finished command line asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Run(Action),
    Effect(Effect),
    Error(NotifyLevel, String),
    Nothing,
}

/// The part of the line before the word Tab completes: the command and its space, and
/// for `:audit` the check names already chosen (up to the last comma).
fn arg_head(text: &str) -> String {
    match text.split_once(' ') {
        Some(("audit", _)) => match text.rfind(',') {
            Some(i) => text[..=i].to_string(),
            None => "audit ".to_string(),
        },
        // A filter expression: the word being completed is the last one.
        Some(("findings", _)) => text[..=text.rfind(' ').unwrap_or(0)].to_string(),
        Some((c, _)) => format!("{c} "),
        None => String::new(),
    }
}

fn common_prefix(words: &[String]) -> String {
    let Some(first) = words.first() else {
        return String::new();
    };
    let mut len = first.len();
    for w in &words[1..] {
        len = first
            .char_indices()
            .zip(w.chars())
            .take_while(|((_, a), b)| a == b)
            .last()
            .map_or(0, |((i, a), _)| i + a.len_utf8())
            .min(len);
    }
    first[..len].to_string()
}

impl CommandLine {
    /// A line prefilled with `text`, the cursor at its end.
    pub fn new(text: impl Into<String>) -> CommandLine {
        CommandLine {
            text: TextInput::new(text),
            ..CommandLine::default()
        }
    }

    /// An editing key; a changed line drops the completions of the old one.
    pub fn edit(&mut self, key: Key) -> Edit {
        let edit = self.text.handle_key(key);
        if edit == Edit::Changed {
            self.completions.clear();
            self.chosen = None;
        }
        edit
    }

    fn candidates(&self, words: &Words) -> (String, Vec<String>) {
        let text = self.text.value();
        let starting = |names: &mut dyn Iterator<Item = String>, arg: &str| -> Vec<String> {
            names.filter(|n| n.starts_with(arg.trim_start())).collect()
        };
        match text.split_once(' ') {
            Some(("audit", _)) => {
                // Completes the last comma-separated check name.
                let head = arg_head(text);
                let word = &text[head.len()..];
                let c = starting(&mut words.checks.iter().cloned(), word);
                (head, c)
            }
            Some(("findings", _)) => {
                let head = arg_head(text);
                (head.clone(), complete_word(&text[head.len()..]))
            }
            Some(("view", arg)) => {
                let c = starting(&mut words.views.iter().cloned(), arg);
                ("view ".to_string(), c)
            }
            Some(("group", arg)) => {
                let names = GroupBy::ALL.iter().map(|g| g.name()).chain(["none"]);
                let c = starting(&mut names.map(String::from), arg);
                ("group ".to_string(), c)
            }
            Some(("theme", arg)) => {
                let c = starting(&mut words.themes.iter().cloned(), arg);
                ("theme ".to_string(), c)
            }
            Some(_) => (String::new(), Vec::new()),
            None => {
                let names = help_entries()
                    .into_iter()
                    .map(|(c, _)| c)
                    .chain(super::actions::command_names());
                let mut c: Vec<String> = Vec::new();
                for n in names.filter(|n| n.starts_with(text)) {
                    if !c.contains(&n) {
                        c.push(n);
                    }
                }
                (String::new(), c)
            }
        }
    }

    /// Tab: complete to the longest common prefix; when that adds nothing, cycle through
    /// the candidates.
    pub fn complete(&mut self, theme_names: &[String]) {
        self.complete_with(theme_names, &[]);
    }

    /// Tab with theme and `:audit` check names only.
    pub fn complete_with(&mut self, theme_names: &[String], check_names: &[String]) {
        self.complete_from(&Words {
            themes: theme_names,
            checks: check_names,
            views: &[],
        });
    }

    /// Tab: command names, then each command's arguments (`:findings` filter names and
    /// values, `:view` names, `:group` keys, `:theme` names, `:audit` checks). Completion
    /// works on the whole line and leaves the cursor at its end.
    pub fn complete_from(&mut self, words: &Words) {
        if let (Some(i), false) = (self.chosen, self.completions.is_empty()) {
            let next = (i + 1) % self.completions.len();
            let head = arg_head(self.text.value());
            self.text.set(format!("{head}{}", self.completions[next]));
            self.chosen = Some(next);
            return;
        }
        let (head, cands) = self.candidates(words);
        let len = self.text.value().len();
        let word_len = len - head.len().min(len);
        match cands.len() {
            0 => self.completions.clear(),
            1 => {
                // Commands that need an argument get the space before it.
                let takes_arg = head.is_empty()
                    && ["theme", "view", "group", "audit"].contains(&cands[0].as_str());
                let space = if takes_arg { " " } else { "" };
                self.text.set(format!("{head}{}{space}", cands[0]));
                self.completions.clear();
            }
            _ => {
                let prefix = common_prefix(&cands);
                if prefix.len() > word_len {
                    self.text.set(format!("{head}{prefix}"));
                } else {
                    self.text.set(format!("{head}{}", cands[0]));
                    self.chosen = Some(0);
                }
                self.completions = cands;
            }
        }
    }

    /// Parses the finished line.
    pub fn parse(&self) -> Command {
        let line = self.text.value().trim();
        let (cmd, arg) = line
            .split_once(char::is_whitespace)
            .map_or((line, ""), |(c, a)| (c, a.trim()));
        // `:findings`, `:ipsets`, ...: a pane's command alone shows it.
        if let Some(pane) = PaneId::ALL.into_iter().find(|p| p.command() == cmd)
            && arg.is_empty()
        {
            return Command::Run(Action::ShowPane(pane));
        }
        match cmd {
            "" => Command::Nothing,
            "findings" => Command::Run(Action::Pane(PaneMsg::Findings(
                crate::app::FindingsMsg::ApplyFilter(arg.to_string()),
            ))),
            "reset" => Command::Run(Action::Pane(PaneMsg::Findings(
                crate::app::FindingsMsg::ApplyFilter(
                    crate::domain::filter_expr::FilterExpr::default_view().to_string(),
                ),
            ))),
            "view" if arg.is_empty() => Command::Error(
                NotifyLevel::Error,
                "usage: :view NAME (views are [[views]] in the config file)".into(),
            ),
            "view" => Command::Run(Action::Pane(PaneMsg::Findings(
                crate::app::FindingsMsg::ShowView(arg.to_string()),
            ))),
            "source" => source_command(arg),
            "exposures" => Command::Run(Action::Pane(PaneMsg::Findings(
                crate::app::FindingsMsg::ShowExposures,
            ))),
            "scope" => match crate::domain::org_scope::OrgScope::parse(arg) {
                Ok(scope) => Command::Run(Action::Pane(PaneMsg::Findings(
                    crate::app::FindingsMsg::SetScope(scope),
                ))),
                Err(e) => Command::Error(NotifyLevel::Error, format!(":scope not set: {e}")),
            },
            "group" => Command::Run(Action::SetGrouping(arg.to_string())),
            "sync" if arg == "full" => Command::Run(Action::Pane(PaneMsg::Findings(
                crate::app::FindingsMsg::SyncFull,
            ))),
            "sync" => Command::Error(
                NotifyLevel::Error,
                "usage: :sync full (fetch the findings view in full)".into(),
            ),
            "analyzer" => Command::Run(Action::Pane(PaneMsg::Analyzer(
                crate::app::AnalyzerMsg::Select(arg.to_string()),
            ))),
            "archive" | "unarchive" if arg.is_empty() => Command::Error(
                NotifyLevel::Warning,
                format!(":{cmd} needs a reason, e.g. :{cmd} accepted risk, ticket SEC-42"),
            ),
            "archive" | "unarchive" => Command::Run(Action::Pane(PaneMsg::Analyzer(
                crate::app::AnalyzerMsg::ArchiveWithReason {
                    archive: cmd == "archive",
                    reason: arg.to_string(),
                },
            ))),
            "archive-similar" => Command::Run(Action::Pane(PaneMsg::Analyzer(
                crate::app::AnalyzerMsg::ArchiveSimilarNamed(
                    (!arg.is_empty()).then(|| arg.to_string()),
                ),
            ))),
            "rules" => Command::Run(Action::Pane(PaneMsg::Analyzer(
                crate::app::AnalyzerMsg::ShowArchiveRules,
            ))),
            "where" => Command::Run(Action::Pane(PaneMsg::Analyzer(
                crate::app::AnalyzerMsg::Where(arg.to_string()),
            ))),
            "delete-rule" if arg.is_empty() => Command::Error(
                NotifyLevel::Warning,
                ":delete-rule needs the rule name".to_string(),
            ),
            "delete-rule" => Command::Run(Action::Pane(PaneMsg::Analyzer(
                crate::app::AnalyzerMsg::DeleteArchiveRule(arg.to_string()),
            ))),
            "journal" => Command::Run(Action::Pane(PaneMsg::Journal(
                crate::app::JournalMsg::Show(arg.to_string()),
            ))),
            "help" => Command::Run(Action::Help),
            "q" | "quit" => Command::Run(Action::Quit),
            "theme" if arg.is_empty() => Command::Error(
                NotifyLevel::Error,
                "usage: :theme NAME (Tab completes the names)".into(),
            ),
            "theme" => Command::Effect(Effect::LoadTheme(arg.to_string())),
            "suppress" | "mitigate" | "audits" | "audit" => {
                match crate::app::panes::audits::AuditsMsg::parse_command(cmd, arg) {
                    Some(Ok(a)) => Command::Run(Action::Pane(PaneMsg::Audits(Box::new(a)))),
                    Some(Err(e)) => Command::Error(NotifyLevel::Error, e),
                    None => Command::Nothing,
                }
            }
            other => match parse_action(other) {
                Ok(action) => Command::Run(action),
                Err(_) => Command::Error(
                    NotifyLevel::Error,
                    format!("unknown command :{other} (try :help)"),
                ),
            },
        }
    }
}

/// `:source ocsf|asff`.
fn source_command(arg: &str) -> Command {
    use crate::domain::findings_api::ApiInUse;
    let api = match arg.to_ascii_lowercase().as_str() {
        "ocsf" => ApiInUse::Ocsf,
        "asff" => ApiInUse::Asff,
        _ => {
            return Command::Error(
                NotifyLevel::Error,
                "usage: :source ocsf|asff (OCSF: the new Security Hub; ASFF: Security Hub CSPM)"
                    .into(),
            );
        }
    };
    Command::Run(Action::Pane(PaneMsg::Findings(
        crate::app::FindingsMsg::SwitchSource(api),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn themes() -> Vec<String> {
        ["default", "light", "high-contrast"]
            .map(String::from)
            .to_vec()
    }

    fn typed(s: &str) -> CommandLine {
        CommandLine {
            text: s.into(),
            ..CommandLine::default()
        }
    }

    #[test]
    fn tab_completes_audit_check_names_after_a_comma() {
        let checks = [
            "CA_CERTIFICATE_EXPIRING_CHECK",
            "LOGGING_DISABLED_CHECK",
            "LOGGING_X",
        ]
        .map(String::from)
        .to_vec();
        let mut c = CommandLine {
            text: "audit CA".into(),
            ..Default::default()
        };
        c.complete_with(&themes(), &checks);
        assert_eq!(c.text, "audit CA_CERTIFICATE_EXPIRING_CHECK");
        c.text.insert_str(",LOG");
        c.complete_with(&themes(), &checks);
        assert_eq!(c.text, "audit CA_CERTIFICATE_EXPIRING_CHECK,LOGGING_");
        c.complete_with(&themes(), &checks);
        c.complete_with(&themes(), &checks);
        assert_eq!(
            c.text, "audit CA_CERTIFICATE_EXPIRING_CHECK,LOGGING_X",
            "cycling keeps the checks already chosen"
        );
    }

    #[test]
    fn tab_completes_a_unique_command_and_adds_a_space_for_arguments() {
        let mut c = typed("th");
        c.complete(&themes());
        assert_eq!(c.text, "theme ");
        c.edit(Key::char('h'));
        c.complete(&themes());
        assert_eq!(c.text, "theme high-contrast");
    }

    #[test]
    fn tab_completes_filter_names_and_values_views_and_group_keys() {
        let views = ["crit".to_string(), "critical-new".to_string()];
        let words = Words {
            themes: &[],
            checks: &[],
            views: &views,
        };
        let mut c = typed("findings status=NEW cont");
        c.complete_from(&words);
        assert_eq!(c.text, "findings status=NEW control");
        c.text.insert_str("=EC2.8 sev=CRITICAL,h");
        c.complete_from(&words);
        assert_eq!(
            c.text,
            "findings status=NEW control=EC2.8 sev=CRITICAL,HIGH"
        );
        let mut c = typed("view cr");
        c.complete_from(&words);
        assert_eq!(c.text, "view crit", "the common prefix first");
        assert_eq!(c.completions, views);
        let mut c = typed("gr");
        c.complete_from(&words);
        assert_eq!(c.text, "group ");
        c.text.insert_str("res");
        c.complete_from(&words);
        assert_eq!(c.text, "group resource");
    }

    #[test]
    fn ambiguous_prefixes_list_candidates_then_cycle() {
        let mut c = typed("theme ");
        c.complete(&themes());
        assert_eq!(c.completions, themes());
        assert_eq!(c.text, "theme default");
        c.complete(&themes());
        assert_eq!(c.text, "theme light");
    }

    #[test]
    fn unknown_commands_are_named() {
        assert_eq!(
            typed("frobnicate now").parse(),
            Command::Error(
                NotifyLevel::Error,
                "unknown command :frobnicate (try :help)".into()
            )
        );
        assert_eq!(typed("quit").parse(), Command::Run(Action::Quit));
        assert_eq!(typed("refresh").parse(), Command::Run(Action::Refresh));
    }
}
