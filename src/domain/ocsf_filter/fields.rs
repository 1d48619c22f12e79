//! The OCSF fields GetFindingsV2 filters on, by kind, as the service model names them
//! (`OcsfStringField`, `OcsfDateField`, ... in aws-sdk-securityhub 1.137 and botocore's
//! `securityhub` model), and the grammar's short names for the common ones.

/// The kind of value a field compares, which picks its filter list in a composite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String,
    Date,
    Number,
    Boolean,
    Map,
    Ip,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::String => "string",
            Kind::Date => "date",
            Kind::Number => "number",
            Kind::Boolean => "boolean",
            Kind::Map => "map",
            Kind::Ip => "IP",
        }
    }
}

pub const STRING_FIELDS: &[&str] = &[
    "activity_name",
    "class_name",
    "cloud.account.name",
    "cloud.account.uid",
    "cloud.provider",
    "cloud.region",
    "comment",
    "compliance.assessments.category",
    "compliance.assessments.name",
    "compliance.control",
    "compliance.standards",
    "compliance.status",
    "databucket.encryption_details.algorithm",
    "databucket.encryption_details.key_uid",
    "databucket.file.data_classifications.classifier_details.type",
    "evidences.actor.user.account.uid",
    "evidences.api.operation",
    "evidences.api.response.error_message",
    "evidences.api.service.name",
    "evidences.connection_info.direction",
    "evidences.connection_info.protocol_name",
    "evidences.dst_endpoint.autonomous_system.name",
    "evidences.dst_endpoint.location.city",
    "evidences.dst_endpoint.location.country",
    "evidences.src_endpoint.autonomous_system.name",
    "evidences.src_endpoint.hostname",
    "evidences.src_endpoint.location.city",
    "evidences.src_endpoint.location.country",
    "finding_info.analytic.name",
    "finding_info.desc",
    "finding_info.related_events.product.uid",
    "finding_info.related_events.title",
    "finding_info.related_events.traits.category",
    "finding_info.related_events.uid",
    "finding_info.src_url",
    "finding_info.title",
    "finding_info.types",
    "finding_info.uid",
    "impact",
    "likelihood",
    "malware.name",
    "malware.severity",
    "malware_scan_info.uid",
    "metadata.product.name",
    "metadata.product.uid",
    "metadata.product.vendor_name",
    "metadata.uid",
    "remediation.desc",
    "remediation.references",
    "resources.cloud_function.layers.uid_alt",
    "resources.cloud_function.runtime",
    "resources.cloud_function.user.uid",
    "resources.cloud_partition",
    "resources.criticality",
    "resources.device.encryption_details.key_uid",
    "resources.device.image.uid",
    "resources.image.architecture",
    "resources.image.registry_uid",
    "resources.image.repository_name",
    "resources.image.uid",
    "resources.name",
    "resources.owner.account.name",
    "resources.owner.account.uid",
    "resources.owner.org.uid",
    "resources.provider",
    "resources.region",
    "resources.subnet_info.uid",
    "resources.type",
    "resources.uid",
    "resources.vpc_uid",
    "severity",
    "status",
    "vendor_attributes.severity",
    "vulnerabilities.affected_code.file.path",
    "vulnerabilities.affected_packages.name",
    "vulnerabilities.cve.epss.score",
    "vulnerabilities.cve.uid",
    "vulnerabilities.fix_coverage",
    "vulnerabilities.related_vulnerabilities",
];

pub const DATE_FIELDS: &[&str] = &[
    "finding_info.created_time_dt",
    "finding_info.first_seen_time_dt",
    "finding_info.last_seen_time_dt",
    "finding_info.modified_time_dt",
    "resources.image.created_time_dt",
    "resources.image.last_used_time_dt",
    "resources.modified_time_dt",
];

pub const NUMBER_FIELDS: &[&str] = &[
    "activity_id",
    "compliance.status_id",
    "confidence_score",
    "evidences.api.response.code",
    "evidences.dst_endpoint.autonomous_system.number",
    "evidences.dst_endpoint.port",
    "evidences.src_endpoint.autonomous_system.number",
    "evidences.src_endpoint.port",
    "finding_info.related_events_count",
    "resources.image.in_use_count",
    "severity_id",
    "status_id",
    "vendor_attributes.severity_id",
    "vulnerabilities.cve.cvss.base_score",
];

pub const BOOLEAN_FIELDS: &[&str] = &[
    "compliance.assessments.meets_criteria",
    "vulnerabilities.is_exploit_available",
    "vulnerabilities.is_fix_available",
];

pub const MAP_FIELDS: &[&str] = &[
    "compliance.control_parameters",
    "databucket.tags",
    "finding_info.tags",
    "resources.tags",
];

pub const IP_FIELDS: &[&str] = &["evidences.dst_endpoint.ip", "evidences.src_endpoint.ip"];

/// What a name in a filter stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    /// One or more fields of a kind (`ip` is both evidence endpoints, OR'ed).
    Fields(Kind, &'static [&'static str]),
    /// `exposure=true|false|TRAIT`: exposure findings, by trait.
    Exposure,
}

