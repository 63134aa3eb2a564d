//! Reuse mode (`crucible run --reuse-containers`): long-lived hardened slot containers, each
//! running many executions one after another through `docker exec`, every execution in a fresh
//! process tree with an emptied working directory and tmpfs (see `reuse_script` and
//! docs/reuse-mode.md). A slot whose state is in doubt (timeout, output flood, OOM, harness
//! killed, cleaning failed) is removed and replaced, never reused.
use super::entrypoint::{self, ReportState};
use super::executor::{ExecutionSpec, Outcome, Sandbox, conclude};
use super::policy::WORKDIR;
use super::result::ExecutionResult;
use super::reuse_script::{self, SLOT_UID};
use super::stream::{self, Streamed};
use crate::docker::{DockerError, container, labels};
use bollard::exec::{CreateExecOptions, StartExecOptions, StartExecResults};
use std::collections::HashMap;
use std::sync::Mutex;

/// Idle slot containers, by what they were created for (image, limits, env).
#[derive(Default)]
pub struct SlotPool {
    idle: Mutex<HashMap<String, Vec<String>>>,
}

fn slot_key(spec: &ExecutionSpec) -> String {
    serde_json::json!({"image": spec.image, "limits": spec.limits, "env": spec.env}).to_string()
}

impl SlotPool {
    fn take(&self, key: &str) -> Option<String> {
        self.idle.lock().expect("slot pool").get_mut(key)?.pop()
    }

    fn give_back(&self, key: String, id: String) {
        self.idle
            .lock()
            .expect("slot pool")
            .entry(key)
            .or_default()
            .push(id);
    }

    /// Every idle slot, removed from the pool (for shutdown).
    pub fn drain(&self) -> Vec<String> {
        let mut idle = self.idle.lock().expect("slot pool");
        idle.drain().flat_map(|(_, ids)| ids).collect()
    }
}

impl Sandbox {
    /// A running slot container for `spec`: idle from the pool, or created now.
    async fn slot(&self, spec: &ExecutionSpec) -> Result<String, DockerError> {
        if let Some(id) = self.slots().take(&slot_key(spec)) {
            return Ok(id);
        }
        let mut limits = spec.limits.clone();
        // tini and the idle sleep are the slot's own two processes.
        limits.pids += 2;
        let mut labels = labels::for_execution(spec.run_id.as_deref(), None);
        labels.insert("crucible.reuse".into(), "slot".into());
        let mut body = self.policy().container_body(
            &spec.image,
            vec!["sleep".into(), "infinity".into()],
            Vec::new(),
            &limits,
            labels,
        );
        // The slot's processes run as their own uid: the sandbox uid can neither signal nor
        // trace them, and `kill -1` from an execution reaches only the sandbox uid.
        body.user = Some(format!("{SLOT_UID}:{SLOT_UID}"));
        body.attach_stdin = Some(false);
        body.attach_stdout = Some(false);
        body.attach_stderr = Some(false);
        body.open_stdin = Some(false);
        body.stdin_once = Some(false);
        let id = container::create(self.docker(), body).await?;
        self.live().track(self.docker(), &id).hand_off();
        if let Err(e) = container::start(self.docker(), &id).await {
            self.retire(&id);
            return Err(e);
        }
        Ok(id)
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
        let slot = self.slot(spec).await?;
        result.container_id = Some(slot.clone());
        match self.exec_in_slot(&slot, spec, result).await {
            Ok(true) => {
                self.slots().give_back(slot_key(spec), slot);
                Ok(())
            }
            Ok(false) => {
                self.retire(&slot);
                Ok(())
            }
            Err(e) => {
                self.retire(&slot);
                Err(e)
            }
        }
    }

    /// One execution through `docker exec`; `Ok(true)` when the slot is clean for the next.
    async fn exec_in_slot(
        &self,
        slot: &str,
        spec: &ExecutionSpec,
        result: &mut ExecutionResult,
    ) -> Result<bool, DockerError> {
        let docker = self.docker();
        let exec_err = |source| DockerError::StartContainer {
            id: slot.into(),
            source,
        };
        let mut cmd = vec![
            "/bin/sh".to_string(),
            "-c".to_string(),
            reuse_script::script(
                WORKDIR,
                self.policy().user.split(':').next().unwrap_or_default(),
            ),
            "crucible-entry".to_string(),
        ];
        cmd.extend(spec.command.iter().cloned());
        let mut env: Vec<String> = vec![
            format!("CRUCIBLE_REPORT={}", crate::task::REPORT_PATH),
            "HOME=/tmp".into(),
            "LANG=C.UTF-8".into(),
        ];
        env.extend(spec.env.iter().map(|(k, v)| format!("{k}={v}")));
        let options = CreateExecOptions {
            attach_stdin: Some(true),
            attach_stdout: Some(true),
            attach_stderr: Some(true),
            tty: Some(false),
            env: Some(env),
            cmd: Some(cmd),
            user: Some(self.policy().user.clone()),
            working_dir: Some(WORKDIR.to_string()),
            ..Default::default()
        };
        let exec = docker.create_exec(slot, options).await.map_err(exec_err)?;
        let started_exec = docker
            .start_exec(
                &exec.id,
                Some(StartExecOptions {
                    detach: false,
                    tty: false,
                    output_capacity: None,
                }),
            )
            .await
            .map_err(exec_err)?;
        let StartExecResults::Attached { output, input } = started_exec else {
            return Err(exec_err(bollard::errors::Error::DockerStreamError {
                error: "docker exec did not attach".into(),
            }));
        };
        let Streamed {
            stdout,
            stderr,
            killed_for,
            started,
            writer,
        } = stream::feed_and_collect(output, input, &spec.payload, &spec.limits).await;
        result.wall_ms = started.elapsed().as_millis() as u64;
        if killed_for.is_some() {
            // An exec cannot be killed on its own: the whole slot goes (the caller retires it).
            container::kill(docker, slot).await?;
        }
        writer.abort();
        let (candidate_stdout, trailer) = entrypoint::split_trailer(stdout.bytes());
        let exit = match (&trailer, killed_for) {
            (Some(t), None) => t.rc,
            _ => docker
                .inspect_exec(&exec.id)
                .await
                .ok()
                .and_then(|i| i.exit_code)
                .unwrap_or(-1),
        };
        // OOM: the cgroup's own kill counter, read by the harness before and after. Without
        // it (harness killed, counter unreadable) the daemon's record of the slot decides.
        let oom_killed = match trailer.as_ref().and_then(|t| t.oom_kills) {
            Some(n) => n > 0,
            None if killed_for.is_none() => container::oom_killed(docker, slot).await?,
            None => false,
        };
        let clean = killed_for.is_none()
            && !oom_killed
            && trailer
                .as_ref()
                .is_some_and(|t| !t.unpack_failed && t.report != ReportState::TooLarge);
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
        Ok(clean)
    }
}
