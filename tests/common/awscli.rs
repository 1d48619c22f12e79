//! The AWS CLI (installed into the conformance venv by `moto::ensure_awscli`) run against an
//! endpoint with test credentials and no user configuration: what a user's shell would do
//! with the sandbox on loopback.

use std::process::Command;

use serde_json::Value;

use super::moto;

/// `aws SERVICE ARGS... --output json` against `endpoint`; the parsed answer, or the
/// CLI's exit status and stderr.
pub fn aws(endpoint: &str, region: &str, args: &[&str]) -> Result<Value, String> {
    let exe = moto::ensure_awscli().unwrap_or_else(|e| panic!("AWS CLI setup failed: {e}"));
    let home = tempfile::tempdir().map_err(|e| e.to_string())?;
    let out = Command::new(exe)
        .args(args)
        .args([
            "--output",
            "json",
            "--endpoint-url",
            endpoint,
            "--region",
            region,
        ])
        .env("HOME", home.path())
        .env("AWS_ACCESS_KEY_ID", "AKIDTESTKIT")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_CONFIG_FILE", home.path().join("no-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            home.path().join("no-credentials"),
        )
        .env("AWS_PAGER", "")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .output()
        .map_err(|e| format!("cannot run aws: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "aws {} exited with {}: {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| {
        format!(
            "aws printed no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}
