//! A task plus a candidate's files → one execution spec: the payload, the commands, and what the
//! execution is judged against.
use super::definition::{CALL_RUNNER_DIR, IoTask, Task, is_hidden, shell, shell_with_args};
use crate::cases::{CaseSpec, IoSpec};
use crate::execution::{ExecutionSpec, Expectation, JudgeKind, SplitJudge};
use crate::sandbox::{Payload, PayloadError, PayloadLimits};
use std::collections::BTreeMap;

/// The call-boundary harness (judge and worker), sent with every `judge.kind = "calls"` task.
const CALLS_HARNESS: &str = include_str!("../harness/calls.py");
const CALLS_HARNESS_PATH: &str = ".crucible/calls.py";
/// The runners of function-call cases (`[io]`), run as the candidate.
const CALL_PY: &str = include_str!("../harness/call.py");
const CALL_JS: &str = include_str!("../harness/call.js");

/// The candidate's files must be the task's candidate files (or below a candidate directory);
/// anything that would land on a task file is refused by the payload builder.
pub fn execution_spec(
    task: &Task,
    candidate: &BTreeMap<String, Vec<u8>>,
    run_id: Option<&str>,
) -> Result<ExecutionSpec, PayloadError> {
    if let Some(io) = &task.io {
        return io_spec(task, io, candidate, run_id);
    }
    let mut harness = BTreeMap::new();
    let (command, split) = match (task.judge, &task.calls_spec) {
        (JudgeKind::Calls, Some(spec)) => {
            harness.insert(
                CALLS_HARNESS_PATH.to_string(),
                CALLS_HARNESS.as_bytes().to_vec(),
            );
            let argv = |role: &str| -> Vec<String> {
                ["python3", "-I", CALLS_HARNESS_PATH, role, spec.as_str()]
                    .map(str::to_string)
                    .to_vec()
            };
            (
                argv("judge"),
                Some(SplitJudge {
                    worker: argv("worker"),
                }),
            )
        }
        _ => (
            vec!["/bin/sh".into(), "-c".into(), task.shell_command()],
            None,
        ),
    };
    let hidden = |path: &str| is_hidden(path, &task.hidden);
    let payload = Payload::from_layers(
        &[&task.files, &harness, candidate],
        &PayloadLimits::default(),
        &hidden,
    )?;
    Ok(ExecutionSpec {
        image: task.image.clone(),
        command,
        payload,
        limits: task.limits.clone(),
        expectation: Expectation {
            report: Some(task.report),
            declared_tests: task.test_cases,
            test_names: task.test_names.clone(),
            error_exit_codes: match task.judge {
                // The call harness: 2 the candidate did not load, 3 a harness or spec error.
                JudgeKind::Calls => vec![2, 3],
                JudgeKind::InProcess => task.language.error_exit_codes().to_vec(),
            },
            judge: task.judge,
            io: None,
        },
        split,
        run_id: run_id.map(str::to_string),
        task_id: Some(task.id.clone()),
    })
}

/// Where case `i`'s inputs travel in the payload (root's, read-only; the harness copies input
/// files into place for the case and feeds the stdin file itself).
fn case_dir(i: usize) -> String {
    format!(".crucible/cases/{i:04}")
}

/// An I/O task: the payload holds the task's files, the candidate's and the cases' inputs only;
/// the expected outputs go into the expectation, which never leaves crucible.
fn io_spec(
    task: &Task,
    io: &IoTask,
    candidate: &BTreeMap<String, Vec<u8>>,
    run_id: Option<&str>,
) -> Result<ExecutionSpec, PayloadError> {
    let mut inputs = BTreeMap::new();
    let mut cases = Vec::new();
    for (i, (case, timeout)) in io.cases.iter().zip(&io.case_timeouts).enumerate() {
        let stdin = format!("{}.in", case_dir(i));
        inputs.insert(stdin.clone(), case.stdin.clone());
        let mut placed = Vec::new();
        for (path, bytes) in &case.files {
            let source = format!("{}/{path}", case_dir(i));
            inputs.insert(source.clone(), bytes.clone());
            placed.push((path.clone(), source));
        }
        cases.push(CaseSpec {
            name: case.name.clone(),
            stdin,
            args: case.args.clone(),
            inputs: placed,
            timeout_ms: timeout.as_millis().max(1) as u64,
            expected_stdout: case.expected_stdout.clone(),
            expected_files: case.expected_files.clone(),
            checker: case.checker,
        });
    }
    if io.function_calls {
        for (name, text) in [("call.py", CALL_PY), ("call.js", CALL_JS)] {
            inputs.insert(
                format!("{CALL_RUNNER_DIR}/{name}"),
                text.as_bytes().to_vec(),
            );
        }
    }
    let payload = Payload::from_layers(
        &[&task.files, &inputs, candidate],
        &PayloadLimits::default(),
        &|_| false,
    )?;
    let run = shell_with_args(&io.run);
    Ok(ExecutionSpec {
        image: task.image.clone(),
        command: run.clone(),
        payload,
        limits: task.limits.clone(),
        expectation: Expectation {
            report: None,
            declared_tests: task.test_cases,
            test_names: Vec::new(),
            error_exit_codes: Vec::new(),
            judge: JudgeKind::InProcess,
            io: Some(IoSpec {
                build: io.build.clone().map(shell),
                run,
                stop_at_first_failure: io.stop_at_first_failure,
                compare: io.compare,
                custom_checker: io.custom_checker.clone(),
                cases,
            }),
        },
        split: None,
        run_id: run_id.map(str::to_string),
        task_id: Some(task.id.clone()),
    })
}
