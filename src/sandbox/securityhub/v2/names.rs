//! The field names each V2 filter type, GroupByField and trends filter accepts, exactly as
//! botocore's `securityhub` model enumerates them (a conformance test compares the two).

// The filter field lists are the client's own (`domain::ocsf_filter::fields`, checked
// against the SDK's enums); the conformance test checks them against botocore's model too.
pub(crate) use crate::domain::ocsf_filter::fields::{
    BOOLEAN_FIELDS, DATE_FIELDS, IP_FIELDS, MAP_FIELDS, NUMBER_FIELDS, STRING_FIELDS,
};

/// `GroupByField`.
pub(crate) const GROUP_BY_FIELDS: &[&str] = &[
    "activity_name",
    "cloud.account.uid",
    "cloud.provider",
    "cloud.region",
    "compliance.assessments.name",
    "compliance.status",
    "compliance.control",
    "finding_info.title",
    "finding_info.related_events.traits.category",
    "finding_info.types",
    "impact",
    "likelihood",
    "metadata.product.name",
    "metadata.product.uid",
    "resources.type",
    "resources.cloud_partition",
    "resources.criticality",
    "resources.name",
    "resources.owner.account.uid",
    "resources.owner.org.uid",
    "resources.owner.account.name",
    "resources.provider",
    "resources.region",
    "resources.uid",
    "severity",
    "status",
    "vulnerabilities.fix_coverage",
    "class_name",
    "vulnerabilities.affected_packages.name",
    "finding_info.analytic.name",
    "compliance.standards",
    "cloud.account.name",
    "vendor_attributes.severity",
    "metadata.product.vendor_name",
];

/// `FindingsTrendsStringField`.
pub(crate) const TRENDS_FIELDS: &[&str] = &[
    "account_id",
    "region",
    "finding_types",
    "finding_status",
    "finding_cve_ids",
    "finding_compliance_status",
    "finding_control_id",
    "finding_class_name",
    "finding_provider",
    "finding_activity_name",
    "resource_cloud_providers",
    "resource_regions",
    "resource_owner_ids",
    "resource_owner_organization_ids",
];
/// Each list with the model shape it copies (the conformance test compares them).
pub fn model_enums() -> [(&'static str, &'static [&'static str]); 8] {
    [
        ("OcsfStringField", STRING_FIELDS),
        ("OcsfDateField", DATE_FIELDS),
        ("OcsfBooleanField", BOOLEAN_FIELDS),
        ("OcsfNumberField", NUMBER_FIELDS),
        ("OcsfMapField", MAP_FIELDS),
        ("OcsfIpField", IP_FIELDS),
        ("GroupByField", GROUP_BY_FIELDS),
        ("FindingsTrendsStringField", TRENDS_FIELDS),
    ]
}
