//! Structured stdin/stdout test cases (competitive-programming sets, priced I/O tasks): what a
//! case is, how its output is compared, and what the harness measured of one case. The expected
//! outputs live here and in the execution spec only, never in the container: the harness runs
//! each case and returns what it saw, and crucible compares (docs/security.md).
mod check;
mod files;
mod load;
mod outcome;

pub use check::{check_stdout, first_difference};
pub use files::check_file;
pub use load::{CaseError, LoadedCase, load_cases};
pub use outcome::{CaseVerdict, checker_failure, judge_case};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How a case's stdout is compared with its accepted outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Checker {
    /// Byte for byte.
    Exact,
    /// Line by line, trailing whitespace of each line and trailing blank lines ignored.
    #[default]
    Lines,
    /// Whitespace-separated tokens.
    Tokens,
    /// ExecEval's convention: equal stripped lines, else tokens with numbers within tolerance.
    Numbers,
    /// stdout is one JSON value, compared as values (numbers within tolerance, integers
    /// exactly); what function-call cases print.
    Json,
    /// The task's own checker program (`IoSpec::custom_checker`) decides.
    Custom,
}

/// How an expected output file is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileFormat {
    /// As the `lines` checker.
    #[default]
    Text,
    /// Cell by cell, numeric cells within tolerance.
    Csv,
    /// As JSON values, numbers within tolerance.
    Json,
}

/// The comparison settings of a task (a case may choose another checker).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Compare {
    pub checker: Checker,
    pub abs_tol: f64,
    pub rel_tol: f64,
    /// Non-numeric tokens compared ignoring case (`tokens`, `numbers`, CSV cells).
    pub case_insensitive: bool,
}

// Tolerances are checked finite when a task is loaded.
impl Eq for Compare {}

/// ExecEval's defaults.
pub const DEFAULT_TOLERANCE: f64 = 1e-9;

impl Default for Compare {
    fn default() -> Self {
        Compare {
            checker: Checker::Lines,
            abs_tol: DEFAULT_TOLERANCE,
            rel_tol: DEFAULT_TOLERANCE,
            case_insensitive: false,
        }
    }
}

/// What the harness is asked to do, and what each case is judged against. Part of the
/// execution's `Expectation`, hence of what the execution key must cover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IoSpec {
    /// argv of the build, run once as the candidate before any case; its failure is `error`.
    pub build: Option<Vec<String>>,
    /// argv of one case's process; the case's args are appended.
    pub run: Vec<String>,
    pub stop_at_first_failure: bool,
    pub compare: Compare,
    pub cases: Vec<CaseSpec>,
    /// The program that judges the cases whose checker is `custom`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_checker: Option<CustomChecker>,
}

/// A task's own checker program, testlib's convention: `<run> input output answer` (the case's
/// stdin, the candidate's stdout, the first accepted output), run in an execution of its own
/// after the candidate's, so that nothing of the candidate's can reach it. Exit 0 accepts, 1 or
/// 2 rejects (the first line of its stderr, else stdout, says why); any other ending means the
/// checker failed, and the execution is an `error`, never a pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomChecker {
    pub image: String,
    /// Its files (source, data), by path in its working directory.
    pub files: BTreeMap<String, String>,
    pub build: Option<Vec<String>>,
    /// argv; the three paths are appended.
    pub run: Vec<String>,
    /// Per checked case.
    pub timeout_ms: u64,
}

/// What the checker's own execution left behind.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CheckerEvidence {
    /// Why it could not judge every case it was given (its build failed, it was cut short…).
    pub failure: Option<String>,
    /// Its run of each case it judged: (index of the case in the spec, the run).
    pub runs: Vec<(usize, CaseRun)>,
}
/// One case as the spec carries it: its inputs are payload files, its expectations stay here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseSpec {
    pub name: String,
    /// Payload path of the file the case reads as stdin.
    pub stdin: String,
    #[serde(default)]
    pub args: Vec<String>,
    /// Input files: (path in the working directory, payload path of its content).
    #[serde(default)]
    pub inputs: Vec<(String, String)>,
    pub timeout_ms: u64,
    /// Accepted outputs (any one passes); empty: stdout is not judged.
    #[serde(default)]
    pub expected_stdout: Vec<String>,
    /// Output files the case must write, by path in the working directory.
    #[serde(default)]
    pub expected_files: BTreeMap<String, ExpectedFile>,
    /// This case's checker, when not the task's.
    #[serde(default)]
    pub checker: Option<Checker>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpectedFile {
    pub text: String,
    pub format: FileFormat,
}

/// Why the harness stopped one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseKill {
    Timeout,
    Output,
}

/// A declared output file as the harness found it after the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutputFile {
    Missing,
    TooLarge,
    Present(String),
}

/// What the harness measured of one case (a fresh process tree, swept afterwards).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CaseRun {
    /// 128+n when killed by signal n.
    pub exit_code: Option<i64>,
    pub wall_ms: u64,
    pub killed_for: Option<CaseKill>,
    /// The kernel OOM killer fired while this case ran.
    pub oom_killed: bool,
    pub stdout: String,
    pub stdout_total: u64,
    pub stderr: String,
    pub stderr_total: u64,
    #[serde(default)]
    pub files: BTreeMap<String, OutputFile>,
}

/// What the harness measured of an I/O execution beyond the usual figures (the build's are the
/// execution's exit code and output).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CasesEvidence {
    /// The build command ran and did not succeed.
    pub build_failed: bool,
    /// One per case that ran, in order; cases after them did not run.
    pub runs: Vec<CaseRun>,
    /// The custom checker's verdicts on the cases that need them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checker: Option<CheckerEvidence>,
}
