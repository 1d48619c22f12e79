//! `E` (edit_fields): the small form for the BatchUpdateFindings fields that have no key
//! of their own (verification state, confidence, criticality, user-defined fields) on
//! the marked or selected findings. Blank means "leave as it is"; enter builds a
//! `FindingsUpdate` plan through the same preview / approve / verify / undo pipeline as
//! workflow and severity.

use std::collections::BTreeMap;

use crate::app::State;
use crate::app::effect::Effect;
use crate::app::keys::{Key, KeyCode};
use crate::app::panes::findings::bulk::{Target, TriageStage, propose};
use crate::app::pipeline::Stage;
use crate::app::widgets::{Edit, TextInput};
use crate::domain::triage::{MAX_USER_FIELDS, TriageFields, VerificationState};

/// The form's rows, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormField {
    Verification,
    Confidence,
    Criticality,
    UserFields,
}

impl FormField {
    pub const ALL: [FormField; 4] = [
        FormField::Verification,
        FormField::Confidence,
        FormField::Criticality,
        FormField::UserFields,
    ];

    pub fn label(self) -> &'static str {
        match self {
            FormField::Verification => "Verification",
            FormField::Confidence => "Confidence",
            FormField::Criticality => "Criticality",
            FormField::UserFields => "User fields",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct FieldsForm {
    pub targets: Vec<Target>,
    pub focus: FormField,
    /// `None`: leave the verification state as it is.
    pub verification: Option<VerificationState>,
    pub confidence: TextInput,
    pub criticality: TextInput,
    /// `name=value; other=; -gone` (an empty value or a leading `-` removes the field).
    pub user_fields: TextInput,
    pub error: Option<String>,
}

impl FieldsForm {
    pub fn new(targets: Vec<Target>) -> FieldsForm {
        FieldsForm {
            targets,
            focus: FormField::Verification,
            verification: None,
            confidence: TextInput::default(),
            criticality: TextInput::default(),
            user_fields: TextInput::default(),
            error: None,
        }
    }

    /// What the targets hold now for `field`, for the hint next to it: the shared value,
    /// `varies`, or `none`.
    pub fn current(&self, field: FormField) -> String {
        let show = |t: &Target| -> String {
            let b = &t.before;
            match field {
                FormField::Verification => b.verification.map(|v| v.to_string()),
                FormField::Confidence => b.confidence.map(|c| c.to_string()),
                FormField::Criticality => b.criticality.map(|c| c.to_string()),
                FormField::UserFields => (!b.user_fields.is_empty()).then(|| {
                    b.user_fields
                        .iter()
                        .map(|(k, v)| format!("{k}={}", v.as_deref().unwrap_or_default()))
                        .collect::<Vec<_>>()
                        .join("; ")
                }),
            }
            .unwrap_or_else(|| "none".to_string())
        };
        let mut values = self.targets.iter().map(show);
        let first = values.next().unwrap_or_else(|| "none".to_string());
        if values.all(|v| v == first) {
            first
        } else {
            "varies".to_string()
        }
    }

    /// The change the form describes, or what is wrong with it (naming the field).
    pub fn to_fields(&self) -> Result<TriageFields, String> {
        let after = TriageFields {
            verification: self.verification,
            confidence: percent(self.confidence.value(), "confidence")?,
            criticality: percent(self.criticality.value(), "criticality")?,
            user_fields: parse_user_fields(self.user_fields.value())?,
            ..TriageFields::default()
        };
        if after.is_empty() {
            return Err("nothing entered: fill in at least one field".to_string());
        }
        for t in &self.targets {
            let mut names: Vec<&String> = t
                .before
                .user_fields
                .iter()
                .filter(|(_, v)| v.is_some())
                .map(|(k, _)| k)
                .collect();
            for (k, v) in &after.user_fields {
                names.retain(|n| *n != k);
                if v.is_some() {
                    names.push(k);
                }
            }
            if names.len() > MAX_USER_FIELDS {
                return Err(format!(
                    "user fields: {} would have {} fields; Security Hub keeps at most {MAX_USER_FIELDS}",
                    t.title,
                    names.len()
                ));
            }
        }
        Ok(after)
    }

    /// The text field of `field` (the verification state is a choice, not text).
    pub fn input(&self, field: FormField) -> Option<&TextInput> {
        match field {
            FormField::Verification => None,
            FormField::Confidence => Some(&self.confidence),
            FormField::Criticality => Some(&self.criticality),
            FormField::UserFields => Some(&self.user_fields),
        }
    }

    fn text_mut(&mut self) -> Option<&mut TextInput> {
        match self.focus {
            FormField::Verification => None,
            FormField::Confidence => Some(&mut self.confidence),
            FormField::Criticality => Some(&mut self.criticality),
            FormField::UserFields => Some(&mut self.user_fields),
        }
    }

    fn move_focus(&mut self, step: isize) {
        let all = FormField::ALL;
        let i = all.iter().position(|f| *f == self.focus).unwrap_or(0) as isize;
        let n = all.len() as isize;
        self.focus = all[((i + step).rem_euclid(n)) as usize];
    }

    /// Cycles (unchanged) -> UNKNOWN -> TRUE_POSITIVE -> ... -> (unchanged).
    fn cycle_verification(&mut self, step: isize) {
        let mut choices: Vec<Option<VerificationState>> = vec![None];
        choices.extend(VerificationState::ALL.map(Some));
        let i = choices
            .iter()
            .position(|c| *c == self.verification)
            .unwrap_or(0) as isize;
        let n = choices.len() as isize;
        self.verification = choices[((i + step).rem_euclid(n)) as usize];
    }
}

/// A 0-100 integer, or `None` when left blank.
fn percent(text: &str, name: &str) -> Result<Option<u8>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<u8>() {
        Ok(n) if n <= 100 => Ok(Some(n)),
        _ => Err(format!(
            "{name}: {text:?} is not a whole number from 0 to 100"
        )),
    }
}

/// `name=value; name2=; -name3`: set, remove, remove. Later entries win.
pub fn parse_user_fields(text: &str) -> Result<BTreeMap<String, Option<String>>, String> {
    let mut out = BTreeMap::new();
    for entry in text
        .split([';', '\n'])
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        let (name, value) = match (entry.strip_prefix('-'), entry.split_once('=')) {
            (_, Some((name, value))) => (name.trim(), Some(value.trim())),
            (Some(name), None) => (name.trim(), None),
            (None, None) => {
                return Err(format!(
                    "user fields: {entry:?} is not name=value (name= or -name removes it)"
                ));
            }
        };
        if name.is_empty() {
            return Err(format!("user fields: {entry:?} has no name"));
        }
        let value = value.filter(|v| !v.is_empty()).map(str::to_string);
        out.insert(name.to_string(), value);
    }
    if out.len() > MAX_USER_FIELDS {
        return Err(format!(
            "user fields: {} entries; Security Hub keeps at most {MAX_USER_FIELDS}",
            out.len()
        ));
    }
    Ok(out)
}

