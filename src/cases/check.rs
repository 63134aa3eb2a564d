//! The stdout checkers, and the short diff a wrong answer's message shows.
use super::{Checker, Compare};

/// Whether `actual` matches any of the accepted outputs under `checker`.
pub fn check_stdout(
    checker: Checker,
    compare: &Compare,
    accepted: &[String],
    actual: &str,
) -> bool {
    accepted
        .iter()
        .any(|expected| matches(checker, compare, expected, actual))
}

fn matches(checker: Checker, c: &Compare, expected: &str, actual: &str) -> bool {
    match checker {
        Checker::Exact => expected == actual,
        Checker::Lines => significant_lines(expected) == significant_lines(actual),
        Checker::Tokens => tokens_equal(expected, actual, |e, a| text_equal(e, a, c)),
        Checker::Numbers => {
            let (e, a) = (expected.trim(), actual.trim());
            e.lines().map(str::trim).eq(a.lines().map(str::trim))
                || tokens_equal(e, a, |e, a| token_equal(e, a, c))
        }
        Checker::Json => json_text_equal(expected, actual, c).is_ok(),
        // The checker program decides, in an execution of its own (`judge_case`).
        Checker::Custom => false,
    }
}

/// Lines without trailing whitespace, trailing blank lines dropped.
fn significant_lines(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    while lines.last() == Some(&"") {
        lines.pop();
    }
    lines
}

fn tokens_equal(e: &str, a: &str, same: impl Fn(&str, &str) -> bool) -> bool {
    let (mut e, mut a) = (e.split_whitespace(), a.split_whitespace());
    loop {
        match (e.next(), a.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if same(x, y) => {}
            _ => return false,
        }
    }
}

fn text_equal(e: &str, a: &str, c: &Compare) -> bool {
    if c.case_insensitive {
        e.to_lowercase() == a.to_lowercase()
    } else {
        e == a
    }
}

/// Numeric tokens equal within tolerance, others as text.
pub(super) fn token_equal(e: &str, a: &str, c: &Compare) -> bool {
    match (number(e), number(a)) {
        (Some(x), Some(y)) => close(x, y, c),
        _ => text_equal(e, a, c),
    }
}

/// `math.isclose`: |x-y| <= max(rel_tol * max(|x|, |y|), abs_tol).
pub(super) fn close(x: f64, y: f64, c: &Compare) -> bool {
    x == y || (x - y).abs() <= (c.rel_tol * x.abs().max(y.abs())).max(c.abs_tol)
}

/// A decimal number (`-1`, `+2.50`, `.5`, `1e-9`); `inf`, `nan` and hex stay text.
pub(super) fn number(token: &str) -> Option<f64> {
    let digits = token.bytes().any(|b| b.is_ascii_digit());
    let plain = token
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'));
    if digits && plain {
        token.parse().ok().filter(|x: &f64| x.is_finite())
    } else {
        None
    }
}

/// Two JSON texts as values; `Err` says where they first differ.
pub(super) fn json_text_equal(expected: &str, actual: &str, c: &Compare) -> Result<(), String> {
    let e: serde_json::Value = serde_json::from_str(expected)
        .map_err(|e| format!("the expected value is not JSON: {e}"))?;
    let a: serde_json::Value =
        serde_json::from_str(actual).map_err(|e| format!("not one JSON value: {e}"))?;
    json_equal(&e, &a, c, "$")
}

fn json_equal(
    e: &serde_json::Value,
    a: &serde_json::Value,
    c: &Compare,
    at: &str,
) -> Result<(), String> {
    use serde_json::Value;
    let differ = || {
        Err(format!(
            "{at}: expected {}, got {}",
            clip(&e.to_string()),
            clip(&a.to_string())
        ))
    };
    match (e, a) {
        // Integers exactly: a tolerance on 2^53 and beyond would accept a wrong answer.
        (Value::Number(x), Value::Number(y)) if x.is_i64() || x.is_u64() => {
            if y.is_f64()
                && x.as_f64()
                    .zip(y.as_f64())
                    .is_some_and(|(x, y)| close(x, y, c))
                || (x.as_i64().is_some() && x.as_i64() == y.as_i64())
                || (x.as_u64().is_some() && x.as_u64() == y.as_u64())
            {
                Ok(())
            } else {
                differ()
            }
        }
        (Value::Number(x), Value::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) if close(x, y, c) => Ok(()),
            _ => differ(),
        },
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return Err(format!(
                    "{at}: expected {} elements, got {}",
                    x.len(),
                    y.len()
                ));
            }
            x.iter()
                .zip(y)
                .enumerate()
                .try_for_each(|(i, (x, y))| json_equal(x, y, c, &format!("{at}[{i}]")))
        }
        (Value::Object(x), Value::Object(y)) => {
            if let Some(k) = x.keys().find(|k| !y.contains_key(*k)) {
                return Err(format!("{at}: key `{}` is missing", clip(k)));
            }
            if let Some(k) = y.keys().find(|k| !x.contains_key(*k)) {
                return Err(format!("{at}: unexpected key `{}`", clip(k)));
            }
            x.iter()
                .try_for_each(|(k, v)| json_equal(v, &y[k], c, &format!("{at}.{k}")))
        }
        _ if e == a => Ok(()),
        _ => differ(),
    }
}

