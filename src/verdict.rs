//! The one verdict an execution ends with.
use serde::{Deserialize, Serialize};
use std::fmt;

/// What happened to one execution of a candidate against its tests.
///
/// Only `Passed` is a success. `InfraError` is the only verdict that says
/// nothing about the candidate: the scheduler retries it, reports count it apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The tests ran and all of them passed.
    Passed,
    /// The tests ran and at least one failed.
    Failed,
    /// The tests could not run: syntax error, import error, missing runner, no report.
    Error,
    /// The wall-clock limit was reached; the whole container was killed.
    Timeout,
    /// The kernel's OOM killer fired inside the container (from the daemon's record).
    MemoryLimit,
    /// stdout/stderr went past the output cap; the container was killed.
    OutputLimit,
    /// The payload or task was refused before any container existed.
    InvalidInput,
    /// Docker or crucible failed (daemon unreachable, image missing, API error). Retryable.
    InfraError,
    /// The run was stopped (Ctrl-C / SIGTERM) while this execution was in flight.
    Interrupted,
}

impl Verdict {
    pub const ALL: [Verdict; 9] = [
        Verdict::Passed,
        Verdict::Failed,
        Verdict::Error,
        Verdict::Timeout,
        Verdict::MemoryLimit,
        Verdict::OutputLimit,
        Verdict::InvalidInput,
        Verdict::InfraError,
        Verdict::Interrupted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Passed => "passed",
            Verdict::Failed => "failed",
            Verdict::Error => "error",
            Verdict::Timeout => "timeout",
            Verdict::MemoryLimit => "memory_limit",
            Verdict::OutputLimit => "output_limit",
            Verdict::InvalidInput => "invalid_input",
            Verdict::InfraError => "infra_error",
            Verdict::Interrupted => "interrupted",
        }
    }

    pub fn parse(s: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// A verdict that judges the candidate (as opposed to the infrastructure or the user).
    pub fn is_judgement(self) -> bool {
        !matches!(self, Verdict::InfraError | Verdict::Interrupted)
    }

    /// Exit code of `crucible exec` for this verdict (documented in the README).
    pub fn exit_code(self) -> i32 {
        match self {
            Verdict::Passed => 0,
            Verdict::Failed => 1,
            Verdict::Error => 2,
            Verdict::Timeout => 3,
            Verdict::MemoryLimit => 4,
            Verdict::OutputLimit => 5,
            Verdict::InvalidInput => 6,
            Verdict::InfraError => 7,
            Verdict::Interrupted => 130,
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
