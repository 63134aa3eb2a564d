//! Feeding the payload into a fresh container and reading bounded output out under the
//! wall-clock limit. (Reuse mode's slot supervisors enforce both themselves, see `slot`.)
use super::entrypoint::REPORT_CAP;
use super::judge::KillReason;
use super::output::BoundedBuffer;
use super::payload::Payload;
use crate::docker::container::OutputStream;
use crate::limits::Limits;
use bollard::container::LogOutput;
use futures_util::StreamExt;
use std::pin::Pin;
use std::time::Instant;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::task::JoinHandle;

pub struct Streamed {
    /// The candidate's stdout, then the entrypoint's report and trailer.
    pub stdout: BoundedBuffer,
    pub stderr: BoundedBuffer,
    /// Set when a cap or the deadline was passed: the caller must kill what runs.
    pub killed_for: Option<KillReason>,
    pub started: Instant,
    /// The payload writer; its error matters only when nothing else went wrong.
    pub writer: JoinHandle<std::io::Result<()>>,
}

/// Write the payload to `input` (then close it) while reading `output` until it ends, a cap is
/// passed, or the timeout. `output` is dropped before returning: the daemon cannot finish a
/// kill while its copier is blocked writing output nobody reads.
pub async fn feed_and_collect(
    mut output: OutputStream,
    mut input: Pin<Box<dyn AsyncWrite + Send>>,
    payload: &Payload,
    limits: &Limits,
) -> Streamed {
    let started = Instant::now();
    let bytes = payload.bytes().to_vec();
    let writer = tokio::spawn(async move {
        input.write_all(&bytes).await?;
        input.shutdown().await
    });
    let mut stdout = BoundedBuffer::new(limits.output_bytes + REPORT_CAP + 4096);
    let mut stderr = BoundedBuffer::new(limits.output_bytes);
    let deadline = tokio::time::Instant::from_std(started + limits.timeout);
    let killed_for = tokio::select! {
        over = collect(&mut output, &mut stdout, &mut stderr) => over.then_some(KillReason::Output),
        _ = tokio::time::sleep_until(deadline) => Some(KillReason::Timeout),
    };
    drop(output);
    Streamed {
        stdout,
        stderr,
        killed_for,
        started,
        writer,
    }
}

/// Read the stream into the two buffers until it ends; `true` when a cap was passed.
async fn collect(
    output: &mut OutputStream,
    stdout: &mut BoundedBuffer,
    stderr: &mut BoundedBuffer,
) -> bool {
    while let Some(item) = output.next().await {
        match item {
            Ok(LogOutput::StdOut { message }) | Ok(LogOutput::Console { message }) => {
                stdout.push(&message)
            }
            Ok(LogOutput::StdErr { message }) => stderr.push(&message),
            Ok(LogOutput::StdIn { .. }) => {}
            Err(e) => {
                tracing::debug!("output stream ended: {e}");
                break;
            }
        }
        if stdout.over() || stderr.over() {
            return true;
        }
    }
    false
}
