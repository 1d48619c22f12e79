//! Headless end-to-end of the IoT audits pane on a real console session (update, effect
//! runner, mutation executor, journal) over the in-process sandbox: the seed scenario
//! (a policy allowing iot:* on *, an on-demand audit, the overly-permissive finding,
//! its import, seen in the findings pane with the right severity and generator),
//! mitigation status per finding, and suppression on the next audit.

mod common;

use common::iot::*;
use common::*;
use secdeck::app::panes::audits::Load;
use secdeck::config::AccessFlag;
use secdeck::domain::finding::Severity;
use secdeck::sandbox::seed::Seed;

/// The newest of `n` audit tasks is selected and its findings are loaded.
fn newest_loaded(s: &secdeck::app::State, n: usize) -> bool {
    let tasks = s.audits.tasks();
    idle(s)
        && tasks.len() == n
        && s.audits.findings_task.as_deref() == tasks.first().map(|t| t.task_id.as_str())
        && s.audits.findings_status == Load::Loaded
        && !s.audits.rows.is_empty()
}

#[test]
fn seed_scenario_audit_import_mitigate_and_suppress_from_the_console() {
    big_stack(|| async {
        let mut c = TestEnv::new(Seed::default())
            .await
            .console(AccessFlag::Write)
            .await;
        let journal = c.journal().to_path_buf();
        c.state.audits.poll_every = Some(10);
        let sb = c.sandbox().clone();
        let iot = c.env.iot();
        create_policy(&iot, "dev-allow-all", BROAD).await;

        press_until(&mut c, "4", "the audits overview", |s| {
            s.audits.overview_status == Load::Loaded
        })
        .await;
        assert_shows(&c.state, &["no audits in the last 90 days"]);

        // Start an on-demand audit: preview, approve, and its findings appear.
        press(&mut c, "o<enter>");
        assert!(previewing(&c.state), "{}", screen(&c.state));
        press_until(&mut c, "y", "the audit's findings", |s| newest_loaded(s, 1)).await;
        assert_shows(
            &c.state,
            &[
                "CRITICAL IOT_POLICY_OVERLY_PERMISSIVE_CHECK",
                "dev-allow-all:1",
                "on-demand",
            ],
        );

        // Import it into Security Hub.
        press_until(&mut c, "i", "the import preview", previewing).await;
        assert_shows(&c.state, &["1 new"]);
        press_until(&mut c, "y", "the import", audits_settled).await;
        assert_eq!(sb.finding(IMPORTED_ID).unwrap()["RecordState"], "ACTIVE");

        // ... and see it in the findings pane with the right severity and generator.
        press_until(&mut c, "1r", "the findings", findings_loaded).await;
        let f = (0..c.state.findings.total())
            .filter_map(|i| c.state.findings.visible(i))
            .find(|f| f.id == IMPORTED_ID)
            .expect("the imported finding is listed")
            .clone();
        assert_eq!(f.severity, Some(Severity::Critical));
        assert_eq!(f.generator_id, "IOT_POLICY_OVERLY_PERMISSIVE_CHECK");

        // Mitigate the finding: the status shows on its row.
        press(&mut c, "4");
        press(&mut c, "<enter>j");
        assert!(c.state.audits.selected_finding().is_some());
        press(&mut c, ":mitigate ReplaceWithRestrictivePolicy<enter>");
        assert!(previewing(&c.state), "{}", screen(&c.state));
        press_until(&mut c, "y", "the mitigation", |s| {
            idle(s)
                && s.audits
                    .mitigation_status
                    .values()
                    .any(|v| v == "mitigation COMPLETED")
        })
        .await;
        assert_shows(&c.state, &["[mitigation COMPLETED]"]);

        // Suppress it indefinitely; the next audit (policy restored) flags it suppressed.
        replace_policy(&iot, "dev-allow-all", BROAD).await;
        press(&mut c, "o<enter>");
        press_until(&mut c, "y", "the next audit", |s| newest_loaded(s, 2)).await;
        press(&mut c, "j");
        press(&mut c, "p");
        press(
            &mut c,
            "<backspace><backspace><backspace>forever lab devices<enter>",
        );
        assert!(previewing(&c.state), "{}", screen(&c.state));
        press_until(&mut c, "y", "the suppression", |s| {
            idle(s)
                && s.audits
                    .overview
                    .as_ref()
                    .is_some_and(|o| o.suppressions.len() == 1)
        })
        .await;
        press(&mut c, "o<enter>");
        press_until(&mut c, "y", "the audit after suppressing", |s| {
            newest_loaded(s, 3)
        })
        .await;
        assert_eq!(
            c.state.audits.groups[0].suppressed,
            1,
            "{}",
            screen(&c.state)
        );
        assert_shows(&c.state, &["1 suppressed"]);

        let journal = std::fs::read_to_string(&journal).unwrap();
        assert_contains_all(
            &journal,
            &[
                "iot:StartOnDemandAuditTask",
                "securityhub:BatchImportFindings",
                "iot:StartAuditMitigationActionsTask",
                "iot:CreateAuditSuppression",
            ],
        );
    });
}
