//! `secdeck sandbox`: serve the embedded emulator over HTTP until Ctrl-C / SIGTERM.

use std::time::Duration;

use anyhow::Context;

use super::{Quotas, SandboxArgs, UsageError, build_seed};
use crate::sandbox::{QuotaMode, Sandbox, SandboxConfig, serve_on};

pub async fn run(args: SandboxArgs) -> anyhow::Result<()> {
    if !args.allow_remote && !args.listen.ip().is_loopback() {
        return Err(UsageError(format!(
            "refusing to listen on {}: not a loopback address, and the sandbox has no \
             authentication; pass --allow-remote to do it anyway",
            args.listen
        ))
        .into());
    }
    let now = time::OffsetDateTime::now_utc();
    let seed = build_seed(args.seed.as_deref(), args.seed_scale, now)?;
    let config = SandboxConfig {
        quotas: match args.quotas {
            Quotas::Aws => QuotaMode::Aws,
            Quotas::Off => QuotaMode::Off,
        },
        latency: args.latency.map(Duration::from_millis),
        ..SandboxConfig::default()
    };
    let region = config.region.clone();
    let sandbox = Sandbox::new(config, seed).context("building the sandbox world")?;
    if args.seed.is_none() && args.seed_scale.is_none() {
        sandbox
            .seed_iot_demo()
            .map_err(|e| anyhow::anyhow!("IoT demo world: {e}"))?;
    }
    let faults = args.faults.map(|f| f.0).unwrap_or_default();
    let armed = faults.len();
    sandbox.arm(faults);
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let addr = listener
        .local_addr()
        .context("reading the listening address")?;
    let url = format!("http://{addr}");
    println!(
        "secdeck sandbox: {} findings, quotas {}, listening on {url}",
        sandbox.finding_count(),
        match args.quotas {
            Quotas::Aws => "aws",
            Quotas::Off => "off",
        }
    );
    println!(
        "try: AWS_ENDPOINT_URL={url} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
         aws securityhub get-findings --region {region} --max-items 5"
    );
    println!("or:  secdeck --endpoint-url {url} --region {region}");
    if armed > 0 {
        println!("{armed} fault(s) armed (--faults)");
    }
    println!("Ctrl-C to stop.");
    serve_on(sandbox, listener, args.allow_remote, shutdown_signal()).await
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    println!("secdeck sandbox: stopping");
}
