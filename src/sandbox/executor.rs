//! Run one execution: create a hardened container, stream the payload in, collect bounded
//! output under a wall-clock limit, judge, and remove the container on every path.
use super::ahead::{Ahead, Created};
use super::entrypoint::{self, ReportState};
use super::judge::{self, Evidence, Expectation, KillReason};
use super::live::LiveContainers;
use super::oom;
use super::output::{BoundedBuffer, capture};
use super::payload::Payload;
use super::policy::{SandboxPolicy, WORKDIR};
use super::reaper::Reaper;
use super::result::ExecutionResult;
use super::reuse::SlotPool;
use super::stream::{self, Streamed};
use crate::docker::{self, Docker, DockerError, container, labels};
use crate::limits::Limits;
use crate::verdict::Verdict;
use bollard::models::ContainerCreateBody;
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Everything one execution needs.
#[derive(Debug, Clone)]
pub struct ExecutionSpec {
    pub image: String,
    /// argv of the test command, run in the working directory after the payload is unpacked.
    pub command: Vec<String>,
    pub payload: Payload,
    pub limits: Limits,
    pub env: Vec<(String, String)>,
    pub expectation: Expectation,
    pub run_id: Option<String>,
    pub task_id: Option<String>,
}

/// How long to wait for the daemon after crucible killed a container.
const AFTER_KILL_GRACE: Duration = Duration::from_secs(30);

pub struct Sandbox {
    docker: Docker,
    policy: SandboxPolicy,
    image_ids: Mutex<HashMap<String, String>>,
    live: LiveContainers,
    reaper: Reaper,
    /// Set by callers that await `finish_removals` before exiting (the scheduler).
    background_removal: AtomicBool,
    /// Reuse mode: executions run in long-lived slot containers (see `reuse`).
    reuse: AtomicBool,
    slots: SlotPool,
}

impl Sandbox {
    /// Connect to the daemon; refuse (fail closed) when the policy's runtime is not offered.
    pub async fn connect(policy: SandboxPolicy) -> Result<Sandbox, DockerError> {
        let docker = docker::connect().await?;
        if let Some(runtime) = &policy.runtime {
            docker::require_runtime(&docker, runtime).await?;
        }
        Ok(Sandbox {
            docker,
            policy,
            image_ids: Mutex::new(HashMap::new()),
            live: LiveContainers::default(),
            reaper: Reaper::default(),
            background_removal: AtomicBool::new(false),
            reuse: AtomicBool::new(false),
            slots: SlotPool::default(),
        })
    }

    pub fn docker(&self) -> &Docker {
        &self.docker
    }

    pub fn policy(&self) -> &SandboxPolicy {
        &self.policy
    }

    pub(super) fn live(&self) -> &LiveContainers {
        &self.live
    }

    pub(super) fn reaper(&self) -> &Reaper {
        &self.reaper
    }

    pub(super) fn slots(&self) -> &SlotPool {
        &self.slots
    }

    /// Reuse mode: run executions in long-lived slot containers, each execution in a fresh
    /// process tree with emptied writable dirs (docs/reuse-mode.md). Implies background
    /// removal: the caller must await `finish_removals`, which also removes the slots.
    pub fn enable_reuse(&self) {
        self.reuse.store(true, Ordering::SeqCst);
        self.remove_in_background(true);
    }

    /// The image's id, asked of the daemon once per image.
    pub async fn image_id(&self, image: &str) -> Result<String, DockerError> {
        if let Some(id) = self.image_ids.lock().expect("image id cache").get(image) {
            return Ok(id.clone());
        }
        let id = docker::image_id(&self.docker, image).await?;
        self.image_ids
            .lock()
            .expect("image id cache")
            .insert(image.into(), id.clone());
        Ok(id)
    }

    /// Kill and remove every container this sandbox has in flight (for Ctrl-C / shutdown).
    pub async fn remove_all_live(&self) -> usize {
        self.slots.drain();
        let removed = self.live.remove_all(&self.docker).await;
        self.reaper.drain().await;
        removed
    }

    /// Remove containers in the background instead of before `run` returns. Whoever turns
    /// this on must await `finish_removals` before exiting.
    pub fn remove_in_background(&self, on: bool) {
        self.background_removal.store(on, Ordering::SeqCst);
    }

