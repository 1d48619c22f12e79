//! Maps the console's `FindingFilters` (attribute name -> conditions, the wire shape) and
//! sort criteria onto the SDK's `AwsSecurityFindingFilters` builder. Attribute names are
//! exactly the API's; deprecated filters are left out so users get the modern ones.

use aws_sdk_securityhub::types as sdk;

use super::error::AwsError;
use crate::domain::filter::{
    Conditions, DateFilter, FindingFilters, MapComparison, MapFilter, NumberFilter, SortCriterion,
    SortOrder, StringComparison, StringFilter,
};
use crate::domain::filter_expr::HOURS_UNIT;

/// Security Hub accepts at most this many filter attributes in one request...
pub const MAX_ATTRIBUTES: usize = 10;
/// ...and at most this many values for one attribute.
pub const MAX_VALUES_PER_ATTRIBUTE: usize = 20;

const OPERATION: &str = "securityhub:GetFindings";

/// Generates the name -> builder-method table for each kind of condition, plus the
/// lists of known names (for error messages and for the console's filter completion).
macro_rules! attributes {
    (
        strings { $($s:literal => $sm:ident,)* }
        dates { $($d:literal => $dm:ident,)* }
        numbers { $($n:literal => $nm:ident,)* }
        maps { $($m:literal => $mm:ident,)* }
    ) => {
        pub const STRING_ATTRIBUTES: &[&str] = &[$($s),*];
        pub const DATE_ATTRIBUTES: &[&str] = &[$($d),*];
        pub const NUMBER_ATTRIBUTES: &[&str] = &[$($n),*];
        pub const MAP_ATTRIBUTES: &[&str] = &[$($m),*];

        fn apply(
            builder: sdk::builders::AwsSecurityFindingFiltersBuilder,
            name: &str,
            conditions: &Conditions,
        ) -> Result<sdk::builders::AwsSecurityFindingFiltersBuilder, AwsError> {
            match (name, conditions) {
                $(($s, Conditions::Strings(v)) => Ok(v.iter().fold(builder, |b, f| b.$sm(string_filter(f)))),)*
                $(($d, Conditions::Dates(v)) => Ok(v.iter().fold(builder, |b, f| b.$dm(date_filter(f)))),)*
                $(($n, Conditions::Numbers(v)) => Ok(v.iter().fold(builder, |b, f| b.$nm(number_filter(f)))),)*
                $(($m, Conditions::Maps(v)) => Ok(v.iter().fold(builder, |b, f| b.$mm(map_filter(f)))),)*
                (name, conditions) => Err(mismatch(name, conditions)),
            }
        }
    };
}

