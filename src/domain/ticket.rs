//! Tickets for OCSF findings (the new Security Hub's CreateTicketV2): the connectors a
//! ticket can go to, and opening tickets as a change. The preview is AWS's own DRYRUN
//! answer for each finding (asked before the plan is shown); the fresh-state check re-reads
//! the connector (still CONNECTED?) and each finding (still there?); AWS keeps no undo for
//! a ticket, and the preview says so. The tickets opened (id and URL) go to the journal.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::plan::{
    Change, JournalValues, LineKind, Moved, Observed, PlannedChange, PreviewLine, Refresh, Reread,
    Rereads,
};

/// The only status in which a connector takes tickets.
pub const CONNECTED: &str = "CONNECTED";

/// A ticketing connector as ListConnectorsV2 summarises it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connector {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `JIRA_CLOUD`, `SERVICENOW`, ...
    pub provider: String,
    /// `CONNECTED`, `FAILED_TO_CONNECT`, `PENDING_AUTHORIZATION`, ... (empty when unknown).
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enablement: Option<String>,
    /// GetConnectorV2's Health.Message (asked for connectors that are not CONNECTED).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health: Option<String>,
}

impl Connector {
    pub fn is_connected(&self) -> bool {
        self.status == CONNECTED
    }

    /// Why the connector cannot take a ticket (`None` when it can), in words.
    pub fn failing_reason(&self) -> Option<String> {
        if self.is_connected() {
            return None;
        }
        let reason = status_reason(&self.status);
        Some(match &self.health {
            Some(message) => format!("{reason}; AWS says: {message}"),
            None => reason,
        })
    }

    /// Why it fails, for the picker's second line: AWS's Health.Message, else the status
    /// in words.
    pub fn why(&self) -> &str {
        self.health.as_deref().unwrap_or(status_why(&self.status))
    }

    /// `Jira Cloud` / `ServiceNow` / the raw name.
    pub fn provider_label(&self) -> &str {
        match self.provider.as_str() {
            "JIRA_CLOUD" => "Jira Cloud",
            "SERVICENOW" => "ServiceNow",
            other => other,
        }
    }

    /// The connector's key in a fresh-state re-read (beside the findings' uids).
    pub fn reread_key(&self) -> String {
        format!("connector {}", self.id)
    }
}

/// A connector status that is not CONNECTED, said as a reason.
pub fn status_reason(status: &str) -> String {
    let shown = if status.is_empty() { "UNKNOWN" } else { status };
    format!("{shown}: {}", status_why(status))
}

/// What a connector status that is not CONNECTED means.
pub fn status_why(status: &str) -> &'static str {
    match status {
        "FAILED_TO_CONNECT" => "Security Hub cannot reach the ticketing system",
        "PENDING_AUTHORIZATION" => "waiting for authorization in the ticketing system",
        "PENDING_CONFIGURATION" => "its setup is not finished",
        "" => "its status is unknown",
        _ => "it is not connected",
    }
}

/// One finding a ticket is opened for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketTarget {
    /// `metadata.uid`: CreateTicketV2's FindingMetadataUid.
    pub metadata_uid: String,
    pub title: String,
}

/// What CreateTicketV2 answered (for DRYRUN: the ticket that would be opened).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// AWS's DRYRUN answer for one finding: the ticket it would open, or its refusal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DryRun {
    pub metadata_uid: String,
    pub answer: Result<Ticket, String>,
}

/// A ticket opened for a finding, as the outcome and the journal keep it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenedTicket {
    /// The finding's `metadata.uid`.
    pub finding: String,
    pub ticket_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl OpenedTicket {
    /// The comment offered on the finding: `Ticket <id>: <url>`.
    pub fn comment(&self) -> String {
        match &self.url {
            Some(url) => format!("Ticket {}: {url}", self.ticket_id),
            None => format!("Ticket {}", self.ticket_id),
        }
    }
}

/// CreateTicketV2 for each finding, in one connector. Only findings whose DRYRUN answer
/// was a ticket are planned; the refused ones stay in `dry_runs` for the preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketCreate {
    pub connector: Connector,
    pub targets: Vec<TicketTarget>,
    pub dry_runs: Vec<DryRun>,
    /// The first plan's id: with a finding's place in `dry_runs` it makes the ClientToken,
    /// kept by a re-plan or the finish of an interrupted change so AWS answers with the
    /// ticket it already opened instead of opening a second one.
    #[serde(default)]
    pub token_seed: String,
}

