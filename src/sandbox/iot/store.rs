//! The sandbox's IoT world: audit configuration, IoT policies (with versions) and device
//! certificates that on-demand audits inspect, audit tasks with their findings,
//! suppressions, mitigation actions and mitigation tasks.

use std::collections::{BTreeMap, HashMap};

use crate::domain::iot::{
    AuditConfiguration, AuditFinding, AuditSuppression, AuditTask, MitigationAction,
    MitigationExecution, MitigationTask,
};

/// Checks an account has enabled unless told otherwise (the common ones).
pub const COMMON_CHECKS: [&str; 8] = [
    "IOT_POLICY_OVERLY_PERMISSIVE_CHECK",
    "DEVICE_CERTIFICATE_EXPIRING_CHECK",
    "DEVICE_CERTIFICATE_SHARED_CHECK",
    "DEVICE_CERTIFICATE_KEY_QUALITY_CHECK",
    "REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK",
    "CA_CERTIFICATE_EXPIRING_CHECK",
    "CONFLICTING_CLIENT_IDS_CHECK",
    "LOGGING_DISABLED_CHECK",
];

/// AWS's limit on on-demand audits in progress at once.
pub const MAX_AUDITS_IN_PROGRESS: usize = 10;
/// IoT keeps at most five versions of a policy.
pub const MAX_POLICY_VERSIONS: usize = 5;

#[derive(Debug, Clone, PartialEq)]
pub struct PolicyVersion {
    pub version_id: u32,
    pub document: String,
    pub created: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub name: String,
    pub versions: Vec<PolicyVersion>,
    pub default_version: u32,
    pub next_version: u32,
}

impl Policy {
    pub fn default_document(&self) -> Option<&PolicyVersion> {
        self.versions
            .iter()
            .find(|v| v.version_id == self.default_version)
    }
}

/// A device certificate as the audit checks see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Certificate {
    pub id: String,
    /// ACTIVE, INACTIVE, REVOKED.
    pub status: String,
    /// Epoch seconds.
    pub not_after: f64,
    pub key_bits: u32,
    /// Its CA revoked it (in a CRL) although IoT still has it ACTIVE.
    pub revoked_by_ca: bool,
    /// Client ids that connected with it recently; more than one means shared.
    pub clients: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoredTask {
    pub task: AuditTask,
    pub findings: Vec<AuditFinding>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoredMitigationTask {
    pub meta: MitigationTask,
    pub audit_task_id: String,
    pub executions: Vec<MitigationExecution>,
}

#[derive(Debug, Clone, Default)]
pub struct IotStore {
    pub config: AuditConfiguration,
    pub logging_enabled: bool,
    pub policies: BTreeMap<String, Policy>,
    pub certificates: Vec<Certificate>,
    /// Oldest first.
    pub tasks: Vec<StoredTask>,
    pub task_index: HashMap<String, usize>,
    pub suppressions: Vec<AuditSuppression>,
    pub mitigation_actions: Vec<MitigationAction>,
    pub mitigation_tasks: Vec<StoredMitigationTask>,
    /// Counter behind generated ids, so ids are unique and deterministic per world.
    pub next_id: u64,
    /// DescribeAuditTask polls a started on-demand audit stays IN_PROGRESS for.
    pub audit_polls: u32,
    /// Running on-demand audits by task id, with the result they will show.
    pub pending: HashMap<String, super::progress::PendingAudit>,
    /// Polls a started mitigation task stays IN_PROGRESS for.
    pub mitigation_polls: u32,
    /// Running mitigation tasks by task id, with the result they will show.
    pub pending_mitigations: HashMap<String, super::mitigation_progress::PendingMitigation>,
}

impl IotStore {
    /// An account with the common checks enabled, logging on, and the usual mitigation
    /// actions defined; no policies, certificates or audits yet.
    pub fn new(account: &str, region: &str) -> Self {
        let role = format!("arn:aws:iam::{account}:role/service-role/AWSIoTDeviceDefenderAudit");
        let config = AuditConfiguration {
            role_arn: Some(role),
            sns_target_arn: Some(format!("arn:aws:sns:{region}:{account}:iot-audit-notices")),
            sns_enabled: true,
            checks: COMMON_CHECKS
                .iter()
                .map(|c| (c.to_string(), true))
                .collect(),
        };
        let action = |name: &str, kind: &str| MitigationAction {
            action_name: name.to_string(),
            action_arn: format!("arn:aws:iot:{region}:{account}:mitigationaction/{name}"),
            action_type: kind.to_string(),
        };
        IotStore {
            config,
            logging_enabled: true,
            mitigation_actions: vec![
                action("DeactivateDeviceCertificate", "UPDATE_DEVICE_CERTIFICATE"),
                action(
                    "ReplaceWithRestrictivePolicy",
                    "REPLACE_DEFAULT_POLICY_VERSION",
                ),
                action("EnableIoTLogging", "ENABLE_IOT_LOGGING"),
                action("NotifySecurityTeam", "PUBLISH_FINDING_TO_SNS"),
                action("QuarantineThing", "ADD_THINGS_TO_THING_GROUP"),
            ],
            audit_polls: super::progress::DEFAULT_AUDIT_POLLS,
            mitigation_polls: super::mitigation_progress::DEFAULT_MITIGATION_POLLS,
            ..Default::default()
        }
    }

    /// A fresh 32-hex-digit id, like IoT's task ids.
    pub fn new_id(&mut self, salt: &str) -> String {
        self.next_id += 1;
        let a = mix(self.next_id ^ fnv(salt));
        let b = mix(a ^ 0x5851_f42d_4c95_7f2d);
        format!("{a:016x}{b:016x}")
    }

    pub fn push_task(&mut self, task: StoredTask) {
        self.task_index
            .insert(task.task.task_id.clone(), self.tasks.len());
        self.tasks.push(task);
    }

    pub fn task(&self, id: &str) -> Option<&StoredTask> {
        self.task_index.get(id).and_then(|i| self.tasks.get(*i))
    }

    pub fn in_progress_audits(&self) -> usize {
        self.tasks
            .iter()
            .filter(|t| t.task.task_status == "IN_PROGRESS")
            .count()
    }

    /// Finds the suppression for this check + resource.
    pub fn suppression_index(
        &self,
        check: &str,
        id: &crate::domain::iot::ResourceIdentifier,
    ) -> Option<usize> {
        self.suppressions
            .iter()
            .position(|s| s.check_name == check && &s.resource_identifier == id)
    }

    /// Adds (or replaces) a policy version; the first version is the default.
    pub fn put_policy(&mut self, name: &str, document: &str, now: f64) {
        let policy = self.policies.entry(name.to_string()).or_insert(Policy {
            name: name.to_string(),
            versions: Vec::new(),
            default_version: 1,
            next_version: 1,
        });
        let version_id = policy.next_version;
        policy.next_version += 1;
        policy.versions.push(PolicyVersion {
            version_id,
            document: document.to_string(),
            created: now,
        });
    }
}

pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

pub(crate) fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}
