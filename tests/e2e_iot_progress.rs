//! Headless end-to-end of the audits pane's follow-ups on a real console session over
//! the in-process sandbox: an on-demand audit seen IN_PROGRESS (checks done / total) and
//! then COMPLETED with its findings; the suppressions view listing, editing and deleting
//! suppressions through the pipeline; an import whose FailedFindings are listed with
//! their error codes and retried with ctrl-r until nothing is lost; and a read-only
//! session that can open the suppressions view but reach none of these changes.

mod common;

use std::cell::Cell;

use aws_sdk_iot::primitives::DateTime;
use aws_sdk_iot::types::ResourceIdentifier;
use common::iot::*;
use common::*;
use secdeck::app::panes::audits::Load;
use secdeck::config::AccessFlag;
use secdeck::sandbox::Fault;
use secdeck::sandbox::seed::Seed;

fn overview_loaded(s: &secdeck::app::State) -> bool {
    s.audits.overview_status == Load::Loaded
}

/// A console on a world without findings, with an IoT client on its sandbox.
async fn audits_console(access: AccessFlag) -> (ConsoleEnv, aws_sdk_iot::Client) {
    let c = TestEnv::new(Seed::default()).await.console(access).await;
    let iot = c.env.iot();
    (c, iot)
}

async fn open_audits(c: &mut ConsoleEnv) {
    press(c, "4");
    wait_until(c, "the audits overview", overview_loaded).await;
}

async fn open_suppressions(c: &mut ConsoleEnv) {
    press(c, "L");
    wait_until(c, "the suppressions", |s| {
        s.audits
            .suppressions_view
            .as_ref()
            .is_some_and(|v| v.status == Load::Loaded)
    })
    .await;
}

#[test]
fn an_on_demand_audit_shows_in_progress_then_completed_with_its_findings() {
    big_stack(|| async {
        let (mut c, iot) = audits_console(AccessFlag::Write).await;
        // Slow polls at first, so the running audit's (empty) findings are read before
        // it can finish; polls are counted, not timed, so this only orders the reads.
        c.state.audits.poll_every = Some(300);
        let sb = c.sandbox().clone();
        // Eight checks revealed over eight polls.
        sb.set_iot_audit_polls(8);
        create_policy(&iot, "dev-allow-all", BROAD).await;
        open_audits(&mut c).await;

        press(&mut c, "o<enter>");
        assert!(previewing(&c.state), "{}", screen(&c.state));
        press_until(&mut c, "y", "the started audit, running", |s| {
            s.audits.tasks().first().is_some_and(|t| {
                t.task_status == "IN_PROGRESS"
                    && s.audits.findings_task.as_deref() == Some(t.task_id.as_str())
            }) && s.audits.findings_status == Load::Loaded
        })
        .await;
        let text = screen(&c.state);
        assert!(text.contains("IN_PROGRESS "), "{text}");
        assert!(text.contains("audit in progress:"), "{text}");
        assert!(!text.contains("CRITICAL IOT_POLICY"), "{text}");

        // Progress moves on while the console stays responsive (polls are tasks).
        c.state.audits.poll_every = Some(10);
        let most_done = Cell::new(0);
        wait_until(&mut c, "the audit to complete", |s| {
            let Some(t) = s.audits.tasks().first() else {
                return false;
            };
            if !t.is_finished() {
                most_done.set(most_done.get().max(t.checks_done().0));
            }
            t.task_status == "COMPLETED"
                && s.audits.findings_status == Load::Loaded
                && !s.audits.rows.is_empty()
        })
        .await;
        assert!(
            (1..8).contains(&most_done.get()),
            "progress between 0 and 8 checks was seen: {}",
            most_done.get()
        );
        assert_shows(
            &c.state,
            &["COMPLETED", "CRITICAL IOT_POLICY_OVERLY_PERMISSIVE_CHECK"],
        );
        let polls = count(&sb, "DescribeAuditTask");
        assert!(polls >= 8, "{polls} DescribeAuditTask");
    });
}

