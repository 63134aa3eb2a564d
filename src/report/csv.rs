//! CSV (RFC 4180) of any report [`Table`]: the one CSV writer of the crate.
//!
//! Headers are the columns' stable keys; numbers are plain (`1234.50`, `0.4500`, milliseconds)
//! so spreadsheets compute with them. Text cells that a spreadsheet would run as a formula
//! (leading `=`, `+`, `-`, `@`, tab or CR) get a leading `'`: task and model names come from users.
use super::summary::RunSummary;
use super::table::{Cell, Table};
use super::views;

fn quote(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_string()
    }
}

/// A field holding user text.
fn text(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        quote(&format!("'{cell}"))
    } else {
        quote(cell)
    }
}

/// The fields of one cell: one, or two for a ratio whose column keeps the total.
fn fields(cell: &Cell, split_ratio: bool) -> Vec<String> {
    let one = match cell {
        Cell::Empty => String::new(),
        Cell::Text(s) => text(s),
        Cell::Count(n) => n.to_string(),
        Cell::Ratio(part, whole) => {
            return if split_ratio {
                vec![part.to_string(), whole.to_string()]
            } else {
                vec![part.to_string()]
            };
        }
        Cell::Percent(p) => format!("{p:.2}"),
        Cell::Rate(r) => format!("{r:.4}"),
        Cell::Dollars(d) => format!("{d:.2}"),
        Cell::Duration(ms) => ms.to_string(),
        Cell::Verdict { verdict, .. } => {
            verdict.map(|v| v.as_str().to_string()).unwrap_or_default()
        }
        Cell::Status { label, .. } => text(&label.replace(' ', "_")),
    };
    vec![one]
}

/// Header and rows; the notes are for people and stay out.
pub fn to_csv(table: &Table) -> String {
    let mut out = String::new();
    let mut line = |cells: Vec<String>| {
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    };
    line(
        table
            .columns
            .iter()
            .flat_map(|c| std::iter::once(text(&c.key)).chain(c.total_key.as_deref().map(text)))
            .collect(),
    );
    for row in &table.rows {
        // A row without a cell for some column still gets that column's fields.
        let filler = Cell::Empty;
        line(
            table
                .columns
                .iter()
                .enumerate()
                .flat_map(|(i, c)| {
                    let cell = row.get(i).unwrap_or(&filler);
                    let mut f = fields(cell, c.total_key.is_some());
                    if c.total_key.is_some() && f.len() == 1 {
                        f.push(String::new());
                    }
                    f
                })
                .collect(),
        );
    }
    out
}

/// One row per model: the models view.
pub fn models_csv(summary: &RunSummary) -> String {
    to_csv(&views::models(summary))
}

/// One row per (task, model): the model's sample 0, repeat 0 result on that task.
pub fn tasks_csv(summary: &RunSummary) -> String {
    to_csv(&views::task_results(summary))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_fixtures::summary;

    #[test]
    fn one_row_per_model_with_the_models_view_columns() {
        let text = models_csv(&summary());
        let rows: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert_eq!(rows.len(), 3);
        let header: Vec<&str> = rows[0].split(',').collect();
        let beta: Vec<&str> = rows[1].split(',').collect();
        assert_eq!(header.len(), beta.len());
        let col = |name: &str| beta[header.iter().position(|h| *h == name).unwrap()];
        assert_eq!(col("model"), "beta");
        assert_eq!(col("tasks_solved"), "2");
        assert_eq!(col("tasks_total"), "3");
        assert_eq!(col("dollars_earned"), "75.00");
        assert_eq!(col("pass_at_1"), "0.5000");
        assert_eq!(col("infra_error"), "1");
        assert_eq!(col("median_wall_ms"), "1000");
        assert!(!header.contains(&"pass_at_5") && !header.contains(&"memory_limit"));
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
        let header = text.lines().next().unwrap();
        assert!(
            header.ends_with("tests_passed,tests_total,samples_passed,samples"),
            "{header}"
        );
    }

    #[test]
    fn every_column_gets_its_fields() {
        let mut t = crate::report::test_fixtures::table();
        t.rows[1].truncate(2);
        let text = to_csv(&t);
        let lines: Vec<&str> = text.lines().collect();
        let width = lines[0].split(',').count();
        assert!(
            lines.iter().all(|l| l.split(',').count() == width),
            "{text}"
        );
        assert!(
            lines[1].starts_with("a-very-long-model,2,3,1234.50,0.5000,1250,failed"),
            "{text}"
        );
    }
}
