//! Readers for model output: turn completion files into candidates for tasks.
//!
//! Accepted line shapes (JSONL or JSONL.gz, one candidate per line):
//! - human-eval samples: `{"task_id", "completion"}` — the task's `completion_prefix` file is put
//!   before the completion; several lines for one task are samples (pass@k).
//! - full solutions: `{"task_id", "solution"}` or `{"task_id", "code"}` — the text is the
//!   candidate file.
//! - crucible's own: `{"task_id", "model", "files": {path: content}, "sample"?}`.
//!
//! When a line holds several of these fields the first of `files`, `completion`, `solution`,
//! `code` is used, and the candidate says which (`source_field`).
use super::jsonl::{JsonlReader, LineError};
use crate::sandbox::PayloadLimits;
use crate::task::{Task, is_declared};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;

/// Which field of the line the candidate was built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceField {
    Completion,
    Solution,
    Code,
    Files,
}

impl SourceField {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceField::Completion => "completion",
            SourceField::Solution => "solution",
            SourceField::Code => "code",
            SourceField::Files => "files",
        }
    }
}

impl fmt::Display for SourceField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One candidate solution for one task.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub task_id: String,
    pub model: String,
    /// 0-based sample index within (task, model): the line's `sample`, else order of appearance.
    pub sample: u32,
    /// Candidate files by path, exactly the task's candidate files.
    pub files: BTreeMap<String, Vec<u8>>,
    pub source_field: SourceField,
    /// 1-based line in the completions file.
    pub line: usize,
}

/// Everything read from one completions file.
#[derive(Debug, Default)]
pub struct CompletionsRead {
    pub candidates: Vec<Candidate>,
    /// Lines that gave no candidate (bad JSON, unknown task id, missing field ...), with
    /// file:line and the reason (which names the task id when there is one).
    pub errors: Vec<LineError>,
}

impl CompletionsRead {
    /// How many candidates were built from each field (to tell the user what was read).
    pub fn fields_used(&self) -> BTreeMap<&'static str, usize> {
        let mut out = BTreeMap::new();
        for c in &self.candidates {
            *out.entry(c.source_field.as_str()).or_insert(0) += 1;
        }
        out
    }
}

/// The model name used when a line has no `model`: the file name without `.gz`/`.jsonl`.
pub fn model_from_path(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    let name = name
        .strip_suffix(".jsonl")
        .or_else(|| name.strip_suffix(".json"))
        .unwrap_or(name);
    if name.is_empty() {
        "model".into()
    } else {
        name.to_string()
    }
}

/// Read `path` against `tasks` (task id → task). `model` names lines without a `model` field
/// (default: the file stem). Only an unreadable file is an `Err`; bad lines are collected. A line
/// longer than the payload cap is a bad line: it is skipped, never held whole in memory.
pub fn read_completions(
    path: &Path,
    tasks: &BTreeMap<String, Task>,
    model: Option<&str>,
) -> std::io::Result<CompletionsRead> {
    let default_model = model
        .map(str::to_string)
        .unwrap_or_else(|| model_from_path(path));
    let max_line = usize::try_from(PayloadLimits::default().max_total_bytes).unwrap_or(usize::MAX);
    let mut reader = JsonlReader::open(path)?.with_max_line_bytes(max_line);
    let mut out = CompletionsRead::default();
    let mut next_sample: HashMap<(String, String), u32> = HashMap::new();
    let mut taken: HashMap<(String, String), Vec<u32>> = HashMap::new();
    while let Some(item) = reader.next_record::<Value>() {
        let (line, value) = match item {
            Ok(x) => x,
            Err(e) => {
                out.errors.push(e);
                continue;
            }
        };
        let error = |reason: String| LineError {
            file: path.to_path_buf(),
            line,
            reason,
        };
        let candidate = match candidate_from_line(&value, tasks, &default_model, line) {
            Ok(c) => c,
            Err(reason) => {
                out.errors.push(error(reason));
                continue;
            }
        };
        let mut candidate = candidate;
        let key = (candidate.task_id.clone(), candidate.model.clone());
        let explicit = value.get("sample").is_some();
        if !explicit {
            let n = next_sample.entry(key.clone()).or_insert(0);
            candidate.sample = *n;
            *n += 1;
        }
        let used = taken.entry(key).or_default();
        if used.contains(&candidate.sample) {
            out.errors.push(error(format!(
                "task `{}`, model `{}`: sample {} appears a second time; the first one was kept",
                candidate.task_id, candidate.model, candidate.sample
            )));
            continue;
        }
        used.push(candidate.sample);
        out.candidates.push(candidate);
    }
    Ok(out)
}

