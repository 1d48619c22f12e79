//! Suppressing a finding: the suppression in force for it, those expiring soon, and the
//! `:suppress` command that plans a create or an update.

use super::{AuditsPane, EXPIRING_DAYS, Expiry, preview};
use crate::app::State;
use crate::app::action::NotifyLevel;
use crate::domain::iot::{AuditFinding, AuditSuppression, validate_suppression};
use crate::domain::iot_plan::IotChange;

impl AuditsPane {
    /// The suppression in force for a finding's check + resource, if any.
    pub fn suppression_of(&self, f: &AuditFinding) -> Option<&AuditSuppression> {
        self.overview
            .as_ref()?
            .suppressions
            .iter()
            .find(|s| s.covers(f))
    }

    /// Suppressions ending within [`EXPIRING_DAYS`].
    pub fn expiring(&self) -> Vec<&AuditSuppression> {
        let Some(o) = &self.overview else {
            return Vec::new();
        };
        o.suppressions
            .iter()
            .filter(|s| s.expires_within(o.now, EXPIRING_DAYS))
            .collect()
    }
}

pub(super) fn suppress(state: &mut State, expiry: Expiry, description: String) {
    if state.audits.suppressions_view.is_some() {
        return crate::app::panes::audits::suppressions::edit(state, expiry, description);
    }
    let pane = &state.audits;
    let (Some(f), Some(o)) = (pane.selected_finding(), &pane.overview) else {
        state.notify(NotifyLevel::Info, "select a finding to suppress");
        return;
    };
    let after = AuditSuppression {
        check_name: f.check_name.clone(),
        resource_identifier: f.non_compliant_resource.resource_identifier.clone(),
        expiration_date: expiry.date(o.now),
        suppress_indefinitely: expiry == Expiry::Indefinitely,
        description: Some(description),
    };
    if let Err(e) = validate_suppression(&after, o.now) {
        state.notify(NotifyLevel::Warning, e);
        return;
    }
    let change = match pane.suppression_of(f).cloned() {
        Some(before) => IotChange::UpdateSuppression { before, after },
        None => IotChange::CreateSuppression { suppression: after },
    };
    preview(state, change);
}
