//! Everything one execution needs, as data: what to run, on what, under which limits, and what
//! it is judged against. Serialisable, so it can cross a wire to a remote executor.
use crate::cases::IoSpec;
use crate::limits::Limits;
use crate::payload::Payload;
use crate::testreport::ReportFormat;
use serde::{Deserialize, Serialize};

/// Bumped whenever a judging rule changes: it is part of every execution key, so a fix to the
/// judge re-runs what it could have judged differently instead of keeping stale verdicts.
pub const JUDGE_VERSION: u32 = 4;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExecutionSpec {
    pub image: String,
    /// argv of the test command, run in the working directory after the payload is unpacked.
    /// With a split judge, this is the trusted judge's command.
    pub command: Vec<String>,
    pub payload: Payload,
    pub limits: Limits,
    pub expectation: Expectation,
    /// Where the tests run apart from the candidate (see `JudgeKind::Calls`).
    pub split: Option<SplitJudge>,
    pub run_id: Option<String>,
    pub task_id: Option<String>,
}

/// The trusted-judge layout: `command` runs as the judge uid, `worker` as the candidate uid,
/// joined by two pipes; hidden payload entries are readable by the judge only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SplitJudge {
    pub worker: Vec<String>,
}

/// Where the tests run relative to the candidate's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JudgeKind {
    /// The test runner loads the candidate in its own process (pytest, go test, cargo test…).
    #[default]
    InProcess,
    /// The tests run in a trusted process; each call on the candidate crosses a process boundary.
    Calls,
}

/// What an execution is judged against. Part of the execution key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expectation {
    /// Parse the report with this function; `None`: judge by exit code alone.
    pub report: Option<ReportFormat>,
    /// The number of test cases the suite holds (0: no requirement). A report must hold exactly
    /// this many.
    pub declared_tests: u32,
    /// The test cases' names, when known: the report must name exactly these, once each.
    #[serde(default)]
    pub test_names: Vec<String>,
    /// Exit codes meaning "the tests could not run".
    pub error_exit_codes: Vec<i64>,
    #[serde(default)]
    pub judge: JudgeKind,
    /// Structured stdin/stdout cases: the harness builds once and runs each case as a fresh
    /// process; the expected outputs stay here and never enter the container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub io: Option<IoSpec>,
}
