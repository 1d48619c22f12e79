//! The mutation executor with short waits, and change plans for findings.

use std::path::Path;
use std::time::Duration;

use secdeck::aws::AwsClients;
use secdeck::config::{AccessFlag, Config};
use secdeck::domain::finding::{FindingRef, WorkflowStatus};
use secdeck::domain::plan::{Change, ChangePlan, FindingEdit, FindingsUpdate, TriageFields};
use secdeck::journal::{Journal, JournalContext};
use secdeck::sandbox::Sandbox;
use secdeck::tasks::{ExecutorOptions, MutationExecutor, RetryPolicy, SessionMode};

use super::findings::PRODUCT_ARN;

pub fn fast_options() -> ExecutorOptions {
    ExecutorOptions {
        retry: RetryPolicy {
            max_retries: 10,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(400),
        },
        verify_attempts: 3,
        verify_delay: Duration::from_millis(10),
        note_author: "test-analyst".into(),
    }
}

/// A write-access executor journaling to `journal` (profile "test", us-east-1).
pub fn executor(clients: AwsClients, journal: &Path, options: ExecutorOptions) -> MutationExecutor {
    let SessionMode::ReadWrite(access) =
        SessionMode::resolve(AccessFlag::Write, &Config::default(), "default")
    else {
        panic!("--write must give write access");
    };
    let context = JournalContext {
        region: "us-east-1".into(),
        profile: Some("test".into()),
        ..Default::default()
    };
    MutationExecutor::new(
        access,
        clients,
        Journal::open(journal).unwrap(),
        context,
        options,
    )
}

/// `f-NNNN` for each number of `range` (the ids of `findings::finding`).
pub fn ids(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("f-{i:04}")).collect()
}

/// A plan setting each finding's workflow from NEW to `to`.
pub fn workflow_plan(id: &str, ids: &[String], to: WorkflowStatus) -> ChangePlan {
    edits_plan(
        id,
        ids.iter()
            .map(|i| {
                (
                    i.as_str(),
                    TriageFields {
                        workflow: Some(to),
                        ..Default::default()
                    },
                )
            })
            .collect(),
    )
}

/// A plan editing each finding (workflow NEW before) to its `TriageFields`.
pub fn edits_plan(id: &str, edits: Vec<(&str, TriageFields)>) -> ChangePlan {
    let edits = edits
        .into_iter()
        .map(|(fid, after)| FindingEdit {
            finding: FindingRef {
                id: fid.to_string(),
                product_arn: PRODUCT_ARN.into(),
            },
            title: format!("finding {fid}"),
            before: TriageFields {
                workflow: Some(WorkflowStatus::New),
                ..Default::default()
            },
            after,
        })
        .collect();
    ChangePlan::new(id, Change::FindingsUpdate(FindingsUpdate { edits }))
}

/// The finding's workflow status as the sandbox holds it.
pub fn workflow_of(sandbox: &Sandbox, id: &str) -> String {
    sandbox.finding(id).expect("finding exists in the sandbox")["Workflow"]["Status"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Executes `plan`, failing the test unless every part of it succeeded; returns the undo
/// AWS allows.
pub async fn execute_ok(ex: &MutationExecutor, plan: ChangePlan) -> Option<ChangePlan> {
    let (outcome, undo) = ex.execute(plan).await;
    assert!(outcome.is_complete_success(), "{outcome:?}");
    undo
}