impl TicketCreate {
    /// The plan from the DRYRUN answers: targets AWS said it would open a ticket for.
    pub fn from_dry_runs(
        connector: Connector,
        findings: Vec<TicketTarget>,
        dry_runs: Vec<DryRun>,
    ) -> TicketCreate {
        let targets = findings
            .into_iter()
            .filter(|t| {
                dry_runs
                    .iter()
                    .any(|d| d.metadata_uid == t.metadata_uid && d.answer.is_ok())
            })
            .collect();
        TicketCreate {
            connector,
            targets,
            dry_runs,
            token_seed: String::new(),
        }
    }

    /// The ClientToken of the ticket for the finding `metadata_uid` (at most 64
    /// characters): `SEED-N`, N its place among the findings first planned, so a retried
    /// or re-planned call opens at most one ticket. `plan_id` stands in for a missing seed.
    pub fn client_token(&self, plan_id: &str, metadata_uid: &str) -> String {
        let seed = if self.token_seed.is_empty() {
            plan_id
        } else {
            &self.token_seed
        };
        let n = self
            .dry_runs
            .iter()
            .position(|d| d.metadata_uid == metadata_uid)
            .unwrap_or(self.dry_runs.len());
        format!("{seed}-{n}").chars().take(64).collect()
    }

    fn connector_line(&self) -> String {
        format!(
            "connector: {} ({}, {}, {})",
            self.connector.name,
            self.connector.provider_label(),
            self.connector.id,
            if self.connector.status.is_empty() {
                "UNKNOWN"
            } else {
                &self.connector.status
            }
        )
    }
}