#[test]
fn a_mitigation_shows_in_progress_then_completed_on_its_finding_row() {
    big_stack(|| async {
        let (mut c, iot) = audits_console(AccessFlag::Write).await;
        c.state.audits.poll_every = Some(10);
        let sb = c.sandbox().clone();
        sb.set_iot_audit_polls(0);
        create_policy(&iot, "dev-allow-all", BROAD).await;
        open_audits(&mut c).await;
        press(&mut c, "o<enter>");
        press_until(&mut c, "y", "the audit's findings", |s| {
            idle(s) && s.audits.findings_status == Load::Loaded && !s.audits.rows.is_empty()
        })
        .await;
        // The task stays running over several listings; slow polls first, so the
        // running state is on screen before it can finish.
        sb.set_iot_mitigation_polls(4);
        c.state.audits.poll_every = Some(300);
        press(&mut c, "<enter>j");
        let finding = c
            .state
            .audits
            .selected_finding()
            .and_then(|f| f.finding_id.clone())
            .expect("a finding is selected");
        press(&mut c, ":mitigate ReplaceWithRestrictivePolicy<enter>");
        assert!(previewing(&c.state), "{}", screen(&c.state));
        press_until(&mut c, "y", "the mitigation, running", |s| {
            idle(s) && s.audits.mitigation_status.contains_key(&finding)
        })
        .await;
        assert_eq!(
            c.state
                .audits
                .mitigation_status
                .get(&finding)
                .map(String::as_str),
            Some("mitigation IN_PROGRESS"),
            "pending is not success"
        );
        assert_shows(&c.state, &["[mitigation IN_PROGRESS]"]);
        c.state.audits.poll_every = Some(10);
        wait_until(&mut c, "the mitigation to complete", |s| {
            s.audits.mitigation_status.get(&finding).map(String::as_str)
                == Some("mitigation COMPLETED")
        })
        .await;
        assert_shows(&c.state, &["[mitigation COMPLETED]"]);
        let polls = count(&sb, "ListAuditMitigationActionsExecutions");
        // The executor's first read, then the console's polls until it finished.
        assert!(polls >= 3, "{polls} execution listings");
    });
}

#[test]
fn an_audit_of_chosen_checks_and_a_chosen_tasks_window() {
    big_stack(|| async {
        let (mut c, _) = audits_console(AccessFlag::Write).await;
        let sb = c.sandbox().clone();
        sb.set_iot_audit_polls(0);
        open_audits(&mut c).await;
        assert_shows(&c.state, &["last 90d"]);

        // `o` opens the picker with every enabled check; the line is edited down to two.
        press(&mut c, "o");
        assert_shows(&c.state, &[":audit "]);
        press(
            &mut c,
            "<esc>:audit LOGGING_DIS<tab>,IOT_POLICY_OVERLY<tab><enter>",
        );
        assert!(previewing(&c.state), "{}", screen(&c.state));
        press_until(&mut c, "y", "the audit", audits_settled).await;
        let started: Vec<_> = sb
            .requests()
            .into_iter()
            .filter(|r| r.operation == "StartOnDemandAuditTask")
            .collect();
        assert_eq!(started.len(), 1);
        assert_eq!(
            started[0].params["targetCheckNames"],
            serde_json::json!([
                "LOGGING_DISABLED_CHECK",
                "IOT_POLICY_OVERLY_PERMISSIVE_CHECK"
            ])
        );

        // A 7-day window: the tasks are re-read from 7 days ago and the title says so.
        sb.clear_requests();
        press_until(&mut c, ":audits 7d<enter>", "the re-read", overview_loaded).await;
        let listed = sb
            .requests()
            .into_iter()
            .find(|r| r.operation == "ListAuditTasks")
            .expect("ListAuditTasks");
        let start = &listed.params["startTime"];
        let start = start
            .as_str()
            .and_then(|s| {
                time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()
            })
            .unwrap_or_else(|| panic!("startTime {start}"));
        let days = (time::OffsetDateTime::now_utc() - start).as_seconds_f64() / 86_400.0;
        assert!((6.9..7.1).contains(&days), "window of {days} days");
        assert_shows(&c.state, &["last 7d"]);
    });
}

