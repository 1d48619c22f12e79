//! GetFindings filters through the real SDK: every string comparison with AWS's
//! combination rules, dates (absolute and relative), numbers, maps, IPs, and arrays.

mod common;

use aws_sdk_securityhub::types::builders::AwsSecurityFindingFiltersBuilder as Filters;
use aws_sdk_securityhub::types::{
    AwsSecurityFindingFilters, DateFilter, DateRange, DateRangeUnit, IpFilter, MapFilter,
    MapFilterComparison, NumberFilter, SortCriterion, SortOrder, StringFilter,
    StringFilterComparison as Cmp,
};
use common::*;
use serde_json::{Value, json};

fn s(comparison: Cmp, value: &str) -> StringFilter {
    StringFilter::builder()
        .value(value)
        .comparison(comparison)
        .build()
}

fn map(key: &str, value: &str, comparison: MapFilterComparison) -> MapFilter {
    MapFilter::builder()
        .key(key)
        .value(value)
        .comparison(comparison)
        .build()
}

/// Findings 0..30 plus a few with extra attributes (tags, product fields, IPs, two resources).
fn world() -> Vec<Value> {
    let mut all: Vec<Value> = (0..30).map(generated).collect();
    let mut extra = |i: usize, patch: Value| {
        let mut f = generated(i);
        for (k, v) in patch.as_object().unwrap() {
            f[k] = v.clone();
        }
        all.push(f);
    };
    extra(
        100,
        json!({
            "Resources": [
                {"Type": "AwsS3Bucket", "Id": "arn:aws:s3:::shared", "Tags": {"team": "red", "env": "prod"}},
                {"Type": "AwsIamRole", "Id": "arn:aws:iam::123456789012:role/reader"}
            ],
            "ProductFields": {"team": "red", "scanner": "prowler-3.3"},
            "Network": {"SourceIpV4": "10.1.2.3", "Direction": "IN"},
            "Confidence": 90
        }),
    );
    extra(
        101,
        json!({
            "ProductFields": {"team": "blue", "scanner": "trivy"},
            "Network": {"SourceIpV4": "192.168.7.7"},
            "Confidence": 20,
            "RecordState": "ARCHIVED"
        }),
    );
    let now = time::OffsetDateTime::now_utc();
    let iso = |t: time::OffsetDateTime| {
        t.format(&time::format_description::well_known::Rfc3339)
            .unwrap()
    };
    extra(
        102,
        json!({"UpdatedAt": iso(now - time::Duration::days(2))}),
    );
    extra(
        103,
        json!({"UpdatedAt": iso(now - time::Duration::days(30))}),
    );
    all
}

/// A sandbox on `world()` and a Security Hub client on it.
async fn world_hub() -> (TestEnv, aws_sdk_securityhub::Client) {
    let env = TestEnv::findings(world()).await;
    let hub = env.hub();
    (env, hub)
}

async fn ids(hub: &aws_sdk_securityhub::Client, filters: Filters) -> Vec<String> {
    let out = hub
        .get_findings()
        .filters(filters.build())
        .sort_criteria(
            SortCriterion::builder()
                .field("Id")
                .sort_order(SortOrder::Ascending)
                .build(),
        )
        .send()
        .await
        .unwrap();
    out.findings()
        .iter()
        .map(|f| f.id().unwrap().trim_start_matches("gen-0").to_string())
        .collect()
}

fn nums(list: &[u32]) -> Vec<String> {
    list.iter().map(|n| format!("{n:03}")).collect()
}

#[test]
fn string_comparisons_follow_aws_combination_rules() {
    big_stack(|| async {
        let (_env, hub) = world_hub().await;
        let f = AwsSecurityFindingFilters::builder;

        // Positive comparisons on one attribute are OR'ed.
        let got = ids(
            &hub,
            f().severity_label(s(Cmp::Equals, "CRITICAL"))
                .severity_label(s(Cmp::Equals, "HIGH")),
        )
        .await;
        assert_eq!(
            got,
            nums(&[3, 4, 8, 9, 13, 14, 18, 19, 23, 24, 28, 29, 103])
        );
        let got = ids(
            &hub,
            f().title(s(Cmp::Contains, "g 1"))
                .title(s(Cmp::Contains, "g 7")),
        )
        .await;
        assert_eq!(
            got,
            nums(&[
                1, 7, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 100, 101, 102, 103
            ])
        );
        let got = ids(&hub, f().title(s(Cmp::ContainsWord, "1"))).await;
        assert_eq!(
            got,
            nums(&[1]),
            "CONTAINS_WORD does not match inside 10..19"
        );

        // PREFIX first, then the negative comparisons AND'ed on top.
        let got = ids(
            &hub,
            f().title(s(Cmp::Prefix, "Finding 2"))
                .title(s(Cmp::NotEquals, "Finding 2"))
                .title(s(Cmp::PrefixNotEquals, "Finding 25")),
        )
        .await;
        assert_eq!(got, nums(&[20, 21, 22, 23, 24, 26, 27, 28, 29]));
        let got = ids(
            &hub,
            f().title(s(Cmp::NotContains, "1"))
                .title(s(Cmp::NotContains, "2")),
        )
        .await;
        assert_eq!(got, nums(&[0, 3, 4, 5, 6, 7, 8, 9]));

        // Different attributes are AND'ed.
        let got = ids(
            &hub,
            f().severity_label(s(Cmp::Equals, "CRITICAL"))
                .generator_id(s(Cmp::Equals, "generator-0")),
        )
        .await;
        assert_eq!(got, nums(&[9, 24]));

        // Combinations AWS forbids are rejected, not guessed at.
        let err = hub
            .get_findings()
            .filters(
                f().title(s(Cmp::Contains, "a"))
                    .title(s(Cmp::Equals, "b"))
                    .build(),
            )
            .send()
            .await
            .unwrap_err();
        assert!(err.into_service_error().is_invalid_input_exception());
    });
}

