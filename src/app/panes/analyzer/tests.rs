//! Pure tests of the Access Analyzer pane's state: filtering, grouping, marking, and which
//! actions lead to which effects.

use crate::app::panes::analyzer::{PolicyPurpose, parse_filter};
use crate::app::{Action, Effect, Keymap, ReadRequest, Session, State, update};
use crate::app::{AnalyzerRead, PaneId, PaneMsg};
use crate::domain::analyzer::{AccessFinding, Analyzer};
use crate::theme::Theme;

fn finding(
    id: &str,
    status: &str,
    rtype: &str,
    resource: &str,
    principal: &str,
    public: bool,
) -> AccessFinding {
    AccessFinding {
        id: id.into(),
        analyzer_arn: "arn:aws:access-analyzer:us-east-1:123456789012:analyzer/a".into(),
        status: status.into(),
        finding_type: "ExternalAccess".into(),
        resource_type: rtype.into(),
        resource: resource.into(),
        account: "123456789012".into(),
        principal: vec![("AWS".into(), principal.into())],
        actions: vec!["sts:AssumeRole".into()],
        is_public: Some(public),
        detailed: true,
        ..Default::default()
    }
}

fn state(read_only: bool) -> State {
    let session = Session {
        read_only,
        ..Session::default()
    };
    let mut s = State::new(session, Keymap::default_embedded(), Theme::default_dark());
    update(&mut s, Action::ShowPane(PaneId::Analyzer));
    update(
        &mut s,
        Action::Pane(PaneMsg::Analyzer(crate::app::AnalyzerMsg::AnalyzersLoaded(
            Ok(vec![Analyzer {
                name: "a".into(),
                arn: "arn:aws:access-analyzer:us-east-1:123456789012:analyzer/a".into(),
                kind: "ACCOUNT".into(),
                status: "ACTIVE".into(),
                created_at: String::new(),
            }]),
        ))),
    );
    let request = s.analyzer.request;
    update(
        &mut s,
        Action::Pane(PaneMsg::Analyzer(crate::app::AnalyzerMsg::FindingsPage {
            request,
            result: Ok(vec![
                finding(
                    "1",
                    "ACTIVE",
                    "AWS::S3::Bucket",
                    "arn:aws:s3:::zeta",
                    "999988887777",
                    false,
                ),
                finding(
                    "2",
                    "ARCHIVED",
                    "AWS::IAM::Role",
                    "arn:aws:iam::123456789012:role/b",
                    "arn:aws:iam::999988887777:user/Alice",
                    false,
                ),
                finding(
                    "3",
                    "ACTIVE",
                    "AWS::SQS::Queue",
                    "arn:aws:sqs:us-east-1:123456789012:q",
                    "*",
                    true,
                ),
                finding(
                    "4",
                    "ACTIVE",
                    "AWS::IAM::Role",
                    "arn:aws:iam::123456789012:role/a",
                    "arn:aws:iam::444455556666:root",
                    false,
                ),
            ]),
            next_token: None,
        })),
    );
    s
}

fn ids(s: &State) -> Vec<String> {
    s.analyzer.visible().iter().map(|f| f.id.clone()).collect()
}

#[test]
fn showing_the_pane_loads_analyzers_then_the_first_external_access_analyzers_findings() {
    let session = Session::default();
    let mut s = State::new(session, Keymap::default_embedded(), Theme::default_dark());
    assert_eq!(
        update(&mut s, Action::ShowPane(PaneId::Analyzer)),
        vec![Effect::Read(ReadRequest::Analyzer(AnalyzerRead::Analyzers))]
    );
    assert!(
        update(&mut s, Action::ShowPane(PaneId::Analyzer)).is_empty(),
        "loaded once"
    );
}

