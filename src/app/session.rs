//! Facts about this console session shown in the status bar and written to the journal.

use crate::domain::identity::CallerIdentity;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Session {
    /// Named AWS profile, if one was chosen.
    pub profile: Option<String>,
    pub region: String,
    /// Shown when the endpoint is overridden (LocalStack, moto, sandbox).
    pub endpoint: Option<String>,
    pub demo: bool,
    pub read_only: bool,
    /// Clicks and the wheel act (config `mouse`, `--no-mouse`); off, the terminal keeps
    /// its own text selection and mouse events are ignored.
    pub mouse: bool,
    /// Filled in by STS GetCallerIdentity once it answers.
    pub identity: Option<CallerIdentity>,
}

/// STS answered (or not): who we are shows in the status bar and signs notes.
pub(super) fn identity_loaded(
    state: &mut super::State,
    result: Result<CallerIdentity, String>,
) -> Vec<super::Effect> {
    match result {
        Ok(identity) => state.session.identity = Some(identity),
        Err(e) => state.notify(
            super::NotifyLevel::Error,
            format!("GetCallerIdentity failed: {e}"),
        ),
    }
    Vec::new()
}

/// `:theme NAME` was read (or failed to be).
pub(super) fn theme_loaded(
    state: &mut super::State,
    result: Result<crate::theme::Theme, String>,
) -> Vec<super::Effect> {
    match result {
        Ok(theme) => {
            let name = theme.name.clone();
            state.theme = theme;
            state.notify(super::NotifyLevel::Success, format!("theme {name}"));
        }
        Err(e) => state.notify(super::NotifyLevel::Error, e),
    }
    Vec::new()
}