fn candidate_from_line(
    value: &Value,
    tasks: &BTreeMap<String, Task>,
    default_model: &str,
    line: usize,
) -> Result<Candidate, String> {
    let obj = value.as_object().ok_or("the line is not a JSON object")?;
    let task = find_task(obj, tasks)?;
    let model = match obj.get("model") {
        None | Some(Value::Null) => default_model.to_string(),
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        Some(other) => {
            return Err(format!(
                "task `{}`: `model` must be a non-empty string, got {other}",
                task.id
            ));
        }
    };
    let sample = match obj.get("sample") {
        None => 0,
        Some(v) => v
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| {
                format!(
                    "task `{}`: `sample` must be a non-negative integer, got {v}",
                    task.id
                )
            })?,
    };
    let (source_field, files) = build_files(obj, task)?;
    Ok(Candidate {
        task_id: task.id.clone(),
        model,
        sample,
        files,
        source_field,
        line,
    })
}

fn find_task<'a>(
    obj: &Map<String, Value>,
    tasks: &'a BTreeMap<String, Task>,
) -> Result<&'a Task, String> {
    let id = match obj.get("task_id") {
        Some(Value::String(s)) => s.clone(),
        // MBPP's own files number their problems; crucible names them `mbpp/<n>`.
        Some(Value::Number(n)) => {
            let plain = n.to_string();
            if tasks.contains_key(&plain) {
                plain
            } else {
                super::mbpp::task_id(
                    n.as_u64()
                        .ok_or_else(|| format!("task_id {n} is not a task id"))?,
                )
            }
        }
        Some(other) => return Err(format!("`task_id` must be a string, got {other}")),
        None => return Err("the line has no `task_id`".into()),
    };
    tasks.get(&id).ok_or_else(|| {
        format!(
            "unknown task id `{id}` (no such task among the {} loaded)",
            tasks.len()
        )
    })
}

fn text_field(obj: &Map<String, Value>, task: &Task, name: &str) -> Result<Option<String>, String> {
    match obj.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(format!(
            "task `{}`: `{name}` must be a string, got {}",
            task.id,
            kind(other)
        )),
    }
}

fn build_files(
    obj: &Map<String, Value>,
    task: &Task,
) -> Result<(SourceField, BTreeMap<String, Vec<u8>>), String> {
    if let Some(files) = obj.get("files") {
        return Ok((SourceField::Files, files_field(files, task)?));
    }
    let single = |field: SourceField, text: String| -> Result<_, String> {
        if task.candidate_files.len() != 1 || task.candidate_files[0].ends_with('/') {
            return Err(format!(
                "task `{}`: `{field}` fills exactly one candidate file, but the task declares {}: use `files`",
                task.id,
                task.candidate_files.join(", ")
            ));
        }
        let mut files = BTreeMap::new();
        files.insert(task.candidate_files[0].clone(), text.into_bytes());
        Ok((field, files))
    };
    if let Some(completion) = text_field(obj, task, "completion")? {
        let prefix_name = task.completion_prefix.as_ref().ok_or_else(|| {
            format!(
                "task `{}` has no completion_prefix, so a `completion` cannot be completed: give \
                 the whole file as `solution`",
                task.id
            )
        })?;
        let prefix = task.files.get(prefix_name).ok_or_else(|| {
            format!(
                "task `{}`: completion prefix `{prefix_name}` is missing",
                task.id
            )
        })?;
        let mut text = String::from_utf8_lossy(prefix).into_owned();
        text.push_str(&completion);
        return single(SourceField::Completion, text);
    }
    if let Some(solution) = text_field(obj, task, "solution")? {
        return single(SourceField::Solution, solution);
    }
    if let Some(code) = text_field(obj, task, "code")? {
        return single(SourceField::Code, code);
    }
    Err(format!(
        "task `{}`: the line has none of `files`, `completion`, `solution`, `code`",
        task.id
    ))
}