attributes! {
    strings {
        "ProductArn" => product_arn,
        "AwsAccountId" => aws_account_id,
        "Id" => id,
        "GeneratorId" => generator_id,
        "Region" => region,
        "Type" => r#type,
        "SeverityLabel" => severity_label,
        "Title" => title,
        "Description" => description,
        "RecommendationText" => recommendation_text,
        "SourceUrl" => source_url,
        "ProductName" => product_name,
        "CompanyName" => company_name,
        "MalwareName" => malware_name,
        "MalwareType" => malware_type,
        "MalwarePath" => malware_path,
        "MalwareState" => malware_state,
        "NetworkDirection" => network_direction,
        "NetworkProtocol" => network_protocol,
        "NetworkSourceDomain" => network_source_domain,
        "NetworkSourceMac" => network_source_mac,
        "NetworkDestinationDomain" => network_destination_domain,
        "ProcessName" => process_name,
        "ProcessPath" => process_path,
        "ThreatIntelIndicatorType" => threat_intel_indicator_type,
        "ThreatIntelIndicatorValue" => threat_intel_indicator_value,
        "ThreatIntelIndicatorCategory" => threat_intel_indicator_category,
        "ThreatIntelIndicatorSource" => threat_intel_indicator_source,
        "ThreatIntelIndicatorSourceUrl" => threat_intel_indicator_source_url,
        "ResourceType" => resource_type,
        "ResourceId" => resource_id,
        "ResourcePartition" => resource_partition,
        "ResourceRegion" => resource_region,
        "ResourceAwsEc2InstanceType" => resource_aws_ec2_instance_type,
        "ResourceAwsEc2InstanceImageId" => resource_aws_ec2_instance_image_id,
        "ResourceAwsEc2InstanceKeyName" => resource_aws_ec2_instance_key_name,
        "ResourceAwsEc2InstanceIamInstanceProfileArn" => resource_aws_ec2_instance_iam_instance_profile_arn,
        "ResourceAwsEc2InstanceVpcId" => resource_aws_ec2_instance_vpc_id,
        "ResourceAwsEc2InstanceSubnetId" => resource_aws_ec2_instance_subnet_id,
        "ResourceAwsS3BucketOwnerId" => resource_aws_s3_bucket_owner_id,
        "ResourceAwsS3BucketOwnerName" => resource_aws_s3_bucket_owner_name,
        "ResourceAwsIamAccessKeyPrincipalName" => resource_aws_iam_access_key_principal_name,
        "ResourceAwsIamAccessKeyStatus" => resource_aws_iam_access_key_status,
        "ResourceAwsIamUserUserName" => resource_aws_iam_user_user_name,
        "ResourceContainerName" => resource_container_name,
        "ResourceContainerImageId" => resource_container_image_id,
        "ResourceContainerImageName" => resource_container_image_name,
        "ComplianceStatus" => compliance_status,
        "VerificationState" => verification_state,
        "WorkflowState" => workflow_state,
        "WorkflowStatus" => workflow_status,
        "RecordState" => record_state,
        "RelatedFindingsProductArn" => related_findings_product_arn,
        "RelatedFindingsId" => related_findings_id,
        "NoteText" => note_text,
        "NoteUpdatedBy" => note_updated_by,
        "FindingProviderFieldsRelatedFindingsId" => finding_provider_fields_related_findings_id,
        "FindingProviderFieldsRelatedFindingsProductArn" => finding_provider_fields_related_findings_product_arn,
        "FindingProviderFieldsSeverityLabel" => finding_provider_fields_severity_label,
        "FindingProviderFieldsSeverityOriginal" => finding_provider_fields_severity_original,
        "FindingProviderFieldsTypes" => finding_provider_fields_types,
        "ComplianceSecurityControlId" => compliance_security_control_id,
        "ComplianceAssociatedStandardsId" => compliance_associated_standards_id,
        "VulnerabilitiesExploitAvailable" => vulnerabilities_exploit_available,
        "VulnerabilitiesFixAvailable" => vulnerabilities_fix_available,
        "ComplianceSecurityControlParametersName" => compliance_security_control_parameters_name,
        "ComplianceSecurityControlParametersValue" => compliance_security_control_parameters_value,
        "AwsAccountName" => aws_account_name,
        "ResourceApplicationName" => resource_application_name,
        "ResourceApplicationArn" => resource_application_arn,
        "ResourceOwnerAccountId" => resource_owner_account_id,
        "ResourceOwnerOrgId" => resource_owner_org_id,
        "ResourceProvider" => resource_provider,
    }
    dates {
        "FirstObservedAt" => first_observed_at,
        "LastObservedAt" => last_observed_at,
        "CreatedAt" => created_at,
        "UpdatedAt" => updated_at,
        "ProcessLaunchedAt" => process_launched_at,
        "ProcessTerminatedAt" => process_terminated_at,
        "ThreatIntelIndicatorLastObservedAt" => threat_intel_indicator_last_observed_at,
        "ResourceAwsEc2InstanceLaunchedAt" => resource_aws_ec2_instance_launched_at,
        "ResourceAwsIamAccessKeyCreatedAt" => resource_aws_iam_access_key_created_at,
        "ResourceContainerLaunchedAt" => resource_container_launched_at,
        "NoteUpdatedAt" => note_updated_at,
    }
    numbers {
        "Confidence" => confidence,
        "Criticality" => criticality,
        "NetworkSourcePort" => network_source_port,
        "NetworkDestinationPort" => network_destination_port,
        "ProcessPid" => process_pid,
        "ProcessParentPid" => process_parent_pid,
        "FindingProviderFieldsConfidence" => finding_provider_fields_confidence,
        "FindingProviderFieldsCriticality" => finding_provider_fields_criticality,
    }
    maps {
        "ProductFields" => product_fields,
        "UserDefinedFields" => user_defined_fields,
        "ResourceTags" => resource_tags,
        "ResourceDetailsOther" => resource_details_other,
    }
}

/// Builds the SDK filters, refusing (before anything is sent) attributes Security Hub
/// does not have, conditions of the wrong kind, and more values than the API accepts.
pub fn to_sdk_filters(
    filters: &FindingFilters,
) -> Result<sdk::AwsSecurityFindingFilters, AwsError> {
    let used: Vec<(&String, &Conditions)> = filters
        .0
        .iter()
        .filter(|(_, c)| condition_count(c) > 0)
        .collect();
    if used.len() > MAX_ATTRIBUTES {
        return Err(AwsError::invalid_request(
            OPERATION,
            format!(
                "{} filter attributes given; Security Hub accepts at most {MAX_ATTRIBUTES}",
                used.len()
            ),
        ));
    }
    let mut builder = sdk::AwsSecurityFindingFilters::builder();
    for (name, conditions) in used {
        let count = condition_count(conditions);
        if count > MAX_VALUES_PER_ATTRIBUTE {
            return Err(AwsError::invalid_request(
                OPERATION,
                format!(
                    "filter {name} has {count} values; Security Hub accepts at most \
                     {MAX_VALUES_PER_ATTRIBUTE} per attribute"
                ),
            ));
        }
        builder = apply(builder, name, conditions)?;
    }
    Ok(builder.build())
}

