//! Importers that turn public evaluation suites (HumanEval, HumanEval-X, MBPP) into ordinary
//! crucible task directories, and readers for model completion files.
//!
//! An imported task is a plain task (see `crate::task`): nothing downstream knows it came from a
//! suite. Each task ships a small runner that rebuilds the suite's own "one program" semantics
//! and writes a report to `$CRUCIBLE_REPORT`.
pub mod codeforces_io;
pub mod completions;
pub mod humaneval;
pub mod humaneval_x;
pub mod jsonl;
pub mod mbpp;
pub mod runners;
pub mod rust_source;
pub mod task_out;

use crate::task::Language;
use jsonl::{JsonlReader, LineError};
pub use runners::JudgeKind;
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};
use task_out::{ImportedTask, write_task};

/// A suite crucible can import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suite {
    HumanEval,
    HumanEvalX(Language),
    Mbpp,
}

impl Suite {
    pub fn name(self) -> String {
        match self {
            Suite::HumanEval => "humaneval".into(),
            Suite::HumanEvalX(l) => format!("humaneval-x/{}", humaneval_x::suite_name(l)),
            Suite::Mbpp => "mbpp".into(),
        }
    }
}

/// What an import did: tasks written and lines that could not be imported.
#[derive(Debug, Default)]
pub struct ImportSummary {
    pub written: Vec<PathBuf>,
    pub errors: Vec<LineError>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{path}: cannot open the suite file: {source}")]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: cannot write the task: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Import every problem of `input` (`.jsonl` or `.jsonl.gz`) as a task directory under `out`,
/// Python problems judged across the process boundary ([`JudgeKind::Calls`]).
/// Bad lines are collected in the summary (file:line and why), the rest is still imported.
pub fn import(suite: Suite, input: &Path, out: &Path) -> Result<ImportSummary, ImportError> {
    import_judged(suite, input, out, JudgeKind::Calls)
}

/// [`import`] with the judge of Python problems chosen (`crucible import --judge`).
pub fn import_judged(
    suite: Suite,
    input: &Path,
    out: &Path,
    judge: JudgeKind,
) -> Result<ImportSummary, ImportError> {
    match suite {
        Suite::HumanEval => import_with(input, out, |r: humaneval::HumanEvalRecord| {
            humaneval::to_task(&r, judge)
        }),
        Suite::HumanEvalX(language) => {
            import_with(input, out, |r: humaneval_x::HumanEvalXRecord| {
                humaneval_x::to_task(language, &r, judge)
            })
        }
        Suite::Mbpp => import_with(input, out, |r: mbpp::MbppRecord| mbpp::to_task(&r, judge)),
    }
}

fn import_with<T: DeserializeOwned>(
    input: &Path,
    out: &Path,
    convert: impl Fn(T) -> Result<ImportedTask, String>,
) -> Result<ImportSummary, ImportError> {
    let mut reader = JsonlReader::open(input).map_err(|source| ImportError::Open {
        path: input.to_path_buf(),
        source,
    })?;
    std::fs::create_dir_all(out).map_err(|source| ImportError::Write {
        path: out.to_path_buf(),
        source,
    })?;
    let mut summary = ImportSummary::default();
    let mut seen = std::collections::HashSet::new();
    while let Some(item) = reader.next_record::<T>() {
        let (line, record) = match item {
            Ok(x) => x,
            Err(e) => {
                summary.errors.push(e);
                continue;
            }
        };
        let line_error = |reason: String| LineError {
            file: input.to_path_buf(),
            line,
            reason,
        };
        let task = match convert(record) {
            Ok(t) => t,
            Err(reason) => {
                summary.errors.push(line_error(reason));
                continue;
            }
        };
        if let Err(reason) = task_out::check_task_id(&task.toml.id) {
            summary.errors.push(line_error(reason));
            continue;
        }
        if !seen.insert(task.dir_name.clone()) {
            summary.errors.push(line_error(format!(
                "task `{}` appears a second time; the first one was kept",
                task.toml.id
            )));
            continue;
        }
        let dir = write_task(out, &task).map_err(|source| ImportError::Write {
            path: out.join(&task.dir_name),
            source,
        })?;
        summary.written.push(dir);
    }
    Ok(summary)
}
