//! `crucible run --executor URL[,URL…]`: run the executions on `crucible serve` replicas
//! instead of the local daemon (docs/scale-out.md). Verdicts are still made here.
use crucible::execution::Executor;
use crucible::remote::{RemoteExecutor, RemoteOptions};
use std::sync::Arc;

#[derive(clap::Args, Debug)]
pub struct ExecutorArgs {
    /// Send executions to these `crucible serve` replicas (comma-separated base URLs, e.g.
    /// http://10.0.0.5:8080,http://10.0.0.6:8080, or one nginx in front of several) instead of
    /// the local Docker daemon; judged here as usual. See docs/scale-out.md.
    #[arg(long, value_delimiter = ',', value_name = "URL", value_parser = replica_url)]
    executor: Vec<String>,
    /// Bearer token the replicas accept.
    #[arg(long, env = "CRUCIBLE_EXECUTOR_TOKEN", hide_env_values = true)]
    executor_token: Option<String>,
    /// Executions in flight per replica (default: the replica's own --concurrency).
    #[arg(long, requires = "executor")]
    executor_in_flight: Option<usize>,
}

/// A replica's base URL: plain http, a host and maybe a port, nothing after.
fn replica_url(s: &str) -> Result<String, String> {
    let rest = s.trim().trim_end_matches('/').strip_prefix("http://");
    match rest {
        Some(hostport) if !hostport.is_empty() && !hostport.contains(['/', '?', '#', ' ']) => {
            Ok(s.trim().to_string())
        }
        _ => Err(format!(
            "`{s}` is not a replica's base URL: give http://HOST:PORT (plain http; put TLS in a \
             proxy in front, see docs/scale-out.md)"
        )),
    }
}

impl ExecutorArgs {
    /// The replicas named, for the run's recorded settings.
    pub fn urls(&self) -> &[String] {
        &self.executor
    }

    /// With `--executor`: the remote executor and the in-flight count its replicas take.
    /// `None`: run locally.
    pub async fn remote(
        &self,
        runtime: Option<String>,
        reuse: bool,
    ) -> Option<anyhow::Result<(Arc<dyn Executor>, Option<usize>)>> {
        if self.executor.is_empty() {
            return None;
        }
        let options = RemoteOptions {
            urls: self.executor.clone(),
            token: self.executor_token.clone().filter(|t| !t.is_empty()),
            isolation: if reuse { "reuse" } else { "fresh" }.to_string(),
            in_flight_per_replica: self.executor_in_flight,
            runtime,
        };
        Some(match RemoteExecutor::connect(options).await {
            Ok(remote) => {
                for w in remote.warnings() {
                    eprintln!("crucible run: {w}");
                }
                let capacity = remote.capacity();
                let executor: Arc<dyn Executor> = Arc::new(remote);
                Ok((executor, Some(capacity)))
            }
            Err(e) => Err(e.into()),
        })
    }
}
