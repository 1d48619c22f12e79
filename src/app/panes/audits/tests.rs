//! The audits pane's update logic, without a terminal or AWS.

use super::*;
use crate::app::commands::CommandLine;
use crate::app::keymap::Keymap;
use crate::app::pipeline::Stage;
use crate::app::{IotRead, PaneMsg, ReadRequest};
use crate::app::{PaneId, Session, update};
use crate::domain::finding::Severity;
use crate::domain::iot::{
    AuditConfiguration, AuditFinding, AuditResource, AuditTask, MitigationAction, PolicyVersionId,
    ResourceIdentifier,
};
use crate::domain::plan::ChangeOutcome;
use crate::theme::Theme;

pub(crate) const NOW: f64 = 1_800_000_000.0;

pub(crate) fn state(read_only: bool) -> State {
    let session = Session {
        profile: Some("dev".into()),
        region: "us-east-1".into(),
        read_only,
        ..Session::default()
    };
    State::new(session, Keymap::default_embedded(), Theme::default_dark())
}

pub(crate) fn finding(i: usize, check: &str, severity: Severity) -> AuditFinding {
    AuditFinding {
        finding_id: Some(format!("f{i}")),
        task_id: "t1".into(),
        check_name: check.into(),
        severity: Some(severity),
        non_compliant_resource: AuditResource {
            resource_type: "IOT_POLICY".into(),
            resource_identifier: ResourceIdentifier {
                policy_version_identifier: Some(PolicyVersionId {
                    policy_name: format!("p{i}"),
                    policy_version_id: Some("1".into()),
                }),
                ..Default::default()
            },
            ..Default::default()
        },
        reason_for_non_compliance_code: "ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS".into(),
        ..Default::default()
    }
}

pub(crate) fn overview() -> IotOverview {
    IotOverview {
        now: NOW,
        config: AuditConfiguration {
            checks: [
                ("IOT_POLICY_OVERLY_PERMISSIVE_CHECK".to_string(), true),
                ("LOGGING_DISABLED_CHECK".to_string(), false),
            ]
            .into_iter()
            .collect(),
            ..Default::default()
        },
        tasks: vec![
            AuditTask {
                task_id: "t1".into(),
                task_status: "COMPLETED".into(),
                task_type: "ON_DEMAND_AUDIT_TASK".into(),
                ..Default::default()
            },
            AuditTask {
                task_id: "t0".into(),
                task_status: "IN_PROGRESS".into(),
                task_type: "SCHEDULED_AUDIT_TASK".into(),
                ..Default::default()
            },
        ],
        mitigation_actions: vec![MitigationAction {
            action_name: "ReplaceWithRestrictivePolicy".into(),
            ..Default::default()
        }],
        ..Default::default()
    }
}

pub(crate) fn iot(state: &mut State, a: AuditsMsg) -> Vec<Effect> {
    update(state, Action::Pane(PaneMsg::Audits(Box::new(a))))
}

/// The pane shown, its overview and t1's findings loaded, focus on the findings.
pub(crate) fn loaded() -> State {
    let mut s = state(false);
    let effects = update(&mut s, Action::ShowPane(PaneId::Audits));
    assert_eq!(
        effects,
        vec![Effect::Read(ReadRequest::Audits(IotRead::Overview {
            request: 1,
            window_days: 90
        }))]
    );
    let effects = iot(
        &mut s,
        AuditsMsg::OverviewLoaded {
            request: 1,
            result: Ok(overview()),
        },
    );
    assert_eq!(
        effects,
        vec![
            // t0 is still running: it is followed.
            Effect::Read(ReadRequest::Audits(IotRead::PollTask {
                task_id: "t0".into(),
                delay_ms: crate::app::panes::audits::progress::POLL_MS,
            })),
            Effect::Read(ReadRequest::Audits(IotRead::Findings {
                request: 1,
                task_id: "t1".into()
            }))
        ]
    );
    let findings = vec![
        finding(1, "DEVICE_CERTIFICATE_EXPIRING_CHECK", Severity::Medium),
        finding(2, "IOT_POLICY_OVERLY_PERMISSIVE_CHECK", Severity::Critical),
        finding(3, "IOT_POLICY_OVERLY_PERMISSIVE_CHECK", Severity::Critical),
    ];
    iot(
        &mut s,
        AuditsMsg::FindingsLoaded {
            request: 1,
            task_id: "t1".into(),
            result: Ok(findings),
        },
    );
    s.audits.focus = Focus::Findings;
    s
}