#[test]
fn where_filters_on_status_type_principal_account_and_public() {
    let mut s = state(false);
    update(
        &mut s,
        Action::Pane(PaneMsg::Analyzer(crate::app::AnalyzerMsg::Where(
            "status=ACTIVE".into(),
        ))),
    );
    assert_eq!(ids(&s), ["1", "3", "4"]);
    update(
        &mut s,
        Action::Pane(PaneMsg::Analyzer(crate::app::AnalyzerMsg::Where(
            "status=active type=IAM::Role".into(),
        ))),
    );
    assert_eq!(ids(&s), ["4"]);
    update(
        &mut s,
        Action::Pane(PaneMsg::Analyzer(crate::app::AnalyzerMsg::Where(
            "principal=999988887777".into(),
        ))),
    );
    assert_eq!(ids(&s), ["1", "2"]);
    update(
        &mut s,
        Action::Pane(PaneMsg::Analyzer(crate::app::AnalyzerMsg::Where(
            "public=true".into(),
        ))),
    );
    assert_eq!(ids(&s), ["3"]);
    update(
        &mut s,
        Action::Pane(PaneMsg::Analyzer(crate::app::AnalyzerMsg::Where(
            "account=111122223333".into(),
        ))),
    );
    assert!(ids(&s).is_empty());
    update(
        &mut s,
        Action::Pane(PaneMsg::Analyzer(crate::app::AnalyzerMsg::Where(
            String::new(),
        ))),
    );
    assert_eq!(ids(&s).len(), 4);
    assert!(
        parse_filter("colour=red")
            .unwrap_err()
            .contains("unknown filter key")
    );
    assert!(parse_filter("status").unwrap_err().contains("KEY=VALUE"));
}

#[test]
fn group_by_resource_orders_rows_and_the_selection_follows_what_is_shown() {
    let mut s = state(false);
    update(
        &mut s,
        Action::Pane(PaneMsg::Analyzer(crate::app::AnalyzerMsg::Group(
            "resource".into(),
        ))),
    );
    assert_eq!(ids(&s), ["4", "2", "1", "3"]);
    assert_eq!(s.analyzer.selected_finding().unwrap().id, "4");
    update(
        &mut s,
        Action::Pane(PaneMsg::Analyzer(crate::app::AnalyzerMsg::Group(
            "none".into(),
        ))),
    );
    assert_eq!(ids(&s), ["1", "2", "3", "4"]);
}

#[test]
fn remediate_on_a_role_reads_its_policy_and_on_a_bucket_explains() {
    let mut s = state(false);
    // Row 1 is a bucket: nothing is read, the reason is shown.
    assert!(update(&mut s, Action::Remediate).is_empty());
    update(
        &mut s,
        Action::Pane(PaneMsg::Analyzer(crate::app::AnalyzerMsg::Where(
            "status=ACTIVE type=IAM::Role".into(),
        ))),
    );
    // The session's account is not known yet: reading role `a` by name could reach a
    // same-named role in another account, so nothing is read and the user is told why.
    assert!(update(&mut s, Action::Remediate).is_empty());
    let last = s.notifications.iter().next().map(|n| n.message.clone());
    assert!(
        last.as_deref().is_some_and(
            |m| m.contains("123456789012") && m.contains("session's account is unknown")
        ),
        "{last:?}"
    );
    s.session.identity = Some(crate::domain::identity::CallerIdentity {
        account: "123456789012".into(),
        arn: "arn:aws:iam::123456789012:user/me".into(),
        user_id: "AIDA".into(),
    });
    let effects = update(&mut s, Action::Remediate);
    assert_eq!(
        effects,
        vec![Effect::Read(ReadRequest::Analyzer(
            AnalyzerRead::TrustPolicy {
                role_name: "a".into(),
                role_arn: "arn:aws:iam::123456789012:role/a".into(),
                assume_role: None,
                purpose: PolicyPurpose::Remediate {
                    finding_id: "4".into()
                },
            }
        ))]
    );
}

#[test]
fn marked_rows_are_archived_together_with_the_reason() {
    let mut s = state(false);
    update(&mut s, Action::Mark); // 1, cursor moves to 2 (ARCHIVED: not a target)
    update(&mut s, Action::Mark); // 2
    update(&mut s, Action::Mark); // 3
    update(
        &mut s,
        Action::Pane(PaneMsg::Analyzer(
            crate::app::AnalyzerMsg::ArchiveWithReason {
                archive: true,
                reason: "accepted".into(),
            },
        )),
    );
    let crate::app::pipeline::Stage::Preview { plan, .. } = &s.pipeline.stage else {
        panic!("{:?}", s.pipeline.stage)
    };
    assert_eq!(
        plan.targets(),
        ["1", "3"],
        "only ACTIVE marked findings are archived"
    );
}

#[test]
fn read_only_refuses_every_analyzer_change() {
    let mut s = state(true);
    for a in [
        Action::Remediate,
        Action::Rollback,
        Action::ArchiveSimilar,
        Action::Pane(PaneMsg::Analyzer(
            crate::app::AnalyzerMsg::ArchiveWithReason {
                archive: true,
                reason: "r".into(),
            },
        )),
        Action::Pane(PaneMsg::Analyzer(
            crate::app::AnalyzerMsg::ArchiveSimilarNamed(None),
        )),
        Action::Pane(PaneMsg::Analyzer(
            crate::app::AnalyzerMsg::DeleteArchiveRule("x".into()),
        )),
    ] {
        assert!(update(&mut s, a).is_empty());
    }
    assert!(matches!(
        s.pipeline.stage,
        crate::app::pipeline::Stage::Idle
    ));
}

