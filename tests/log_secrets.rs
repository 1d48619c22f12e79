//! No credentials in the log at any level: a sandbox-backed SDK call (signing, identity
//! resolution, the request and its retries) logged at trace and at debug never writes the
//! access key id or the secret key, even when the log spec asks for the SDK's signing logs.

mod common;

use std::sync::{Arc, Mutex};

use aws_credential_types::Credentials;
use common::TestEnv;
use secdeck::sandbox::seed::Seed;

const KEY_ID: &str = "AKIAHOSTILELOGTEST42";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYsecretLOGTEST";

/// A writer into a shared buffer, for the subscriber under test.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

/// Runs GetFindings, BatchUpdateFindings and STS GetCallerIdentity on a sandbox with
/// `KEY_ID` credentials, logging with secdeck's subscriber at `spec`. The log text.
fn logged(spec: &str) -> String {
    let captured = Captured::default();
    let subscriber = secdeck::logging::subscriber(captured.clone(), spec);
    tracing::subscriber::with_default(subscriber, || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let env = TestEnv::new(Seed::default()).await;
            let base = &env.sdk_config;
            let creds = Credentials::new(
                KEY_ID,
                SECRET,
                Some("session-token-LOGTEST".into()),
                None,
                "test",
            );
            let hub = aws_sdk_securityhub::Client::from_conf(
                aws_sdk_securityhub::config::Builder::from(base)
                    .credentials_provider(creds.clone())
                    .build(),
            );
            hub.get_findings().send().await.unwrap();
            let _ = hub.batch_update_findings().send().await;
            let sts = aws_sdk_sts::Client::from_conf(
                aws_sdk_sts::config::Builder::from(base)
                    .credentials_provider(creds)
                    .build(),
            );
            sts.get_caller_identity().send().await.unwrap();
            tracing::info!("done with {}", KEY_ID);
        });
    });
    let bytes = captured.0.lock().unwrap().clone();
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn no_access_key_id_secret_or_token_at_trace_or_debug() {
    for spec in [
        "trace",
        "debug",
        "trace,aws_sigv4=trace,aws_smithy_runtime=trace",
    ] {
        let log = logged(spec);
        assert!(
            log.lines().count() > 20,
            "{spec}: the SDK did log at this level:\n{log}"
        );
        assert!(
            log.contains("AKIA****************"),
            "{spec}: our own line, redacted"
        );
        for secret in [KEY_ID, &KEY_ID[4..], SECRET, "session-token-LOGTEST"] {
            let hits: Vec<&str> = log.lines().filter(|l| l.contains(secret)).collect();
            assert!(
                hits.is_empty(),
                "{spec}: {secret} logged:\n{}",
                hits.join("\n")
            );
        }
    }
}
