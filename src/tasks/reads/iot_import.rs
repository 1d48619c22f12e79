//! Plans the import of an IoT Device Defender audit into Security Hub: reads the audit
//! (a chosen task or the latest completed one), its findings, the caller's account and
//! the findings earlier imports left in Security Hub, and hands the pure domain planner
//! (`domain::iot_asff::plan_import`) what it needs. Read-only: it never mutates.

use crate::aws::AwsClients;
use crate::aws::iot as iot_api;
use crate::aws::retry::{Pacer, RetryPolicy};
use crate::aws::securityhub_import::findings_with_prefix;
use crate::domain::iot::AuditTask;
use crate::domain::iot_asff::{AsffTarget, PreviousImport, plan_import};
use crate::domain::iot_plan::IotImport;

/// Which audit to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditChoice {
    Task(String),
    Latest,
}

/// A planned import and the audit it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedImport {
    pub task: AuditTask,
    pub findings: usize,
    pub import: IotImport,
}

/// The current time as epoch seconds and RFC 3339 (milliseconds, UTC).
pub fn now() -> (f64, String) {
    let t = time::OffsetDateTime::now_utc();
    let fmt = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    let iso = t
        .format(&fmt)
        .unwrap_or_else(|_| "1970-01-01T00:00:00.000Z".into());
    ((t.unix_timestamp_nanos() / 1_000_000) as f64 / 1000.0, iso)
}

/// Reads everything an import needs and plans it.
pub async fn plan_audit_import(
    clients: &AwsClients,
    region: &str,
    choice: &AuditChoice,
    pacer: &Pacer,
    retry: &RetryPolicy,
) -> anyhow::Result<PlannedImport> {
    let (now_secs, now_iso) = now();
    let task = match choice {
        AuditChoice::Task(id) => iot_api::describe_audit_task(&clients.iot, id, retry).await?,
        AuditChoice::Latest => iot_api::latest_completed_task(&clients.iot, now_secs, retry)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no completed audit in the last 90 days"))?,
    };
    if task.task_status != "COMPLETED" {
        anyhow::bail!(
            "audit {} is {}; only a completed audit can be imported",
            task.task_id,
            task.task_status
        );
    }
    let identity = crate::aws::sts::get_caller_identity(&clients.sts).await?;
    let findings = iot_api::list_audit_findings(&clients.iot, &task.task_id, retry).await?;
    let target = AsffTarget {
        account: identity.account,
        region: region.to_string(),
        now: now_iso,
    };
    let previous: Vec<PreviousImport> = findings_with_prefix(
        &clients.securityhub,
        &target.product_arn(),
        &target.id_prefix(),
        pacer,
        retry,
    )
    .await?
    .iter()
    .filter_map(|f| PreviousImport::from_asff(&target, &f.raw.value()))
    .collect();
    let plan = plan_import(
        &target,
        &task.task_id,
        &task.completed_checks(),
        &findings,
        &previous,
    );
    Ok(PlannedImport {
        findings: findings.len(),
        import: IotImport::from_plan(plan),
        task,
    })
}
