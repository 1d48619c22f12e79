//! Marks and bulk triage: which findings a change targets (the marked ones, else the
//! selected one), the workflow / severity pickers and the note editor that turn them into
//! a `FindingsUpdate` plan for the pipeline, and what happens after it ran (rows updated,
//! marks cleared, failures kept for retry). SUPPRESSED and RESOLVED require a note.

use std::collections::BTreeMap;

use crate::app::State;
use crate::app::action::{Action, NotifyLevel};
use crate::app::effect::Effect;
use crate::app::keys::{Key, KeyCode};
use crate::app::panes::findings::FindingsPane;
use crate::app::pipeline::Stage;
use crate::app::widgets::{Edit, TextInput};
use crate::domain::finding::{Finding, FindingRef, Severity, WorkflowStatus};
use crate::domain::ocsf_finding::is_ocsf;
use crate::domain::ocsf_triage::OcsfTriage;
use crate::domain::plan::{
    Change, ChangeOutcome, ChangePlan, FindingEdit, FindingsUpdate, TriageFields,
};

/// Security Hub's Note.Text limit.
pub const MAX_NOTE_CHARS: usize = 512;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkField {
    Workflow,
    Severity,
    /// OCSF `status_id` (BatchUpdateFindingsV2), on OCSF rows.
    OcsfStatus,
    /// OCSF `severity_id`, on OCSF rows.
    OcsfSeverity,
}

impl BulkField {
    pub fn choices(self) -> Vec<&'static str> {
        use crate::domain::ocsf_triage::{SEVERITIES, STATUSES};
        match self {
            BulkField::Workflow => WorkflowStatus::ALL.iter().map(|w| w.as_str()).collect(),
            BulkField::Severity => Severity::ALL.iter().map(|s| s.as_str()).collect(),
            BulkField::OcsfStatus => STATUSES.iter().map(|(_, c)| *c).collect(),
            BulkField::OcsfSeverity => SEVERITIES.iter().map(|(_, c)| *c).collect(),
        }
    }

    /// The picker's field for `action` on these rows (OCSF rows pick OCSF values).
    fn of(action: &Action, ocsf: bool) -> BulkField {
        match (action == &Action::SetWorkflow, ocsf) {
            (true, false) => BulkField::Workflow,
            (false, false) => BulkField::Severity,
            (true, true) => BulkField::OcsfStatus,
            (false, true) => BulkField::OcsfSeverity,
        }
    }

    /// The target's value of this field, as the picker names it.
    fn current(self, t: &Target) -> Option<String> {
        use crate::domain::ocsf_triage::{severity_caption, status_caption};
        let ocsf = t.ocsf.as_ref();
        match self {
            BulkField::Workflow => t.before.workflow.map(|w| w.as_str().to_string()),
            BulkField::Severity => t.before.severity.map(|s| s.as_str().to_string()),
            BulkField::OcsfStatus => ocsf.and_then(|o| o.status_id).map(status_caption),
            BulkField::OcsfSeverity => ocsf.and_then(|o| o.severity_id).map(severity_caption),
        }
    }
}

/// One finding a change will touch, with its current triage values.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub finding: FindingRef,
    pub title: String,
    /// The resource's short name and account, shown in the preview.
    pub resource: String,
    pub before: TriageFields,
    /// An OCSF row's status, severity and comment (its change is BatchUpdateFindingsV2,
    /// addressed by the row's id, `metadata.uid`); `None` on ASFF rows.
    pub ocsf: Option<OcsfTriage>,
}

impl Target {
    pub(crate) fn of(f: &Finding) -> Target {
        let doc = f.raw.value();
        Target {
            finding: f.reference(),
            title: f.title.clone(),
            resource: short_resource(f),
            before: TriageFields::of_finding(f),
            ocsf: is_ocsf(&doc).then(|| OcsfTriage::of_ocsf(&doc)),
        }
    }
}

