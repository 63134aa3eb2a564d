//! The small runner programs the imported tasks ship (as task files) and the Python case spec.
use serde::Serialize;

/// Python runner: runs prelude, candidate, setup and cases in one namespace, writes a simple report.
pub const PYTHON_RUNNER: &str = include_str!("runners/run.py");
/// Node runner for HumanEval-X JavaScript (any output counts as a failure, as in the suite).
pub const NODE_RUNNER: &str = include_str!("runners/run.js");
/// awk program that assembles the one Go test file the way HumanEval-X's harness does.
pub const GO_ASSEMBLER: &str = include_str!("runners/assemble_go.awk");
/// Shell runner for compiled programs whose exit code is the verdict (HumanEval-X C++ and Java).
pub const EXIT_CODE_RUNNER: &str = include_str!("runners/run_program.sh");
/// Shell runner for HumanEval-X Rust: one `rustc --test` against the image's pre-built crates.
pub const RUST_RUNNER: &str = include_str!("runners/run_rust.sh");

pub const PYTHON_RUNNER_PATH: &str = "tests/run.py";
pub const PYTHON_SPEC_PATH: &str = "tests/cases.json";
pub const PYTHON_TEST_COMMAND: &str = "python3 tests/run.py tests/cases.json";

/// `tests/cases.json`, read by [`PYTHON_RUNNER`].
#[derive(Debug, Clone, Serialize)]
pub struct PythonSpec {
    /// Name of the module the candidate runs as (not `__main__`, as in HumanEval's `exec`).
    pub module: String,
    pub prelude: Option<String>,
    pub candidate: String,
    pub setup: Option<String>,
    pub cases: Vec<PythonCase>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PythonCase {
    pub name: String,
    pub file: String,
}

impl PythonSpec {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a spec of strings serialises") + "\n"
    }
}

/// A Python identifier (entry points are pasted into test code, so they must be one).
pub fn is_python_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}
