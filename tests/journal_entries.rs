//! The change journal: intent and outcome entries, permissions, append-only JSON lines,
//! and corrupt lines reported by line number.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;

use secdeck::domain::finding::{FindingRef, WorkflowStatus};
use secdeck::domain::plan::{
    Change, ChangeOutcome, ChangePlan, FindingEdit, FindingsUpdate, TargetFailure, TriageFields,
};
use secdeck::journal::{Entry, Journal, JournalContext, JournalError, Phase, ResultStatus};

fn plan(ids: &[&str]) -> ChangePlan {
    let edits = ids
        .iter()
        .map(|id| FindingEdit {
            finding: FindingRef {
                id: id.to_string(),
                product_arn: "arn:aws:securityhub:us-east-1::product/aws/guardduty".into(),
            },
            title: format!("finding {id}"),
            resource: String::new(),
            before: TriageFields {
                workflow: Some(WorkflowStatus::New),
                ..Default::default()
            },
            after: TriageFields {
                workflow: Some(WorkflowStatus::Notified),
                ..Default::default()
            },
        })
        .collect();
    ChangePlan::new("plan-1", Change::FindingsUpdate(FindingsUpdate { edits }))
}

fn ctx() -> JournalContext {
    JournalContext {
        caller_arn: Some("arn:aws:iam::111122223333:user/alice".into()),
        account: Some("111122223333".into()),
        profile: Some("prod".into()),
        region: "eu-west-1".into(),
        endpoint: None,
    }
}

fn outcome(succeeded: &[&str], failed: &[&str]) -> ChangeOutcome {
    ChangeOutcome {
        plan_id: "plan-1".into(),
        succeeded: succeeded.iter().map(|s| s.to_string()).collect(),
        failed: failed
            .iter()
            .map(|t| TargetFailure {
                target: t.to_string(),
                code: "FindingNotFound".into(),
                message: "Finding Not Found".into(),
            })
            .collect(),
        unverified: vec![],
        request_ids: vec!["req-1".into()],
        error: None,
        ..Default::default()
    }
}

#[test]
fn intent_and_outcome_are_paired_by_plan_id_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state/secdeck/journal.jsonl");
    let journal = Journal::open(&path).unwrap();
    let plan = plan(&["a", "b"]);
    journal.append(&Entry::intent(&ctx(), &plan)).unwrap();
    journal
        .append(&Entry::outcome(&ctx(), &plan, &outcome(&["a"], &["b"])))
        .unwrap();

    let entries = Journal::read_all(&path).unwrap();
    assert_eq!(entries.len(), 2);
    let (intent, done) = (&entries[0], &entries[1]);
    assert_eq!((intent.phase, done.phase), (Phase::Intent, Phase::Outcome));
    assert_eq!(intent.plan_id, done.plan_id);
    assert_eq!(intent.operation, "securityhub:BatchUpdateFindings");
    assert_eq!(intent.targets, ["a", "b"]);
    assert_eq!(intent.before["a"]["workflow"], "NEW");
    assert_eq!(intent.after["b"]["workflow"], "NOTIFIED");
    assert_eq!(intent.result, None, "an intent has no result yet");
    assert_eq!(
        intent.change, plan,
        "the whole plan is kept for undo-from-journal"
    );
    let result = done.result.as_ref().unwrap();
    assert_eq!(result.status, ResultStatus::Partial);
    assert_eq!(result.failures[0].target, "b");
    assert_eq!(done.aws_request_ids, ["req-1"]);
    assert_eq!(
        done.caller_arn.as_deref(),
        Some("arn:aws:iam::111122223333:user/alice")
    );
}

#[test]
fn each_entry_is_one_json_line_with_the_documented_fields() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    let journal = Journal::open(&path).unwrap();
    let plan = plan(&["a"]);
    journal.append(&Entry::intent(&ctx(), &plan)).unwrap();
    journal
        .append(&Entry::outcome(&ctx(), &plan, &outcome(&["a"], &[])))
        .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(text.ends_with('\n'));
    let v: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
    for field in [
        "time",
        "plan_id",
        "phase",
        "caller_arn",
        "profile",
        "account",
        "region",
        "operation",
        "targets",
        "before",
        "after",
        "aws_request_ids",
        "result",
        "change",
    ] {
        assert!(v.get(field).is_some(), "missing {field} in {v}");
    }
    assert_eq!(v["phase"], "outcome");
    assert_eq!(v["result"]["status"], "ok");
    let time = v["time"].as_str().unwrap();
    assert!(time.ends_with('Z'), "RFC 3339 UTC: {time}");
    time::OffsetDateTime::parse(time, &time::format_description::well_known::Rfc3339).unwrap();
    assert!(
        !text.to_lowercase().contains("secret"),
        "no credentials in the journal"
    );
}

#[test]
fn journal_file_is_private_and_new_dirs_are_0700() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new/deeper/journal.jsonl");
    Journal::open(&path).unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&dir.path().join("new/deeper")), 0o700);
    assert_eq!(mode(&dir.path().join("new")), 0o700);
}

#[test]
fn an_existing_world_readable_journal_is_tightened_and_appended_to() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    let plan = plan(&["a"]);
    Journal::open(&path)
        .unwrap()
        .append(&Entry::intent(&ctx(), &plan))
        .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let journal = Journal::open(&path).unwrap();
    journal.append(&Entry::intent(&ctx(), &plan)).unwrap();
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(
        Journal::read_all(&path).unwrap().len(),
        2,
        "appended, not truncated"
    );
}

#[test]
fn a_corrupt_line_is_reported_with_its_line_number() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    let journal = Journal::open(&path).unwrap();
    journal
        .append(&Entry::intent(&ctx(), &plan(&["a"])))
        .unwrap();
    // A crash mid-write could leave half a line.
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap()
        .write_all(b"{\"time\": \"2024-01-01T00:00:00Z\", \"plan_id\"\n")
        .unwrap();
    let err = Journal::read_all(&path).unwrap_err();
    assert!(
        matches!(err, JournalError::Parse { line: 2, .. }),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("{}:2: not a journal entry", path.display())),
        "{text}"
    );
}

#[test]
fn concurrent_appends_never_interleave_within_a_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    let journal = std::sync::Arc::new(Journal::open(&path).unwrap());
    let ids: Vec<String> = (0..200).map(|i| format!("finding-{i}")).collect();
    let big = plan(&ids.iter().map(String::as_str).collect::<Vec<_>>());
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let (journal, big) = (journal.clone(), big.clone());
            std::thread::spawn(move || {
                for _ in 0..10 {
                    journal.append(&Entry::intent(&ctx(), &big)).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(Journal::read_all(&path).unwrap().len(), 40);
}
