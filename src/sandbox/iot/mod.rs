//! AWS IoT Device Defender audit (restJson1): audit configuration, tasks, findings,
//! suppressions, mitigation actions and tasks, plus the policy operations the seed
//! scenario needs. Body timestamps are epoch seconds; query timestamps ISO-8601.

pub(crate) mod checks;
mod handlers;
mod mitigation;
mod mitigation_progress;
pub(crate) mod progress;
pub(crate) mod store;
pub mod world;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use serde_json::Value;

use super::dispatch::Op;
use super::protocol::{Protocol, ServiceError};
use super::state::Shared;

pub(crate) fn op(name: &'static str, mutating: bool) -> Op {
    Op {
        service: "iot",
        name,
        mutating,
        protocol: Protocol::RestJson,
        // IoT throttles with a 400 ThrottlingException, a code the SDK retries.
        throttle: (400, "ThrottlingException"),
    }
}

pub(crate) fn router() -> Router<Arc<Shared>> {
    use handlers::*;
    Router::new()
        .route("/audit/configuration", get(describe_configuration))
        .route("/audit/tasks", get(list_audit_tasks).post(start_on_demand))
        .route("/audit/tasks/{task_id}", get(describe_audit_task))
        .route("/audit/findings", post(list_audit_findings))
        .route(
            "/audit/suppressions/{verb}",
            post(suppressions).patch(suppressions),
        )
        .route("/mitigationactions/actions", get(list_mitigation_actions))
        .route("/audit/mitigationactions/tasks", get(list_mitigation_tasks))
        .route(
            "/audit/mitigationactions/tasks/{task_id}",
            post(start_mitigation_task),
        )
        .route(
            "/audit/mitigationactions/executions",
            get(list_mitigation_executions),
        )
        .route("/policies/{name}", post(create_policy).get(get_policy))
        .route("/policies/{name}/version", post(create_policy_version))
}

/// Now as epoch seconds with milliseconds, the way IoT reports times.
pub(crate) fn now_secs() -> f64 {
    let now = time::OffsetDateTime::now_utc();
    (now.unix_timestamp_nanos() / 1_000_000) as f64 / 1000.0
}

pub(crate) fn invalid(message: impl Into<String>) -> ServiceError {
    ServiceError::new(400, "InvalidRequestException", message)
}

pub(crate) fn not_found(message: impl Into<String>) -> ServiceError {
    ServiceError::new(404, "ResourceNotFoundException", message)
}

pub(crate) fn conflict(message: impl Into<String>) -> ServiceError {
    ServiceError::new(409, "ResourceAlreadyExistsException", message)
}

pub(crate) fn limit(message: impl Into<String>) -> ServiceError {
    ServiceError::new(410, "LimitExceededException", message)
}

/// A query or body time: epoch seconds (number) or ISO-8601 (string).
pub(crate) fn time_param(v: Option<&Value>, name: &str) -> Result<Option<f64>, ServiceError> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64()),
        Some(Value::String(s)) => {
            if let Ok(n) = s.parse::<f64>() {
                return Ok(Some(n));
            }
            time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
                .map(|t| Some((t.unix_timestamp_nanos() / 1_000_000) as f64 / 1000.0))
                .map_err(|_| invalid(format!("{name} {s:?} is not an ISO-8601 timestamp")))
        }
        Some(other) => Err(invalid(format!("{name} {other} is not a timestamp"))),
    }
}

/// `maxResults` within 1..=max (default `default`).
pub(crate) fn max_results(
    v: Option<&Value>,
    default: usize,
    max: usize,
) -> Result<usize, ServiceError> {
    let n = match v {
        None | Some(Value::Null) => return Ok(default),
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.parse().ok(),
        _ => None,
    };
    match n {
        Some(n) if (1..=max as u64).contains(&n) => Ok(n as usize),
        _ => Err(invalid(format!("maxResults must be between 1 and {max}"))),
    }
}

/// One page of `items` from the offset in `nextToken`.
pub(crate) fn page<T: Clone>(
    items: &[T],
    token: Option<&Value>,
    size: usize,
) -> Result<(Vec<T>, Option<String>), ServiceError> {
    let start = match token.and_then(Value::as_str) {
        None => 0,
        Some(t) => t
            .parse::<usize>()
            .map_err(|_| invalid(format!("nextToken {t:?} is not valid")))?,
    };
    let end = (start + size).min(items.len());
    let slice = items.get(start..end).unwrap_or_default().to_vec();
    let next = (end < items.len()).then(|| end.to_string());
    Ok((slice, next))
}

/// IoT world set-up for the demo, tests and benchmarks.
impl super::Sandbox {
    /// Adds the demo IoT fleet and its weekly audits (assets/demo/iot/world.toml).
    pub fn seed_iot_demo(&self) -> Result<(), String> {
        let spec = world::IotWorldSpec::demo()?;
        let config = &self.shared.config;
        let mut store = self.shared.iot_write();
        world::seed_demo(
            &mut store,
            &spec,
            &config.account,
            &config.region,
            now_secs(),
        );
        Ok(())
    }

    /// Adds a completed audit with `count` non-compliant findings; returns its task id.
    pub fn generate_iot_audit(&self, count: usize, seed: u64) -> String {
        let mut store = self.shared.iot_write();
        world::generate_audit(&mut store, count, seed, now_secs() - 60.0)
    }

    /// Turns the account's IoT logging on or off (LOGGING_DISABLED_CHECK looks at it).
    pub fn set_iot_logging(&self, enabled: bool) {
        self.shared.iot_write().logging_enabled = enabled;
    }

    /// How many DescribeAuditTask polls a started on-demand audit stays IN_PROGRESS for
    /// (0: it completes at once).
    pub fn set_iot_audit_polls(&self, polls: u32) {
        self.shared.iot_write().audit_polls = polls;
    }

    /// How many listings a started mitigation task stays IN_PROGRESS for (0: it
    /// completes at once).
    pub fn set_iot_mitigation_polls(&self, polls: u32) {
        self.shared.iot_write().mitigation_polls = polls;
    }

    /// Number of audit tasks the sandbox holds.
    pub fn iot_audit_count(&self) -> usize {
        self.shared.iot_read().tasks.len()
    }
}