fn analyzer(name: &str, kind: &str) -> Analyzer {
    Analyzer {
        name: name.into(),
        arn: format!("arn:aws:access-analyzer:eu-west-1:111122223333:analyzer/{name}"),
        kind: kind.into(),
        status: "ACTIVE".into(),
        created_at: String::new(),
    }
}

fn prod_session_remembering(name: &str) -> State {
    let session = Session {
        profile: Some("prod".into()),
        ..Session::default()
    };
    let mut s = State::new(session, Keymap::default_embedded(), Theme::default_dark());
    s.analyzer
        .remembered
        .insert("prod|111122223333|eu-west-1".into(), name.into());
    update(&mut s, Action::ShowPane(PaneId::Analyzer));
    s
}

#[test]
fn the_analyzer_chosen_last_time_is_picked_and_a_new_choice_is_remembered() {
    let mut s = prod_session_remembering("org");
    let effects = update(
        &mut s,
        Action::Pane(PaneMsg::Analyzer(crate::app::AnalyzerMsg::AnalyzersLoaded(
            Ok(vec![
                analyzer("acct", "ACCOUNT"),
                analyzer("org", "ORGANIZATION"),
            ]),
        ))),
    );
    assert_eq!(s.analyzer.selected.as_deref(), Some("org"));
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::RememberAnalyzer { .. })),
        "an automatic pick is not a new choice: {effects:?}"
    );
    let effects = update(
        &mut s,
        Action::Pane(PaneMsg::Analyzer(crate::app::AnalyzerMsg::Select(
            "acct".into(),
        ))),
    );
    assert!(
        effects.contains(&Effect::RememberAnalyzer {
            key: "prod|111122223333|eu-west-1".into(),
            name: "acct".into(),
        }),
        "{effects:?}"
    );
}

#[test]
fn a_remembered_analyzer_that_no_longer_exists_falls_back_and_says_so() {
    let mut s = prod_session_remembering("deleted-long-ago");
    update(
        &mut s,
        Action::Pane(PaneMsg::Analyzer(crate::app::AnalyzerMsg::AnalyzersLoaded(
            Ok(vec![
                analyzer("unused", "ACCOUNT_UNUSED_ACCESS"),
                analyzer("acct", "ACCOUNT"),
            ]),
        ))),
    );
    assert_eq!(s.analyzer.selected.as_deref(), Some("acct"));
    assert!(
        s.notifications
            .iter()
            .any(|n| n.message.contains("deleted-long-ago")
                && n.message.contains("no longer exists"))
    );
}

/// `x` on an unused-permission finding of role `resource`, in a session acting in `session`.
fn recommend_on(resource: &str, session: Option<&str>) -> (State, Vec<Effect>) {
    let mut s = state(false);
    s.session.identity = session.map(|a| crate::domain::identity::CallerIdentity {
        account: a.into(),
        arn: format!("arn:aws:iam::{a}:user/secops"),
        user_id: "AIDAEXAMPLE".into(),
    });
    let mut f = finding("u", "ACTIVE", "AWS::IAM::Role", resource, "", false);
    f.finding_type = "UnusedPermission".into();
    s.analyzer.findings = vec![f];
    s.analyzer.cursor = 0;
    let effects = update(&mut s, Action::Remediate);
    (s, effects)
}

#[test]
fn x_on_an_unused_permission_asks_for_the_recommendation_only_in_the_sessions_account() {
    let role = "arn:aws:iam::123456789012:role/app";
    let (_, effects) = recommend_on(role, Some("123456789012"));
    assert!(matches!(
        effects.as_slice(),
        [Effect::Read(ReadRequest::Analyzer(AnalyzerRead::Recommendation { role_arn, .. }))] if role_arn == role
    ));
    for (session, why) in [
        (None, "session's account is unknown"),
        (Some("210987654321"), "not the session's"),
    ] {
        let (s, effects) = recommend_on(role, session);
        assert!(effects.is_empty(), "{session:?}: {effects:?}");
        assert!(
            s.notifications.iter().any(|n| n.message.contains(why)),
            "{session:?}: {:?}",
            s.notifications
        );
    }
}
