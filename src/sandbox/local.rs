//! The local Docker executor: a `Host` and one backend, fixed when it is built.
use super::checker_stage;
use super::fresh::Fresh;
use super::host::Host;
use super::policy::SandboxPolicy;
use super::reuse::Reuse;
use crate::cases::CheckerEvidence;
use crate::docker::{self, Docker, DockerError};
use crate::execution::{Evidence, ExecutionResult, ExecutionSpec, Executor, InfraError, Ticket};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// How executions get their containers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A new hardened container per execution (the default).
    Fresh,
    /// Long-lived slot containers, each running many executions (docs/reuse-mode.md).
    Reuse,
}

enum Engine {
    Fresh(Fresh),
    Reuse(Reuse),
}

pub struct Sandbox {
    host: Arc<Host>,
    engine: Engine,
    /// Tickets for callers that run one execution at a time (`run`).
    next_ticket: AtomicU64,
}

impl Sandbox {
    /// Connect to the daemon; refuse (fail closed) when the policy's runtime is not offered, or
    /// when reuse mode is asked for with a root sandbox user (the harness's uid must differ).
    pub async fn connect(policy: SandboxPolicy, backend: Backend) -> Result<Sandbox, DockerError> {
        if policy.uid_gid().0 == "0" {
            return Err(DockerError::Supervisor {
                id: String::new(),
                message: "the sandbox user must not be root (the harness's uid must differ \
                          from the candidate's)"
                    .into(),
            });
        }
        let docker = docker::connect().await?;
        if let Some(runtime) = &policy.runtime {
            docker::require_runtime(&docker, runtime).await?;
        }
        Ok(Sandbox {
            host: Arc::new(Host::new(docker, policy)),
            engine: match backend {
                Backend::Fresh => Engine::Fresh(Fresh::default()),
                Backend::Reuse => Engine::Reuse(Reuse::default()),
            },
            next_ticket: AtomicU64::new(u64::MAX / 2),
        })
    }

    async fn execute_one(
        &self,
        ticket: Ticket,
        spec: &ExecutionSpec,
    ) -> Result<Evidence, InfraError> {
        let ran = match &self.engine {
            Engine::Fresh(fresh) => fresh.execute(&self.host, ticket, spec).await,
            Engine::Reuse(reuse) => reuse.execute(&self.host, spec).await,
        };
        ran.map_err(infra)
    }

    pub fn docker(&self) -> &Docker {
        &self.host.docker
    }

    pub fn policy(&self) -> &SandboxPolicy {
        &self.host.policy
    }

    /// Idle reuse slots waiting for work (0 for the fresh backend).
    pub fn idle_slots(&self) -> usize {
        match &self.engine {
            Engine::Fresh(_) => 0,
            Engine::Reuse(reuse) => reuse.idle_count(),
        }
    }

    /// Keep at most `n` idle reuse slots (least recently used retired first); no effect on
    /// the fresh backend.
    pub fn limit_idle_slots(&self, n: usize) {
        if let Engine::Reuse(reuse) = &self.engine {
            reuse.set_max_idle(n);
        }
    }

    /// Run one execution and judge it (for callers without a run: `exec`, tests).
    pub async fn run(&self, spec: &ExecutionSpec) -> ExecutionResult {
        let ticket = self.next_ticket.fetch_add(1, Ordering::Relaxed);
        match self.execute(ticket, spec).await {
            Ok(evidence) => crate::judge::conclude(spec, evidence),
            Err(e) => crate::judge::infra_error(spec, &e),
        }
    }
}

#[async_trait::async_trait]
impl Executor for Sandbox {
    async fn image_id(&self, image: &str) -> Result<String, InfraError> {
        self.host.image_id(image).await.map_err(infra)
    }

    fn prepare(&self, ticket: Ticket, spec: &ExecutionSpec) {
        if let Engine::Fresh(fresh) = &self.engine {
            fresh.prepare(&self.host, ticket, spec);
        }
    }

    async fn execute(&self, ticket: Ticket, spec: &ExecutionSpec) -> Result<Evidence, InfraError> {
        let mut evidence = self.execute_one(ticket, spec).await?;
        // A task's own checker program judges in an execution of its own (docs/io-tasks.md).
        let stage = checker_stage::plan(spec, &evidence);
        if let Some(cases) = evidence.cases.as_mut() {
            match stage {
                Ok(None) => {}
                Ok(Some(stage)) => {
                    let ticket = self.next_ticket.fetch_add(1, Ordering::Relaxed);
                    let checked = self.execute_one(ticket, &stage.spec).await?;
                    cases.checker = Some(stage.evidence(checked));
                }
                Err(why) => {
                    cases.checker = Some(CheckerEvidence {
                        failure: Some(why),
                        runs: Vec::new(),
                    })
                }
            }
        }
        Ok(evidence)
    }

    async fn abort_all(&self) -> usize {
        self.remove_everything().await
    }

    async fn finish(&self) {
        if let Engine::Reuse(reuse) = &self.engine {
            reuse.retire_idle(&self.host);
        }
        self.host.reaper.drain().await;
    }

    fn runtime(&self) -> Option<String> {
        self.host.policy.runtime.clone()
    }

    async fn probe(&self) -> Result<(), InfraError> {
        docker::ping(&self.host.docker).await.map_err(infra)
    }

    /// The restart stopped every container: prepared ones and idle reuse slots are dead, and
    /// removals tried while the daemon was down failed. This executor serves one run (a
    /// server's per-run wrapper does not forward it), so every container of this process goes.
    async fn recover(&self) -> usize {
        self.remove_everything().await
    }
}

impl Sandbox {
    /// Drop prepared creations and idle slots, then remove every container of this process.
    async fn remove_everything(&self) -> usize {
        match &self.engine {
            Engine::Fresh(fresh) => fresh.abort_prepared(),
            Engine::Reuse(reuse) => reuse.retire_idle(&self.host),
        }
        let removed = self.host.live.remove_all(&self.host.docker).await;
        self.host.reaper.drain().await;
        removed
    }
}

/// A Docker failure as the run sees it: an unreachable daemon pauses the run, anything else is
/// retried.
fn infra(e: DockerError) -> InfraError {
    if e.is_daemon_unreachable() {
        InfraError::daemon_unreachable(e.to_string())
    } else {
        InfraError::new(e.to_string())
    }
}
