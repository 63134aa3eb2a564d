//! What one execution produced.
use crate::cases::CaseVerdict;
use crate::limits::Limits;
use crate::testreport::TestCase;
use crate::verdict::Verdict;
use serde::{Deserialize, Serialize};

/// Captured output of one stream: the first `cap` bytes, invalid UTF-8 replaced.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CapturedOutput {
    pub text: String,
    /// Bytes the stream really produced (may exceed what was kept).
    pub total_bytes: u64,
    pub truncated: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExecutionResult {
    pub verdict: Verdict,
    /// One sentence on why this verdict (e.g. "killed after 10s wall clock").
    pub reason: String,
    pub exit_code: Option<i64>,
    /// Signal that ended the test command, when it was killed by one.
    pub signal: Option<i32>,
    pub wall_ms: u64,
    /// CPU time of everything in the container, when the cgroup reports it.
    pub cpu_ms: Option<u64>,
    /// Peak memory of the container, when the cgroup reports it.
    pub peak_memory_bytes: Option<u64>,
    pub stdout: CapturedOutput,
    pub stderr: CapturedOutput,
    pub tests: Vec<TestCase>,
    pub image: String,
    pub image_id: Option<String>,
    pub payload_sha256: Option<String>,
    pub limits: Limits,
    pub runtime: Option<String>,
    pub container_id: Option<String>,
    /// An I/O execution's cases as they ran (outputs as the harness captured them, bounded by
    /// the output cap), in order; empty for other executions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cases: Vec<CaseResult>,
}

/// One I/O case as it ran and was judged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseResult {
    pub name: String,
    pub verdict: CaseVerdict,
    /// Why, unless it passed (a wrong answer's first difference, a crash's last stderr line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    pub exit_code: Option<i64>,
    pub signal: Option<i32>,
    pub wall_ms: u64,
    pub stdout: CapturedOutput,
    pub stderr: CapturedOutput,
}

impl ExecutionResult {
    /// A result with no container behind it (yet): refused input, interruption, or the start of
    /// an execution that fills in the rest.
    pub fn without_container(
        verdict: Verdict,
        reason: String,
        image: &str,
        limits: &Limits,
    ) -> Self {
        ExecutionResult {
            verdict,
            reason,
            exit_code: None,
            signal: None,
            wall_ms: 0,
            cpu_ms: None,
            peak_memory_bytes: None,
            stdout: CapturedOutput::default(),
            stderr: CapturedOutput::default(),
            tests: Vec::new(),
            image: image.to_string(),
            image_id: None,
            payload_sha256: None,
            limits: limits.clone(),
            runtime: None,
            container_id: None,
            cases: Vec::new(),
        }
    }

    pub fn tests_passed(&self) -> usize {
        self.tests
            .iter()
            .filter(|t| t.outcome == crate::testreport::TestOutcome::Passed)
            .count()
    }
}
