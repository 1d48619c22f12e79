//! The append-only audit journal: one JSON line before a change is executed ("intent")
//! and one after ("outcome"), each fsync'd, so a crash mid-change still leaves a record
//! of what was about to happen. Never holds credentials.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;

use crate::domain::plan::{Change, ChangeOutcome, ChangePlan, TargetFailure};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    Intent,
    Outcome,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ResultStatus {
    Ok,
    Partial,
    Failed,
}

/// What happened, on an outcome entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalResult {
    pub status: ResultStatus,
    pub succeeded: Vec<String>,
    pub failures: Vec<TargetFailure>,
    /// Confirmed by AWS but not yet visible on re-read.
    pub unverified: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl JournalResult {
    pub fn from_outcome(outcome: &ChangeOutcome) -> Self {
        let status = if outcome.is_complete_success() && !outcome.succeeded.is_empty() {
            ResultStatus::Ok
        } else if outcome.succeeded.is_empty() {
            ResultStatus::Failed
        } else {
            ResultStatus::Partial
        };
        JournalResult {
            status,
            succeeded: outcome.succeeded.clone(),
            failures: outcome.failed.clone(),
            unverified: outcome.unverified.clone(),
            error: outcome.error.clone(),
        }
    }
}

/// Who acted where: the session facts every entry carries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JournalContext {
    pub caller_arn: Option<String>,
    pub account: Option<String>,
    pub profile: Option<String>,
    pub region: String,
    pub endpoint: Option<String>,
}

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    #[serde(with = "time::serde::rfc3339")]
    pub time: OffsetDateTime,
    pub plan_id: String,
    pub phase: Phase,
    pub caller_arn: Option<String>,
    pub profile: Option<String>,
    pub account: Option<String>,
    pub region: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// `service:Operation`.
    pub operation: String,
    pub targets: Vec<String>,
    /// Target -> its values before / after, as the plan states them.
    pub before: BTreeMap<String, Value>,
    pub after: BTreeMap<String, Value>,
    pub aws_request_ids: Vec<String>,
    /// Absent on intent entries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<JournalResult>,
    /// The full plan, so a change can be replayed or undone from the journal.
    pub change: ChangePlan,
}

impl Entry {
    /// Written before anything is sent to AWS.
    pub fn intent(ctx: &JournalContext, plan: &ChangePlan) -> Entry {
        let (before, after) = per_target_values(plan);
        Entry {
            time: now_utc(),
            plan_id: plan.id.clone(),
            phase: Phase::Intent,
            caller_arn: ctx.caller_arn.clone(),
            profile: ctx.profile.clone(),
            account: ctx.account.clone(),
            region: ctx.region.clone(),
            endpoint: ctx.endpoint.clone(),
            operation: plan.operation().to_string(),
            targets: plan.targets(),
            before,
            after,
            aws_request_ids: Vec::new(),
            result: None,
            change: plan.clone(),
        }
    }

    /// Written after execution and verification.
    pub fn outcome(ctx: &JournalContext, plan: &ChangePlan, outcome: &ChangeOutcome) -> Entry {
        Entry {
            phase: Phase::Outcome,
            aws_request_ids: outcome.request_ids.clone(),
            result: Some(JournalResult::from_outcome(outcome)),
            ..Entry::intent(ctx, plan)
        }
    }
}

fn now_utc() -> OffsetDateTime {
    // Whole microseconds keep the RFC 3339 text short and round-trip exactly.
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(now.nanosecond() / 1000 * 1000)
        .unwrap_or(now)
}

