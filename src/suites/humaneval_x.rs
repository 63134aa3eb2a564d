//! HumanEval-X (Python, C++, Java, JavaScript, Go, Rust) → crucible tasks.
//!
//! Every problem runs `prompt + completion + test` as one program built by the language's
//! toolchain, as HumanEval-X's harness (CodeGeeX `execution.py` / `process_humaneval_test`) does.
//! The candidate file is always prompt + completion (the task's completion prefix is the prompt);
//! the test command rebuilds the suite's one program around it:
//!
//! | lang   | candidate          | how it runs                                                        |
//! |--------|--------------------|--------------------------------------------------------------------|
//! | python | `solution.py`      | `calls.py` script mode: helper imports (`prelude.py`, both processes), then the test in the judge calling the candidate's process |
//! | cpp    | `solution.cpp`     | `tests/main.cpp` = missing helper headers + `#include` + test; g++ -std=c++11, exit code |
//! | java   | `Solution.java`    | candidate + "\n" + test as `Main.java`; javac; `java Main` exit code |
//! | js     | `solution.js`      | `tests/run.js`: candidate + "\n" + test as one module; any output fails |
//! | go     | `solution.go`      | `tests/assemble_go.awk` builds `run/main_test.go`; `go test -json` |
//! | rust   | `src/solution.rs`  | `src/main.rs` includes the candidate and the test; `tests/run_rust.sh`: `rustc --test` with the image's pre-built rand/regex/md5 |
use super::runners::{
    EXIT_CODE_RUNNER, GO_ASSEMBLER, JudgeKind, NODE_RUNNER, PythonProblem, RUST_RUNNER,
};
use super::rust_source::count_active_tests;
use super::task_out::{CandidateToml, ImportedTask, LimitsToml, TaskToml, dir_name_for};
use crate::task::Language;
use crate::testreport::ReportFormat;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize)]
pub struct HumanEvalXRecord {
    pub task_id: String,
    pub prompt: String,
    #[serde(default)]
    pub declaration: String,
    pub canonical_solution: String,
    pub test: String,
    /// Go only: the prompt's import block, which the harness removes.
    #[serde(default)]
    pub import: String,
    /// Go only: `package main` and the test's imports.
    #[serde(default)]
    pub test_setup: String,
}

/// The suite's file name for a language (`humaneval_<name>.jsonl.gz`).
pub fn suite_name(language: Language) -> &'static str {
    match language {
        Language::Python => "python",
        Language::Cpp => "cpp",
        Language::Java => "java",
        Language::Node => "js",
        Language::Go => "go",
        Language::Rust => "rust",
        // HumanEval-X has no C#: `to_task` refuses it.
        Language::CSharp => "csharp",
    }
}

/// The task-id prefix the suite uses for a language (`CPP/0`, `JavaScript/12`, ...).
fn id_prefix(language: Language) -> &'static str {
    match language {
        Language::Python => "Python",
        Language::Cpp => "CPP",
        Language::Java => "Java",
        Language::Node => "JavaScript",
        Language::Go => "Go",
        Language::Rust => "Rust",
        Language::CSharp => "CSharp",
    }
}

/// Headers the harness puts before a C++ program when the prompt does not include them.
const CPP_HELPER_HEADERS: &[&str] = &[
    "#include<stdlib.h>",
    "#include<algorithm>",
    "#include<math.h>",
    "#include<stdio.h>",
    "#include<vector>",
    "#include<string>",
    "#include<climits>",
    "#include<cstring>",
    "#include<iostream>",
];

/// Imports the harness puts before every Python program. numpy is not in crucible's image, so
/// its imports are attempted, not required (no reference solution uses numpy).
const PYTHON_PRELUDE: &str = "\
# Imports HumanEval-X's harness puts before every Python program.
import math
import re
import sys
import copy
import datetime
import itertools
import collections
import heapq
import statistics
import functools
import hashlib
try:
    import numpy
    import numpy as np
except ImportError:
    pass
import string
from typing import *
from collections import *
";

/// Cargo manifest of the Rust harness: the crates the suite's declarations `use`, at the versions
/// the suite's own harness declares (its tests call rand 0.4's `gen_range(low, high)`). Not used
/// by the test command (which calls rustc against the image's pre-built crates); it lets
/// `cargo test` run the task by hand.
const RUST_CARGO_TOML: &str = "\
[package]
name = \"task\"
version = \"0.1.0\"
edition = \"2021\"

[dependencies]
rand = \"0.4\"
regex = \"1\"
md5 = \"0.7\"
";

