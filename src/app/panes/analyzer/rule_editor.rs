//! "Archive similar" before it becomes a plan: the rule name, the criteria prefilled from
//! the finding (resource type, principal, account) and whether to apply the rule to the
//! existing findings, all editable, with the count of current ACTIVE findings it would
//! match recomputed on every edit. `y` hands the rule to the change pipeline's preview.

use crate::app::State;
use crate::app::action::NotifyLevel;
use crate::app::effect::Effect;
use crate::app::keys::{Key, KeyCode};
use crate::app::widgets::TextInput;
use crate::domain::analyzer::{AccessFinding, ArchiveRuleChange, Criteria, criteria_match};
use crate::domain::plan::{Change, ChangePlan};

/// The criteria keys a rule can use here (what ListFindingsV2 filters on).
pub const CRITERIA_KEYS: [&str; 11] = [
    "resourceType",
    "resource",
    "resourceOwnerAccount",
    "principal.AWS",
    "principal.Service",
    "principal.Federated",
    "isPublic",
    "action",
    "findingType",
    "condition.aws:SourceAccount",
    "condition.sts:ExternalId",
];

/// Which line of the editor a text edit goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Editing {
    Name,
    Criterion(usize),
    /// A new criterion typed as `KEY=VALUE[,VALUE...]`.
    New,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleEditor {
    pub analyzer_name: String,
    pub analyzer_arn: String,
    pub rule_name: String,
    pub criteria: Criteria,
    pub apply: bool,
    /// 0 = the name, 1..=n the criteria, n + 1 the apply switch.
    pub cursor: usize,
    /// The line being typed, and where it goes.
    pub editing: Option<(Editing, TextInput)>,
    pub error: Option<String>,
}

impl RuleEditor {
    pub fn new(analyzer_name: &str, analyzer_arn: &str, name: String, criteria: Criteria) -> Self {
        RuleEditor {
            analyzer_name: analyzer_name.to_string(),
            analyzer_arn: analyzer_arn.to_string(),
            rule_name: name,
            criteria,
            apply: true,
            cursor: 1,
            editing: None,
            error: None,
        }
    }

    /// How many of `findings` are ACTIVE and match every criterion now.
    pub fn matching(&self, findings: &[AccessFinding]) -> usize {
        if self.criteria.is_empty() {
            return 0;
        }
        findings
            .iter()
            .filter(|f| f.status == "ACTIVE" && criteria_match(f, &self.criteria))
            .count()
    }

    fn last_row(&self) -> usize {
        self.criteria.len() + 1
    }

    /// The plan for the pipeline, or why the rule cannot be created as it stands.
    pub fn change(&self, findings: &[AccessFinding]) -> Result<ArchiveRuleChange, String> {
        check_rule_name(&self.rule_name)?;
        if self.criteria.is_empty() {
            return Err(
                "a rule needs at least one criterion (a rule without any would archive every finding)"
                    .into(),
            );
        }
        Ok(ArchiveRuleChange {
            analyzer_name: self.analyzer_name.clone(),
            analyzer_arn: self.analyzer_arn.clone(),
            rule_name: self.rule_name.clone(),
            criteria: self.criteria.clone(),
            apply: self.apply,
            matching_now: self.matching(findings),
        })
    }

    /// Starts typing on the row under the cursor (the apply row toggles instead).
    fn edit_row(&mut self) {
        let n = self.criteria.len();
        self.editing = match self.cursor {
            0 => Some((Editing::Name, self.rule_name.as_str().into())),
            i if i <= n => Some((
                Editing::Criterion(i - 1),
                self.criteria[i - 1].1.join(", ").into(),
            )),
            _ => {
                self.apply = !self.apply;
                None
            }
        };
    }

