//! The audits pane's suppressions view (`list_suppressions`): every suppression
//! (ListAuditSuppressions, all pages) with check, resource, description and expiry, those
//! ending within 7 days highlighted and counted. In the view `suppress` edits the selected
//! suppression (`:suppress DAYS|YYYY-MM-DD|forever DESCRIPTION`, UpdateAuditSuppression)
//! and `unsuppress` deletes it (DeleteAuditSuppression), both previewed by the pipeline.

use crate::app::State;
use crate::app::action::{Action, NotifyLevel};
use crate::app::effect::{Effect, ReadRequest};
use crate::app::panes::audits::{
    AuditsPane, EXPIRING_DAYS, Expiry, IotRead, Load, prefill, preview,
};
use crate::domain::iot::{AuditSuppression, validate_suppression};
use crate::domain::iot_plan::{IotChange, format_date};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SuppressionsView {
    pub cursor: usize,
    pub status: Load,
    request: u64,
}

impl AuditsPane {
    /// Every suppression, soonest expiry first and the indefinite ones last.
    pub fn suppressions(&self) -> Vec<&AuditSuppression> {
        let mut list: Vec<&AuditSuppression> = self
            .overview
            .as_ref()
            .map(|o| o.suppressions.iter().collect())
            .unwrap_or_default();
        list.sort_by(|a, b| {
            let key = |s: &AuditSuppression| s.expiration_date.unwrap_or(f64::INFINITY);
            key(a)
                .total_cmp(&key(b))
                .then_with(|| a.check_name.cmp(&b.check_name))
                .then_with(|| {
                    a.resource_identifier
                        .key()
                        .cmp(&b.resource_identifier.key())
                })
        });
        list
    }

    /// Whether `s` ends within [`EXPIRING_DAYS`] of the last read.
    pub fn is_expiring(&self, s: &AuditSuppression) -> bool {
        self.overview
            .as_ref()
            .is_some_and(|o| s.expires_within(o.now, EXPIRING_DAYS))
    }

    pub fn selected_suppression(&self) -> Option<&AuditSuppression> {
        let view = self.suppressions_view.as_ref()?;
        self.suppressions().get(view.cursor).copied()
    }

    fn load_suppressions(&mut self) -> Option<Effect> {
        let view = self.suppressions_view.as_mut()?;
        view.request += 1;
        view.status = Load::Loading;
        Some(Effect::Read(ReadRequest::Audits(IotRead::Suppressions {
            request: view.request,
        })))
    }
}

/// Keeps the view's cursor on a row after the list changed.
pub(crate) fn clamp(pane: &mut AuditsPane) {
    let len = pane.suppressions().len();
    if let Some(view) = pane.suppressions_view.as_mut() {
        view.cursor = view.cursor.min(len.saturating_sub(1));
    }
}

/// `list_suppressions`: opens the view (reading the list afresh) or closes it.
pub(crate) fn open(state: &mut State) -> Vec<Effect> {
    let pane = &mut state.audits;
    if pane.suppressions_view.take().is_some() {
        return Vec::new();
    }
    pane.suppressions_view = Some(SuppressionsView::default());
    pane.load_suppressions().into_iter().collect()
}

pub(crate) fn on_loaded(
    state: &mut State,
    request: u64,
    result: Result<Vec<AuditSuppression>, String>,
) {
    let pane = &mut state.audits;
    let Some(view) = pane.suppressions_view.as_mut() else {
        return;
    };
    if view.request != request {
        return;
    }
    match result {
        Ok(list) => {
            view.status = Load::Loaded;
            if let Some(o) = pane.overview.as_mut() {
                o.suppressions = list;
            }
            clamp(pane);
        }
        Err(e) => {
            view.status = Load::Failed(e.clone());
            state.notify(
                NotifyLevel::Error,
                format!("listing suppressions failed: {e}"),
            );
        }
    }
}

/// The view's keys; `None` leaves an action it does not use to the pane.
pub(crate) fn handle(state: &mut State, action: &Action) -> Option<Vec<Effect>> {
    let page = state.page_rows() as isize;
    let len = state.audits.suppressions().len();
    let pane = &mut state.audits;
    let view = pane.suppressions_view.as_mut()?;
    let delta = match action {
        Action::MoveDown => 1,
        Action::MoveUp => -1,
        Action::PageDown => page,
        Action::PageUp => -page,
        Action::Top => -(isize::MAX / 2),
        Action::Bottom => isize::MAX / 2,
        Action::Back | Action::ListSuppressions => {
            pane.suppressions_view = None;
            return Some(Vec::new());
        }
        Action::Refresh => return Some(pane.load_suppressions().into_iter().collect()),
        Action::Suppress => {
            match pane.selected_suppression() {
                Some(s) => {
                    let when = match (s.suppress_indefinitely, s.expiration_date) {
                        (false, Some(e)) => format_date(e),
                        _ => "forever".to_string(),
                    };
                    let text = format!(
                        "suppress {when} {}",
                        s.description.as_deref().unwrap_or_default()
                    );
                    prefill(state, &text);
                }
                None => state.notify(NotifyLevel::Info, "no suppression selected"),
            }
            return Some(Vec::new());
        }
        Action::Unsuppress => {
            match pane.selected_suppression().cloned() {
                Some(suppression) => preview(state, IotChange::DeleteSuppression { suppression }),
                None => state.notify(NotifyLevel::Info, "no suppression selected"),
            }
            return Some(Vec::new());
        }
        _ => return None,
    };
    let max = len.saturating_sub(1) as isize;
    view.cursor = (view.cursor as isize + delta).clamp(0, max) as usize;
    Some(Vec::new())
}

/// `:suppress` while the view is open: change the selected suppression.
pub(crate) fn edit(state: &mut State, expiry: Expiry, description: String) {
    let pane = &state.audits;
    let (Some(before), Some(o)) = (pane.selected_suppression(), &pane.overview) else {
        state.notify(NotifyLevel::Info, "no suppression selected");
        return;
    };
    let after = AuditSuppression {
        expiration_date: expiry.date(o.now),
        suppress_indefinitely: expiry == Expiry::Indefinitely,
        description: Some(description),
        ..before.clone()
    };
    if let Err(e) = validate_suppression(&after, o.now) {
        state.notify(NotifyLevel::Warning, e);
        return;
    }
    if &after == before {
        state.notify(NotifyLevel::Info, "the suppression is unchanged");
        return;
    }
    let before = before.clone();
    preview(state, IotChange::UpdateSuppression { before, after });
}
