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

// TEMPORARY until the parsers land.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub cases: Vec<TestCase>,
    pub errors: Vec<String>,
}
pub fn parse(_format: ReportFormat, _bytes: &[u8]) -> Result<Report, String> {
    Err("parsers not merged yet".into())
}