/// `user/alice in 123456789012`: the ARN's last part (the one that differs between the
/// findings of one control) and the account.
pub fn short_resource(f: &Finding) -> String {
    let name = f.resource_id.rsplit(':').next().unwrap_or_default();
    match (name.is_empty(), f.account_id.is_empty()) {
        (true, _) => String::new(),
        (false, true) => name.to_string(),
        (false, false) => format!("{name} in {}", f.account_id),
    }
}

/// The triage modals (the pipeline's `Stage::Triage`).
#[derive(Debug, Clone, PartialEq)]
pub enum TriageStage {
    Pick {
        field: BulkField,
        targets: Vec<Target>,
        cursor: usize,
    },
    /// The note editor; `workflow` is the status the note goes with, if any.
    Note {
        targets: Vec<Target>,
        workflow: Option<WorkflowStatus>,
        text: TextInput,
        error: Option<String>,
    },
    /// `E`: verification state, confidence, criticality and user-defined fields.
    Fields(Box<crate::app::panes::findings::fields::FieldsForm>),
}

impl FindingsPane {
    pub fn is_marked(&self, f: &Finding) -> bool {
        self.marks.contains(&f.id)
    }

    /// Space: toggles the selected row's mark and moves down, so space space space marks a run.
    pub fn toggle_mark(&mut self, page: usize) {
        let Some(id) = self.selected_finding().map(|f| f.id.clone()) else {
            return;
        };
        if !self.marks.remove(&id) {
            self.marks.insert(id.clone());
            let selected = self.selected_finding().cloned();
            if let (Some(w), Some(f)) = (&mut self.window, selected) {
                w.marked.insert(id, f);
            }
        }
        self.mark_anchor = Some(self.selected);
        self.move_by(1, page);
    }

    /// Marks every visible row between the last toggled row and the selection.
    pub fn mark_range(&mut self) {
        let from = self.mark_anchor.unwrap_or(self.selected);
        let (a, b) = (from.min(self.selected), from.max(self.selected));
        for i in a..=b {
            if let Some(f) = self.visible(i).cloned() {
                self.marks.insert(f.id.clone());
                if let Some(w) = &mut self.window {
                    w.marked.insert(f.id.clone(), f);
                }
            }
        }
        self.mark_anchor = Some(self.selected);
    }

    /// Marks every row in view (after the local filter).
    pub fn mark_all(&mut self) {
        if self.is_windowed() {
            return self.request_marks(self.window_query(), false);
        }
        let ids: Vec<String> = (0..self.visible_len())
            .filter_map(|i| self.visible(i).map(|f| f.id.clone()))
            .collect();
        self.marks.extend(ids);
    }

    pub fn clear_marks(&mut self) {
        self.marks.clear();
        self.mark_anchor = None;
        if let Some(w) = &mut self.window {
            w.marked.clear();
        }
    }

    /// What a change applies to: the marked rows (in table order), else the selected one
    /// (or the one open in the detail view).
    pub fn targets(&self) -> Vec<Target> {
        if !self.marks.is_empty() && self.is_windowed() {
            return self.window_marked().into_iter().map(Target::of).collect();
        }
        if !self.marks.is_empty() {
            return self
                .rows()
                .iter()
                .filter(|f| self.marks.contains(&f.id))
                .map(Target::of)
                .collect();
        }
        let selected = match &self.detail {
            Some(d) => self.held(&d.finding_id),
            None => self.selected_finding(),
        };
        selected.map(Target::of).into_iter().collect()
    }
}

