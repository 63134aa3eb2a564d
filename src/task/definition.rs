//! A task: `tasks/<id>/task.toml` plus the task's own files (tests, fixtures) and a reference
//! solution under `reference/`.
use super::language::Language;
use crate::execution::JudgeKind;
use crate::limits::{Limits, parse_bytes, parse_duration};
use crate::testreport::ReportFormat;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const TASK_FILE: &str = "task.toml";
/// Directory of the reference solution inside a task directory (never sent with a candidate).
pub const REFERENCE_DIR: &str = "reference";
/// Optional directory of a stub solution used by `tasks validate` (default: empty candidate files).
pub const STUB_DIR: &str = "stub";
/// The test cases' names, one per line, as the reference run reported them
/// (`crucible tasks validate --record` writes it); a report must name exactly these.
pub const EXPECTED_TESTS_FILE: &str = "expected_tests.txt";

/// The file format, exactly as written by a benchmark author.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskFile {
    pub id: String,
    pub title: String,
    pub language: String,
    pub price_usd: f64,
    pub description: String,
    /// Number of test cases the suite holds; a report with fewer is not a pass.
    pub test_cases: u32,
    pub candidate: CandidateSpec,
    /// Shell command (run by `/bin/sh -c` in the working directory). Default: the language's.
    pub test_command: Option<String>,
    /// Shell command run before the tests in the same container (e.g. a build step).
    pub setup_command: Option<String>,
    /// Report format written by the test command to `$CRUCIBLE_REPORT`. Default: the language's.
    pub report: Option<ReportFormat>,
    /// Image override (default `crucible/<language>:latest`).
    pub image: Option<String>,
    #[serde(default)]
    pub limits: LimitsFile,
    /// Free-form labels for reports (e.g. difficulty, category).
    #[serde(default)]
    pub tags: Vec<String>,
    /// Where the tests run relative to the candidate (default: in its process).
    pub judge: Option<JudgeFile>,
}