#[test]
fn array_attributes_match_if_any_element_matches() {
    big_stack(|| async {
        let (_env, hub) = world_hub().await;
        let f = AwsSecurityFindingFilters::builder;
        assert_eq!(
            ids(&hub, f().resource_type(s(Cmp::Equals, "AwsIamRole"))).await,
            nums(&[100])
        );
        let not_role = ids(&hub, f().resource_type(s(Cmp::NotEquals, "AwsIamRole"))).await;
        assert_eq!(
            not_role.len(),
            33,
            "every finding but the one with an IAM role resource"
        );
        assert!(!not_role.contains(&"100".to_string()));
        let got = ids(
            &hub,
            f().r#type(s(Cmp::Prefix, "Software and Configuration Checks/")),
        )
        .await;
        assert_eq!(got.len(), 34);
    });
}

#[test]
fn dates_absolute_and_relative_to_now() {
    big_stack(|| async {
        let (_env, hub) = world_hub().await;
        let f = AwsSecurityFindingFilters::builder;
        let window = DateFilter::builder()
            .start("2024-01-05T00:00:00Z")
            .end("2024-01-06T23:59:59Z")
            .build();
        // UpdatedAt day is 1 + i % 28: days 5 and 6 are findings 4, 5 (and 32, 33 do not exist;
        // the extra findings 100 and 101 fall on days 17 and 18).
        assert_eq!(ids(&hub, f().updated_at(window)).await, nums(&[4, 5]));
        let last_week = DateFilter::builder()
            .date_range(
                DateRange::builder()
                    .value(7)
                    .unit(DateRangeUnit::Days)
                    .build(),
            )
            .build();
        assert_eq!(ids(&hub, f().updated_at(last_week)).await, nums(&[102]));
        let bad = DateFilter::builder().start("last tuesday").build();
        let err = hub
            .get_findings()
            .filters(f().created_at(bad).build())
            .send()
            .await
            .unwrap_err();
        assert!(err.into_service_error().is_invalid_input_exception());
    });
}

#[test]
fn numbers_maps_ips_and_record_state() {
    big_stack(|| async {
        let (_env, hub) = world_hub().await;
        let f = AwsSecurityFindingFilters::builder;

        let number = NumberFilter::builder;
        let sure = ids(&hub, f().confidence(number().gt(50.0).lte(100.0).build())).await;
        assert_eq!(sure, nums(&[100]));
        let any = ids(&hub, f().confidence(number().gte(20.0).build())).await;
        assert_eq!(any, nums(&[100, 101]));
        let either = ids(
            &hub,
            f().confidence(number().eq(20.0).build())
                .confidence(number().eq(90.0).build()),
        )
        .await;
        assert_eq!(
            either,
            nums(&[100, 101]),
            "number filters on one attribute are OR'ed"
        );
        assert_eq!(
            ids(&hub, f().confidence(number().lt(20.0).build())).await,
            Vec::<String>::new()
        );

        let red = ids(
            &hub,
            f().product_fields(map("team", "red", MapFilterComparison::Equals)),
        )
        .await;
        assert_eq!(red, nums(&[100]));
        let not_red = ids(
            &hub,
            f().product_fields(map("team", "red", MapFilterComparison::NotEquals)),
        )
        .await;
        assert_eq!(
            not_red.len(),
            33,
            "findings without the key are not 'red' either"
        );
        let prowler = ids(
            &hub,
            f().product_fields(map("scanner", "prowler", MapFilterComparison::Contains)),
        )
        .await;
        assert_eq!(prowler, nums(&[100]));
        let tagged = ids(
            &hub,
            f().resource_tags(map("env", "prod", MapFilterComparison::Equals)),
        )
        .await;
        assert_eq!(tagged, nums(&[100]));

        let private = ids(
            &hub,
            f().network_source_ipv4(IpFilter::builder().cidr("10.0.0.0/8").build()),
        )
        .await;
        assert_eq!(private, nums(&[100]));

        let archived = ids(&hub, f().record_state(s(Cmp::Equals, "ARCHIVED"))).await;
        assert_eq!(archived, nums(&[101]));
        let default_view = ids(
            &hub,
            f().record_state(s(Cmp::Equals, "ACTIVE"))
                .workflow_status(s(Cmp::Equals, "NEW"))
                .workflow_status(s(Cmp::Equals, "NOTIFIED")),
        )
        .await;
        assert_eq!(default_view.len(), 33);
    });
}