/// w / S / N / E / ctrl-r on the findings pane.
pub(crate) fn start(state: &mut State, action: Action) -> Vec<Effect> {
    if let Some(why) = state.findings.refuses_change(&action) {
        state.notify(NotifyLevel::Warning, why);
        return Vec::new();
    }
    if state.pipeline.is_executing() {
        state.notify(NotifyLevel::Warning, "a change is already executing");
        return Vec::new();
    }
    if action == Action::RetryFailed {
        match state.findings.retry.take() {
            Some(mut plan) => {
                plan.id = state.pipeline.next_plan_id();
                state.pipeline.preview(plan);
            }
            None => state.notify(NotifyLevel::Info, "nothing to retry"),
        }
        return Vec::new();
    }
    let targets = state.findings.targets();
    if targets.is_empty() {
        state.notify(NotifyLevel::Info, "no finding selected");
        return Vec::new();
    }
    let ocsf = targets.iter().filter(|t| t.ocsf.is_some()).count();
    if ocsf != 0 && ocsf != targets.len() {
        state.notify(
            NotifyLevel::Warning,
            "the marks hold both ASFF and OCSF findings: clear the marks (and mark again) to change them",
        );
        return Vec::new();
    }
    if action == Action::EditFields {
        crate::app::panes::findings::fields::open(state, targets);
        return Vec::new();
    }
    let stage = match action {
        Action::SetWorkflow | Action::SetSeverity => {
            let field = BulkField::of(&action, ocsf != 0);
            let current = field.current(&targets[0]);
            let cursor = field
                .choices()
                .iter()
                .position(|c| Some(*c) == current.as_deref())
                .unwrap_or(0);
            TriageStage::Pick {
                field,
                targets,
                cursor,
            }
        }
        _ => TriageStage::Note {
            targets,
            workflow: None,
            text: TextInput::default(),
            error: None,
        },
    };
    state.pipeline.stage = Stage::Triage(stage);
    Vec::new()
}

/// The letter that picks each choice at once: the first letter of its name not taken by
/// an earlier choice (NEW n, NOTIFIED o, RESOLVED r, SUPPRESSED s; INFORMATIONAL i, LOW l,
/// MEDIUM m, HIGH h, CRITICAL c).
pub fn shortcuts(choices: &[&str]) -> Vec<char> {
    let mut taken: Vec<char> = Vec::new();
    for c in choices {
        let letter = c
            .chars()
            .map(|c| c.to_ascii_lowercase())
            .find(|l| l.is_ascii_alphabetic() && !taken.contains(l))
            .unwrap_or(' ');
        taken.push(letter);
    }
    taken
}

/// A letter key on a triage picker: picks its choice at once (as moving there and Enter).
/// `None` when the key is not one of the picker's letters.
pub(crate) fn pick_letter(state: &mut State, key: Key) -> Option<Vec<Effect>> {
    let Stage::Triage(TriageStage::Pick { field, cursor, .. }) = &mut state.pipeline.stage else {
        return None;
    };
    let typed = key.typed_char().filter(|c| c.is_ascii_lowercase())?;
    let at = shortcuts(&field.choices())
        .iter()
        .position(|l| *l == typed)?;
    *cursor = at;
    // The picker gives way to the note editor or the preview: redraw.
    state.dirty = true;
    Some(handle(state, Action::Open))
}

/// Actions while a triage picker has the keyboard (the note editor takes keys directly).
pub(crate) fn handle(state: &mut State, action: Action) -> Vec<Effect> {
    let Stage::Triage(TriageStage::Pick {
        field,
        targets,
        cursor,
    }) = &mut state.pipeline.stage
    else {
        state.dirty = false;
        return Vec::new();
    };
    let last = field.choices().len() - 1;
    match action {
        Action::MoveDown => *cursor = (*cursor + 1).min(last),
        Action::MoveUp => *cursor = cursor.saturating_sub(1),
        Action::Top => *cursor = 0,
        Action::Bottom => *cursor = last,
        Action::Open => {
            let (field, cursor, targets) = (*field, *cursor, std::mem::take(targets));
            let choice = field.choices()[cursor.min(last)];
            let after = match field {
                BulkField::OcsfStatus | BulkField::OcsfSeverity => {
                    super::ocsf_triage::picked(state, field, choice, targets);
                    return Vec::new();
                }
                BulkField::Workflow => {
                    let status = WorkflowStatus::parse(choice);
                    if matches!(
                        status,
                        Some(WorkflowStatus::Suppressed | WorkflowStatus::Resolved)
                    ) {
                        state.pipeline.stage = Stage::Triage(TriageStage::Note {
                            targets,
                            workflow: status,
                            text: TextInput::default(),
                            error: None,
                        });
                        return Vec::new();
                    }
                    TriageFields {
                        workflow: status,
                        ..TriageFields::default()
                    }
                }
                BulkField::Severity => TriageFields {
                    severity: Severity::parse(choice),
                    ..TriageFields::default()
                },
            };
            propose(state, &targets, after);
        }
        Action::Back | Action::Reject => state.pipeline.stage = Stage::Idle,
        _ => state.dirty = false,
    }
    Vec::new()
}

