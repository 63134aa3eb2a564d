//! One unit of work, and the record it ends in.
use super::events::ExecutionId;
use crate::execution::ExecutionResult;
use crate::store::ExecutionRecord;
use crate::task::CandidateRef;

/// One (task, candidate, repeat); the candidate's files are read only when it is dispatched.
#[derive(Debug, Clone)]
pub(crate) struct Job {
    pub task_index: usize,
    pub candidate: CandidateRef,
    pub repeat: u32,
}

/// A job being tried for the `attempt`-th time, with the key it was dispatched under (empty
/// when no spec could be built).
#[derive(Debug, Clone)]
pub(crate) struct Attempt {
    pub job: Job,
    pub attempt: u32,
    pub key: String,
}

pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl Attempt {
    pub fn first(job: Job) -> Attempt {
        Attempt {
            job,
            attempt: 1,
            key: String::new(),
        }
    }

    pub fn id(&self) -> ExecutionId {
        ExecutionId {
            task_id: self.job.candidate.task_id.clone(),
            model: self.job.candidate.model.clone(),
            sample: self.job.candidate.sample,
            repeat: self.job.repeat,
            attempt: self.attempt,
        }
    }

    pub fn record(&self, run_id: &str, r: &ExecutionResult) -> ExecutionRecord {
        execution_record(run_id, &self.id(), &self.key, r)
    }
}

/// The record one attempt ends in (a run's scheduler and a queue worker both write these).
pub(crate) fn execution_record(
    run_id: &str,
    id: &ExecutionId,
    key: &str,
    r: &ExecutionResult,
) -> ExecutionRecord {
    ExecutionRecord {
        run_id: run_id.into(),
        task_id: id.task_id.clone(),
        model: id.model.clone(),
        sample: id.sample,
        repeat: id.repeat,
        attempt: id.attempt,
        key: key.into(),
        verdict: r.verdict,
        reason: r.reason.clone(),
        exit_code: r.exit_code,
        signal: r.signal,
        wall_ms: r.wall_ms,
        cpu_ms: r.cpu_ms,
        peak_memory_bytes: r.peak_memory_bytes,
        stdout: r.stdout.text.clone(),
        stderr: r.stderr.text.clone(),
        output_truncated: r.stdout.truncated || r.stderr.truncated,
        image_id: r.image_id.clone(),
        payload_sha256: r.payload_sha256.clone(),
        finished_at_ms: now_ms(),
        tests: r.tests.clone(),
    }
}
