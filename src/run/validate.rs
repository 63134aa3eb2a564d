//! `tasks validate` as a run: each task's reference must pass with exactly the declared number
//! of test cases, its stub must not pass, and the reference's test names must be the ones
//! recorded in `expected_tests.txt` (written by `--record`).
//!
//! The run judges without the recorded names and compares them here instead, so that a drift
//! is reported as such (which names, and how to re-record) rather than as a failing reference.
use super::events::{EventSink, RunEvent};
use super::halt::StopHandle;
use super::plan::{Plan, PlanFilter};
use super::retry::RetryPolicy;
use super::run::{Run, RunConfig, RunError};
use crate::execution::Executor;
use crate::store::ExecutionRecord;
use crate::task::{CandidateRef, CandidateSource, EXPECTED_TESTS_FILE, Task};
use crate::testreport::TestOutcome;
use crate::verdict::Verdict;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};

const REFERENCE: &str = "reference";
const STUB: &str = "stub";

#[derive(Debug, Clone)]
pub struct ValidateOptions {
    pub concurrency: usize,
    pub retry: RetryPolicy,
    /// Write each passing reference's test names to the task's `expected_tests.txt`.
    pub record: bool,
}

/// One task's verdict: no faults means valid.
#[derive(Debug, Clone, Default)]
pub struct TaskCheck {
    pub task_id: String,
    pub faults: Vec<String>,
    pub reference_wall_ms: Option<u64>,
    /// With `record`: how many names were written.
    pub recorded: Option<usize>,
}

#[derive(Debug, Clone, Default)]
pub struct Validation {
    /// One per task, sorted by task id.
    pub checks: Vec<TaskCheck>,
    pub interrupted: bool,
}

/// Run every task's reference and stub through one run (no store) and judge the tasks.
pub async fn validate_tasks(
    tasks: Vec<Task>,
    executor: Arc<dyn Executor>,
    options: &ValidateOptions,
    stop: StopHandle,
) -> Result<Validation, RunError> {
    let mut checks: Vec<TaskCheck> = tasks
        .iter()
        .map(|t| TaskCheck {
            task_id: t.id.clone(),
            ..TaskCheck::default()
        })
        .collect();
    let mut candidates = Vec::new();
    for (task, check) in tasks.iter().zip(checks.iter_mut()) {
        for (model, files) in [
            (REFERENCE, task.reference_solution()),
            (STUB, task.stub_solution()),
        ] {
            match files {
                Ok(files) => candidates.push(CandidateRef {
                    task_id: task.id.clone(),
                    model: model.into(),
                    sample: 0,
                    source: CandidateSource::Inline(files),
                }),
                Err(e) => check.faults.push(format!("{model} solution: {e}")),
            }
        }
    }
    let plan = Plan::new(tasks, candidates, &PlanFilter::default(), 1);
    let tasks = plan.tasks().clone();
    let finals = Arc::new(Mutex::new(HashMap::new()));
    let config = RunConfig {
        retry: options.retry.clone(),
        check_test_names: false,
        ..RunConfig::new("validate", options.concurrency)
    };
    let outcome = Run::new(config, plan, executor)
        .sink(FinalRecords(finals.clone()))
        .stopped_by(stop)
        .start()
        .await?;
    let mut finals = finals.lock().unwrap_or_else(|p| p.into_inner());
    for (task, check) in tasks.iter().zip(checks.iter_mut()) {
        let reference = finals.remove(&(task.id.clone(), REFERENCE.to_string()));
        let stub = finals.remove(&(task.id.clone(), STUB.to_string()));
        judge_task(
            task,
            reference.as_ref(),
            stub.as_ref(),
            options.record,
            check,
        );
    }
    Ok(Validation {
        checks,
        interrupted: outcome.interrupted,
    })
}

/// The last attempt of each (task, model).
struct FinalRecords(Arc<Mutex<HashMap<(String, String), ExecutionRecord>>>);

impl EventSink for FinalRecords {
    fn event(&mut self, event: &RunEvent) {
        if let RunEvent::Finished {
            record,
            will_retry: false,
        } = event
        {
            self.0.lock().unwrap_or_else(|p| p.into_inner()).insert(
                (record.task_id.clone(), record.model.clone()),
                (**record).clone(),
            );
        }
    }
}

