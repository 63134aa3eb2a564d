//! The report's views, each built once as a [`Table`] that every format renders: models and
//! tasks of a run; models and flips of a comparison; and the per-(task, model) rows of
//! `tasks_csv`.
use super::compare::{Comparison, Flip};
use super::summary::{ModelSummary, RunSummary, TaskResult};
use super::table::{Cell, Column, Table};
use crate::verdict::Verdict;
use std::collections::BTreeMap;

/// Model names and task ids longer than this are cut in the text formats.
const NAME_CHARS: usize = 40;
const REASON_CHARS: usize = 80;
const TITLE_CHARS: usize = 60;

/// Always shown: the failures every run has. The rarer verdicts get a column in every format
/// only when some model has one (a note says which were left out).
const COMMON_FAILURES: [Verdict; 3] = [Verdict::Failed, Verdict::Error, Verdict::Timeout];

/// The verdict columns of the models view, in `Verdict::ALL` order (passed is left out:
/// solved and pass@k say it better).
fn verdict_columns(summary: &RunSummary) -> (Vec<Verdict>, Vec<Verdict>) {
    Verdict::ALL
        .into_iter()
        .filter(|&v| v != Verdict::Passed)
        .partition(|&v| {
            COMMON_FAILURES.contains(&v) || summary.models.iter().any(|m| m.verdicts.get(v) > 0)
        })
}

/// One row per model, best first.
pub fn models(summary: &RunSummary) -> Table {
    let ks = &summary.pass_at_k_requested;
    let (verdicts, absent) = verdict_columns(summary);
    let mut columns = vec![
        Column::text("model", "model").max_chars(NAME_CHARS),
        Column::ratio("solved (all tasks)", "tasks_solved", "tasks_total"),
        Column::number("accuracy (all tasks)", "accuracy_pct"),
        Column::number("earned (all tasks)", "dollars_earned"),
        Column::number("tests passed", "test_case_pass_rate_pct"),
        Column::number("tasks with samples", "tasks_with_samples"),
    ];
    columns.extend(
        ks.iter()
            .map(|k| Column::number(format!("pass@{k}"), format!("pass_at_{k}"))),
    );
    columns.extend(
        verdicts
            .iter()
            .map(|v| Column::number(v.as_str(), v.as_str())),
    );
    columns.push(Column::number("median wall", "median_wall_ms"));
    let flaky = summary.repeats > 1;
    if flaky {
        columns.push(Column::number("flaky", "flake_rate"));
    }

    let rows = summary
        .models
        .iter()
        .map(|m| {
            let mut row = vec![
                Cell::text(&m.model),
                Cell::Ratio(m.tasks_solved.into(), m.tasks_total.into()),
                Cell::Percent(m.accuracy_pct),
                Cell::Dollars(m.dollars_earned),
                Cell::opt(m.test_case_pass_rate_pct, Cell::Percent),
                Cell::Ratio(m.tasks_with_samples.into(), m.tasks_total.into()),
            ];
            row.extend(ks.iter().map(|&k| {
                Cell::opt(m.pass_at_k.iter().find(|p| p.k == k), |p| {
                    Cell::Rate(p.value)
                })
            }));
            row.extend(verdicts.iter().map(|&v| Cell::Count(m.verdicts.get(v))));
            row.push(Cell::opt(m.median_wall_ms, Cell::Duration));
            if flaky {
                row.push(Cell::opt(m.flake_rate, Cell::Rate));
            }
            row
        })
        .collect();

    let mut notes = vec![format!(
        "solved, accuracy and earned are over all {} tasks of the run ({} available); a task is \
         solved when the final attempt of its sample 0, repeat 0 passed.",
        summary.task_count,
        super::text::usd(summary.dollars_available)
    )];
    notes.extend(pass_at_k_notes(summary));
    let mut verdict_note = String::from(
        "Verdict counts cover the final attempt of every sample and repeat; passed ones are not \
         listed.",
    );
    if !absent.is_empty() {
        let names: Vec<&str> = absent.iter().map(|v| v.as_str()).collect();
        verdict_note.push_str(&format!(
            " No model had {}: those columns are left out.",
            or_list(&names)
        ));
    }
    notes.push(verdict_note);
    Table {
        title: "Models".into(),
        columns,
        rows,
        notes,
    }
}

