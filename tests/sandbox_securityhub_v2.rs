//! The new Security Hub (OCSF, the V2 operations) in the sandbox, checked against AWS's own
//! service model: no independent emulator implements these operations, so every request the
//! SDK sends and every answer the sandbox gives is validated with botocore's `securityhub`
//! model (`common::model`).

mod common;

use aws_sdk_securityhub::types::{
    AllowedOperators, CompositeFilter, GroupByField, GroupByRule, OcsfFindingFilters,
    OcsfStringField, OcsfStringFilter, StringFilter, StringFilterComparison,
};
use common::exchanges::hub_with_exchanges;
use common::model::ServiceModel;
use common::*;
use secdeck::aws::retry::RetryPolicy;
use secdeck::aws::securityhub_v2::counts::{finding_statistics, findings_trends};
use secdeck::aws::securityhub_v2::tickets::{connector_health, create_ticket, list_connectors};
use secdeck::aws::securityhub_v2::triage::{OcsfChanges, OcsfTarget, batch_update};
use secdeck::aws::securityhub_v2::{OcsfQuery, describe, get_all_findings, get_findings_page};
use secdeck::sandbox::FindingsApis;
use serde_json::Value;

fn securityhub() -> &'static ServiceModel {
    ServiceModel::load("securityhub")
}

fn string_filter(field: &str, value: &str, cmp: StringFilterComparison) -> OcsfStringFilter {
    OcsfStringFilter::builder()
        .field_name(OcsfStringField::from(field))
        .filter(StringFilter::builder().value(value).comparison(cmp).build())
        .build()
}

fn query(filters: OcsfFindingFilters) -> OcsfQuery {
    OcsfQuery {
        filters: Some(filters),
        ..Default::default()
    }
}

