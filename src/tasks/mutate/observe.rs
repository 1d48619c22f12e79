//! Re-reads the targets of any change from AWS, as `Observed` states: what the fresh-state
//! check compares with the plan's "before" right before writing, and what a write that
//! met an error is classified from afterwards (`domain::plan::outcome`). Also what an
//! interrupted change's targets are re-read with at start-up.

use aws_sdk_iot::Client as IotClient;

use crate::aws::retry::{Pacer, RetryPolicy};
use crate::aws::{AwsClients, AwsError, accessanalyzer, iam, securityhub, securityhub_history};
use crate::aws::{iot as iot_api, wafv2 as waf};
use crate::domain::analyzer::{ArchiveRuleChange, TrustPolicyEdit};
use crate::domain::finding::FindingRef;
use crate::domain::iot::AuditSuppression;
use crate::domain::iot_plan::IotChange;
use crate::domain::plan::{Change, Observed, Reread, Rereads, TriageFields};
use crate::domain::waf::{IpSetCreate, IpSetRef};

/// What a re-read borrows from the executor.
pub struct ObserveCx<'a> {
    pub clients: &'a AwsClients,
    /// GetFindings pacer (one quota per account, shared with the console's reads).
    pub pacer: &'a Pacer,
    pub retry: &'a RetryPolicy,
}

fn failed_all(change: &Change, e: &AwsError) -> Rereads {
    change
        .planned()
        .targets()
        .into_iter()
        .map(|t| (t, Reread::Failed(e.to_string())))
        .collect()
}

/// Every target of `change`, re-read. A target a read could not reach is `Failed`.
pub async fn reread(cx: &ObserveCx<'_>, change: &Change) -> Rereads {
    match change {
        Change::FindingsUpdate(u) => {
            let refs: Vec<FindingRef> = u.edits.iter().map(|e| e.finding.clone()).collect();
            findings(cx, &refs).await
        }
        Change::OcsfFindingsUpdate(u) => {
            let uids: Vec<String> = u.edits.iter().map(|e| e.uid.clone()).collect();
            ocsf_findings(cx, &uids).await
        }
        Change::IpSetUpdate(u) => one(u.set.target(), ip_set(cx, &u.set).await),
        Change::IpSetCreate(c) => one(c.target(), ip_set_named(cx, c).await),
        Change::IpSetDelete(d) => one(d.set.target(), ip_set(cx, &d.set).await),
        Change::TrustPolicyDeny(e) | Change::TrustPolicyRollback(e) => {
            one(e.role.arn.clone(), trust_policy(cx, e).await)
        }
        Change::FindingsArchive(c) | Change::FindingsUnarchive(c) => {
            let mut out = Rereads::new();
            for id in &c.ids {
                let r =
                    accessanalyzer::get_finding(&cx.clients.accessanalyzer, &c.analyzer_arn, id)
                        .await
                        .map(|f| Observed::AnalyzerStatus { status: f.status });
                out.insert(id.clone(), settle(r));
            }
            out
        }
        Change::ArchiveRuleCreate(r) | Change::ArchiveRuleDelete(r) => {
            one(rule_target(r), archive_rule(cx, r).await)
        }
        Change::UnusedPermissions(c) => super::permissions::reread(cx.clients, c).await,
        Change::Iot(c) => iot(cx, c).await,
        Change::FindingsImport(i) => imported(cx, &i.findings, change).await,
        Change::Combined(c) => {
            let mut out = Rereads::new();
            for step in &c.steps {
                // A combined change never nests (the executor refuses it).
                if !matches!(step, Change::Combined(_)) {
                    out.extend(Box::pin(reread(cx, step)).await);
                }
            }
            out
        }
    }
}

fn one(target: String, r: Result<Observed, AwsError>) -> Rereads {
    [(target, settle(r))].into()
}

fn settle(r: Result<Observed, AwsError>) -> Reread {
    match r {
        Ok(o) => Reread::Found(o),
        Err(e) => Reread::Failed(e.to_string()),
    }
}

/// The findings' triage fields now; a finding GetFindings no longer returns is absent.
async fn findings(cx: &ObserveCx<'_>, refs: &[FindingRef]) -> Rereads {
    match securityhub::get_findings_by_ids(&cx.clients.securityhub, refs, cx.pacer, cx.retry).await
    {
        Ok(found) => refs
            .iter()
            .map(|r| {
                let now =
                    found
                        .iter()
                        .find(|f| f.reference() == *r)
                        .map_or(Observed::Absent, |f| Observed::Finding {
                            fields: TriageFields::of_finding(f),
                        });
                (r.id.clone(), Reread::Found(now))
            })
            .collect(),
        Err(e) => refs
            .iter()
            .map(|r| (r.id.clone(), Reread::Failed(e.to_string())))
            .collect(),
    }
}

/// OCSF findings' status, severity and comment now (GetFindingsV2 by `metadata.uid`); a
/// finding it no longer returns is absent.
async fn ocsf_findings(cx: &ObserveCx<'_>, uids: &[String]) -> Rereads {
    let found = super::securityhub_v2::read_now(&cx.clients.securityhub, cx.retry, uids).await;
    uids.iter()
        .map(|uid| {
            let reread = match &found {
                Ok(now) => Reread::Found(
                    now.get(uid)
                        .cloned()
                        .map_or(Observed::Absent, |triage| Observed::OcsfFinding { triage }),
                ),
                Err(e) => Reread::Failed(e.to_string()),
            };
            (uid.clone(), reread)
        })
        .collect()
}

