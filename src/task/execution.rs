//! A task plus a candidate's files → one execution for the sandbox.
use super::definition::Task;
use crate::sandbox::{ExecutionSpec, Expectation, Payload, PayloadError, PayloadLimits};
use std::collections::BTreeMap;

/// The candidate's files must be the task's candidate files (or below a candidate directory);
/// anything that would land on a task file is refused by the payload builder.
pub fn execution_spec(
    task: &Task,
    candidate: &BTreeMap<String, Vec<u8>>,
    run_id: Option<&str>,
) -> Result<ExecutionSpec, PayloadError> {
    let payload = Payload::from_layers(&[&task.files, candidate], &PayloadLimits::default())?;
    Ok(ExecutionSpec {
        image: task.image.clone(),
        command: vec!["/bin/sh".into(), "-c".into(), task.shell_command()],
        payload,
        limits: task.limits.clone(),
        env: Vec::new(),
        expectation: Expectation {
            report: Some(task.report),
            declared_tests: task.test_cases,
            error_exit_codes: task.language.error_exit_codes().to_vec(),
        },
        run_id: run_id.map(str::to_string),
        task_id: Some(task.id.clone()),
    })
}