pub fn to_sdk_sort(sort: &[SortCriterion]) -> Vec<sdk::SortCriterion> {
    sort.iter()
        .map(|s| {
            sdk::SortCriterion::builder()
                .field(&s.field)
                .sort_order(match s.sort_order {
                    SortOrder::Asc => sdk::SortOrder::Ascending,
                    SortOrder::Desc => sdk::SortOrder::Descending,
                })
                .build()
        })
        .collect()
}

fn condition_count(c: &Conditions) -> usize {
    match c {
        Conditions::Strings(v) => v.len(),
        Conditions::Dates(v) => v.len(),
        Conditions::Numbers(v) => v.len(),
        Conditions::Maps(v) => v.len(),
    }
}

fn mismatch(name: &str, conditions: &Conditions) -> AwsError {
    let kinds = [
        (STRING_ATTRIBUTES, "string"),
        (DATE_ATTRIBUTES, "date"),
        (NUMBER_ATTRIBUTES, "number"),
        (MAP_ATTRIBUTES, "map"),
    ];
    let given = match conditions {
        Conditions::Strings(_) => "string",
        Conditions::Dates(_) => "date",
        Conditions::Numbers(_) => "number",
        Conditions::Maps(_) => "map",
    };
    match kinds.iter().find(|(names, _)| names.contains(&name)) {
        Some((_, kind)) => AwsError::invalid_request(
            OPERATION,
            format!("filter {name} takes {kind} conditions, not {given} conditions"),
        ),
        None => AwsError::invalid_request(
            OPERATION,
            format!(
                "unknown filter attribute {name:?} (attribute names are as in the Security Hub API, e.g. SeverityLabel, WorkflowStatus, ResourceType)"
            ),
        ),
    }
}

pub(super) fn string_filter(f: &StringFilter) -> sdk::StringFilter {
    let comparison = match f.comparison {
        StringComparison::Equals => sdk::StringFilterComparison::Equals,
        StringComparison::Prefix => sdk::StringFilterComparison::Prefix,
        StringComparison::NotEquals => sdk::StringFilterComparison::NotEquals,
        StringComparison::PrefixNotEquals => sdk::StringFilterComparison::PrefixNotEquals,
        StringComparison::Contains => sdk::StringFilterComparison::Contains,
        StringComparison::NotContains => sdk::StringFilterComparison::NotContains,
        StringComparison::ContainsWord => sdk::StringFilterComparison::ContainsWord,
    };
    sdk::StringFilter::builder()
        .value(&f.value)
        .comparison(comparison)
        .build()
}

pub(super) fn date_filter(f: &DateFilter) -> sdk::DateFilter {
    // Security Hub's DateRange only counts days: an hour window becomes Start/End now.
    if let Some(r) = f.date_range.as_ref().filter(|r| r.unit == HOURS_UNIT) {
        let now = time::OffsetDateTime::now_utc();
        let start = now - time::Duration::hours(i64::from(r.value));
        let fmt = |t: time::OffsetDateTime| {
            t.format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default()
        };
        return sdk::DateFilter::builder()
            .start(fmt(start))
            .end(fmt(now))
            .build();
    }
    let range = f.date_range.as_ref().map(|r| {
        sdk::DateRange::builder()
            .value(r.value)
            .unit(sdk::DateRangeUnit::from(r.unit.as_str()))
            .build()
    });
    sdk::DateFilter::builder()
        .set_start(f.start.clone())
        .set_end(f.end.clone())
        .set_date_range(range)
        .build()
}

pub(super) fn number_filter(f: &NumberFilter) -> sdk::NumberFilter {
    sdk::NumberFilter::builder()
        .set_gte(f.gte)
        .set_lte(f.lte)
        .set_eq(f.eq)
        .set_gt(f.gt)
        .set_lt(f.lt)
        .build()
}

