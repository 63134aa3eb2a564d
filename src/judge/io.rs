//! The verdict of an I/O execution: the build, then every case judged against what the spec
//! expects (the container never saw it). Pure, like the other rules.
use super::rules::{Judgement, signal_of};
use crate::cases::{CaseRun, CaseVerdict, IoSpec, checker_failure, judge_case};
use crate::execution::{CapturedOutput, CaseResult, Evidence, KillReason};
use crate::limits::Limits;
use crate::testreport::{TestCase, TestOutcome};
use crate::verdict::Verdict;

/// The execution's judgement, and each case that ran with its verdict and outputs.
pub fn judge_io(e: &Evidence, io: &IoSpec, limits: &Limits) -> (Judgement, Vec<CaseResult>) {
    let runs: &[CaseRun] = e.cases.as_ref().map_or(&[], |c| &c.runs);
    let checker = e.cases.as_ref().and_then(|c| c.checker.as_ref());
    let check_of =
        |i: usize| checker.and_then(|c| c.runs.iter().find(|(j, _)| *j == i).map(|(_, run)| run));
    let judged: Vec<(CaseVerdict, Option<String>)> = io
        .cases
        .iter()
        .enumerate()
        .map(|(i, case)| match runs.get(i) {
            Some(run) => judge_case(case, &io.compare, run, check_of(i)),
            None => (CaseVerdict::NotRun, None),
        })
        .collect();
    let cases = io
        .cases
        .iter()
        .zip(runs)
        .zip(&judged)
        .map(|((case, run), (verdict, message))| CaseResult {
            name: case.name.clone(),
            verdict: *verdict,
            message: message.clone(),
            exit_code: run.exit_code,
            signal: run.exit_code.and_then(signal_of),
            wall_ms: run.wall_ms,
            stdout: captured(&run.stdout, run.stdout_total),
            stderr: captured(&run.stderr, run.stderr_total),
        })
        .collect();
    (judge_cases(e, io, limits, runs, &judged), cases)
}

fn captured(text: &str, total: u64) -> CapturedOutput {
    CapturedOutput {
        text: text.to_string(),
        total_bytes: total,
        truncated: total > text.len() as u64,
    }
}

/// Why the custom checker could not judge: its execution failed, or it failed on a case, or it
/// never judged a case that needed it. The task's fault, never the candidate's pass.
fn checker_broke(
    e: &Evidence,
    io: &IoSpec,
    judged: &[(CaseVerdict, Option<String>)],
) -> Option<String> {
    let checker = e.cases.as_ref().and_then(|c| c.checker.as_ref());
    if let Some(why) = checker.and_then(|c| c.failure.clone()) {
        return Some(why);
    }
    let on_case = checker.and_then(|c| {
        c.runs.iter().find_map(|(i, run)| {
            let name = &io.cases.get(*i)?.name;
            checker_failure(run).map(|why| format!("on case `{name}` {why}"))
        })
    });
    if on_case.is_some() {
        return on_case;
    }
    let unjudged = io
        .cases
        .iter()
        .zip(judged)
        .find(|(_, (v, why))| *v == CaseVerdict::NotRun && why.is_some());
    unjudged.map(|(c, _)| format!("it did not judge case `{}`", c.name))
}

