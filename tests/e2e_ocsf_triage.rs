//! Triage of OCSF findings (the new Security Hub, `--findings-api ocsf`) from the keys, end
//! to end on the in-process sandbox: a bulk status change over marked findings through
//! BatchUpdateFindingsV2 (typed count, batches of 100, unprocessed findings shown with
//! their codes and retried, then undone), and the fresh-state check re-planning a change
//! whose finding another writer moved. AWS's state is read back through GetFindingsV2
//! after each step, and every V2 request is checked against botocore's model.

mod common;

use common::exchanges::{check_v2_requests, hub_with_exchanges};
use common::hub::ocsf_states;
use common::*;
use secdeck::config::AccessFlag;
use secdeck::domain::findings_api::FindingsApi;
use secdeck::domain::ocsf_triage::OcsfTriage;
use secdeck::domain::plan::{Change, ChangePlan, OcsfEdit, OcsfFindingsUpdate};
use secdeck::journal::{Journal, Phase};
use secdeck::sandbox::{Fault, ItemFault};

/// A read-write console on OCSF over a sandbox holding `findings(n)`, once they are loaded.
async fn ocsf_console(n: usize) -> ConsoleEnv {
    let mut console = TestEnv::findings(findings(n))
        .await
        .console_with(AccessFlag::Unset, |p| p.findings_api = FindingsApi::Ocsf)
        .await;
    wait_until(&mut console, "the OCSF findings", |s| {
        findings_loaded(s) && s.findings.on_ocsf() && s.findings.total() == n
    })
    .await;
    console
}

/// The uids GetFindingsV2 shows at `status_id`.
async fn at_status(hub: &aws_sdk_securityhub::Client, status: i64) -> Vec<String> {
    ocsf_states(hub)
        .await
        .into_iter()
        .filter(|(_, (s, _))| *s == status)
        .map(|(uid, _)| uid)
        .collect()
}

#[test]
fn a_bulk_status_change_goes_in_batches_of_100_and_its_unprocessed_findings_are_retried_then_undone()
 {
    big_stack(|| async {
        let mut run = ocsf_console(105).await;
        let (hub, exchanges) = hub_with_exchanges(&run.env);
        let conflicted = ["f-0003", "f-0042"];
        run.sandbox().inject_targeted_item_fault(ItemFault::ids(
            "BatchUpdateFindingsV2",
            &conflicted,
            1,
            "ConflictException",
        ));

        // Mark all, `w`, In Progress: 105 findings need the count typed.
        press(&mut run, "<c-a>wi");
        let text = preview_text(&run.state);
        assert_contains_all(
            &text,
            &[
                "Set status In Progress on 105 OCSF finding(s)",
                "105 finding(s):",
                "- status New",
                "+ status In Progress",
            ],
        );
        press(&mut run, "y");
        assert!(previewing(&run.state), "y alone does not approve 105");
        press(&mut run, "105<enter>");
        let message = wait_for_message(&mut run, "not updated").await;
        assert_eq!(
            message,
            "2 finding(s) not updated: ConflictException ×2 (ctrl-r retries them)"
        );
        wait_until(&mut run, "the reload", |s| idle(s) && findings_loaded(s)).await;
        assert_shows(&run.state, &["not updated: ConflictException ×2"]);

        let sent = calls(run.sandbox(), "BatchUpdateFindingsV2");
        let sizes: Vec<usize> = sent
            .iter()
            .map(|c| c["MetadataUids"].as_array().unwrap().len())
            .collect();
        assert_eq!(sizes, [100, 5], "batches of 100");
        assert!(
            sent.iter()
                .all(|c| c["StatusId"] == 2 && c.get("Comment").is_none())
        );
        assert_eq!(
            at_status(&hub, 1).await,
            conflicted,
            "AWS: only these left New"
        );
        assert_eq!(at_status(&hub, 2).await.len(), 103);
        assert_eq!(
            run.state.findings.marks.len(),
            2,
            "the unprocessed stay marked"
        );

        // ctrl-r retries the two; they go through this time.
        press(&mut run, "<c-r>");
        assert_contains_all(
            &preview_text(&run.state),
            &[
                "Set status In Progress on 2 OCSF finding(s)",
                "Finding 0003",
                "Finding 0042",
            ],
        );
        press_until(&mut run, "y", "the retry", changed).await;
        assert!(at_status(&hub, 1).await.is_empty(), "AWS: all In Progress");
        assert_eq!(run.state.findings.retry, None);

        // `u` puts the retried two back to New.
        press(&mut run, "u");
        assert_contains_all(
            &preview_text(&run.state),
            &[
                "Set status New on 2 OCSF finding(s)",
                "- status In Progress",
                "+ status New",
            ],
        );
        press_until(&mut run, "y", "the undo", changed).await;
        assert_eq!(at_status(&hub, 1).await, conflicted, "AWS: undone");
        assert_eq!(at_status(&hub, 2).await.len(), 103);

        // Journaled as OCSF updates: three intents, three outcomes.
        let entries = Journal::read_all(run.journal()).unwrap();
        assert_eq!(entries.len(), 6);
        assert!(
            entries
                .iter()
                .all(|e| matches!(e.change.change, Change::OcsfFindingsUpdate(_)))
        );
        let first = entries.iter().find(|e| e.phase == Phase::Outcome).unwrap();
        let result = first.result.as_ref().unwrap();
        assert_eq!((result.succeeded.len(), result.failures.len()), (103, 2));

        let ops = check_v2_requests(run.sandbox());
        assert_eq!(
            ops.iter().filter(|o| *o == "BatchUpdateFindingsV2").count(),
            4
        );
        common::model::ServiceModel::load("securityhub").check_exchanges(&exchanges.taken());
    });
}

