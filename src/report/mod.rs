//! Everything `crucible report` prints: a run's summary in six formats, and run comparisons.
//!
//! Flow: records from the store → [`summarize`] → [`render`]. For two runs:
//! two summaries → [`compare`] → [`render_compare`].
mod compare;
mod compare_render;
mod csv;
mod html;
mod json;
mod junit;
mod markdown;
mod output_format;
mod pass_at_k;
mod summary;
mod svg;
mod table;
mod text;

#[cfg(test)]
mod test_fixtures;

pub use compare::{Comparison, Flip, ModelComparison, compare};
pub use csv::tasks_csv;
pub use output_format::OutputFormat;
pub use pass_at_k::pass_at_k;
pub use summary::{
    FailedTest, ModelSummary, PASS_AT_K, PassAtK, RunSummary, SUMMARY_FORMAT_VERSION, TaskResult,
    TaskSummary, VerdictCounts, summarize,
};

use crate::store::{ResultStore, StoreError};

/// Read one run from a store and summarize it (`NoSuchRun` when the id is unknown).
pub fn summarize_run(store: &dyn ResultStore, run_id: &str) -> Result<RunSummary, StoreError> {
    let run = store.runs()?.into_iter().find(|r| r.run_id == run_id);
    let tasks = store.tasks(run_id)?;
    let executions = store.executions(run_id)?;
    Ok(summarize(run_id, run.as_ref(), &tasks, &executions))
}

/// A run's summary in the chosen format. Csv is one row per model; see [`tasks_csv`] for the
/// per-task rows.
pub fn render(format: OutputFormat, summary: &RunSummary) -> String {
    match format {
        OutputFormat::Table => table::render(summary),
        OutputFormat::Json => json::render(summary),
        OutputFormat::Csv => csv::models_csv(summary),
        OutputFormat::Markdown => markdown::render(summary),
        OutputFormat::Junit => junit::render(summary),
        OutputFormat::Html => html::render(summary),
    }
}

/// A comparison of two runs in the chosen format.
pub fn render_compare(format: OutputFormat, comparison: &Comparison) -> String {
    compare_render::render(format, comparison)
}
