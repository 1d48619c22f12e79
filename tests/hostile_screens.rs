//! The hostile corpus (tests/common/hostile.rs) through every screen of the console: planted
//! in finding fields, IP sets and web ACL rules, an ip-ranges.json, injected error messages
//! and the journal (on the sandbox, driven by keys), and in Access Analyzer findings,
//! analyzers, trust policies, archive rules and IoT audit data (fed to the panes as their
//! reads would). Every rendered screen must hold no control, bidi or zero-width character
//! and show the planted text as `⟨U+XXXX⟩` markers; the clipboard gets the text stripped
//! and the opener gets no `file:` link.

mod common;

use common::hostile::*;
use common::render::{headless, type_keys};
use common::*;
use secdeck::app::panes::analyzer::PolicyPurpose;
use secdeck::app::panes::audits::AuditsMsg;
use secdeck::app::panes::findings::LoadStatus;
use secdeck::app::panes::findings::detail::HistoryState;
use secdeck::app::panes::ipsets::Load;
use secdeck::app::panes::ipsets::sync::SyncStep;
use secdeck::app::{Action, AnalyzerMsg, Session, State, update};
use secdeck::config::AccessFlag;
use secdeck::domain::analyzer::{AccessFinding, Analyzer};
use secdeck::domain::iot::{
    AuditConfiguration, AuditSuppression, AuditTask, IotOverview, findings_from_json,
};
use secdeck::domain::sanitize::is_hostile;
use secdeck::sandbox::Fault;
use secdeck::sandbox::seed::Seed;
use secdeck::sandbox::wafv2::WafWorld;
use secdeck::theme::Theme;
use serde_json::{Value, json};

/// Findings with the corpus in every text field a screen shows (and a remote IP, so the
/// block dialog opens on them).
fn hostile_findings() -> Vec<Value> {
    (0..3)
        .map(|i| {
            let mut f = finding(i);
            f["Id"] = format!("f-{i}-{}", hostile("id")).into();
            f["Title"] = hostile(&format!("title {i}")).into();
            f["Description"] = long("description", 1024).into();
            f["GeneratorId"] = hostile("generator").into();
            f["ProductName"] = hostile("product").into();
            f["CompanyName"] = hostile("company").into();
            f["ProductFields"] = json!({ "aws/securityhub/note": hostile("product field") });
            f["UserDefinedFields"] = json!({ "owner": hostile("owner") });
            f["SourceUrl"] = format!("file:///etc/passwd{}", hostile("url")).into();
            f["Resources"][0]["Id"] = hostile(&format!("resource {i}")).into();
            f["Network"] = json!({ "Direction": "IN", "SourceIpV4": "198.51.100.7" });
            f["Note"] = json!({
                "Text": hostile("note"),
                "UpdatedBy": hostile("analyst"),
                "UpdatedAt": "2024-01-02T00:00:00.000Z",
            });
            f
        })
        .collect()
}

/// The demo WAF world with a hostile IP set and hostile descriptions and rule names.
fn hostile_waf() -> WafWorld {
    let mut world = demo_seed().wafv2;
    for set in &mut world.ip_sets {
        set.description = hostile("description");
    }
    let mut planted = world.ip_sets[0].clone();
    planted.name = hostile("ip set");
    planted.id = "0f0f0f0f-0000-4000-8000-000000000001".into();
    world.ip_sets.insert(0, planted);
    for acl in &mut world.web_acls {
        if let Some(rule) = acl.web_acl["Rules"].get_mut(0) {
            rule["Name"] = hostile("rule").into();
        }
    }
    world
}

fn journal_read(s: &State) -> bool {
    s.journal.as_ref().is_some_and(|j| j.rows.is_some())
}

fn change_verified(s: &State) -> bool {
    idle(s) && notified(s, "verified")
}