    /// Wait until every container removal started in the background has finished. The
    /// scheduler calls this before it exits, on every path.
    pub async fn finish_removals(&self) {
        self.retire_idle_slots();
        self.reaper.drain().await;
    }

    /// Run one execution. Never fails: a Docker problem becomes an `infra_error` verdict.
    pub async fn run(&self, spec: &ExecutionSpec) -> ExecutionResult {
        self.run_created_ahead(spec, None).await
    }

    /// Run one execution in the container `ahead` created for it (see `create_ahead`), or in
    /// one created now.
    pub async fn run_created_ahead(
        &self,
        spec: &ExecutionSpec,
        ahead: Option<Ahead>,
    ) -> ExecutionResult {
        let started = Instant::now();
        let mut result = ExecutionResult::without_container(
            Verdict::InfraError,
            String::new(),
            &spec.image,
            &spec.limits,
        );
        result.payload_sha256 = Some(spec.payload.sha256().to_string());
        result.runtime = self.policy.runtime.clone();
        let ran = if self.reusing() {
            self.run_reused(spec, &mut result).await
        } else {
            self.run_in_container(spec, ahead, &mut result).await
        };
        if let Err(e) = ran {
            result.verdict = Verdict::InfraError;
            result.reason = e.to_string();
        }
        if result.wall_ms == 0 {
            result.wall_ms = started.elapsed().as_millis() as u64;
        }
        result
    }

    pub(super) fn reusing(&self) -> bool {
        self.reuse.load(Ordering::SeqCst)
    }

    /// The create request of one execution's container.
    pub(super) fn container_body(&self, spec: &ExecutionSpec) -> ContainerCreateBody {
        let mut cmd = vec![
            "/bin/sh".to_string(),
            "-c".to_string(),
            entrypoint::script(WORKDIR),
            "crucible-entry".to_string(),
        ];
        cmd.extend(spec.command.iter().cloned());
        let labels = labels::for_execution(spec.run_id.as_deref(), spec.task_id.as_deref());
        self.policy
            .container_body(&spec.image, cmd, container_env(spec), &spec.limits, labels)
    }

    async fn run_in_container(
        &self,
        spec: &ExecutionSpec,
        ahead: Option<Ahead>,
        result: &mut ExecutionResult,
    ) -> Result<(), DockerError> {
        result.image_id = Some(self.image_id(&spec.image).await?);
        let created = match ahead {
            Some(ahead) => ahead.ready().await?,
            None => self.create(spec).await?,
        };
        let id = created.id.clone();
        result.container_id = Some(id.clone());
        let guard = self.live.track(&self.docker, &id);
        let outcome = self.drive(created, spec, result).await;
        // Removal runs in the background (off the verdict's critical path); the container
        // stays in the live set until it is gone, and the scheduler drains the reaper before
        // exiting. Removal failures are logged, not fatal: gc finds the rest.
        if self.background_removal.load(Ordering::SeqCst) {
            self.reaper.remove(&self.docker, &self.live, &id);
            guard.hand_off();
        } else if let Err(e) = container::remove(&self.docker, &id).await {
            tracing::warn!("{e}; `crucible gc` will remove it");
        } else {
            self.live.forget(&id);
        }
        outcome
    }

