//! The small runner programs the imported tasks ship (as task files) and the Python case spec.
use super::task_out::JudgeToml;
use serde::Serialize;
use std::collections::BTreeMap;

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

/// How an imported Python problem judges its candidate: the task format's own choice.
pub use crate::execution::JudgeKind;

/// The harness spec of a `kind = "calls"` task (read by `calls.py`; visible to the candidate's
/// process too, so it names hidden files but holds no test code).
pub const CALLS_SPEC_PATH: &str = "calls.json";
/// Task files only the judge may read in a `kind = "calls"` task.
pub const CALLS_HIDDEN: &str = "tests/";

/// `calls.json` in script mode: `calls.py` runs prelude (in both processes), then setup and
/// cases in one judge namespace, as `tests/run.py` does in one process.
#[derive(Debug, Clone, Serialize)]
pub struct CallsScriptSpec {
    pub mode: &'static str,
    pub module: String,
    pub candidate: String,
    pub prelude: Option<String>,
    pub setup: Option<String>,
    pub cases: Vec<PythonCase>,
    /// Builtin names the candidate's module may define for the tests (MBPP 126's `sum`).
    pub shadow: Vec<String>,
}

/// One imported Python suite problem: its trusted code, independent of how it is judged.
#[derive(Debug, Clone)]
pub struct PythonProblem {
    /// Code both the candidate and the tests see first (HumanEval-X's imports).
    pub prelude: Option<String>,
    /// Test setup, run after the candidate (MBPP's `test_setup_code`).
    pub setup: Option<String>,
    /// (case name, file under `tests/`, code), run in order.
    pub cases: Vec<(String, String, String)>,
    /// Names the tests call that the candidate defines (builtins among them may be shadowed).
    pub entry_points: Vec<String>,
}

/// What a Python problem adds to its task: files, and the test command or judge table.
pub struct PythonJudging {
    pub test_command: Option<String>,
    pub judge: Option<JudgeToml>,
}

impl PythonProblem {
    /// Write the problem's files into `files` for the chosen judge.
    pub fn add_files(
        &self,
        judge: JudgeKind,
        files: &mut BTreeMap<String, String>,
    ) -> PythonJudging {
        for (_, file, code) in &self.cases {
            files.insert(file.clone(), code.clone());
        }
        let cases: Vec<PythonCase> = self
            .cases
            .iter()
            .map(|(name, file, _)| PythonCase {
                name: name.clone(),
                file: file.clone(),
            })
            .collect();
        let setup = self.setup.as_ref().map(|code| {
            files.insert("tests/setup.py".into(), code.clone());
            "tests/setup.py".to_string()
        });
        match judge {
            JudgeKind::Calls => {
                // The prelude runs in the candidate's process too, so it must not be hidden.
                let prelude = self.prelude.as_ref().map(|code| {
                    files.insert("prelude.py".into(), code.clone());
                    "prelude.py".to_string()
                });
                let spec = CallsScriptSpec {
                    mode: "script",
                    module: "solution".into(),
                    candidate: "solution.py".into(),
                    prelude,
                    setup,
                    cases,
                    shadow: self
                        .entry_points
                        .iter()
                        .filter(|n| PYTHON_BUILTINS.contains(&n.as_str()))
                        .cloned()
                        .collect(),
                };
                let json =
                    serde_json::to_string_pretty(&spec).expect("a spec of strings serialises");
                files.insert(CALLS_SPEC_PATH.into(), json + "\n");
                PythonJudging {
                    test_command: None,
                    judge: Some(JudgeToml {
                        kind: "calls".into(),
                        spec: CALLS_SPEC_PATH.into(),
                        hidden: vec![CALLS_HIDDEN.into()],
                    }),
                }
            }
            JudgeKind::InProcess => {
                let prelude = self.prelude.as_ref().map(|code| {
                    files.insert("tests/prelude.py".into(), code.clone());
                    "tests/prelude.py".to_string()
                });
                let spec = PythonSpec {
                    module: "solution".into(),
                    prelude,
                    candidate: "solution.py".into(),
                    setup,
                    cases,
                };
                files.insert(PYTHON_RUNNER_PATH.into(), PYTHON_RUNNER.into());
                files.insert(PYTHON_SPEC_PATH.into(), spec.to_json());
                PythonJudging {
                    test_command: Some(PYTHON_TEST_COMMAND.into()),
                    judge: None,
                }
            }
        }
    }
}

/// Python 3.11's builtin functions and types: names a candidate may only provide to the tests
/// when the suite names its function so (`shadow`).
pub const PYTHON_BUILTINS: &[&str] = &[
    "abs",
    "aiter",
    "all",
    "anext",
    "any",
    "ascii",
    "bin",
    "bool",
    "breakpoint",
    "bytearray",
    "bytes",
    "callable",
    "chr",
    "classmethod",
    "compile",
    "complex",
    "delattr",
    "dict",
    "dir",
    "divmod",
    "enumerate",
    "eval",
    "exec",
    "filter",
    "float",
    "format",
    "frozenset",
    "getattr",
    "globals",
    "hasattr",
    "hash",
    "help",
    "hex",
    "id",
    "input",
    "int",
    "isinstance",
    "issubclass",
    "iter",
    "len",
    "list",
    "locals",
    "map",
    "max",
    "memoryview",
    "min",
    "next",
    "object",
    "oct",
    "open",
    "ord",
    "pow",
    "print",
    "property",
    "range",
    "repr",
    "reversed",
    "round",
    "set",
    "setattr",
    "slice",
    "sorted",
    "staticmethod",
    "str",
    "sum",
    "super",
    "tuple",
    "type",
    "vars",
    "zip",
];

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
