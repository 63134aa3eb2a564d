//! A connection to one harness container over its attach stream: requests in, replies out.
//! The fresh backend uses a slot once; the reuse backend keeps it for many executions, so an
//! execution there costs no Docker API call at all.
use super::harness_protocol::{self, READY, Reply};
use crate::docker::DockerError;
use crate::docker::container::{Attached, Chunk, OutputStream};
use crate::execution::ExecutionSpec;
use futures_util::StreamExt;
use std::pin::Pin;
use std::time::Duration;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::time::Instant;

/// The harness answers by itself at the deadline; this is only for one that hangs.
pub const ANSWER_GRACE: Duration = Duration::from_secs(10);
/// What the harness said on stderr, kept for error messages.
const DIAGNOSTICS_CAP: usize = 4096;

pub struct Slot {
    pub id: String,
    input: Pin<Box<dyn AsyncWrite + Send>>,
    output: OutputStream,
    stdout: Vec<u8>,
    diagnostics: Vec<u8>,
    ready: bool,
}

/// Why a slot gave no reply.
pub enum SlotOutcome {
    /// Nothing within the deadline plus grace: the container is killed, the execution timed out.
    NoAnswer,
    /// The harness's stream ended (killed, e.g. by the OOM killer, or crashed).
    Ended(DockerError),
    /// The stream broke the protocol or could not be written.
    Broken(DockerError),
}

impl Slot {
    pub fn new(id: String, attached: Attached) -> Slot {
        Slot {
            id,
            input: attached.input,
            output: attached.output,
            stdout: Vec::new(),
            diagnostics: Vec::new(),
            ready: false,
        }
    }

    /// Wait until the harness says it runs (a new reuse slot, before it joins the pool).
    pub async fn wait_ready(&mut self, timeout: Duration) -> Result<(), DockerError> {
        let deadline = Instant::now() + timeout;
        while !self.take_ready()? {
            if !self.read_more(deadline).await? {
                return Err(self.failed(
                    "its harness did not start; the image needs perl (perl-base) and tar, as \
                     every Debian-based image has",
                ));
            }
        }
        Ok(())
    }

    /// Consume the harness's READY line once it has arrived; `Err` when something else came.
    fn take_ready(&mut self) -> Result<bool, DockerError> {
        if self.ready {
            return Ok(true);
        }
        if self.stdout.len() < READY.len() {
            return if READY.starts_with(&self.stdout) {
                Ok(false)
            } else {
                Err(self.failed("its harness said something other than READY"))
            };
        }
        if !self.stdout.starts_with(READY) {
            return Err(self.failed("its harness said something other than READY"));
        }
        self.stdout.drain(..READY.len());
        self.ready = true;
        Ok(true)
    }

    /// Run one execution. The request is sent at once (a fresh container's harness reads it when
    /// it has started). `Err`: no reply; the caller judges from the outcome and retires the slot.
    pub async fn execute(&mut self, spec: &ExecutionSpec) -> Result<Reply, SlotOutcome> {
        let deadline = Instant::now() + spec.limits.timeout + ANSWER_GRACE;
        let payload = spec.payload.bytes();
        let request = harness_protocol::request(
            payload.len(),
            spec.limits.timeout.as_millis(),
            spec.limits.output_bytes,
            &spec.command,
            spec.split.as_ref().map(|s| s.worker.as_slice()),
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
            let ready = match self.take_ready() {
                Ok(ready) => ready,
                Err(e) => return Err(SlotOutcome::Broken(e)),
            };
            if ready {
                match harness_protocol::take_reply(&mut self.stdout, spec.limits.output_bytes) {
                    Ok(Some(reply)) => return Ok(reply),
                    Ok(None) => {}
                    Err(e) => return Err(SlotOutcome::Broken(self.failed(&e))),
                }
            }
            match self.read_more(deadline).await {
                Ok(true) => {}
                Ok(false) => return Err(SlotOutcome::Ended(self.failed("its harness ended"))),
                Err(_) => return Err(SlotOutcome::NoAnswer),
            }
        }
    }

    /// Close stdin: the harness exits once it has answered (a fresh container's end).
    pub async fn close(&mut self) {
        let _ = self.input.shutdown().await;
    }

    /// Read the next chunk; `Ok(false)` when the stream ended, `Err` at the deadline.
    async fn read_more(&mut self, deadline: Instant) -> Result<bool, DockerError> {
        let next = tokio::time::timeout_at(deadline, self.output.next()).await;
        match next {
            Err(_) => Err(self.failed("no answer before the deadline")),
            Ok(None) | Ok(Some(Err(_))) => Ok(false),
            Ok(Some(Ok(Chunk::Stdout(message)))) => {
                self.stdout.extend_from_slice(&message);
                Ok(true)
            }
            Ok(Some(Ok(Chunk::Stderr(message)))) => {
                let room = DIAGNOSTICS_CAP.saturating_sub(self.diagnostics.len());
                self.diagnostics
                    .extend_from_slice(&message[..message.len().min(room)]);
                Ok(true)
            }
        }
    }

    fn failed(&self, what: &str) -> DockerError {
        let said = String::from_utf8_lossy(&self.diagnostics);
        let said = said.trim();
        DockerError::Supervisor {
            id: self.id.clone(),
            message: if said.is_empty() {
                what.to_string()
            } else {
                format!("{what} (it said: {said})")
            },
        }
    }
}
