//! The `AwsSecurityFindingFilters` attribute names Security Hub accepts, by kind, and the
//! console's short aliases for the common ones (`sev` -> `SeverityLabel`). The AWS adapter
//! checks its SDK mapping against these lists, so the filter grammar validates names
//! without depending on the SDK.

/// What kind of conditions an attribute takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttributeKind {
    String,
    Date,
    Number,
    Map,
}

pub const STRING_ATTRIBUTES: &[&str] = &[
    "ProductArn",
    "AwsAccountId",
    "Id",
    "GeneratorId",
    "Region",
    "Type",
    "SeverityLabel",
    "Title",
    "Description",
    "RecommendationText",
    "SourceUrl",
    "ProductName",
    "CompanyName",
    "MalwareName",
    "MalwareType",
    "MalwarePath",
    "MalwareState",
    "NetworkDirection",
    "NetworkProtocol",
    "NetworkSourceDomain",
    "NetworkSourceMac",
    "NetworkDestinationDomain",
    "ProcessName",
    "ProcessPath",
    "ThreatIntelIndicatorType",
    "ThreatIntelIndicatorValue",
    "ThreatIntelIndicatorCategory",
    "ThreatIntelIndicatorSource",
    "ThreatIntelIndicatorSourceUrl",
    "ResourceType",
    "ResourceId",
    "ResourcePartition",
    "ResourceRegion",
    "ResourceAwsEc2InstanceType",
    "ResourceAwsEc2InstanceImageId",
    "ResourceAwsEc2InstanceKeyName",
    "ResourceAwsEc2InstanceIamInstanceProfileArn",
    "ResourceAwsEc2InstanceVpcId",
    "ResourceAwsEc2InstanceSubnetId",
    "ResourceAwsS3BucketOwnerId",
    "ResourceAwsS3BucketOwnerName",
    "ResourceAwsIamAccessKeyPrincipalName",
    "ResourceAwsIamAccessKeyStatus",
    "ResourceAwsIamUserUserName",
    "ResourceContainerName",
    "ResourceContainerImageId",
    "ResourceContainerImageName",
    "ComplianceStatus",
    "VerificationState",
    "WorkflowState",
    "WorkflowStatus",
    "RecordState",
    "RelatedFindingsProductArn",
    "RelatedFindingsId",
    "NoteText",
    "NoteUpdatedBy",
    "FindingProviderFieldsRelatedFindingsId",
    "FindingProviderFieldsRelatedFindingsProductArn",
    "FindingProviderFieldsSeverityLabel",
    "FindingProviderFieldsSeverityOriginal",
    "FindingProviderFieldsTypes",
    "ComplianceSecurityControlId",
    "ComplianceAssociatedStandardsId",
    "VulnerabilitiesExploitAvailable",
    "VulnerabilitiesFixAvailable",
    "ComplianceSecurityControlParametersName",
    "ComplianceSecurityControlParametersValue",
    "AwsAccountName",
    "ResourceApplicationName",
    "ResourceApplicationArn",
    "ResourceOwnerAccountId",
    "ResourceOwnerOrgId",
    "ResourceProvider",
];
pub const DATE_ATTRIBUTES: &[&str] = &[
    "FirstObservedAt",
    "LastObservedAt",
    "CreatedAt",
    "UpdatedAt",
    "ProcessLaunchedAt",
    "ProcessTerminatedAt",
    "ThreatIntelIndicatorLastObservedAt",
    "ResourceAwsEc2InstanceLaunchedAt",
    "ResourceAwsIamAccessKeyCreatedAt",
    "ResourceContainerLaunchedAt",
    "NoteUpdatedAt",
];
pub const NUMBER_ATTRIBUTES: &[&str] = &[
    "Confidence",
    "Criticality",
    "NetworkSourcePort",
    "NetworkDestinationPort",
    "ProcessPid",
    "ProcessParentPid",
    "FindingProviderFieldsConfidence",
    "FindingProviderFieldsCriticality",
];
pub const MAP_ATTRIBUTES: &[&str] = &[
    "ProductFields",
    "UserDefinedFields",
    "ResourceTags",
    "ResourceDetailsOther",
];
/// Short names for the attributes used every day, in the order they are suggested.
/// The first alias of an attribute is the one the grammar prints it back as.
pub const ALIASES: &[(&str, &str)] = &[
    ("sev", "SeverityLabel"),
    ("severity", "SeverityLabel"),
    ("status", "WorkflowStatus"),
    ("workflow", "WorkflowStatus"),
    ("state", "RecordState"),
    ("record", "RecordState"),
    ("product", "ProductName"),
    ("company", "CompanyName"),
    ("rtype", "ResourceType"),
    ("resource-type", "ResourceType"),
    ("resource", "ResourceId"),
    ("resource-id", "ResourceId"),
    ("account", "AwsAccountId"),
    ("region", "Region"),
    ("compliance", "ComplianceStatus"),
    ("generator", "GeneratorId"),
    ("control", "ComplianceSecurityControlId"),
    ("standard", "ComplianceAssociatedStandardsId"),
    ("title", "Title"),
    ("id", "Id"),
    ("type", "Type"),
    ("verification", "VerificationState"),
    ("note", "NoteText"),
    ("created", "CreatedAt"),
    ("updated", "UpdatedAt"),
    ("first-seen", "FirstObservedAt"),
    ("last-seen", "LastObservedAt"),
    ("confidence", "Confidence"),
    ("criticality", "Criticality"),
    ("tag", "ResourceTags"),
    ("field", "ProductFields"),
    ("udf", "UserDefinedFields"),
];

