//! Listening and shutting down: refuse to expose an unauthenticated server beyond loopback;
//! on the shutdown signal stop accepting, let in-flight work finish within the grace period,
//! then remove every container (in flight, idle slots) before returning.
use super::app::app_with;
use super::state::ServeState;
use axum::Router;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpListener;

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(
        "refusing to listen on {0} without tokens: anyone who reaches it could run code; \
         give --tokens-file or CRUCIBLE_TOKENS, or listen on 127.0.0.1"
    )]
    Exposed(SocketAddr),
}

/// Only loopback may be served without tokens.
pub fn check_exposure(addr: SocketAddr, tokens: &[String]) -> Result<(), ServeError> {
    if tokens.is_empty() && !addr.ip().is_loopback() {
        return Err(ServeError::Exposed(addr));
    }
    Ok(())
}

/// How the server ended.
#[derive(Debug, Clone, Copy)]
pub struct ShutdownReport {
    /// Everything in flight finished within the grace period.
    pub graceful: bool,
    /// Containers removed at the end (in flight after the grace period, idle slots).
    pub removed: usize,
}

/// Serve `state` (and `extra` routes) on `listener` until `shutdown` resolves, then drain.
pub async fn serve(
    state: ServeState,
    listener: TcpListener,
    extra: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<ShutdownReport> {
    let router = app_with(state.clone(), extra);
    let (stop_tx, mut stop_rx) = tokio::sync::watch::channel(false);
    let server = axum::serve(listener, router).with_graceful_shutdown(async move {
        let _ = stop_rx.wait_for(|s| *s).await;
    });
    let mut server = tokio::spawn(async move { server.await });
    tokio::select! {
        _ = shutdown => {}
        done = &mut server => {
            done.map_err(std::io::Error::other)??;
        }
    }
    state.begin_shutdown();
    let _ = stop_tx.send(true);
    let grace = state.config.grace;
    let graceful = tokio::time::timeout(grace, &mut server).await.is_ok();
    let mut removed = 0;
    if !graceful {
        tracing::warn!(
            "grace period of {}s over: removing the executions still in flight",
            grace.as_secs_f64()
        );
        state.admission.close();
        for sb in state.sandboxes() {
            removed += crate::execution::Executor::abort_all(sb.as_ref()).await;
        }
        // Their handlers now answer (interrupted); give them a moment to write it.
        if tokio::time::timeout(Duration::from_secs(5), &mut server)
            .await
            .is_err()
        {
            server.abort();
        }
    }
    for sb in state.sandboxes() {
        removed += crate::execution::Executor::abort_all(sb.as_ref()).await;
        crate::execution::Executor::finish(sb.as_ref()).await;
    }
    Ok(ShutdownReport { graceful, removed })
}
