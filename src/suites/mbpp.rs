//! MBPP → crucible tasks.
//!
//! The suite runs `code + "\n" + test_setup_code + "\n" + "\n".join(test_list)` as one program.
//! Here the candidate `solution.py` is the code, `tests/setup.py` the setup code, and every
//! assert of `test_list` is its own test case (`tests/test_<n>.py`), all run by `calls.py`'s
//! judge in one namespace and in that order, calling the candidate in its own process (or, with
//! [`JudgeKind::InProcess`], by `tests/run.py` in the candidate's process). The problem passes
//! exactly when every assert passes, as in the suite; the report just says which asserts failed.
use super::runners::{JudgeKind, PythonProblem};
use super::task_out::{CandidateToml, ImportedTask, LimitsToml, TaskToml, dir_name_for};
use crate::testreport::ReportFormat;
use serde::Deserialize;
use std::collections::BTreeMap;

pub const TIMEOUT: &str = "10s";
/// Problems whose reference solution is known to be slow (task 123 sums amicable numbers up to
/// 9999 and takes several seconds; the suite's figure with a 10 s limit is 973/974 because of it).
pub const KNOWN_SLOW: &[u64] = &[123];
pub const SLOW_TIMEOUT: &str = "60s";

#[derive(Debug, Clone, Deserialize)]
pub struct MbppRecord {
    pub task_id: u64,
    pub text: String,
    pub code: String,
    #[serde(default)]
    pub test_setup_code: String,
    pub test_list: Vec<String>,
}

pub fn task_id(n: u64) -> String {
    format!("mbpp/{n}")
}

pub fn to_task(rec: &MbppRecord, judge: JudgeKind) -> Result<ImportedTask, String> {
    if rec.test_list.is_empty() {
        return Err("test_list is empty: the problem has no tests".into());
    }
    let id = task_id(rec.task_id);
    let mut files = BTreeMap::new();
    let setup = if rec.test_setup_code.trim().is_empty() {
        None
    } else {
        Some(rec.test_setup_code.clone() + "\n")
    };
    let cases = rec
        .test_list
        .iter()
        .enumerate()
        .map(|(i, assert)| {
            (
                format!("{id}/assert_{}", i + 1),
                format!("tests/test_{}.py", i + 1),
                format!("{}\n", assert.trim_end()),
            )
        })
        .collect();
    let problem = PythonProblem {
        prelude: None,
        setup,
        cases,
        entry_points: called_definitions(&rec.code, &rec.test_list),
    };
    let judging = problem.add_files(judge, &mut files);

    let slow = KNOWN_SLOW.contains(&rec.task_id);
    let mut description = rec.text.clone();
    let mut tags = vec!["mbpp".to_string()];
    if slow {
        description.push_str(
            "\n\nNote: the reference solution of this problem is known to be slow (several seconds).",
        );
        tags.push("known-slow".into());
    }
    let mut reference = BTreeMap::new();
    reference.insert("solution.py".to_string(), rec.code.clone());
    Ok(ImportedTask {
        dir_name: dir_name_for(&id),
        toml: TaskToml {
            title: format!("{id}: {}", first_line(&rec.text)),
            id,
            language: "python".into(),
            price_usd: 0.0,
            description,
            test_cases: rec.test_list.len() as u32,
            test_command: judging.test_command,
            report: Some(ReportFormat::Simple),
            tags,
            candidate: CandidateToml {
                files: vec!["solution.py".into()],
                completion_prefix: None,
            },
            limits: LimitsToml {
                timeout: if slow { SLOW_TIMEOUT } else { TIMEOUT }.into(),
            },
            judge: judging.judge,
        },
        files,
        reference,
    })
}

/// Functions the reference defines at top level (`def name(`) that the asserts call: MBPP has no
/// entry-point field, and one problem (126) names its function `sum`.
fn called_definitions(code: &str, tests: &[String]) -> Vec<String> {
    let mut names: Vec<String> = code
        .lines()
        .filter_map(|line| line.strip_prefix("def "))
        .filter_map(|rest| rest.split('(').next())
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty() && tests.iter().any(|t| t.contains(&format!("{name}("))))
        .collect();
    names.sort();
    names.dedup();
    names
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    let mut out: String = line.chars().take(100).collect();
    if out.len() < line.len() {
        out.push_str("...");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(code: &str, tests: &[&str], setup: &str) -> MbppRecord {
        MbppRecord {
            task_id: 126,
            text: "Sum of common divisors.".into(),
            code: code.into(),
            test_setup_code: setup.into(),
            test_list: tests.iter().map(|t| t.to_string()).collect(),
        }
    }

    #[test]
    fn calls_tasks_hide_the_tests_and_let_a_builtin_named_function_through() {
        let rec = record(
            "def sum(a, b):\n    return a\ndef helper():\n    pass\n",
            &["assert sum(10,15) == 6", "assert sum(4,6) == 3"],
            "x = 1",
        );
        let task = to_task(&rec, JudgeKind::Calls).unwrap();
        let judge = task.toml.judge.as_ref().expect("a judge table");
        assert_eq!(
            (judge.kind.as_str(), judge.spec.as_str()),
            ("calls", "calls.json")
        );
        assert_eq!(judge.hidden, ["tests/"]);
        assert!(task.toml.test_command.is_none());
        assert!(!task.files.contains_key("tests/run.py"));
        let spec: serde_json::Value = serde_json::from_str(&task.files["calls.json"]).unwrap();
        assert_eq!(spec["mode"], "script");
        assert_eq!(spec["shadow"], serde_json::json!(["sum"]));
        assert_eq!(spec["setup"], "tests/setup.py");
        assert_eq!(spec["cases"][1]["file"], "tests/test_2.py");
        assert_eq!(task.files["tests/test_2.py"], "assert sum(4,6) == 3\n");
        // Every file the judge alone reads is under tests/; what both read is outside it.
        assert!(
            task.files
                .keys()
                .all(|f| f == "calls.json" || f.starts_with("tests/"))
        );
        let toml = toml::to_string(&task.toml).unwrap();
        assert!(toml.contains("[judge]\nkind = \"calls\""), "{toml}");
    }

    #[test]
    fn the_in_process_judge_is_still_available() {
        let rec = record("def f(x):\n    return x\n", &["assert f(1) == 1"], "");
        let task = to_task(&rec, JudgeKind::InProcess).unwrap();
        assert!(task.toml.judge.is_none());
        assert_eq!(
            task.toml.test_command.as_deref(),
            Some("python3 tests/run.py tests/cases.json")
        );
        assert!(task.files.contains_key("tests/run.py"));
        assert!(task.files.contains_key("tests/cases.json"));
        assert!(!task.files.contains_key("calls.json"));
    }
}
