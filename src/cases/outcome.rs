//! One case's verdict from what the harness measured and what the case expects.
use super::check::{clip, json_text_equal};
use super::{
    CaseKill, CaseRun, CaseSpec, Checker, Compare, OutputFile, check_file, check_stdout,
    first_difference,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseVerdict {
    Passed,
    WrongAnswer,
    /// Non-zero exit or killed by a signal.
    RuntimeError,
    Timeout,
    MemoryLimit,
    OutputLimit,
    /// Not run: an earlier case failed with `stop_at_first_failure`, or the execution ended.
    NotRun,
}

impl CaseVerdict {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseVerdict::Passed => "passed",
            CaseVerdict::WrongAnswer => "wrong_answer",
            CaseVerdict::RuntimeError => "runtime_error",
            CaseVerdict::Timeout => "timeout",
            CaseVerdict::MemoryLimit => "memory_limit",
            CaseVerdict::OutputLimit => "output_limit",
            CaseVerdict::NotRun => "not_run",
        }
    }
}

/// The case's verdict and, unless it passed, one line on why (a wrong answer's first
/// difference, a runtime error's exit status and last line of stderr). `check` is the custom
/// checker's run of this case, when its checker is `custom` and the checker got to it; without
/// it such a case is `not_run` (the execution's judgement says why).
pub fn judge_case(
    case: &CaseSpec,
    compare: &Compare,
    run: &CaseRun,
    check: Option<&CaseRun>,
) -> (CaseVerdict, Option<String>) {
    let secs = case.timeout_ms as f64 / 1000.0;
    match run.killed_for {
        Some(CaseKill::Timeout) => {
            return (
                CaseVerdict::Timeout,
                Some(format!("killed after {secs:.1}s")),
            );
        }
        Some(CaseKill::Output) => {
            return (
                CaseVerdict::OutputLimit,
                Some(format!(
                    "output passed the cap ({} bytes written)",
                    run.stdout_total.max(run.stderr_total)
                )),
            );
        }
        None => {}
    }
    if run.oom_killed {
        return (
            CaseVerdict::MemoryLimit,
            Some("the kernel OOM killer fired".into()),
        );
    }
    match run.exit_code {
        Some(0) => {}
        Some(rc) => {
            let status = match rc {
                129..=192 => format!("killed by signal {}", rc - 128),
                _ => format!("exit code {rc}"),
            };
            let last = run.stderr.lines().rev().find(|l| !l.trim().is_empty());
            let why = match last {
                Some(l) => format!("{status}: {}", clip(l.trim())),
                None => status,
            };
            return (CaseVerdict::RuntimeError, Some(why));
        }
        None => return (CaseVerdict::RuntimeError, Some("no exit status".into())),
    }
    let checker = case.checker.unwrap_or(compare.checker);
    if checker == Checker::Custom {
        match check.map(checker_says) {
            Some(Ok(())) => {}
            Some(Err(why)) => return (CaseVerdict::WrongAnswer, Some(why)),
            None => {
                return (
                    CaseVerdict::NotRun,
                    Some("the checker did not judge it".into()),
                );
            }
        }
    } else if !case.expected_stdout.is_empty()
        && !check_stdout(checker, compare, &case.expected_stdout, &run.stdout)
    {
        let mut why = match checker {
            Checker::Json => json_text_equal(&case.expected_stdout[0], &run.stdout, compare)
                .err()
                .unwrap_or_default(),
            _ => first_difference(&case.expected_stdout[0], &run.stdout),
        };
        if case.expected_stdout.len() > 1 {
            why = format!(
                "{why} (none of {} accepted outputs)",
                case.expected_stdout.len()
            );
        }
        return (CaseVerdict::WrongAnswer, Some(why));
    }
    for (path, expected) in &case.expected_files {
        let why = match run.files.get(path) {
            Some(OutputFile::Present(text)) => {
                match check_file(expected.format, compare, &expected.text, text) {
                    Ok(()) => continue,
                    Err(e) => e,
                }
            }
            Some(OutputFile::TooLarge) => "larger than the output cap".into(),
            Some(OutputFile::Missing) | None => "not written (or not a regular file)".into(),
        };
        return (
            CaseVerdict::WrongAnswer,
            Some(format!("file `{path}`: {why}")),
        );
    }
    (CaseVerdict::Passed, None)
}

/// Exit codes of a testlib checker: 0 accepted, 1 wrong answer, 2 presentation error.
const CHECKER_REJECTS: [i64; 2] = [1, 2];