fn per_target_values(plan: &ChangePlan) -> (BTreeMap<String, Value>, BTreeMap<String, Value>) {
    let mut before = BTreeMap::new();
    let mut after = BTreeMap::new();
    match &plan.change {
        Change::FindingsUpdate(u) => {
            for e in &u.edits {
                let id = e.finding.id.clone();
                before.insert(
                    id.clone(),
                    serde_json::to_value(&e.before).unwrap_or_default(),
                );
                after.insert(id, serde_json::to_value(&e.after).unwrap_or_default());
            }
        }
        Change::IpSetUpdate(u) => {
            before.insert(
                u.set.target(),
                serde_json::json!({"count": u.count_before, "description": u.description_before}),
            );
            after.insert(
                u.set.target(),
                serde_json::json!({"count": u.count_after, "add": u.add, "remove": u.remove,
                    "description": u.description, "syncToken": u.sync_token}),
            );
        }
        Change::IpSetCreate(c) => {
            after.insert(c.target(), serde_json::to_value(c).unwrap_or_default());
        }
        Change::TrustPolicyDeny(e) | Change::TrustPolicyRollback(e) => {
            // The documents and the finding id <-> Sid mapping.
            before.insert(e.role.arn.clone(), Value::String(e.before.clone()));
            after.insert(
                e.role.arn.clone(),
                serde_json::json!({"document": e.after, "sid": e.sid, "finding_id": e.finding_id,
                    "assumed_role": e.assume_role}),
            );
        }
        Change::FindingsArchive(c) | Change::FindingsUnarchive(c) => {
            let (from, to) = match &plan.change {
                Change::FindingsArchive(_) => ("ACTIVE", "ARCHIVED"),
                _ => ("ARCHIVED", "ACTIVE"),
            };
            for id in &c.ids {
                before.insert(id.clone(), serde_json::json!({"status": from}));
                after.insert(
                    id.clone(),
                    serde_json::json!({"status": to, "reason": c.reason}),
                );
            }
        }
        Change::ArchiveRuleCreate(r) | Change::ArchiveRuleDelete(r) => {
            let key = format!("{}/{}", r.analyzer_arn, r.rule_name);
            let rule = serde_json::json!({"criteria": r.criteria, "apply": r.apply});
            if matches!(plan.change, Change::ArchiveRuleCreate(_)) {
                after.insert(key, rule);
            } else {
                before.insert(key, rule);
            }
        }
        // IoT changes journal their whole plan (`change`); per-target values would only
        // repeat it.
        Change::Iot(_) => {}
        // Each step journals its own targets (the IP set and the findings of a block).
        Change::Combined(c) => {
            for step in &c.steps {
                let (b, a) = per_target_values(&ChangePlan::new(plan.id.clone(), step.clone()));
                before.extend(b);
                after.extend(a);
            }
        }
    }
    (before, after)
}

/// Why the journal could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("{}:{line}: not a journal entry: {message}", path.display())]
    Parse {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

/// An open journal file. Appends are single writes to an `O_APPEND` file, so concurrent
/// appends never interleave within a line.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: File,
}

impl Journal {
    /// Opens (creating) the journal; new parent dirs get 0700 and a new file 0600, and an
    /// existing file readable by others is tightened to 0600.
    pub fn open(path: &Path) -> io::Result<Journal> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder.create(parent)?;
        }
        let mut options = OpenOptions::new();
        options.append(true).create(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(path)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let meta = file.metadata()?;
            // Only a regular file is ours to tighten (not e.g. a device given as --journal).
            if meta.is_file() && meta.permissions().mode() & 0o077 != 0 {
                file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
            }
        }
        Ok(Journal {
            path: path.to_path_buf(),
            file,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one entry as one line and waits until it is on disk.
    pub fn append(&self, entry: &Entry) -> io::Result<()> {
        let mut line = serde_json::to_vec(entry).map_err(io::Error::other)?;
        line.push(b'\n');
        (&self.file).write_all(&line)?;
        self.file.sync_data()
    }

    /// Every entry, in order; a line that is not an entry is an error naming the line.
    pub fn read_all(path: &Path) -> Result<Vec<Entry>, JournalError> {
        let io_err = |source| JournalError::Io {
            path: path.to_path_buf(),
            source,
        };
        let bytes =
            crate::bounded::read(path, crate::bounded::JOURNAL).map_err(|e| io_err(e.into()))?;
        let mut entries = Vec::new();
        for (i, line) in BufReader::new(bytes.as_slice()).lines().enumerate() {
            let line = line.map_err(io_err)?;
            if line.trim().is_empty() {
                continue;
            }
            let entry = serde_json::from_str(&line).map_err(|e| JournalError::Parse {
                path: path.to_path_buf(),
                line: i + 1,
                message: e.to_string(),
            })?;
            entries.push(entry);
        }
        Ok(entries)
    }
}
