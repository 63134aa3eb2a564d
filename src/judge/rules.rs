//! From what happened in the container to one verdict. Pure: every rule is unit-tested.
use crate::execution::{Evidence, Expectation, KillReason, ReportState};
use crate::limits::Limits;
use crate::testreport::{TestCase, TestOutcome};
use crate::verdict::Verdict;
use std::collections::{BTreeSet, HashMap};

pub struct Judgement {
    pub verdict: Verdict,
    pub reason: String,
    pub tests: Vec<TestCase>,
}

pub fn judge(e: &Evidence, x: &Expectation, limits: &Limits) -> Judgement {
    let verdict = |verdict: Verdict, reason: String, tests: Vec<TestCase>| Judgement {
        verdict,
        reason,
        tests,
    };
    let parsed = match (&e.report, x.report) {
        (ReportState::Present(bytes), Some(format)) => {
            Some(crate::testreport::parse(format, bytes).map_err(|e| e.to_string()))
        }
        _ => None,
    };
    let (tests, report_problem) = match &parsed {
        Some(Ok(r)) => (r.cases.clone(), r.errors.first().cloned()),
        Some(Err(msg)) => (Vec::new(), Some(msg.clone())),
        None => (Vec::new(), None),
    };
    match e.killed_for {
        Some(KillReason::Timeout) => {
            return verdict(
                Verdict::Timeout,
                format!(
                    "killed after {:.1}s wall clock",
                    limits.timeout.as_secs_f64()
                ),
                tests,
            );
        }
        Some(KillReason::Output) => {
            return verdict(
                Verdict::OutputLimit,
                format!("output passed the {} byte cap; killed", limits.output_bytes),
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
    let container = e
        .container_exit
        .map(|c| format!("container exit {c}"))
        .unwrap_or_else(|| "no container exit".into());
    let Some(rc) = e.exit_code.filter(|_| e.harness_finished) else {
        return verdict(
            Verdict::Error,
            format!("the test harness did not finish ({container})"),
            tests,
        );
    };
    if e.unpack_failed {
        return verdict(
            Verdict::InfraError,
            "the payload could not be unpacked in the container (does the image have tar?)".into(),
            tests,
        );
    }
    // The harness exits 0 after framing its result; anything else from the daemon means the
    // frame cannot be trusted.
    if e.container_exit.is_some_and(|c| c != 0) {
        return verdict(
            Verdict::Error,
            format!("the harness framed a result but the daemon reports {container}"),
            tests,
        );
    }
    if x.error_exit_codes.contains(&rc) {
        return verdict(
            Verdict::Error,
            format!("the tests could not run (exit code {rc})"),
            tests,
        );
    }
    if x.report.is_none() {
        return if rc == 0 {
            verdict(Verdict::Passed, "exit code 0".into(), tests)
        } else {
            verdict(Verdict::Failed, format!("exit code {rc}"), tests)
        };
    }
    if e.report == ReportState::TooLarge {
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
    if parsed.is_none() {
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
    if let Some(problem) = names_problem(&tests, &x.test_names) {
        return verdict(Verdict::Error, problem, tests);
    }
    let declared = x.declared_tests as usize;
    if declared > 0 && (tests.len() != declared || passed != declared) {
        return verdict(
            Verdict::Error,
            format!(
                "the report holds {} test cases ({passed} passed), but the suite declares exactly {declared}",
                tests.len()
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

/// A report must name exactly the declared cases, each once (when names are declared).
fn names_problem(tests: &[TestCase], declared: &[String]) -> Option<String> {
    if declared.is_empty() {
        return None;
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for t in tests {
        *seen.entry(t.name.as_str()).or_default() += 1;
    }
    let expected: BTreeSet<&str> = declared.iter().map(String::as_str).collect();
    let list = |names: Vec<&str>| {
        let more = names.len().saturating_sub(3);
        let mut s = names
            .iter()
            .take(3)
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ");
        if more > 0 {
            s.push_str(&format!(" and {more} more"));
        }
        s
    };
    let duplicated: Vec<&str> = seen
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(k, _)| *k)
        .collect();
    if !duplicated.is_empty() {
        return Some(format!(
            "the report names test cases more than once: {}",
            list(duplicated)
        ));
    }
    let unknown: Vec<&str> = seen
        .keys()
        .filter(|k| !expected.contains(*k))
        .copied()
        .collect();
    if !unknown.is_empty() {
        return Some(format!(
            "the report names test cases the task does not declare: {}",
            list(unknown)
        ));
    }
    let missing: Vec<&str> = expected
        .iter()
        .filter(|k| !seen.contains_key(*k))
        .copied()
        .collect();
    if !missing.is_empty() {
        return Some(format!(
            "the report lacks declared test cases: {}",
            list(missing)
        ));
    }
    None
}

/// The signal that ended a command, from a shell-style exit status (128+n).
pub fn signal_of(rc: i64) -> Option<i32> {
    (129..=128 + 64).contains(&rc).then(|| (rc - 128) as i32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testreport::ReportFormat;

    fn expect(declared: u32) -> Expectation {
        Expectation {
            report: Some(ReportFormat::Simple),
            declared_tests: declared,
            error_exit_codes: vec![2],
            ..Default::default()
        }
    }

    /// Evidence of a finished harness with exit code `rc` and a simple-format report.
    fn finished(rc: i64, report: &str) -> Evidence {
        Evidence {
            harness_finished: true,
            exit_code: Some(rc),
            container_exit: Some(0),
            report: ReportState::Present(report.as_bytes().to_vec()),
            ..Default::default()
        }
    }

    fn verdict(e: &Evidence, x: &Expectation) -> Verdict {
        judge(e, x, &Limits::default()).verdict
    }

    #[test]
    fn crucibles_own_kill_reason_wins_over_everything() {
        let mut e = finished(0, "PASS a\n");
        e.oom_killed = true;
        e.killed_for = Some(KillReason::Timeout);
        assert_eq!(verdict(&e, &expect(1)), Verdict::Timeout);
        e.killed_for = Some(KillReason::Output);
        assert_eq!(verdict(&e, &expect(1)), Verdict::OutputLimit);
    }

    #[test]
    fn the_oom_record_wins_over_the_exit_code() {
        let mut e = finished(0, "PASS a\n");
        e.oom_killed = true;
        assert_eq!(verdict(&e, &expect(1)), Verdict::MemoryLimit);
    }

    #[test]
    fn a_pass_needs_exit_zero_an_all_pass_report_and_exactly_the_declared_count() {
        let two = "PASS a\nPASS b\n";
        assert_eq!(verdict(&finished(0, two), &expect(2)), Verdict::Passed);
        // All pass in the report, but the runner failed: not a pass.
        assert_eq!(verdict(&finished(1, two), &expect(2)), Verdict::Failed);
        // Fewer cases than declared, and more (a forged report of many passes).
        assert_eq!(verdict(&finished(0, two), &expect(3)), Verdict::Error);
        let many: String = (0..1000).map(|i| format!("PASS t{i}\n")).collect();
        assert_eq!(verdict(&finished(0, &many), &expect(7)), Verdict::Error);
        // No report at all.
        let mut missing = finished(0, "");
        missing.report = ReportState::Missing;
        assert_eq!(verdict(&missing, &expect(0)), Verdict::Error);
        // A failing case.
        assert_eq!(
            verdict(&finished(1, "PASS a\nFAIL b: no\n"), &expect(2)),
            Verdict::Failed
        );
        // The runner's "could not run" exit code.
        assert_eq!(verdict(&finished(2, two), &expect(2)), Verdict::Error);
        // A skipped case is not a pass of the declared count.
        assert_eq!(
            verdict(&finished(0, "PASS a\nSKIP b\n"), &expect(2)),
            Verdict::Error
        );
    }

    #[test]
    fn declared_names_must_match_exactly_once_each() {
        let mut x = expect(2);
        x.test_names = vec!["a".into(), "b".into()];
        assert_eq!(
            verdict(&finished(0, "PASS b\nPASS a\n"), &x),
            Verdict::Passed
        );
        assert_eq!(
            verdict(&finished(0, "PASS a\nPASS c\n"), &x),
            Verdict::Error
        );
        assert_eq!(
            verdict(&finished(0, "PASS a\nPASS a\n"), &x),
            Verdict::Error
        );
        let r = judge(&finished(0, "PASS a\nPASS zz\n"), &x, &Limits::default());
        assert!(r.reason.contains("`zz`"), "{}", r.reason);
    }

    #[test]
    fn without_a_finished_harness_nothing_passes() {
        let mut e = finished(0, "PASS a\n");
        e.harness_finished = false;
        assert_eq!(verdict(&e, &expect(1)), Verdict::Error);
    }

    #[test]
    fn a_frame_the_daemon_contradicts_is_not_trusted() {
        let mut e = finished(0, "PASS a\n");
        e.container_exit = Some(137);
        assert_eq!(verdict(&e, &expect(1)), Verdict::Error);
    }

    #[test]
    fn signals_come_from_shell_exit_statuses() {
        assert_eq!(signal_of(137), Some(9));
        assert_eq!(signal_of(1), None);
        assert_eq!(signal_of(128), None);
    }
}
