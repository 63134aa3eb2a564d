//! A small, hand-checked run shared by the report unit tests.
//!
//! Tasks: t1 ($100, 3 cases), t2 ($50, 2 cases), t3 ($25, 1 case); models alpha and beta;
//! 2 samples, 1 repeat.
//! - alpha: t1 s0 infra_error then passed, s1 failed; t2 s0 failed, s1 passed; t3 timeouts.
//! - beta: t1 both failed; t2 both passed; t3 s0 passed, s1 infra_error (retries exhausted).
use super::summary::{RunSummary, summarize};
use super::table::{Cell, Column, Table};
use crate::store::{ExecutionRecord, TaskRecord};
use crate::testreport::{TestCase, TestOutcome};
use crate::verdict::Verdict;

pub fn task(id: &str, price_usd: f64, test_cases: u32) -> TaskRecord {
    TaskRecord {
        run_id: "run-1".into(),
        task_id: id.into(),
        title: format!("Task {id}"),
        language: "python".into(),
        price_usd,
        test_cases,
    }
}

/// An attempt whose test cases match its verdict: all pass, one fails, or none ran.
pub fn attempt(
    task: &TaskRecord,
    model: &str,
    sample: u32,
    attempt: u32,
    verdict: Verdict,
) -> ExecutionRecord {
    let declared = task.test_cases;
    let (passing, failing) = match verdict {
        Verdict::Passed => (declared, 0),
        Verdict::Failed => (declared - 1, 1),
        _ => (0, 0),
    };
    let mut tests: Vec<TestCase> = (0..passing)
        .map(|i| TestCase {
            name: format!("test_{i}"),
            outcome: TestOutcome::Passed,
            message: None,
        })
        .collect();
    tests.extend((0..failing).map(|i| TestCase {
        name: format!("test_fail_{i}"),
        outcome: TestOutcome::Failed,
        message: Some("assert 1 == 2".into()),
    }));
    ExecutionRecord {
        run_id: task.run_id.clone(),
        task_id: task.task_id.clone(),
        model: model.into(),
        sample,
        repeat: 0,
        attempt,
        key: format!("{}-{model}-{sample}", task.task_id),
        verdict,
        reason: format!("{verdict} reason"),
        exit_code: Some(i64::from(verdict.exit_code())),
        signal: None,
        wall_ms: match verdict {
            Verdict::Passed => 1000,
            Verdict::Failed => 2000,
            Verdict::Timeout => 10_000,
            _ => 0,
        },
        cpu_ms: None,
        peak_memory_bytes: None,
        stdout: String::new(),
        stderr: String::new(),
        output_truncated: false,
        image_id: None,
        payload_sha256: None,
        finished_at_ms: 0,
        tests,
    }
}

pub fn records() -> (Vec<TaskRecord>, Vec<ExecutionRecord>) {
    let tasks = vec![
        task("t1", 100.0, 3),
        task("t2", 50.0, 2),
        task("t3", 25.0, 1),
    ];
    let [t1, t2, t3] = [&tasks[0], &tasks[1], &tasks[2]];
    use Verdict::*;
    let executions = vec![
        attempt(t1, "alpha", 0, 1, InfraError),
        attempt(t1, "alpha", 0, 2, Passed),
        attempt(t1, "alpha", 1, 1, Failed),
        attempt(t2, "alpha", 0, 1, Failed),
        attempt(t2, "alpha", 1, 1, Passed),
        attempt(t3, "alpha", 0, 1, Timeout),
        attempt(t3, "alpha", 1, 1, Timeout),
        attempt(t1, "beta", 0, 1, Failed),
        attempt(t1, "beta", 1, 1, Failed),
        attempt(t2, "beta", 0, 1, Passed),
        attempt(t2, "beta", 1, 1, Passed),
        attempt(t3, "beta", 0, 1, Passed),
        attempt(t3, "beta", 1, 1, InfraError),
        attempt(t3, "beta", 1, 2, InfraError),
    ];
    (tasks, executions)
}

pub fn summary() -> RunSummary {
    let (tasks, executions) = records();
    summarize("run-1", None, &tasks, &executions)
}

/// A small table with one cell of every common kind, a long name and a hostile one.
pub fn table() -> Table {
    Table {
        title: "Models".into(),
        columns: vec![
            Column::text("model", "model").max_chars(8),
            Column::ratio("solved", "tasks_solved", "tasks_total"),
            Column::number("earned", "dollars_earned"),
            Column::number("pass@1", "pass_at_1"),
            Column::number("median wall", "median_wall_ms"),
            Column::text("t1", "t1"),
        ],
        rows: vec![
            vec![
                Cell::text("a-very-long-model"),
                Cell::Ratio(2, 3),
                Cell::Dollars(1234.5),
                Cell::Rate(0.5),
                Cell::Duration(1250),
                Cell::Verdict {
                    verdict: Some(Verdict::Failed),
                    detail: "2/3 tests".into(),
                    note: "assert".into(),
                    failures: String::new(),
                },
            ],
            vec![
                Cell::text("b\x1b[2J"),
                Cell::Ratio(0, 3),
                Cell::Dollars(0.0),
                Cell::Empty,
                Cell::Empty,
                Cell::Verdict {
                    verdict: None,
                    detail: String::new(),
                    note: String::new(),
                    failures: String::new(),
                },
            ],
        ],
        notes: vec!["pass@1 over 1 of 3 tasks".into()],
    }
}
