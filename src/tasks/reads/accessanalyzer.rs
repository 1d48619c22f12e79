//! The Access Analyzer pane's reads on tokio: analyzers, findings pages (each finding
//! completed with GetFindingV2 so the table shows principal and actions), a role's trust
//! policy, archive rules. Results come back as actions.

use tokio::sync::mpsc::UnboundedSender;

use crate::app::{Action, NotifyLevel, ReadRequest};
use crate::app::{AnalyzerRead, PaneMsg};
use crate::aws::{AwsClients, accessanalyzer, iam};

/// ListFindingsV2 page size: small pages keep the table streaming in.
pub const PAGE_SIZE: i32 = 50;

pub fn spawn(clients: &AwsClients, tx: &UnboundedSender<Action>, request: ReadRequest) {
    let (clients, tx) = (clients.clone(), tx.clone());
    tokio::spawn(async move {
        let action = match request {
            ReadRequest::Analyzer(AnalyzerRead::Analyzers) => {
                Action::Pane(PaneMsg::Analyzer(crate::app::AnalyzerMsg::AnalyzersLoaded(
                    accessanalyzer::list_analyzers(&clients.accessanalyzer)
                        .await
                        .map_err(|e| e.to_string()),
                )))
            }
            ReadRequest::Analyzer(AnalyzerRead::Findings {
                request,
                analyzer_arn,
                next_token,
            }) => {
                let aa = &clients.accessanalyzer;
                match accessanalyzer::list_findings_page(aa, &analyzer_arn, next_token, PAGE_SIZE)
                    .await
                {
                    Ok((summaries, next)) => {
                        let mut findings = Vec::with_capacity(summaries.len());
                        let mut missed: Vec<(String, String)> = Vec::new();
                        for s in summaries {
                            // A detail that fails to load leaves the summary row as it is,
                            // and the user is told which rows lack principal and actions.
                            match accessanalyzer::get_finding(aa, &analyzer_arn, &s.id).await {
                                Ok(full) => findings.push(full),
                                Err(e) => {
                                    tracing::warn!(finding = %s.id, error = %e, "GetFindingV2 failed");
                                    missed.push((s.resource.clone(), e.to_string()));
                                    findings.push(s);
                                }
                            }
                        }
                        if let Some(message) = details_missing(&missed) {
                            let _ = tx.send(Action::Notify {
                                level: NotifyLevel::Warning,
                                message,
                            });
                        }
                        Action::Pane(PaneMsg::Analyzer(crate::app::AnalyzerMsg::FindingsPage {
                            request,
                            result: Ok(findings),
                            next_token: next,
                        }))
                    }
                    Err(e) => {
                        Action::Pane(PaneMsg::Analyzer(crate::app::AnalyzerMsg::FindingsPage {
                            request,
                            result: Err(e.to_string()),
                            next_token: None,
                        }))
                    }
                }
            }
            ReadRequest::Analyzer(AnalyzerRead::TrustPolicy {
                role_arn,
                assume_role,
                purpose,
                ..
            }) => {
                let result = match iam::client_for(&clients, assume_role.as_deref()).await {
                    Ok(client) => iam::get_trust_policy_of(&client, &role_arn)
                        .await
                        .map_err(|e| e.to_string()),
                    Err(e) => Err(e.to_string()),
                };
                Action::Pane(PaneMsg::Analyzer(
                    crate::app::AnalyzerMsg::TrustPolicyLoaded { purpose, result },
                ))
            }
            ReadRequest::Analyzer(AnalyzerRead::ArchiveRules { analyzer }) => Action::Pane(
                PaneMsg::Analyzer(crate::app::AnalyzerMsg::ArchiveRulesLoaded {
                    result: accessanalyzer::list_archive_rules(&clients.accessanalyzer, &analyzer)
                        .await
                        .map_err(|e| e.to_string()),
                    analyzer,
                }),
            ),
            ReadRequest::Analyzer(AnalyzerRead::FindingPoll {
                analyzer_arn,
                finding_id,
                from_status,
            }) => poll_finding(&clients, analyzer_arn, finding_id, from_status).await,
            ReadRequest::Analyzer(AnalyzerRead::Recommendation {
                analyzer_arn,
                finding_id,
                role_arn,
            }) => super::recommendation::run(clients, analyzer_arn, finding_id, role_arn).await,
            other => {
                tracing::error!(?other, "not an Access Analyzer read");
                return;
            }
        };
        let _ = tx.send(action);
    });
}

/// What the user is told when GetFindingV2 failed for some rows of a page.
fn details_missing(missed: &[(String, String)]) -> Option<String> {
    let (resource, error) = missed.first()?;
    let more = match missed.len() {
        1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    };
    Some(format!(
        "GetFindingV2 failed for {resource}{more}: {error}; those rows show no principal or actions"
    ))
}

/// How many times GetFindingV2 is asked after a re-scan, and the first pause (doubled each time).
const POLLS: u32 = 5;
const FIRST_PAUSE_MS: u64 = 500;

/// GetFindingV2 until the status moves off `from_status` or POLLS are spent. Runs as its
/// own task: the console keeps answering keys meanwhile.
async fn poll_finding(
    clients: &AwsClients,
    analyzer_arn: String,
    finding_id: String,
    from_status: String,
) -> Action {
    let mut pause = std::time::Duration::from_millis(FIRST_PAUSE_MS);
    let mut last = Err(format!("finding {finding_id} was not read"));
    for attempt in 0..POLLS {
        if attempt > 0 {
            tokio::time::sleep(pause).await;
            pause *= 2;
        }
        match accessanalyzer::get_finding(&clients.accessanalyzer, &analyzer_arn, &finding_id).await
        {
            Ok(f) if f.status != from_status => {
                return Action::Pane(PaneMsg::Analyzer(
                    crate::app::AnalyzerMsg::FindingRescanned {
                        finding_id,
                        result: Ok(Box::new(f)),
                        changed: true,
                    },
                ));
            }
            Ok(f) => last = Ok(Box::new(f)),
            Err(e) => last = Err(e.to_string()),
        }
    }
    Action::Pane(PaneMsg::Analyzer(
        crate::app::AnalyzerMsg::FindingRescanned {
            finding_id,
            result: last,
            changed: false,
        },
    ))
}
