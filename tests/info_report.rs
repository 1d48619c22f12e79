//! `secdeck info` lists every endpoint override in force, per service, as the SDK would
//! apply them, without contacting AWS.

use std::process::Command;

#[test]
fn info_lists_every_per_service_endpoint_override() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_secdeck"))
        .args(["info", "--region", "eu-west-1"])
        .env("XDG_CONFIG_HOME", dir.path())
        .env("XDG_STATE_HOME", dir.path())
        .env("AWS_ENDPOINT_URL", "http://localhost:4566")
        .env("AWS_ENDPOINT_URL_IAM", "http://localhost:4599")
        .env("AWS_ENDPOINT_URL_IOT", "http://localhost:4600")
        .env_remove("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for line in [
        "endpoint:     http://localhost:4566 (from AWS_ENDPOINT_URL)",
        "endpoint:     IOT http://localhost:4600 (from AWS_ENDPOINT_URL_IOT)",
        "endpoint:     IAM http://localhost:4599 (from AWS_ENDPOINT_URL_IAM)",
    ] {
        assert!(text.contains(line), "{line:?} in:\n{text}");
    }
}
