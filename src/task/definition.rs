//! A task: `tasks/<id>/task.toml` plus the task's own files (tests, fixtures) and a reference
//! solution under `reference/`.
use super::language::Language;
use crate::cases::{Checker, Compare, CustomChecker, DEFAULT_TOLERANCE, LoadedCase, load_cases};
use crate::execution::JudgeKind;
use crate::limits::{Limits, parse_bytes, parse_duration};
use crate::testreport::ReportFormat;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

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
    /// Structured stdin/stdout cases judged outside the container; `test_command` and `report`
    /// are then unused.
    pub io: Option<IoFile>,
}

/// `[io]`: the task is a set of stdin/stdout cases.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IoFile {
    /// A directory of `<name>.in` / `<name>.out` pairs, or a `.jsonl` file, in the task.
    pub cases: String,
    #[serde(default)]
    pub checker: Checker,
    pub abs_tol: Option<f64>,
    pub rel_tol: Option<f64>,
    #[serde(default)]
    pub case_insensitive: bool,
    /// Shell command run once before the cases (default per language).
    pub build: Option<String>,
    /// Shell command of one case; the case's args follow (default per language).
    pub run: Option<String>,
    /// Each case's limit (default: the task's timeout).
    pub case_timeout: Option<String>,
    #[serde(default)]
    pub stop_at_first_failure: bool,
    /// The program that judges the cases whose checker is `custom`.
    pub custom_checker: Option<CustomCheckerFile>,
}

/// `[io.custom_checker]`: a checker program among the task's files (docs/io-tasks.md).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomCheckerFile {
    /// Task files, or directories ending in `/`: the checker's, never sent to the candidate.
    pub files: Vec<String>,
    /// Default: the task's language (and image).
    pub language: Option<String>,
    /// Shell command run once before the checks (default per language, on the first file).
    pub build: Option<String>,
    /// Shell command of one check; input, output and answer paths follow (default per language).
    pub run: Option<String>,
    /// Each check's limit (default 10s).
    pub timeout: Option<String>,
}

/// Where the function-call runners are put in the payload (`[io]` cases with `call`).
pub const CALL_RUNNER_DIR: &str = ".crucible";