/// The findings pane, its detail tabs, groups, prompts, dialogs, the preview, the
/// notifications and the journal view, over hostile findings on the sandbox.
#[test]
fn hostile_findings_show_as_markers_on_every_findings_screen() {
    big_stack(|| async {
        let seed = Seed {
            findings: hostile_findings(),
            wafv2: hostile_waf(),
        };
        let mut console = TestEnv::new(seed).await.console(AccessFlag::Unset).await;
        wait_until(&mut console, "the findings", findings_loaded).await;
        assert_shown_safely(&console.state, "findings table", "Findings (3)");

        press(&mut console, "<enter>");
        assert_shown_safely(&console.state, "detail, overview", "[Overview]");
        press(&mut console, "<pgdn>");
        assert_shown_safely(
            &console.state,
            "detail, overview further down",
            "[Overview]",
        );
        press(&mut console, "gl");
        assert_shown_safely(&console.state, "detail, JSON", "[JSON]");
        press(&mut console, "l");
        wait_until(&mut console, "the history", |s| {
            s.findings.detail.as_ref().is_some_and(|d| {
                matches!(d.history, HistoryState::Loaded(_) | HistoryState::Failed(_))
            })
        })
        .await;
        assert_no_hostile_cell(&console.state, "detail, history");
        press(&mut console, "/");
        console.dispatch(Action::Paste(hostile("search")));
        assert_shown_safely(
            &console.state,
            "detail search prompt",
            "search: ⟨U+202E⟩search",
        );
        press(&mut console, "<esc><esc>");

        press(&mut console, "<c-g><c-g>");
        assert_shown_safely(&console.state, "groups by resource", "Findings by ");
        press(&mut console, "<enter>");
        assert_shown_safely(&console.state, "an open group", "Findings (1) · resource");
        press(&mut console, "<esc><c-g><c-g><c-g><c-g><c-g>");
        assert!(console.state.findings.grouping.is_none());

        for (keys, what) in [
            ("/", "filter prompt"),
            (":", "command line"),
            ("e", "export prompt"),
        ] {
            press(&mut console, keys);
            console.dispatch(Action::Paste(hostile(what)));
            assert_shown_safely(&console.state, what, what);
            press(&mut console, "<esc>");
        }
        press(&mut console, "F");
        console.dispatch(Action::Paste(hostile("filter editor")));
        assert_shown_safely(&console.state, "filter editor with its error", "filter: ");
        press(&mut console, "<esc>");

        // The clipboard gets the Id without its control characters; the opener nothing.
        press(&mut console, "c");
        let copied = console.copied.last().expect("copied").clone();
        assert!(
            copied.starts_with("f-") && !copied.chars().any(is_hostile),
            "{copied:?}"
        );
        assert_shown_safely(&console.state, "copy notification", "copied finding Id");
        press(&mut console, "U");
        assert!(
            notified(&console.state, "not opened"),
            "{:?}",
            messages(&console.state)
        );
        assert_shown_safely(
            &console.state,
            "open refusal",
            "not opened (only https: and http: links are): file:///etc/passwd⟨U+202E⟩",
        );

        press(&mut console, "w");
        assert_shown_safely(&console.state, "workflow picker", "Set workflow status");
        press(&mut console, "j<enter>");
        assert_shown_safely(&console.state, "workflow preview", "+ workflow NOTIFIED");
        press_until(&mut console, "y", "the workflow change", change_verified).await;
        assert_shown_safely(
            &console.state,
            "change notifications",
            "changed and verified",
        );

        press(&mut console, "N");
        console.dispatch(Action::Paste(long("typed note", 512)));
        assert_shown_safely(&console.state, "note editor", "Add a note");
        press(&mut console, "<enter>");
        assert_shown_safely(&console.state, "note preview", "+ note");
        console.state.notifications = Default::default();
        press_until(&mut console, "y", "the note", change_verified).await;

        press(&mut console, "E");
        assert_shown_safely(&console.state, "fields form", "Edit finding fields");
        press(&mut console, "<esc>");

        press_until(&mut console, "b", "the IP sets", |s| {
            matches!(s.ipsets.load, Load::Loaded)
        })
        .await;
        let block = assert_shown_safely(&console.state, "block dialog", "Block remote IPs");
        assert!(
            block.contains("⟨U+202E⟩ip set"),
            "the planted IP set: {block}"
        );
        press(&mut console, "<esc>");

        press_until(&mut console, ":journal<enter>", "the journal", journal_read).await;
        assert_shown_safely(&console.state, "journal view", "Journal · 2 change(s)");
        press(&mut console, "/");
        console.dispatch(Action::Paste(hostile("journal filter")));
        assert_shown_safely(
            &console.state,
            "journal filter",
            ":journal ⟨U+202E⟩journal filter",
        );
        press(&mut console, "<esc><esc>");

        // An error whose message carries the corpus, as a proxy or a product might send.
        console.sandbox().inject_fault(Fault {
            message: hostile("error message"),
            ..Fault::next("GetFindings", 10, 400, "InvalidInputException")
        });
        press_until(&mut console, "r", "the failed reload", |s| {
            matches!(s.findings.status, LoadStatus::Failed { .. })
        })
        .await;
        assert_shown_safely(
            &console.state,
            "load error and its notification",
            "loading findings failed",
        );
    });
}

