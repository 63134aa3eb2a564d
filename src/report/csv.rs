//! CSV (RFC 4180): one row per model, and one row per (task, model).
//!
//! Text cells that a spreadsheet would run as a formula (leading `=`, `+`, `-`, `@`, tab or CR)
//! get a leading `'`: task and model names come from users.
use super::summary::{PASS_AT_K, RunSummary};

fn quote(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_string()
    }
}

/// A cell holding user text.
fn text(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        quote(&format!("'{cell}"))
    } else {
        quote(cell)
    }
}

fn opt<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn line(out: &mut String, cells: &[String]) {
    out.push_str(&cells.join(","));
    out.push_str("\r\n");
}

pub fn models_csv(summary: &RunSummary) -> String {
    let mut header: Vec<String> = [
        "run_id",
        "model",
        "tasks_solved",
        "tasks_total",
        "accuracy_pct",
        "dollars_earned",
        "dollars_available",
        "test_cases_passed",
        "test_cases_total",
        "test_case_pass_rate_pct",
    ]
    .map(String::from)
    .to_vec();
    header.extend(PASS_AT_K.iter().map(|k| format!("pass_at_{k}")));
    header.extend(
        crate::verdict::Verdict::ALL
            .iter()
            .map(|v| v.as_str().to_string()),
    );
    header.extend(
        [
            "attempts",
            "final_executions",
            "median_wall_ms",
            "flake_rate",
        ]
        .map(String::from),
    );

    let mut out = String::new();
    line(&mut out, &header);
    for m in &summary.models {
        let mut row = vec![
            text(&summary.run_id),
            text(&m.model),
            m.tasks_solved.to_string(),
            m.tasks_total.to_string(),
            format!("{:.2}", m.accuracy_pct),
            format!("{:.2}", m.dollars_earned),
            format!("{:.2}", m.dollars_available),
            m.test_cases_passed.to_string(),
            m.test_cases_total.to_string(),
            opt(m.test_case_pass_rate_pct.map(|p| format!("{p:.2}"))),
        ];
        row.extend(PASS_AT_K.iter().map(|&k| {
            opt(m
                .pass_at_k
                .iter()
                .find(|p| p.k == k)
                .map(|p| format!("{:.4}", p.value)))
        }));
        row.extend(
            crate::verdict::Verdict::ALL
                .iter()
                .map(|&v| m.verdicts.get(v).to_string()),
        );
        row.extend([
            m.attempts.to_string(),
            m.final_executions.to_string(),
            opt(m.median_wall_ms),
            opt(m.flake_rate.map(|f| format!("{f:.4}"))),
        ]);
        line(&mut out, &row);
    }
    out
}

/// One row per (task, model): the model's sample 0, repeat 0 result on that task.
pub fn tasks_csv(summary: &RunSummary) -> String {
    let mut out = String::new();
    let header = [
        "run_id",
        "task_id",
        "title",
        "language",
        "price_usd",
        "declared_test_cases",
        "model",
        "solved",
        "verdict",
        "reason",
        "attempts",
        "wall_ms",
        "tests_passed",
        "tests_total",
        "samples_passed",
        "samples",
    ];
    line(&mut out, &header.map(String::from));
    for t in &summary.tasks {
        for r in &t.results {
            line(
                &mut out,
                &[
                    text(&summary.run_id),
                    text(&t.task_id),
                    text(&t.title),
                    text(&t.language),
                    format!("{:.2}", t.price_usd),
                    t.declared_test_cases.to_string(),
                    text(&r.model),
                    r.solved.to_string(),
                    opt(r.verdict),
                    text(&r.reason),
                    r.attempts.to_string(),
                    opt(r.wall_ms),
                    r.tests_passed.to_string(),
                    r.tests_total.to_string(),
                    r.samples_passed.to_string(),
                    r.samples.to_string(),
                ],
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_fixtures::summary;

    #[test]
    fn one_row_per_model_with_fixed_columns() {
        let text = models_csv(&summary());
        let rows: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert_eq!(rows.len(), 3);
        let header: Vec<&str> = rows[0].split(',').collect();
        let beta: Vec<&str> = rows[1].split(',').collect();
        assert_eq!(header.len(), beta.len());
        let col = |name: &str| beta[header.iter().position(|h| *h == name).unwrap()];
        assert_eq!(col("model"), "beta");
        assert_eq!(col("dollars_earned"), "75.00");
        assert_eq!(col("pass_at_1"), "0.5000");
        assert_eq!(col("pass_at_5"), "");
        assert_eq!(col("infra_error"), "1");
    }

    #[test]
    fn task_rows_quote_and_defuse_user_text() {
        let mut s = summary();
        s.tasks[0].title = "=HYPERLINK(\"x\"), \"quoted\"".into();
        let text = tasks_csv(&s);
        assert_eq!(text.matches("\r\n").count(), 1 + 3 * 2);
        assert!(
            text.contains(r#","'=HYPERLINK(""x""), ""quoted""","#),
            "{text}"
        );
    }
}
