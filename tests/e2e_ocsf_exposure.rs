//! End to end on the new Security Hub (`--findings-api ocsf`, console + sandbox): an
//! exposure finding opened with its contributing findings (Enter opens one, read by its
//! uid when not loaded; Esc comes back with the same one picked), `ctrl-g` group counts
//! from GetFindingStatisticsV2 asked before page 2, `:scope ou=` sent as `Scopes`, `~~`
//! (CONTAINS_WORD) applied. Every Security Hub request the console sent fits botocore's
//! model.

mod common;

use common::model::ServiceModel;
use common::render::render;
use common::*;
use secdeck::app::State;
use secdeck::config::AccessFlag;
use secdeck::domain::findings_api::FindingsApi;
use secdeck::sandbox::Sandbox;
use serde_json::Value;

/// The user guide's sample exposure finding (assets/demo/securityhub/ocsf/).
const SAMPLE: &str = "arn:aws:securityhub:us-east-1:123456789012:risk:1234f781c7ae7507f01e2fb460f15ca8fe7f9c95e257698a092cb74a4ea84a42";

/// The demo console reading OCSF, its first load done.
async fn ocsf_console() -> ConsoleEnv {
    let mut console = TestEnv::demo()
        .await
        .console_with(AccessFlag::Unset, |p| p.findings_api = FindingsApi::Ocsf)
        .await;
    wait_until(&mut console, "the OCSF findings", findings_loaded).await;
    console
}

/// Every Security Hub request the sandbox received fits the model; returns their names.
fn sent_fits_the_model(sb: &Sandbox) -> Vec<String> {
    ServiceModel::load("securityhub").check_recorded("securityhub", &sb.requests())
}

fn open_id(s: &State) -> Option<&str> {
    s.findings.detail.as_ref().map(|d| d.finding_id.as_str())
}

fn picked(s: &State) -> Option<usize> {
    s.findings
        .detail
        .as_ref()?
        .exposure
        .as_ref()
        .map(|n| n.picked)
}

/// `:findings EXPR`, then the cursor on the row `which` picks, opened.
async fn open_where(console: &mut ConsoleEnv, expr: &str, which: impl Fn(&Value) -> bool) {
    press(console, &format!(":findings {expr}<enter>"));
    wait_until(console, expr, findings_loaded).await;
    let at = (0..console.state.findings.visible_len())
        .position(|i| {
            let f = console.state.findings.visible(i).unwrap();
            which(&f.raw.value())
        })
        .unwrap_or_else(|| panic!("no row of {expr} fits"));
    press(console, &format!("g{}<enter>", "j".repeat(at)));
}

#[test]
fn an_exposure_lists_its_contributing_findings_enter_opens_one_and_esc_comes_back() {
    big_stack(|| async {
        let mut console = ocsf_console().await;
        // A generated exposure: its contributing findings are CSPM findings not loaded.
        press(&mut console, ":exposures<enter>");
        wait_until(&mut console, "the exposures", findings_loaded).await;
        let rows = console.state.findings.rows();
        assert!(rows.len() > 1 && rows.iter().all(|f| f.generator_id == "Exposure"));
        open_where(&mut console, "exposure=true", |d| {
            d["metadata"]["uid"].is_string()
                && d["finding_info"]["related_events"]
                    .as_array()
                    .unwrap()
                    .len()
                    >= 2
        })
        .await;
        let exposure = open_id(&console.state).unwrap().to_string();
        let doc = console.sandbox().ocsf_finding(&exposure).unwrap();
        let related = doc["finding_info"]["related_events"].as_array().unwrap();
        let second = related[1]["uid"].as_str().unwrap().to_string();
        let n = related.len();
        assert_shows(
            &console.state,
            &[
                &format!("Contributing findings ({n})"),
                "Traits",
                "Exposed",
                "▶ [",
            ],
        );
        press(&mut console, "j<enter>");
        wait_until(&mut console, "the contributing finding", |s| {
            open_id(s) == Some(&second)
        })
        .await;
        let read = calls(console.sandbox(), "GetFindingsV2");
        let by_uid = &read.last().unwrap()["Filters"]["CompositeFilters"][0]["StringFilters"][0];
        assert_eq!(by_uid["FieldName"], "finding_info.uid");
        assert_eq!(
            by_uid["Filter"]["Value"],
            second.as_str(),
            "read by its uid"
        );
        press(&mut console, "<esc>");
        assert_eq!(open_id(&console.state), Some(exposure.as_str()));
        assert_eq!(picked(&console.state), Some(1), "the cursor where it was");
        press(&mut console, "<esc>");
        assert_eq!(open_id(&console.state), None);

        // AWS's sample: its contributing findings are not in this account's Security Hub.
        open_where(&mut console, &format!("id=\"{SAMPLE}\""), |_| true).await;
        assert_shows(
            &console.state,
            &[
                "Vulnerability: Attack Vector Network",
                "Reachability: Publicly Invocable",
                "AwsLambdaFunction arn:aws:lambda:us-east-1:123456789012:application-function",
            ],
        );
        press(&mut console, "<enter>");
        wait_for_message(&mut console, "returned no such finding").await;
        assert_eq!(
            open_id(&console.state),
            Some(SAMPLE),
            "the exposure stays open"
        );

        let sent = sent_fits_the_model(console.sandbox());
        assert!(sent.iter().any(|o| o == "GetFindingsV2"), "{sent:?}");
    });
}

