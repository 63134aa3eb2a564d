//! One run's view of the server's shared executor. The executor was built for one run per
//! process: tickets start at 0 in every run, and `abort_all` removes every container of the
//! process. Shared by concurrent runs (and by `/v1/execute`), both would cross runs: a ticket
//! could meet another run's prepared container (another candidate's payload), and cancelling
//! one run would kill the others' executions. So each run gets:
//! - its own ticket range;
//! - no `prepare` hints (a prepared container cannot be withdrawn from the shared executor
//!   without withdrawing everyone's; the cost is the ahead-of-need creation of the fresh
//!   backend);
//! - an abort that removes only containers labelled with this run's id (the engine has already
//!   dropped the run's executions, whose guards remove their containers; the sweep catches a
//!   creation cut mid-request);
//! - a place in the server-wide queue: every run's executions share `concurrency` slots (first
//!   come, first served), so two runs do not put twice the containers on the machine.
use crate::docker::{self, container};
use crate::execution::{Evidence, ExecutionSpec, Executor, InfraError, Ticket};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::Semaphore;

/// Ticket ranges handed out so far; run n uses [n << 32, (n + 1) << 32). `Sandbox::run` (one-off
/// executions) counts from u64::MAX / 2, above every range.
static RANGES: AtomicU64 = AtomicU64::new(1);

/// How long a cancelled run's sweep keeps looking for its containers.
const SWEEP_ROUNDS: usize = 40;
const SWEEP_PAUSE: Duration = Duration::from_millis(250);

pub struct RunExecutor {
    inner: Arc<dyn Executor>,
    run_id: String,
    base: Ticket,
    slots: Arc<Semaphore>,
}

impl RunExecutor {
    pub fn new(inner: Arc<dyn Executor>, run_id: &str, slots: Arc<Semaphore>) -> RunExecutor {
        RunExecutor {
            inner,
            run_id: run_id.to_string(),
            base: RANGES.fetch_add(1, Ordering::Relaxed) << 32,
            slots,
        }
    }

    /// Remove every container labelled with this run; stop once two listings in a row find
    /// none (a creation cut mid-request may appear a moment later).
    async fn sweep(&self) -> usize {
        let Ok(docker) = docker::connect().await else {
            tracing::warn!(
                "run {}: cannot reach Docker to remove its containers; `crucible gc` will",
                self.run_id
            );
            return 0;
        };
        let label = format!("{}={}", docker::labels::RUN_ID, self.run_id);
        let mut removed = 0;
        let mut quiet = 0;
        for _ in 0..SWEEP_ROUNDS {
            let found = container::list_labelled(&docker, &label)
                .await
                .unwrap_or_default();
            let ids: Vec<String> = found.into_iter().filter_map(|c| c.id).collect();
            if ids.is_empty() {
                quiet += 1;
                if quiet == 2 {
                    break;
                }
            } else {
                quiet = 0;
                for id in ids {
                    if container::remove(&docker, &id).await.is_ok() {
                        removed += 1;
                    }
                }
            }
            tokio::time::sleep(SWEEP_PAUSE).await;
        }
        removed
    }
}

#[async_trait::async_trait]
impl Executor for RunExecutor {
    async fn image_id(&self, image: &str) -> Result<String, InfraError> {
        self.inner.image_id(image).await
    }

    async fn execute(&self, ticket: Ticket, spec: &ExecutionSpec) -> Result<Evidence, InfraError> {
        // Waiting here costs the candidate nothing: its time limit starts in the container.
        let _slot = self
            .slots
            .acquire()
            .await
            .map_err(|_| InfraError::new("the server is shutting down"))?;
        self.inner.execute(self.base + ticket, spec).await
    }

    async fn abort_all(&self) -> usize {
        self.sweep().await
    }

    async fn finish(&self) {
        self.inner.finish().await;
    }

    fn runtime(&self) -> Option<String> {
        self.inner.runtime()
    }
}