/// A checker's run of a case: accepted, or rejected with its words. A checker that crashed or
/// was killed never accepts (`checker_failure` makes the execution an error).
fn checker_says(run: &CaseRun) -> Result<(), String> {
    if checker_failure(run).is_some() {
        return Err("the checker failed on this case".into());
    }
    if run.exit_code == Some(0) {
        return Ok(());
    }
    let words = [&run.stderr, &run.stdout]
        .into_iter()
        .find_map(|t| t.lines().map(str::trim).find(|l| !l.is_empty()));
    Err(words.map_or_else(|| "the checker rejected the output".into(), clip))
}

/// Why a checker's run of a case is not a judgement (crash, limit, unknown exit code).
pub fn checker_failure(run: &CaseRun) -> Option<String> {
    match (run.killed_for, run.oom_killed, run.exit_code) {
        (Some(CaseKill::Timeout), _, _) => Some("it passed its time limit".into()),
        (Some(CaseKill::Output), _, _) => Some("its output passed the cap".into()),
        (None, true, _) => Some("the kernel OOM killer fired".into()),
        (None, false, Some(rc)) if rc == 0 || CHECKER_REJECTS.contains(&rc) => None,
        (None, false, rc) => {
            let last = run.stderr.lines().rev().find(|l| !l.trim().is_empty());
            Some(format!(
                "it ended with {}{}",
                rc.map_or("no exit status".to_string(), |rc| format!("exit code {rc}")),
                last.map(|l| format!(": {}", clip(l.trim())))
                    .unwrap_or_default()
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::{ExpectedFile, FileFormat};
    use std::collections::BTreeMap;

    fn case() -> CaseSpec {
        CaseSpec {
            name: "1".into(),
            stdin: ".crucible/cases/0000.in".into(),
            args: vec![],
            inputs: vec![],
            timeout_ms: 2000,
            expected_stdout: vec!["3\n".into()],
            expected_files: BTreeMap::new(),
            checker: None,
        }
    }

    fn ran(stdout: &str) -> CaseRun {
        CaseRun {
            exit_code: Some(0),
            stdout: stdout.into(),
            ..Default::default()
        }
    }

    fn verdict(case: &CaseSpec, run: &CaseRun) -> CaseVerdict {
        judge_case(case, &Compare::default(), run, None).0
    }

    #[test]
    fn each_case_verdict() {
        assert_eq!(verdict(&case(), &ran("3")), CaseVerdict::Passed);
        let (v, why) = judge_case(&case(), &Compare::default(), &ran("4\n"), None);
        assert_eq!(v, CaseVerdict::WrongAnswer);
        assert_eq!(why.unwrap(), "line 1: expected `3`, got `4`");
        let mut crashed = ran("3\n");
        crashed.exit_code = Some(139);
        crashed.stderr = "boom\n\n".into();
        let (v, why) = judge_case(&case(), &Compare::default(), &crashed, None);
        assert_eq!(v, CaseVerdict::RuntimeError);
        assert_eq!(why.unwrap(), "killed by signal 11: boom");
        let mut slow = ran("3\n");
        slow.killed_for = Some(CaseKill::Timeout);
        assert_eq!(verdict(&case(), &slow), CaseVerdict::Timeout);
        let mut flood = ran("3\n");
        flood.killed_for = Some(CaseKill::Output);
        assert_eq!(verdict(&case(), &flood), CaseVerdict::OutputLimit);
        let mut oom = ran("");
        oom.exit_code = Some(137);
        oom.oom_killed = true;
        assert_eq!(verdict(&case(), &oom), CaseVerdict::MemoryLimit);
    }

    #[test]
    fn output_files_are_checked_after_stdout() {
        let mut c = case();
        c.expected_stdout.clear();
        c.expected_files.insert(
            "out.json".into(),
            ExpectedFile {
                text: "[1, 2.5]".into(),
                format: FileFormat::Json,
            },
        );
        let mut r = ran("");
        assert_eq!(verdict(&c, &r), CaseVerdict::WrongAnswer, "missing file");
        r.files.insert(
            "out.json".into(),
            OutputFile::Present("[1,2.5000000001]".into()),
        );
        assert_eq!(verdict(&c, &r), CaseVerdict::Passed);
        r.files
            .insert("out.json".into(), OutputFile::Present("[1,3]".into()));
        let (_, why) = judge_case(&c, &Compare::default(), &r, None);
        assert!(why.unwrap().starts_with("file `out.json`: $[1]"));
        r.files.insert("out.json".into(), OutputFile::TooLarge);
        assert_eq!(verdict(&c, &r), CaseVerdict::WrongAnswer);
    }

    #[test]
    fn a_case_checker_overrides_the_tasks() {
        let mut c = case();
        c.expected_stdout = vec!["1 2".into()];
        assert_eq!(verdict(&c, &ran("1\n2\n")), CaseVerdict::WrongAnswer);
        c.checker = Some(crate::cases::Checker::Tokens);
        assert_eq!(verdict(&c, &ran("1\n2\n")), CaseVerdict::Passed);
    }
}
