//! Output files: compared as text (like `lines`), as CSV cell by cell, or as JSON values, numbers
//! within the task's tolerance.
use super::check::{clip, first_difference, json_text_equal, token_equal};
use super::{Checker, Compare, FileFormat};

/// `Ok` when `actual` matches `expected`; otherwise where they first differ.
pub fn check_file(
    format: FileFormat,
    c: &Compare,
    expected: &str,
    actual: &str,
) -> Result<(), String> {
    match format {
        FileFormat::Text => {
            if super::check_stdout(Checker::Lines, c, &[expected.to_string()], actual) {
                Ok(())
            } else {
                Err(first_difference(expected, actual))
            }
        }
        FileFormat::Csv => csv_equal(expected, actual, c),
        FileFormat::Json => json_text_equal(expected, actual, c),
    }
}

fn csv_equal(expected: &str, actual: &str, c: &Compare) -> Result<(), String> {
    let (e, a) = (csv_rows(expected), csv_rows(actual));
    for (i, (er, ar)) in e.iter().zip(&a).enumerate() {
        if er.len() != ar.len() {
            return Err(format!(
                "row {}: expected {} cells, got {}",
                i + 1,
                er.len(),
                ar.len()
            ));
        }
        for (j, (x, y)) in er.iter().zip(ar).enumerate() {
            if !token_equal(x.trim(), y.trim(), c) {
                return Err(format!(
                    "row {}, column {}: expected `{}`, got `{}`",
                    i + 1,
                    j + 1,
                    clip(x),
                    clip(y)
                ));
            }
        }
    }
    if e.len() != a.len() {
        return Err(format!("expected {} rows, got {}", e.len(), a.len()));
    }
    Ok(())
}

/// RFC 4180 rows: quoted cells may hold commas, doubled quotes and newlines; blank lines and
/// `\r` before a newline are ignored.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut cell) = (Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(ch) = chars.next() {
        match ch {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => row.push(std::mem::take(&mut cell)),
            '\r' if !quoted && chars.peek() == Some(&'\n') => {}
            '\n' if !quoted => {
                row.push(std::mem::take(&mut cell));
                if !(row.len() == 1 && row[0].trim().is_empty()) {
                    rows.push(std::mem::take(&mut row));
                }
                row.clear();
            }
            _ => cell.push(ch),
        }
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push(row);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c() -> Compare {
        Compare {
            abs_tol: 1e-6,
            rel_tol: 1e-6,
            ..Compare::default()
        }
    }

    #[test]
    fn text_files_compare_as_lines() {
        assert!(check_file(FileFormat::Text, &c(), "a\nb\n", "a  \nb").is_ok());
        let e = check_file(FileFormat::Text, &c(), "a\nb\n", "a\nx\n").unwrap_err();
        assert!(e.contains("line 2"), "{e}");
    }

    #[test]
    fn csv_cells_compare_with_numeric_tolerance_and_quotes() {
        let expected = "name,total\r\n\"Smith, J\",10.5\nLee,0.1\n";
        assert!(
            check_file(
                FileFormat::Csv,
                &c(),
                expected,
                "name,total\n\"Smith, J\",10.5000001\nLee,0.1\n\n"
            )
            .is_ok()
        );
        let e = check_file(
            FileFormat::Csv,
            &c(),
            expected,
            "name,total\nSmith J,10.5\nLee,0.1\n",
        )
        .unwrap_err();
        assert!(e.contains("row 2"), "{e}");
        let e = check_file(
            FileFormat::Csv,
            &c(),
            expected,
            "name,total\n\"Smith, J\",10.6\nLee,0.1\n",
        )
        .unwrap_err();
        assert!(e.contains("column 2"), "{e}");
        assert!(check_file(FileFormat::Csv, &c(), expected, "name,total\n").is_err());
        assert!(check_file(FileFormat::Csv, &c(), "a\n\"x\"\"y\"\n", "a\n\"x\"\"y\"").is_ok());
    }

    #[test]
    fn json_values_compare_structurally_numbers_within_tolerance() {
        let e = r#"{"total": 12.5, "items": [1, 2, {"k": "v"}], "ok": true}"#;
        assert!(
            check_file(
                FileFormat::Json,
                &c(),
                e,
                r#"{"ok":true,"items":[1.0,2,{"k":"v"}],"total":12.5000001}"#
            )
            .is_ok()
        );
        let err = check_file(
            FileFormat::Json,
            &c(),
            e,
            r#"{"ok":true,"items":[1,3,{"k":"v"}],"total":12.5}"#,
        )
        .unwrap_err();
        assert!(err.contains("$.items[1]"), "{err}");
        assert!(
            check_file(
                FileFormat::Json,
                &c(),
                e,
                r#"{"ok":true,"items":[1,2,{"k":"v"}]}"#
            )
            .is_err()
        );
        assert!(check_file(FileFormat::Json, &c(), e, "not json").is_err());
        assert!(
            check_file(FileFormat::Json, &c(), r#""1""#, "1").is_err(),
            "a string is not a number"
        );
    }
}
