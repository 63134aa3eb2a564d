//! A task plus a candidate's files → one execution spec: the payload, the commands, and what the
//! execution is judged against.
use super::definition::{Task, is_hidden};
use crate::execution::{ExecutionSpec, Expectation, JudgeKind, SplitJudge};
use crate::sandbox::{Payload, PayloadError, PayloadLimits};
use std::collections::BTreeMap;

/// The call-boundary harness (judge and worker), sent with every `judge.kind = "calls"` task.
const CALLS_HARNESS: &str = include_str!("../harness/calls.py");
const CALLS_HARNESS_PATH: &str = ".crucible/calls.py";

/// The candidate's files must be the task's candidate files (or below a candidate directory);
/// anything that would land on a task file is refused by the payload builder.
pub fn execution_spec(
    task: &Task,
    candidate: &BTreeMap<String, Vec<u8>>,
    run_id: Option<&str>,
) -> Result<ExecutionSpec, PayloadError> {
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
        },
        split,
        run_id: run_id.map(str::to_string),
        task_id: Some(task.id.clone()),
    })
}
