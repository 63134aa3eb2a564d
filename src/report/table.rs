//! The terminal table: one line per model, columns aligned, only the columns that say something.
use super::summary::{ModelSummary, RunSummary};
use super::text::{duration_ms, fraction_pct, one_line, pct, truncate, usd};
use crate::verdict::Verdict;

/// Model names longer than this are cut so one long name cannot push the table off-screen.
const MODEL_WIDTH: usize = 40;

struct Column {
    header: String,
    right: bool,
    cell: Box<dyn Fn(&ModelSummary) -> String>,
}

fn column(
    header: impl Into<String>,
    right: bool,
    cell: impl Fn(&ModelSummary) -> String + 'static,
) -> Column {
    Column {
        header: header.into(),
        right,
        cell: Box::new(cell),
    }
}

fn columns(summary: &RunSummary) -> Vec<Column> {
    let mut cols = vec![
        column("model", false, |m| {
            truncate(&one_line(&m.model), MODEL_WIDTH)
        }),
        column("solved", true, |m| {
            format!("{}/{}", m.tasks_solved, m.tasks_total)
        }),
        column("accuracy", true, |m| pct(m.accuracy_pct)),
        column("earned", true, |m| usd(m.dollars_earned)),
        column("tests passed", true, |m| {
            m.test_case_pass_rate_pct.map_or_else(|| "-".into(), pct)
        }),
    ];
    let ks: Vec<u32> = summary
        .models
        .first()
        .map(|m| m.pass_at_k.iter().map(|p| p.k).collect())
        .unwrap_or_default();
    for k in ks {
        cols.push(column(format!("pass@{k}"), true, move |m| {
            m.pass_at_k
                .iter()
                .find(|p| p.k == k)
                .map_or_else(|| "-".into(), |p| fraction_pct(p.value))
        }));
    }
    // Failures that happen in every run always show; rarer verdicts only when some model has one.
    for verdict in Verdict::ALL.into_iter().filter(|&v| v != Verdict::Passed) {
        let always = matches!(verdict, Verdict::Failed | Verdict::Error | Verdict::Timeout);
        if always || summary.models.iter().any(|m| m.verdicts.get(verdict) > 0) {
            cols.push(column(verdict.as_str(), true, move |m| {
                m.verdicts.get(verdict).to_string()
            }));
        }
    }
    cols.push(column("median wall", true, |m| {
        m.median_wall_ms.map_or_else(|| "-".into(), duration_ms)
    }));
    if summary.repeats > 1 {
        cols.push(column("flaky", true, |m| {
            m.flake_rate.map_or_else(|| "-".into(), fraction_pct)
        }));
    }
    cols
}

/// Lay out rows so every column is as wide as its widest cell, separated by two spaces.
pub fn align(rows: &[Vec<String>], right: &[bool]) -> String {
    let width = |s: &str| s.chars().count();
    let ncols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..ncols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| width(s))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            if c > 0 {
                line.push_str("  ");
            }
            let pad = " ".repeat(widths[c] - width(cell));
            if right.get(c).copied().unwrap_or(false) {
                line.push_str(&pad);
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&pad);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

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
    let cols = columns(summary);
    let mut rows = vec![cols.iter().map(|c| c.header.clone()).collect::<Vec<_>>()];
    rows.extend(
        summary
            .models
            .iter()
            .map(|m| cols.iter().map(|c| (c.cell)(m)).collect()),
    );
    let right: Vec<bool> = cols.iter().map(|c| c.right).collect();
    out.push_str(&align(&rows, &right));
    out.push_str(
        "\nsolved = the final attempt of sample 0, repeat 0 passed; verdict counts cover every sample and repeat\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_fixtures::summary;

    #[test]
    fn table_is_aligned_and_shows_present_verdicts_only() {
        let text = render(&summary());
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[0].starts_with("run run-1 · 3 tasks · $175.00 available"),
            "{text}"
        );
        let header = lines[2];
        assert!(header.starts_with("model"), "{text}");
        for col in [
            "solved",
            "accuracy",
            "earned",
            "pass@1",
            "timeout",
            "infra_error",
            "median wall",
        ] {
            assert!(header.contains(col), "missing {col}: {text}");
        }
        assert!(
            !header.contains("memory_limit") && !header.contains("flaky"),
            "{text}"
        );
        assert!(
            lines[3].starts_with("beta ")
                && lines[3].contains("2/3")
                && lines[3].contains("$75.00"),
            "{text}"
        );
        assert!(
            lines[4].starts_with("alpha") && lines[4].contains("$100.00"),
            "{text}"
        );
        // Right-aligned columns end at the same place on every line.
        assert_eq!(lines[2].chars().count(), lines[3].chars().count(), "{text}");
    }

    #[test]
    fn escape_sequences_in_model_names_do_not_reach_the_terminal() {
        let mut s = summary();
        s.models[0].model = "evil\x1b]0;pwned\x07\nmodel".into();
        let text = render(&s);
        assert!(!text.contains('\x1b') && !text.contains('\x07'), "{text:?}");
        assert!(text.contains("evil?]0;pwned? model"), "{text}");
    }
}
