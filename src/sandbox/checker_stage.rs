//! A custom checker's own execution. After the candidate's execution, crucible hands the
//! checker each case's input, the candidate's stdout and the expected answer in a container of
//! its own: nothing the candidate wrote, started or planted can reach the program that judges
//! it, and the expected answers never enter the candidate's container.
use crate::cases::{CaseRun, CaseSpec, Checker, CheckerEvidence, Compare, CustomChecker, IoSpec};
use crate::execution::{Evidence, ExecutionSpec, Expectation};
use crate::limits::Limits;
use crate::payload::{Payload, PayloadLimits};
use std::collections::BTreeMap;
use std::time::Duration;

/// The checker's execution, and which of the candidate's cases it judges, in order.
pub struct CheckerStage {
    pub spec: ExecutionSpec,
    cases: Vec<usize>,
}

/// The cases whose checker is `custom` and whose run ended normally: the others already have
/// their verdict (a crash or a limit) without the checker.
fn needing_check(io: &IoSpec, runs: &[CaseRun]) -> Vec<usize> {
    io.cases
        .iter()
        .zip(runs)
        .enumerate()
        .filter(|(_, (case, run))| {
            case.checker.unwrap_or(io.compare.checker) == Checker::Custom
                && run.exit_code == Some(0)
                && run.killed_for.is_none()
                && !run.oom_killed
        })
        .map(|(i, _)| i)
        .collect()
}

/// The checker's execution for what the candidate's left behind, if any case needs it; `Err`
/// says why it cannot be built (the task's fault: the execution becomes an error).
pub fn plan(spec: &ExecutionSpec, evidence: &Evidence) -> Result<Option<CheckerStage>, String> {
    let Some(io) = &spec.expectation.io else {
        return Ok(None);
    };
    let (Some(checker), Some(cases)) = (&io.custom_checker, &evidence.cases) else {
        return Ok(None);
    };
    let needed = needing_check(io, &cases.runs);
    if needed.is_empty() {
        return Ok(None);
    }
    let mut files: BTreeMap<String, Vec<u8>> = checker
        .files
        .iter()
        .map(|(p, text)| (p.clone(), text.clone().into_bytes()))
        .collect();
    let mut checked = Vec::new();
    for &i in &needed {
        let (case, run) = (&io.cases[i], &cases.runs[i]);
        let dir = format!(".crucible/check/{i:04}");
        let input = spec
            .payload
            .file(&case.stdin)
            .ok_or_else(|| format!("case `{}`: its input is not in the payload", case.name))?;
        let answer = case.expected_stdout.first().cloned().unwrap_or_default();
        for (name, bytes) in [
            ("input", input),
            ("output", run.stdout.clone().into_bytes()),
            ("answer", answer.into_bytes()),
        ] {
            files.insert(format!("{dir}/{name}"), bytes);
        }
        checked.push(checked_case(&case.name, &dir, checker));
    }
    let payload = Payload::from_layers(&[&files], &PayloadLimits::default(), &|_| false)
        .map_err(|e| format!("its payload: {e}"))?;
    let per_case = Duration::from_millis(checker.timeout_ms);
    let limits = Limits {
        timeout: Limits::default().timeout + per_case * needed.len() as u32,
        ..Limits::default()
    };
    Ok(Some(CheckerStage {
        spec: ExecutionSpec {
            image: checker.image.clone(),
            command: checker.run.clone(),
            payload,
            limits,
            expectation: Expectation {
                io: Some(IoSpec {
                    build: checker.build.clone(),
                    run: checker.run.clone(),
                    stop_at_first_failure: false,
                    compare: Compare::default(),
                    cases: checked,
                    custom_checker: None,
                }),
                ..Expectation::default()
            },
            split: None,
            run_id: spec.run_id.clone(),
            task_id: spec.task_id.clone(),
        },
        cases: needed,
    }))
}

/// testlib's order: input, the candidate's output, the answer; the input is stdin too.
fn checked_case(name: &str, dir: &str, checker: &CustomChecker) -> CaseSpec {
    let path = |p: &str| format!("{dir}/{p}");
    CaseSpec {
        name: name.to_string(),
        stdin: path("input"),
        args: vec![path("input"), path("output"), path("answer")],
        inputs: Vec::new(),
        timeout_ms: checker.timeout_ms,
        expected_stdout: Vec::new(),
        expected_files: BTreeMap::new(),
        checker: None,
    }
}

impl CheckerStage {
    /// What the checker's execution says about each case it was given.
    pub fn evidence(&self, checked: Evidence) -> CheckerEvidence {
        let Some(cases) = checked.cases else {
            return CheckerEvidence {
                failure: Some("its execution returned no case results".into()),
                runs: Vec::new(),
            };
        };
        let failure = if cases.build_failed {
            let said = [&checked.stderr.text, &checked.stdout.text]
                .into_iter()
                .find_map(|t| t.lines().map(str::trim).find(|l| !l.is_empty()))
                .map(|l| format!(": {l}"))
                .unwrap_or_default();
            Some(format!("its build failed{said}"))
        } else if let Some(kill) = checked.killed_for {
            Some(format!("its execution was cut short ({kill:?})"))
        } else if checked.oom_killed {
            Some("its execution ran out of memory".into())
        } else if cases.runs.len() < self.cases.len() {
            Some(format!(
                "it judged {} of {} cases",
                cases.runs.len(),
                self.cases.len()
            ))
        } else {
            None
        };
        CheckerEvidence {
            failure,
            runs: self.cases.iter().copied().zip(cases.runs).collect(),
        }
    }
}