fn judge_task(
    task: &Task,
    reference: Option<&ExecutionRecord>,
    stub: Option<&ExecutionRecord>,
    record: bool,
    check: &mut TaskCheck,
) {
    let faults = &mut check.faults;
    let read_fault = faults.iter().any(|f| f.starts_with(REFERENCE));
    if reference.is_none() && !read_fault {
        faults.push("reference solution: not run (the validation was interrupted)".into());
    }
    if let Some(r) = reference {
        check.reference_wall_ms = Some(r.wall_ms);
        let passed = passed_tests(r);
        if r.verdict != Verdict::Passed {
            faults.push(format!(
                "reference solution: {} ({}){}",
                r.verdict,
                r.reason,
                tail(r)
            ));
        } else if passed != task.test_cases as usize {
            faults.push(format!(
                "reference passed {passed} test cases, task.toml declares {}",
                task.test_cases
            ));
        } else {
            let names: Vec<String> = r.tests.iter().map(|t| t.name.clone()).collect();
            let result = if record {
                record_names(&task.dir, &names).map(|n| check.recorded = Some(n))
            } else {
                compare_names(&task.test_names, &names)
            };
            if let Err(fault) = result {
                faults.push(fault);
            }
        }
    }
    match stub {
        Some(r) if r.verdict == Verdict::Passed => {
            faults.push("an empty/stub solution passes: the suite tests nothing".into())
        }
        Some(r) if r.verdict == Verdict::InfraError => {
            faults.push(format!("stub: infra error: {}", r.reason))
        }
        _ => {}
    }
}

fn passed_tests(r: &ExecutionRecord) -> usize {
    r.tests
        .iter()
        .filter(|t| t.outcome == TestOutcome::Passed)
        .count()
}

/// Write the names, sorted, one per line; refuse names that cannot identify one case each.
fn record_names(dir: &Path, names: &[String]) -> Result<usize, String> {
    let sorted: BTreeSet<&str> = names.iter().map(String::as_str).collect();
    if sorted.len() != names.len() {
        return Err(format!(
            "the reference's report names some test cases twice; {EXPECTED_TESTS_FILE} needs \
             unique names (rename the tests)"
        ));
    }
    if let Some(bad) = sorted.iter().find(|n| n.contains('\n') || n.trim() != **n) {
        return Err(format!(
            "test name `{bad}` has a line break or surrounding spaces and cannot be recorded in \
             {EXPECTED_TESTS_FILE}"
        ));
    }
    let mut text = sorted.iter().copied().collect::<Vec<_>>().join("\n");
    text.push('\n');
    let path = dir.join(EXPECTED_TESTS_FILE);
    std::fs::write(&path, text)
        .map_err(|e| format!("cannot write {}: {e}; check permissions", path.display()))?;
    Ok(sorted.len())
}

/// The recorded names, when the task has them, must be exactly the reference's, once each.
fn compare_names(recorded: &[String], names: &[String]) -> Result<(), String> {
    if recorded.is_empty() {
        return Ok(());
    }
    let recorded: BTreeSet<&str> = recorded.iter().map(String::as_str).collect();
    let produced: BTreeSet<&str> = names.iter().map(String::as_str).collect();
    if produced.len() != names.len() {
        return Err(format!(
            "the reference's report names some test cases twice, so they cannot match \
             {EXPECTED_TESTS_FILE} (rename the tests)"
        ));
    }
    if recorded == produced {
        return Ok(());
    }
    let list = |names: Vec<&&str>| {
        let shown: Vec<String> = names.iter().take(3).map(|n| format!("`{n}`")).collect();
        let more = names.len().saturating_sub(3);
        let rest = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        shown.join(", ") + &rest
    };
    let missing: Vec<&&str> = recorded.difference(&produced).collect();
    let extra: Vec<&&str> = produced.difference(&recorded).collect();
    let mut parts = Vec::new();
    if !missing.is_empty() {
        parts.push(format!("recorded but not run: {}", list(missing)));
    }
    if !extra.is_empty() {
        parts.push(format!("run but not recorded: {}", list(extra)));
    }
    Err(format!(
        "the reference's test names differ from {EXPECTED_TESTS_FILE} ({}); re-record with \
         `crucible tasks validate --record` if the change is intended",
        parts.join("; ")
    ))
}

/// The last lines of what the execution printed, for a failing reference.
fn tail(r: &ExecutionRecord) -> String {
    let text = if r.stderr.trim().is_empty() {
        &r.stdout
    } else {
        &r.stderr
    };
    let lines: Vec<&str> = text.lines().rev().take(3).collect();
    if lines.is_empty() {
        String::new()
    } else {
        format!(
            ": {}",
            lines.into_iter().rev().collect::<Vec<_>>().join(" | ")
        )
    }
}
