//! IoT worlds: the demo fleet from assets/demo/iot/world.toml audited weekly over several
//! weeks, and generated audits of any size (10,000 or 100,000 non-compliant findings) for
//! scale tests and benchmarks. Deterministic for a given seed and `now`.

use serde::Deserialize;

use super::checks::{run_audit, statistics};
use super::store::{COMMON_CHECKS, Certificate, IotStore, StoredTask, fnv, mix};
use crate::domain::finding::Severity;
use crate::domain::iot::{
    AuditFinding, AuditResource, AuditSuppression, AuditTask, CheckDetails, PolicyVersionId,
    ResourceIdentifier,
};

const WORLD_TOML: &str = include_str!("../../../assets/demo/iot/world.toml");
const DAY: f64 = 86_400.0;

/// The knobs of assets/demo/iot/world.toml.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IotWorldSpec {
    pub seed: u64,
    pub certificates: usize,
    pub policies: usize,
    pub weeks: usize,
    pub expiring_percent: u64,
    pub shared_percent: u64,
    pub weak_key_percent: u64,
    pub revoked_percent: u64,
    pub permissive_percent: u64,
    pub fixed_per_week_percent: u64,
}

impl Default for IotWorldSpec {
    fn default() -> Self {
        IotWorldSpec {
            seed: 20261125,
            certificates: 6000,
            policies: 80,
            weeks: 6,
            expiring_percent: 8,
            shared_percent: 2,
            weak_key_percent: 2,
            revoked_percent: 1,
            permissive_percent: 15,
            fixed_per_week_percent: 12,
        }
    }
}

