//! The V2 operations of the new Security Hub (OCSF) in botocore's `securityhub` model: the
//! checker (`common::model`) that `sandbox_securityhub_v2.rs` validates every request and
//! answer with, itself checked on known good and bad values. No independent emulator
//! implements these operations, so the model is the reference.

mod common;

use common::model::ServiceModel;
use serde_json::json;

fn securityhub() -> &'static ServiceModel {
    ServiceModel::load("securityhub")
}

#[test]
fn the_model_knows_the_v2_operations_and_their_routes() {
    let model = securityhub();
    for op in [
        "DescribeSecurityHubV2",
        "GetFindingsV2",
        "BatchUpdateFindingsV2",
        "GetFindingStatisticsV2",
        "GetFindingsTrendsV2",
        "ListConnectorsV2",
        "GetConnectorV2",
        "CreateTicketV2",
    ] {
        assert!(
            model.has_operation(op),
            "{op} in botocore's securityhub model"
        );
    }
    assert_eq!(
        model.operation_for("POST", "/findingsv2"),
        Some("GetFindingsV2")
    );
    assert_eq!(
        model.operation_for("PATCH", "/findingsv2/batchupdatev2"),
        Some("BatchUpdateFindingsV2")
    );
    assert_eq!(
        model.operation_for("GET", "/connectorsv2?MaxResults=10"),
        Some("ListConnectorsV2")
    );
    assert_eq!(
        model.operation_for("GET", "/connectorsv2/c-jira-legacy"),
        Some("GetConnectorV2")
    );
    assert_eq!(
        model.operation_for("POST", "/findings"),
        Some("GetFindings")
    );
}

fn sorted<'a>(names: &[&'a str]) -> Vec<&'a str> {
    let mut v = names.to_vec();
    v.sort_unstable();
    v
}

#[test]
fn the_sandbox_accepts_exactly_the_field_names_the_model_lists() {
    // The same names, whatever order each list keeps them in.
    for (shape, names) in secdeck::sandbox::v2_field_names() {
        let model = securityhub().enum_values(shape);
        assert_eq!(sorted(names), sorted(&model), "{shape}");
    }
}

#[test]
fn the_model_accepts_a_well_formed_request() {
    let body = json!({
        "Filters": {
            "CompositeFilters": [{
                "StringFilters": [{"FieldName": "severity", "Filter": {"Value": "High", "Comparison": "EQUALS"}}],
                "NestedCompositeFilters": [{
                    "NumberFilters": [{"FieldName": "status_id", "Filter": {"Eq": 1.0}}],
                    "Operator": "OR"
                }],
                "Operator": "AND"
            }],
            "CompositeOperator": "AND"
        },
        "MaxResults": 100
    });
    securityhub()
        .check_input("GetFindingsV2", &body)
        .unwrap_or_else(|v| panic!("valid request refused:\n{v}"));
}

#[test]
fn the_model_rejects_bad_values_and_names_each_path() {
    let body = json!({
        "Filters": {
            "CompositeFilters": [{
                "StringFilters": [{"FieldName": "severity", "Filter": {"Value": "High", "Comparison": "LIKE"}}],
                "Operator": "XOR"
            }],
            "Bogus": 1
        },
        "MaxResults": 101,
        "NextToken": 7
    });
    let violations = securityhub()
        .check_input("GetFindingsV2", &body)
        .expect_err("a bad request is refused")
        .0;
    let paths: Vec<&str> = violations.iter().map(|v| v.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "$.Filters.CompositeFilters[0].StringFilters[0].Filter.Comparison",
            "$.Filters.CompositeFilters[0].Operator",
            "$.Filters.Bogus",
            "$.MaxResults",
            "$.NextToken",
        ],
        "{violations:#?}"
    );
    assert!(
        violations[0]
            .problem
            .contains("\"LIKE\" is not one of EQUALS")
    );
    assert!(violations[3].problem.contains("above the maximum 100"));
}

#[test]
fn the_model_checks_required_members_lists_and_timestamps_of_answers() {
    let model = securityhub();
    let missing = model
        .check_output("BatchUpdateFindingsV2", &json!({"ProcessedFindings": []}))
        .expect_err("UnprocessedFindings is required")
        .0;
    assert_eq!(missing[0].path, "$.UnprocessedFindings");
    let too_many = json!({"MetadataUids": vec!["x"; 101]});
    let refused = model
        .check_input("BatchUpdateFindingsV2", &too_many)
        .expect_err("101 ids refused")
        .0;
    assert!(refused[0].problem.contains("at most 100"), "{refused:?}");
    let bad_time = json!({"Granularity": "Daily", "TrendsMetrics": [{
        "Timestamp": 1_700_000_000, "TrendsValues": {"SeverityTrends": {}}}]});
    let problems = model
        .check_output("GetFindingsTrendsV2", &bad_time)
        .expect_err("epoch seconds where ISO 8601 is modelled")
        .0;
    assert_eq!(problems[0].path, "$.TrendsMetrics[0].Timestamp");
    assert!(
        problems
            .iter()
            .any(|p| p.path.ends_with("SeverityTrends.Critical"))
    );
    // Query-string members are not body members.
    model
        .check_input("ListConnectorsV2", &json!({}))
        .expect("no body for ListConnectorsV2");
}
