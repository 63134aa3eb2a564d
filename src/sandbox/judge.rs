//! From what happened in the container to one verdict. Pure: every rule is unit-tested.
use super::entrypoint::{ReportState, Trailer};
use crate::testreport::{TestCase, TestOutcome};
use crate::verdict::Verdict;

/// Why crucible itself killed the container; this wins over the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KillReason {
    Timeout,
    Output,
}

/// How to read the test command's result.
#[derive(Debug, Clone, Default)]
pub struct Expectation {
    /// Parse the report with this function; `None`: judge by exit code alone.
    pub report: Option<crate::testreport::ReportFormat>,
    /// The number of test cases the suite holds (0: no requirement).
    pub declared_tests: u32,
    /// Exit codes meaning "the tests could not run".
    pub error_exit_codes: Vec<i64>,
}

/// A report as parsed (or why it could not be).
pub type ParsedReport = Result<crate::testreport::Report, String>;

pub struct Evidence<'a> {
    pub killed_for: Option<KillReason>,
    pub timeout_secs: f64,
    pub output_cap: u64,
    pub oom_killed: bool,
    pub container_exit: i64,
    pub trailer: Option<&'a Trailer>,
    pub report: Option<ParsedReport>,
}

pub struct Judgement {
    pub verdict: Verdict,
    pub reason: String,
    pub tests: Vec<TestCase>,
}

pub fn judge(e: Evidence<'_>, x: &Expectation) -> Judgement {
    let verdict = |verdict: Verdict, reason: String, tests: Vec<TestCase>| Judgement {
        verdict,
        reason,
        tests,
    };
    let (tests, report_problem) = match &e.report {
        Some(Ok(r)) => (r.cases.clone(), r.errors.first().cloned()),
        Some(Err(msg)) => (Vec::new(), Some(msg.clone())),
        None => (Vec::new(), None),
    };
    match e.killed_for {
        Some(KillReason::Timeout) => {
            return verdict(
                Verdict::Timeout,
                format!("killed after {:.1}s wall clock", e.timeout_secs),
                tests,
            );
        }
        Some(KillReason::Output) => {
            return verdict(
                Verdict::OutputLimit,
                format!("output passed the {} byte cap; killed", e.output_cap),
                tests,
            );
        }
        None => {}
    }
    if e.oom_killed {
        return verdict(
            Verdict::MemoryLimit,
            "the kernel OOM killer fired in the container".into(),
            tests,
        );
    }
    let Some(trailer) = e.trailer else {
        return verdict(
            Verdict::Error,
            format!(
                "the test harness did not finish (container exit {}; its entrypoint was killed)",
                e.container_exit
            ),
            tests,
        );
    };
    if trailer.unpack_failed {
        return verdict(
            Verdict::InfraError,
            "the payload could not be unpacked in the container (does the image have tar?)".into(),
            tests,
        );
    }
    let rc = trailer.rc;
    if x.error_exit_codes.contains(&rc) {
        return verdict(
            Verdict::Error,
            format!("the tests could not run (exit code {rc})"),
            tests,
        );
    }
    let Some(_format) = x.report else {
        return if rc == 0 {
            verdict(Verdict::Passed, "exit code 0".into(), tests)
        } else {
            verdict(Verdict::Failed, format!("exit code {rc}"), tests)
        };
    };
    if trailer.report == ReportState::TooLarge {
        return verdict(
            Verdict::Error,
            "the test report is larger than 4 MiB".into(),
            tests,
        );
    }
    let failed = tests
        .iter()
        .filter(|t| matches!(t.outcome, TestOutcome::Failed | TestOutcome::Error))
        .count();
    let passed = tests
        .iter()
        .filter(|t| t.outcome == TestOutcome::Passed)
        .count();
    if failed > 0 {
        return verdict(
            Verdict::Failed,
            format!(
                "{failed} of {} test cases failed (exit code {rc})",
                tests.len()
            ),
            tests,
        );
    }
    if let Some(problem) = report_problem {
        return verdict(
            Verdict::Error,
            format!("test report: {problem} (exit code {rc})"),
            tests,
        );
    }
    if e.report.is_none() || trailer.report == ReportState::Missing {
        let v = if rc == 0 {
            Verdict::Error
        } else {
            Verdict::Failed
        };
        return verdict(
            v,
            format!("the test command wrote no report (exit code {rc})"),
            tests,
        );
    }
    if rc != 0 {
        return verdict(
            Verdict::Failed,
            format!("exit code {rc} although the report shows no failure"),
            tests,
        );
    }
    if (passed as u64) < x.declared_tests as u64 {
        return verdict(
            Verdict::Error,
            format!(
                "only {passed} test cases passed and none failed, but the suite declares {}",
                x.declared_tests
            ),
            tests,
        );
    }
    if passed == 0 {
        return verdict(
            Verdict::Error,
            "the report holds no passing test case".into(),
            tests,
        );
    }
    verdict(
        Verdict::Passed,
        format!("{passed} test cases passed"),
        tests,
    )
}

/// The signal that ended a command, from a shell-style exit status (128+n).
pub fn signal_of(rc: i64) -> Option<i32> {
    (129..=128 + 64).contains(&rc).then(|| (rc - 128) as i32)
}