/// "a, b or c"
fn or_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// What each pass@k is averaged over, when that is not every task: identical sentences for
/// several models are said once, naming them (or not, when it holds for every model).
fn pass_at_k_notes(summary: &RunSummary) -> Vec<String> {
    let mut said: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for m in &summary.models {
        for sentence in model_pass_at_k_notes(summary, m) {
            if !said.contains_key(&sentence) {
                order.push(sentence.clone());
            }
            said.entry(sentence).or_default().push(&m.model);
        }
    }
    order
        .into_iter()
        .map(|sentence| {
            let models = &said[&sentence];
            if models.len() == summary.models.len() {
                format!("{sentence}.")
            } else {
                format!("{sentence} ({}).", models.join(", "))
            }
        })
        .collect()
}

fn model_pass_at_k_notes(summary: &RunSummary, m: &ModelSummary) -> Vec<String> {
    let total = summary.task_count;
    summary
        .pass_at_k_requested
        .iter()
        .filter_map(|&k| {
            let Some(p) = m.pass_at_k.iter().find(|p| p.k == k) else {
                return Some(format!("pass@{k}: no task has {k} samples"));
            };
            if p.tasks == total {
                return None;
            }
            let mut left_out = Vec::new();
            if p.tasks_without_samples > 0 {
                left_out.push(format!("{} without samples", p.tasks_without_samples));
            }
            if p.tasks_with_fewer_samples > 0 {
                left_out.push(format!(
                    "{} with fewer than {k} samples",
                    p.tasks_with_fewer_samples
                ));
            }
            Some(format!(
                "pass@{k} over {} of {total} tasks; {}",
                p.tasks,
                left_out.join(", ")
            ))
        })
        .collect()
}

fn verdict_cell(r: &TaskResult) -> Cell {
    let mut detail = String::new();
    if r.verdict.is_some() {
        detail = format!("{}/{} tests", r.tests_passed, r.tests_total);
        if r.samples > 1 {
            detail.push_str(&format!(", {}/{} samples", r.samples_passed, r.samples));
        }
    }
    Cell::Verdict {
        verdict: r.verdict,
        detail,
        note: r.reason.clone(),
        failures: failures(r),
    }
}

/// "failed: a, b (+3 more)" and the first one's message, e.g. an I/O case's short diff.
fn failures(r: &TaskResult) -> String {
    let Some(first) = r.failed_tests.first() else {
        return String::new();
    };
    const SHOWN: usize = 3;
    let names: Vec<&str> = r
        .failed_tests
        .iter()
        .take(SHOWN)
        .map(|t| t.name.as_str())
        .collect();
    let mut out = format!("failed: {}", names.join(", "));
    let more = r.failed_tests.len().saturating_sub(SHOWN);
    if more > 0 {
        out.push_str(&format!(" (+{more} more)"));
    }
    if let Some(m) = &first.message {
        out.push_str(&format!("\n{}: {m}", first.name));
    }
    out
}

/// One row per task, one verdict column per model (its sample 0, repeat 0 result).
pub fn tasks(summary: &RunSummary) -> Table {
    let mut columns = vec![
        Column::text("task", "task_id").max_chars(NAME_CHARS),
        Column::text("title", "title").max_chars(TITLE_CHARS),
        Column::text("language", "language"),
        Column::number("price", "price_usd"),
    ];
    columns.extend(
        summary
            .models
            .iter()
            .map(|m| Column::text(m.model.clone(), m.model.clone()).max_chars(NAME_CHARS)),
    );
    let rows = summary
        .tasks
        .iter()
        .map(|t| {
            let mut row = vec![
                Cell::text(&t.task_id),
                Cell::text(&t.title),
                Cell::text(&t.language),
                Cell::Dollars(t.price_usd),
            ];
            row.extend(t.results.iter().map(verdict_cell));
            row
        })
        .collect();
    Table {
        title: "Tasks".into(),
        columns,
        rows,
        notes: vec![
            "The cell of each model is its sample 0, repeat 0 final attempt: the one that \
             decides solved."
                .into(),
        ],
    }
}

