//! The run report for a terminal (`crucible run`'s summary, `crucible report`'s default).
use super::summary::RunSummary;
use super::table::to_text;
use super::text::{one_line, usd};
use super::views;

/// The run report for a terminal: one line about the run, then the models view.
pub fn render(summary: &RunSummary) -> String {
    let mut out = format!(
        "run {} · {} tasks · {} available · {} sample(s) × {} repeat(s)\n\n",
        one_line(&summary.run_id),
        summary.task_count,
        usd(summary.dollars_available),
        summary.samples,
        summary.repeats,
    );
    if summary.models.is_empty() {
        out.push_str("no executions recorded for this run yet\n");
        return out;
    }
    out.push_str(&to_text(&views::models(summary)));
    out
}