/// An ip-ranges.json with a hostile syncToken, createDate and service name.
fn hostile_ranges(dir: &std::path::Path) -> String {
    let path = dir.join("ip-ranges.json");
    let doc = json!({
        "syncToken": format!("1785031025{}", hostile("token")),
        "createDate": "2026-08-22-10-00-00",
        "prefixes": [{
            "ip_prefix": "203.0.113.0/24", "region": "GLOBAL",
            "service": hostile("service"), "network_border_group": "GLOBAL"
        }],
        "ipv6_prefixes": []
    });
    std::fs::write(&path, doc.to_string()).unwrap();
    path.display().to_string()
}

/// The IP sets table, a set's addresses, the prompts and the sync dialog.
#[test]
fn hostile_ip_sets_and_ip_ranges_show_as_markers() {
    big_stack(|| async {
        let seed = Seed {
            wafv2: hostile_waf(),
            ..Seed::default()
        };
        let env = TestEnv::new(seed).await;
        let ranges = hostile_ranges(env.dir.path());
        let mut console = env.console(AccessFlag::Unset).await;
        press_until(&mut console, "3", "the IP sets", |s| {
            matches!(s.ipsets.load, Load::Loaded)
        })
        .await;
        assert_shown_safely(&console.state, "IP sets table", "WAF IP sets · REGIONAL");
        // The planted name sorts last (U+202E after the ASCII names).
        press(&mut console, "G<enter>");
        assert_shown_safely(
            &console.state,
            "addresses of the planted set",
            "not referenced by any web ACL rule",
        );
        press(&mut console, "+");
        console.dispatch(Action::Paste(hostile("add prompt")));
        assert_shown_safely(&console.state, "add prompt", "> ⟨U+202E⟩add prompt");
        press(&mut console, "<esc>/");
        console.dispatch(Action::Paste(hostile("address filter")));
        // The filter applies as it is typed, and the note above the list names it.
        assert_shown_safely(
            &console.state,
            "address filter",
            "0 of 4 entries match \"⟨U+202E⟩address filter",
        );
        press(&mut console, "<esc>");
        press(&mut console, "<esc>C");
        console.dispatch(Action::Paste(hostile("create prompt")));
        assert_shown_safely(
            &console.state,
            "create prompt",
            "new IP set: NAME IPV4|IPV6 [description] > ⟨U+202E⟩create prompt",
        );
        press(&mut console, "<esc>");

        press(&mut console, "s");
        console.dispatch(Action::Paste(hostile("a path")));
        assert_shown_safely(&console.state, "sync source typed", "⟨U+202E⟩a path");
        press(&mut console, "<enter>");
        wait_until(&mut console, "the unreadable source", |s| {
            s.ipsets.sync.as_ref().is_some_and(|d| d.error.is_some())
        })
        .await;
        assert_shown_safely(
            &console.state,
            "sync source error",
            "cannot read ip-ranges file",
        );
        press(&mut console, "<c-u>");
        console.dispatch(Action::Paste(ranges));
        press_until(&mut console, "<enter>", "the ranges", |s| {
            s.ipsets
                .sync
                .as_ref()
                .is_some_and(|d| d.step == SyncStep::Options)
        })
        .await;
        let dialog = assert_shown_safely(
            &console.state,
            "sync options",
            "syncToken 1785031025⟨U+202E⟩token",
        );
        assert!(dialog.contains("1785031025⟨U+202E⟩token"), "{dialog}");
        press(&mut console, "<esc>");
        assert_no_hostile_cell(&console.state, "after the dialog");
    });
}

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
    update(&mut s, Action::ShowAnalyzer);
    let analyzer = Analyzer {
        name: hostile("analyzer"),
        arn: ANALYZER.into(),
        kind: "ACCOUNT".into(),
        status: "ACTIVE".into(),
        created_at: "2023-07-01T16:00:00Z".into(),
    };
    update(
        &mut s,
        Action::Analyzer(AnalyzerMsg::AnalyzersLoaded(Ok(vec![analyzer]))),
    );
    let request = s.analyzer.request;
    let findings = vec![
        access_finding(A1, ROLE.into()),
        access_finding(A2, format!("arn:aws:s3:::{}", hostile("bucket"))),
    ];
    update(
        &mut s,
        Action::Analyzer(AnalyzerMsg::FindingsPage {
            request,
            result: Ok(findings),
            next_token: None,
        }),
    );
    s
}

