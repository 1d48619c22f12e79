//! A finding's change history as GetFindingHistory reports it: who or what changed which
//! fields when. Shown in the detail view's History tab.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub old: String,
    pub new: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryRecord {
    /// RFC 3339.
    pub time: String,
    /// The record is the finding's creation (BatchImportFindings of a new finding).
    pub created: bool,
    /// `BATCH_IMPORT_FINDINGS` / `BATCH_UPDATE_FINDINGS`.
    pub source: String,
    /// Who made the change (an ARN or product).
    pub identity: String,
    pub updates: Vec<FieldChange>,
}
