//! The one table model every report view is built as, and its terminal rendering.
//!
//! A view (models, tasks, compare, flips) is built once into a [`Table`]: columns, then rows of
//! typed [`Cell`]s. Each format renders the same columns in the same order; only how a cell
//! looks differs (`$1,234.50` on screen, `1234.50` in CSV).
use super::text::{duration_ms, fraction_pct, one_line, pct, truncate, usd};
use crate::verdict::Verdict;

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// What the table shows, e.g. "Models"; a heading in documents.
    pub title: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    /// Sentences printed under the table (not in CSV): what the numbers are over.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Header for people.
    pub label: String,
    /// Header in CSV: snake_case, stable.
    pub key: String,
    /// For a column of [`Cell::Ratio`]: the CSV header of the second number (the first goes
    /// under `key`). None: CSV keeps only the first number.
    pub total_key: Option<String>,
    /// Longest text shown by the text formats (terminal, Markdown); HTML and CSV keep it all.
    pub max_chars: Option<usize>,
    pub align: Align,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

impl Column {
    /// A column of user text or labels, left-aligned.
    pub fn text(label: impl Into<String>, key: impl Into<String>) -> Column {
        Column {
            label: label.into(),
            key: key.into(),
            total_key: None,
            max_chars: None,
            align: Align::Left,
        }
    }

    /// A column of numbers, right-aligned.
    pub fn number(label: impl Into<String>, key: impl Into<String>) -> Column {
        Column {
            align: Align::Right,
            ..Column::text(label, key)
        }
    }

    /// A column of [`Cell::Ratio`]; CSV splits it into `key` and `total_key`.
    pub fn ratio(label: impl Into<String>, key: impl Into<String>, total_key: &str) -> Column {
        Column {
            total_key: Some(total_key.to_string()),
            ..Column::number(label, key)
        }
    }

    pub fn max_chars(mut self, max: usize) -> Column {
        self.max_chars = Some(max);
        self
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// No value (e.g. no judged execution to take a median of).
    Empty,
    /// User text (names, ids, reasons): every renderer escapes it for its format.
    Text(String),
    Count(u64),
    /// `part/whole`, e.g. tasks solved of all tasks.
    Ratio(u64, u64),
    /// A percentage, 0..=100.
    Percent(f64),
    /// A fraction, 0..=1, shown as a percentage (pass@k, flake rate).
    Rate(f64),
    Dollars(f64),
    /// Milliseconds.
    Duration(u64),
    /// A verdict (None: never ran), with a short detail ("2/3 tests") and a longer note (the
    /// reason, an HTML tooltip).
    Verdict {
        verdict: Option<Verdict>,
        detail: String,
        note: String,
        /// Which tests or cases failed, and the first one's message (e.g. an I/O case's short
        /// diff); shown where a cell has room (HTML).
        failures: String,
    },
    /// A label that is good or bad news (e.g. "newly failed").
    Status {
        label: String,
        good: bool,
    },
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    pub fn opt<T>(value: Option<T>, cell: impl FnOnce(T) -> Cell) -> Cell {
        value.map_or(Cell::Empty, cell)
    }

    /// The cell for people, before any escaping: what the terminal, Markdown and HTML show.
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => "-".into(),
            Cell::Text(s) => s.clone(),
            Cell::Count(n) => n.to_string(),
            Cell::Ratio(part, whole) => format!("{part}/{whole}"),
            Cell::Percent(p) => pct(*p),
            Cell::Rate(r) => fraction_pct(*r),
            Cell::Dollars(d) => usd(*d),
            Cell::Duration(ms) => duration_ms(*ms),
            Cell::Verdict { verdict, .. } => verdict_label(*verdict).into(),
            Cell::Status { label, .. } => label.clone(),
        }
    }

    /// `display` plus the verdict's detail, for formats with one line per cell.
    pub fn display_with_detail(&self) -> String {
        match self {
            Cell::Verdict { detail, .. } if !detail.is_empty() => {
                format!("{} ({detail})", self.display())
            }
            _ => self.display(),
        }
    }
}

