//! The hostile corpus (tests/common/hostile.rs) in the Access Analyzer and IoT audits panes,
//! fed to them as their reads would bring it: analyzer names, finding resources, actions,
//! conditions and errors, trust policies (the detail and the remediation diff), archive
//! rules, audit check names, task ids, resource ids, reasons and suppressions. Every
//! rendered screen must hold no control, bidi or zero-width character and show the planted
//! text as `⟨U+XXXX⟩` markers.

mod common;

use common::hostile::*;
use common::render::{headless, type_keys};
use secdeck::app::panes::analyzer::PolicyPurpose;
use secdeck::app::panes::audits::AuditsMsg;
use secdeck::app::pipeline::Stage;
use secdeck::app::{Action, AnalyzerMsg, PaneId, PaneMsg, Session, State, update};
use secdeck::domain::analyzer::{
    AccessFinding, Analyzer, InternalDetails, UnusedDetails, UnusedService,
};
use secdeck::domain::iot::{
    AuditConfiguration, AuditSuppression, AuditTask, IotOverview, findings_from_json,
};
use secdeck::domain::sanitize::is_hostile;
use secdeck::theme::Theme;
use serde_json::{Value, json};

const ANALYZER: &str = "arn:aws:access-analyzer:us-west-2:644160558196:analyzer/Planted";
const A1: &str = "8a1d4c55-6f0e-4b7a-9c3d-2e1f0a9b8c71";
const A2: &str = "0b2e5d66-7a1f-4c8b-8d4e-3f2a1b0c9d82";
const ROLE: &str = "arn:aws:iam::644160558196:role/Audit_CrossAccountRole";

fn access_finding(id: &str, resource: String) -> AccessFinding {
    AccessFinding {
        id: id.into(),
        analyzer_arn: ANALYZER.into(),
        status: "ACTIVE".into(),
        finding_type: "ExternalAccess".into(),
        resource_type: "AWS::IAM::Role".into(),
        resource,
        account: "644160558196".into(),
        principal: vec![("AWS".to_string(), "999988887777".to_string())],
        actions: vec!["sts:AssumeRole".into(), hostile("action")],
        condition: vec![(hostile("condition key"), hostile("condition value"))],
        is_public: Some(false),
        created_at: "2024-01-01T00:00:00Z".into(),
        updated_at: "2024-01-02T00:00:00Z".into(),
        error: Some(hostile("finding error")),
        detailed: true,
        ..Default::default()
    }
}

/// A trust policy whose statement id and condition are hostile.
fn hostile_policy() -> String {
    json!({"Version": "2012-10-17", "Statement": [{
        "Sid": hostile("sid"),
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::999988887777:root"},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": hostile("external id")}}
    }]})
    .to_string()
}

/// The Access Analyzer pane as its reads leave it: a hostile analyzer name (and profile in
/// the status bar), a hostile resource and a role finding with hostile actions.
fn analyzer_state() -> State {
    analyzer_state_of(
        "ACCOUNT",
        vec![
            access_finding(A1, ROLE.into()),
            access_finding(A2, format!("arn:aws:s3:::{}", hostile("bucket"))),
        ],
    )
}

/// The pane on an analyzer of type `kind` (hostile name) listing `findings`.
fn analyzer_state_of(kind: &str, findings: Vec<AccessFinding>) -> State {
    let session = Session {
        profile: Some(hostile("profile")),
        region: "us-west-2".into(),
        identity: Some(secdeck::domain::identity::CallerIdentity {
            account: "644160558196".into(),
            arn: "arn:aws:iam::644160558196:user/secops".into(),
            user_id: "AIDAEXAMPLE".into(),
        }),
        ..Session::default()
    };
    let mut s = headless(session, Theme::default_dark(), 120, 40);
    update(&mut s, Action::ShowPane(PaneId::Analyzer));
    let analyzer = Analyzer {
        name: hostile("analyzer"),
        arn: ANALYZER.into(),
        kind: kind.into(),
        status: "ACTIVE".into(),
        created_at: "2023-07-01T16:00:00Z".into(),
    };
    update(
        &mut s,
        Action::Pane(PaneMsg::Analyzer(AnalyzerMsg::AnalyzersLoaded(Ok(vec![
            analyzer,
        ])))),
    );
    let request = s.analyzer.request;
    update(
        &mut s,
        Action::Pane(PaneMsg::Analyzer(AnalyzerMsg::FindingsPage {
            request,
            result: Ok(findings),
            next_token: None,
        })),
    );
    s
}