/// The Rust harness puts `fn main(){}` before the program; the candidate and the suite's test
/// module are included here so they share one crate root, as in the suite's single file.
const RUST_MAIN: &str = "\
// crucible harness for HumanEval-X Rust: the suite runs `fn main(){}` + declaration + prompt +
// completion + test as one file. The candidate (src/solution.rs) is declaration + prompt +
// completion; the test module is the suite's test.
fn main() {}
include!(\"solution.rs\");
include!(\"suite_test.rs\");
";

/// Appended to [`RUST_MAIN`] when the suite's test module has no active test (Rust/32's is
/// commented out): the suite's harness passes such a program when it builds and `cargo test`
/// exits 0, and this one case says exactly that, so crucible has a test case to count.
const RUST_BUILD_CHECK: &str = "
// crucible: the suite's test for this problem is commented out; its harness passes a program
// that builds and whose (empty) test run succeeds.
#[cfg(test)]
mod crucible_build_check {
    #[test]
    fn suite_has_no_active_test_program_builds() {}
}
";

/// Assemble the suite's one test file, then `go test -json`. A program that does not build gives
/// no test events (go 1.19 prints `[setup failed]` as plain text and exits 1): exit 2, the go
/// runner's "could not run" code, so it is an `error` and not a failed test.
const GO_TEST_COMMAND: &str = "\
{ mkdir -p run && awk -f tests/assemble_go.awk > run/main_test.go; } || exit 2
go test -json ./run > \"$CRUCIBLE_REPORT\"
rc=$?
if [ $rc -ne 0 ] && ! grep -q '\"Test\"' \"$CRUCIBLE_REPORT\"; then exit 2; fi
exit $rc";

/// Container time limits: compiled languages need time to compile each problem.
fn timeout(language: Language) -> &'static str {
    match language {
        Language::Python | Language::Node => "5s",
        Language::Cpp | Language::Go | Language::CSharp => "30s",
        Language::Java => "30s",
        // One rustc invocation against pre-built crates: a few seconds, more on a busy machine.
        Language::Rust => "60s",
    }
}

/// `judge` applies to Python; the other languages run their compiled test program as before.
pub fn to_task(
    language: Language,
    rec: &HumanEvalXRecord,
    judge: JudgeKind,
) -> Result<ImportedTask, String> {
    if !language.runs_unit_tests() {
        return Err(format!("HumanEval-X has no {} problems", language.as_str()));
    }
    let expected = format!("{}/", id_prefix(language));
    if !rec.task_id.starts_with(&expected) {
        return Err(format!(
            "task_id `{}` is not a HumanEval-X {} problem (expected `{expected}<n>`)",
            rec.task_id,
            suite_name(language)
        ));
    }
    let id = rec.task_id.clone();
    let mut files = BTreeMap::new();
    let mut reference = BTreeMap::new();
    let mut test_cases = 1;
    let mut judge_table = None;
    let (candidate, prefix, test_command, report): (&str, &str, Option<String>, ReportFormat) =
        match language {
            Language::Python => {
                let problem = PythonProblem {
                    prelude: Some(PYTHON_PRELUDE.into()),
                    setup: None,
                    cases: vec![(id.clone(), "tests/test.py".into(), rec.test.clone())],
                    entry_points: Vec::new(),
                };
                let judging = problem.add_files(judge, &mut files);
                judge_table = judging.judge;
                (
                    "solution.py",
                    "prompt.py",
                    judging.test_command,
                    ReportFormat::Simple,
                )
            }
            Language::Cpp => {
                let mut main = String::from(
                    "// crucible harness: the suite's extra headers, the candidate, the suite's test.\n",
                );
                for header in CPP_HELPER_HEADERS {
                    if !rec.prompt.contains(header) {
                        main.push_str(header);
                        main.push('\n');
                    }
                }
                main.push_str("#include \"../solution.cpp\"\n");
                main.push_str(&rec.test);
                files.insert("tests/main.cpp".into(), main);
                files.insert("tests/run_program.sh".into(), EXIT_CODE_RUNNER.into());
                (
                    "solution.cpp",
                    "prompt.cpp",
                    Some(format!("sh tests/run_program.sh cpp {id}")),
                    ReportFormat::Simple,
                )
            }
            Language::Java => {
                files.insert("tests/Main.java".into(), rec.test.clone());
                files.insert("tests/run_program.sh".into(), EXIT_CODE_RUNNER.into());
                (
                    "Solution.java",
                    "prompt.java",
                    Some(format!("sh tests/run_program.sh java {id}")),
                    ReportFormat::Simple,
                )
            }
            Language::Node => {
                files.insert("tests/test.js".into(), rec.test.clone());
                files.insert("tests/run.js".into(), NODE_RUNNER.into());
                (
                    "solution.js",
                    "prompt.js",
                    Some(format!("node tests/run.js {id} solution.js tests/test.js")),
                    ReportFormat::Simple,
                )
            }
            Language::Go => {
                if !rec.test_setup.contains("package main") {
                    return Err("test_setup has no `package main` clause".into());
                }
                test_cases = count_at_line_start(&rec.test, "func Test").max(1);
                files.insert("go.mod".into(), "module task\n\ngo 1.19\n".into());
                files.insert("tests/import.go.txt".into(), rec.import.clone());
                files.insert("tests/test_setup.go.txt".into(), rec.test_setup.clone());
                files.insert("tests/test.go.txt".into(), rec.test.clone());
                files.insert("tests/assemble_go.awk".into(), GO_ASSEMBLER.into());
                (
                    "solution.go",
                    "prompt.go",
                    Some(GO_TEST_COMMAND.into()),
                    ReportFormat::GoTestJson,
                )
            }
            Language::Rust => {
                let active = count_active_tests(&rec.test);
                let mut main = String::from(RUST_MAIN);
                if active == 0 {
                    main.push_str(RUST_BUILD_CHECK);
                }
                test_cases = active.max(1);
                files.insert("Cargo.toml".into(), RUST_CARGO_TOML.into());
                files.insert("src/main.rs".into(), main);
                files.insert("src/suite_test.rs".into(), rec.test.clone());
                files.insert("tests/run_rust.sh".into(), RUST_RUNNER.into());
                (
                    "src/solution.rs",
                    "prompt.rs",
                    Some("sh tests/run_rust.sh".into()),
                    ReportFormat::Libtest,
                )
            }
            Language::CSharp => return Err("HumanEval-X has no csharp problems".into()),
        };
    // Rust's prompt is only the doc comment: the harness puts the declaration (uses + signature)
    // before it, and the completion follows both.
    let prefix_text = if language == Language::Rust {
        format!("{}{}", rec.declaration, rec.prompt)
    } else {
        rec.prompt.clone()
    };
    reference.insert(
        candidate.to_string(),
        format!("{prefix_text}{}", rec.canonical_solution),
    );
    files.insert(prefix.to_string(), prefix_text);
    let lang = suite_name(language);
    Ok(ImportedTask {
        dir_name: dir_name_for(&id),
        toml: TaskToml {
            title: format!("{id} (HumanEval-X {lang})"),
            id,
            language: language.as_str().into(),
            price_usd: 0.0,
            description: rec.prompt.clone(),
            test_cases,
            test_command,
            report: Some(report),
            tags: vec!["humaneval-x".into(), lang.into()],
            candidate: CandidateToml {
                files: vec![candidate.into()],
                completion_prefix: Some(prefix.into()),
            },
            limits: LimitsToml {
                timeout: timeout(language).into(),
            },
            judge: judge_table,
        },
        files,
        reference,
    })
}

fn count_at_line_start(text: &str, needle: &str) -> u32 {
    text.lines()
        .filter(|l| l.trim_start().starts_with(needle))
        .count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_prelude_is_visible_to_both_processes_in_calls_mode() {
        let rec = HumanEvalXRecord {
            task_id: "Python/0".into(),
            prompt: "def f(x):\n".into(),
            declaration: String::new(),
            canonical_solution: "    return x\n".into(),
            test: "def check(f):\n    assert f(1) == 1\ncheck(f)\n".into(),
            import: String::new(),
            test_setup: String::new(),
        };
        let task = to_task(Language::Python, &rec, JudgeKind::Calls).unwrap();
        assert!(task.files.contains_key("prelude.py"));
        assert!(task.files.contains_key("tests/test.py"));
        let spec: serde_json::Value = serde_json::from_str(&task.files["calls.json"]).unwrap();
        assert_eq!(spec["prelude"], "prelude.py");
        assert_eq!(task.toml.judge.as_ref().unwrap().hidden, ["tests/"]);
        let old = to_task(Language::Python, &rec, JudgeKind::InProcess).unwrap();
        assert!(old.files.contains_key("tests/prelude.py"));
        assert!(old.toml.judge.is_none());
        // Other languages have no judge table either way.
        let mut cpp = rec.clone();
        cpp.task_id = "CPP/0".into();
        assert!(
            to_task(Language::Cpp, &cpp, JudgeKind::Calls)
                .unwrap()
                .toml
                .judge
                .is_none()
        );
    }
}
