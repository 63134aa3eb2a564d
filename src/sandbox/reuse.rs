//! Reuse mode (`crucible run --reuse-containers`): long-lived hardened slot containers, each
//! running many executions one after another under its supervisor, every execution in a fresh
//! process tree with emptied writable places (see `slot` and docs/reuse-mode.md). A slot whose
//! state is in doubt (cleaning failed, supervisor gone or silent, protocol broken) is removed
//! and replaced, never reused.
use super::executor::{ExecutionSpec, Outcome, Sandbox, conclude, container_env};
use super::judge::KillReason;
use super::output::BoundedBuffer;
use super::result::ExecutionResult;
use super::slot::{self, Slot, SlotOutcome};
use crate::docker::{DockerError, container};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// Idle slots, by what they were created for (image, limits, env).
#[derive(Default)]
pub struct SlotPool {
    idle: Mutex<HashMap<String, Vec<Slot>>>,
}

fn slot_key(spec: &ExecutionSpec) -> String {
    serde_json::json!({"image": spec.image, "limits": spec.limits, "env": spec.env}).to_string()
}

impl SlotPool {
    fn take(&self, key: &str) -> Option<Slot> {
        self.idle.lock().expect("slot pool").get_mut(key)?.pop()
    }

    fn give_back(&self, key: String, slot: Slot) {
        self.idle
            .lock()
            .expect("slot pool")
            .entry(key)
            .or_default()
            .push(slot);
    }

    /// Every idle slot's container id, the slots dropped (for shutdown).
    pub fn drain(&self) -> Vec<String> {
        let mut idle = self.idle.lock().expect("slot pool");
        idle.drain()
            .flat_map(|(_, slots)| slots)
            .map(|s| s.id)
            .collect()
    }
}

impl Sandbox {
    /// A ready slot for `spec`: idle from the pool, or started now.
    async fn slot(&self, spec: &ExecutionSpec) -> Result<Slot, DockerError> {
        if let Some(slot) = self.slots().take(&slot_key(spec)) {
            return Ok(slot);
        }
        if self.policy().uid_gid().0 == "0" {
            return Err(DockerError::SlotSupervisor {
                id: String::new(),
                message: "reuse mode needs a non-root sandbox user (the supervisor's uid \
                          must differ from the candidate's)"
                    .into(),
            });
        }
        let body = slot::container_body(self.policy(), spec, container_env(spec));
        let id = container::create(self.docker(), body).await?;
        self.live().track(self.docker(), &id).hand_off();
        match Slot::start(self.docker(), id.clone()).await {
            Ok(slot) => Ok(slot),
            Err(e) => {
                self.retire(&id);
                Err(e)
            }
        }
    }

    /// Remove a slot in the background (its state is in doubt, or the run is over).
    fn retire(&self, id: &str) {
        self.reaper().remove(self.docker(), self.live(), id);
    }

    /// Retire every idle slot (end of run).
    pub(super) fn retire_idle_slots(&self) {
        for id in self.slots().drain() {
            self.retire(&id);
        }
    }

    pub(super) async fn run_reused(
        &self,
        spec: &ExecutionSpec,
        result: &mut ExecutionResult,
    ) -> Result<(), DockerError> {
        result.image_id = Some(self.image_id(&spec.image).await?);
        let mut slot = self.slot(spec).await?;
        result.container_id = Some(slot.id.clone());
        let started = std::time::Instant::now();
        let reply = slot.execute(spec).await;
        result.wall_ms = started.elapsed().as_millis() as u64;
        let reply = match reply {
            Ok(reply) => reply,
            Err(outcome) => {
                let judged = self.without_reply(&slot.id, spec, result, outcome).await;
                self.retire(&slot.id);
                return judged;
            }
        };
        let cap = spec.limits.output_bytes;
        let stdout = BoundedBuffer::kept_elsewhere(&reply.stdout, reply.stdout_total, cap);
        let stderr = BoundedBuffer::kept_elsewhere(&reply.stderr, reply.stderr_total, cap);
        conclude(
            spec,
            result,
            Outcome {
                stdout: &stdout,
                stderr: &stderr,
                candidate_stdout: stdout.bytes(),
                trailer: Some(&reply.trailer),
                killed_for: reply.killed_for,
                exit: reply.trailer.rc,
                oom_killed: reply.trailer.oom_kills.is_some_and(|n| n > 0),
            },
        );
        if reply.clean {
            self.slots().give_back(slot_key(spec), slot);
        } else {
            self.retire(&slot.id);
        }
        Ok(())
    }

    /// The slot gave no reply: a deadline passed (timeout), the OOM killer took the supervisor
    /// (memory limit), or the slot broke (infra error, retried on a new slot).
    async fn without_reply(
        &self,
        id: &str,
        spec: &ExecutionSpec,
        result: &mut ExecutionResult,
        outcome: SlotOutcome,
    ) -> Result<(), DockerError> {
        let empty = BoundedBuffer::new(0);
        let (killed_for, oom_killed) = match outcome {
            SlotOutcome::NoAnswer => (Some(KillReason::Timeout), false),
            SlotOutcome::Ended(e) => {
                let stopped = container::wait(self.docker(), id);
                tokio::time::timeout(Duration::from_secs(10), stopped)
                    .await
                    .ok();
                if !container::oom_killed(self.docker(), id).await? {
                    return Err(e);
                }
                (None, true)
            }
            SlotOutcome::Broken(e) => return Err(e),
        };
        conclude(
            spec,
            result,
            Outcome {
                stdout: &empty,
                stderr: &empty,
                candidate_stdout: &[],
                trailer: None,
                killed_for,
                exit: -1,
                oom_killed,
            },
        );
        Ok(())
    }
}