fn files_field(value: &Value, task: &Task) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let map = value.as_object().ok_or_else(|| {
        format!(
            "task `{}`: `files` must be an object {{path: content}}, got {}",
            task.id,
            kind(value)
        )
    })?;
    let mut files = BTreeMap::new();
    for (path, content) in map {
        if !is_declared(path, &task.candidate_files) {
            return Err(format!(
                "task `{}`: `{path}` is not a candidate file of the task (candidate files: {})",
                task.id,
                task.candidate_files.join(", ")
            ));
        }
        let text = content.as_str().ok_or_else(|| {
            format!(
                "task `{}`: files[`{path}`] must be a string, got {}",
                task.id,
                kind(content)
            )
        })?;
        files.insert(path.clone(), text.as_bytes().to_vec());
    }
    // A declared directory (`dir/`) may hold any files, or none.
    let missing: Vec<&str> = task
        .candidate_files
        .iter()
        .filter(|f| !f.ends_with('/') && !files.contains_key(*f))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "task `{}`: `files` lacks candidate file(s) {}",
            task.id,
            missing.join(", ")
        ));
    }
    Ok(files)
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::Limits;

    /// A real task on disk (the reader needs a loaded `Task`), plus a completions file.
    fn fixture(name: &str, lines: &str) -> (std::path::PathBuf, BTreeMap<String, Task>) {
        let dir =
            std::env::temp_dir().join(format!("crucible-compl-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let task_dir = dir.join("t");
        std::fs::create_dir_all(&task_dir).unwrap();
        std::fs::write(
            task_dir.join("task.toml"),
            "id = \"demo/1\"\ntitle = \"t\"\nlanguage = \"python\"\nprice_usd = 0\n\
             description = \"d\"\ntest_cases = 1\n\
             [candidate]\nfiles = [\"solution.py\"]\ncompletion_prefix = \"prompt.py\"\n",
        )
        .unwrap();
        std::fs::write(task_dir.join("prompt.py"), "def f():\n").unwrap();
        let task = Task::load(&task_dir, &Limits::default()).unwrap();
        let file = dir.join("gpt-x.jsonl");
        std::fs::write(&file, lines).unwrap();
        let mut tasks = BTreeMap::new();
        tasks.insert(task.id.clone(), task);
        (file, tasks)
    }

    #[test]
    fn each_field_builds_the_candidate_file_and_is_reported() {
        let (file, tasks) = fixture(
            "fields",
            concat!(
                "{\"task_id\": \"demo/1\", \"completion\": \"    return 1\\n\"}\n",
                "{\"task_id\": \"demo/1\", \"solution\": \"def f(): return 2\\n\"}\n",
                "{\"task_id\": \"demo/1\", \"code\": \"def f(): return 3\\n\", \"model\": \"m2\"}\n",
                "{\"task_id\": \"demo/1\", \"files\": {\"solution.py\": \"x\"}, \"sample\": 7}\n",
            ),
        );
        let read = read_completions(&file, &tasks, None).unwrap();
        assert!(read.errors.is_empty(), "{:?}", read.errors);
        let c = &read.candidates;
        assert_eq!(c[0].files["solution.py"], b"def f():\n    return 1\n");
        assert_eq!(c[0].source_field, SourceField::Completion);
        assert_eq!((c[0].model.as_str(), c[0].sample), ("gpt-x", 0));
        assert_eq!(c[1].source_field, SourceField::Solution);
        assert_eq!(c[1].files["solution.py"], b"def f(): return 2\n");
        assert_eq!(c[1].sample, 1);
        assert_eq!((c[2].model.as_str(), c[2].sample), ("m2", 0));
        assert_eq!(c[2].source_field, SourceField::Code);
        assert_eq!((c[3].source_field, c[3].sample), (SourceField::Files, 7));
    }

    #[test]
    fn bad_lines_and_unknown_tasks_are_collected_with_file_and_line() {
        let (file, tasks) = fixture(
            "bad",
            concat!(
                "{\"task_id\": \"nope/9\", \"completion\": \"x\"}\n",
                "not json\n",
                "{\"task_id\": \"demo/1\"}\n",
                "{\"task_id\": \"demo/1\", \"files\": {\"other.py\": \"x\"}}\n",
                "{\"task_id\": \"demo/1\", \"completion\": 5}\n",
                "[1, 2]\n",
                "{\"task_id\": \"demo/1\", \"completion\": \"ok\"}\n",
            ),
        );
        let read = read_completions(&file, &tasks, Some("named")).unwrap();
        assert_eq!(read.candidates.len(), 1);
        assert_eq!(read.candidates[0].model, "named");
        assert_eq!(read.candidates[0].line, 7);
        let errors: Vec<String> = read.errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(errors.len(), 6, "{errors:?}");
        assert!(
            errors[0].contains("gpt-x.jsonl:1: unknown task id `nope/9`"),
            "{}",
            errors[0]
        );
        assert!(
            errors[1].contains(":2: not a valid record"),
            "{}",
            errors[1]
        );
        assert!(
            errors[2].contains(":3: task `demo/1`: the line has none of"),
            "{}",
            errors[2]
        );
        assert!(
            errors[3].contains("`other.py` is not a candidate file"),
            "{}",
            errors[3]
        );
        assert!(
            errors[4].contains("`completion` must be a string"),
            "{}",
            errors[4]
        );
        assert!(errors[5].contains("not a JSON object"), "{}", errors[5]);
    }

    #[test]
    fn files_below_a_declared_directory_are_candidate_files() {
        let (file, mut tasks) = fixture(
            "dirdecl",
            concat!(
                "{\"task_id\": \"demo/1\", \"files\": {\"src/a.py\": \"a\", \"src/b/c.py\": \"c\"}}\n",
                "{\"task_id\": \"demo/1\", \"files\": {\"conftest.py\": \"x\"}}\n",
            ),
        );
        tasks.get_mut("demo/1").unwrap().candidate_files = vec!["src/".into()];
        let read = read_completions(&file, &tasks, None).unwrap();
        assert_eq!(read.candidates.len(), 1, "{:?}", read.errors);
        assert_eq!(
            read.candidates[0].files.keys().collect::<Vec<_>>(),
            ["src/a.py", "src/b/c.py"]
        );
        let error = read.errors[0].to_string();
        assert!(
            error.contains(":2: task `demo/1`: `conftest.py` is not a candidate file"),
            "{error}"
        );
    }

    #[test]
    fn model_name_comes_from_the_file_stem() {
        assert_eq!(model_from_path(Path::new("/x/samples.jsonl.gz")), "samples");
        assert_eq!(model_from_path(Path::new("run1.jsonl")), "run1");
    }
}