    /// Enter on the typed line: applies it, or keeps it open with the reason.
    fn commit(&mut self) -> Result<(), String> {
        let Some((target, text)) = self.editing.clone() else {
            return Ok(());
        };
        let text = text.value();
        match target {
            Editing::Name => {
                check_rule_name(text.trim())?;
                self.rule_name = text.trim().to_string();
            }
            Editing::Criterion(i) => {
                let values = parse_values(text)?;
                if let Some(c) = self.criteria.get_mut(i) {
                    c.1 = values;
                }
            }
            Editing::New => {
                let (key, values) = text.split_once('=').ok_or_else(|| {
                    format!(
                        "type KEY=VALUE[,VALUE] (keys: {})",
                        CRITERIA_KEYS.join(", ")
                    )
                })?;
                let key = key.trim();
                if !CRITERIA_KEYS.contains(&key) {
                    return Err(format!(
                        "unknown criterion {key:?} (keys: {})",
                        CRITERIA_KEYS.join(", ")
                    ));
                }
                let values = parse_values(values)?;
                match self.criteria.iter_mut().find(|(k, _)| k == key) {
                    Some(c) => c.1 = values,
                    None => self.criteria.push((key.to_string(), values)),
                }
                self.cursor = 1 + self
                    .criteria
                    .iter()
                    .position(|(k, _)| k == key)
                    .unwrap_or(0);
            }
        }
        self.editing = None;
        Ok(())
    }
}

/// Access Analyzer rule names: 1-255 of letters, digits, `.`, `_`, `-`, starting with a
/// letter or digit.
pub fn check_rule_name(name: &str) -> Result<(), String> {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    if name.is_empty() || name.len() > 255 {
        return Err("the rule name must be 1 to 255 characters".into());
    }
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) || !name.chars().all(ok_char) {
        return Err(format!(
            "rule name {name:?}: letters, digits, '.', '_' and '-' only, starting with a letter or digit"
        ));
    }
    Ok(())
}

/// `a, b | c` -> [a, b, c]; an empty list is refused (`d` removes a criterion).
fn parse_values(text: &str) -> Result<Vec<String>, String> {
    let mut values: Vec<String> = Vec::new();
    for v in text
        .split([',', '|'])
        .map(str::trim)
        .filter(|v| !v.is_empty())
    {
        if !values.iter().any(|x| x == v) {
            values.push(v.to_string());
        }
    }
    if values.is_empty() {
        return Err("a criterion needs at least one value (d removes it)".into());
    }
    Ok(values)
}

/// Keys while the editor is open: it has the keyboard.
pub fn key(state: &mut State, key: Key) -> Vec<Effect> {
    let findings = state.analyzer.findings.clone();
    let Some(ed) = state.analyzer.rule_editor.as_mut() else {
        return Vec::new();
    };
    state.dirty = true;
    if let Some((_, text)) = ed.editing.as_mut() {
        match key.code {
            KeyCode::Esc => {
                ed.editing = None;
                ed.error = None;
            }
            KeyCode::Enter => ed.error = ed.commit().err(),
            _ => {
                if !text.handle_key(key).consumed() {
                    state.dirty = false;
                }
            }
        }
        return Vec::new();
    }
    ed.error = None;
    if key.ctrl && key.code == KeyCode::Char('c') {
        state.analyzer.rule_editor = None;
        return Vec::new();
    }
    match key.code {
        KeyCode::Char('j') | KeyCode::Down => ed.cursor = (ed.cursor + 1).min(ed.last_row()),
        KeyCode::Char('k') | KeyCode::Up => ed.cursor = ed.cursor.saturating_sub(1),
        KeyCode::Enter | KeyCode::Char('e') => ed.edit_row(),
        KeyCode::Char(' ') => ed.apply = !ed.apply,
        KeyCode::Char('a') | KeyCode::Char('+') => {
            ed.editing = Some((Editing::New, TextInput::default()));
        }
        KeyCode::Char('d') | KeyCode::Delete if (1..=ed.criteria.len()).contains(&ed.cursor) => {
            ed.criteria.remove(ed.cursor - 1);
            ed.cursor = ed.cursor.min(ed.last_row());
        }
        KeyCode::Char('y')
            if !matches!(state.pipeline.stage, crate::app::pipeline::Stage::Idle) =>
        {
            ed.error = Some("finish the current change first".into());
        }
        KeyCode::Char('y') => match ed.change(&findings) {
            Ok(change) => {
                state.analyzer.rule_editor = None;
                let id = state.pipeline.next_plan_id();
                state.pipeline.preview(ChangePlan::new(
                    id,
                    Change::ArchiveRuleCreate(Box::new(change)),
                ));
            }
            Err(e) => ed.error = Some(e),
        },
        KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('n') => {
            state.analyzer.rule_editor = None;
            state.notify(NotifyLevel::Info, "archive rule not created");
        }
        _ => state.dirty = false,
    }
    Vec::new()
}