fn judge_cases(
    e: &Evidence,
    io: &IoSpec,
    limits: &Limits,
    runs: &[CaseRun],
    judged: &[(CaseVerdict, Option<String>)],
) -> Judgement {
    let tests: Vec<TestCase> = io
        .cases
        .iter()
        .zip(judged)
        .map(|(case, (v, why))| TestCase {
            name: case.name.clone(),
            outcome: match v {
                CaseVerdict::Passed => TestOutcome::Passed,
                CaseVerdict::WrongAnswer => TestOutcome::Failed,
                CaseVerdict::NotRun => TestOutcome::Skipped,
                _ => TestOutcome::Error,
            },
            message: match (v, why) {
                (CaseVerdict::Passed, _) => None,
                (v, Some(why)) => Some(format!("{}: {why}", v.as_str())),
                (v, None) => Some(v.as_str().to_string()),
            },
        })
        .collect();
    let total = io.cases.len();
    let passed = judged
        .iter()
        .filter(|(v, _)| *v == CaseVerdict::Passed)
        .count();
    let ran = runs.len().min(total);
    let verdict = |verdict: Verdict, reason: String| Judgement {
        verdict,
        reason,
        tests: tests.clone(),
    };
    match e.killed_for {
        Some(KillReason::Timeout) => {
            return verdict(
                Verdict::Timeout,
                format!(
                    "killed after {:.1}s wall clock (the execution's limit); {ran} of {total} cases ran, {passed} passed",
                    limits.timeout.as_secs_f64()
                ),
            );
        }
        Some(KillReason::Output) => {
            return verdict(
                Verdict::OutputLimit,
                format!(
                    "the build's output passed the {} byte cap; killed",
                    limits.output_bytes
                ),
            );
        }
        None => {}
    }
    if e.oom_killed {
        return verdict(
            Verdict::MemoryLimit,
            format!(
                "the kernel OOM killer fired outside the cases (build or harness); {ran} of {total} cases ran"
            ),
        );
    }
    if !e.harness_finished || e.exit_code.is_none() {
        return verdict(Verdict::Error, "the case harness did not finish".into());
    }
    if e.unpack_failed {
        return verdict(
            Verdict::InfraError,
            "the payload could not be unpacked in the container (does the image have tar?)".into(),
        );
    }
    if let Some(c) = e.container_exit.filter(|c| *c != 0) {
        return verdict(
            Verdict::Error,
            format!("the harness framed a result but the daemon reports container exit {c}"),
        );
    }
    let Some(cases) = &e.cases else {
        return verdict(
            Verdict::Error,
            "the harness returned no case results".into(),
        );
    };
    if cases.build_failed {
        let rc = e.exit_code.unwrap_or_default();
        let text = if e.stderr.text.trim().is_empty() {
            &e.stdout.text
        } else {
            &e.stderr.text
        };
        let first = text
            .lines()
            .find(|l| l.contains("error"))
            .or_else(|| text.lines().find(|l| !l.trim().is_empty()));
        let said = first
            .map(|l| format!(": {}", clip(l.trim())))
            .unwrap_or_default();
        return verdict(
            Verdict::Error,
            format!("the build failed (exit code {rc}){said}"),
        );
    }
    if runs.len() > total {
        return verdict(
            Verdict::Error,
            format!(
                "the harness reported {} cases, {total} were sent",
                runs.len()
            ),
        );
    }
    if let Some(why) = checker_broke(e, io, judged) {
        return verdict(
            Verdict::Error,
            format!("the task's checker could not judge: {why}"),
        );
    }
    let named = |v: CaseVerdict| {
        io.cases
            .iter()
            .zip(judged)
            .find(|(_, (x, _))| *x == v)
            .map(|(c, (_, why))| format!("`{}` ({})", c.name, why.as_deref().unwrap_or("")))
    };
    let failed = judged
        .iter()
        .filter(|(v, _)| matches!(v, CaseVerdict::WrongAnswer | CaseVerdict::RuntimeError))
        .count();
    if failed > 0 {
        let first = io
            .cases
            .iter()
            .zip(judged)
            .find(|(_, (v, _))| matches!(v, CaseVerdict::WrongAnswer | CaseVerdict::RuntimeError))
            .map(|(c, (v, why))| {
                format!(
                    "{} on `{}`: {}",
                    v.as_str(),
                    c.name,
                    why.as_deref().unwrap_or("")
                )
            })
            .unwrap_or_default();
        return verdict(
            Verdict::Failed,
            format!("{failed} of {total} cases failed, {passed} passed; first: {first}"),
        );
    }
    for (v, as_verdict) in [
        (CaseVerdict::Timeout, Verdict::Timeout),
        (CaseVerdict::MemoryLimit, Verdict::MemoryLimit),
        (CaseVerdict::OutputLimit, Verdict::OutputLimit),
    ] {
        if let Some(which) = named(v) {
            return verdict(
                as_verdict,
                format!(
                    "{} on case {which}; {passed} of {total} cases passed",
                    v.as_str()
                ),
            );
        }
    }
    if passed < total {
        return verdict(
            Verdict::Error,
            format!("only {ran} of {total} cases ran, without a failure to explain it"),
        );
    }
    verdict(Verdict::Passed, format!("all {total} cases passed"))
}

