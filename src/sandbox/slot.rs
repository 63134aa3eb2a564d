//! A connection to one harness container over its attach stream: requests in, replies out.
//! The fresh backend uses a slot once; the reuse backend keeps it for many executions, so an
//! execution there costs no Docker API call at all.
use super::harness::REPORT_PATH;
use super::harness_protocol::{self, READY, Reply};
use crate::cases::{CaseRun, CaseVerdict, CasesEvidence, judge_case};
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
    /// The case frames of the execution in flight, kept when it gets no reply.
    cases: Vec<CaseRun>,
    /// Plain `python3` commands may run through the harness's Python forkserver (reuse slots).
    forkserver: bool,
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
            cases: Vec::new(),
            forkserver: false,
        }
    }

    /// Let the harness run plain `python3` commands (in-process, no split judge) through its
    /// Python forkserver: a reuse slot's, which serves many executions (docs/reuse-mode.md).
    pub fn use_forkserver(&mut self, on: bool) {
        self.forkserver = on;
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
    /// it has started). `Err`: no reply; the caller judges from the outcome (and the cases that
    /// did report, `take_cases`) and retires the slot.
    pub async fn execute(&mut self, spec: &ExecutionSpec) -> Result<Reply, SlotOutcome> {
        let deadline = Instant::now() + spec.limits.timeout + ANSWER_GRACE;
        let payload = spec.payload.bytes();
        let io = spec.expectation.io.as_ref();
        self.cases.clear();
        let (request, plan) = match io {
            Some(io) => {
                let plan = harness_protocol::plan(io);
                let request = harness_protocol::cases_request(
                    payload.len(),
                    spec.limits.timeout.as_millis(),
                    spec.limits.output_bytes,
                    &plan,
                    io.stop_at_first_failure,
                );
                (request, plan)
            }
            None => {
                let python = if self.forkserver && spec.split.is_none() {
                    harness_protocol::python_command(&spec.command, REPORT_PATH)
                } else {
                    None
                };
                let request = harness_protocol::request(
                    payload.len(),
                    spec.limits.timeout.as_millis(),
                    spec.limits.output_bytes,
                    &spec.command,
                    spec.split.as_ref().map(|s| s.worker.as_slice()),
                    python.as_deref(),
                );
                (request, Vec::new())
            }
        };
        let send = async {
            self.input.write_all(&request).await?;
            self.input.write_all(payload).await?;
            self.input.write_all(&plan).await?;
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
                if let Some(io) = io {
                    let files_cap = io.cases.iter().map(|c| c.expected_files.len()).max();
                    let case = harness_protocol::take_case(
                        &mut self.stdout,
                        spec.limits.output_bytes,
                        files_cap.unwrap_or(0),
                    );
                    match case {
                        Ok(Some(run)) => {
                            self.case_reported(io, run, deadline).await?;
                            continue;
                        }
                        Ok(None) => {}
                        Err(e) => return Err(SlotOutcome::Broken(self.failed(&e))),
                    }
                }
                // A case frame not all here yet.
                let partial_case = io.is_some() && self.stdout.starts_with(b"CASE ");
                let reply = if partial_case {
                    Ok(None)
                } else {
                    harness_protocol::take_reply(&mut self.stdout, spec.limits.output_bytes)
                };
                match reply {
                    Ok(Some(mut reply)) => {
                        if io.is_some() {
                            reply.cases = Some(std::mem::take(&mut self.cases));
                        }
                        return Ok(reply);
                    }
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

    /// Keep one case's frame; with stop-at-first-failure, tell the harness whether to go on
    /// (it cannot tell a wrong answer: the expected output is not there).
    async fn case_reported(
        &mut self,
        io: &crate::cases::IoSpec,
        run: CaseRun,
        deadline: Instant,
    ) -> Result<(), SlotOutcome> {
        let Some(case) = io.cases.get(self.cases.len()) else {
            return Err(SlotOutcome::Broken(
                self.failed("its harness reported more cases than were sent"),
            ));
        };
        // A case the custom checker has yet to judge (`not_run` here) does not stop the rest.
        let passed = matches!(
            judge_case(case, &io.compare, &run, None).0,
            CaseVerdict::Passed | CaseVerdict::NotRun
        );
        self.cases.push(run);
        if io.stop_at_first_failure {
            let answer: &[u8] = if passed { b"GO\n" } else { b"STOP\n" };
            let sent = async {
                self.input.write_all(answer).await?;
                self.input.flush().await
            };
            match tokio::time::timeout_at(deadline, sent).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    return Err(SlotOutcome::Broken(self.failed(&format!("send: {e}"))));
                }
                Err(_) => return Err(SlotOutcome::NoAnswer),
            }
        }
        Ok(())
    }

    /// The per-case results that arrived before an I/O execution got no reply (it timed out or
    /// its harness was killed): they stand.
    pub fn partial_cases(&mut self, spec: &ExecutionSpec) -> Option<CasesEvidence> {
        spec.expectation.io.as_ref().map(|_| CasesEvidence {
            build_failed: false,
            runs: std::mem::take(&mut self.cases),
            checker: None,
        })
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
