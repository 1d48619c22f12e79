//! The journal view's model: rows joined from intent and outcome entries across sessions,
//! the filter, and which rows `X` can roll back.

use crate::app::panes::journal::{JournalView, rows_from_entries};
use crate::app::{Action, Effect, Keymap, ReadRequest, Session, State, update};
use crate::app::{AnalyzerRead, PaneMsg};
use crate::domain::analyzer::{AccessFinding, Remediation, plan_remediation};
use crate::domain::plan::{Change, ChangeOutcome, ChangePlan};
use crate::journal::{Entry, JournalContext};
use crate::theme::Theme;

const ORIGINAL: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:user/Alice"},"Action":"sts:AssumeRole"}]}"#;

fn deny_plan(id: &str) -> ChangePlan {
    let f = AccessFinding {
        id: "5b3f8a2e-1c4d-4e6f-9a7b-0c1d2e3f4a5b".into(),
        analyzer_arn: "arn:aws:access-analyzer:us-east-1:123456789012:analyzer/a".into(),
        status: "ACTIVE".into(),
        finding_type: "ExternalAccess".into(),
        resource_type: "AWS::IAM::Role".into(),
        resource: "arn:aws:iam::123456789012:role/team/Audit".into(),
        account: "123456789012".into(),
        principal: vec![("AWS".into(), "arn:aws:iam::999988887777:user/Alice".into())],
        actions: vec!["sts:AssumeRole".into()],
        detailed: true,
        ..Default::default()
    };
    let Ok(Remediation::Edit(edit)) = plan_remediation(&f, ORIGINAL, 2048, true) else {
        panic!("plans a Deny");
    };
    ChangePlan::new(id, Change::TrustPolicyDeny(edit))
}

const ROLE: &str = "arn:aws:iam::123456789012:role/team/Audit";

fn outcome(plan: &ChangePlan, ok: bool) -> ChangeOutcome {
    ChangeOutcome {
        plan_id: plan.id.clone(),
        succeeded: if ok { vec![ROLE.into()] } else { Vec::new() },
        failed: Vec::new(),
        unverified: Vec::new(),
        request_ids: Vec::new(),
        error: (!ok).then(|| "AccessDenied".to_string()),
    }
}

fn ctx(caller: &str) -> JournalContext {
    JournalContext {
        caller_arn: Some(caller.into()),
        region: "us-east-1".into(),
        ..Default::default()
    }
}

fn state_with(entries: Vec<Entry>) -> State {
    let mut s = State::new(
        Session::default(),
        Keymap::default_embedded(),
        Theme::default_dark(),
    );
    let effects = update(
        &mut s,
        Action::Pane(PaneMsg::Journal(
            crate::app::JournalMsg::Show(String::new()),
        )),
    );
    assert_eq!(effects, vec![Effect::LoadJournal]);
    update(
        &mut s,
        Action::Pane(PaneMsg::Journal(crate::app::JournalMsg::Loaded(Ok(
            entries,
        )))),
    );
    s
}

#[test]
fn intents_and_outcomes_join_per_change_even_when_plan_ids_repeat_across_sessions() {
    let (a, b) = (
        ctx("arn:aws:iam::1:user/ana"),
        ctx("arn:aws:iam::1:user/bo"),
    );
    let first = deny_plan("plan-1");
    let second = deny_plan("plan-1"); // a later session starts counting again
    let interrupted = deny_plan("plan-2");
    let rows = rows_from_entries(vec![
        Entry::intent(&a, &first),
        Entry::outcome(&a, &first, &outcome(&first, false)),
        Entry::intent(&b, &second),
        Entry::outcome(&b, &second, &outcome(&second, true)),
        Entry::intent(&b, &interrupted),
    ]);
    assert_eq!(rows.len(), 3);
    assert!(rows[0].outcome.starts_with("failed"), "{}", rows[0].outcome);
    assert_eq!(rows[0].who, "arn:aws:iam::1:user/ana");
    assert_eq!(rows[1].outcome, "ok");
    assert_eq!(rows[1].who, "arn:aws:iam::1:user/bo");
    assert_eq!(rows[2].outcome, "no outcome");
    assert_eq!(rows[1].targets, vec![ROLE.to_string()]);
}

#[test]
fn the_view_is_newest_first_and_filtered_by_every_word() {
    let a = ctx("arn:aws:iam::1:user/ana");
    let p = deny_plan("plan-1");
    let s = state_with(vec![
        Entry::intent(&a, &p),
        Entry::outcome(&a, &p, &outcome(&p, false)),
        Entry::intent(&a, &p),
        Entry::outcome(&a, &p, &outcome(&p, true)),
    ]);
    let view: &JournalView = s.journal.as_ref().unwrap();
    assert_eq!(view.visible()[0].outcome, "ok", "newest first");
    let mut v = view.clone();
    v.filter = "audit FAILED".into();
    assert_eq!(v.visible().len(), 1);
    v.filter = "audit nothing-like-this".into();
    assert!(v.visible().is_empty());
}