/// Findings table, detail with the trust policy, remediation preview (a policy diff),
/// analyzers list, archive rules and the rule editor.
/// The trust policy read for `purpose` comes back hostile.
fn hostile_policy_arrives(s: &mut State, purpose: PolicyPurpose) {
    let loaded = AnalyzerMsg::TrustPolicyLoaded {
        purpose,
        result: Ok(hostile_policy()),
    };
    update(s, Action::Pane(PaneMsg::Analyzer(loaded)));
}

#[test]
fn hostile_unused_and_internal_access_data_shows_as_markers() {
    let mut unused = access_finding(A1, ROLE.into());
    unused.finding_type = "UnusedPermission".into();
    unused.unused = Some(UnusedDetails {
        last_accessed: Some(hostile("last accessed")),
        services: vec![UnusedService {
            namespace: hostile("namespace"),
            last_accessed: None,
            actions: vec![(hostile("unused action"), Some(hostile("action time")))],
        }],
        access_key_ids: vec![hostile("access key")],
    });
    let mut s = analyzer_state_of("ACCOUNT_UNUSED_ACCESS", vec![unused]);
    assert_shown_safely(&s, "unused findings", "last accessed");
    type_keys(&mut s, "<enter>");
    assert_shown_safely(&s, "unused detail", "Recommended");

    let mut internal = access_finding(A2, format!("arn:aws:s3:::{}", hostile("bucket")));
    internal.finding_type = "InternalAccess".into();
    internal.internal = Some(InternalDetails {
        access_type: Some(hostile("access type")),
        principal_type: Some(hostile("principal type")),
        principal_owner_account: Some(hostile("owner")),
    });
    let mut s = analyzer_state_of("ORGANIZATION_INTERNAL_ACCESS", vec![internal]);
    assert_shown_safely(&s, "internal findings", "scope");
    type_keys(&mut s, "<enter>");
    assert_shown_safely(&s, "internal detail", "Identity type");
}

#[test]
fn hostile_access_analyzer_data_shows_as_markers() {
    let mut s = analyzer_state();
    assert_shown_safely(&s, "analyzer findings", "resource type");

    type_keys(&mut s, "<enter>");
    hostile_policy_arrives(
        &mut s,
        PolicyPurpose::Detail {
            finding_id: A1.into(),
        },
    );
    assert_shown_safely(&s, "analyzer detail", "Trust policy");
    type_keys(&mut s, "<esc>");

    type_keys(&mut s, "gx");
    hostile_policy_arrives(
        &mut s,
        PolicyPurpose::Remediate {
            finding_id: A1.into(),
        },
    );
    // The preview shows at once; its proofs would come from Access Analyzer (no runtime here).
    assert!(
        matches!(s.pipeline.stage, Stage::Preview { .. }),
        "{}",
        assert_no_hostile_cell(&s, "no preview")
    );
    assert_shown_safely(&s, "remediation preview", "(iam:UpdateAssumeRolePolicy)");
    type_keys(&mut s, "n");

    type_keys(&mut s, "z");
    assert_shown_safely(
        &s,
        "archive rule editor",
        "Archive rule on ⟨U+202E⟩analyzer",
    );
    type_keys(&mut s, "<esc>");

    type_keys(&mut s, ":rules<enter>");
    update(
        &mut s,
        Action::Pane(PaneMsg::Analyzer(AnalyzerMsg::ArchiveRulesLoaded {
            analyzer: hostile("analyzer"),
            result: Ok(vec![(
                hostile("rule"),
                vec![(hostile("criterion"), vec![hostile("value")])],
            )]),
        })),
    );
    assert_shown_safely(&s, "archive rules", "Archive rules (:delete-rule NAME)");

    type_keys(&mut s, "<esc><esc>");
    assert_shown_safely(&s, "analyzers list", "zone of trust");
}