fn client_id(id: &str) -> ResourceIdentifier {
    ResourceIdentifier::builder().client_id(id).build()
}

async fn suppress(iot: &aws_sdk_iot::Client, id: &str, days: Option<i64>, description: &str) {
    let mut req = iot
        .create_audit_suppression()
        .check_name(PERMISSIVE)
        .resource_identifier(client_id(id))
        .description(description)
        .client_request_token(id);
    req = match days {
        Some(d) => req.expiration_date(DateTime::from_secs(
            time::OffsetDateTime::now_utc().unix_timestamp() + d * 86_400,
        )),
        None => req.suppress_indefinitely(true),
    };
    req.send().await.unwrap();
}

async fn suppressions(iot: &aws_sdk_iot::Client) -> Vec<aws_sdk_iot::types::AuditSuppression> {
    iot.list_audit_suppressions()
        .send()
        .await
        .unwrap()
        .suppressions()
        .to_vec()
}

#[test]
fn the_suppressions_view_lists_edits_and_deletes_through_the_pipeline() {
    big_stack(|| async {
        let (mut c, iot) = audits_console(AccessFlag::Write).await;
        let journal = c.journal().to_path_buf();
        suppress(&iot, "soon", Some(3), "demo fleet").await;
        suppress(&iot, "later", Some(60), "pilot").await;
        suppress(&iot, "lab", None, "lab devices").await;

        open_audits(&mut c).await;
        open_suppressions(&mut c).await;
        assert_shows(
            &c.state,
            &[
                "Suppressions (3) · 1 expiring within 7 days",
                "indefinitely",
                "(in 3d)",
            ],
        );

        // Edit the first (soonest) one: indefinitely, with a new description.
        press(&mut c, "p");
        assert!(
            screen(&c.state).contains(":suppress 20"),
            "the prompt offers the current date: {}",
            screen(&c.state)
        );
        press(&mut c, "<esc>:suppress forever renewed for the lab<enter>");
        assert!(previewing(&c.state), "{}", screen(&c.state));
        assert_shows(&c.state, &["Change suppression"]);
        press_until(&mut c, "y", "the edit", |s| {
            idle(s) && !s.audits.is_loading() && s.audits.suppressions().len() == 3
        })
        .await;
        let now = suppressions(&iot).await;
        let soon = now
            .iter()
            .find(|s| s.resource_identifier().and_then(|r| r.client_id()) == Some("soon"))
            .unwrap();
        assert_eq!(soon.suppress_indefinitely(), Some(true));
        assert_eq!(soon.description(), Some("renewed for the lab"));
        wait_until(&mut c, "the view to show it", |s| {
            s.audits
                .suppressions()
                .iter()
                .all(|x| !s.audits.is_expiring(x))
        })
        .await;
        assert_shows(&c.state, &["0 expiring within 7 days"]);

        // Delete the one that now comes first (the 60-day one).
        press(&mut c, "g");
        press(&mut c, "P");
        assert!(previewing(&c.state), "{}", screen(&c.state));
        press_until(&mut c, "y", "the delete", |s| {
            idle(s) && s.audits.suppressions().len() == 2
        })
        .await;
        let left: Vec<String> = suppressions(&iot)
            .await
            .iter()
            .filter_map(|s| s.resource_identifier()?.client_id().map(str::to_string))
            .collect();
        assert_eq!(left.len(), 2);
        assert!(!left.contains(&"later".to_string()), "{left:?}");
        assert_shows(&c.state, &["Suppressions (2)"]);
        press(&mut c, "<esc>");
        assert!(c.state.audits.suppressions_view.is_none());

        let journal = std::fs::read_to_string(&journal).unwrap();
        assert!(journal.contains("iot:UpdateAuditSuppression"));
        assert!(journal.contains("iot:DeleteAuditSuppression"));
    });
}