/// Who last changed the finding's triage fields, and when, as GetFindingHistory says
/// (its newest BatchUpdateFindings record). `None` when AWS does not say.
pub async fn last_updated_by(cx: &ObserveCx<'_>, finding: &FindingRef) -> Option<(String, String)> {
    let history = securityhub_history::get_finding_history(&cx.clients.securityhub, finding)
        .await
        .map_err(|e| tracing::warn!(error = %e, "GetFindingHistory for the fresh-state check"))
        .ok()?;
    history
        .iter()
        .filter(|r| r.source == "BATCH_UPDATE_FINDINGS" && !r.identity.is_empty())
        .max_by(|a, b| a.time.cmp(&b.time))
        .map(|r| (r.identity.clone(), r.time.clone()))
}

async fn ip_set(cx: &ObserveCx<'_>, set: &IpSetRef) -> Result<Observed, AwsError> {
    match waf::get_ip_set(&cx.clients.wafv2, set).await {
        Ok(s) => Ok(Observed::IpSet {
            addresses: s.addresses,
            description: s.description,
        }),
        Err(e) if e.code.as_deref() == Some("WAFNonexistentItemException") => Ok(Observed::Absent),
        Err(e) => Err(e),
    }
}

async fn ip_set_named(cx: &ObserveCx<'_>, c: &IpSetCreate) -> Result<Observed, AwsError> {
    let sets = waf::list_ip_sets(&cx.clients.wafv2, c.scope).await?;
    match sets.into_iter().find(|s| s.set.name == c.name) {
        Some(s) => ip_set(cx, &s.set).await,
        None => Ok(Observed::Absent),
    }
}

async fn trust_policy(cx: &ObserveCx<'_>, e: &TrustPolicyEdit) -> Result<Observed, AwsError> {
    let client = iam::client_for(cx.clients, e.assume_role.as_deref()).await?;
    let document = iam::get_trust_policy_of(&client, &e.role.arn).await?;
    Ok(Observed::TrustPolicy { document })
}

pub fn rule_target(r: &ArchiveRuleChange) -> String {
    format!("{}/{}", r.analyzer_arn, r.rule_name)
}

async fn archive_rule(cx: &ObserveCx<'_>, r: &ArchiveRuleChange) -> Result<Observed, AwsError> {
    let rules =
        accessanalyzer::list_archive_rules(&cx.clients.accessanalyzer, &r.analyzer_name).await?;
    Ok(rules
        .into_iter()
        .find(|(name, _)| *name == r.rule_name)
        .map_or(Observed::Absent, |(_, criteria)| Observed::ArchiveRule {
            criteria,
        }))
}

/// The findings an import wrote, by Id: their RecordState and UpdatedAt, or absent.
async fn imported(cx: &ObserveCx<'_>, refs: &[FindingRef], change: &Change) -> Rereads {
    match securityhub::get_findings_by_ids(&cx.clients.securityhub, refs, cx.pacer, cx.retry).await
    {
        Ok(found) => refs
            .iter()
            .map(|r| {
                let now = found
                    .iter()
                    .find(|f| f.id == r.id)
                    .map_or(Observed::Absent, |f| Observed::Imported {
                        record_state: f.record_state.clone(),
                        updated_at: f.updated_at.clone(),
                    });
                (r.id.clone(), Reread::Found(now))
            })
            .collect(),
        Err(e) => failed_all(change, &e),
    }
}

async fn iot(cx: &ObserveCx<'_>, c: &IotChange) -> Rereads {
    let client = &cx.clients.iot;
    let change = Change::Iot(Box::new(c.clone()));
    match c {
        IotChange::CreateSuppression { suppression }
        | IotChange::DeleteSuppression { suppression }
        | IotChange::UpdateSuppression {
            after: suppression, ..
        } => match suppression_now(client, cx.retry, suppression).await {
            Ok(now) => one(change.planned().targets().remove(0), Ok(now)),
            Err(e) => failed_all(&change, &e),
        },
        IotChange::Import(i) => {
            let product_arn = i
                .documents
                .first()
                .and_then(|d| d.get("ProductArn"))
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            let refs: Vec<FindingRef> = change
                .planned()
                .targets()
                .into_iter()
                .map(|id| FindingRef {
                    id,
                    product_arn: product_arn.to_string(),
                })
                .collect();
            imported(cx, &refs, &change).await
        }
        IotChange::StartMitigation {
            task_id,
            finding_ids,
            ..
        } => {
            let mut out = Rereads::new();
            for id in finding_ids {
                let r = iot_api::list_mitigation_executions(client, task_id, id, cx.retry)
                    .await
                    .map(|executions| match executions.first() {
                        Some(e) => Observed::Task {
                            status: e.status.clone(),
                        },
                        None => Observed::Absent,
                    });
                let r = match r {
                    // An unknown task id: the task was never started.
                    Err(e) if e.code.as_deref() == Some("ResourceNotFoundException") => {
                        Ok(Observed::Absent)
                    }
                    other => other,
                };
                out.insert(id.clone(), settle(r));
            }
            out
        }
        // An on-demand audit has no prior state to compare: it creates a new task.
        IotChange::StartAudit { .. } => Rereads::new(),
    }
}

/// The suppression of the same check and resource, if any.
async fn suppression_now(
    client: &IotClient,
    retry: &RetryPolicy,
    key: &AuditSuppression,
) -> Result<Observed, AwsError> {
    let list = iot_api::list_suppressions(client, retry).await?;
    Ok(list
        .into_iter()
        .find(|s| {
            s.check_name == key.check_name && s.resource_identifier == key.resource_identifier
        })
        .map_or(Observed::Absent, |suppression| Observed::Suppression {
            suppression,
        }))
}
