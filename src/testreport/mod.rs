//! Per-test-case results parsed from the machine-readable reports that test runners write.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TestOutcome {
    Passed,
    Failed,
    Skipped,
    Error,
}

impl TestOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            TestOutcome::Passed => "passed",
            TestOutcome::Failed => "failed",
            TestOutcome::Skipped => "skipped",
            TestOutcome::Error => "error",
        }
    }

    /// The outcome `as_str` names, if any (a store written by a newer crucible may hold others).
    pub fn parse(s: &str) -> Option<TestOutcome> {
        [
            TestOutcome::Passed,
            TestOutcome::Failed,
            TestOutcome::Skipped,
            TestOutcome::Error,
        ]
        .into_iter()
        .find(|o| o.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestCase {
    pub name: String,
    pub outcome: TestOutcome,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// The report formats crucible reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReportFormat {
    /// JUnit XML (pytest --junitxml, JUnit 5 console launcher, many others).
    Junit,
    /// TAP version 13/14 (node --test --test-reporter=tap).
    Tap,
    /// `go test -json` event stream.
    GoTestJson,
    /// libtest's human output (`cargo test`).
    Libtest,
    /// crucible's simple line format: `PASS name` / `FAIL name: message` / `SKIP name`.
    Simple,
}

impl ReportFormat {
    /// The name tasks use for this format in `task.toml`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportFormat::Junit => "junit",
            ReportFormat::Tap => "tap",
            ReportFormat::GoTestJson => "go-test-json",
            ReportFormat::Libtest => "libtest",
            ReportFormat::Simple => "simple",
        }
    }
}

impl std::fmt::Display for ReportFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

mod bounded;
pub mod gotest;
pub mod junit;
pub mod libtest;
pub mod simple;
pub mod tap;

pub use bounded::{MAX_CASES, MAX_ERRORS, MAX_REPORT_BYTES, MAX_TEXT_BYTES};

/// What a report says: its test cases, in report order, and problems that belong to no single case.
///
/// The parser does not judge. A report claiming all-pass is returned as all-pass; the caller combines
/// it with the exit code and the expected case count.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// Every test case the report names, duplicates kept.
    pub cases: Vec<TestCase>,
    /// Report-level problems: collection errors, build/compile failures, a test binary or file that
    /// crashed, a truncated report. Non-empty means the tests did not (all) run.
    pub errors: Vec<String>,
}

/// A report that could not be read at all (as opposed to a report that says tests failed).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReportError {
    #[error(
        "{format} report is malformed at {location}: {problem} \
         (the test runner or the code under test wrote something that is not {format})"
    )]
    Malformed {
        format: ReportFormat,
        /// `line N`, `byte N` or `end of input`.
        location: String,
        problem: String,
    },
    #[error(
        "{format} report names more than {max} test cases; refusing to read further \
         (no benchmark task has that many; the report is broken or hostile)"
    )]
    TooManyCases { format: ReportFormat, max: usize },
    #[error(
        "{format} report is {size} bytes, over the {max}-byte limit; refusing to parse it \
         (read at most {max} bytes of the report file)"
    )]
    TooLarge {
        format: ReportFormat,
        size: usize,
        max: usize,
    },
}

/// Parse a report written by a test runner. `bytes` may be anything: invalid UTF-8 is replaced,
/// sizes are capped, and nothing in the input can make this panic or loop forever.
pub fn parse(format: ReportFormat, bytes: &[u8]) -> Result<Report, ReportError> {
    if bytes.len() > MAX_REPORT_BYTES {
        return Err(ReportError::TooLarge {
            format,
            size: bytes.len(),
            max: MAX_REPORT_BYTES,
        });
    }
    let text = String::from_utf8_lossy(bytes);
    match format {
        ReportFormat::Junit => junit::parse(&text),
        ReportFormat::Tap => tap::parse(&text),
        ReportFormat::GoTestJson => gotest::parse(&text),
        ReportFormat::Libtest => libtest::parse(&text),
        ReportFormat::Simple => simple::parse(&text),
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::{Report, ReportFormat, TestOutcome};

    /// A committed fixture under `tests/fixtures/reports/<dir>/`.
    pub(crate) fn fixture(dir: &str, name: &str) -> Vec<u8> {
        let path = format!(
            "{}/tests/fixtures/reports/{dir}/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read fixture {path}: {e}"))
    }

    pub(crate) fn parse_fixture(format: ReportFormat, dir: &str, name: &str) -> Report {
        super::parse(format, &fixture(dir, name))
            .unwrap_or_else(|e| panic!("fixture {dir}/{name} did not parse: {e}"))
    }

    /// `(name, outcome)` pairs, the shape most fixture assertions compare.
    pub(crate) fn outcomes(report: &Report) -> Vec<(&str, TestOutcome)> {
        report
            .cases
            .iter()
            .map(|c| (c.name.as_str(), c.outcome))
            .collect()
    }

    pub(crate) fn message_of<'r>(report: &'r Report, name: &str) -> &'r str {
        report
            .cases
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no case named {name}"))
            .message
            .as_deref()
            .unwrap_or_else(|| panic!("case {name} has no message"))
    }
}

#[cfg(test)]
mod fuzz_tests;