pub fn verdict_label(verdict: Option<Verdict>) -> &'static str {
    verdict.map_or("not run", Verdict::as_str)
}

/// Lay out rows so every column is as wide as its widest cell, separated by two spaces.
fn align(rows: &[Vec<String>], right: &[bool]) -> String {
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

/// The table for a terminal: aligned columns, user text on one line without escape sequences,
/// then the notes.
pub fn to_text(table: &Table) -> String {
    let shown = |column: &Column, s: String| {
        let s = one_line(&s);
        column.max_chars.map_or(s.clone(), |max| truncate(&s, max))
    };
    let mut rows = vec![
        table
            .columns
            .iter()
            .map(|c| shown(c, c.label.clone()))
            .collect::<Vec<_>>(),
    ];
    rows.extend(table.rows.iter().map(|row| {
        table
            .columns
            .iter()
            .zip(row)
            .map(|(column, cell)| shown(column, cell.display_with_detail()))
            .collect()
    }));
    let right: Vec<bool> = table
        .columns
        .iter()
        .map(|c| c.align == Align::Right)
        .collect();
    let mut out = align(&rows, &right);
    if !table.notes.is_empty() {
        out.push('\n');
    }
    for note in &table.notes {
        out.push_str(&one_line(note));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_fixtures::table as sample;

    #[test]
    fn cells_display_by_type() {
        let t = sample();
        let shown: Vec<String> = t.rows[0].iter().map(Cell::display_with_detail).collect();
        assert_eq!(
            shown,
            [
                "a-very-long-model",
                "2/3",
                "$1,234.50",
                "50.0%",
                "1.25s",
                "failed (2/3 tests)"
            ]
        );
        assert_eq!(t.rows[1][3].display(), "-");
        assert_eq!(t.rows[1][5].display_with_detail(), "not run");
        assert_eq!(Cell::Percent(83.333).display(), "83.3%");
        assert_eq!(Cell::Count(7).display(), "7");
        assert_eq!(Cell::opt(None::<u64>, Cell::Count), Cell::Empty);
    }

    #[test]
    fn text_is_aligned_truncated_and_defused() {
        let text = to_text(&sample());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 5, "{text}");
        assert!(lines[0].starts_with("model   "), "{text}");
        assert!(lines[1].starts_with("a-very-…"), "{text}");
        assert!(!text.contains('\x1b'), "{text:?}");
        assert!(lines[2].starts_with("b?[2J"), "{text}");
        // Right-aligned numbers end in the same place on every line.
        let end = |l: &str, s: &str| l.find(s).map(|i| l[..i + s.len()].chars().count());
        assert_eq!(end(lines[1], "50.0%"), end(lines[0], "pass@1"));
        assert_eq!(end(lines[2], "$0.00"), end(lines[0], "earned"));
        assert_eq!(lines[3], "");
        assert_eq!(lines[4], "pass@1 over 1 of 3 tasks");
    }

    #[test]
    fn run_table_is_aligned_and_shows_present_verdicts_only() {
        let text = crate::report::terminal::render(&crate::report::test_fixtures::summary());
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[0].starts_with("run run-1 · 3 tasks · $175.00 available"),
            "{text}"
        );
        let header = lines[2];
        assert!(header.starts_with("model"), "{text}");
        for col in [
            "solved (all tasks)",
            "accuracy (all tasks)",
            "earned (all tasks)",
            "tasks with samples",
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
        assert_eq!(lines[5], "", "{text}");
        assert!(
            text.contains("No model had memory_limit, output_limit, invalid_input or interrupted"),
            "{text}"
        );
    }

    #[test]
    fn escape_sequences_in_model_names_do_not_reach_the_terminal() {
        let mut s = crate::report::test_fixtures::summary();
        s.models[0].model = "evil\x1b]0;pwned\x07\nmodel".into();
        let text = crate::report::terminal::render(&s);
        assert!(!text.contains('\x1b') && !text.contains('\x07'), "{text:?}");
        assert!(text.contains("evil?]0;pwned? model"), "{text}");
    }
}