/// `[judge]`: `kind = "calls"` runs the tests in a trusted process that calls the candidate's
/// functions across a process boundary (Python).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JudgeFile {
    #[serde(default)]
    pub kind: JudgeKind,
    /// The call harness's spec file among the task's files (kind = "calls").
    pub spec: Option<String>,
    /// Task files (or directories, ending in `/`) only the judge can read.
    #[serde(default)]
    pub hidden: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CandidateSpec {
    /// Paths (relative to the working directory) that belong to the candidate.
    pub files: Vec<String>,
    /// A task file whose text is put before a HumanEval-style `completion`; the result becomes
    /// `files[0]`.
    pub completion_prefix: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsFile {
    pub timeout: Option<String>,
    pub memory: Option<String>,
    pub cpus: Option<f64>,
    pub pids: Option<i64>,
    pub output: Option<String>,
}

/// A loaded, checked task.
#[derive(Debug, Clone)]
pub struct Task {
    pub dir: PathBuf,
    pub id: String,
    pub title: String,
    pub language: Language,
    pub price_usd: f64,
    pub description: String,
    pub test_cases: u32,
    pub candidate_files: Vec<String>,
    pub completion_prefix: Option<String>,
    pub test_command: String,
    pub setup_command: Option<String>,
    pub report: ReportFormat,
    pub image: String,
    pub limits: Limits,
    pub tags: Vec<String>,
    /// The task's own files (relative path → bytes), sent with every candidate.
    pub files: BTreeMap<String, Vec<u8>>,
    pub judge: JudgeKind,
    /// The call harness's spec file (judge = calls).
    pub calls_spec: Option<String>,
    /// Task files or directories (ending in `/`) only the judge can read.
    pub hidden: Vec<String>,
    /// The test cases' names from `expected_tests.txt` (empty: not recorded).
    pub test_names: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum TaskError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: {message}")]
    Syntax {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

impl Task {
    /// Load `dir/task.toml` and the task's files, applying `defaults` for unset limits.
    pub fn load(dir: &Path, defaults: &Limits) -> Result<Task, TaskError> {
        let path = dir.join(TASK_FILE);
        let text = std::fs::read_to_string(&path).map_err(|source| TaskError::Read {
            path: path.clone(),
            source,
        })?;
        let file: TaskFile = toml::from_str(&text).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|s| line_column(&text, s.start))
                .unwrap_or((1, 1));
            TaskError::Syntax {
                path: path.clone(),
                line,
                column,
                message: e.message().to_string(),
            }
        })?;
        let invalid = |message: String| TaskError::Invalid {
            path: path.clone(),
            message,
        };
        let language = Language::parse(&file.language).ok_or_else(|| {
            invalid(format!(
                "unknown language `{}` (one of: python, node, go, rust, java, cpp)",
                file.language
            ))
        })?;
        if !valid_id(&file.id) {
            return Err(invalid(format!(
                "id `{}` must be 1-100 characters of letters, digits, `-`, `_`, `.` and `/`",
                file.id
            )));
        }
        if !(file.price_usd.is_finite() && file.price_usd >= 0.0) {
            return Err(invalid(format!(
                "price_usd {} must be >= 0",
                file.price_usd
            )));
        }
        if file.candidate.files.is_empty() {
            return Err(invalid(
                "candidate.files must name at least one file".into(),
            ));
        }
        let limits = file.limits.apply(defaults).map_err(invalid)?;
        let files = read_task_files(dir).map_err(|source| TaskError::Read {
            path: dir.to_path_buf(),
            source,
        })?;
        for f in &file.candidate.files {
            if files.contains_key(f) {
                return Err(invalid(format!(
                    "candidate file `{f}` is also one of the task's own files"
                )));
            }
        }
        if let Some(prefix) = &file.candidate.completion_prefix
            && !files.contains_key(prefix)
        {
            return Err(invalid(format!(
                "candidate.completion_prefix `{prefix}` is not a file of the task"
            )));
        }
        let judge = file.judge.clone().unwrap_or(JudgeFile {
            kind: JudgeKind::InProcess,
            spec: None,
            hidden: Vec::new(),
        });
        for h in &judge.hidden {
            if !files.keys().any(|f| is_hidden(f, std::slice::from_ref(h))) {
                return Err(invalid(format!(
                    "judge.hidden `{h}` names no file of the task"
                )));
            }
        }
        if judge.kind == JudgeKind::Calls {
            if language != Language::Python {
                return Err(invalid(
                    "judge.kind = \"calls\" is built for python tasks only".into(),
                ));
            }
            match &judge.spec {
                Some(spec) if files.contains_key(spec) && !is_hidden(spec, &judge.hidden) => {}
                Some(spec) => {
                    return Err(invalid(format!(
                        "judge.spec `{spec}` must be a task file the candidate's process can read (not hidden)"
                    )));
                }
                None => {
                    return Err(invalid(
                        "judge.kind = \"calls\" needs judge.spec (the harness's spec file)".into(),
                    ));
                }
            }
        } else if !judge.hidden.is_empty() {
            return Err(invalid(
                "judge.hidden needs judge.kind = \"calls\" (in-process tests run as the candidate)"
                    .into(),
            ));
        }
        let test_names = read_expected_tests(dir).map_err(|source| TaskError::Read {
            path: dir.join(EXPECTED_TESTS_FILE),
            source,
        })?;
        if !test_names.is_empty() && test_names.len() != file.test_cases as usize {
            return Err(invalid(format!(
                "{EXPECTED_TESTS_FILE} names {} test cases but test_cases = {}",
                test_names.len(),
                file.test_cases
            )));
        }
        Ok(Task {
            judge: judge.kind,
            calls_spec: judge.spec,
            hidden: judge.hidden,
            test_names,
            dir: dir.to_path_buf(),
            image: file.image.unwrap_or_else(|| language.image()),
            test_command: file
                .test_command
                .unwrap_or_else(|| language.default_test_command().to_string()),
            report: file.report.unwrap_or_else(|| language.default_report()),
            id: file.id,
            title: file.title,
            language,
            price_usd: file.price_usd,
            description: file.description,
            test_cases: file.test_cases,
            candidate_files: file.candidate.files,
            completion_prefix: file.candidate.completion_prefix,
            setup_command: file.setup_command,
            limits,
            tags: file.tags,
            files,
        })
    }

    /// Read the reference solution (`reference/<candidate files>`).
    pub fn reference_solution(&self) -> Result<BTreeMap<String, Vec<u8>>, TaskError> {
        self.read_solution_dir(REFERENCE_DIR)
    }

    /// The stub solution for `tasks validate`: `stub/` when present, else empty candidate files.
    pub fn stub_solution(&self) -> Result<BTreeMap<String, Vec<u8>>, TaskError> {
        if self.dir.join(STUB_DIR).is_dir() {
            return self.read_solution_dir(STUB_DIR);
        }
        Ok(self
            .candidate_files
            .iter()
            .map(|f| (f.clone(), Vec::new()))
            .collect())
    }

    fn read_solution_dir(&self, sub: &str) -> Result<BTreeMap<String, Vec<u8>>, TaskError> {
        let mut out = BTreeMap::new();
        for f in &self.candidate_files {
            let path = self.dir.join(sub).join(f);
            let bytes = std::fs::read(&path).map_err(|source| TaskError::Read { path, source })?;
            out.insert(f.clone(), bytes);
        }
        Ok(out)
    }

    /// The full shell script run in the container: setup (if any), then the tests.
    pub fn shell_command(&self) -> String {
        match &self.setup_command {
            Some(setup) => format!("{{ {setup}\n}} || exit 3\n{}", self.test_command),
            None => self.test_command.clone(),
        }
    }
}

