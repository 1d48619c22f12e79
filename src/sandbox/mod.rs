//! The embedded AWS emulator: axum routers per service over shared in-memory state,
//! speaking the real wire protocols so unmodified aws-sdk clients work against it.

pub mod accessanalyzer;
mod client;
mod dispatch;
mod faults;
pub(crate) mod iam;
pub mod iot;
pub(crate) mod protocol;
mod quota;
mod record;
pub(crate) mod securityhub;
pub mod seed;
mod server;
mod state;
mod sts;
pub mod wafv2;

use std::sync::Arc;
use std::time::Duration;

use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::post;
use serde_json::Value;

pub use faults::{Fault, FaultMode, FaultSpec, ItemFault, parse_specs};
pub use record::RecordedRequest;
pub use securityhub::v2::names::model_enums as v2_field_names;
pub use securityhub::v2::world::FindingsApis;
pub use server::{serve, serve_on};

use state::{Shared, now_iso};

/// The endpoint the in-process SDK config points at; never resolved over the network.
pub const IN_PROCESS_ENDPOINT: &str = "http://sandbox.local";
/// Largest request body accepted (BatchImportFindings allows 6 MB).
const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// Whether the sandbox enforces AWS's per-operation request rates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QuotaMode {
    #[default]
    Off,
    Aws,
}

/// A role's attached managed policy ARNs and its inline policies (name, document).
pub type RolePermissions = (Vec<String>, Vec<(String, String)>);

#[derive(Debug, Clone, PartialEq)]
pub struct SandboxConfig {
    pub account: String,
    pub region: String,
    /// The identity STS GetCallerIdentity reports (and history entries name).
    pub caller_arn: String,
    pub quotas: QuotaMode,
    /// Added to every request, to make latency visible in the console.
    pub latency: Option<Duration>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            account: "123456789012".into(),
            region: "us-east-1".into(),
            caller_arn: "arn:aws:iam::123456789012:user/demo-analyst".into(),
            quotas: QuotaMode::Off,
            latency: None,
        }
    }
}

/// A seed the sandbox refused, naming the item and what was wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeedError {
    #[error("seed finding #{index} (Id {id:?}): {problem}")]
    InvalidFinding {
        index: usize,
        id: String,
        problem: String,
    },
}

/// A running emulator. Cheap to clone; clones share one world.
#[derive(Clone)]
pub struct Sandbox {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("config", &self.shared.config)
            .field("findings", &self.finding_count())
            .finish()
    }
}

/// A sandbox with the default demo identity, and an SDK config that reaches it in-process
/// (what `--demo`, the headless commands and the tests run on).
pub async fn start_sandbox(
    seed: seed::Seed,
) -> Result<(Sandbox, aws_config::SdkConfig), SeedError> {
    let sandbox = Sandbox::new(SandboxConfig::default(), seed)?;
    let sdk_config = sandbox.sdk_config().await;
    Ok((sandbox, sdk_config))
}

impl Sandbox {
    /// Builds the world from `seed`, validating each finding as BatchImportFindings would.
    pub fn new(config: SandboxConfig, seed: seed::Seed) -> Result<Sandbox, SeedError> {
        let shared = Shared::new(config);
        let seed::Seed {
            findings,
            wafv2,
            ocsf,
        } = seed;
        {
            let now = now_iso();
            let mut store = shared.findings_write();
            for (index, finding) in findings.into_iter().enumerate() {
                if let Err(problem) = securityhub::import::validate(&finding) {
                    let id = finding.get("Id").and_then(Value::as_str).unwrap_or("?");
                    return Err(SeedError::InvalidFinding {
                        index,
                        id: id.to_string(),
                        problem,
                    });
                }
                securityhub::import::import(&mut store, finding, &now, &shared.config.caller_arn);
            }
        }
        securityhub::v2::seed_world(&shared);
        shared
            .v2_write()
            .exposures
            .extend(ocsf.into_iter().map(Arc::new));
        shared
            .wafv2_write()
            .seed(&wafv2, &shared.config.account, &shared.config.region);
        let sandbox = Sandbox {
            shared: Arc::new(shared),
        };
        // The embedded demo's IAM + Access Analyzer world; tests replace it at will.
        match accessanalyzer::world::AccessWorld::demo() {
            Ok(world) => {
                if let Err(e) = sandbox.load_access_world(&world) {
                    tracing::error!(error = %e, "the embedded Access Analyzer world did not load");
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "the embedded Access Analyzer world did not parse")
            }
        }
        Ok(sandbox)
    }