/// `E`: opens the form for the marked / selected findings.
pub(crate) fn open(state: &mut State, targets: Vec<Target>) {
    state.pipeline.stage = Stage::Triage(TriageStage::Fields(Box::new(FieldsForm::new(targets))));
}

/// Keys while the form is open: tab / up / down move between rows, left / right / space
/// choose the verification state, text goes to the focused row, enter previews, esc cancels.
pub(crate) fn form_key(state: &mut State, key: Key) -> Vec<Effect> {
    let Stage::Triage(TriageStage::Fields(form)) = &mut state.pipeline.stage else {
        return Vec::new();
    };
    state.dirty = true;
    match key.code {
        KeyCode::Esc => state.pipeline.stage = Stage::Idle,
        KeyCode::Tab | KeyCode::Down => form.move_focus(1),
        KeyCode::BackTab | KeyCode::Up => form.move_focus(-1),
        KeyCode::Enter => match form.to_fields() {
            Ok(after) => {
                let targets = std::mem::take(&mut form.targets);
                propose(state, &targets, after);
            }
            Err(e) => form.error = Some(e),
        },
        KeyCode::Right | KeyCode::Char(' ') if form.focus == FormField::Verification => {
            form.cycle_verification(1);
            form.error = None;
        }
        KeyCode::Left if form.focus == FormField::Verification => {
            form.cycle_verification(-1);
            form.error = None;
        }
        _ => match form.text_mut().map(|text| text.handle_key(key)) {
            Some(Edit::Changed) => form.error = None,
            Some(Edit::Moved | Edit::Unchanged) => {}
            Some(Edit::Ignored) | None => state.dirty = false,
        },
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_fields_set_and_remove() {
        let parsed = parse_user_fields("owner = alice; ticket=SEC-1 ;stale=; -old").unwrap();
        let pairs: Vec<(&str, Option<&str>)> = parsed
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_deref()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("old", None),
                ("owner", Some("alice")),
                ("stale", None),
                ("ticket", Some("SEC-1"))
            ]
        );
        let err = parse_user_fields("owner alice").unwrap_err();
        assert!(err.contains("\"owner alice\" is not name=value"), "{err}");
    }

    #[test]
    fn confidence_out_of_range_names_the_field_and_blank_means_unchanged() {
        let mut form = FieldsForm::new(Vec::new());
        form.confidence = "101".into();
        assert_eq!(
            form.to_fields().unwrap_err(),
            "confidence: \"101\" is not a whole number from 0 to 100"
        );
        form.confidence.clear();
        assert!(form.to_fields().unwrap_err().starts_with("nothing entered"));
        form.criticality = "75".into();
        let after = form.to_fields().unwrap();
        assert_eq!((after.confidence, after.criticality), (None, Some(75)));
    }
}
