//! Security Hub through the real aws-sdk-securityhub client: findings built with the SDK's
//! own types, identifiers, filters and the one-finding updates tests make.

use aws_sdk_securityhub::Client;
use aws_sdk_securityhub::types::builders::AwsSecurityFindingBuilder;
use aws_sdk_securityhub::types::{
    AwsSecurityFinding, AwsSecurityFindingIdentifier, Resource, Severity, SeverityLabel,
    StringFilter, StringFilterComparison, WorkflowStatus, WorkflowUpdate,
};

use super::findings::PRODUCT_ARN;

/// A valid SDK finding `sdk-NNNN`, HIGH, on the account.
pub fn sdk_finding(i: usize) -> AwsSecurityFinding {
    sdk_builder(i).build()
}

/// `sdk_finding(i)` still open to changes.
pub fn sdk_builder(i: usize) -> AwsSecurityFindingBuilder {
    AwsSecurityFinding::builder()
        .schema_version("2018-10-08")
        .id(format!("sdk-{i:04}"))
        .product_arn(PRODUCT_ARN)
        .generator_id("sdk-generator")
        .aws_account_id("123456789012")
        .types("Software and Configuration Checks")
        .created_at("2024-02-01T00:00:00.000Z")
        .updated_at("2024-02-02T00:00:00.000Z")
        .severity(Severity::builder().label(SeverityLabel::High).build())
        .title(format!("SDK finding {i}"))
        .description("imported through the SDK")
        .resources(
            Resource::builder()
                .r#type("AwsAccount")
                .id("AWS::::Account:123456789012")
                .build(),
        )
}

/// The identifier of finding `id` of the default product.
pub fn ident(id: &str) -> AwsSecurityFindingIdentifier {
    AwsSecurityFindingIdentifier::builder()
        .id(id)
        .product_arn(PRODUCT_ARN)
        .build()
}

/// A string filter: the attribute equals `value`.
pub fn equals(value: &str) -> StringFilter {
    StringFilter::builder()
        .value(value)
        .comparison(StringFilterComparison::Equals)
        .build()
}

pub fn workflow(status: WorkflowStatus) -> WorkflowUpdate {
    WorkflowUpdate::builder().status(status).build()
}

/// Sets finding `id`'s workflow status through BatchUpdateFindings.
pub async fn set_workflow(hub: &Client, id: &str, status: WorkflowStatus) {
    hub.batch_update_findings()
        .finding_identifiers(ident(id))
        .workflow(workflow(status))
        .send()
        .await
        .unwrap();
}

/// Each OCSF finding's `(status_id, comment)` by `metadata.uid`, as GetFindingsV2 answers
/// through `hub` (AWS's state as the new Security Hub shows it).
pub async fn ocsf_states(
    hub: &Client,
) -> std::collections::BTreeMap<String, (i64, Option<String>)> {
    let query = secdeck::aws::securityhub_v2::OcsfQuery::default();
    secdeck::aws::securityhub_v2::get_all_findings(hub, &query, &Default::default())
        .await
        .expect("GetFindingsV2")
        .iter()
        .map(|d| {
            let uid = d["metadata"]["uid"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let comment = d["comment"].as_str().map(str::to_string);
            (uid, (d["status_id"].as_i64().unwrap_or(-1), comment))
        })
        .collect()
}
