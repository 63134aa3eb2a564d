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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testreport::{Report, ReportFormat};

    fn case(name: &str, outcome: TestOutcome) -> TestCase {
        TestCase {
            name: name.into(),
            outcome,
            message: None,
        }
    }

    fn trailer(rc: i64, report: ReportState) -> Trailer {
        Trailer {
            rc,
            cpu_usec: None,
            mem_peak: None,
            report,
            unpack_failed: false,
            oom_kills: None,
        }
    }

    fn junit(declared: u32) -> Expectation {
        Expectation {
            report: Some(ReportFormat::Junit),
            declared_tests: declared,
            error_exit_codes: vec![2],
        }
    }

    fn judge_with(
        t: Option<&Trailer>,
        cases: Vec<TestCase>,
        killed: Option<KillReason>,
        oom: bool,
        x: &Expectation,
    ) -> Verdict {
        let e = Evidence {
            killed_for: killed,
            timeout_secs: 1.0,
            output_cap: 10,
            oom_killed: oom,
            container_exit: t.map(|t| t.rc).unwrap_or(137),
            trailer: t,
            report: Some(Ok(Report {
                cases,
                errors: vec![],
            })),
        };
        judge(e, x).verdict
    }

    #[test]
    fn crucibles_own_kill_reason_wins_over_everything() {
        let t = trailer(0, ReportState::Present(vec![]));
        let all_pass = vec![case("a", TestOutcome::Passed)];
        assert_eq!(
            judge_with(
                Some(&t),
                all_pass.clone(),
                Some(KillReason::Timeout),
                true,
                &junit(1)
            ),
            Verdict::Timeout
        );
        assert_eq!(
            judge_with(
                Some(&t),
                all_pass,
                Some(KillReason::Output),
                false,
                &junit(1)
            ),
            Verdict::OutputLimit
        );
    }

    #[test]
    fn the_daemons_oom_record_wins_over_the_exit_code() {
        let t = trailer(0, ReportState::Present(vec![]));
        assert_eq!(
            judge_with(
                Some(&t),
                vec![case("a", TestOutcome::Passed)],
                None,
                true,
                &junit(1)
            ),
            Verdict::MemoryLimit
        );
    }

    #[test]
    fn a_pass_needs_exit_zero_an_all_pass_report_and_the_declared_count() {
        let present = ReportState::Present(vec![]);
        let two = vec![
            case("a", TestOutcome::Passed),
            case("b", TestOutcome::Passed),
        ];
        assert_eq!(
            judge_with(
                Some(&trailer(0, present.clone())),
                two.clone(),
                None,
                false,
                &junit(2)
            ),
            Verdict::Passed
        );
        // All pass in the report, but the runner failed: not a pass.
        assert_eq!(
            judge_with(
                Some(&trailer(1, present.clone())),
                two.clone(),
                None,
                false,
                &junit(2)
            ),
            Verdict::Failed
        );
        // Fewer cases than declared.
        assert_eq!(
            judge_with(
                Some(&trailer(0, present.clone())),
                two.clone(),
                None,
                false,
                &junit(3)
            ),
            Verdict::Error
        );
        // No report at all.
        assert_eq!(
            judge_with(
                Some(&trailer(0, ReportState::Missing)),
                vec![],
                None,
                false,
                &junit(0)
            ),
            Verdict::Error
        );
        // A failing case.
        let mixed = vec![
            case("a", TestOutcome::Passed),
            case("b", TestOutcome::Failed),
        ];
        assert_eq!(
            judge_with(
                Some(&trailer(1, present.clone())),
                mixed,
                None,
                false,
                &junit(2)
            ),
            Verdict::Failed
        );
        // The runner's "could not run" exit code.
        assert_eq!(
            judge_with(Some(&trailer(2, present)), vec![], None, false, &junit(2)),
            Verdict::Error
        );
    }

    #[test]
    fn without_a_trailer_nothing_passes() {
        assert_eq!(
            judge_with(
                None,
                vec![case("a", TestOutcome::Passed)],
                None,
                false,
                &junit(1)
            ),
            Verdict::Error
        );
    }

    #[test]
    fn signals_come_from_shell_exit_statuses() {
        assert_eq!(signal_of(137), Some(9));
        assert_eq!(signal_of(1), None);
        assert_eq!(signal_of(128), None);
    }
}