#[test]
fn findings_are_grouped_by_check_most_severe_first() {
    let s = loaded();
    assert_eq!(s.pane, PaneId::Audits);
    assert_eq!(
        s.audits.groups[0].check_name,
        "IOT_POLICY_OVERLY_PERMISSIVE_CHECK"
    );
    assert_eq!(
        s.audits.rows.len(),
        5,
        "two check headers and three findings"
    );
    assert!(
        s.audits.selected_finding().is_none(),
        "the cursor starts on a check header"
    );
}

#[test]
fn suppress_opens_the_command_line_and_the_command_previews_a_create() {
    let mut s = loaded();
    update(&mut s, Action::MoveDown);
    assert_eq!(
        s.audits.selected_finding().unwrap().finding_id.as_deref(),
        Some("f2")
    );
    update(&mut s, Action::Suppress);
    assert!(matches!(&s.prompt, Prompt::Command(l) if l.text == "suppress 30 "));
    s.prompt = Prompt::None;
    let cmd = CommandLine {
        text: "suppress 7 lab device".into(),
        ..Default::default()
    };
    let crate::app::commands::Command::Run(action) = cmd.parse() else {
        panic!("not a run")
    };
    update(&mut s, action);
    let Stage::Preview { plan, .. } = &s.pipeline.stage else {
        panic!("no preview")
    };
    let crate::domain::plan::Change::Iot(change) = &plan.change else {
        panic!()
    };
    let IotChange::CreateSuppression { suppression } = change.as_ref() else {
        panic!("{change:?}")
    };
    assert_eq!(suppression.expiration_date, Some(NOW + 7.0 * 86_400.0));
    assert_eq!(suppression.description.as_deref(), Some("lab device"));
    assert!(
        plan.title()
            .starts_with("Suppress IOT_POLICY_OVERLY_PERMISSIVE_CHECK on p2:1")
    );
}

#[test]
fn a_suppression_without_description_is_refused_before_any_plan() {
    assert!(AuditsMsg::parse_command("suppress", "30").unwrap().is_err());
    let mut s = loaded();
    update(&mut s, Action::MoveDown);
    iot(
        &mut s,
        AuditsMsg::Suppress {
            expiry: Expiry::Indefinitely,
            description: "  ".into(),
        },
    );
    assert_eq!(s.pipeline.stage, Stage::Idle);
}

#[test]
fn start_audit_previews_the_enabled_checks_and_import_asks_for_a_plan() {
    use crate::app::commands::Command;
    let mut s = loaded();
    update(&mut s, Action::StartAudit);
    // A picker: the command line, prefilled with the enabled checks.
    let crate::app::Prompt::Command(line) = s.prompt.clone() else {
        panic!("no prompt")
    };
    assert_eq!(line.text, "audit IOT_POLICY_OVERLY_PERMISSIVE_CHECK");
    let Command::Run(action) = line.parse() else {
        panic!("not an action")
    };
    s.prompt = crate::app::Prompt::None;
    // A check that is not enabled is refused before any preview.
    iot(
        &mut s,
        AuditsMsg::StartAuditOf {
            checks: vec!["LOGGING_DISABLED_CHECK".into()],
        },
    );
    assert_eq!(s.pipeline.stage, Stage::Idle);
    update(&mut s, action);
    let Stage::Preview { plan, .. } = &s.pipeline.stage else {
        panic!("no preview")
    };
    assert_eq!(plan.targets(), vec!["IOT_POLICY_OVERLY_PERMISSIVE_CHECK"]);
    update(&mut s, Action::Reject);
    let effects = update(&mut s, Action::ImportAudit);
    assert_eq!(
        effects,
        vec![Effect::Read(ReadRequest::Audits(IotRead::PlanImport {
            task_id: "t1".into()
        }))]
    );
    // An audit still running cannot be imported.
    s.audits.focus = Focus::Tasks;
    update(&mut s, Action::MoveDown);
    assert!(update(&mut s, Action::ImportAudit).is_empty());
}