fn fixture(name: &str) -> Value {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/iot-audit")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(p).expect("fixture")).expect("json")
}

/// Every string under one of `keys` in `v`, replaced by the hostile form of its value.
fn plant(v: &mut Value, keys: &[&str]) {
    match v {
        Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                match child {
                    Value::String(s) if keys.contains(&k.as_str()) => *s = hostile(s),
                    other => plant(other, keys),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| plant(i, keys)),
        _ => {}
    }
}

const IOT_TEXT: &[&str] = &[
    "checkName",
    "taskId",
    "deviceCertificateId",
    "caCertificateId",
    "policyName",
    "clientId",
    "reasonForNonCompliance",
    "reasonForNonComplianceCode",
    "description",
    "targetArn",
];

/// The IoT audits pane: summary, tasks, findings by check and the suppressions view.
#[test]
fn hostile_iot_audit_data_shows_as_markers() {
    let mut task = fixture("describe-audit-task-scheduled-noncompliant.json");
    plant(&mut task, IOT_TEXT);
    let mut task: AuditTask = serde_json::from_value(task).unwrap();
    task.task_id = hostile("task");
    let mut suppressions = fixture("list-audit-suppressions-docs.json")["suppressions"].clone();
    plant(&mut suppressions, IOT_TEXT);
    let suppressions: Vec<AuditSuppression> = serde_json::from_value(suppressions).unwrap();
    let mut config = fixture("describe-account-audit-configuration.json");
    plant(&mut config, IOT_TEXT);
    let overview = IotOverview {
        now: 1_597_881_600.0 - 3.0 * 86_400.0,
        config: AuditConfiguration::from_json(&config),
        tasks: vec![task],
        suppressions,
        ..Default::default()
    };
    let mut findings = fixture("list-audit-findings-device-cert-shared-critical.json");
    plant(&mut findings, IOT_TEXT);
    let findings = findings_from_json(&findings).unwrap();

    let mut s = headless(Session::default(), Theme::default_dark(), 120, 40);
    update(&mut s, Action::ShowPane(PaneId::Audits));
    update(
        &mut s,
        Action::Pane(PaneMsg::Audits(Box::new(AuditsMsg::OverviewLoaded {
            request: 1,
            result: Ok(overview),
        }))),
    );
    update(
        &mut s,
        Action::Pane(PaneMsg::Audits(Box::new(AuditsMsg::FindingsLoaded {
            request: 1,
            task_id: hostile("task"),
            result: Ok(findings),
        }))),
    );
    assert_shown_safely(&s, "audits pane", "Audit tasks (1)");
    type_keys(&mut s, "<enter>j");
    assert_shown_safely(&s, "audit findings focused", "Findings of ⟨U+202E⟩task");
    // What an import could not import, with AWS's error codes and messages.
    s.audits.import_failures = vec![secdeck::domain::plan::TargetFailure {
        target: hostile("import target"),
        code: hostile("code"),
        message: hostile("import error"),
    }];
    assert_shown_safely(&s, "failed imports", "Not imported (1)");
    type_keys(&mut s, "L");
    assert_shown_safely(&s, "suppressions view", "Suppressions (1)");
}

/// The check above fails when the text reaches the screen raw: drawn without the UI, a
/// planted string leaves hostile characters in the cells or no marker.
#[test]
fn the_check_catches_raw_text() {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::widgets::Paragraph;
    let mut terminal = Terminal::new(TestBackend::new(120, 2)).unwrap();
    terminal
        .draw(|f| f.render_widget(Paragraph::new(hostile("raw")), f.area()))
        .unwrap();
    let cells: String = terminal
        .backend()
        .buffer()
        .content
        .iter()
        .map(|c| c.symbol())
        .collect();
    assert!(
        cells.chars().any(is_hostile) || !cells.contains("⟨U+202E⟩"),
        "{cells:?}"
    );
}
