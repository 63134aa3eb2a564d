//! A task plus a candidate's files → the spec the executor runs.
use crate::execution::ExecutionSpec;
use crate::task::{Task, execution_spec};
use std::collections::BTreeMap;

/// The spec of one execution; `Err` says why the candidate was refused (invalid input).
pub(crate) fn spec_for(
    task: &Task,
    files: &BTreeMap<String, Vec<u8>>,
    run_id: Option<&str>,
) -> Result<ExecutionSpec, String> {
    execution_spec(task, files, run_id).map_err(|e| e.to_string())
}
