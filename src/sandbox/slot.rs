//! One reuse-mode slot: a long-lived hardened container whose supervisor
//! (`slot_supervisor.pl`) runs one execution per request over a single attach stream, so an
//! execution costs no Docker API call at all.
use super::entrypoint::REPORT_CAP;
use super::executor::ExecutionSpec;
use super::policy::{SandboxPolicy, WORKDIR};
use super::slot_protocol::{self, READY, Reply};
use crate::docker::container::{self, OutputStream};
use crate::docker::{Docker, DockerError, labels};
use bollard::container::LogOutput;
use futures_util::StreamExt;
use std::pin::Pin;
use std::time::Duration;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::time::Instant;

const SUPERVISOR: &str = include_str!("slot_supervisor.pl");
/// The supervisor answers by itself at the deadline; this is only for a slot that hangs.
const ANSWER_GRACE: Duration = Duration::from_secs(10);
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// What the supervisor said on stderr, kept for error messages.
const DIAGNOSTICS_CAP: usize = 4096;

pub struct Slot {
    pub id: String,
    input: Pin<Box<dyn AsyncWrite + Send>>,
    output: OutputStream,
    stdout: Vec<u8>,
    diagnostics: Vec<u8>,
}

/// The create request of a slot for `spec`: the default hardening, but root holding only
/// CAP_SETUID, CAP_SETGID and CAP_KILL runs the supervisor (docs/reuse-mode.md).
pub fn container_body(
    policy: &SandboxPolicy,
    spec: &ExecutionSpec,
    env: Vec<String>,
) -> bollard::models::ContainerCreateBody {
    let (uid, gid) = policy.uid_gid();
    let cmd = vec![
        "perl".into(),
        "-e".into(),
        SUPERVISOR.into(),
        uid.into(),
        gid.into(),
        WORKDIR.into(),
        REPORT_CAP.to_string(),
    ];
    let mut limits = spec.limits.clone();
    limits.pids += 2; // tini and the supervisor
    let mut labels = labels::for_execution(spec.run_id.as_deref(), None);
    labels.insert("crucible.reuse".into(), "slot".into());
    let mut body = policy.container_body(&spec.image, cmd, env, &limits, labels);
    body.user = Some("0:0".into());
    body.stdin_once = Some(false);
    if let Some(host) = body.host_config.as_mut() {
        host.cap_add = Some(vec!["SETUID".into(), "SETGID".into(), "KILL".into()]);
    }
    body
}

impl Slot {
    /// Create, attach and start a slot, and wait for its supervisor to say it is ready.
    pub async fn start(docker: &Docker, id: String) -> Result<Slot, DockerError> {
        let attached = container::attach(docker, &id).await?;
        container::start(docker, &id).await?;
        let mut slot = Slot {
            id,
            input: attached.input,
            output: attached.output,
            stdout: Vec::new(),
            diagnostics: Vec::new(),
        };
        let deadline = Instant::now() + START_TIMEOUT;
        while !slot.stdout.starts_with(READY) {
            if slot.stdout.len() >= READY.len() || !slot.read_more(deadline).await? {
                return Err(slot.failed(
                    "its supervisor did not start; reuse mode needs perl (perl-base) in the \
                     image, as every Debian-based image has",
                ));
            }
        }
        slot.stdout.drain(..READY.len());
        Ok(slot)
    }

    /// Run one execution. `Err`: the slot gave no reply and must be removed; the outcome says
    /// why, and the caller judges the execution from that.
    pub async fn execute(&mut self, spec: &ExecutionSpec) -> Result<Reply, SlotOutcome> {
        let deadline = Instant::now() + spec.limits.timeout + ANSWER_GRACE;
        let payload = spec.payload.bytes();
        let request = slot_protocol::request(
            payload.len(),
            spec.limits.timeout.as_millis(),
            spec.limits.output_bytes,
            &spec.command,
        );
        let send = async {
            self.input.write_all(&request).await?;
            self.input.write_all(payload).await?;
            self.input.flush().await
        };
        match tokio::time::timeout_at(deadline, send).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(SlotOutcome::Broken(self.failed(&format!("send: {e}")))),
            Err(_) => return Err(SlotOutcome::NoAnswer),
        }
        loop {
            match slot_protocol::take_reply(&mut self.stdout, spec.limits.output_bytes) {
                Ok(Some(reply)) => return Ok(reply),
                Ok(None) => {}
                Err(e) => return Err(SlotOutcome::Broken(self.failed(&e))),
            }
            match self.read_more(deadline).await {
                Ok(true) => {}
                Ok(false) => return Err(SlotOutcome::Ended(self.failed("its supervisor ended"))),
                Err(_) => return Err(SlotOutcome::NoAnswer),
            }
        }
    }

    /// Read the next chunk; `Ok(false)` when the stream ended, `Err` at the deadline.
    async fn read_more(&mut self, deadline: Instant) -> Result<bool, DockerError> {
        let next = tokio::time::timeout_at(deadline, self.output.next()).await;
        match next {
            Err(_) => Err(self.failed("no answer before the deadline")),
            Ok(None) | Ok(Some(Err(_))) => Ok(false),
            Ok(Some(Ok(LogOutput::StdOut { message }))) => {
                self.stdout.extend_from_slice(&message);
                Ok(true)
            }
            Ok(Some(Ok(LogOutput::StdErr { message }))) => {
                let room = DIAGNOSTICS_CAP.saturating_sub(self.diagnostics.len());
                self.diagnostics
                    .extend_from_slice(&message[..message.len().min(room)]);
                Ok(true)
            }
            Ok(Some(Ok(_))) => Ok(true),
        }
    }

    fn failed(&self, what: &str) -> DockerError {
        let said = String::from_utf8_lossy(&self.diagnostics);
        let said = said.trim();
        DockerError::SlotSupervisor {
            id: self.id.clone(),
            message: if said.is_empty() {
                what.to_string()
            } else {
                format!("{what} (it said: {said})")
            },
        }
    }
}

/// Why a slot gave no reply.
pub enum SlotOutcome {
    /// Nothing within the deadline plus grace: the slot is killed, the execution timed out.
    NoAnswer,
    /// The supervisor's stream ended (killed, e.g. by the OOM killer, or crashed).
    Ended(DockerError),
    /// The stream broke the protocol or could not be written.
    Broken(DockerError),
}
