//! A task plus a candidate's files → the spec the executor runs.
use super::record::Job;
use crate::execution::ExecutionSpec;
use crate::task::{CandidateSource, Task, execution_spec, read_candidate_dir};
use std::collections::BTreeMap;

/// The spec of one execution; `Err` says why the candidate was refused (invalid input).
fn spec_for(
    task: &Task,
    files: &BTreeMap<String, Vec<u8>>,
    run_id: Option<&str>,
) -> Result<ExecutionSpec, String> {
    execution_spec(task, files, run_id).map_err(|e| e.to_string())
}

/// Read a job's candidate and build its spec; `Err` says why the candidate was refused.
/// Without `check_test_names` the report is not held to the task's recorded test names.
pub(crate) fn job_spec(
    task: &Task,
    job: &Job,
    run_id: &str,
    check_test_names: bool,
) -> Result<ExecutionSpec, String> {
    let files = match &job.candidate.source {
        CandidateSource::Dir(dir) => {
            read_candidate_dir(dir, &task.candidate_files).map_err(|e| e.to_string())?
        }
        CandidateSource::Inline(files) => files.clone(),
    };
    let mut spec = spec_for(task, &files, Some(run_id))?;
    if !check_test_names {
        spec.expectation.test_names.clear();
    }
    Ok(spec)
}