impl IotWorldSpec {
    /// The embedded demo spec.
    pub fn demo() -> Result<Self, String> {
        toml::from_str(WORLD_TOML).map_err(|e| format!("assets/demo/iot/world.toml: {e}"))
    }
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const BROAD: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"}]}"#;

fn scoped(account: &str, region: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":["iot:Connect"],"Resource":"arn:aws:iot:{region}:{account}:client/${{iot:Connection.Thing.ThingName}}"}},{{"Effect":"Allow","Action":["iot:Publish","iot:Receive"],"Resource":"arn:aws:iot:{region}:{account}:topic/telemetry/${{iot:Connection.Thing.ThingName}}/*"}}]}}"#
    )
}

fn cert_id(seed: u64, i: u64) -> String {
    let a = mix(seed ^ i.wrapping_mul(0x2545_F491_4F6C_DD1D));
    format!(
        "{a:016x}{:016x}{:016x}{:016x}",
        mix(a),
        mix(a ^ 1),
        mix(a ^ 2)
    )
}

const FLEETS: [&str; 6] = [
    "thermostat",
    "meter",
    "gateway",
    "camera",
    "tracker",
    "lock",
];

/// Fills `store` with the demo fleet and its weekly audits; the newest audit is a day
/// before `now`.
pub fn seed_demo(store: &mut IotStore, spec: &IotWorldSpec, account: &str, region: &str, now: f64) {
    let mut rng = Rng(spec.seed);
    for i in 0..spec.policies {
        let fleet = FLEETS[i % FLEETS.len()];
        let name = format!("{fleet}-policy-{:02}", i / FLEETS.len() + 1);
        let doc = if rng.chance(spec.permissive_percent) {
            BROAD.to_string()
        } else {
            scoped(account, region)
        };
        store.put_policy(&name, &doc, now - 400.0 * DAY);
    }
    // The seed scenario's starting point: a developer's catch-all policy.
    store.put_policy("dev-allow-all", BROAD, now - 30.0 * DAY);
    for i in 0..spec.certificates {
        let expiring = rng.chance(spec.expiring_percent);
        let not_after = if expiring {
            now - 20.0 * DAY + (rng.next() % 45) as f64 * DAY
        } else {
            now + (60 + rng.next() % 700) as f64 * DAY
        };
        let client = format!("{}-{i:05}", FLEETS[i % FLEETS.len()]);
        let clients = if rng.chance(spec.shared_percent) {
            vec![client.clone(), format!("{client}-clone")]
        } else {
            vec![client]
        };
        store.certificates.push(Certificate {
            id: cert_id(spec.seed, i as u64),
            status: "ACTIVE".into(),
            not_after,
            key_bits: if rng.chance(spec.weak_key_percent) {
                1024
            } else {
                2048
            },
            revoked_by_ca: rng.chance(spec.revoked_percent),
            clients,
        });
    }
    store.logging_enabled = false;
    let checks: Vec<String> = COMMON_CHECKS.iter().map(|c| c.to_string()).collect();
    for week in 0..spec.weeks {
        let when = now - DAY - ((spec.weeks - 1 - week) as f64) * 7.0 * DAY;
        let mut task = run_audit(store, "SCHEDULED_AUDIT_TASK", &checks, when);
        task.task.scheduled_audit_name = Some("weekly-fleet-audit".into());
        store.push_task(task);
        // Between audits, the fleet team fixes some problems.
        for c in store.certificates.iter_mut() {
            let bad = c.not_after < when + 30.0 * DAY
                || c.key_bits < 2048
                || c.revoked_by_ca
                || c.clients.len() > 1;
            if bad && rng.chance(spec.fixed_per_week_percent) {
                c.status = "INACTIVE".into();
            }
        }
        if week == spec.weeks / 2 {
            store.logging_enabled = true;
        }
    }
    // A few suppressions: one ending within the week, one indefinite, one for months.
    let flagged: Vec<AuditFinding> = store
        .tasks
        .last()
        .map(|t| t.findings.iter().take(3).cloned().collect())
        .unwrap_or_default();
    for (i, f) in flagged.into_iter().enumerate() {
        store.suppressions.push(AuditSuppression {
            check_name: f.check_name.clone(),
            resource_identifier: f.non_compliant_resource.resource_identifier.clone(),
            expiration_date: match i {
                0 => Some(now + 3.0 * DAY),
                1 => None,
                _ => Some(now + 90.0 * DAY),
            },
            suppress_indefinitely: i == 1,
            description: Some(
                [
                    "lab devices, decommissioned on Friday",
                    "test fleet, accepted risk",
                    "vendor firmware fix scheduled",
                ][i.min(2)]
                .to_string(),
            ),
        });
    }
}

/// Adds a completed scheduled audit with exactly `count` non-compliant findings spread
/// over the common checks, and returns its task id. The resources are synthetic (they
/// are not in the fleet), as at a large customer. Over 100 lines because of the
/// per-check template table at its top; the generation itself is short.
pub fn generate_audit(store: &mut IotStore, count: usize, seed: u64, when: f64) -> String {
    let task_id = store.new_id(&format!("generated-{count}-{seed}"));
    let per_check: [(&str, Severity, &str, &str); 5] = [
        (
            "DEVICE_CERTIFICATE_EXPIRING_CHECK",
            Severity::Medium,
            "CERTIFICATE_PAST_EXPIRATION",
            "Certificate is past its expiration.",
        ),
        (
            "DEVICE_CERTIFICATE_SHARED_CHECK",
            Severity::Critical,
            "CERTIFICATE_SHARED_BY_MULTIPLE_DEVICES",
            "Certificate shared by one or more devices.",
        ),
        (
            "DEVICE_CERTIFICATE_KEY_QUALITY_CHECK",
            Severity::Critical,
            "CERTIFICATE_KEY_TOO_SHORT",
            "Certificate uses a 1024-bit RSA key.",
        ),
        (
            "REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK",
            Severity::Medium,
            "REVOKED_BY_ISSUER",
            "Certificate was revoked by its CA but is still active.",
        ),
        (
            "IOT_POLICY_OVERLY_PERMISSIVE_CHECK",
            Severity::Critical,
            "ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS",
            "Policy allows broad access to IoT data plane actions: [iot:Connect, iot:Publish].",
        ),
    ];
    let base = fnv(&task_id);
    let mut findings = Vec::with_capacity(count);
    let mut details: std::collections::BTreeMap<String, CheckDetails> = Default::default();
    for i in 0..count {
        let r = mix(seed ^ (i as u64).wrapping_mul(0x9E37_79B9));
        // Policies are rarer than certificates, as in real fleets.
        let which = if r.is_multiple_of(20) {
            4
        } else {
            (r % 4) as usize
        };
        let (check, severity, code, reason) = per_check[which];
        let identifier = if which == 4 {
            ResourceIdentifier {
                policy_version_identifier: Some(PolicyVersionId {
                    policy_name: format!("generated-policy-{i:06}"),
                    policy_version_id: Some("1".into()),
                }),
                ..Default::default()
            }
        } else {
            ResourceIdentifier {
                device_certificate_id: Some(cert_id(seed, i as u64)),
                ..Default::default()
            }
        };
        let resource_type = if which == 4 {
            "IOT_POLICY"
        } else {
            "DEVICE_CERTIFICATE"
        };
        let d = details.entry(check.to_string()).or_default();
        d.non_compliant_resources_count += 1;
        findings.push(AuditFinding {
            finding_id: Some(format!(
                "{:016x}{:016x}",
                mix(base ^ i as u64),
                mix(base ^ !(i as u64))
            )),
            task_id: task_id.clone(),
            check_name: check.to_string(),
            task_start_time: Some(when),
            finding_time: Some(when),
            severity: Some(severity),
            non_compliant_resource: AuditResource {
                resource_type: resource_type.into(),
                resource_identifier: identifier,
                additional_info: Default::default(),
            },
            related_resources: Vec::new(),
            reason_for_non_compliance: reason.into(),
            reason_for_non_compliance_code: code.into(),
            is_suppressed: false,
        });
    }
    for (check, ..) in per_check {
        let d = details.entry(check.to_string()).or_default();
        d.total_resources_count = d.non_compliant_resources_count * 20 + 100;
        d.check_compliant = Some(d.non_compliant_resources_count == 0);
        d.check_run_status = if d.non_compliant_resources_count == 0 {
            "COMPLETED_COMPLIANT".into()
        } else {
            "COMPLETED_NON_COMPLIANT".into()
        };
    }
    let task = AuditTask {
        task_id: task_id.clone(),
        task_status: "COMPLETED".into(),
        task_type: "SCHEDULED_AUDIT_TASK".into(),
        task_start_time: Some(when),
        scheduled_audit_name: Some(format!("generated-{count}")),
        task_statistics: statistics(&details),
        audit_details: details,
    };
    store.push_task(StoredTask { task, findings });
    task_id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_spec_parses_and_gives_weekly_audits_with_thousands_of_findings() {
        let spec = IotWorldSpec::demo().unwrap();
        let mut store = IotStore::new("123456789012", "us-east-1");
        seed_demo(
            &mut store,
            &spec,
            "123456789012",
            "us-east-1",
            1_800_000_000.0,
        );
        assert_eq!(store.tasks.len(), spec.weeks);
        let total: usize = store.tasks.iter().map(|t| t.findings.len()).sum();
        assert!(total > 2000, "{total} findings");
        let checks: std::collections::BTreeSet<&str> = store
            .tasks
            .iter()
            .flat_map(|t| t.findings.iter().map(|f| f.check_name.as_str()))
            .collect();
        assert!(checks.len() >= 5, "{checks:?}");
        // Fixes between audits: resources flagged in the first audit are gone from the last.
        let keys = |t: &StoredTask| -> std::collections::HashSet<String> {
            t.findings
                .iter()
                .map(|f| {
                    format!(
                        "{}{}",
                        f.check_name,
                        f.non_compliant_resource.resource_identifier.key()
                    )
                })
                .collect()
        };
        let (first, last) = (keys(&store.tasks[0]), keys(&store.tasks[spec.weeks - 1]));
        assert!(first.difference(&last).count() > 100);
    }

    #[test]
    fn generated_audits_have_exactly_the_requested_findings_with_unique_resources() {
        let mut store = IotStore::new("1", "us-east-1");
        let id = generate_audit(&mut store, 10_000, 7, 1_800_000_000.0);
        let t = store.task(&id).unwrap();
        assert_eq!(t.findings.len(), 10_000);
        let keys: std::collections::HashSet<(String, String)> = t
            .findings
            .iter()
            .map(|f| {
                (
                    f.check_name.clone(),
                    f.non_compliant_resource.resource_identifier.key(),
                )
            })
            .collect();
        assert_eq!(keys.len(), 10_000);
        let sum: i64 = t
            .task
            .audit_details
            .values()
            .map(|d| d.non_compliant_resources_count)
            .sum();
        assert_eq!(sum, 10_000);
    }
}