/// Keys in the note editor: text, alt-enter for a new line, enter to preview, esc cancels.
pub(crate) fn note_key(state: &mut State, key: Key) -> Vec<Effect> {
    let Stage::Triage(TriageStage::Note {
        targets,
        workflow,
        text,
        error,
    }) = &mut state.pipeline.stage
    else {
        return Vec::new();
    };
    state.dirty = true;
    match key.code {
        KeyCode::Enter if key.alt => text.insert('\n'),
        KeyCode::Char('j') if key.ctrl => text.insert('\n'),
        KeyCode::Esc => state.pipeline.stage = Stage::Idle,
        KeyCode::Enter => {
            let note = text.value().trim().to_string();
            if note.is_empty() {
                *error = Some(match workflow {
                    Some(w) => format!("a note (the reason) is required for {w}"),
                    None => "the note is empty".to_string(),
                });
                return Vec::new();
            }
            if note.chars().count() > MAX_NOTE_CHARS {
                *error = Some(format!(
                    "the note is {} characters; Security Hub keeps at most {MAX_NOTE_CHARS}",
                    note.chars().count()
                ));
                return Vec::new();
            }
            let after = TriageFields {
                workflow: *workflow,
                note: Some(note),
                ..TriageFields::default()
            };
            let targets = std::mem::take(targets);
            propose(state, &targets, after);
        }
        _ => match text.handle_key(key) {
            Edit::Changed => *error = None,
            Edit::Ignored => state.dirty = false,
            Edit::Moved | Edit::Unchanged => {}
        },
    }
    Vec::new()
}

/// Builds the plan for `targets` -> `after` and shows its preview. Findings already at
/// the new values are left out; the plan's `before` holds only the fields it changes,
/// so its undo restores exactly those.
pub(crate) fn propose(state: &mut State, targets: &[Target], after: TriageFields) {
    if targets.first().is_some_and(|t| t.ocsf.is_some()) {
        return super::ocsf_triage::propose_triage(state, targets, &after);
    }
    let edits: Vec<FindingEdit> = targets
        .iter()
        .filter(|t| after.changes(&t.before))
        .map(|t| FindingEdit {
            finding: t.finding.clone(),
            title: t.title.clone(),
            resource: t.resource.clone(),
            before: after.before_from(&t.before),
            after: after.clone(),
        })
        .collect();
    if edits.is_empty() {
        state.pipeline.stage = Stage::Idle;
        let what = after_text(&after);
        state.notify(
            NotifyLevel::Info,
            format!("already {what}: nothing to change"),
        );
        return;
    }
    let id = state.pipeline.next_plan_id();
    state.pipeline.preview(ChangePlan::new(
        id,
        Change::FindingsUpdate(FindingsUpdate { edits }),
    ));
}

fn after_text(after: &TriageFields) -> String {
    let mut parts = Vec::new();
    if let Some(w) = after.workflow {
        parts.push(w.to_string());
    }
    if let Some(s) = after.severity {
        parts.push(s.to_string());
    }
    if after.note.is_some() {
        parts.push("that note".to_string());
    }
    let rest = TriageFields {
        workflow: None,
        severity: None,
        note: None,
        ..after.clone()
    };
    if !rest.is_empty() {
        parts.push(rest.describe());
    }
    parts.join(", ")
}

