//! Loading every task of a benchmark directory.
use super::definition::{TASK_FILE, Task, TaskError};
use crate::limits::Limits;
use std::path::Path;

/// Tasks are the directories `DIR/<id>/` holding a task.toml (searched recursively, so suites can
/// nest). Directories whose name starts with `_` or `.` are not tasks (e.g. `_candidates`).
pub fn load_tasks(dir: &Path, defaults: &Limits) -> Result<(Vec<Task>, Vec<TaskError>), TaskError> {
    if !dir.is_dir() {
        return Err(TaskError::Read {
            path: dir.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "not a directory of tasks"),
        });
    }
    let mut tasks = Vec::new();
    let mut errors = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        if d.join(TASK_FILE).is_file() {
            match Task::load(&d, defaults) {
                Ok(t) => tasks.push(t),
                Err(e) => errors.push(e),
            }
            continue;
        }
        let entries = std::fs::read_dir(&d).map_err(|source| TaskError::Read {
            path: d.clone(),
            source,
        })?;
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('_') || name.starts_with('.') {
                continue;
            }
            if entry.file_type().map(|t| t.is_dir()).unwrap_or(false) {
                stack.push(entry.path());
            }
        }
    }
    tasks.sort_by(|a, b| a.id.cmp(&b.id));
    let mut seen = std::collections::HashSet::new();
    for t in &tasks {
        if !seen.insert(t.id.clone()) {
            errors.push(TaskError::Invalid {
                path: t.dir.join(TASK_FILE),
                message: format!("task id `{}` is used by another task too", t.id),
            });
        }
    }
    Ok((tasks, errors))
}
