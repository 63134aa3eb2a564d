//! A request's stdin cases as an I/O execution (docs/io-tasks.md): a build step once, then each
//! case as a fresh process of the run command. The compat endpoints use one case (the request's
//! stdin, no expected output) so the build's and the run's outcomes come back apart.
use crate::cases::{CaseSpec, Compare, ExpectedFile, IoSpec};
use crate::execution::{ExecutionSpec, Expectation};
use crate::limits::Limits;
use crate::payload::{Payload, PayloadError, PayloadLimits};
use std::collections::BTreeMap;

/// One case as a request gives it.
pub struct CaseInput {
    pub name: String,
    pub stdin: Vec<u8>,
    pub args: Vec<String>,
    /// Empty: the output is returned, not judged.
    pub expected_stdout: Vec<String>,
    pub timeout_ms: u64,
    /// Files the harness reads back after the case (SandboxFusion's `fetch_files`).
    pub fetch: Vec<String>,
}

/// Where case `i`'s stdin travels in the payload (the harness feeds it, then deletes it).
fn stdin_path(i: usize) -> String {
    format!(".crucible/cases/{i:04}.in")
}

/// An I/O execution of `files`, `build` (optional) and `run` over `cases`.
pub fn io_execution(
    image: &str,
    files: &BTreeMap<String, Vec<u8>>,
    build: Option<Vec<String>>,
    run: Vec<String>,
    cases: Vec<CaseInput>,
    limits: Limits,
) -> Result<ExecutionSpec, PayloadError> {
    let mut inputs = BTreeMap::new();
    let mut specs = Vec::new();
    for (i, case) in cases.into_iter().enumerate() {
        let stdin = stdin_path(i);
        inputs.insert(stdin.clone(), case.stdin);
        specs.push(CaseSpec {
            name: case.name,
            stdin,
            args: case.args,
            inputs: Vec::new(),
            timeout_ms: case.timeout_ms.max(1),
            expected_stdout: case.expected_stdout,
            // An expected file is what makes the harness read a file back; its comparison only
            // decides the case's verdict, which fetch-only callers ignore.
            expected_files: case
                .fetch
                .into_iter()
                .map(|p| {
                    (
                        p,
                        ExpectedFile {
                            text: String::new(),
                            format: Default::default(),
                        },
                    )
                })
                .collect(),
            checker: None,
        });
    }
    let payload = Payload::from_layers(&[files, &inputs], &PayloadLimits::default(), &|_| false)?;
    Ok(ExecutionSpec {
        image: image.to_string(),
        command: run.clone(),
        payload,
        limits,
        expectation: Expectation {
            io: Some(IoSpec {
                build,
                run,
                stop_at_first_failure: false,
                compare: Compare::default(),
                cases: specs,
                custom_checker: None,
            }),
            ..Default::default()
        },
        split: None,
        run_id: None,
        task_id: None,
    })
}

/// A plain execution: `command` over `payload`, judged by its exit code.
pub fn command_execution(
    image: &str,
    payload: Payload,
    command: Vec<String>,
    limits: Limits,
) -> ExecutionSpec {
    ExecutionSpec {
        image: image.to_string(),
        command,
        payload,
        limits,
        expectation: Expectation::default(),
        split: None,
        run_id: None,
        task_id: None,
    }
}
