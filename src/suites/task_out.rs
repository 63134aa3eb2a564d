//! An imported problem as an ordinary crucible task directory, and writing it to disk.
use crate::task::{REFERENCE_DIR, TASK_FILE};
use crate::testreport::ReportFormat;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One task, ready to be written as `<out>/<dir_name>/`.
#[derive(Debug, Clone)]
pub struct ImportedTask {
    /// Directory name: the suite's task id with `/` replaced by `-`.
    pub dir_name: String,
    pub toml: TaskToml,
    /// The task's own files (relative path → text): prompt, tests, runner, build files.
    pub files: BTreeMap<String, String>,
    /// The reference solution by candidate file name (written under `reference/`).
    pub reference: BTreeMap<String, String>,
}

/// `task.toml` as written by the importers (the subset of the format they use).
#[derive(Debug, Clone, Serialize)]
pub struct TaskToml {
    pub id: String,
    pub title: String,
    pub language: String,
    pub price_usd: f64,
    pub description: String,
    pub test_cases: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test_command: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<ReportFormat>,
    pub tags: Vec<String>,
    pub candidate: CandidateToml,
    pub limits: LimitsToml,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub judge: Option<JudgeToml>,
}

/// `[judge]`: how the tests reach the candidate. `kind = "calls"`: the tests run in a trusted
/// judge process and call the candidate, loaded in another process, across a pipe (the harness
/// `.crucible/calls.py`, which crucible adds to the payload); `hidden` files only the judge reads.
#[derive(Debug, Clone, Serialize)]
pub struct JudgeToml {
    pub kind: String,
    pub spec: String,
    pub hidden: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CandidateToml {
    pub files: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completion_prefix: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LimitsToml {
    pub timeout: String,
}

/// The directory name for a suite task id: `HumanEval/0` → `HumanEval-0`.
pub fn dir_name_for(task_id: &str) -> String {
    task_id.replace('/', "-")
}

/// Check a suite task id before it names a directory: crucible's id rules, and it must start with
/// a letter or digit (so it can never be `.` or a hidden name).
pub fn check_task_id(id: &str) -> Result<(), String> {
    let ok = id.len() <= 100
        && id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && !id.contains("..")
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "task id `{id}` cannot be used: it must start with a letter or digit and hold only \
             letters, digits, `-`, `_`, `.`, `/` (at most 100, no `..`)"
        ))
    }
}

/// Write the task under `out`, replacing the files of an earlier import of the same task.
pub fn write_task(out: &Path, task: &ImportedTask) -> std::io::Result<PathBuf> {
    let dir = out.join(&task.dir_name);
    if dir.exists() {
        // A re-import must not leave files of an older layout behind (they would be sent with
        // every candidate).
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    let toml = toml::to_string(&task.toml)
        .map_err(|e| std::io::Error::other(format!("cannot serialise task.toml: {e}")))?;
    std::fs::write(dir.join(TASK_FILE), toml)?;
    for (rel, text) in &task.files {
        write_file(&dir.join(rel), text)?;
    }
    for (rel, text) in &task.reference {
        write_file(&dir.join(REFERENCE_DIR).join(rel), text)?;
    }
    Ok(dir)
}

fn write_file(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, text)
}
