//! Everything `crucible report` prints: a run's summary in six formats, and run comparisons.
//!
//! Flow: records from the store → [`summarize`] → [`render`]. For two runs:
//! two summaries → [`compare`] → [`render_compare`]. Every tabular view (models, tasks,
//! compare, flips) is built once as a [`Table`] and rendered by each format.
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
mod terminal;
mod text;
mod views;

#[cfg(test)]
mod test_fixtures;

pub use compare::{Comparison, Flip, ModelComparison, compare};
pub use csv::{tasks_csv, to_csv};
pub use output_format::OutputFormat;
pub use pass_at_k::{KList, KListError, default_ks, pass_at_k};
pub use summary::{
    FailedTest, ModelSummary, PassAtK, RunSummary, SUMMARY_FORMAT_VERSION, TaskResult, TaskSummary,
    VerdictCounts, summarize, summarize_with_k,
};
pub use table::{Align, Cell, Column, Table};
pub use views::{compare_models as compare_table, flips as flips_table};
pub use views::{models as models_table, tasks as tasks_table};

use crate::store::{ResultStore, StoreError};

/// Read one run from a store and summarize it (`NoSuchRun` when the id is unknown).
pub fn summarize_run(store: &dyn ResultStore, run_id: &str) -> Result<RunSummary, StoreError> {
    summarize_run_with_k(store, run_id, None)
}

/// [`summarize_run`] with pass@k for these k (None: 1, 10, 100, … up to the most samples).
pub fn summarize_run_with_k(
    store: &dyn ResultStore,
    run_id: &str,
    ks: Option<&KList>,
) -> Result<RunSummary, StoreError> {
    let run = store.runs()?.into_iter().find(|r| r.run_id == run_id);
    let tasks = store.tasks(run_id)?;
    let executions = store.executions(run_id)?;
    Ok(summarize_with_k(
        run_id,
        run.as_ref(),
        &tasks,
        &executions,
        ks,
    ))
}

/// A run's summary in the chosen format. Csv is one row per model; see [`tasks_csv`] for the
/// per-task rows.
pub fn render(format: OutputFormat, summary: &RunSummary) -> String {
    match format {
        OutputFormat::Table => terminal::render(summary),
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