fn clip(text: &str) -> String {
    match text.char_indices().nth(160) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::{CaseKill, CaseSpec, CasesEvidence, Compare};
    use std::collections::BTreeMap;

    fn io(n: usize) -> IoSpec {
        IoSpec {
            build: None,
            run: vec!["/tmp/prog".into()],
            stop_at_first_failure: false,
            compare: Compare::default(),
            custom_checker: None,
            cases: (0..n)
                .map(|i| CaseSpec {
                    name: format!("c{i}"),
                    stdin: format!(".crucible/cases/{i:04}.in"),
                    args: vec![],
                    inputs: vec![],
                    timeout_ms: 1000,
                    expected_stdout: vec![format!("{i}\n")],
                    expected_files: BTreeMap::new(),
                    checker: None,
                })
                .collect(),
        }
    }

    fn ok(i: usize) -> CaseRun {
        CaseRun {
            exit_code: Some(0),
            stdout: format!("{i}\n"),
            ..Default::default()
        }
    }

    fn evidence(runs: Vec<CaseRun>) -> Evidence {
        Evidence {
            harness_finished: true,
            exit_code: Some(0),
            container_exit: Some(0),
            cases: Some(CasesEvidence {
                build_failed: false,
                runs,
                checker: None,
            }),
            ..Default::default()
        }
    }

    fn judged(e: &Evidence, n: usize) -> Judgement {
        judge_io(e, &io(n), &Limits::default()).0
    }

    #[test]
    fn every_case_must_pass() {
        let j = judged(&evidence((0..3).map(ok).collect()), 3);
        assert_eq!(j.verdict, Verdict::Passed);
        assert_eq!(j.tests.len(), 3);
        let mut runs: Vec<CaseRun> = (0..3).map(ok).collect();
        runs[1].stdout = "7\n".into();
        let j = judged(&evidence(runs), 3);
        assert_eq!(j.verdict, Verdict::Failed);
        assert_eq!(j.tests[1].outcome, TestOutcome::Failed);
        assert_eq!(
            j.tests[1].message.as_deref(),
            Some("wrong_answer: line 1: expected `1`, got `7`")
        );
        assert!(j.reason.contains("wrong_answer on `c1`"), "{}", j.reason);
    }

    #[test]
    fn a_wrong_answer_or_crash_outranks_a_case_timeout() {
        let mut runs: Vec<CaseRun> = (0..3).map(ok).collect();
        runs[0].killed_for = Some(CaseKill::Timeout);
        let j = judged(&evidence(runs.clone()), 3);
        assert_eq!(j.verdict, Verdict::Timeout, "{}", j.reason);
        assert_eq!(
            j.tests
                .iter()
                .filter(|t| t.outcome == TestOutcome::Passed)
                .count(),
            2
        );
        runs[2].exit_code = Some(1);
        assert_eq!(judged(&evidence(runs), 3).verdict, Verdict::Failed);
        let mut runs: Vec<CaseRun> = (0..2).map(ok).collect();
        runs[1].oom_killed = true;
        assert_eq!(
            judged(&evidence(runs.clone()), 2).verdict,
            Verdict::MemoryLimit
        );
        runs[1].oom_killed = false;
        runs[1].killed_for = Some(CaseKill::Output);
        assert_eq!(judged(&evidence(runs), 2).verdict, Verdict::OutputLimit);
    }

    #[test]
    fn a_failed_build_is_an_error_with_the_compilers_words() {
        let mut e = evidence(vec![]);
        e.exit_code = Some(1);
        e.cases.as_mut().unwrap().build_failed = true;
        e.stderr = CapturedOutput {
            text: "In function main:\nsolution.cpp:3:1: error: expected ';'\n".into(),
            ..Default::default()
        };
        let j = judged(&e, 2);
        assert_eq!(j.verdict, Verdict::Error);
        assert!(j.reason.contains("solution.cpp:3:1: error"), "{}", j.reason);
        assert!(j.tests.iter().all(|t| t.outcome == TestOutcome::Skipped));
    }

    #[test]
    fn results_collected_before_the_executions_timeout_are_kept() {
        let mut e = evidence(vec![ok(0), ok(1)]);
        e.killed_for = Some(KillReason::Timeout);
        e.harness_finished = false;
        let j = judged(&e, 4);
        assert_eq!(j.verdict, Verdict::Timeout);
        let outcomes: Vec<TestOutcome> = j.tests.iter().map(|t| t.outcome).collect();
        use TestOutcome::*;
        assert_eq!(outcomes, [Passed, Passed, Skipped, Skipped]);
        assert!(j.reason.contains("2 of 4 cases ran"), "{}", j.reason);
    }

    #[test]
    fn missing_cases_without_a_failure_or_extra_cases_are_errors() {
        assert_eq!(judged(&evidence(vec![ok(0)]), 2).verdict, Verdict::Error);
        assert_eq!(
            judged(&evidence(vec![ok(0), ok(1)]), 1).verdict,
            Verdict::Error
        );
        let mut e = evidence(vec![ok(0)]);
        e.cases = None;
        assert_eq!(judged(&e, 1).verdict, Verdict::Error);
        let mut e = evidence(vec![ok(0)]);
        e.container_exit = Some(137);
        assert_eq!(judged(&e, 1).verdict, Verdict::Error);
    }

    #[test]
    fn stopping_at_the_first_failure_leaves_the_rest_not_run_but_counted() {
        let mut runs: Vec<CaseRun> = (0..2).map(ok).collect();
        runs[1].stdout = "x\n".into();
        let j = judged(&evidence(runs), 5);
        assert_eq!(j.verdict, Verdict::Failed);
        assert_eq!(j.tests.len(), 5);
        assert_eq!(j.tests[4].message.as_deref(), Some("not_run"));
    }
}