/// Findings table, detail with the trust policy, remediation preview (a policy diff),
/// analyzers list, archive rules and the rule editor.
#[test]
fn hostile_access_analyzer_data_shows_as_markers() {
    let mut s = analyzer_state();
    assert_shown_safely(&s, "analyzer findings", "resource type");

    type_keys(&mut s, "<enter>");
    update(
        &mut s,
        Action::Analyzer(AnalyzerMsg::TrustPolicyLoaded {
            purpose: PolicyPurpose::Detail {
                finding_id: A1.into(),
            },
            result: Ok(hostile_policy()),
        }),
    );
    assert_shown_safely(&s, "analyzer detail", "Trust policy");
    type_keys(&mut s, "<esc>");

    type_keys(&mut s, "gx");
    update(
        &mut s,
        Action::Analyzer(AnalyzerMsg::TrustPolicyLoaded {
            purpose: PolicyPurpose::Remediate {
                finding_id: A1.into(),
            },
            result: Ok(hostile_policy()),
        }),
    );
    assert!(
        previewing(&s),
        "{}",
        assert_no_hostile_cell(&s, "no preview")
    );
    assert_shown_safely(&s, "remediation preview", "Preview plan-1");
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
        Action::Analyzer(AnalyzerMsg::ArchiveRulesLoaded {
            analyzer: hostile("analyzer"),
            result: Ok(vec![(
                hostile("rule"),
                vec![(hostile("criterion"), vec![hostile("value")])],
            )]),
        }),
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
    update(&mut s, Action::ShowAudits);
    update(
        &mut s,
        Action::Audits(Box::new(AuditsMsg::OverviewLoaded {
            request: 1,
            result: Ok(overview),
        })),
    );
    update(
        &mut s,
        Action::Audits(Box::new(AuditsMsg::FindingsLoaded {
            request: 1,
            task_id: hostile("task"),
            result: Ok(findings),
        })),
    );
    assert_shown_safely(&s, "audits pane", "Audit tasks (1)");
    type_keys(&mut s, "<enter>j");
    assert_shown_safely(&s, "audit findings focused", "Findings of ⟨U+202E⟩task");
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
