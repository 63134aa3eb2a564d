//! The rows the result store keeps. A run writes them; reports read them.
use crate::testreport::TestCase;
use crate::verdict::Verdict;
use serde::{Deserialize, Serialize};

/// One `crucible run` invocation (resumed runs keep their id).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RunRecord {
    pub run_id: String,
    /// The run's configuration as JSON (tasks dir, candidates file, concurrency, runtime, …).
    pub config_json: String,
    pub started_at_ms: i64,
    pub finished_at_ms: Option<i64>,
    pub crucible_version: String,
    pub host: String,
}

/// A task as it was when the run saw it (reports need price and declared test count).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TaskRecord {
    pub run_id: String,
    pub task_id: String,
    pub title: String,
    pub language: String,
    pub price_usd: f64,
    pub test_cases: u32,
}

/// One attempt of one execution: (task, model, sample, repeat) run once in a container.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ExecutionRecord {
    pub run_id: String,
    pub task_id: String,
    pub model: String,
    /// Sample index for pass@k (0-based).
    pub sample: u32,
    /// Repeat index for flakiness measurement (0-based; 0 unless --repeat).
    pub repeat: u32,
    /// Attempt number (1-based); infra errors are retried with a new attempt.
    pub attempt: u32,
    /// The execution key (see `crate::run::execution_key`): what makes two executions the same.
    pub key: String,
    pub verdict: Verdict,
    pub reason: String,
    pub exit_code: Option<i64>,
    pub signal: Option<i32>,
    pub wall_ms: u64,
    pub cpu_ms: Option<u64>,
    pub peak_memory_bytes: Option<u64>,
    pub stdout: String,
    pub stderr: String,
    pub output_truncated: bool,
    pub image_id: Option<String>,
    pub payload_sha256: Option<String>,
    pub finished_at_ms: i64,
    pub tests: Vec<TestCase>,
}