/// One row per (task, model), for spreadsheets (`tasks_csv`).
pub fn task_results(summary: &RunSummary) -> Table {
    let columns = vec![
        Column::text("run", "run_id"),
        Column::text("task", "task_id"),
        Column::text("title", "title"),
        Column::text("language", "language"),
        Column::number("price", "price_usd"),
        Column::number("declared test cases", "declared_test_cases"),
        Column::text("model", "model"),
        Column::text("solved", "solved"),
        Column::text("verdict", "verdict"),
        Column::text("reason", "reason"),
        Column::number("attempts", "attempts"),
        Column::number("wall", "wall_ms"),
        Column::ratio("tests passed", "tests_passed", "tests_total"),
        Column::ratio("samples passed", "samples_passed", "samples"),
    ];
    let mut rows = Vec::new();
    for t in &summary.tasks {
        for r in &t.results {
            rows.push(vec![
                Cell::text(&summary.run_id),
                Cell::text(&t.task_id),
                Cell::text(&t.title),
                Cell::text(&t.language),
                Cell::Dollars(t.price_usd),
                Cell::Count(t.declared_test_cases.into()),
                Cell::text(&r.model),
                Cell::text(r.solved.to_string()),
                Cell::Verdict {
                    verdict: r.verdict,
                    detail: String::new(),
                    note: r.reason.clone(),
                    failures: String::new(),
                },
                Cell::text(&r.reason),
                Cell::Count(r.attempts.into()),
                Cell::opt(r.wall_ms, Cell::Duration),
                Cell::Ratio(r.tests_passed.into(), r.tests_total.into()),
                Cell::Ratio(r.samples_passed.into(), r.samples.into()),
            ]);
        }
    }
    Table {
        title: "Task results".into(),
        columns,
        rows,
        notes: Vec::new(),
    }
}

/// Per model present in both runs: solved and earned before and after, and how many flipped.
pub fn compare_models(c: &Comparison) -> Table {
    let columns = vec![
        Column::text("model", "model").max_chars(NAME_CHARS),
        Column::number("solved before", "solved_base"),
        Column::number("solved after", "solved_head"),
        Column::number("earned before", "dollars_base"),
        Column::number("earned after", "dollars_head"),
        Column::number("newly solved", "newly_solved"),
        Column::number("newly failed", "newly_failed"),
    ];
    let rows = c
        .models
        .iter()
        .map(|m| {
            vec![
                Cell::text(&m.model),
                Cell::Count(m.solved_base.into()),
                Cell::Count(m.solved_head.into()),
                Cell::Dollars(m.dollars_base),
                Cell::Dollars(m.dollars_head),
                Cell::Count(m.newly_solved.len() as u64),
                Cell::Count(m.newly_failed.len() as u64),
            ]
        })
        .collect();
    let mut notes = vec![format!(
        "Before = run {}, after = run {}; only tasks of both runs can flip.",
        c.base_run_id, c.head_run_id
    )];
    notes.extend(compare_notes(c));
    Table {
        title: "Models".into(),
        columns,
        rows,
        notes,
    }
}

/// (model, newly failed?, flip) for every flip, newly failed first: regressions matter most.
fn flip_list(c: &Comparison) -> Vec<(&str, bool, &Flip)> {
    let mut out = Vec::new();
    for m in &c.models {
        out.extend(m.newly_failed.iter().map(|f| (m.model.as_str(), true, f)));
        out.extend(m.newly_solved.iter().map(|f| (m.model.as_str(), false, f)));
    }
    out
}

/// Every task that flipped, per model.
pub fn flips(c: &Comparison) -> Table {
    let columns = vec![
        Column::text("model", "model").max_chars(NAME_CHARS),
        Column::text("task", "task_id").max_chars(NAME_CHARS),
        Column::text("change", "change"),
        Column::text("before", "base_verdict"),
        Column::text("after", "head_verdict"),
        Column::number("price", "price_usd"),
        Column::text("reason now", "head_reason").max_chars(REASON_CHARS),
    ];
    let verdict = |v: Option<Verdict>, reason: &str| Cell::Verdict {
        verdict: v,
        detail: String::new(),
        note: reason.to_string(),
        failures: String::new(),
    };
    let rows = flip_list(c)
        .into_iter()
        .map(|(model, failed, f)| {
            vec![
                Cell::text(model),
                Cell::text(&f.task_id),
                Cell::Status {
                    label: if failed {
                        "newly failed"
                    } else {
                        "newly solved"
                    }
                    .into(),
                    good: !failed,
                },
                verdict(f.base_verdict, &f.base_reason),
                verdict(f.head_verdict, &f.head_reason),
                Cell::Dollars(f.price_usd),
                Cell::text(&f.head_reason),
            ]
        })
        .collect();
    Table {
        title: "Changes".into(),
        columns,
        rows,
        notes: Vec::new(),
    }
}

fn compare_notes(c: &Comparison) -> Vec<String> {
    [
        ("Models only in the base run", &c.models_only_in_base),
        ("Models only in the head run", &c.models_only_in_head),
        ("Tasks only in the base run", &c.tasks_only_in_base),
        ("Tasks only in the head run", &c.tasks_only_in_head),
    ]
    .into_iter()
    .filter(|(_, list)| !list.is_empty())
    .map(|(what, list)| format!("{what}: {}.", list.join(", ")))
    .collect()
}

#[cfg(test)]
#[path = "views_tests.rs"]
mod tests;
