//! Diagnostic logging to `$XDG_STATE_HOME/secdeck/secdeck.log` (never to the terminal,
//! which belongs to the console). Level from `SECDECK_LOG`, else `RUST_LOG`, else info.
//! Credentials never reach the log at any level: the SDK's signing and identity logging is
//! switched off whatever the level asks, and an access key id left in any other line is
//! redacted on its way to the file.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

use anyhow::Context;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// Targets that log the caller's identity (the credentials with their access key id, the
/// config bag holding them, the canonical request with `X-Amz-Credential`), each with the
/// most it may log. Enforced at every level: a debug log is often attached to a bug report.
const IDENTITY_TARGETS: &[(&str, &str)] = &[
    ("aws_sigv4", "off"),
    ("aws_runtime::auth", "off"),
    // "resolved identity identity=Identity { data: Credentials { access_key_id ... } }"
    ("aws_smithy_runtime::client::orchestrator::auth", "off"),
    ("aws_smithy_runtime::client::identity", "off"),
    ("aws_smithy_runtime_api::client::identity", "off"),
    // DEBUG "resolving endpoint" dumps the config bag, the resolved identity included.
    (
        "aws_smithy_runtime::client::orchestrator::endpoints",
        "info",
    ),
    // TRACE dumps the runtime components, the credentials provider included.
    ("aws_smithy_runtime::client::orchestrator", "debug"),
    ("aws_credential_types", "off"),
    ("aws_config::meta::credentials", "info"),
    ("aws_config::default_provider::credentials", "info"),
    ("aws_config::profile::credentials", "info"),
    ("aws_config::sts", "info"),
    ("aws_config::sso", "info"),
    ("aws_config::web_identity_token", "info"),
    ("aws_config::imds::credentials", "info"),
    ("aws_config::ecs", "info"),
    ("aws_config::credential_process", "info"),
];

/// Installs the global subscriber. Keep the guard alive for the whole program: dropping it
/// flushes and stops the background writer.
pub fn init(log_file: &Path) -> anyhow::Result<WorkerGuard> {
    if let Some(dir) = log_file.parent().filter(|p| !p.as_os_str().is_empty()) {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(dir)
            .with_context(|| format!("cannot create log directory {}", dir.display()))?;
    }
    let mut options = OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options
        .open(log_file)
        .with_context(|| format!("cannot open log file {}", log_file.display()))?;
    let (writer, guard) = tracing_appender::non_blocking(file);
    tracing::subscriber::set_global_default(subscriber(writer, &spec()))
        .map_err(|e| anyhow::anyhow!("cannot install the logger: {e}"))?;
    Ok(guard)
}

/// The subscriber secdeck logs with: `spec` (as `SECDECK_LOG` takes it) minus the identity
/// targets, written to `writer` with access key ids redacted. Tests install it with
/// `tracing::subscriber::with_default`.
pub fn subscriber<W>(writer: W, spec: &str) -> impl tracing::Subscriber + Send + Sync + 'static
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .with_env_filter(filter(spec))
        .with_writer(Redacting(writer))
        .with_ansi(false)
        .finish()
}

fn spec() -> String {
    std::env::var("SECDECK_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "info".to_string())
}

fn filter(spec: &str) -> EnvFilter {
    // A bad spec should not stop the console; fall back to info.
    let mut filter = EnvFilter::try_new(spec).unwrap_or_else(|_| EnvFilter::new("info"));
    // Added after the user's directives, so `aws_sigv4=trace` in SECDECK_LOG is overridden.
    for (target, most) in IDENTITY_TARGETS {
        if let Ok(d) = format!("{target}={most}").parse() {
            filter = filter.add_directive(d);
        }
    }
    filter
}

/// Makes writers that redact access key ids from each formatted event.
struct Redacting<M>(M);

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Redacting<M> {
    type Writer = RedactingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter(self.0.make_writer())
    }
}

struct RedactingWriter<W>(W);

impl<W: Write> Write for RedactingWriter<W> {
    /// The fmt layer writes each event in one call, so a key is never split across calls.
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let redacted = redact_access_key_ids(buf);
        self.0.write_all(&redacted)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// Replaces the 16 characters after an access key id prefix (`AKIA` long-term, `ASIA`
/// temporary) with `*`: `AKIA****************`.
pub fn redact_access_key_ids(buf: &[u8]) -> Vec<u8> {
    let mut out = buf.to_vec();
    let key_char = |b: u8| b.is_ascii_uppercase() || b.is_ascii_digit();
    let mut i = 0;
    while i + 20 <= out.len() {
        // Liberal on purpose: a false positive costs a log line's readability only.
        let starts = (&out[i..i + 4] == b"AKIA" || &out[i..i + 4] == b"ASIA")
            && out[i + 4..i + 20].iter().all(|&b| key_char(b));
        if starts {
            out[i + 4..i + 20].fill(b'*');
            i += 20;
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_key_ids_are_redacted_and_other_text_kept() {
        let line = b"creds AKIAIOSFODNN7EXAMPLE and ASIAY34FZKBOKMUTVV7A; AKIASHORT; Credential=AKIAIOSFODNN7EXAMPLE/2026";
        let out = String::from_utf8(redact_access_key_ids(line)).unwrap();
        assert_eq!(
            out,
            "creds AKIA**************** and ASIA****************; AKIASHORT; Credential=AKIA****************/2026"
        );
    }

    #[test]
    fn the_user_cannot_turn_the_identity_targets_back_on() {
        let f = filter("trace,aws_sigv4=trace,aws_smithy_runtime::client::identity=debug");
        let text = f.to_string();
        assert!(text.contains("aws_sigv4=off"), "{text}");
        assert!(!text.contains("aws_sigv4=trace"), "{text}");
    }
}
