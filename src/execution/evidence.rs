//! What an execution left behind, as measured by the trusted harness and the daemon. Both
//! backends (fresh container, reuse slot) fill the same fields; only the judge turns it into a
//! verdict.
use super::result::CapturedOutput;
use serde::{Deserialize, Serialize};

/// Why the harness or crucible killed the execution; this wins over the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KillReason {
    Timeout,
    Output,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ReportState {
    #[default]
    Missing,
    TooLarge,
    Present(Vec<u8>),
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Evidence {
    /// The harness framed a complete result. Without it nothing about the run can be trusted.
    pub harness_finished: bool,
    /// The payload could not be unpacked in the container.
    pub unpack_failed: bool,
    /// Exit status of the test command (the judge's, with a split judge) as the harness saw it:
    /// 128+n when killed by signal n.
    pub exit_code: Option<i64>,
    /// What the daemon says the container exited with (default mode), for the cross-check.
    pub container_exit: Option<i64>,
    pub killed_for: Option<KillReason>,
    /// The kernel OOM killer fired during this execution (cgroup counter or daemon record).
    pub oom_killed: bool,
    pub wall_ms: u64,
    pub cpu_ms: Option<u64>,
    pub peak_memory_bytes: Option<u64>,
    pub stdout: CapturedOutput,
    pub stderr: CapturedOutput,
    pub report: ReportState,
    pub image_id: Option<String>,
    pub container_id: Option<String>,
    pub runtime: Option<String>,
}