/// The first line where the outputs differ (trailing whitespace ignored), for a message.
pub fn first_difference(expected: &str, actual: &str) -> String {
    let (e, a) = (significant_lines(expected), significant_lines(actual));
    for i in 0..e.len().max(a.len()) {
        let (x, y) = (e.get(i), a.get(i));
        if x != y {
            let show = |l: Option<&&str>| {
                l.map_or("<end of output>".to_string(), |l| format!("`{}`", clip(l)))
            };
            return format!("line {}: expected {}, got {}", i + 1, show(x), show(y));
        }
    }
    if expected == actual {
        "the outputs are equal".into()
    } else {
        "the output differs in whitespace only".into()
    }
}

/// At most 60 characters of `text`.
pub(super) fn clip(text: &str) -> String {
    match text.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(checker: Checker, expected: &str, actual: &str) -> bool {
        check_stdout(
            checker,
            &Compare::default(),
            &[expected.to_string()],
            actual,
        )
    }

    #[test]
    fn json_values_compare_integers_exactly_and_floats_within_tolerance() {
        assert!(ok(Checker::Json, "[1, 2.5]", " [1,2.5000000001]\n"));
        assert!(ok(Checker::Json, "3", "3.0"));
        assert!(!ok(
            Checker::Json,
            "9223372030926249001",
            "9223372030926249002"
        ));
        assert!(!ok(Checker::Json, "{\"a\": 1}", "{\"a\": 1} trailing"));
        assert!(
            !ok(Checker::Custom, "1", "1"),
            "only the checker program accepts"
        );
    }

    #[test]
    fn exact_is_byte_for_byte() {
        assert!(ok(Checker::Exact, "1 2\n", "1 2\n"));
        assert!(!ok(Checker::Exact, "1 2\n", "1 2"));
        assert!(!ok(Checker::Exact, "1 2\n", "1 2 \n"));
    }

    #[test]
    fn lines_ignore_trailing_whitespace_and_trailing_blank_lines_only() {
        assert!(ok(Checker::Lines, "a b\nc\n", "a b  \r\nc\n\n\n"));
        assert!(ok(Checker::Lines, "a\n", "a"));
        assert!(!ok(Checker::Lines, "a b\n", "a  b\n"), "inner spaces count");
        assert!(
            !ok(Checker::Lines, "a\nb\n", "a\n\nb\n"),
            "inner blank lines count"
        );
        assert!(!ok(Checker::Lines, "a\n", " a\n"), "leading spaces count");
    }

    #[test]
    fn tokens_ignore_all_whitespace_and_case_only_when_asked() {
        assert!(ok(Checker::Tokens, "1 2\n3", "1\n2 3  "));
        assert!(!ok(Checker::Tokens, "1 2 3", "1 2"));
        assert!(!ok(Checker::Tokens, "YES", "yes"));
        let ci = Compare {
            case_insensitive: true,
            ..Compare::default()
        };
        assert!(check_stdout(Checker::Tokens, &ci, &["YES".into()], "yes"));
        // Tokens are never compared as numbers.
        assert!(!ok(Checker::Tokens, "1.0", "1"));
    }

    #[test]
    fn numbers_within_tolerance_and_text_tokens_exactly() {
        assert!(ok(Checker::Numbers, "0.333333333333", "0.3333333333333333"));
        assert!(ok(Checker::Numbers, "1.0 2", "1 2.000000000"));
        assert!(!ok(Checker::Numbers, "1.0", "1.001"));
        assert!(!ok(Checker::Numbers, "Yes 1", "yes 1"));
        assert!(
            ok(Checker::Numbers, "  a b \n", "a b"),
            "stripped lines equal"
        );
        // Absolute tolerance near zero, relative tolerance for large numbers.
        let c = Compare {
            abs_tol: 1e-6,
            rel_tol: 1e-6,
            ..Compare::default()
        };
        let n = |e: &str, a: &str| check_stdout(Checker::Numbers, &c, &[e.into()], a);
        assert!(n("0", "0.0000009"));
        assert!(!n("0", "0.0000011"));
        assert!(n("1000000", "1000000.9"));
        assert!(!n("1000000", "1000001.1"));
        assert!(n("-1e3", "-1000.0000001"));
        // Not numbers: compared as text.
        assert!(!n("nan", "NaN"));
        assert!(!n("0x10", "16"));
        let ci = Compare {
            case_insensitive: true,
            ..c
        };
        assert!(check_stdout(
            Checker::Numbers,
            &ci,
            &["Yes 1.5".into()],
            "YES 1.5000001"
        ));
        assert!(!ok(Checker::Numbers, "1 2", "1 2 3"));
    }

    #[test]
    fn any_accepted_output_wins() {
        let accepted = ["1 2".to_string(), "2 1".to_string()];
        let c = Compare::default();
        assert!(check_stdout(Checker::Lines, &c, &accepted, "2 1\n"));
        assert!(check_stdout(Checker::Lines, &c, &accepted, "1 2\n"));
        assert!(!check_stdout(Checker::Lines, &c, &accepted, "1 1\n"));
        assert!(!check_stdout(Checker::Lines, &c, &[], "anything"));
    }

    #[test]
    fn the_difference_names_the_first_differing_line_clipped() {
        assert_eq!(
            first_difference("a\nb\n", "a\nc\n"),
            "line 2: expected `b`, got `c`"
        );
        assert_eq!(
            first_difference("a\nb\n", "a\n"),
            "line 2: expected `b`, got <end of output>"
        );
        let long = "x".repeat(200);
        let d = first_difference("y", &long);
        assert!(d.len() < 100 && d.ends_with("…`"), "{d}");
        assert_eq!(
            first_difference("a b", "a b "),
            "the output differs in whitespace only"
        );
    }
}