/// After the executor reported: verified edits show on the rows, their marks clear, and
/// the findings AWS did not update are kept (with their error codes) for a retry.
pub(crate) fn after_change(state: &mut State, plan: Option<&ChangePlan>, outcome: &ChangeOutcome) {
    // On its own or as the findings step of a block from a finding.
    let Some(update) = plan.and_then(|p| p.findings_update()).cloned() else {
        return;
    };
    let pane = &mut state.findings;
    for e in &update.edits {
        let id = &e.finding.id;
        if outcome.succeeded.contains(id) && !outcome.unverified.contains(id) {
            pane.marks.remove(id);
            pane.edit_row(id, |f| {
                if let Some(s) = e.after.severity {
                    f.severity = Some(s);
                }
                if let Some(w) = e.after.workflow {
                    f.workflow = Some(w);
                }
                f.raw.update(|doc| {
                    if let Some(doc) = doc.as_object_mut() {
                        apply_to_doc(doc, &e.after);
                    }
                });
            });
        }
    }
    // Rows the change moved out of the view leave it (SUPPRESSED under status=NEW,NOTIFIED).
    pane.drop_rows_outside_view();
    pane.forget_unmarked();
    let failed: Vec<FindingEdit> = update
        .edits
        .iter()
        .filter(|e| outcome.failed.iter().any(|f| f.target == e.finding.id))
        .cloned()
        .collect();
    let retry =
        (!failed.is_empty()).then(|| Change::FindingsUpdate(FindingsUpdate { edits: failed }));
    keep_for_retry(state, retry, outcome);
}

/// Keeps the change of the findings AWS did not update (`None`: none) for ctrl-r, and
/// says how many failed with which error codes.
pub(crate) fn keep_for_retry(state: &mut State, retry: Option<Change>, outcome: &ChangeOutcome) {
    let pane = &mut state.findings;
    let Some(retry) = retry else {
        pane.retry = None;
        return;
    };
    let mut codes: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &outcome.failed {
        *codes.entry(f.code.as_str()).or_default() += 1;
    }
    let codes: Vec<String> = codes.iter().map(|(c, n)| format!("{c} ×{n}")).collect();
    pane.retry = Some(ChangePlan::new("retry", retry));
    let hint = state
        .keymap
        .hint(crate::app::Context::Findings, &Action::RetryFailed)
        .unwrap_or_else(|| ":retry_failed".into());
    let message = format!(
        "{} finding(s) not updated: {} ({hint} retries them)",
        outcome.failed.len(),
        codes.join(", ")
    );
    state.notify(NotifyLevel::Error, message);
}

/// Puts AWS-confirmed values into a loaded document, so the detail view and the next
/// change's `before` see them without a reload.
fn apply_to_doc(doc: &mut serde_json::Map<String, serde_json::Value>, after: &TriageFields) {
    use serde_json::{Value, json};
    if let Some(text) = &after.note {
        doc.insert("Note".into(), json!({ "Text": text }));
    }
    if let Some(w) = after.workflow {
        doc.insert("Workflow".into(), json!({ "Status": w.as_str() }));
    }
    if let Some(s) = after.severity
        && let Some(sev) = doc
            .entry("Severity")
            .or_insert_with(|| json!({}))
            .as_object_mut()
    {
        sev.insert("Label".into(), json!(s.as_str()));
    }
    if let Some(v) = after.verification {
        doc.insert("VerificationState".into(), json!(v.as_str()));
    }
    if let Some(c) = after.confidence {
        doc.insert("Confidence".into(), json!(c));
    }
    if let Some(c) = after.criticality {
        doc.insert("Criticality".into(), json!(c));
    }
    if !after.user_fields.is_empty() {
        let mut fields = doc
            .get("UserDefinedFields")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        for (k, v) in &after.user_fields {
            match v {
                Some(v) => fields.insert(k.clone(), json!(v)),
                None => fields.remove(k),
            };
        }
        if fields.is_empty() {
            doc.remove("UserDefinedFields");
        } else {
            doc.insert("UserDefinedFields".into(), Value::Object(fields));
        }
    }
}

#[cfg(test)]
#[path = "bulk_tests.rs"]
mod tests;