pub(super) fn map_filter(f: &MapFilter) -> sdk::MapFilter {
    let comparison = match f.comparison {
        MapComparison::Equals => sdk::MapFilterComparison::Equals,
        MapComparison::NotEquals => sdk::MapFilterComparison::NotEquals,
        MapComparison::Contains => sdk::MapFilterComparison::Contains,
        MapComparison::NotContains => sdk::MapFilterComparison::NotContains,
    };
    sdk::MapFilter::builder()
        .key(&f.key)
        .value(&f.value)
        .comparison(comparison)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::filter::DateRange;

    #[test]
    fn maps_each_kind_onto_the_matching_sdk_field() {
        let mut f = FindingFilters::default_view();
        f.set_strings("Type", vec![StringFilter::equals("TTPs")]);
        f.0.insert(
            "UpdatedAt".into(),
            Conditions::Dates(vec![DateFilter {
                date_range: Some(DateRange {
                    value: 7,
                    unit: "DAYS".into(),
                }),
                ..Default::default()
            }]),
        );
        f.0.insert(
            "Confidence".into(),
            Conditions::Numbers(vec![NumberFilter {
                gte: Some(50.0),
                ..Default::default()
            }]),
        );
        f.0.insert(
            "ResourceTags".into(),
            Conditions::Maps(vec![MapFilter {
                key: "env".into(),
                value: "prod".into(),
                comparison: MapComparison::Equals,
            }]),
        );
        let sdk = to_sdk_filters(&f).unwrap();
        let statuses: Vec<_> = sdk
            .workflow_status()
            .iter()
            .filter_map(|s| s.value())
            .collect();
        assert_eq!(statuses, ["NEW", "NOTIFIED"]);
        assert_eq!(
            sdk.record_state()[0].comparison(),
            Some(&sdk::StringFilterComparison::Equals)
        );
        assert_eq!(sdk.r#type()[0].value(), Some("TTPs"));
        let range = sdk.updated_at()[0].date_range().unwrap();
        assert_eq!(
            (range.value(), range.unit()),
            (Some(7), Some(&sdk::DateRangeUnit::Days))
        );
        assert_eq!(sdk.confidence()[0].gte(), Some(50.0));
        assert_eq!(sdk.resource_tags()[0].key(), Some("env"));
    }

    #[test]
    fn unknown_attribute_is_named() {
        let mut f = FindingFilters::default();
        f.set_strings("SeverityLable", vec![StringFilter::equals("HIGH")]);
        let err = to_sdk_filters(&f).unwrap_err();
        assert!(
            err.to_string()
                .contains("unknown filter attribute \"SeverityLable\""),
            "{err}"
        );
    }

    #[test]
    fn wrong_kind_of_condition_is_refused() {
        let mut f = FindingFilters::default();
        f.0.insert(
            "SeverityLabel".into(),
            Conditions::Numbers(vec![NumberFilter {
                gte: Some(1.0),
                ..Default::default()
            }]),
        );
        let err = to_sdk_filters(&f).unwrap_err();
        assert!(
            err.to_string()
                .contains("SeverityLabel takes string conditions"),
            "{err}"
        );
    }

    #[test]
    fn more_than_twenty_values_is_refused_before_sending() {
        let ids: Vec<String> = (0..21).map(|i| format!("f-{i}")).collect();
        let f = FindingFilters::by_ids(ids.iter().map(String::as_str));
        let err = to_sdk_filters(&f).unwrap_err();
        assert!(err.to_string().contains("Id has 21 values"), "{err}");
    }

    #[test]
    fn empty_conditions_are_ignored_whatever_their_kind() {
        let mut f = FindingFilters::default();
        f.0.insert("UpdatedAt".into(), Conditions::Strings(vec![]));
        assert!(to_sdk_filters(&f).is_ok());
    }

    #[test]
    fn the_domain_attribute_lists_are_the_sdk_mapping() {
        use crate::domain::filter_attrs as d;
        assert_eq!(STRING_ATTRIBUTES, d::STRING_ATTRIBUTES);
        assert_eq!(DATE_ATTRIBUTES, d::DATE_ATTRIBUTES);
        assert_eq!(NUMBER_ATTRIBUTES, d::NUMBER_ATTRIBUTES);
        assert_eq!(MAP_ATTRIBUTES, d::MAP_ATTRIBUTES);
    }

    #[test]
    fn an_hour_window_is_sent_as_start_and_end() {
        let expr = crate::domain::filter_expr::FilterExpr::parse("updated<24h").unwrap();
        let sdk = to_sdk_filters(&expr.to_filters()).unwrap();
        let d = &sdk.updated_at()[0];
        assert!(d.date_range().is_none());
        let parse = |s: Option<&str>| {
            time::OffsetDateTime::parse(s.unwrap(), &time::format_description::well_known::Rfc3339)
                .unwrap()
        };
        assert_eq!(parse(d.end()) - parse(d.start()), time::Duration::hours(24));
    }

    #[test]
    fn sort_direction_maps() {
        let s = to_sdk_sort(&SortCriterion::default_order());
        assert_eq!(s[0].field(), Some("UpdatedAt"));
        assert_eq!(s[0].sort_order(), Some(&sdk::SortOrder::Descending));
    }
}
