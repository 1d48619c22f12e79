//! The Access Analyzer side of the sandbox's demo world: its accounts and the seed
//! scenario's role, and findings read through the console's own adapter.

use secdeck::aws::{AwsClients, accessanalyzer};
use secdeck::domain::analyzer::AccessFinding;
use secdeck::sandbox::Sandbox;

/// The session's account.
pub const MAIN: &str = "123456789012";
/// A member account of the organization.
pub const MEMBER: &str = "210987654321";
/// The seed scenario's role: Alice (account 999988887777) may assume it.
pub const SEED_ROLE: &str = "Audit_CrossAccountRole";

/// The id of analyzer `analyzer`'s finding on the first resource ending with `resource`,
/// and the analyzer's ARN.
pub fn finding_id(sandbox: &Sandbox, analyzer: &str, resource: &str) -> (String, String) {
    let arn = sandbox.analyzer_arn(analyzer).unwrap();
    let id = sandbox
        .analyzer_findings()
        .into_iter()
        .find(|f| {
            f["analyzerArn"] == arn.as_str() && f["resource"].as_str().unwrap().ends_with(resource)
        })
        .unwrap_or_else(|| panic!("{analyzer} has no finding on {resource}"))["id"]
        .as_str()
        .unwrap()
        .to_string();
    (id, arn)
}

/// The finding of analyzer `analyzer` on the first resource ending with `resource`, as
/// GetFinding reads it.
pub async fn access_finding(
    sandbox: &Sandbox,
    clients: &AwsClients,
    analyzer: &str,
    resource: &str,
) -> AccessFinding {
    let (id, arn) = finding_id(sandbox, analyzer, resource);
    accessanalyzer::get_finding(&clients.accessanalyzer, &arn, &id)
        .await
        .unwrap()
}
