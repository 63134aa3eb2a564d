//! A task plus a candidate's files → the spec the executor runs.
use crate::execution::{ExecutionSpec, Expectation};
use crate::task::Task;
use std::collections::BTreeMap;

/// The spec of one execution; `Err` says why the candidate was refused (invalid input).
///
/// MERGE: `crate::task::execution_spec` still returns the sandbox's old spec on this branch;
/// once it returns `crate::execution::ExecutionSpec`, this body becomes
/// `execution_spec(task, files, run_id).map_err(|e| e.to_string())`.
pub(crate) fn spec_for(
    task: &Task,
    files: &BTreeMap<String, Vec<u8>>,
    run_id: Option<&str>,
) -> Result<ExecutionSpec, String> {
    let old = crate::task::execution_spec(task, files, run_id).map_err(|e| e.to_string())?;
    Ok(ExecutionSpec {
        image: old.image,
        command: old.command,
        payload: old.payload,
        limits: old.limits,
        expectation: Expectation {
            report: old.expectation.report,
            declared_tests: old.expectation.declared_tests,
            error_exit_codes: old.expectation.error_exit_codes,
            ..Expectation::default()
        },
        split: None,
        run_id: old.run_id,
        task_id: old.task_id,
    })
}
