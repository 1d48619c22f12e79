//! The one shared in-memory world every service router works on, plus the cross-cutting
//! machinery (recording, faults, quotas) the dispatcher applies to each request.

use std::sync::RwLock;

use super::SandboxConfig;
use super::accessanalyzer::store::AnalyzerStore;
use super::faults::Faults;
use super::iam::store::IamStore;
use super::iot::store::IotStore;
use super::quota::Quotas;
use super::record::Recorder;
use super::securityhub::store::FindingStore;
use super::securityhub::v2::world::V2Store;
use super::wafv2::store::WafStore;

pub(crate) struct Shared {
    pub config: SandboxConfig,
    pub findings: RwLock<FindingStore>,
    /// The new Security Hub's own state (lock order: findings, then v2).
    pub v2: RwLock<V2Store>,
    pub wafv2: RwLock<WafStore>,
    pub recorder: Recorder,
    pub faults: Faults,
    pub quotas: Quotas,
    pub iam: RwLock<IamStore>,
    pub analyzer: RwLock<AnalyzerStore>,
    pub iot: RwLock<IotStore>,
}

impl Shared {
    pub fn new(config: SandboxConfig) -> Self {
        Shared {
            quotas: Quotas::new(config.quotas),
            iot: RwLock::new(IotStore::new(&config.account, &config.region)),
            config,
            findings: RwLock::new(FindingStore::default()),
            v2: RwLock::default(),
            wafv2: RwLock::new(WafStore::default()),
            recorder: Recorder::default(),
            faults: Faults::default(),
            iam: RwLock::default(),
            analyzer: RwLock::default(),
        }
    }

    pub fn findings_read(&self) -> std::sync::RwLockReadGuard<'_, FindingStore> {
        self.findings.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn v2_read(&self) -> std::sync::RwLockReadGuard<'_, V2Store> {
        self.v2.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn v2_write(&self) -> std::sync::RwLockWriteGuard<'_, V2Store> {
        self.v2.write().unwrap_or_else(|e| e.into_inner())
    }

    pub fn wafv2_read(&self) -> std::sync::RwLockReadGuard<'_, WafStore> {
        self.wafv2.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn wafv2_write(&self) -> std::sync::RwLockWriteGuard<'_, WafStore> {
        self.wafv2.write().unwrap_or_else(|e| e.into_inner())
    }

    pub fn iot_read(&self) -> std::sync::RwLockReadGuard<'_, IotStore> {
        self.iot.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn iot_write(&self) -> std::sync::RwLockWriteGuard<'_, IotStore> {
        self.iot.write().unwrap_or_else(|e| e.into_inner())
    }

    pub fn findings_write(&self) -> std::sync::RwLockWriteGuard<'_, FindingStore> {
        self.findings.write().unwrap_or_else(|e| e.into_inner())
    }

    // Lock order when both are needed: iam, then analyzer.
    pub fn iam_read(&self) -> std::sync::RwLockReadGuard<'_, IamStore> {
        self.iam.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn iam_write(&self) -> std::sync::RwLockWriteGuard<'_, IamStore> {
        self.iam.write().unwrap_or_else(|e| e.into_inner())
    }

    pub fn analyzer_read(&self) -> std::sync::RwLockReadGuard<'_, AnalyzerStore> {
        self.analyzer.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn analyzer_write(&self) -> std::sync::RwLockWriteGuard<'_, AnalyzerStore> {
        self.analyzer.write().unwrap_or_else(|e| e.into_inner())
    }
}

/// Timestamps the way AWS writes them in JSON: RFC 3339, UTC, milliseconds.
pub(crate) fn now_iso() -> String {
    format_iso(time::OffsetDateTime::now_utc())
}

pub(crate) fn format_iso(t: time::OffsetDateTime) -> String {
    let fmt = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    t.to_offset(time::UtcOffset::UTC)
        .format(&fmt)
        .unwrap_or_else(|_| "1970-01-01T00:00:00.000Z".to_string())
}
