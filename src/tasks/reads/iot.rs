//! The audits pane's reads, run by the effect runner: the overview (configuration,
//! described tasks, suppressions, mitigation actions and tasks), a task's findings, and
//! import planning, polls of running audits and mitigation tasks, the suppressions list. Each answers with one
//! `Action::Pane(PaneMsg::Audits)`.

use tokio::sync::mpsc::UnboundedSender;

use super::iot_import::{AuditChoice, now, plan_audit_import};
use crate::app::Action;
use crate::app::PaneMsg;
use crate::app::panes::audits::{AuditsMsg, IotRead};
use crate::aws::AwsClients;
use crate::aws::iot as iot_api;
use crate::aws::retry::{Pacer, RetryPolicy};
use crate::domain::iot::IotOverview;

async fn overview(
    clients: &AwsClients,
    window_days: u32,
    retry: &RetryPolicy,
) -> anyhow::Result<IotOverview> {
    let (now, _) = now();
    let since = now - f64::from(window_days) * 86_400.0;
    let iot = &clients.iot;
    let config = iot_api::describe_configuration(iot, retry).await?;
    let listed = iot_api::list_audit_tasks(iot, since, now + 60.0, retry).await?;
    let mut tasks = Vec::with_capacity(listed.len());
    for t in &listed {
        tasks.push(iot_api::describe_audit_task(iot, &t.task_id, retry).await?);
    }
    tasks.sort_by(|a, b| {
        b.task_start_time
            .partial_cmp(&a.task_start_time)
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    Ok(IotOverview {
        now,
        config,
        tasks,
        suppressions: iot_api::list_suppressions(iot, retry).await?,
        mitigation_actions: iot_api::list_mitigation_actions(iot, retry).await?,
        mitigation_tasks: iot_api::list_mitigation_tasks(iot, since, now + 60.0, retry).await?,
    })
}

/// Runs one read and sends its result.
pub async fn run(
    clients: AwsClients,
    read: IotRead,
    region: String,
    pacer: std::sync::Arc<Pacer>,
    tx: UnboundedSender<Action>,
) {
    let retry = RetryPolicy::default();
    let action = match read {
        IotRead::Overview {
            request,
            window_days,
        } => AuditsMsg::OverviewLoaded {
            request,
            result: overview(&clients, window_days, &retry)
                .await
                .map_err(|e| format!("{e:#}")),
        },
        IotRead::Findings { request, task_id } => AuditsMsg::FindingsLoaded {
            request,
            result: iot_api::list_audit_findings(&clients.iot, &task_id, &retry)
                .await
                .map_err(|e| e.to_string()),
            task_id,
        },
        IotRead::PollTask { task_id, delay_ms } => {
            // The wait happens here, on the task, never in the UI loop.
            tokio::time::sleep(std::time::Duration::from_millis(delay_ms)).await;
            AuditsMsg::TaskPolled {
                result: iot_api::describe_audit_task(&clients.iot, &task_id, &retry)
                    .await
                    .map_err(|e| e.to_string()),
                task_id,
            }
        }
        IotRead::PollMitigation {
            task_id,
            finding_ids,
            delay_ms,
        } => {
            tokio::time::sleep(std::time::Duration::from_millis(delay_ms)).await;
            let mut result = Ok(Vec::new());
            for id in &finding_ids {
                match iot_api::list_mitigation_executions(&clients.iot, &task_id, id, &retry).await
                {
                    Ok(mut e) => {
                        if let Ok(all) = result.as_mut() {
                            all.append(&mut e);
                        }
                    }
                    Err(e) => {
                        result = Err(e.to_string());
                        break;
                    }
                }
            }
            AuditsMsg::MitigationPolled {
                task_id,
                finding_ids,
                result,
            }
        }
        IotRead::Suppressions { request } => AuditsMsg::SuppressionsLoaded {
            request,
            result: iot_api::list_suppressions(&clients.iot, &retry)
                .await
                .map_err(|e| e.to_string()),
        },
        IotRead::PlanImport { task_id } => AuditsMsg::ImportPlanned(
            plan_audit_import(
                &clients,
                &region,
                &AuditChoice::Task(task_id),
                &pacer,
                &retry,
            )
            .await
            .map(|p| p.import)
            .map_err(|e| format!("{e:#}")),
        ),
    };
    let _ = tx.send(Action::Pane(PaneMsg::Audits(Box::new(action))));
}
