//! GitHub-flavoured Markdown of any report [`Table`], and the run report: models, then tasks.
use super::summary::RunSummary;
use super::table::{Align, Cell, Table};
use super::text::{html, one_line, truncate, usd};
use super::views;
use crate::verdict::Verdict;

/// One table cell of user text: no line breaks, no table/emphasis syntax, and HTML escaped by
/// the report's one HTML escaper (GitHub renders entities).
pub fn cell(s: &str) -> String {
    let mut out = String::new();
    for c in one_line(s).chars() {
        match c {
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push_str(&html(c.encode_utf8(&mut [0; 4]))),
        }
    }
    out
}

fn row(out: &mut String, cells: &[String]) {
    out.push_str("| ");
    out.push_str(&cells.join(" | "));
    out.push_str(" |\n");
}

fn mark(good: bool) -> &'static str {
    if good { "✅" } else { "❌" }
}

fn shown(c: &Cell, max_chars: Option<usize>) -> String {
    let text = match c {
        Cell::Verdict { verdict: None, .. } => format!("— {}", c.display_with_detail()),
        Cell::Verdict {
            verdict: Some(v), ..
        } => format!(
            "{} {}",
            mark(*v == Verdict::Passed),
            c.display_with_detail()
        ),
        Cell::Status { label, good } => format!("{} {label}", mark(*good)),
        c => c.display(),
    };
    cell(&max_chars.map_or(text.clone(), |max| truncate(&text, max)))
}

/// The table (header, alignment row, rows), then its notes as a paragraph.
pub fn table(t: &Table) -> String {
    let mut out = String::new();
    row(
        &mut out,
        &t.columns.iter().map(|c| cell(&c.label)).collect::<Vec<_>>(),
    );
    row(
        &mut out,
        &t.columns
            .iter()
            .map(|c| match c.align {
                Align::Left => "---".to_string(),
                Align::Right => "---:".to_string(),
            })
            .collect::<Vec<_>>(),
    );
    for cells in &t.rows {
        row(
            &mut out,
            &t.columns
                .iter()
                .enumerate()
                .map(|(i, c)| shown(cells.get(i).unwrap_or(&Cell::Empty), c.max_chars))
                .collect::<Vec<_>>(),
        );
    }
    if !t.notes.is_empty() {
        out.push('\n');
        let notes: Vec<String> = t.notes.iter().map(|n| cell(n)).collect();
        out.push_str(&notes.join("\n\n"));
        out.push('\n');
    }
    out
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
    for view in [views::models(summary), views::tasks(summary)] {
        out.push_str(&format!("## {}\n\n", cell(&view.title)));
        out.push_str(&table(&view));
        out.push('\n');
    }
    out.pop();
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
            text.contains(
                "| t1 | Task t1 | python | $100.00 | ❌ failed (2/3 tests, 0/2 samples) | ✅ passed (3/3 tests, 1/2 samples) |"
            ),
            "{text}"
        );
        assert!(text.contains("| infra\\_error |"), "{text}");
    }

    #[test]
    fn user_text_cannot_break_the_table_or_inject_html() {
        assert_eq!(cell("a|b\n<script>*x*"), "a\\|b &lt;script&gt;\\*x\\*");
        assert_eq!(cell("'\"&#"), "&#39;&quot;&amp;\\#");
    }

    #[test]
    fn table_cells_are_marked_truncated_and_noted() {
        let text = table(&crate::report::test_fixtures::table());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[1], "| --- | ---: | ---: | ---: | ---: | --- |");
        assert_eq!(
            lines[2],
            "| a-very-… | 2/3 | $1,234.50 | 50.0% | 1.25s | ❌ failed (2/3 tests) |"
        );
        assert_eq!(lines[3], "| b?\\[2J | 0/3 | $0.00 | - | - | — not run |");
        assert_eq!(lines[5], "pass@1 over 1 of 3 tasks");
    }
}