#[test]
fn x_reads_the_role_through_the_recorded_identity_and_refuses_what_cannot_be_rolled_back() {
    let a = ctx("arn:aws:iam::1:user/ana");
    let mut p = deny_plan("plan-1");
    if let Change::TrustPolicyDeny(e) = &mut p.change {
        e.assume_role = Some("arn:aws:iam::123456789012:role/Remediator".into());
    }
    // The applied remediation: X reads the current policy as the journal recorded it.
    let mut s = state_with(vec![
        Entry::intent(&a, &p),
        Entry::outcome(&a, &p, &outcome(&p, true)),
    ]);
    let effects = update(&mut s, Action::Rollback);
    match effects.as_slice() {
        [
            Effect::Read(ReadRequest::Analyzer(AnalyzerRead::TrustPolicy {
                role_name,
                assume_role,
                ..
            })),
        ] => {
            assert_eq!(role_name, "Audit");
            assert_eq!(
                assume_role.as_deref(),
                Some("arn:aws:iam::123456789012:role/Remediator")
            );
        }
        other => panic!("{other:?}"),
    }
    // A failed remediation has nothing to roll back.
    let mut s = state_with(vec![
        Entry::intent(&a, &p),
        Entry::outcome(&a, &p, &outcome(&p, false)),
    ]);
    assert!(update(&mut s, Action::Rollback).is_empty());
    assert!(
        s.notifications
            .iter()
            .any(|n| n.message.contains("did not take effect"))
    );
    // Already rolled back later on: said, and nothing is read or planned.
    let Change::TrustPolicyDeny(e) = &p.change else {
        unreachable!()
    };
    let rb = ChangePlan::new(
        "plan-2",
        Change::TrustPolicyRollback(Box::new(e.rollback().unwrap())),
    );
    let mut s = state_with(vec![
        Entry::intent(&a, &p),
        Entry::outcome(&a, &p, &outcome(&p, true)),
        Entry::intent(&a, &rb),
        Entry::outcome(&a, &rb, &outcome(&rb, true)),
    ]);
    update(&mut s, Action::MoveDown);
    assert!(update(&mut s, Action::Rollback).is_empty());
    assert!(
        s.notifications
            .iter()
            .any(|n| n.message.contains("already rolled back"))
    );
    // Read-only: refused before the view sees it.
    let mut s = state_with(vec![
        Entry::intent(&a, &p),
        Entry::outcome(&a, &p, &outcome(&p, true)),
    ]);
    s.session.read_only = true;
    assert!(update(&mut s, Action::Rollback).is_empty());
    assert!(
        s.notifications
            .iter()
            .any(|n| n.message.contains("read-only"))
    );
}

#[test]
fn x_on_the_pane_rolls_back_to_the_journaled_original_text_exactly() {
    use crate::app::panes::analyzer::PolicyPurpose;
    use crate::app::pipeline::Stage;
    // The role's policy was pretty-printed before the Deny went in.
    let pretty = crate::domain::policy::PolicyDocument::parse(ORIGINAL)
        .unwrap()
        .to_pretty();
    assert_ne!(pretty, ORIGINAL);
    let f = AccessFinding {
        id: "5b3f8a2e-1c4d-4e6f-9a7b-0c1d2e3f4a5b".into(),
        analyzer_arn: "arn:aws:access-analyzer:us-east-1:123456789012:analyzer/a".into(),
        status: "RESOLVED".into(),
        finding_type: "ExternalAccess".into(),
        resource_type: "AWS::IAM::Role".into(),
        resource: ROLE.into(),
        account: "123456789012".into(),
        principal: vec![("AWS".into(), "arn:aws:iam::999988887777:user/Alice".into())],
        actions: vec!["sts:AssumeRole".into()],
        detailed: true,
        ..Default::default()
    };
    let active = AccessFinding {
        status: "ACTIVE".into(),
        ..f.clone()
    };
    let Ok(Remediation::Edit(edit)) = plan_remediation(&active, &pretty, 2048, true) else {
        panic!("plans a Deny");
    };
    let after = edit.after.clone();
    let p = ChangePlan::new("plan-1", Change::TrustPolicyDeny(edit));
    let a = ctx("arn:aws:iam::1:user/ana");
    let mut s = state_with(vec![
        Entry::intent(&a, &p),
        Entry::outcome(&a, &p, &outcome(&p, true)),
    ]);
    s.analyzer.findings.push(f.clone());
    update(
        &mut s,
        Action::Pane(PaneMsg::Analyzer(
            crate::app::AnalyzerMsg::TrustPolicyLoaded {
                purpose: PolicyPurpose::Rollback {
                    finding_id: f.id.clone(),
                },
                result: Ok(after),
            },
        )),
    );
    let Stage::Preview { plan, .. } = &s.pipeline.stage else {
        panic!("a rollback preview: {:?}", s.pipeline.stage);
    };
    let Change::TrustPolicyRollback(rb) = &plan.change else {
        panic!("a rollback: {:?}", plan.change);
    };
    assert_eq!(rb.after, pretty, "the original text, byte for byte");
}