#[test]
fn a_finding_another_writer_moved_is_re_planned_and_nothing_is_written() {
    big_stack(|| async {
        let mut run = ocsf_console(3).await;
        let (hub, exchanges) = hub_with_exchanges(&run.env);
        let uid = run.state.findings.selected_finding().unwrap().id.clone();
        press(&mut run, "wi");
        assert!(preview_text(&run.state).contains("- status New"));

        // A colleague resolves it between the preview and the approval.
        let out = hub
            .batch_update_findings_v2()
            .metadata_uids(&uid)
            .status_id(4)
            .comment("fixed by the platform team")
            .send()
            .await
            .unwrap();
        assert_eq!(out.processed_findings().len(), 1);
        press(&mut run, "y");
        wait_until(&mut run, "the re-planned preview", |s| {
            previewing(s) && !s.pipeline.moved.is_empty()
        })
        .await;

        assert_eq!(
            ocsf_states(&hub).await[&uid],
            (4, Some("fixed by the platform team".into())),
            "AWS: not overwritten"
        );
        assert_eq!(
            count(run.sandbox(), "BatchUpdateFindingsV2"),
            1,
            "only theirs"
        );
        assert!(
            Journal::read_all(run.journal())
                .unwrap_or_default()
                .is_empty()
        );
        assert_shows(&run.state, &["! moved: status New -> Resolved"]);
        let text = preview_text(&run.state);
        assert_contains_all(&text, &["- status Resolved", "+ status In Progress"]);

        // Approving the new preview writes; its undo puts back Resolved, not New.
        press_until(&mut run, "y", "the change", changed).await;
        assert_eq!(ocsf_states(&hub).await[&uid].0, 2);
        press(&mut run, "u");
        assert!(preview_text(&run.state).contains("+ status Resolved"));
        check_v2_requests(run.sandbox());
        common::model::ServiceModel::load("securityhub").check_exchanges(&exchanges.taken());
    });
}

#[test]
fn a_write_whose_answer_is_lost_is_settled_from_what_get_findings_v2_shows() {
    big_stack(|| async {
        let env = TestEnv::findings(findings(3)).await;
        let resolve = |uid: &str| OcsfEdit {
            uid: uid.into(),
            title: format!("finding {uid}"),
            resource: String::new(),
            before: OcsfTriage {
                status_id: Some(1),
                ..Default::default()
            },
            after: OcsfTriage {
                status_id: Some(4),
                ..Default::default()
            },
        };
        let plan = ChangePlan::new(
            "p1",
            Change::OcsfFindingsUpdate(Box::new(OcsfFindingsUpdate {
                edits: vec![resolve("f-0000"), resolve("f-0001")],
            })),
        );
        // Applied, then answered 500 (every SDK retry too).
        env.inject_fault(Fault::applied_then_failed(
            "BatchUpdateFindingsV2",
            10,
            500,
            "InternalServerException",
        ));
        let (outcome, undo) = env.executor().execute(plan).await;
        let mut applied = outcome.succeeded.clone();
        applied.sort();
        assert_eq!(applied, ["f-0000", "f-0001"], "{outcome:?}");
        assert!(outcome.failed.is_empty(), "{outcome:?}");
        assert!(outcome.write_error.is_some());
        assert!(undo.is_some(), "an applied change can be undone");
        assert_eq!(at_status(&env.hub(), 4).await, ["f-0000", "f-0001"]);
    });
}
