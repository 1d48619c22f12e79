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
    /// Filled in by STS GetCallerIdentity once it answers.
    pub identity: Option<CallerIdentity>,
}
