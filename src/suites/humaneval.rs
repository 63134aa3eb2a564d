//! OpenAI HumanEval → crucible tasks.
//!
//! The suite's harness runs `prompt + completion + "\n" + test + "\n" + "check(entry_point)"` as
//! one program with a 3 s limit. A task here: `prompt.py` (the completion prefix), the candidate
//! `solution.py` (= prompt + completion) and `tests/test.py` (= test + `check(entry_point)`),
//! judged by `calls.py` in script mode (`calls.json`): the test runs in a judge process, in one
//! namespace where the names it uses from the candidate's module (the entry point, helpers the
//! prompt defines, as HumanEval/10, /32, /38, /50 need) are proxies of the candidate's objects.
//! With [`JudgeKind::InProcess`], `tests/run.py` runs both in one process instead.
use super::runners::{JudgeKind, PythonProblem, is_python_identifier};
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

pub fn to_task(rec: &HumanEvalRecord, judge: JudgeKind) -> Result<ImportedTask, String> {
    if !is_python_identifier(&rec.entry_point) {
        return Err(format!(
            "entry_point `{}` is not a Python identifier",
            rec.entry_point
        ));
    }
    let problem = PythonProblem {
        prelude: None,
        setup: None,
        cases: vec![(
            rec.task_id.clone(),
            "tests/test.py".into(),
            format!("{}\ncheck({})\n", rec.test, rec.entry_point),
        )],
        entry_points: vec![rec.entry_point.clone()],
    };
    let mut files = BTreeMap::new();
    files.insert("prompt.py".to_string(), rec.prompt.clone());
    let judging = problem.add_files(judge, &mut files);
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
            test_command: judging.test_command,
            report: Some(ReportFormat::Simple),
            tags: vec!["humaneval".into()],
            candidate: CandidateToml {
                files: vec!["solution.py".into()],
                completion_prefix: Some("prompt.py".into()),
            },
            limits: LimitsToml {
                timeout: TIMEOUT.into(),
            },
            judge: judging.judge,
        },
        files,
        reference,
    })
}