#[test]
fn the_suppressions_view_reads_every_page() {
    big_stack(|| async {
        let (mut c, iot) = audits_console(AccessFlag::Write).await;
        let sb = c.sandbox().clone();
        for i in 0..260 {
            suppress(&iot, &format!("device-{i:03}"), None, "fleet").await;
        }
        suppress(&iot, "soon", Some(2), "demo").await;
        open_audits(&mut c).await;
        sb.clear_requests();
        open_suppressions(&mut c).await;
        let pages = count(&sb, "ListAuditSuppressions");
        assert_eq!(pages, 2, "250 a page");
        assert_shows(&c.state, &["Suppressions (261) · 1 expiring within 7 days"]);
        press(&mut c, "G");
        assert_shows(&c.state, &["device-259"]);
    });
}

#[test]
fn failed_findings_of_an_import_are_listed_and_retried_until_none_is_lost() {
    big_stack(|| async {
        let (mut c, _) = audits_console(AccessFlag::Write).await;
        let sb = c.sandbox().clone();
        let before = sb.finding_count();
        sb.generate_iot_audit(250, 3);
        press_until(&mut c, "4", "the generated audit", |s| {
            overview_loaded(s) && s.audits.findings_status == Load::Loaded
        })
        .await;

        // Three findings of the import fail inside an accepted BatchImportFindings.
        sb.inject_item_fault(Fault::next(
            "BatchImportFindings",
            3,
            0,
            "InternalException",
        ));
        press_until(&mut c, "i", "the import preview", previewing).await;
        assert_shows(&c.state, &["250 new"]);
        press_until(&mut c, "250<enter>", "the import", audits_settled).await;
        assert_eq!(c.state.audits.import_failures.len(), 3);
        assert_shows(
            &c.state,
            &[
                "Not imported (3) · ctrl-r retries them",
                "InternalException",
            ],
        );
        assert_eq!(sb.finding_count(), before + 247);
        let failed: Vec<String> = c
            .state
            .audits
            .import_failures
            .iter()
            .map(|f| f.target.clone())
            .collect();
        assert!(failed.iter().all(|id| sb.finding(id).is_none()));

        press(&mut c, "<ctrl-r>");
        assert!(previewing(&c.state), "{}", screen(&c.state));
        assert_shows(&c.state, &["3 new"]);
        press_until(&mut c, "y", "the retry", audits_settled).await;
        assert!(c.state.audits.import_failures.is_empty());
        assert!(!screen(&c.state).contains("Not imported"));
        assert_eq!(sb.finding_count(), before + 250, "nothing lost");
        assert!(failed.iter().all(|id| sb.finding(id).is_some()));
        let imports = count(&sb, "BatchImportFindings");
        assert_eq!(imports, 4, "three batches, then one for the retry");
    });
}

#[test]
fn read_only_opens_the_suppressions_view_but_reaches_no_change() {
    big_stack(|| async {
        let (mut c, iot) = audits_console(AccessFlag::ReadOnly).await;
        let sb = c.sandbox().clone();
        suppress(&iot, "soon", Some(3), "demo fleet").await;
        sb.generate_iot_audit(20, 3);
        sb.inject_item_fault(Fault::next(
            "BatchImportFindings",
            3,
            0,
            "InternalException",
        ));
        sb.clear_requests();
        open_audits(&mut c).await;
        open_suppressions(&mut c).await;
        assert_shows(&c.state, &["Suppressions (1) · 1 expiring"]);
        for keys in [
            "p",
            "P",
            "<ctrl-r>",
            "o",
            "i",
            "y",
            ":suppress forever x<enter>y",
        ] {
            press(&mut c, keys);
            drain(&mut c).await;
            assert!(idle(&c.state), "{keys}: {}", screen(&c.state));
        }
        press(&mut c, "<esc>");
        for keys in ["<ctrl-r>", "o", "i", "y", "jp", "P", "m"] {
            press(&mut c, keys);
            drain(&mut c).await;
            assert!(idle(&c.state), "{keys}: {}", screen(&c.state));
        }
        let mutating: Vec<_> = sb.requests().into_iter().filter(|r| r.mutating).collect();
        assert!(mutating.is_empty(), "read-only sent {mutating:?}");
        assert!(!c.journal().exists());
    });
}
