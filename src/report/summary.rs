//! What a run achieved, per model and per task, computed from the stored records.
//!
//! Rules (the README repeats them):
//! - Only the final attempt of each (task, model, sample, repeat) counts: the highest attempt
//!   number. Earlier attempts were infra errors that the scheduler retried.
//! - A task is **solved** by a model when the final attempt of its sample 0, repeat 0 passed.
//!   Other samples feed pass@k, other repeats the flake rate; neither changes "solved".
//! - A task that never ran (missing rows) counts as not solved: solved, accuracy and dollars are
//!   over every task of the run.
//! - pass@k is averaged only over the tasks where the model has at least k samples (n = the
//!   samples recorded for that task, every final verdict counting, c = those that passed); tasks
//!   without samples, or with fewer than k, are counted apart and reported, never as 0.
//! - Test-case pass rate and median wall time use final attempts with a judgement verdict;
//!   `infra_error` / `interrupted` say nothing about the candidate and are only counted in the
//!   verdict breakdown.
use super::pass_at_k::{KList, default_ks, pass_at_k};
use crate::store::{ExecutionRecord, RunRecord, TaskRecord};
use crate::testreport::TestOutcome;
use crate::verdict::Verdict;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Bumped when a field of the JSON report changes meaning or disappears.
/// 2: pass@k is averaged over the tasks with at least k samples (was: over every task, a missing
/// sample counting as a failure); `TaskResult::samples` is per task and model.
pub const SUMMARY_FORMAT_VERSION: u32 = 2;
/// Failed test cases kept per task result (the rest are in the store).
const FAILED_TESTS_KEPT: usize = 10;
const FAILED_TEST_MESSAGE_CHARS: usize = 500;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RunSummary {
    pub format_version: u32,
    pub run_id: String,
    pub started_at_ms: Option<i64>,
    pub finished_at_ms: Option<i64>,
    pub task_count: u32,
    pub dollars_available: f64,
    /// Samples per task (highest sample index seen + 1).
    pub samples: u32,
    /// Repeats per sample (highest repeat index seen + 1).
    pub repeats: u32,
    /// The k values pass@k was computed for, ascending: asked for, or 1, 10, 100, … up to the
    /// largest sample count of any task.
    #[serde(default)]
    pub pass_at_k_requested: Vec<u32>,
    /// Best first: most tasks solved, then most dollars, then name.
    pub models: Vec<ModelSummary>,
    /// Ordered by task id.
    pub tasks: Vec<TaskSummary>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ModelSummary {
    pub model: String,
    pub tasks_solved: u32,
    pub tasks_total: u32,
    pub accuracy_pct: f64,
    pub dollars_earned: f64,
    pub dollars_available: f64,
    pub test_cases_passed: u64,
    /// Sum over judged final attempts of max(declared, reported) test cases.
    pub test_cases_total: u64,
    pub test_case_pass_rate_pct: Option<f64>,
    /// Over the final attempt of every (task, sample, repeat).
    pub verdicts: VerdictCounts,
    /// Attempts stored, retries included.
    pub attempts: u64,
    /// Final attempts (one per task, sample and repeat that ran).
    pub final_executions: u64,
    pub median_wall_ms: Option<u64>,
    /// Tasks of the run with at least one sample of this model.
    #[serde(default)]
    pub tasks_with_samples: u32,
    /// One per requested k that at least one task has enough samples for.
    pub pass_at_k: Vec<PassAtK>,
    /// Share of (task, sample) pairs whose repeats disagree on passing; only when repeats > 1.
    pub flake_rate: Option<f64>,
    /// Wall times of judged final attempts, for the HTML histogram (not part of the JSON).
    #[serde(skip)]
    pub wall_ms: Vec<u64>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct VerdictCounts {
    pub passed: u64,
    pub failed: u64,
    pub error: u64,
    pub timeout: u64,
    pub memory_limit: u64,
    pub output_limit: u64,
    pub invalid_input: u64,
    pub infra_error: u64,
    pub interrupted: u64,
}

impl VerdictCounts {
    pub fn get(&self, verdict: Verdict) -> u64 {
        match verdict {
            Verdict::Passed => self.passed,
            Verdict::Failed => self.failed,
            Verdict::Error => self.error,
            Verdict::Timeout => self.timeout,
            Verdict::MemoryLimit => self.memory_limit,
            Verdict::OutputLimit => self.output_limit,
            Verdict::InvalidInput => self.invalid_input,
            Verdict::InfraError => self.infra_error,
            Verdict::Interrupted => self.interrupted,
        }
    }

    fn add(&mut self, verdict: Verdict) {
        let slot = match verdict {
            Verdict::Passed => &mut self.passed,
            Verdict::Failed => &mut self.failed,
            Verdict::Error => &mut self.error,
            Verdict::Timeout => &mut self.timeout,
            Verdict::MemoryLimit => &mut self.memory_limit,
            Verdict::OutputLimit => &mut self.output_limit,
            Verdict::InvalidInput => &mut self.invalid_input,
            Verdict::InfraError => &mut self.infra_error,
            Verdict::Interrupted => &mut self.interrupted,
        };
        *slot += 1;
    }

    pub fn total(&self) -> u64 {
        Verdict::ALL.iter().map(|&v| self.get(v)).sum()
    }
}

/// pass@k as a fraction in 0..=1, averaged over the `tasks` with at least k samples.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct PassAtK {
    pub k: u32,
    pub value: f64,
    /// Tasks the average is over.
    #[serde(default)]
    pub tasks: u32,
    /// Tasks of the run this model has no sample for (left out).
    #[serde(default)]
    pub tasks_without_samples: u32,
    /// Tasks with samples, but fewer than k (left out).
    #[serde(default)]
    pub tasks_with_fewer_samples: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TaskSummary {
    pub task_id: String,
    pub title: String,
    pub language: String,
    pub price_usd: f64,
    pub declared_test_cases: u32,
    /// Models that solved it, in the order of `RunSummary::models`.
    pub solved_by: Vec<String>,
    /// One per model, in the order of `RunSummary::models`.
    pub results: Vec<TaskResult>,
}

/// One model on one task: its sample 0, repeat 0 final attempt, plus sample counts.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TaskResult {
    pub model: String,
    pub solved: bool,
    /// None when the model never ran on this task.
    pub verdict: Option<Verdict>,
    pub reason: String,
    pub attempts: u32,
    pub wall_ms: Option<u64>,
    pub tests_passed: u32,
    pub tests_total: u32,
    pub samples_passed: u32,
    /// Samples this model has for this task (0: none ran).
    pub samples: u32,
    pub failed_tests: Vec<FailedTest>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FailedTest {
    pub name: String,
    pub message: Option<String>,
}

type Slot<'a> = (&'a str, &'a str, u32, u32);

/// Build the summary of one run with the default k values. `run` is optional so a summary can
/// be made from records alone.
pub fn summarize(
    run_id: &str,
    run: Option<&RunRecord>,
    tasks: &[TaskRecord],
    executions: &[ExecutionRecord],
) -> RunSummary {
    summarize_with_k(run_id, run, tasks, executions, None)
}

/// [`summarize`] with pass@k for the given k values (None: 1, 10, 100, … up to the largest
/// sample count of any task).
pub fn summarize_with_k(
    run_id: &str,
    run: Option<&RunRecord>,
    tasks: &[TaskRecord],
    executions: &[ExecutionRecord],
    ks: Option<&KList>,
) -> RunSummary {
    let catalog = task_catalog(tasks, executions);
    let mut finals: HashMap<Slot, &ExecutionRecord> = HashMap::new();
    let mut attempts: HashMap<(&str, &str), u32> = HashMap::new();
    let mut attempts_per_model: BTreeMap<&str, u64> = BTreeMap::new();
    for e in executions {
        let slot = (e.task_id.as_str(), e.model.as_str(), e.sample, e.repeat);
        let best = finals.entry(slot).or_insert(e);
        if e.attempt > best.attempt {
            *best = e;
        }
        *attempts_per_model.entry(&e.model).or_default() += 1;
        if e.sample == 0 && e.repeat == 0 {
            *attempts.entry((&e.task_id, &e.model)).or_default() += 1;
        }
    }
    let samples = executions.iter().map(|e| e.sample + 1).max().unwrap_or(0);
    let repeats = executions.iter().map(|e| e.repeat + 1).max().unwrap_or(0);
    let dollars_available: f64 = catalog.values().map(|t| t.price_usd).sum();
    let sample_counts = sample_counts(&finals);
    let ks = match ks {
        Some(ks) => ks.values().to_vec(),
        None => default_ks(sample_counts.values().map(|c| c.0).max().unwrap_or(0)),
    };

    let mut models: Vec<ModelSummary> = attempts_per_model
        .iter()
        .map(|(&model, &attempt_count)| {
            let model_finals: Vec<&ExecutionRecord> = finals
                .values()
                .filter(|e| e.model == model)
                .copied()
                .collect();
            let mut summary = summarize_model(
                model,
                &model_finals,
                &finals,
                &catalog,
                &sample_counts,
                &ks,
                repeats,
            );
            summary.attempts = attempt_count;
            summary.dollars_available = dollars_available;
            summary
        })
        .collect();
    models.sort_by(|a, b| {
        b.tasks_solved
            .cmp(&a.tasks_solved)
            .then(b.dollars_earned.total_cmp(&a.dollars_earned))
            .then(a.model.cmp(&b.model))
    });

    let tasks = catalog
        .values()
        .map(|task| {
            let results: Vec<TaskResult> = models
                .iter()
                .map(|m| task_result(task, &m.model, &finals, &attempts, &sample_counts))
                .collect();
            TaskSummary {
                task_id: task.task_id.clone(),
                title: task.title.clone(),
                language: task.language.clone(),
                price_usd: task.price_usd,
                declared_test_cases: task.test_cases,
                solved_by: results
                    .iter()
                    .filter(|r| r.solved)
                    .map(|r| r.model.clone())
                    .collect(),
                results,
            }
        })
        .collect();

    RunSummary {
        format_version: SUMMARY_FORMAT_VERSION,
        run_id: run_id.to_string(),
        started_at_ms: run.map(|r| r.started_at_ms),
        finished_at_ms: run.and_then(|r| r.finished_at_ms),
        task_count: catalog.len() as u32,
        dollars_available,
        samples,
        repeats,
        pass_at_k_requested: ks,
        models,
        tasks,
    }
}

/// (samples, samples passed) per (task, model): the repeat-0 final attempts recorded.
fn sample_counts<'a>(
    finals: &HashMap<Slot<'a>, &ExecutionRecord>,
) -> HashMap<(&'a str, &'a str), (u32, u32)> {
    let mut counts: HashMap<(&str, &str), (u32, u32)> = HashMap::new();
    for (&(task, model, _, repeat), e) in finals {
        if repeat == 0 {
            let entry = counts.entry((task, model)).or_default();
            entry.0 += 1;
            entry.1 += u32::from(e.verdict == Verdict::Passed);
        }
    }
    counts
}

/// The run's tasks by id; executions of a task the run did not record still show up (price 0).
fn task_catalog(
    tasks: &[TaskRecord],
    executions: &[ExecutionRecord],
) -> BTreeMap<String, TaskRecord> {
    let mut catalog: BTreeMap<String, TaskRecord> = tasks
        .iter()
        .map(|t| (t.task_id.clone(), t.clone()))
        .collect();
    for e in executions {
        catalog
            .entry(e.task_id.clone())
            .or_insert_with(|| TaskRecord {
                run_id: e.run_id.clone(),
                task_id: e.task_id.clone(),
                title: e.task_id.clone(),
                language: String::new(),
                price_usd: 0.0,
                test_cases: 0,
            });
    }
    catalog
}

fn summarize_model(
    model: &str,
    model_finals: &[&ExecutionRecord],
    finals: &HashMap<Slot, &ExecutionRecord>,
    catalog: &BTreeMap<String, TaskRecord>,
    sample_counts: &HashMap<(&str, &str), (u32, u32)>,
    ks: &[u32],
    repeats: u32,
) -> ModelSummary {
    let passed = |task: &str, sample: u32, repeat: u32| {
        finals
            .get(&(task, model, sample, repeat))
            .is_some_and(|e| e.verdict == Verdict::Passed)
    };

    let mut tasks_solved = 0;
    let mut dollars_earned = 0.0;
    for task in catalog.values() {
        if passed(&task.task_id, 0, 0) {
            tasks_solved += 1;
            dollars_earned += task.price_usd;
        }
    }

    let mut verdicts = VerdictCounts::default();
    let (mut cases_passed, mut cases_total) = (0u64, 0u64);
    let mut wall_ms = Vec::new();
    for e in model_finals {
        verdicts.add(e.verdict);
        if e.verdict.is_judgement() {
            let declared = catalog.get(&e.task_id).map_or(0, |t| t.test_cases);
            cases_passed += passed_cases(e) as u64;
            cases_total += declared.max(e.tests.len() as u32) as u64;
            wall_ms.push(e.wall_ms);
        }
    }
    wall_ms.sort_unstable();

    let task_count = catalog.len() as u32;
    let counts: Vec<(u32, u32)> = catalog
        .keys()
        .map(|t| {
            sample_counts
                .get(&(t.as_str(), model))
                .copied()
                .unwrap_or((0, 0))
        })
        .collect();
    let tasks_with_samples = counts.iter().filter(|(n, _)| *n > 0).count() as u32;
    let pass_at_k = ks
        .iter()
        .filter_map(|&k| {
            let (mut tasks, mut fewer, mut total) = (0u32, 0u32, 0.0);
            for &(n, c) in counts.iter().filter(|(n, _)| *n > 0) {
                match pass_at_k(n, c, k) {
                    Some(p) => {
                        tasks += 1;
                        total += p;
                    }
                    None => fewer += 1,
                }
            }
            (tasks > 0).then(|| PassAtK {
                k,
                value: total / f64::from(tasks),
                tasks,
                tasks_without_samples: task_count - tasks_with_samples,
                tasks_with_fewer_samples: fewer,
            })
        })
        .collect();

    ModelSummary {
        model: model.to_string(),
        tasks_solved,
        tasks_total: task_count,
        accuracy_pct: percent(u64::from(tasks_solved), u64::from(task_count)).unwrap_or(0.0),
        dollars_earned,
        dollars_available: 0.0,
        test_cases_passed: cases_passed,
        test_cases_total: cases_total,
        test_case_pass_rate_pct: percent(cases_passed, cases_total),
        verdicts,
        attempts: 0,
        final_executions: model_finals.len() as u64,
        median_wall_ms: median(&wall_ms),
        tasks_with_samples,
        pass_at_k,
        flake_rate: (repeats > 1)
            .then(|| flake_rate(model, model_finals, finals, repeats))
            .flatten(),
        wall_ms,
    }
}

/// Among (task, sample) pairs with at least two judged repeats, the share where some repeats
/// passed and others did not.
fn flake_rate(
    model: &str,
    model_finals: &[&ExecutionRecord],
    finals: &HashMap<Slot, &ExecutionRecord>,
    repeats: u32,
) -> Option<f64> {
    let pairs: BTreeSet<(&str, u32)> = model_finals
        .iter()
        .map(|e| (e.task_id.as_str(), e.sample))
        .collect();
    let (mut measured, mut flaky) = (0u64, 0u64);
    for (task, sample) in pairs {
        let outcomes: Vec<bool> = (0..repeats)
            .filter_map(|r| finals.get(&(task, model, sample, r)))
            .filter(|e| e.verdict.is_judgement())
            .map(|e| e.verdict == Verdict::Passed)
            .collect();
        if outcomes.len() >= 2 {
            measured += 1;
            if outcomes.iter().any(|&p| p) && outcomes.iter().any(|&p| !p) {
                flaky += 1;
            }
        }
    }
    (measured > 0).then(|| flaky as f64 / measured as f64)
}

fn task_result(
    task: &TaskRecord,
    model: &str,
    finals: &HashMap<Slot, &ExecutionRecord>,
    attempts: &HashMap<(&str, &str), u32>,
    sample_counts: &HashMap<(&str, &str), (u32, u32)>,
) -> TaskResult {
    let main = finals.get(&(task.task_id.as_str(), model, 0, 0));
    let (samples, samples_passed) = sample_counts
        .get(&(task.task_id.as_str(), model))
        .copied()
        .unwrap_or((0, 0));
    let failed_tests = main
        .map(|e| {
            e.tests
                .iter()
                .filter(|t| matches!(t.outcome, TestOutcome::Failed | TestOutcome::Error))
                .take(FAILED_TESTS_KEPT)
                .map(|t| FailedTest {
                    name: t.name.clone(),
                    message: t
                        .message
                        .as_deref()
                        .map(|m| super::text::truncate(m, FAILED_TEST_MESSAGE_CHARS)),
                })
                .collect()
        })
        .unwrap_or_default();
    TaskResult {
        model: model.to_string(),
        solved: main.is_some_and(|e| e.verdict == Verdict::Passed),
        verdict: main.map(|e| e.verdict),
        reason: main.map(|e| e.reason.clone()).unwrap_or_default(),
        attempts: attempts
            .get(&(task.task_id.as_str(), model))
            .copied()
            .unwrap_or(0),
        wall_ms: main.map(|e| e.wall_ms),
        tests_passed: main.map_or(0, |e| passed_cases(e)),
        tests_total: main.map_or(task.test_cases, |e| {
            task.test_cases.max(e.tests.len() as u32)
        }),
        samples_passed,
        samples,
        failed_tests,
    }
}

fn passed_cases(e: &ExecutionRecord) -> u32 {
    e.tests
        .iter()
        .filter(|t| t.outcome == TestOutcome::Passed)
        .count() as u32
}

fn percent(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

/// Median of sorted values; the mean of the two middle ones for an even count.
fn median(sorted: &[u64]) -> Option<u64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some(
            sorted[n / 2 - 1] / 2
                + sorted[n / 2] / 2
                + (sorted[n / 2 - 1] % 2 + sorted[n / 2] % 2) / 2,
        ),
    }
}

#[cfg(test)]
#[path = "summary_tests.rs"]
mod tests;
