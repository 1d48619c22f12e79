//! Another writer on the sandbox, for the findings store's tests: random rounds of
//! changes through both findings APIs (new, updated and archived findings, notes,
//! workflow, status and severity changes), and the sandbox's findings read back to
//! compare a store with.

use aws_sdk_securityhub::types::{NoteUpdate, RecordState, WorkflowStatus};
use secdeck::aws::ocsf_filters::ocsf_finding_filters;
use secdeck::aws::retry::{Pacer, RetryPolicy};
use secdeck::aws::securityhub::get_all_findings;
use secdeck::aws::securityhub_v2::{OcsfQuery, get_all_findings as get_all_v2};
use secdeck::domain::filter::FindingFilters;
use secdeck::domain::finding::Finding;
use secdeck::domain::ocsf_filter::OcsfFilters;
use secdeck::domain::ocsf_finding::from_ocsf;
use serde_json::Value;

use super::env::TestEnv;
use super::hub::{ident, sdk_builder, set_workflow};

pub fn now() -> String {
    let f = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    time::OffsetDateTime::now_utc().format(&f).unwrap()
}

/// A small deterministic generator (xorshift), one seed a round, so a failure names its round.
pub struct Rng(pub u64);

impl Rng {
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// (id, document) of each finding, sorted: what "the same findings" means.
pub fn documents(findings: &[Finding]) -> Vec<(String, Value)> {
    let mut docs: Vec<_> = findings
        .iter()
        .map(|f| (f.id.clone(), f.raw.value()))
        .collect();
    docs.sort_by(|a, b| a.0.cmp(&b.0));
    docs
}

/// Another writer's note on finding `id` (it stamps NoteUpdatedAt).
pub async fn note(hub: &aws_sdk_securityhub::Client, id: &str, text: &str) {
    hub.batch_update_findings()
        .finding_identifiers(ident(id))
        .note(
            NoteUpdate::builder()
                .text(text)
                .updated_by("other-writer")
                .build(),
        )
        .send()
        .await
        .unwrap();
}

/// Which findings API a round of changes is checked through. On OCSF no triage change
/// moves a time stamp, so a change there always changes a status or a severity (what the
/// delta's count check sees); a comment alone waits for the next full fetch.
#[derive(Clone, Copy, PartialEq)]
pub enum Side {
    Asff,
    Ocsf,
}

/// One round of another writer's changes: new findings, provider updates, archives,
/// notes (on OCSF: status or severity changes with a comment through
/// BatchUpdateFindingsV2), and workflow changes made with a note.
pub async fn random_changes(env: &TestEnv, rng: &mut Rng, round: usize, side: Side) -> Vec<String> {
    let hub = env.hub();
    let mut done = Vec::new();
    for step in 0..3 + rng.below(4) {
        let target = format!("f-{:04}", rng.below(30));
        let stamp = now();
        match rng.below(5) {
            0 => {
                let new = sdk_builder(1000 + round * 10 + step)
                    .updated_at(&stamp)
                    .build();
                hub.batch_import_findings()
                    .findings(new)
                    .send()
                    .await
                    .unwrap();
                done.push(format!("new sdk-{}", 1000 + round * 10 + step));
            }
            kind @ (1 | 2) => {
                let mut update = sdk_builder(0)
                    .id(&target)
                    .title(format!("updated in round {round}"))
                    .updated_at(&stamp);
                if kind == 2 {
                    update = update.record_state(RecordState::Archived);
                }
                let out = hub
                    .batch_import_findings()
                    .findings(update.build())
                    .send()
                    .await;
                out.unwrap();
                done.push(format!("{} {target}", ["", "update", "archive"][kind]));
            }
            3 if side == Side::Ocsf => done.push(triage_v2(env, rng, &target).await),
            3 => {
                note(&hub, &target, &format!("note {round}.{step}")).await;
                done.push(format!("note {target}"));
            }
            _ => {
                let mut status =
                    [WorkflowStatus::Resolved, WorkflowStatus::New][rng.below(2)].clone();
                // On OCSF a note on an unchanged status would be a comment alone.
                if side == Side::Ocsf && asff_workflow(env, &target).await.as_ref() == Some(&status)
                {
                    status = match status {
                        WorkflowStatus::New => WorkflowStatus::Resolved,
                        _ => WorkflowStatus::New,
                    };
                }
                set_workflow(&hub, &target, status.clone()).await;
                note(&hub, &target, &format!("{status:?} by another writer")).await;
                done.push(format!("workflow {status:?} {target}"));
            }
        }
    }
    done
}

/// Finding `id`'s ASFF workflow status now.
async fn asff_workflow(env: &TestEnv, id: &str) -> Option<WorkflowStatus> {
    let (ids, hub) = (FindingFilters::by_ids([id]), env.clients().securityhub);
    let (pacer, retry) = (Pacer::unlimited(), RetryPolicy::default());
    let found = get_all_findings(&hub, &ids, &pacer, &retry).await.unwrap();
    Some(WorkflowStatus::from(found.first()?.workflow?.as_str()))
}

/// What GetFindingsV2 answers now for `filter` (the OCSF grammar), as rows.
pub async fn ocsf_now(env: &TestEnv, filter: &str) -> Vec<Finding> {
    let query = OcsfQuery {
        filters: ocsf_finding_filters(&OcsfFilters::compile(filter).unwrap()),
        ..OcsfQuery::default()
    };
    let (hub, retry) = (env.hub(), RetryPolicy::default());
    let docs = get_all_v2(&hub, &query, &retry).await.unwrap();
    docs.into_iter().map(|d| from_ocsf(d).unwrap()).collect()
}

/// Another writer's BatchUpdateFindingsV2 on `id`: a status or severity it does not
/// have now, with a comment.
async fn triage_v2(env: &TestEnv, rng: &mut Rng, id: &str) -> String {
    let doc = ocsf_now(env, &format!("metadata.uid={id}")).await[0]
        .raw
        .value();
    let (field, ids): (&str, &[i32]) = match rng.below(3) {
        0 => ("severity_id", &[1, 2, 3, 4, 5, 6]),
        _ => ("status_id", &[1, 2, 3, 4, 5]),
    };
    let now = doc[field].as_i64().unwrap_or(0);
    let others: Vec<i32> = ids
        .iter()
        .copied()
        .filter(|v| i64::from(*v) != now)
        .collect();
    let value = others[rng.below(others.len())];
    let update = env.hub().batch_update_findings_v2().metadata_uids(id);
    let update = match field {
        "severity_id" => update.severity_id(value),
        _ => update.status_id(value),
    };
    let comment = format!("{field} {value} by another writer");
    let out = update.comment(&comment).send().await.unwrap();
    assert_eq!(out.processed_findings().len(), 1, "{out:?}");
    format!("{comment} on {id}")
}