    async fn drive(
        &self,
        created: Created,
        spec: &ExecutionSpec,
        result: &mut ExecutionResult,
    ) -> Result<(), DockerError> {
        let id = created.id.as_str();
        container::start(&self.docker, id).await?;
        let limits = &spec.limits;
        let Streamed {
            stdout,
            stderr,
            killed_for,
            started,
            writer,
        } = stream::feed_and_collect(created.output, created.input, &spec.payload, limits).await;
        if killed_for.is_some() {
            container::kill(&self.docker, id).await?;
        }
        let exit = match tokio::time::timeout(
            AFTER_KILL_GRACE + limits.timeout,
            container::wait(&self.docker, id),
        )
        .await
        {
            Ok(exit) => exit?,
            Err(_) => {
                return Err(DockerError::WaitContainer {
                    id: id.into(),
                    source: bollard::errors::Error::DockerStreamError {
                        error: "the container did not stop after it was killed".into(),
                    },
                });
            }
        };
        result.wall_ms = started.elapsed().as_millis() as u64;
        match writer.await {
            Ok(Err(e)) if killed_for.is_none() && e.kind() != std::io::ErrorKind::BrokenPipe => {
                tracing::debug!(container = id, "payload write: {e}");
            }
            _ => {}
        }
        let (candidate_stdout, trailer) = entrypoint::split_trailer(stdout.bytes());
        // The OOM verdict comes from the daemon's record, asked for unless the cgroup's own
        // high-water mark proves the limit was never reached (see `oom`).
        let oom_killed = if oom::must_ask_daemon(trailer.as_ref(), exit, limits.memory_bytes) {
            container::oom_killed(&self.docker, id).await?
        } else {
            false
        };
        conclude(
            spec,
            result,
            Outcome {
                stdout: &stdout,
                stderr: &stderr,
                candidate_stdout,
                trailer: trailer.as_ref(),
                killed_for,
                exit,
                oom_killed,
            },
        );
        Ok(())
    }
}

/// The environment an execution sees on top of the image's.
pub(super) fn container_env(spec: &ExecutionSpec) -> Vec<String> {
    let mut env: Vec<String> = vec![
        format!("CRUCIBLE_REPORT={}", crate::task::REPORT_PATH),
        "HOME=/tmp".into(),
        "LANG=C.UTF-8".into(),
    ];
    env.extend(spec.env.iter().map(|(k, v)| format!("{k}={v}")));
    env
}

/// What one execution left behind, for `conclude`.
pub(super) struct Outcome<'a> {
    pub stdout: &'a BoundedBuffer,
    pub stderr: &'a BoundedBuffer,
    /// stdout without the report and trailer.
    pub candidate_stdout: &'a [u8],
    pub trailer: Option<&'a entrypoint::Trailer>,
    pub killed_for: Option<KillReason>,
    /// Exit status of the entrypoint (container or exec).
    pub exit: i64,
    pub oom_killed: bool,
}

/// Fill `result` from the outcome: captured output, figures, verdict. Shared by the default
/// and the reuse mode, so both judge identically.
pub(super) fn conclude(spec: &ExecutionSpec, result: &mut ExecutionResult, o: Outcome<'_>) {
    let limits = &spec.limits;
    let (stdout, stderr, candidate_stdout, trailer) =
        (o.stdout, o.stderr, o.candidate_stdout, o.trailer);
    let (killed_for, exit, oom_killed) = (o.killed_for, o.exit, o.oom_killed);
    let candidate_stdout_total =
        stdout.total() - (stdout.bytes().len() - candidate_stdout.len()) as u64;
    let over_cap = killed_for.is_none() && candidate_stdout_total > limits.output_bytes;
    result.stdout = capture(
        candidate_stdout,
        candidate_stdout_total,
        limits.output_bytes,
    );
    result.stderr = capture(stderr.bytes(), stderr.total(), limits.output_bytes);
    let report = match (trailer, spec.expectation.report) {
        (Some(t), Some(format)) => match &t.report {
            ReportState::Present(bytes) => {
                Some(crate::testreport::parse(format, bytes).map_err(|e| e.to_string()))
            }
            _ => None,
        },
        _ => None,
    };
    if let Some(t) = trailer {
        result.cpu_ms = t.cpu_usec.map(|u| u / 1000);
        result.peak_memory_bytes = t.mem_peak;
        result.exit_code = Some(t.rc);
        result.signal = judge::signal_of(t.rc);
    } else {
        result.exit_code = Some(exit);
        result.signal = judge::signal_of(exit);
    }
    let judged = judge::judge(
        Evidence {
            killed_for: killed_for.or(over_cap.then_some(KillReason::Output)),
            timeout_secs: limits.timeout.as_secs_f64(),
            output_cap: limits.output_bytes,
            oom_killed,
            container_exit: exit,
            trailer,
            report,
        },
        &spec.expectation,
    );
    result.verdict = judged.verdict;
    result.reason = judged.reason;
    result.tests = judged.tests;
}
