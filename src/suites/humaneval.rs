//! OpenAI HumanEval → crucible tasks.
//!
//! The suite's harness runs `prompt + completion + "\n" + test + "\n" + "check(entry_point)"` as
//! one program with a 3 s limit. A task here: `prompt.py` (the completion prefix), the candidate
//! `solution.py` (= prompt + completion), `tests/test.py` (= test + `check(entry_point)`) and
//! `tests/run.py`, which runs both in one namespace so tests that use helpers defined in the
//! prompt (HumanEval/10, /32, /38, /50 ...) keep working.
use super::runners::{
    PYTHON_RUNNER, PYTHON_RUNNER_PATH, PYTHON_SPEC_PATH, PYTHON_TEST_COMMAND, PythonCase,
    PythonSpec, is_python_identifier,
};
use super::task_out::{CandidateToml, ImportedTask, LimitsToml, TaskToml, dir_name_for};
use crate::testreport::ReportFormat;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The harness allows 3 s for the program; the container limit adds 2 s for container and
/// interpreter start. A completion that sleeps 10 s still times out.
pub const TIMEOUT: &str = "5s";

#[derive(Debug, Clone, Deserialize)]
pub struct HumanEvalRecord {
    pub task_id: String,
    pub prompt: String,
    pub canonical_solution: String,
    pub test: String,
    pub entry_point: String,
}

pub fn to_task(rec: &HumanEvalRecord) -> Result<ImportedTask, String> {
    if !is_python_identifier(&rec.entry_point) {
        return Err(format!(
            "entry_point `{}` is not a Python identifier",
            rec.entry_point
        ));
    }
    let spec = PythonSpec {
        module: "solution".into(),
        prelude: None,
        candidate: "solution.py".into(),
        setup: None,
        cases: vec![PythonCase {
            name: rec.task_id.clone(),
            file: "tests/test.py".into(),
        }],
    };
    let mut files = BTreeMap::new();
    files.insert("prompt.py".to_string(), rec.prompt.clone());
    files.insert(
        "tests/test.py".to_string(),
        format!("{}\ncheck({})\n", rec.test, rec.entry_point),
    );
    files.insert(PYTHON_RUNNER_PATH.to_string(), PYTHON_RUNNER.to_string());
    files.insert(PYTHON_SPEC_PATH.to_string(), spec.to_json());
    let mut reference = BTreeMap::new();
    reference.insert(
        "solution.py".to_string(),
        format!("{}{}", rec.prompt, rec.canonical_solution),
    );
    Ok(ImportedTask {
        dir_name: dir_name_for(&rec.task_id),
        toml: TaskToml {
            id: rec.task_id.clone(),
            title: format!("{}: {}", rec.task_id, rec.entry_point),
            language: "python".into(),
            price_usd: 0.0,
            description: rec.prompt.clone(),
            test_cases: 1,
            test_command: Some(PYTHON_TEST_COMMAND.into()),
            report: Some(ReportFormat::Simple),
            tags: vec!["humaneval".into()],
            candidate: CandidateToml {
                files: vec!["solution.py".into()],
                completion_prefix: Some("prompt.py".into()),
            },
            limits: LimitsToml {
                timeout: TIMEOUT.into(),
            },
        },
        files,
        reference,
    })
}