/// The grammar's short names: the ASFF console's names where they mean the same in OCSF,
/// and a few for what only OCSF has.
const ALIASES: &[(&str, Kind, &[&str])] = &[
    ("sev", Kind::String, &["severity"]),
    ("status", Kind::String, &["status"]),
    ("product", Kind::String, &["metadata.product.name"]),
    ("vendor", Kind::String, &["metadata.product.vendor_name"]),
    ("account", Kind::String, &["cloud.account.uid"]),
    ("region", Kind::String, &["cloud.region"]),
    ("resource", Kind::String, &["resources.uid"]),
    ("rtype", Kind::String, &["resources.type"]),
    ("title", Kind::String, &["finding_info.title"]),
    ("desc", Kind::String, &["finding_info.desc"]),
    ("type", Kind::String, &["finding_info.types"]),
    ("id", Kind::String, &["finding_info.uid"]),
    ("class", Kind::String, &["class_name"]),
    ("compliance", Kind::String, &["compliance.status"]),
    ("control", Kind::String, &["compliance.control"]),
    ("cve", Kind::String, &["vulnerabilities.cve.uid"]),
    (
        "cvss",
        Kind::Number,
        &["vulnerabilities.cve.cvss.base_score"],
    ),
    ("confidence", Kind::Number, &["confidence_score"]),
    ("created", Kind::Date, &["finding_info.created_time_dt"]),
    ("updated", Kind::Date, &["finding_info.modified_time_dt"]),
    (
        "firstseen",
        Kind::Date,
        &["finding_info.first_seen_time_dt"],
    ),
    ("lastseen", Kind::Date, &["finding_info.last_seen_time_dt"]),
    ("tag", Kind::Map, &["resources.tags"]),
    ("ip", Kind::Ip, IP_FIELDS),
];

/// Every name the grammar knows: aliases, `exposure`, then the OCSF paths.
pub fn all_names() -> impl Iterator<Item = &'static str> {
    ALIASES
        .iter()
        .map(|(alias, _, _)| *alias)
        .chain(std::iter::once("exposure"))
        .chain(fields_by_kind().flat_map(|(_, fields)| fields.iter().copied()))
}

/// The fields of each kind, as the SDK's enums list them.
pub fn fields_by_kind() -> impl Iterator<Item = (Kind, &'static [&'static str])> {
    [
        (Kind::String, STRING_FIELDS),
        (Kind::Date, DATE_FIELDS),
        (Kind::Number, NUMBER_FIELDS),
        (Kind::Boolean, BOOLEAN_FIELDS),
        (Kind::Map, MAP_FIELDS),
        (Kind::Ip, IP_FIELDS),
    ]
    .into_iter()
}

/// What `name` stands for: a short name (case-insensitive) or an OCSF path (exact, as
/// the model spells it).
pub fn resolve(name: &str) -> Option<Named> {
    let lower = name.to_ascii_lowercase();
    if lower == "exposure" {
        return Some(Named::Exposure);
    }
    if let Some((_, kind, paths)) = ALIASES.iter().find(|(alias, _, _)| *alias == lower) {
        return Some(Named::Fields(*kind, paths));
    }
    fields_by_kind().find_map(|(kind, fields)| {
        let i = fields.iter().position(|f| *f == lower)?;
        Some(Named::Fields(kind, &fields[i..=i]))
    })
}

/// Up to three known names close to `name` (a shared prefix or a path ending), for
/// "did you mean".
pub fn suggestions(name: &str) -> Vec<&'static str> {
    let lower = name.to_ascii_lowercase();
    let head: String = lower.chars().take(3).collect();
    all_names()
        .filter(|known| {
            (!head.is_empty() && known.starts_with(&head))
                || known.rsplit('.').next().is_some_and(|last| last == lower)
        })
        .take(3)
        .collect()
}

/// OCSF severity captions (`severity`), for exact comparisons.
pub const SEVERITIES: &[&str] = &[
    "Informational",
    "Low",
    "Medium",
    "High",
    "Critical",
    "Fatal",
    "Unknown",
    "Other",
];

/// OCSF finding status captions (`status`).
pub const STATUSES: &[&str] = &[
    "New",
    "In Progress",
    "Suppressed",
    "Resolved",
    "Archived",
    "Unknown",
    "Other",
];

/// An enumerated value as OCSF spells it: captions case-insensitively, `in_progress` for
/// "In Progress", and the ASFF workflow names where they have an OCSF status (NOTIFIED is
/// In Progress). `None`: `field` is not enumerated, or `value` is none of its values.
pub fn caption(field: &str, value: &str) -> Option<Option<&'static str>> {
    let known = match field {
        "severity" => SEVERITIES,
        "status" => STATUSES,
        _ => return None,
    };
    let spoken = value.replace('_', " ");
    let found = known
        .iter()
        .find(|k| k.eq_ignore_ascii_case(&spoken))
        .copied()
        .or_else(|| {
            (field == "status" && spoken.eq_ignore_ascii_case("notified")).then_some("In Progress")
        });
    Some(found)
}
