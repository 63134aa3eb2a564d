//! GitHub-flavoured Markdown: a model table and a task × model table.
use super::summary::RunSummary;
use super::text::{duration_ms, fraction_pct, one_line, pct, truncate, usd};
use crate::verdict::Verdict;

/// One table cell of user text: no line breaks, no table/emphasis/HTML syntax.
pub fn cell(s: &str) -> String {
    let mut out = String::new();
    for c in one_line(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

fn row(out: &mut String, cells: &[String]) {
    out.push_str("| ");
    out.push_str(&cells.join(" | "));
    out.push_str(" |\n");
}

pub fn verdict_mark(verdict: Option<Verdict>) -> String {
    match verdict {
        Some(Verdict::Passed) => "✅ passed".into(),
        Some(v) => format!("❌ {v}"),
        None => "— not run".into(),
    }
}

pub fn render(summary: &RunSummary) -> String {
    let mut out = format!(
        "# crucible run {}\n\n{} tasks · {} available · {} sample(s) × {} repeat(s)\n\n",
        cell(&summary.run_id),
        summary.task_count,
        usd(summary.dollars_available),
        summary.samples,
        summary.repeats
    );
    if summary.models.is_empty() {
        out.push_str("No executions recorded for this run yet.\n");
        return out;
    }
    let ks: Vec<u32> = summary.models[0].pass_at_k.iter().map(|p| p.k).collect();
    let mut header: Vec<String> = ["Model", "Solved", "Accuracy", "Earned", "Tests passed"]
        .map(String::from)
        .to_vec();
    header.extend(ks.iter().map(|k| format!("pass@{k}")));
    header.extend(["Failed", "Error", "Timeout", "Other", "Median wall"].map(String::from));
    row(&mut out, &header);
    row(
        &mut out,
        &header
            .iter()
            .enumerate()
            .map(|(i, _)| if i == 0 { "---".into() } else { "---:".into() })
            .collect::<Vec<_>>(),
    );
    for m in &summary.models {
        let v = &m.verdicts;
        let other =
            v.memory_limit + v.output_limit + v.invalid_input + v.infra_error + v.interrupted;
        let mut cells = vec![
            cell(&m.model),
            format!("{}/{}", m.tasks_solved, m.tasks_total),
            pct(m.accuracy_pct),
            usd(m.dollars_earned),
            m.test_case_pass_rate_pct.map_or_else(|| "–".into(), pct),
        ];
        cells.extend(m.pass_at_k.iter().map(|p| fraction_pct(p.value)));
        cells.extend([
            v.failed.to_string(),
            v.error.to_string(),
            v.timeout.to_string(),
            other.to_string(),
            m.median_wall_ms.map_or_else(|| "–".into(), duration_ms),
        ]);
        row(&mut out, &cells);
    }

    out.push_str("\n## Tasks\n\n");
    let mut header: Vec<String> = ["Task", "Price"].map(String::from).to_vec();
    header.extend(summary.models.iter().map(|m| cell(&truncate(&m.model, 40))));
    row(&mut out, &header);
    let mut align = vec!["---".to_string(), "---:".to_string()];
    align.extend(summary.models.iter().map(|_| "---".to_string()));
    row(&mut out, &align);
    for t in &summary.tasks {
        let mut cells = vec![cell(&t.task_id), usd(t.price_usd)];
        cells.extend(t.results.iter().map(|r| verdict_mark(r.verdict)));
        row(&mut out, &cells);
    }
    out.push_str("\nA task is solved when the final attempt of its sample 0, repeat 0 passed.\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_fixtures::summary;

    #[test]
    fn tables_have_consistent_column_counts() {
        let text = render(&summary());
        let tables: Vec<Vec<&str>> = text
            .split("\n\n")
            .map(|block| {
                block
                    .lines()
                    .filter(|l| l.starts_with('|'))
                    .collect::<Vec<_>>()
            })
            .filter(|rows| !rows.is_empty())
            .collect();
        assert_eq!(tables.len(), 2, "{text}");
        assert_eq!(tables[0].len(), 2 + 2);
        assert_eq!(tables[1].len(), 2 + 3);
        for table in &tables {
            let pipes = table[0].matches(" | ").count();
            assert!(
                table.iter().all(|r| r.matches(" | ").count() == pipes),
                "{text}"
            );
        }
        assert!(
            text.contains("| t1 | $100.00 | ❌ failed | ✅ passed |"),
            "{text}"
        );
    }

    #[test]
    fn user_text_cannot_break_the_table_or_inject_html() {
        assert_eq!(cell("a|b\n<script>*x*"), "a\\|b &lt;script&gt;\\*x\\*");
    }
}