    /// Every emulated service in one router: restJson services by method and path,
    /// awsJson and awsQuery on `POST /`.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/", post(dispatch::root))
            .merge(securityhub::router())
            .merge(accessanalyzer::router())
            .merge(iot::router())
            .fallback(dispatch::fallback)
            .layer(axum::middleware::from_fn(record::tag_app))
            .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
            .with_state(self.shared.clone())
    }

    /// An SDK HTTP client that calls the router in-process.
    pub fn http_client(&self) -> SharedHttpClient {
        client::InProcessClient::shared(self.router())
    }

    /// SDK config for any aws-sdk client: in-process transport, static fake credentials,
    /// the sandbox region and endpoint. Built without reading the environment or profiles,
    /// so `AWS_ENDPOINT_URL_*` or a real profile can never point the demo at AWS.
    pub async fn sdk_config(&self) -> aws_config::SdkConfig {
        let credentials = Credentials::new(
            "AKIASANDBOXDEMO00000",
            "sandbox-secret-access-key",
            None,
            None,
            "secdeck-sandbox",
        );
        aws_config::SdkConfig::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new(self.shared.config.region.clone()))
            .credentials_provider(SharedCredentialsProvider::new(credentials))
            .endpoint_url(IN_PROCESS_ENDPOINT)
            .http_client(self.http_client())
            .retry_config(aws_smithy_types::retry::RetryConfig::standard())
            .build()
    }

    pub fn config(&self) -> &SandboxConfig {
        &self.shared.config
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.recorder.snapshot()
    }

    pub fn clear_requests(&self) {
        self.shared.recorder.clear();
    }

    pub fn inject_fault(&self, fault: Fault) {
        self.shared.faults.add(fault);
    }

    /// Makes batch operations report items failed (BatchImportFindings' FailedFindings,
    /// BatchUpdateFindings' UnprocessedFindings) with the fault's code and message;
    /// `remaining` counts items, not requests.
    pub fn inject_item_fault(&self, fault: Fault) {
        self.shared.faults.add_item(fault);
    }

    /// Makes batch operations report the chosen items failed (see [`ItemFault`]).
    pub fn inject_targeted_item_fault(&self, fault: ItemFault) {
        self.shared.faults.add_targeted(fault);
    }

    /// Arms faults parsed from a `--faults` SPEC (see [`parse_specs`]).
    pub fn arm(&self, specs: Vec<FaultSpec>) {
        for spec in specs {
            match spec {
                FaultSpec::Request(f) => self.inject_fault(f),
                FaultSpec::Items(f) => self.inject_item_fault(f),
                FaultSpec::Ids(f) => self.inject_targeted_item_fault(f),
            }
        }
    }

    pub fn clear_faults(&self) {
        self.shared.faults.clear();
    }

    pub fn set_quotas(&self, mode: QuotaMode) {
        self.shared.quotas.set_mode(mode);
    }

    /// Simulates another writer racing us: right after the next GetIPSet of the IP set
    /// `name` is answered, `add` is added to it (and its LockToken changes), so an
    /// UpdateIPSet with the token just handed out meets WAFOptimisticLockException.
    pub fn race_next_ip_set_read(&self, name: &str, add: &[&str]) {
        self.shared.wafv2_write().race = Some((
            name.to_string(),
            add.iter().map(|a| a.to_string()).collect(),
        ));
    }

    /// The addresses of the IP set `name` (any scope) as WAF would now return them.
    pub fn ip_set_addresses(&self, name: &str) -> Option<Vec<String>> {
        let store = self.shared.wafv2_read();
        store
            .ip_sets
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.addresses.clone())
    }

    /// The description of the IP set `name` (any scope).
    pub fn ip_set_description(&self, name: &str) -> Option<String> {
        let store = self.shared.wafv2_read();
        store
            .ip_sets
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.description.clone())
    }

    /// The finding with this Id as AWS would now return it.
    pub fn finding(&self, id: &str) -> Option<Value> {
        let store = self.shared.findings_read();
        store.find_by_id(id).map(|f| f.doc.as_ref().clone())
    }

    pub fn finding_count(&self) -> usize {
        self.shared.findings_read().len()
    }

    /// Which findings APIs answer (both by default): CSPM-only or V2-only accounts for tests.
    pub fn set_findings_apis(&self, apis: FindingsApis) {
        self.shared.v2_write().apis = apis;
    }

    /// Whether this account is the organization's delegated administrator (the demo's
    /// is): a member account's `Scopes` are refused with AccessDeniedException.
    pub fn set_delegated_admin(&self, admin: bool) {
        self.shared.v2_write().not_delegated_admin = !admin;
    }

    /// Every finding as GetFindingsV2 would now return it (CSPM findings in OCSF, then the
    /// exposure findings), unfiltered.
    pub fn ocsf_findings(&self) -> Vec<Value> {
        let store = self.shared.findings_read();
        let v2 = self.shared.v2_read();
        securityhub::v2::world::all_views(&store, &v2)
            .iter()
            .map(|d| d.as_ref().clone())
            .collect()
    }

    /// The finding with this `metadata.uid` as GetFindingsV2 would now return it.
    pub fn ocsf_finding(&self, uid: &str) -> Option<Value> {
        self.ocsf_findings()
            .into_iter()
            .find(|d| d["metadata"]["uid"].as_str() == Some(uid))
    }

    /// GetFindingHistory-shaped records for the finding with this Id, oldest first.
    pub fn finding_history(&self, id: &str) -> Vec<Value> {
        let store = self.shared.findings_read();
        let Some(f) = store.find_by_id(id) else {
            return Vec::new();
        };
        store
            .find(f.id(), f.product_arn())
            .and_then(|i| store.history.get(&i).cloned())
            .unwrap_or_default()
    }

    /// Replaces the IAM roles, analyzers and their findings with `world`.
    pub fn load_access_world(
        &self,
        world: &accessanalyzer::world::AccessWorld,
    ) -> Result<(), String> {
        let (iam, analyzers) = world.build(&self.shared.config.region, &now_iso())?;
        *self.shared.iam_write() = iam;
        *self.shared.analyzer_write() = analyzers;
        Ok(())
    }

    /// A role's managed policies (ARNs) and inline policies (name, document) as IAM holds them.
    /// Attached policies are in attach order, inline ones by name.
    pub fn role_permissions(&self, account: &str, name: &str) -> Option<RolePermissions> {
        let iam = self.shared.iam_read();
        let role = iam.role(account, name)?;
        let inline = role
            .inline
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Some((role.attached.clone(), inline))
    }

    /// A managed policy's default version id and its document.
    pub fn policy_default(&self, arn: &str) -> Option<(String, String)> {
        let iam = self.shared.iam_read();
        let p = iam.policies.get(arn)?;
        Some((p.default_version.clone(), p.default_document().to_string()))
    }

    /// A role's trust policy text exactly as IAM holds it (decoded).
    pub fn role_trust_policy(&self, account: &str, name: &str) -> Option<String> {
        self.shared
            .iam_read()
            .role(account, name)
            .map(|r| r.trust_text.clone())
    }

    /// Changes a role's trust policy behind the console's back (a colleague's edit).
    pub fn set_role_trust_policy(&self, account: &str, name: &str, text: &str) -> bool {
        match self.shared.iam_write().role_mut(account, name) {
            Some(role) => {
                role.trust_text = text.to_string();
                true
            }
            None => false,
        }
    }

    /// An Access Analyzer finding in its ListFindings (V1) shape, by id.
    pub fn analyzer_finding(&self, id: &str) -> Option<Value> {
        let store = self.shared.analyzer_read();
        store.findings.iter().find(|f| f.id == id).map(|f| {
            let mut v = f.summary_v1();
            v["findingType"] = Value::String(f.finding_type.clone());
            v["analyzerArn"] = Value::String(f.analyzer.clone());
            v
        })
    }

    /// Every Access Analyzer finding (V1 shape plus analyzerArn and findingType).
    pub fn analyzer_findings(&self) -> Vec<Value> {
        let ids: Vec<String> = self
            .shared
            .analyzer_read()
            .findings
            .iter()
            .map(|f| f.id.clone())
            .collect();
        ids.iter()
            .filter_map(|id| self.analyzer_finding(id))
            .collect()
    }

    /// The ARN of the analyzer with this name.
    pub fn analyzer_arn(&self, name: &str) -> Option<String> {
        self.shared
            .analyzer_read()
            .by_name(name)
            .map(|a| a.arn.clone())
    }
}