/// The kind of an API attribute name (exact spelling), if Security Hub has it.
pub fn kind_of(attribute: &str) -> Option<AttributeKind> {
    [
        (STRING_ATTRIBUTES, AttributeKind::String),
        (DATE_ATTRIBUTES, AttributeKind::Date),
        (NUMBER_ATTRIBUTES, AttributeKind::Number),
        (MAP_ATTRIBUTES, AttributeKind::Map),
    ]
    .into_iter()
    .find(|(names, _)| names.contains(&attribute))
    .map(|(_, kind)| kind)
}

/// Resolves what the user typed (an alias or an API name, any case) to the API name.
pub fn resolve(name: &str) -> Option<&'static str> {
    if let Some((_, api)) = ALIASES.iter().find(|(a, _)| a.eq_ignore_ascii_case(name)) {
        return Some(api);
    }
    all_attributes().find(|a| a.eq_ignore_ascii_case(name))
}

/// The name the grammar prints an attribute as: its first alias, else the API name.
pub fn display_name(attribute: &str) -> &str {
    ALIASES
        .iter()
        .find(|(_, api)| *api == attribute)
        .map_or(attribute, |(alias, _)| alias)
}

pub fn all_attributes() -> impl Iterator<Item = &'static str> {
    STRING_ATTRIBUTES
        .iter()
        .chain(DATE_ATTRIBUTES)
        .chain(NUMBER_ATTRIBUTES)
        .chain(MAP_ATTRIBUTES)
        .copied()
}

/// Names close to a misspelt one, for "did you mean" hints (aliases first).
pub fn suggestions(name: &str) -> Vec<&'static str> {
    let lower = name.to_ascii_lowercase();
    let close = |candidate: &str| {
        let c = candidate.to_ascii_lowercase();
        c.starts_with(&lower) || lower.starts_with(&c) || edit_distance(&c, &lower) <= 2
    };
    let mut out: Vec<&'static str> = ALIASES
        .iter()
        .map(|(a, _)| *a)
        .chain(all_attributes())
        .filter(|c| close(c))
        .collect();
    out.dedup();
    out.truncate(4);
    out
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_and_api_names_resolve_case_insensitively() {
        assert_eq!(resolve("SEV"), Some("SeverityLabel"));
        assert_eq!(
            resolve("resourceawsec2instancetype"),
            Some("ResourceAwsEc2InstanceType")
        );
        assert_eq!(resolve("nope"), None);
        assert_eq!(display_name("SeverityLabel"), "sev");
        assert_eq!(display_name("MalwareName"), "MalwareName");
    }

    #[test]
    fn every_alias_points_at_a_real_attribute() {
        for (alias, api) in ALIASES {
            assert!(kind_of(api).is_some(), "{alias} -> {api}");
        }
        assert_eq!(kind_of("UpdatedAt"), Some(AttributeKind::Date));
        assert_eq!(kind_of("ResourceTags"), Some(AttributeKind::Map));
    }

    #[test]
    fn misspellings_get_suggestions() {
        assert!(suggestions("sevrity").contains(&"severity"));
        assert!(suggestions("SeverityLable").contains(&"SeverityLabel"));
    }
}