/// A loaded I/O task's cases and how they run.
#[derive(Debug, Clone)]
pub struct IoTask {
    pub build: Option<String>,
    pub run: String,
    pub compare: Compare,
    pub stop_at_first_failure: bool,
    /// Every case's limit, its own or the task's.
    pub case_timeouts: Vec<Duration>,
    pub cases: Vec<LoadedCase>,
    pub custom_checker: Option<CustomChecker>,
    /// The cases are function calls: the language's call runner goes into the payload.
    pub function_calls: bool,
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
    /// Structured stdin/stdout cases (`[io]`).
    pub io: Option<IoTask>,
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
                "unknown language `{}` (one of: python, node, go, rust, java, cpp, csharp)",
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
        let mut limits = file.limits.apply(defaults).map_err(invalid)?;
        let mut files = read_task_files(dir).map_err(|source| TaskError::Read {
            path: dir.to_path_buf(),
            source,
        })?;
        let io = match &file.io {
            Some(io_file) => {
                if file.judge.is_some() {
                    return Err(invalid(
                        "[io] and [judge] exclude each other: an I/O task is judged outside the container"
                            .into(),
                    ));
                }
                let io = load_io(dir, io_file, &file, language, &files, limits.timeout)
                    .map_err(invalid)?;
                // The expected outputs stay with crucible: no case file is ever a payload file.
                let root = io_file.cases.trim_end_matches('/');
                files.retain(|f, _| f != root && !f.starts_with(&format!("{root}/")));
                // Nor is the checker's: it is the judge's, and may hold answers.
                if let Some(checker) = &io.custom_checker {
                    files.retain(|f, _| !checker.files.contains_key(f));
                }
                if file.limits.timeout.is_none() {
                    // The run's default covers the build; every case adds its own limit.
                    limits.timeout += io.case_timeouts.iter().sum::<Duration>();
                }
                Some(io)
            }
            None if !language.runs_unit_tests() => {
                return Err(invalid(format!(
                    "language `{}` runs stdin/stdout tasks only: the task needs an [io] table",
                    language.as_str()
                )));
            }
            None => None,
        };
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
            io,
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

/// The `[io]` table with the language's defaults applied and the cases read.
fn load_io(
    dir: &Path,
    io: &IoFile,
    file: &TaskFile,
    language: Language,
    files: &BTreeMap<String, Vec<u8>>,
    task_timeout: Duration,
) -> Result<IoTask, String> {
    let cases_path = dir.join(&io.cases);
    if io.cases.starts_with('/') || io.cases.split('/').any(|c| c == "..") {
        return Err(format!(
            "io.cases `{}` must be a path inside the task",
            io.cases
        ));
    }
    let cases = load_cases(&cases_path).map_err(|e| format!("io.cases: {e}"))?;
    if cases.len() != file.test_cases as usize {
        return Err(format!(
            "io.cases holds {} cases but test_cases = {}",
            cases.len(),
            file.test_cases
        ));
    }
    for (name, tol) in [("abs_tol", io.abs_tol), ("rel_tol", io.rel_tol)] {
        if tol.is_some_and(|t| !(t.is_finite() && t >= 0.0)) {
            return Err(format!("io.{name} must be a finite number >= 0"));
        }
    }
    let case_timeout = match &io.case_timeout {
        Some(t) => parse_duration(t).map_err(|e| format!("io.case_timeout: {e}"))?,
        None => task_timeout,
    };
    let root = io.cases.trim_end_matches('/');
    for case in &cases {
        for path in case.files.keys().chain(case.expected_files.keys()) {
            let clash = file.candidate.files.contains(path)
                || (files.contains_key(path) && !path.starts_with(&format!("{root}/")));
            if clash {
                return Err(format!(
                    "case `{}`: file `{path}` is a task or candidate file",
                    case.name
                ));
            }
        }
    }
    let function_calls = cases.iter().any(|c| c.function_call);
    if function_calls && !cases.iter().all(|c| c.function_call) {
        return Err("io.cases mixes function-call cases with stdin cases".into());
    }
    let (default_build, default_run) = if function_calls {
        let module = file.candidate.files.first().cloned().unwrap_or_default();
        match language {
            Language::Python => (
                None,
                Some(format!("python3 -I {CALL_RUNNER_DIR}/call.py {module}")),
            ),
            Language::Node => (
                None,
                Some(format!("node {CALL_RUNNER_DIR}/call.js ./{module}")),
            ),
            other => {
                return Err(format!(
                    "function-call cases are built for python and node tasks, not {}",
                    other.as_str()
                ));
            }
        }
    } else {
        io_defaults(language, &file.candidate.files, files)
    };
    let run = io
        .run
        .clone()
        .or(default_run)
        .ok_or_else(|| format!("io.run is needed: {} has no default", language.as_str()))?;
    let uses_custom =
        io.checker == Checker::Custom || cases.iter().any(|c| c.checker == Some(Checker::Custom));
    let custom_checker = match (&io.custom_checker, uses_custom) {
        (Some(c), true) => Some(load_custom_checker(c, file, language, files)?),
        (None, false) => None,
        (None, true) => {
            return Err("checker = \"custom\" needs an [io.custom_checker] table".into());
        }
        (Some(_), false) => {
            return Err("[io.custom_checker] is set but no case uses checker = \"custom\"".into());
        }
    };
    Ok(IoTask {
        custom_checker,
        function_calls,
        build: io.build.clone().or(default_build),
        run,
        compare: Compare {
            checker: io.checker,
            abs_tol: io.abs_tol.unwrap_or(DEFAULT_TOLERANCE),
            rel_tol: io.rel_tol.unwrap_or(DEFAULT_TOLERANCE),
            case_insensitive: io.case_insensitive,
        },
        stop_at_first_failure: io.stop_at_first_failure,
        case_timeouts: cases
            .iter()
            .map(|c| c.timeout.unwrap_or(case_timeout))
            .collect(),
        cases,
    })
}

/// The checker program's files (taken from the task's), image and commands.
fn load_custom_checker(
    c: &CustomCheckerFile,
    file: &TaskFile,
    task_language: Language,
    files: &BTreeMap<String, Vec<u8>>,
) -> Result<CustomChecker, String> {
    let language = match &c.language {
        Some(l) => Language::parse(l)
            .ok_or_else(|| format!("io.custom_checker.language `{l}` is not a language"))?,
        None => task_language,
    };
    let image = if language == task_language {
        file.image.clone().unwrap_or_else(|| language.image())
    } else {
        language.image()
    };
    let mut own = BTreeMap::new();
    for named in &c.files {
        let before = own.len();
        for (path, bytes) in files
            .iter()
            .filter(|(p, _)| is_hidden(p, std::slice::from_ref(named)))
        {
            let text = String::from_utf8(bytes.clone())
                .map_err(|_| format!("io.custom_checker: `{path}` is not UTF-8 text"))?;
            own.insert(path.clone(), text);
        }
        if own.len() == before {
            return Err(format!(
                "io.custom_checker.files `{named}` names no file of the task"
            ));
        }
    }
    let sources: Vec<String> = own.keys().cloned().collect();
    let (default_build, default_run) = io_defaults(language, &sources, files);
    let run = c.run.clone().or(default_run).ok_or_else(|| {
        format!(
            "io.custom_checker.run is needed: {} has no default",
            language.as_str()
        )
    })?;
    let timeout = match &c.timeout {
        Some(t) => parse_duration(t).map_err(|e| format!("io.custom_checker.timeout: {e}"))?,
        None => Duration::from_secs(10),
    };
    Ok(CustomChecker {
        image,
        files: own,
        build: c.build.clone().or(default_build).map(shell),
        run: shell_with_args(&run),
        timeout_ms: timeout.as_millis().max(1) as u64,
    })
}

/// argv running `script` in the shell.
pub fn shell(script: String) -> Vec<String> {
    vec!["/bin/sh".to_string(), "-c".into(), script]
}

/// argv running `command` in the shell with the case's arguments following it as `"$@"`.
pub fn shell_with_args(command: &str) -> Vec<String> {
    let mut argv = shell(format!("{command} \"$@\""));
    argv.push("crucible-case".into());
    argv
}

/// The default build and run commands of an I/O task, from its language and candidate files.
fn io_defaults(
    language: Language,
    candidate: &[String],
    files: &BTreeMap<String, Vec<u8>>,
) -> (Option<String>, Option<String>) {
    let first = candidate.first().cloned().unwrap_or_default();
    let prog = Some("/tmp/prog".to_string());
    match language {
        Language::Python => (None, Some(format!("python3 {first}"))),
        Language::Node => (None, Some(format!("node {first}"))),
        Language::Cpp if first.ends_with(".c") => {
            let sources: Vec<&str> = candidate
                .iter()
                .filter(|f| f.ends_with(".c"))
                .map(String::as_str)
                .collect();
            let build = format!("gcc -O2 -std=gnu11 -o /tmp/prog {} -lm", sources.join(" "));
            (Some(build), prog)
        }
        Language::Cpp => (
            Some(format!("g++ -O2 -std=gnu++17 -o /tmp/prog {first}")),
            prog,
        ),
        // The image's go.work names /work/go.mod; without one, build in GOPATH mode.
        Language::Go if files.contains_key("go.mod") || candidate.iter().any(|f| f == "go.mod") => {
            (Some("go build -o /tmp/prog .".into()), prog)
        }
        Language::Go => (
            Some("GO111MODULE=off GOWORK=off go build -o /tmp/prog .".into()),
            prog,
        ),
        Language::Rust => (
            Some(format!("rustc -O --edition 2021 -o /tmp/prog {first}")),
            prog,
        ),
        Language::Java => {
            let sources: Vec<&str> = candidate
                .iter()
                .filter(|f| f.ends_with(".java"))
                .map(String::as_str)
                .collect();
            (
                Some(format!("javac -d /tmp/classes {}", sources.join(" "))),
                Some("java -cp /tmp/classes Main".into()),
            )
        }
        // System.Numerics (BigInteger) is not referenced by default; contest programs use it.
        Language::CSharp => {
            let sources: Vec<&str> = candidate
                .iter()
                .filter(|f| f.ends_with(".cs"))
                .map(String::as_str)
                .collect();
            let build = format!(
                "mcs -optimize+ -r:System.Numerics.dll -out:/tmp/prog.exe {}",
                sources.join(" ")
            );
            (Some(build), Some("mono /tmp/prog.exe".into()))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str, files: &[(&str, &str)]) -> PathBuf {
        let d =
            std::env::temp_dir().join(format!("crucible-io-task-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        for (path, text) in files {
            let p = d.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        d
    }

    fn toml(language: &str, file: &str, cases: u32, io: &str) -> String {
        format!(
            "id = \"io-x\"\ntitle = \"t\"\nlanguage = \"{language}\"\nprice_usd = 1\ndescription = \"d\"\n\
             test_cases = {cases}\n[candidate]\nfiles = [\"{file}\"]\n[io]\n{io}\n"
        )
    }

    #[test]
    fn an_io_task_keeps_its_expected_outputs_out_of_the_task_files() {
        let d = scratch(
            "files",
            &[
                (
                    "task.toml",
                    &toml(
                        "cpp",
                        "solution.cpp",
                        2,
                        "cases = \"cases\"\ncase_timeout = \"2s\"",
                    ),
                ),
                ("cases/a.in", "1"),
                ("cases/a.out", "SECRET"),
                ("cases/b.in", "2"),
                ("cases/b.out", "SECRET"),
                ("notes/readme.txt", "public"),
            ],
        );
        let t = Task::load(&d, &Limits::default()).unwrap();
        assert_eq!(t.files.keys().collect::<Vec<_>>(), ["notes/readme.txt"]);
        let io = t.io.as_ref().unwrap();
        assert_eq!(
            io.build.as_deref(),
            Some("g++ -O2 -std=gnu++17 -o /tmp/prog solution.cpp")
        );
        assert_eq!(io.run, "/tmp/prog");
        // No [limits] timeout: the run's default for the build plus every case's limit.
        assert_eq!(t.limits.timeout, Duration::from_secs(14));
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn io_tables_are_checked() {
        for (language, file, cases, io, says) in [
            (
                "cpp",
                "solution.cpp",
                3,
                "cases = \"cases\"",
                "holds 2 cases but test_cases = 3",
            ),
            (
                "cpp",
                "solution.cpp",
                2,
                "cases = \"cases\"\nabs_tol = -1.0",
                "abs_tol",
            ),
            (
                "cpp",
                "solution.cpp",
                2,
                "cases = \"../cases\"",
                "inside the task",
            ),
            (
                "cpp",
                "solution.cpp",
                2,
                "cases = \"cases\"\nchecker = \"fuzzy\"",
                "fuzzy",
            ),
            ("cpp", "solution.cpp", 2, "cases = \"missing\"", "io.cases"),
            (
                "cpp",
                "solution.cpp",
                2,
                "cases = \"cases\"\nchecker = \"custom\"",
                "needs an [io.custom_checker] table",
            ),
            (
                "cpp",
                "solution.cpp",
                2,
                "cases = \"cases\"\n[io.custom_checker]\nfiles = [\"check.py\"]",
                "no case uses checker = \"custom\"",
            ),
            (
                "cpp",
                "solution.cpp",
                2,
                "cases = \"cases\"\nchecker = \"custom\"\n[io.custom_checker]\nfiles = [\"nope.py\"]",
                "names no file of the task",
            ),
            (
                "cpp",
                "solution.cpp",
                1,
                "cases = \"calls.jsonl\"",
                "python and node tasks",
            ),
        ] {
            let d = scratch(
                "checked",
                &[
                    ("task.toml", &toml(language, file, cases, io)),
                    ("cases/a.in", ""),
                    ("cases/a.out", "1"),
                    ("cases/b.in", ""),
                    ("cases/b.out", "2"),
                    ("check.py", "import sys"),
                    ("calls.jsonl", r#"{"call": "f", "expected": 1}"#),
                ],
            );
            let e = Task::load(&d, &Limits::default()).unwrap_err().to_string();
            assert!(e.contains(says), "{io}: {e}");
            std::fs::remove_dir_all(&d).unwrap();
        }
    }

    #[test]
    fn a_custom_checker_takes_its_files_from_the_candidates_payload() {
        let d = scratch(
            "checker",
            &[
                (
                    "task.toml",
                    &toml(
                        "python",
                        "solution.py",
                        1,
                        "cases = \"cases\"\nchecker = \"custom\"\n[io.custom_checker]\nfiles = [\"judge/\"]\nlanguage = \"cpp\"\ntimeout = \"3s\"",
                    ),
                ),
                ("cases/a.in", "1"),
                ("cases/a.out", "1"),
                ("judge/check.cpp", "int main(){}"),
                ("data.txt", "public"),
            ],
        );
        let t = Task::load(&d, &Limits::default()).unwrap();
        assert_eq!(t.files.keys().collect::<Vec<_>>(), ["data.txt"]);
        let c = t.io.as_ref().unwrap().custom_checker.as_ref().unwrap();
        assert_eq!(c.image, Language::Cpp.image());
        assert_eq!(c.files.keys().collect::<Vec<_>>(), ["judge/check.cpp"]);
        assert_eq!(
            c.build.as_ref().unwrap()[2],
            "g++ -O2 -std=gnu++17 -o /tmp/prog judge/check.cpp"
        );
        assert_eq!(
            c.run,
            ["/bin/sh", "-c", "/tmp/prog \"$@\"", "crucible-case"]
        );
        assert_eq!(c.timeout_ms, 3000);
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn each_language_has_a_default_build_and_run() {
        let none = BTreeMap::new();
        let files = |f: &str| vec![f.to_string()];
        assert_eq!(
            io_defaults(Language::Python, &files("s.py"), &none),
            (None, Some("python3 s.py".into()))
        );
        assert_eq!(
            io_defaults(Language::Node, &files("s.js"), &none),
            (None, Some("node s.js".into()))
        );
        assert_eq!(
            io_defaults(Language::Cpp, &files("s.c"), &none)
                .0
                .as_deref(),
            Some("gcc -O2 -std=gnu11 -o /tmp/prog s.c -lm")
        );
        assert!(
            io_defaults(Language::Go, &files("main.go"), &none)
                .0
                .unwrap()
                .contains("GO111MODULE=off")
        );
        let with_mod = BTreeMap::from([("go.mod".to_string(), Vec::new())]);
        assert_eq!(
            io_defaults(Language::Go, &files("main.go"), &with_mod)
                .0
                .as_deref(),
            Some("go build -o /tmp/prog .")
        );
        assert_eq!(
            io_defaults(Language::Rust, &files("s.rs"), &none)
                .0
                .as_deref(),
            Some("rustc -O --edition 2021 -o /tmp/prog s.rs")
        );
        assert_eq!(
            io_defaults(Language::Java, &files("Main.java"), &none),
            (
                Some("javac -d /tmp/classes Main.java".into()),
                Some("java -cp /tmp/classes Main".into())
            )
        );
    }
}