#[test]
fn mitigate_uses_a_fresh_task_id_and_a_known_action() {
    let mut s = loaded();
    update(&mut s, Action::MoveDown);
    iot(
        &mut s,
        AuditsMsg::Mitigate {
            action: "Nope".into(),
        },
    );
    assert_eq!(s.pipeline.stage, Stage::Idle);
    iot(
        &mut s,
        AuditsMsg::Mitigate {
            action: "ReplaceWithRestrictivePolicy".into(),
        },
    );
    let Stage::Preview { plan, .. } = s.pipeline.stage.clone() else {
        panic!("no preview")
    };
    update(&mut s, Action::Reject);
    iot(
        &mut s,
        AuditsMsg::Mitigate {
            action: "ReplaceWithRestrictivePolicy".into(),
        },
    );
    let Stage::Preview { plan: second, .. } = &s.pipeline.stage else {
        panic!("no preview")
    };
    let task = |p: &ChangePlan| match &p.change {
        crate::domain::plan::Change::Iot(c) => match c.as_ref() {
            IotChange::StartMitigation {
                task_id,
                finding_ids,
                ..
            } => (task_id.clone(), finding_ids.clone()),
            _ => panic!(),
        },
        _ => panic!(),
    };
    assert_ne!(task(&plan).0, task(second).0);
    assert_eq!(task(&plan).1, vec!["f2"]);
}

#[test]
fn read_only_sessions_cannot_reach_any_iot_change() {
    let mut s = loaded();
    s.session.read_only = true;
    s.keymap = Keymap::default_embedded().for_session(true);
    update(&mut s, Action::MoveDown);
    for action in [
        Action::Suppress,
        Action::Unsuppress,
        Action::Mitigate,
        Action::StartAudit,
        Action::ImportAudit,
    ] {
        assert!(update(&mut s, action.clone()).is_empty(), "{action:?}");
        assert_eq!(s.pipeline.stage, Stage::Idle, "{action:?}");
        assert!(
            s.keymap
                .hint(crate::app::Context::Audits, &action)
                .is_none(),
            "{action:?} is bound in a read-only session"
        );
    }
    iot(
        &mut s,
        AuditsMsg::Suppress {
            expiry: Expiry::Days(3),
            description: "x".into(),
        },
    );
    iot(
        &mut s,
        AuditsMsg::Mitigate {
            action: "ReplaceWithRestrictivePolicy".into(),
        },
    );
    assert_eq!(s.pipeline.stage, Stage::Idle);
}

#[test]
fn a_finished_audit_change_reloads_and_selects_the_new_task() {
    let mut s = loaded();
    let outcome = ChangeOutcome {
        plan_id: "p".into(),
        succeeded: vec!["t2".into()],
        failed: vec![],
        unverified: vec![],
        request_ids: vec![],
        error: None,
    };
    let effects = after_change(&mut s, None, &outcome);
    assert_eq!(effects.len(), 2);
    let mut o = overview();
    o.tasks.insert(
        0,
        AuditTask {
            task_id: "t2".into(),
            task_status: "COMPLETED".into(),
            ..Default::default()
        },
    );
    o.tasks.swap(0, 1);
    let effects = iot(
        &mut s,
        AuditsMsg::OverviewLoaded {
            request: 2,
            result: Ok(o),
        },
    );
    assert_eq!(s.audits.selected_task_id(), Some("t2"));
    assert!(
        matches!(&effects[..], [Effect::Read(ReadRequest::Audits(IotRead::Findings { task_id, .. }))] if task_id == "t2")
    );
}

