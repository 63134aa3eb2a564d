//! One case's verdict from what the harness measured and what the case expects.
use super::check::clip;
use super::{
    CaseKill, CaseRun, CaseSpec, Compare, OutputFile, check_file, check_stdout, first_difference,
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
/// difference, a runtime error's exit status and last line of stderr).
pub fn judge_case(
    case: &CaseSpec,
    compare: &Compare,
    run: &CaseRun,
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
    if !case.expected_stdout.is_empty()
        && !check_stdout(checker, compare, &case.expected_stdout, &run.stdout)
    {
        let mut why = first_difference(&case.expected_stdout[0], &run.stdout);
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
        judge_case(case, &Compare::default(), run).0
    }

    #[test]
    fn each_case_verdict() {
        assert_eq!(verdict(&case(), &ran("3")), CaseVerdict::Passed);
        let (v, why) = judge_case(&case(), &Compare::default(), &ran("4\n"));
        assert_eq!(v, CaseVerdict::WrongAnswer);
        assert_eq!(why.unwrap(), "line 1: expected `3`, got `4`");
        let mut crashed = ran("3\n");
        crashed.exit_code = Some(139);
        crashed.stderr = "boom\n\n".into();
        let (v, why) = judge_case(&case(), &Compare::default(), &crashed);
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
        let (_, why) = judge_case(&c, &Compare::default(), &r);
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
