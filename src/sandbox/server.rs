//! Serving the sandbox over TCP so the AWS CLI, boto3 or another secdeck can share its
//! world. Loopback only unless the caller explicitly allows remote addresses.

use std::future::Future;
use std::net::SocketAddr;

use anyhow::{Context, bail};
use tokio::net::TcpListener;

use super::Sandbox;

/// Serves over TCP until `shutdown` resolves. Refuses non-loopback addresses unless `allow_remote`.
pub async fn serve(
    sandbox: Sandbox,
    addr: SocketAddr,
    allow_remote: bool,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    check_address(addr, allow_remote)?;
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding the sandbox to {addr}"))?;
    serve_on(sandbox, listener, allow_remote, shutdown).await
}

/// Like [`serve`] on an already bound listener (bind `127.0.0.1:0` to get a free port).
pub async fn serve_on(
    sandbox: Sandbox,
    listener: TcpListener,
    allow_remote: bool,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let addr = listener
        .local_addr()
        .context("reading the sandbox listener's address")?;
    check_address(addr, allow_remote)?;
    tracing::info!(%addr, "sandbox listening");
    axum::serve(listener, sandbox.router())
        .with_graceful_shutdown(shutdown)
        .await
        .with_context(|| format!("serving the sandbox on {addr}"))
}

fn check_address(addr: SocketAddr, allow_remote: bool) -> anyhow::Result<()> {
    if !allow_remote && !addr.ip().is_loopback() {
        bail!(
            "refusing to serve the sandbox on {addr}: it is not a loopback address and \
             the sandbox has no authentication (allow remote access explicitly to do this)"
        );
    }
    Ok(())
}