impl PlannedChange for TicketCreate {
    fn operation(&self) -> &'static str {
        "securityhub:CreateTicketV2"
    }

    fn title(&self) -> String {
        format!(
            "open {} ticket(s) in {} ({})",
            self.targets.len(),
            self.connector.name,
            self.connector.provider_label()
        )
    }

    fn item_count(&self) -> usize {
        self.targets.len()
    }

    fn targets(&self) -> Vec<String> {
        self.targets
            .iter()
            .map(|t| t.metadata_uid.clone())
            .collect()
    }

    fn preview(&self) -> Vec<PreviewLine> {
        let mut lines = vec![
            PreviewLine::header(self.title()),
            PreviewLine::context(self.connector_line()),
            PreviewLine::new(
                LineKind::Warning,
                format!(
                    "no undo: AWS cannot take a ticket back; it stays in {}",
                    self.connector.provider_label()
                ),
            ),
            PreviewLine::context("AWS's DRYRUN answer (CreateTicketV2 Mode=DRYRUN), per finding:"),
        ];
        for d in &self.dry_runs {
            let title = self
                .targets
                .iter()
                .find(|t| t.metadata_uid == d.metadata_uid)
                .map_or("", |t| t.title.as_str());
            let (kind, answer) = match &d.answer {
                Ok(t) => (
                    LineKind::Added,
                    format!(
                        "+ would open ticket {} {}",
                        t.id,
                        t.url.as_deref().unwrap_or("(no URL)")
                    ),
                ),
                Err(e) => (LineKind::Removed, format!("- refused, left out: {e}")),
            };
            lines.push(PreviewLine::new(kind, answer));
            if !title.is_empty() {
                lines.push(PreviewLine::context(format!("    {title}")));
            }
            lines.push(PreviewLine::context(format!(
                "    finding {}",
                d.metadata_uid
            )));
        }
        lines
    }

    fn undo(&self, _succeeded: &[String]) -> Option<Change> {
        None
    }

    fn journal_values(&self) -> JournalValues {
        let mut values = JournalValues::default();
        for t in &self.targets {
            values.before.insert(t.metadata_uid.clone(), json!(null));
            values.after.insert(
                t.metadata_uid.clone(),
                json!({"connector": self.connector.id, "provider": self.connector.provider}),
            );
        }
        values
    }

    /// Still CONNECTED, and each finding still there; a finding gone is left out of the
    /// re-plan, a connector no longer connected leaves nothing to do.
    fn refresh(&self, now: &Rereads) -> Option<Refresh> {
        let mut moved = Vec::new();
        let connector_ok = match now.get(&self.connector.reread_key()) {
            Some(Reread::Found(Observed::Connector { status })) if status == CONNECTED => true,
            Some(Reread::Found(Observed::Connector { status })) => {
                moved.push(Moved::new(
                    &self.connector.name,
                    format!("connector {}", status_reason(status)),
                ));
                false
            }
            _ => {
                moved.push(Moved::new(
                    &self.connector.name,
                    "connector no longer exists",
                ));
                false
            }
        };
        let mut left = Vec::new();
        for t in &self.targets {
            match now.get(&t.metadata_uid) {
                Some(Reread::Found(Observed::Absent)) => {
                    moved.push(Moved::new(&t.metadata_uid, "finding no longer exists"))
                }
                _ => left.push(t.clone()),
            }
        }
        let replanned =
            (connector_ok && !left.is_empty() && left.len() < self.targets.len()).then(|| {
                Change::TicketCreate(Box::new(TicketCreate {
                    targets: left,
                    ..self.clone()
                }))
            });
        Some(Refresh { moved, replanned })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::plan::ChangePlan;

    fn connector(status: &str) -> Connector {
        Connector {
            id: "c-1".into(),
            name: "secops-jira".into(),
            arn: None,
            description: None,
            provider: "JIRA_CLOUD".into(),
            status: status.into(),
            enablement: None,
            health: None,
        }
    }

    fn target(uid: &str) -> TicketTarget {
        TicketTarget {
            metadata_uid: uid.into(),
            title: format!("finding {uid}"),
        }
    }

    fn change() -> TicketCreate {
        let ok = |uid: &str| DryRun {
            metadata_uid: uid.into(),
            answer: Ok(Ticket {
                id: "DRYRUN".into(),
                url: Some("https://jira.example.com/browse/DRYRUN".into()),
            }),
        };
        let refused = DryRun {
            metadata_uid: "c".into(),
            answer: Err("ResourceNotFoundException: no such finding".into()),
        };
        TicketCreate {
            token_seed: "seed".into(),
            ..TicketCreate::from_dry_runs(
                connector(CONNECTED),
                vec![target("a"), target("b"), target("c")],
                vec![ok("a"), ok("b"), refused],
            )
        }
    }

    #[test]
    fn only_findings_aws_would_ticket_are_planned_and_the_preview_says_there_is_no_undo() {
        let plan = ChangePlan::new("p", Change::TicketCreate(Box::new(change())));
        assert_eq!(plan.targets(), ["a", "b"]);
        assert_eq!(plan.undo(&plan.targets(), "u"), None);
        let text: Vec<String> = plan.preview().into_iter().map(|l| l.text).collect();
        assert!(text.iter().any(|l| l.contains("no undo")), "{text:?}");
        assert!(text.iter().any(|l| l.contains("would open ticket DRYRUN")));
        assert!(
            text.iter()
                .any(|l| l.contains("refused, left out") && l.contains("no such finding"))
        );
    }

    #[test]
    fn the_fresh_check_stops_on_a_failing_connector_and_drops_findings_that_are_gone() {
        let c = change();
        let reread = |status: &str, b_present: bool| -> Rereads {
            let found = |o| Reread::Found(o);
            [
                (
                    c.connector.reread_key(),
                    found(Observed::Connector {
                        status: status.into(),
                    }),
                ),
                ("a".into(), found(Observed::Present)),
                (
                    "b".into(),
                    found(if b_present {
                        Observed::Present
                    } else {
                        Observed::Absent
                    }),
                ),
            ]
            .into()
        };
        assert!(c.refresh(&reread(CONNECTED, true)).unwrap().is_fresh());
        let failing = c.refresh(&reread("FAILED_TO_CONNECT", true)).unwrap();
        assert_eq!(
            failing.replanned, None,
            "nothing can go to a failing connector"
        );
        assert!(failing.moved[0].what.contains("FAILED_TO_CONNECT"));
        let gone = c.refresh(&reread(CONNECTED, false)).unwrap();
        let Some(Change::TicketCreate(left)) = gone.replanned else {
            panic!("re-planned without b: {gone:?}")
        };
        assert_eq!(left.targets, [target("a")]);
        // The re-plan sends a's ticket under the token first planned: AWS answers with the
        // ticket it may already have opened rather than a second one.
        assert_eq!(
            left.client_token("plan-2", "a"),
            c.client_token("plan-1", "a")
        );
        assert_eq!(c.client_token("plan-1", "b"), "seed-1");
    }

    #[test]
    fn the_offered_comment_names_the_ticket_and_its_link() {
        let t = OpenedTicket {
            finding: "a".into(),
            ticket_id: "SEC-101".into(),
            url: Some("https://jira.example.com/browse/SEC-101".into()),
        };
        assert_eq!(
            t.comment(),
            "Ticket SEC-101: https://jira.example.com/browse/SEC-101"
        );
        assert!(
            connector("PENDING_AUTHORIZATION")
                .failing_reason()
                .unwrap()
                .contains("authorization")
        );
        assert_eq!(connector(CONNECTED).failing_reason(), None);
    }
}