impl LimitsFile {
    fn apply(&self, defaults: &Limits) -> Result<Limits, String> {
        let mut l = defaults.clone();
        if let Some(t) = &self.timeout {
            l.timeout = parse_duration(t).map_err(|e| format!("limits.timeout: {e}"))?;
        }
        if let Some(m) = &self.memory {
            l.memory_bytes = parse_bytes(m).map_err(|e| format!("limits.memory: {e}"))?;
        }
        if let Some(o) = &self.output {
            l.output_bytes = parse_bytes(o).map_err(|e| format!("limits.output: {e}"))?;
        }
        if let Some(c) = self.cpus {
            if !(c > 0.0 && c <= 64.0) {
                return Err(format!("limits.cpus {c} must be in (0, 64]"));
            }
            l.cpus = c;
        }
        if let Some(p) = self.pids {
            if p < 8 {
                return Err(format!("limits.pids {p} must be at least 8"));
            }
            l.pids = p;
        }
        Ok(l)
    }
}

/// Whether `path` is one of `hidden` (a file, or below a directory written with a final `/`).
pub fn is_hidden(path: &str, hidden: &[String]) -> bool {
    hidden.iter().any(|h| match h.strip_suffix('/') {
        Some(dir) => path.starts_with(dir) && path[dir.len()..].starts_with('/'),
        None => path == h,
    })
}

/// `expected_tests.txt`: one name per line; blank lines ignored. Missing: no names.
fn read_expected_tests(dir: &Path) -> std::io::Result<Vec<String>> {
    match std::fs::read_to_string(dir.join(EXPECTED_TESTS_FILE)) {
        Ok(text) => Ok(text
            .lines()
            .map(str::trim_end)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 100
        && !id.contains("..")
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map(|i| i + 1).unwrap_or(0) + 1;
    (line, column)
}

/// Every regular file under `dir` except task.toml, reference/ and stub/, by relative path.
fn read_task_files(dir: &Path) -> std::io::Result<BTreeMap<String, Vec<u8>>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let entry = entry?;
            let path = entry.path();
            let rel = path
                .strip_prefix(dir)
                .expect("walked below dir")
                .to_string_lossy()
                .replace('\\', "/");
            if rel == TASK_FILE
                || rel == REFERENCE_DIR
                || rel == STUB_DIR
                || rel == EXPECTED_TESTS_FILE
            {
                continue;
            }
            let kind = entry.file_type()?;
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file() {
                out.insert(rel, std::fs::read(&path)?);
            }
            // Symlinks and special files in a task directory are ignored, never followed.
        }
    }
    Ok(out)
}