#[test]
fn one_mitigation_covers_every_marked_finding_with_its_check() {
    let mut s = loaded();
    update(&mut s, Action::MoveDown); // f2
    update(&mut s, Action::Mark); // f2, cursor to f3
    update(&mut s, Action::Mark); // f3, cursor to the next check's header
    update(&mut s, Action::MoveDown); // f1
    update(&mut s, Action::Mark);
    assert_eq!(s.audits.marked.len(), 3);
    iot(
        &mut s,
        AuditsMsg::Mitigate {
            action: "ReplaceWithRestrictivePolicy".into(),
        },
    );
    let Stage::Preview { plan, .. } = s.pipeline.stage.clone() else {
        panic!("no preview")
    };
    let crate::domain::plan::Change::Iot(change) = &plan.change else {
        panic!("not an IoT change")
    };
    let IotChange::StartMitigation {
        finding_ids,
        actions,
        ..
    } = change.as_ref()
    else {
        panic!("not a mitigation")
    };
    assert_eq!(finding_ids, &["f2", "f3", "f1"]);
    assert_eq!(
        actions.keys().collect::<Vec<_>>(),
        [
            "DEVICE_CERTIFICATE_EXPIRING_CHECK",
            "IOT_POLICY_OVERLY_PERMISSIVE_CHECK"
        ]
    );
    assert!(s.audits.marked.is_empty(), "marks are used up");
}

#[test]
fn a_running_mitigation_is_polled_until_each_finding_is_final() {
    use crate::domain::iot::MitigationExecution;
    use crate::domain::plan::ChangeOutcome;
    let mut s = loaded();
    let outcome = ChangeOutcome {
        plan_id: "p".into(),
        succeeded: Vec::new(),
        failed: Vec::new(),
        unverified: vec!["f2".into(), "f3".into()],
        request_ids: Vec::new(),
        error: None,
    };
    let ids = vec!["f2".to_string(), "f3".to_string()];
    let effects = crate::app::panes::audits::mitigation::started(&mut s, "m1", &ids, &outcome);
    assert!(matches!(
        effects.as_slice(),
        [Effect::Read(ReadRequest::Audits(IotRead::PollMitigation { task_id, .. }))] if task_id == "m1"
    ));
    assert_eq!(s.audits.mitigation_status["f2"], "mitigation IN_PROGRESS");
    let exec = |f: &str, status: &str| MitigationExecution {
        task_id: "m1".into(),
        finding_id: f.into(),
        action_name: "ReplaceWithRestrictivePolicy".into(),
        status: status.into(),
        error_code: (status == "SKIPPED").then(|| "InvalidRequestException".into()),
        message: None,
    };
    let effects = iot(
        &mut s,
        AuditsMsg::MitigationPolled {
            task_id: "m1".into(),
            finding_ids: ids.clone(),
            result: Ok(vec![exec("f2", "COMPLETED"), exec("f3", "IN_PROGRESS")]),
        },
    );
    assert_eq!(s.audits.mitigation_status["f2"], "mitigation COMPLETED");
    assert_eq!(s.audits.mitigation_status["f3"], "mitigation IN_PROGRESS");
    assert!(matches!(
        effects.as_slice(),
        [Effect::Read(ReadRequest::Audits(IotRead::PollMitigation { finding_ids, .. }))] if finding_ids == &["f3"]
    ));
    let effects = iot(
        &mut s,
        AuditsMsg::MitigationPolled {
            task_id: "m1".into(),
            finding_ids: vec!["f3".into()],
            result: Ok(vec![exec("f3", "SKIPPED")]),
        },
    );
    assert!(effects.is_empty(), "all final: no more polls");
    assert_eq!(
        s.audits.mitigation_status["f3"],
        "mitigation SKIPPED (InvalidRequestException: ReplaceWithRestrictivePolicy)"
    );
}

#[test]
fn audits_window_command_rereads_tasks_over_the_chosen_days() {
    use crate::app::commands::{Command, CommandLine};
    let mut s = loaded();
    assert_eq!(super::actions::parse_window("7d"), Ok(7));
    assert_eq!(super::actions::parse_window("4w"), Ok(28));
    assert_eq!(super::actions::parse_window("30"), Ok(30));
    assert_eq!(super::actions::parse_window("36h"), Ok(2));
    assert!(
        super::actions::parse_window("91d").is_err(),
        "IoT keeps 90 days"
    );
    assert!(super::actions::parse_window("soon").is_err());
    let line = CommandLine {
        text: "audits 7d".into(),
        ..Default::default()
    };
    let Command::Run(action) = line.parse() else {
        panic!("not an action: {:?}", line.parse())
    };
    let effects = update(&mut s, action);
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Read(ReadRequest::Audits(IotRead::Overview {
                window_days: 7,
                ..
            }))]
        ),
        "{effects:?}"
    );
    assert_eq!(s.audits.window_days(), 7);
}
