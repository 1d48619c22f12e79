//! AWS SDK adapters: configuration from the standard credential chain, the per-service
//! clients, and one module per service mapping SDK types to domain types.

pub mod accessanalyzer;
pub mod accessanalyzer_unused;
pub mod error;
mod error_text;
pub mod filters;
pub mod iam;
pub mod iam_policies;
pub mod iam_policy;
pub mod iot;
pub mod ocsf_filters;
pub mod operations;
pub mod pages;
pub mod retry;
pub mod securityhub;
pub mod securityhub_history;
pub mod securityhub_import;
pub mod securityhub_ocsf;
pub mod securityhub_v2;
pub mod sts;
pub mod throttle_signal;
pub mod wafv2;

pub use aws_config::SdkConfig;
pub use error::{AwsError, AwsErrorKind};

use std::sync::Arc;

use aws_config::{BehaviorVersion, Region};

use crate::aws::retry::Pacer;

/// Connection choices from the command line and config (all optional).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    /// Overrides the endpoint of every service (LocalStack, moto, `secdeck sandbox`).
    pub endpoint_url: Option<String>,
}

pub const NO_REGION: &str = "no AWS region: pass --region or set AWS_REGION / a profile region";

/// Loads configuration the way the AWS CLI does (env, profiles, SSO, IMDS...), with our
/// flags on top. Without `--endpoint-url`, `AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_<SERVICE>`
/// and profile endpoint settings keep working because aws-config resolves them per client.
pub async fn load_sdk_config(opts: &ClientOptions) -> anyhow::Result<SdkConfig> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Some(profile) = &opts.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = &opts.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(url) = &opts.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    let config = loader.load().await;
    if config.region().is_none() {
        anyhow::bail!(NO_REGION);
    }
    Ok(config)
}

/// The name secdeck's requests carry in their User-Agent (`app/secdeck`): CloudTrail
/// shows it, and the tests tell secdeck's requests from their own set-up calls by it.
pub const APP_NAME: &str = "secdeck";

/// `config` with secdeck's app name; every client secdeck builds is built from this.
pub fn tagged(config: &SdkConfig) -> SdkConfig {
    let name = aws_config::AppName::new(APP_NAME).expect("a valid app name");
    config.to_builder().app_name(name).build()
}

/// One client per service, all from the same configuration. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AwsClients {
    pub securityhub: aws_sdk_securityhub::Client,
    pub accessanalyzer: aws_sdk_accessanalyzer::Client,
    pub wafv2: aws_sdk_wafv2::Client,
    pub iot: aws_sdk_iot::Client,
    pub iam: aws_sdk_iam::Client,
    pub sts: aws_sdk_sts::Client,
}

impl AwsClients {
    /// Clients for every service; Security Hub's throttled attempts engage `findings_pacer`.
    pub fn with_findings_pacer(config: &SdkConfig, findings_pacer: &Arc<Pacer>) -> Self {
        AwsClients {
            securityhub: throttle_signal::securityhub_client(config, findings_pacer),
            ..AwsClients::new(config)
        }
    }

    pub fn new(config: &SdkConfig) -> Self {
        let config = &tagged(config);
        AwsClients {
            securityhub: aws_sdk_securityhub::Client::new(config),
            accessanalyzer: aws_sdk_accessanalyzer::Client::new(config),
            wafv2: aws_sdk_wafv2::Client::new(config),
            iot: aws_sdk_iot::Client::new(config),
            iam: aws_sdk_iam::Client::new(config),
            sts: aws_sdk_sts::Client::new(config),
        }
    }
}