#[test]
fn ctrl_g_counts_are_security_hubs_and_asked_before_page_two() {
    big_stack(|| async {
        let mut console = ocsf_console().await;
        press(&mut console, ":group severity<enter>");
        wait_until(&mut console, "the group counts", |s| {
            s.findings.server_counted()
        })
        .await;
        // A reload with the grouping on: the counts are asked with the first page.
        let before = console.sandbox().requests().len();
        press(&mut console, "r");
        wait_until(&mut console, "the reload", findings_loaded).await;
        wait_until(&mut console, "the new counts", |s| {
            s.findings.server_counted()
        })
        .await;
        let order: Vec<String> = console.sandbox().requests()[before..]
            .iter()
            .filter(|r| r.service == "securityhub")
            .map(|r| {
                let by = &r.params["GroupByRules"][0]["GroupByField"];
                match (&r.params["NextToken"], by) {
                    (Value::String(_), _) => format!("{} page 2+", r.operation),
                    (_, Value::String(f)) => format!("{} {f}", r.operation),
                    _ => r.operation.clone(),
                }
            })
            .collect();
        let grouped = order
            .iter()
            .position(|o| o == "GetFindingStatisticsV2 severity");
        let page2 = order.iter().position(|o| o == "GetFindingsV2 page 2+");
        assert!(
            grouped.is_some() && page2.is_some() && grouped < page2,
            "{order:?}"
        );

        // The counts are the sandbox's: every finding of the view by severity.
        let mut expected: std::collections::BTreeMap<String, i64> = Default::default();
        for d in console.sandbox().ocsf_findings() {
            if matches!(d["status"].as_str(), Some("New" | "In Progress")) {
                let caption = d["severity"].as_str().unwrap_or_default();
                let key = secdeck::domain::ocsf_finding::severity_of_caption(caption)
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| caption.to_string());
                *expected.entry(key).or_default() += 1;
            }
        }
        let g = console.state.findings.grouping.as_ref().unwrap();
        let shown: std::collections::BTreeMap<String, i64> = g
            .groups
            .iter()
            .map(|grp| (grp.key.clone(), grp.server_count.unwrap_or(-1)))
            .collect();
        assert_eq!(shown, expected);
        assert_shows(&console.state, &["counts from Security Hub"]);
        sent_fits_the_model(console.sandbox());
    });
}

#[test]
fn scope_is_sent_as_scopes_shown_and_refused_with_aws_error() {
    big_stack(|| async {
        let mut console = ocsf_console().await;
        press(&mut console, ":scope ou=ou-exam-prod0001<enter>");
        wait_until(&mut console, "the scoped view", findings_loaded).await;
        let last = calls(console.sandbox(), "GetFindingsV2").pop().unwrap();
        assert_eq!(
            last["Scopes"]["AwsOrganizations"][0]["OrganizationalUnitId"],
            "ou-exam-prod0001"
        );
        let stats = calls(console.sandbox(), "GetFindingStatisticsV2")
            .pop()
            .unwrap();
        assert_eq!(
            stats["Scopes"]["AwsOrganizations"][0]["OrganizationalUnitId"], "ou-exam-prod0001",
            "the counts are scoped too"
        );
        assert_shows(&console.state, &["scope ou-exam-prod0001"]);

        press(&mut console, ":scope ou=ou-exam-nothere01<enter>");
        wait_for_message(&mut console, "OrganizationalUnitNotFoundException").await;

        // A member account (not the delegated administrator) is refused as AWS does.
        console.sandbox().set_delegated_admin(false);
        press(&mut console, ":scope ou=ou-exam-prod0001<enter>");
        wait_for_message(&mut console, "AccessDeniedException").await;
        console.sandbox().set_delegated_admin(true);

        press(&mut console, ":scope<enter>");
        wait_until(&mut console, "the unscoped view", findings_loaded).await;
        let last = calls(console.sandbox(), "GetFindingsV2").pop().unwrap();
        assert!(last.get("Scopes").is_none(), "{last:#}");

        // `~~` is CONTAINS_WORD: a whole word, any case.
        press(&mut console, ":findings title~~lambda<enter>");
        wait_until(&mut console, "the word filter", findings_loaded).await;
        let last = calls(console.sandbox(), "GetFindingsV2").pop().unwrap();
        let f = &last["Filters"]["CompositeFilters"][0]["StringFilters"][0]["Filter"];
        assert_eq!(f["Comparison"], "CONTAINS_WORD");
        let rows = console.state.findings.rows();
        assert!(!rows.is_empty());
        for r in rows {
            let words: Vec<String> = r
                .title
                .to_lowercase()
                .split(|c: char| !c.is_alphanumeric())
                .map(str::to_string)
                .collect();
            assert!(words.iter().any(|w| w == "lambda"), "{}", r.title);
        }
        sent_fits_the_model(console.sandbox());
    });
}

#[test]
fn the_exposure_view_at_80x24() {
    big_stack(|| async {
        let mut console = ocsf_console().await;
        console.dispatch(secdeck::app::Action::Resize {
            width: 80,
            height: 24,
        });
        open_where(&mut console, &format!("id=\"{SAMPLE}\""), |_| true).await;
        press(&mut console, "j");
        insta::assert_snapshot!(
            "exposure_view_80x24",
            render(&console.state, 80, 24).backend()
        );
    });
}
