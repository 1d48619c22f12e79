//! Diagnostic logging to `$XDG_STATE_HOME/secdeck/secdeck.log` (never to the terminal,
//! which belongs to the console). Level from `SECDECK_LOG`, else `RUST_LOG`, else info.

use std::fs::OpenOptions;
use std::path::Path;

use anyhow::Context;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

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
    tracing_subscriber::fmt()
        .with_env_filter(filter())
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .map_err(|e| anyhow::anyhow!("cannot install the logger: {e}"))?;
    Ok(guard)
}

fn filter() -> EnvFilter {
    let spec = std::env::var("SECDECK_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "info".to_string());
    // A bad spec should not stop the console; fall back to info.
    EnvFilter::try_new(&spec).unwrap_or_else(|_| EnvFilter::new("info"))
}
