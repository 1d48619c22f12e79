//! Least privilege, checked on every test environment: when a `TestEnv` is dropped, every
//! request secdeck's clients (User-Agent `app/secdeck`) made to its sandbox must be allowed
//! by the policy `secdeck iam-policy` prints for the session kind in force: read-only
//! after a read-only console was started on it, operator otherwise. The test kit's own
//! set-up calls (plain SDK clients) are not secdeck's and are not checked.

use std::sync::Mutex;

use secdeck::aws::APP_NAME;
use secdeck::aws::iam_policy::{PolicyKind, refused};
use secdeck::aws::operations::OPERATIONS;
use secdeck::sandbox::{RecordedRequest, Sandbox};
use time::OffsetDateTime;

/// The consoles started on one sandbox, in order: from its start time on, a console's
/// kind is the one in force.
#[derive(Debug, Default)]
pub struct Sessions(Mutex<Vec<(OffsetDateTime, PolicyKind)>>);

impl Sessions {
    pub fn started(&self, read_only: bool) {
        let kind = if read_only {
            PolicyKind::ReadOnly
        } else {
            PolicyKind::Operator
        };
        let mut sessions = self.0.lock().unwrap_or_else(|e| e.into_inner());
        sessions.push((OffsetDateTime::now_utc(), kind));
    }

    /// The kind in force when `request` was served.
    fn kind_at(&self, request: &RecordedRequest) -> PolicyKind {
        let sessions = self.0.lock().unwrap_or_else(|e| e.into_inner());
        sessions
            .iter()
            .rev()
            .find(|(start, _)| *start <= request.time)
            .map_or(PolicyKind::Operator, |(_, kind)| *kind)
    }
}

/// secdeck's requests to `sandbox` that the policy of their session kind would refuse.
pub fn refused_requests(sandbox: &Sandbox, sessions: &Sessions) -> Vec<String> {
    let requests: Vec<RecordedRequest> = sandbox
        .requests()
        .into_iter()
        .filter(|r| r.app.as_deref() == Some(APP_NAME))
        .collect();
    let mut out = Vec::new();
    for kind in [PolicyKind::ReadOnly, PolicyKind::Operator] {
        let served = requests
            .iter()
            .filter(|r| sessions.kind_at(r) == kind)
            .map(|r| (r.service.as_str(), r.operation.as_str()));
        out.extend(refused(OPERATIONS, kind, served));
    }
    out
}

/// Panics naming each request of secdeck's the policies would refuse (unless the test
/// is already failing: one panic is enough).
pub fn assert_least_privilege(sandbox: &Sandbox, sessions: &Sessions) {
    if std::thread::panicking() {
        return;
    }
    log_served(sandbox, sessions);
    let refused = refused_requests(sandbox, sessions);
    assert!(
        refused.is_empty(),
        "secdeck made requests its IAM policy (`secdeck iam-policy`) would refuse:\n  {}",
        refused.join("\n  ")
    );
}

/// With `SECDECK_SERVED_LOG=FILE`, appends one `Kind service:Operation` line per request
/// secdeck made: which rows of the table the suite exercises, and how often.
fn log_served(sandbox: &Sandbox, sessions: &Sessions) {
    let Some(path) = std::env::var_os("SECDECK_SERVED_LOG") else {
        return;
    };
    let lines: String = sandbox
        .requests()
        .iter()
        .filter(|r| r.app.as_deref() == Some(APP_NAME))
        .map(|r| {
            let kind = sessions.kind_at(r);
            format!("{kind:?} {}:{}\n", r.service, r.operation)
        })
        .collect();
    use std::io::Write;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path);
    if let Ok(mut file) = file {
        let _ = file.write_all(lines.as_bytes());
    }
}
