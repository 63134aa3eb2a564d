//! crucible's simple line format, written by test programs that have no runner of their own
//! (the C++ tasks' `tests/check.h`):
//!
//! ```text
//! PASS <name>
//! FAIL <name>: <message>
//! SKIP <name>
//! ```
//!
//! The keyword must start the line and be followed by one space. `FAIL <name>` without a message
//! and `SKIP <name>: <reason>` are accepted too. Every other line is ignored, so a test program may
//! print freely around its results. A name is everything up to the first `": "` for FAIL/SKIP and
//! the whole rest of the line for PASS.
use super::bounded::ReportBuilder;
use super::{Report, ReportError, ReportFormat, TestOutcome};

pub fn parse(text: &str) -> Result<Report, ReportError> {
    let mut report = ReportBuilder::new(ReportFormat::Simple);
    for line in text.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let Some((keyword, rest)) = line.split_once(' ') else {
            continue;
        };
        let outcome = match keyword {
            "PASS" => TestOutcome::Passed,
            "FAIL" => TestOutcome::Failed,
            "SKIP" => TestOutcome::Skipped,
            _ => continue,
        };
        let (name, message) = match outcome {
            TestOutcome::Passed => (rest, None),
            _ => match rest.split_once(": ") {
                Some((name, message)) => (name, Some(message)),
                None => (rest, None),
            },
        };
        if name.trim().is_empty() {
            continue;
        }
        report.case(name, outcome, message)?;
    }
    Ok(report.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testreport::TestCase;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/tests/fixtures/reports/simple/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn case(name: &str, outcome: TestOutcome, message: Option<&str>) -> TestCase {
        TestCase {
            name: name.into(),
            outcome,
            message: message.map(Into::into),
        }
    }

    #[test]
    fn passing_fixture() {
        let report = crate::testreport::parse(ReportFormat::Simple, &fixture("pass.txt")).unwrap();
        assert!(report.errors.is_empty());
        let names: Vec<_> = report.cases.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["add_small", "add_negative", "add_overflow_wraps"]);
        assert!(
            report
                .cases
                .iter()
                .all(|c| c.outcome == TestOutcome::Passed)
        );
    }

    #[test]
    fn failing_fixture_keeps_messages_and_ignores_noise() {
        let report = crate::testreport::parse(ReportFormat::Simple, &fixture("fail.txt")).unwrap();
        assert_eq!(
            report.cases,
            vec![
                case("add_small", TestOutcome::Passed, None),
                case(
                    "add_negative",
                    TestOutcome::Failed,
                    Some("expected -3, got 3 (tests/test_add.cpp:12)")
                ),
                case("needs_network", TestOutcome::Skipped, None),
                case("add_small", TestOutcome::Passed, None),
            ]
        );
    }

    #[test]
    fn crashed_fixture_has_only_the_cases_written_before_the_crash() {
        let report = crate::testreport::parse(ReportFormat::Simple, &fixture("crash.txt")).unwrap();
        assert_eq!(report.cases, vec![case("first", TestOutcome::Passed, None)]);
    }

    #[test]
    fn keywords_must_start_the_line_and_be_exact() {
        let text =
            "  PASS indented\npass lower\nPASSED x\nFAIL  \nPASS a: b\r\nFAIL bare\nSKIP s: why\n";
        let report = parse(text).unwrap();
        assert_eq!(
            report.cases,
            vec![
                case("a: b", TestOutcome::Passed, None),
                case("bare", TestOutcome::Failed, None),
                case("s", TestOutcome::Skipped, Some("why")),
            ]
        );
    }
}