fn uid(doc: &Value) -> String {
    doc["metadata"]["uid"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn count_where(env: &TestEnv, pred: impl Fn(&Value) -> bool) -> usize {
    env.ocsf_findings().iter().filter(|d| pred(d)).count()
}

#[test]
fn every_finding_is_visible_through_both_apis_page_by_page() {
    big_stack(|| async {
        let env = TestEnv::demo().await;
        let (hub, exchanges) = hub_with_exchanges(&env);
        let hubv2 = describe(&hub)
            .await
            .unwrap()
            .expect("the demo enables the new Security Hub");
        assert!(hubv2.arn.unwrap().contains(":hubv2/"));
        let first = get_findings_page(&hub, &OcsfQuery::default(), None, 100)
            .await
            .unwrap();
        assert_eq!(first.findings.len(), 100);
        assert!(first.next_token.is_some());
        let all = get_all_findings(&hub, &OcsfQuery::default(), &RetryPolicy::none())
            .await
            .unwrap();
        let exposures = count_where(&env, |d| {
            d["finding_info"]["analytic"]["name"] == "Exposure"
        });
        assert!(exposures > 0, "the demo world has exposure findings");
        assert_eq!(all.len(), env.finding_count() + exposures);
        // Each CSPM finding appears once, under its ASFF Id, newest change first.
        let cspm: Vec<&Value> = all
            .iter()
            .filter(|d| d["class_uid"] != 2004 || d["finding_info"]["analytic"].is_null())
            .collect();
        for doc in cspm.iter().take(50) {
            let asff = env
                .finding(&uid(doc))
                .expect("an ASFF finding behind each OCSF one");
            assert_eq!(doc["finding_info"]["title"], asff["Title"]);
        }
        let ops = securityhub().check_exchanges(&exchanges.taken());
        // What the sandbox's recorder received is what the model accepts, too.
        for r in env
            .requests()
            .iter()
            .filter(|r| r.operation.ends_with("V2"))
        {
            securityhub()
                .check_input(&r.operation, &r.params)
                .unwrap_or_else(|v| panic!("{} as recorded:\n{v}", r.operation));
        }
        assert!(
            ops.contains(&"GetFindingsV2".to_string())
                && ops.contains(&"DescribeSecurityHubV2".to_string())
        );
    })
}

#[test]
fn filters_with_or_and_nesting_are_applied_and_limits_refused() {
    big_stack(|| async {
        let env = TestEnv::demo().await;
        let (hub, exchanges) = hub_with_exchanges(&env);
        // (severity = Critical OR severity = High) AND NOT title contains "S3"
        let either = CompositeFilter::builder()
            .operator(AllowedOperators::Or)
            .string_filters(string_filter(
                "severity",
                "Critical",
                StringFilterComparison::Equals,
            ))
            .string_filters(string_filter(
                "severity",
                "High",
                StringFilterComparison::Equals,
            ))
            .build();
        let filters = OcsfFindingFilters::builder()
            .composite_operator(AllowedOperators::And)
            .composite_filters(
                CompositeFilter::builder()
                    .nested_composite_filters(either)
                    .string_filters(string_filter(
                        "finding_info.title",
                        "S3",
                        StringFilterComparison::NotContains,
                    ))
                    .build(),
            )
            .build();
        let found = get_all_findings(&hub, &query(filters), &RetryPolicy::none())
            .await
            .unwrap();
        let expected = count_where(&env, |d| {
            (d["severity"] == "Critical" || d["severity"] == "High")
                && !d["finding_info"]["title"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("S3")
        });
        assert!(expected > 0);
        assert_eq!(found.len(), expected);
        // 11 composites: AWS's ValidationException, nothing returned.
        let mut many = OcsfFindingFilters::builder();
        for _ in 0..11 {
            many = many.composite_filters(CompositeFilter::builder().build());
        }
        let err = get_findings_page(&hub, &query(many.build()), None, 10)
            .await
            .unwrap_err();
        assert_eq!(err.code.as_deref(), Some("ValidationException"));
        assert!(err.message.contains("at most 10"), "{err}");
        securityhub().check_exchanges(&exchanges.taken());
    })
}

#[test]
fn a_status_change_shows_through_both_apis_and_failures_are_unprocessed() {
    big_stack(|| async {
        let env = TestEnv::demo().await;
        let (hub, exchanges) = hub_with_exchanges(&env);
        let doc = env
            .ocsf_findings()
            .into_iter()
            .find(|d| d["status_id"] == 1)
            .unwrap();
        let id = uid(&doc);
        let resolve = OcsfChanges {
            status_id: Some(4),
            comment: Some("fixed in CHG-7".into()),
            ..Default::default()
        };
        let targets = [
            OcsfTarget::MetadataUid(id.clone()),
            OcsfTarget::MetadataUid("arn:nope".into()),
        ];
        let result = batch_update(&hub, &targets, &resolve).await.unwrap();
        assert_eq!(result.processed, [OcsfTarget::MetadataUid(id.clone())]);
        assert_eq!(result.unprocessed[0].1, "ResourceNotFoundException");
        let asff = env.finding(&id).unwrap();
        assert_eq!(asff["Workflow"]["Status"], "RESOLVED", "V2 -> ASFF");
        assert_eq!(asff["Note"]["Text"], "fixed in CHG-7");
        // ASFF -> V2.
        let product = asff["ProductArn"].as_str().unwrap();
        let ident = aws_sdk_securityhub::types::AwsSecurityFindingIdentifier::builder()
            .id(&id)
            .product_arn(product)
            .build();
        env.hub()
            .batch_update_findings()
            .finding_identifiers(ident)
            .workflow(common::hub::workflow(
                aws_sdk_securityhub::types::WorkflowStatus::Notified,
            ))
            .send()
            .await
            .unwrap();
        let seen = env.ocsf_finding(&id).unwrap();
        assert_eq!(
            (seen["status_id"].as_i64(), seen["status"].as_str()),
            (Some(2), Some("In Progress"))
        );
        // Archived has no ASFF equivalent: kept by V2 until ASFF changes the workflow.
        let archive = OcsfChanges {
            status_id: Some(5),
            ..Default::default()
        };
        let by_identifier = OcsfTarget::Identifier {
            cloud_account_uid: doc["cloud"]["account"]["uid"].as_str().unwrap().into(),
            finding_info_uid: id.clone(),
            metadata_product_uid: doc["metadata"]["product"]["uid"].as_str().unwrap().into(),
        };
        let result = batch_update(&hub, std::slice::from_ref(&by_identifier), &archive)
            .await
            .unwrap();
        assert_eq!(result.processed, [by_identifier]);
        assert_eq!(env.ocsf_finding(&id).unwrap()["status"], "Archived");
        // An injected item fault: the call succeeds, the finding is unprocessed.
        env.inject_item_fault(secdeck::sandbox::Fault::next(
            "BatchUpdateFindingsV2",
            1,
            0,
            "ConflictException",
        ));
        let result = batch_update(&hub, &[OcsfTarget::MetadataUid(id.clone())], &resolve)
            .await
            .unwrap();
        assert_eq!(result.unprocessed[0].1, "ConflictException");
        // Refused before anything is sent: both ways of addressing at once.
        let sent = exchanges.taken().len();
        let mixed = [
            OcsfTarget::MetadataUid(id.clone()),
            targets[1].clone(),
            OcsfTarget::Identifier {
                cloud_account_uid: "1".into(),
                finding_info_uid: "f".into(),
                metadata_product_uid: "p".into(),
            },
        ];
        assert!(batch_update(&hub, &mixed, &resolve).await.is_err());
        assert_eq!(exchanges.taken().len(), sent);
        securityhub().check_exchanges(&exchanges.taken());
    })
}

#[test]
fn statistics_trends_connectors_and_tickets() {
    big_stack(|| async {
        let env = TestEnv::demo().await;
        let (hub, exchanges) = hub_with_exchanges(&env);
        let rule = GroupByRule::builder()
            .group_by_field(GroupByField::from("severity"))
            .build();
        let groups = finding_statistics(&hub, vec![rule], None, true, 400)
            .await
            .unwrap();
        assert_eq!(groups[0].field, "severity");
        let total: i64 = groups[0].groups.iter().map(|g| g.1).sum();
        assert_eq!(
            total as usize,
            env.ocsf_findings().len(),
            "every finding has one severity"
        );
        let high = groups[0].groups.iter().find(|g| g.0 == "High").unwrap().1;
        assert_eq!(
            high as usize,
            count_where(&env, |d| d["severity"] == "High")
        );
        let now = time::OffsetDateTime::now_utc();
        let trend = findings_trends(
            &hub,
            None,
            now - time::Duration::days(30),
            now,
            &RetryPolicy::none(),
        )
        .await
        .unwrap();
        assert_eq!(trend.granularity, "Daily");
        assert_eq!(trend.points.len(), 31);
        assert_eq!(
            trend.points.last().unwrap().1.total() as usize,
            env.ocsf_findings().len()
        );

        let connectors = list_connectors(&hub, &RetryPolicy::none()).await.unwrap();
        assert_eq!(connectors.len(), 3);
        let broken = connectors
            .iter()
            .find(|c| !c.is_connected())
            .expect("one connector is down");
        let jira = connectors
            .iter()
            .find(|c| c.is_connected() && c.provider == "JIRA_CLOUD")
            .unwrap();
        // GetConnectorV2 says why a connector is down, and nothing for a connected one.
        let why = connector_health(&hub, &broken.id).await.unwrap();
        assert!(why.unwrap().contains("401 Unauthorized"));
        assert_eq!(connector_health(&hub, &jira.id).await.unwrap(), None);
        let finding = uid(&env.ocsf_findings()[0]);
        let preview = create_ticket(&hub, &jira.id, &finding, true, None)
            .await
            .unwrap();
        assert_eq!(preview.id, "DRYRUN");
        let ticket = create_ticket(&hub, &jira.id, &finding, false, Some("tok-1".into()))
            .await
            .unwrap();
        assert!(ticket.id.starts_with("SEC-") && ticket.url.unwrap().ends_with(&ticket.id));
        let again = create_ticket(&hub, &jira.id, &finding, false, Some("tok-1".into()))
            .await
            .unwrap();
        assert_eq!(again.id, ticket.id, "the client token opens one ticket");
        let err = create_ticket(&hub, &broken.id, &finding, true, None)
            .await
            .unwrap_err();
        assert_eq!(err.code.as_deref(), Some("ConflictException"));
        let err = create_ticket(&hub, "c-missing", &finding, true, None)
            .await
            .unwrap_err();
        assert_eq!(err.code.as_deref(), Some("ResourceNotFoundException"));
        securityhub().check_exchanges(&exchanges.taken());
    })
}

#[test]
fn exposure_findings_correlate_findings_on_their_resource() {
    big_stack(|| async {
        let env = TestEnv::demo().await;
        let hub = hub_with_exchanges(&env).0;
        let filters = OcsfFindingFilters::builder()
            .composite_filters(
                CompositeFilter::builder()
                    .string_filters(string_filter(
                        "finding_info.analytic.name",
                        "Exposure",
                        StringFilterComparison::Equals,
                    ))
                    .build(),
            )
            .build();
        let exposures = get_all_findings(&hub, &query(filters), &RetryPolicy::none())
            .await
            .unwrap();
        assert!(!exposures.is_empty());
        let mut resources = std::collections::HashSet::new();
        for e in &exposures {
            assert_eq!(e["class_name"], "Detection Finding");
            if e["metadata"]["uid"].is_null() {
                // AWS's published sample (assets/demo/securityhub/ocsf/), served as is.
                assert_eq!(e["finding_info"]["related_events_count"], 3);
                continue;
            }
            assert_eq!(
                e["metadata"]["product"]["name"], "Security Hub Exposure Analysis",
                "the product of the user guide's sample"
            );
            let resource = e["resources"][0]["uid"].as_str().unwrap();
            assert!(
                resources.insert(resource.to_string()),
                "one exposure per resource"
            );
            let related = e["finding_info"]["related_events"].as_array().unwrap();
            assert!(related.len() >= 2);
            assert!(
                related
                    .iter()
                    .any(|r| !r["traits"].as_array().unwrap().is_empty())
            );
            for r in related {
                let asff = env
                    .finding(r["uid"].as_str().unwrap())
                    .expect("a contributing finding");
                assert_eq!(asff["Resources"][0]["Id"].as_str(), Some(resource));
            }
        }
    })
}

#[test]
fn a_disabled_api_answers_as_aws_does() {
    big_stack(|| async {
        let env = TestEnv::demo().await;
        let (hub, exchanges) = hub_with_exchanges(&env);
        env.set_findings_apis(FindingsApis {
            cspm: true,
            v2: false,
        });
        assert_eq!(
            describe(&hub).await.unwrap(),
            None,
            "CSPM-only: not enabled"
        );
        let err = get_findings_page(&hub, &OcsfQuery::default(), None, 10)
            .await
            .unwrap_err();
        assert_eq!(err.code.as_deref(), Some("AccessDeniedException"));
        assert!(
            hub.get_findings().send().await.is_ok(),
            "the ASFF API still answers"
        );
        env.set_findings_apis(FindingsApis {
            cspm: false,
            v2: true,
        });
        let err = hub.get_findings().send().await.unwrap_err();
        assert_eq!(
            aws_sdk_securityhub::error::ProvideErrorMetadata::code(&err),
            Some("InvalidAccessException")
        );
        assert!(describe(&hub).await.unwrap().is_some());
        let v2: Vec<_> = exchanges
            .taken()
            .into_iter()
            .filter(|x| x.path.contains("v2"))
            .collect();
        assert_eq!(securityhub().check_exchanges(&v2).len(), 3);
    })
}

#[test]
fn generated_worlds_serve_both_apis() {
    big_stack(|| async {
        let now = time::OffsetDateTime::now_utc();
        let findings = secdeck::sandbox::seed::generate_findings(3_000, 7, now);
        let env = TestEnv::findings(findings).await;
        let (hub, exchanges) = hub_with_exchanges(&env);
        let rule = GroupByRule::builder()
            .group_by_field(GroupByField::from("class_name"))
            .build();
        let groups = finding_statistics(&hub, vec![rule], None, true, 400)
            .await
            .unwrap();
        let total: i64 = groups[0].groups.iter().map(|g| g.1).sum();
        assert_eq!(total as usize, env.ocsf_findings().len());
        assert!(total >= 3_000, "every generated finding is counted");
        let page = get_findings_page(&hub, &OcsfQuery::default(), None, 100)
            .await
            .unwrap();
        securityhub().check_exchanges(&exchanges.taken());
        // Every OCSF document of a generated world is one the SDK reads.
        assert_eq!(page.findings.len(), 100);
    })
}

#[test]
fn the_aws_cli_reads_v2_findings_and_counts_from_the_sandbox_on_loopback() {
    let server = common::bin::ListeningSandbox::start();
    let aws = |args: &[&str]| {
        common::awscli::aws(&server.url, "us-east-1", args).unwrap_or_else(|e| panic!("{e}"))
    };
    let page = aws(&[
        "securityhub",
        "get-findings-v2",
        "--max-results",
        "5",
        "--no-paginate",
    ]);
    let findings = page["Findings"].as_array().expect("Findings");
    assert_eq!(findings.len(), 5);
    assert!(page["NextToken"].is_string());
    assert!(findings.iter().all(|f| f["metadata"]["uid"].is_string()));
    let stats = aws(&[
        "securityhub",
        "get-finding-statistics-v2",
        "--group-by-rules",
        r#"[{"GroupByField":"severity"}]"#,
    ]);
    let groups = stats["GroupByResults"][0]["GroupByValues"]
        .as_array()
        .expect("groups");
    let total: i64 = groups.iter().map(|g| g["Count"].as_i64().unwrap()).sum();
    // The same world as the in-process demo: the same number of findings, by severity.
    let expected =
        common::runner::big_stack_value(|| async { TestEnv::demo().await.ocsf_findings().len() });
    assert_eq!(total as usize, expected);
}

/// The OCSF issue's acceptance: against one `secdeck sandbox --listen`, the console on
/// `--findings-api ocsf` shows the findings and severity counts the AWS CLI reads.
#[test]
fn the_console_on_ocsf_shows_the_findings_and_counts_the_aws_cli_reads() {
    use secdeck::domain::findings_api::FindingsApi;
    let server = common::bin::ListeningSandbox::start();
    let url = server.url.clone();
    let aws = move |args: &[&str]| {
        common::awscli::aws(&url, "us-east-1", args).unwrap_or_else(|e| panic!("{e}"))
    };
    // The console's default OCSF view, `status=New,in_progress`, as a CLI user writes it.
    let filters = r#"{"CompositeFilters":[{"Operator":"OR","StringFilters":[
        {"FieldName":"status","Filter":{"Value":"New","Comparison":"EQUALS"}},
        {"FieldName":"status","Filter":{"Value":"In Progress","Comparison":"EQUALS"}}]}],
        "CompositeOperator":"AND"}"#;
    let listed = aws(&["securityhub", "get-findings-v2", "--filters", filters]);
    let mut cli_uids: Vec<String> = listed["Findings"]
        .as_array()
        .expect("Findings")
        .iter()
        // The console's row id: metadata.uid, else (AWS's sample exposure) finding_info.uid.
        .map(|d| match uid(d) {
            none if none.is_empty() => d["finding_info"]["uid"].as_str().unwrap().to_string(),
            some => some,
        })
        .collect();
    cli_uids.sort();
    let rules = format!(r#"[{{"GroupByField":"severity","Filters":{filters}}}]"#);
    let stats = aws(&[
        "securityhub",
        "get-finding-statistics-v2",
        "--group-by-rules",
        &rules,
    ]);
    let mut cli_counts: Vec<(String, i64)> = stats["GroupByResults"][0]["GroupByValues"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| {
            (
                g["FieldValue"].as_str().unwrap().to_string(),
                g["Count"].as_i64().unwrap(),
            )
        })
        .collect();
    cli_counts.sort();

    let endpoint = server.url.clone();
    let (rows, mut counts) = common::runner::big_stack_value(move || async move {
        let journal = tempfile::tempdir().unwrap();
        let seed = secdeck::sandbox::seed::Seed::default();
        let mut parts = secdeck::runtime::demo_parts(
            seed,
            secdeck::config::AccessFlag::ReadOnly,
            journal.path().join("j.jsonl"),
        )
        .await
        .unwrap();
        parts.sdk_config = common::sdk::moto_config(&endpoint, "us-east-1");
        parts.sandbox = None;
        parts.findings_api = FindingsApi::Ocsf;
        let mut console = secdeck::runtime::Console::start(parts);
        wait_until(&mut console, "the OCSF view and its counts", |s| {
            findings_loaded(s) && s.findings.server_counts.is_some()
        })
        .await;
        let findings = &console.state.findings;
        let rows: Vec<String> = (0..findings.visible_len())
            .filter_map(|i| findings.visible(i).map(|f| f.id.clone()))
            .collect();
        (rows, findings.server_counts.clone().unwrap().severity)
    });
    let mut rows = rows;
    rows.sort();
    assert!(
        cli_uids.len() > 100,
        "more than one page: {}",
        cli_uids.len()
    );
    let only_console: Vec<_> = rows.iter().filter(|r| !cli_uids.contains(r)).collect();
    let only_cli: Vec<_> = cli_uids.iter().filter(|r| !rows.contains(r)).collect();
    assert!(
        only_console.is_empty() && only_cli.is_empty() && rows.len() == cli_uids.len(),
        "the console's {} rows are the CLI's {} findings; only in the console: {only_console:?}; \
         only in the CLI: {only_cli:?}",
        rows.len(),
        cli_uids.len()
    );
    counts.retain(|(_, n)| *n > 0);
    counts.sort();
    assert_eq!(counts, cli_counts, "the strip's counts are the CLI's");
}
