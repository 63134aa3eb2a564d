//! CodeScope's Codeforces problems (`codeforces_io.jsonl.gz`) → stdin/stdout (I/O) tasks.
//!
//! Each record is one problem in one language with its test cases and two accepted solutions.
//! A task here is an `[io]` task: `cases.jsonl` (one case per test: stdin and the accepted
//! outputs), judged with ExecEval's convention (numbers within 1e-9, other tokens equal ignoring
//! case), the time-baseline solution as `reference/`, and the memory-baseline solution written
//! as a second model (`memory-baseline`) to `<out>/_candidates/memory-baseline.jsonl`.
//!
//! The test cases are a Python literal (`[{'input': '...', 'output': ['...']}]`); [`pylit`]
//! parses the subset Python's `repr` produces, never evaluating anything.
use super::jsonl::{JsonlReader, LineError};
use super::task_out::{check_task_id, dir_name_for};
use crate::task::{REFERENCE_DIR, TASK_FILE};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The cases file every emitted task has.
pub const CASES_FILE: &str = "cases.jsonl";
/// Where the memory-baseline solutions go, relative to the output directory (`_` so the task
/// loader does not take it for a task).
pub const CANDIDATES_FILE: &str = "_candidates/memory-baseline.jsonl";
/// The model name of the memory-baseline solutions.
pub const MEMORY_BASELINE_MODEL: &str = "memory-baseline";
/// ExecEval's number tolerance.
pub const TOLERANCE: f64 = 1e-9;
/// Limits: generous. Codeforces gives 1–2 s and 256 MB per test on quiet machines; here a
/// time-baseline case that needs 1.3 s of CPU took 15 s of wall time on two shared cores, and
/// 64-bit `long double`/pointers make some solutions need 300 MB. Every case runs in the same
/// container, so the task's timeout grows with its cases.
pub const TASK_MEMORY: &str = "512MiB";
/// The task's timeout: this much for the build and start-up...
pub const TASK_TIMEOUT_BASE_SECS: u64 = 60;
/// ...plus this much per case.
pub const TASK_TIMEOUT_PER_CASE_SECS: u64 = 5;

/// The whole task's timeout for `cases` cases.
pub fn task_timeout(cases: usize) -> String {
    format!(
        "{}s",
        TASK_TIMEOUT_BASE_SECS + TASK_TIMEOUT_PER_CASE_SECS * cases as u64
    )
}

/// The languages of the data set and how each runs here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CfLanguage {
    C,
    Cpp,
    Python,
    CSharp,
}

impl CfLanguage {
    pub const IMPORTED: [CfLanguage; 4] = [
        CfLanguage::C,
        CfLanguage::Cpp,
        CfLanguage::Python,
        CfLanguage::CSharp,
    ];

    /// The data set's `lang` value.
    pub fn from_dataset(lang: &str) -> Option<CfLanguage> {
        match lang {
            "GNU C" => Some(CfLanguage::C),
            "GNU C++" => Some(CfLanguage::Cpp),
            "Python 3" => Some(CfLanguage::Python),
            "Mono C#" => Some(CfLanguage::CSharp),
            _ => None,
        }
    }

    /// `--language` value: c, cpp (c++), python (py), csharp (cs, c#).
    pub fn parse(s: &str) -> Option<CfLanguage> {
        match s.to_ascii_lowercase().as_str() {
            "c" => Some(CfLanguage::C),
            "cpp" | "c++" => Some(CfLanguage::Cpp),
            "python" | "py" | "python3" => Some(CfLanguage::Python),
            "csharp" | "c#" | "cs" => Some(CfLanguage::CSharp),
            _ => None,
        }
    }

    /// Short name used in task ids and tags.
    pub fn key(self) -> &'static str {
        match self {
            CfLanguage::C => "c",
            CfLanguage::Cpp => "cpp",
            CfLanguage::Python => "py",
            CfLanguage::CSharp => "cs",
        }
    }

    pub fn dataset_name(self) -> &'static str {
        match self {
            CfLanguage::C => "GNU C",
            CfLanguage::Cpp => "GNU C++",
            CfLanguage::Python => "Python 3",
            CfLanguage::CSharp => "Mono C#",
        }
    }

    /// Whether an image here runs the language (all four do).
    pub fn has_image(self) -> bool {
        self.runtime().is_some()
    }

    /// (task language, candidate file, build command, run command, per-case timeout).
    /// `ONLINE_JUDGE` defined as Codeforces compiles (solutions guard local file input with it).
    fn runtime(self) -> Option<Runtime> {
        match self {
            CfLanguage::C => Some(Runtime {
                language: "cpp",
                file: "solution.c",
                build: Some("gcc -O2 -std=gnu11 -DONLINE_JUDGE -o /tmp/prog solution.c -lm"),
                run: "/tmp/prog",
                case_timeout: "20s",
            }),
            CfLanguage::Cpp => Some(Runtime {
                language: "cpp",
                file: "solution.cpp",
                build: Some("g++ -O2 -std=gnu++17 -DONLINE_JUDGE -o /tmp/prog solution.cpp"),
                run: "/tmp/prog",
                case_timeout: "20s",
            }),
            CfLanguage::Python => Some(Runtime {
                language: "python",
                file: "solution.py",
                build: None,
                run: "python3 solution.py",
                case_timeout: "30s",
            }),
            // The C limit: Mono adds only its start-up to each case.
            CfLanguage::CSharp => Some(Runtime {
                language: "csharp",
                file: "solution.cs",
                build: Some(
                    "mcs -optimize+ -define:ONLINE_JUDGE -r:System.Numerics.dll \
                     -out:/tmp/prog.exe solution.cs",
                ),
                run: "mono /tmp/prog.exe",
                case_timeout: "20s",
            }),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Runtime {
    language: &'static str,
    file: &'static str,
    build: Option<&'static str>,
    run: &'static str,
    case_timeout: &'static str,
}

/// One line of `codeforces_io.jsonl`.
#[derive(Debug, Clone, Deserialize)]
pub struct CodeforcesRecord {
    pub id: u64,
    pub src_uid: String,
    pub lang: String,
    pub description: String,
    /// A Python literal: `[{'input': str, 'output': [str, ...]}, ...]`.
    pub testcases: String,
    pub time_baseline_source_code: String,
    pub memory_baseline_source_code: String,
}

/// One test case: stdin and every accepted stdout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestCase {
    pub input: String,
    pub outputs: Vec<String>,
}

/// A line of `cases.jsonl`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CaseLine {
    pub name: String,
    pub stdin: String,
    pub expected_stdout: Expected,
}

/// One accepted output, or several.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Expected {
    One(String),
    Any(Vec<String>),
}

/// `task.toml` of an I/O task (the subset this importer writes).
#[derive(Debug, Clone, Serialize)]
pub struct IoTaskToml {
    pub id: String,
    pub title: String,
    pub language: String,
    pub price_usd: f64,
    pub description: String,
    pub test_cases: u32,
    pub tags: Vec<String>,
    pub candidate: IoCandidate,
    pub io: IoTable,
    pub limits: IoLimits,
}

#[derive(Debug, Clone, Serialize)]
pub struct IoCandidate {
    pub files: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IoTable {
    pub cases: String,
    pub checker: String,
    pub abs_tol: f64,
    pub rel_tol: f64,
    pub case_insensitive: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub build: Option<String>,
    pub run: String,
    pub case_timeout: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct IoLimits {
    pub timeout: String,
    pub memory: String,
}

/// One task ready to write: `task.toml`, `cases.jsonl`, the reference and the memory baseline.
#[derive(Debug, Clone)]
pub struct CfTask {
    pub dir_name: String,
    pub toml: IoTaskToml,
    pub cases: Vec<CaseLine>,
    pub candidate_file: String,
    pub reference: String,
    pub memory_baseline: String,
}

/// A line of the memory-baseline candidates file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CandidateLine {
    pub task_id: String,
    pub model: String,
    pub files: BTreeMap<String, String>,
}

/// What an import did.
#[derive(Debug, Default)]
pub struct CfImportSummary {
    /// Records read (every language).
    pub records: usize,
    pub written: Vec<PathBuf>,
    /// Cases written, over every task.
    pub cases: usize,
    /// Records not imported because of their language: (language, records, cases).
    pub skipped_languages: BTreeMap<String, (usize, usize)>,
    /// The memory-baseline candidates file (when any task was written).
    pub candidates: Option<PathBuf>,
    pub errors: Vec<LineError>,
}

#[derive(Debug, thiserror::Error)]
pub enum CfImportError {
    #[error("{path}: cannot open the suite file: {source}")]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: cannot write: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The task id of a record: `codeforces/<src_uid>-<lang>` (a problem appears in several
/// languages, so the language is part of it).
pub fn task_id(src_uid: &str, lang: CfLanguage) -> String {
    format!("codeforces/{src_uid}-{}", lang.key())
}

/// The test cases of a record's `testcases` literal.
pub fn parse_testcases(text: &str) -> Result<Vec<TestCase>, String> {
    let value = pylit::parse(text).map_err(|e| format!("testcases: {e}"))?;
    let pylit::Value::List(items) = value else {
        return Err("testcases: not a list".into());
    };
    let mut cases = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let n = i + 1;
        let pylit::Value::Dict(pairs) = item else {
            return Err(format!("testcases: case {n} is not a dict"));
        };
        let mut input = None;
        let mut outputs = None;
        for (key, value) in pairs {
            match (key, value) {
                (pylit::Value::Str(k), pylit::Value::Str(v)) if k == "input" => input = Some(v),
                (pylit::Value::Str(k), pylit::Value::Str(v)) if k == "output" => {
                    outputs = Some(vec![v])
                }
                (pylit::Value::Str(k), pylit::Value::List(vs)) if k == "output" => {
                    let strings: Option<Vec<String>> = vs
                        .into_iter()
                        .map(|v| match v {
                            pylit::Value::Str(s) => Some(s),
                            _ => None,
                        })
                        .collect();
                    outputs = Some(strings.ok_or_else(|| {
                        format!("testcases: case {n}: `output` holds a non-string")
                    })?);
                }
                (pylit::Value::Str(k), _) if k == "input" || k == "output" => {
                    return Err(format!("testcases: case {n}: `{k}` has the wrong type"));
                }
                _ => {}
            }
        }
        let input = input.ok_or_else(|| format!("testcases: case {n} has no `input`"))?;
        let outputs = outputs.ok_or_else(|| format!("testcases: case {n} has no `output`"))?;
        if outputs.is_empty() {
            return Err(format!("testcases: case {n} has no accepted output"));
        }
        cases.push(TestCase { input, outputs });
    }
    if cases.is_empty() {
        return Err("testcases: the list is empty".into());
    }
    Ok(cases)
}

/// The task for one record; Ok(None) when its language is not imported.
pub fn to_task(rec: &CodeforcesRecord) -> Result<Option<CfTask>, String> {
    let lang = CfLanguage::from_dataset(&rec.lang)
        .ok_or_else(|| format!("unknown language `{}`", rec.lang))?;
    let Some(rt) = lang.runtime() else {
        return Ok(None);
    };
    let cases = parse_testcases(&rec.testcases)?;
    let id = task_id(&rec.src_uid, lang);
    check_task_id(&id)?;
    let width = cases.len().to_string().len().max(3);
    let lines: Vec<CaseLine> = cases
        .into_iter()
        .enumerate()
        .map(|(i, c)| CaseLine {
            name: format!("test-{:0width$}", i + 1),
            stdin: c.input,
            expected_stdout: if c.outputs.len() == 1 {
                Expected::One(c.outputs.into_iter().next().unwrap_or_default())
            } else {
                Expected::Any(c.outputs)
            },
        })
        .collect();
    let toml = IoTaskToml {
        title: format!(
            "Codeforces {} ({}): {}",
            rec.src_uid,
            lang.dataset_name(),
            first_sentence(&rec.description)
        ),
        id: id.clone(),
        language: rt.language.into(),
        price_usd: 0.0,
        description: format!(
            "{}\n\n(CodeScope record {}, {}; the statement has no input/output specification: \
             the cases are fixtures for a stdin/stdout judge.)",
            rec.description.trim(),
            rec.id,
            lang.dataset_name()
        ),
        test_cases: lines.len() as u32,
        tags: vec![
            "codeforces".into(),
            "codescope".into(),
            format!("lang-{}", lang.key()),
        ],
        candidate: IoCandidate {
            files: vec![rt.file.into()],
        },
        io: IoTable {
            cases: CASES_FILE.into(),
            checker: "numbers".into(),
            abs_tol: TOLERANCE,
            rel_tol: 0.0,
            case_insensitive: true,
            build: rt.build.map(str::to_string),
            run: rt.run.into(),
            case_timeout: rt.case_timeout.into(),
        },
        limits: IoLimits {
            timeout: task_timeout(lines.len()),
            memory: TASK_MEMORY.into(),
        },
    };
    Ok(Some(CfTask {
        dir_name: dir_name_for(&id),
        toml,
        cases: lines,
        candidate_file: rt.file.into(),
        reference: rec.time_baseline_source_code.clone(),
        memory_baseline: rec.memory_baseline_source_code.clone(),
    }))
}

/// `task.toml` text of a task.
pub fn task_toml_text(task: &CfTask) -> Result<String, String> {
    toml::to_string(&task.toml).map_err(|e| format!("cannot serialise task.toml: {e}"))
}

/// `cases.jsonl` text of a task.
pub fn cases_jsonl_text(task: &CfTask) -> Result<String, String> {
    let mut out = String::new();
    for case in &task.cases {
        let line =
            serde_json::to_string(case).map_err(|e| format!("cannot serialise a case: {e}"))?;
        out.push_str(&line);
        out.push('\n');
    }
    Ok(out)
}

/// The memory-baseline candidate of a task.
pub fn memory_baseline_line(task: &CfTask) -> CandidateLine {
    CandidateLine {
        task_id: task.toml.id.clone(),
        model: MEMORY_BASELINE_MODEL.into(),
        files: BTreeMap::from([(task.candidate_file.clone(), task.memory_baseline.clone())]),
    }
}

/// Write the task under `out`, replacing an earlier import of it.
pub fn write_task(out: &Path, task: &CfTask) -> std::io::Result<PathBuf> {
    let dir = out.join(&task.dir_name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(dir.join(REFERENCE_DIR))?;
    let toml = task_toml_text(task).map_err(std::io::Error::other)?;
    std::fs::write(dir.join(TASK_FILE), toml)?;
    let cases = cases_jsonl_text(task).map_err(std::io::Error::other)?;
    std::fs::write(dir.join(CASES_FILE), cases)?;
    std::fs::write(
        dir.join(REFERENCE_DIR).join(&task.candidate_file),
        &task.reference,
    )?;
    Ok(dir)
}

/// Import every record of `input` whose language is in `languages` (empty: all four)
/// as a task under `out`, and the memory baselines as `out/_candidates/memory-baseline.jsonl`.
pub fn import(
    input: &Path,
    out: &Path,
    languages: &[CfLanguage],
) -> Result<CfImportSummary, CfImportError> {
    let languages: Vec<CfLanguage> = if languages.is_empty() {
        CfLanguage::IMPORTED.to_vec()
    } else {
        languages.to_vec()
    };
    let mut reader = JsonlReader::open(input).map_err(|source| CfImportError::Open {
        path: input.to_path_buf(),
        source,
    })?;
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| CfImportError::Write { path, source }
    };
    std::fs::create_dir_all(out).map_err(write_err(out))?;
    let mut summary = CfImportSummary::default();
    let mut seen = HashSet::new();
    let mut candidates = String::new();
    while let Some(item) = reader.next_record::<CodeforcesRecord>() {
        let (line, rec) = match item {
            Ok(x) => x,
            Err(e) => {
                summary.records += 1;
                summary.errors.push(e);
                continue;
            }
        };
        summary.records += 1;
        let line_error = |reason: String| LineError {
            file: input.to_path_buf(),
            line,
            reason,
        };
        let lang = CfLanguage::from_dataset(&rec.lang);
        let wanted = lang.is_some_and(|l| languages.contains(&l) && l.runtime().is_some());
        if !wanted {
            if lang.is_some() {
                let cases = parse_testcases(&rec.testcases).map_or(0, |c| c.len());
                let entry = summary
                    .skipped_languages
                    .entry(rec.lang.clone())
                    .or_default();
                entry.0 += 1;
                entry.1 += cases;
            } else {
                summary
                    .errors
                    .push(line_error(format!("unknown language `{}`", rec.lang)));
            }
            continue;
        }
        let task = match to_task(&rec) {
            Ok(Some(t)) => t,
            Ok(None) => continue,
            Err(reason) => {
                summary.errors.push(line_error(reason));
                continue;
            }
        };
        if !seen.insert(task.dir_name.clone()) {
            summary.errors.push(line_error(format!(
                "task `{}` appears a second time; the first one was kept",
                task.toml.id
            )));
            continue;
        }
        let dir = write_task(out, &task).map_err(write_err(&out.join(&task.dir_name)))?;
        let line = serde_json::to_string(&memory_baseline_line(&task))
            .map_err(|e| write_err(&dir)(std::io::Error::other(e)))?;
        candidates.push_str(&line);
        candidates.push('\n');
        summary.cases += task.cases.len();
        summary.written.push(dir);
    }
    if !summary.written.is_empty() {
        let path = out.join(CANDIDATES_FILE);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(write_err(parent))?;
        }
        let mut file = std::fs::File::create(&path).map_err(write_err(&path))?;
        file.write_all(candidates.as_bytes())
            .map_err(write_err(&path))?;
        summary.candidates = Some(path);
    }
    Ok(summary)
}

/// The statement's first sentence, at most 80 characters.
fn first_sentence(text: &str) -> String {
    let text = text.trim();
    let end = text
        .char_indices()
        .find(|&(i, c)| c == '.' && text[i + 1..].starts_with([' ', '\n']) || c == '\n')
        .map_or(text.len(), |(i, _)| i);
    let sentence = text[..end].trim();
    let mut out: String = sentence.chars().take(80).collect();
    if out.len() < sentence.len() {
        out.push_str("...");
    }
    out
}

/// A parser for the Python literals `repr` writes: lists, tuples, dicts, `str` (single, double
/// and triple quoted, `r`/`u` prefixes, every escape of the language), ints, floats, `True`,
/// `False`, `None`. Nothing is evaluated; anything else is an error with its byte offset.
pub mod pylit {
    use std::fmt;

    /// Nesting deeper than this is refused (no recursion without bound on hostile input).
    pub const MAX_DEPTH: usize = 128;

    #[derive(Debug, Clone, PartialEq)]
    pub enum Value {
        Str(String),
        Int(i128),
        Float(f64),
        Bool(bool),
        None,
        /// A list or a tuple.
        List(Vec<Value>),
        /// Pairs in source order (keys may repeat, as in Python's source; the caller decides).
        Dict(Vec<(Value, Value)>),
    }

    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Error {
        pub offset: usize,
        pub message: String,
    }

    impl fmt::Display for Error {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "at byte {}: {}", self.offset, self.message)
        }
    }

    impl std::error::Error for Error {}

    /// Parse exactly one literal (surrounding whitespace allowed).
    pub fn parse(text: &str) -> Result<Value, Error> {
        let mut p = Parser { s: text, pos: 0 };
        let v = p.value(0)?;
        p.skip_ws();
        if p.pos != text.len() {
            return Err(p.err("unexpected text after the literal"));
        }
        Ok(v)
    }

    struct Parser<'a> {
        s: &'a str,
        pos: usize,
    }

    impl Parser<'_> {
        fn err(&self, message: impl Into<String>) -> Error {
            Error {
                offset: self.pos,
                message: message.into(),
            }
        }

        fn rest(&self) -> &str {
            &self.s[self.pos..]
        }

        fn peek(&self) -> Option<char> {
            self.rest().chars().next()
        }

        fn bump(&mut self) -> Option<char> {
            let c = self.peek()?;
            self.pos += c.len_utf8();
            Some(c)
        }

        fn skip_ws(&mut self) {
            while let Some(c) = self.peek() {
                if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
                    self.pos += 1;
                } else if c == '\\' && self.rest()[1..].starts_with('\n') {
                    self.pos += 2;
                } else {
                    break;
                }
            }
        }

        fn value(&mut self, depth: usize) -> Result<Value, Error> {
            if depth > MAX_DEPTH {
                return Err(self.err(format!("nested deeper than {MAX_DEPTH}")));
            }
            self.skip_ws();
            let Some(c) = self.peek() else {
                return Err(self.err("unexpected end of input: expected a value"));
            };
            match c {
                '[' => {
                    self.pos += 1;
                    self.sequence(']', depth).map(Value::List)
                }
                '(' => {
                    self.pos += 1;
                    self.sequence(')', depth).map(Value::List)
                }
                '{' => {
                    self.pos += 1;
                    self.dict(depth)
                }
                '\'' | '"' => self.strings(),
                '0'..='9' | '-' | '+' | '.' => self.number(),
                c if c.is_ascii_alphabetic() || c == '_' => {
                    let word: String = self
                        .rest()
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    let after = self.rest()[word.len()..].chars().next();
                    let is_prefix = matches!(word.to_ascii_lowercase().as_str(), "r" | "u");
                    if is_prefix && matches!(after, Some('\'' | '"')) {
                        return self.strings();
                    }
                    let v = match word.as_str() {
                        "True" => Value::Bool(true),
                        "False" => Value::Bool(false),
                        "None" => Value::None,
                        _ => return Err(self.err(format!("`{word}` is not a literal"))),
                    };
                    self.pos += word.len();
                    Ok(v)
                }
                c => Err(self.err(format!("unexpected character {c:?}"))),
            }
        }

        fn sequence(&mut self, close: char, depth: usize) -> Result<Vec<Value>, Error> {
            let mut items = Vec::new();
            loop {
                self.skip_ws();
                if self.peek() == Some(close) {
                    self.pos += 1;
                    return Ok(items);
                }
                items.push(self.value(depth + 1)?);
                self.skip_ws();
                match self.bump() {
                    Some(',') => {}
                    Some(c) if c == close => return Ok(items),
                    Some(c) => {
                        return Err(self.err(format!("expected `,` or `{close}`, got {c:?}")));
                    }
                    None => return Err(self.err(format!("unexpected end: missing `{close}`"))),
                }
            }
        }

        fn dict(&mut self, depth: usize) -> Result<Value, Error> {
            let mut pairs = Vec::new();
            loop {
                self.skip_ws();
                if self.peek() == Some('}') {
                    self.pos += 1;
                    return Ok(Value::Dict(pairs));
                }
                let key = self.value(depth + 1)?;
                self.skip_ws();
                if self.bump() != Some(':') {
                    return Err(self.err("expected `:` after a dict key"));
                }
                let value = self.value(depth + 1)?;
                pairs.push((key, value));
                self.skip_ws();
                match self.bump() {
                    Some(',') => {}
                    Some('}') => return Ok(Value::Dict(pairs)),
                    Some(c) => return Err(self.err(format!("expected `,` or `}}`, got {c:?}"))),
                    None => return Err(self.err("unexpected end: missing `}`")),
                }
            }
        }

        /// One or more adjacent string literals (Python concatenates them).
        fn strings(&mut self) -> Result<Value, Error> {
            let mut out = self.string()?;
            loop {
                let save = self.pos;
                self.skip_ws();
                let starts_string = match self.peek() {
                    Some('\'' | '"') => true,
                    Some('r' | 'R' | 'u' | 'U') => {
                        matches!(self.rest()[1..].chars().next(), Some('\'' | '"'))
                    }
                    _ => false,
                };
                if !starts_string {
                    self.pos = save;
                    return Ok(Value::Str(out));
                }
                out.push_str(&self.string()?);
            }
        }

        fn string(&mut self) -> Result<String, Error> {
            let start = self.pos;
            let mut raw = false;
            while let Some(c @ ('r' | 'R' | 'u' | 'U')) = self.peek() {
                raw |= matches!(c, 'r' | 'R');
                self.pos += 1;
            }
            let Some(quote @ ('\'' | '"')) = self.bump() else {
                return Err(self.err("expected a string"));
            };
            let triple: String = std::iter::repeat_n(quote, 3).collect();
            let long = self.s[self.pos - 1..].starts_with(&triple);
            if long {
                self.pos += 2;
            }
            let mut out = String::new();
            loop {
                let Some(c) = self.bump() else {
                    self.pos = start;
                    return Err(self.err("string is not closed"));
                };
                if c == quote {
                    if !long {
                        return Ok(out);
                    }
                    if self.rest().starts_with(&triple[1..]) {
                        self.pos += 2;
                        return Ok(out);
                    }
                    out.push(c);
                } else if c == '\n' && !long {
                    return Err(self.err("newline in a single-quoted string"));
                } else if c == '\\' {
                    if raw {
                        // A raw string keeps the backslash; it still cannot end the string.
                        out.push('\\');
                        if let Some(n) = self.bump() {
                            out.push(n);
                        }
                    } else {
                        self.escape(&mut out)?;
                    }
                } else {
                    out.push(c);
                }
            }
        }

        fn escape(&mut self, out: &mut String) -> Result<(), Error> {
            let at = self.pos - 1;
            let Some(c) = self.bump() else {
                return Err(self.err("string ends in a backslash"));
            };
            let simple = match c {
                '\n' => Some(None),
                '\\' => Some(Some('\\')),
                '\'' => Some(Some('\'')),
                '"' => Some(Some('"')),
                'a' => Some(Some('\x07')),
                'b' => Some(Some('\x08')),
                'f' => Some(Some('\x0c')),
                'n' => Some(Some('\n')),
                'r' => Some(Some('\r')),
                't' => Some(Some('\t')),
                'v' => Some(Some('\x0b')),
                _ => None,
            };
            if let Some(ch) = simple {
                out.extend(ch);
                return Ok(());
            }
            let code = match c {
                'x' => self.hex(2, at)?,
                'u' => self.hex(4, at)?,
                'U' => self.hex(8, at)?,
                '0'..='7' => {
                    let mut v = c.to_digit(8).unwrap_or(0);
                    for _ in 0..2 {
                        match self.peek().and_then(|d| d.to_digit(8)) {
                            Some(d) => {
                                v = v * 8 + d;
                                self.pos += 1;
                            }
                            None => break,
                        }
                    }
                    v
                }
                'N' => {
                    return Err(Error {
                        offset: at,
                        message: "`\\N{...}` escapes are not supported".into(),
                    });
                }
                other => {
                    // Python keeps unknown escapes as they are.
                    out.push('\\');
                    out.push(other);
                    return Ok(());
                }
            };
            let ch = char::from_u32(code).ok_or_else(|| Error {
                offset: at,
                message: format!("escape gives U+{code:04X}, not a Unicode scalar value"),
            })?;
            out.push(ch);
            Ok(())
        }

        fn hex(&mut self, n: usize, at: usize) -> Result<u32, Error> {
            let digits = self.rest().get(..n).unwrap_or("");
            if digits.len() != n || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(Error {
                    offset: at,
                    message: format!("escape needs {n} hex digits"),
                });
            }
            let value = u32::from_str_radix(digits, 16).map_err(|e| Error {
                offset: at,
                message: format!("bad escape: {e}"),
            })?;
            self.pos += n;
            Ok(value)
        }

        fn number(&mut self) -> Result<Value, Error> {
            let start = self.pos;
            let text: String = self
                .rest()
                .chars()
                .enumerate()
                .take_while(|&(i, c)| {
                    c.is_ascii_digit()
                        || matches!(c, '.' | '_' | 'e' | 'E')
                        || (matches!(c, '-' | '+') && i == 0)
                })
                .map(|(_, c)| c)
                .collect();
            // An exponent's sign.
            let mut len = text.len();
            let mut text = text;
            if text.ends_with(['e', 'E'])
                && matches!(self.s[start + len..].chars().next(), Some('-' | '+'))
            {
                let more: String = self.s[start + len..]
                    .chars()
                    .enumerate()
                    .take_while(|&(i, c)| c.is_ascii_digit() || (i == 0 && matches!(c, '-' | '+')))
                    .map(|(_, c)| c)
                    .collect();
                text.push_str(&more);
                len = text.len();
            }
            let clean = text.replace('_', "");
            self.pos = start + len;
            if let Ok(v) = clean.parse::<i128>() {
                return Ok(Value::Int(v));
            }
            match clean.parse::<f64>() {
                Ok(v) if clean.chars().any(|c| c.is_ascii_digit()) => Ok(Value::Float(v)),
                _ => {
                    self.pos = start;
                    Err(self.err(format!("`{text}` is not a number")))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::pylit::{Value, parse};
    use super::*;

    fn s(v: &str) -> Value {
        Value::Str(v.into())
    }

    #[test]
    fn pylit_strings_and_escapes() {
        assert_eq!(parse(r"'a\nb'").unwrap(), s("a\nb"));
        assert_eq!(parse(r#""it's""#).unwrap(), s("it's"));
        assert_eq!(parse(r#"'say "hi"'"#).unwrap(), s("say \"hi\""));
        assert_eq!(parse(r#"'\'q\' \"d\"'"#).unwrap(), s("'q' \"d\""));
        assert_eq!(parse(r"'back\\slash\\'").unwrap(), s("back\\slash\\"));
        assert_eq!(
            parse(r"'\t\r\x00\x7f\a\b\f\v'").unwrap(),
            s("\t\r\0\x7f\x07\x08\x0c\x0b")
        );
        assert_eq!(parse(r"'\101\0\12'").unwrap(), s("A\0\n"));
        assert_eq!(parse(r"'\d\q'").unwrap(), s("\\d\\q"));
        assert_eq!(parse("'line\\\ncontinued'").unwrap(), s("linecontinued"));
        assert_eq!(parse(r"r'\n\''").unwrap(), s("\\n\\'"));
        assert_eq!(parse(r"u'x' 'y'  'z'").unwrap(), s("xyz"));
        assert_eq!(parse("'''a'b\"\nc'''").unwrap(), s("a'b\"\nc"));
        assert_eq!(parse("''").unwrap(), s(""));
    }

    #[test]
    fn pylit_unicode_raw_and_escaped() {
        assert_eq!(parse("'héllo — 日本 🎉'").unwrap(), s("héllo — 日本 🎉"));
        assert_eq!(parse(r"'\xe9\u65e5\U0001F389'").unwrap(), s("é日🎉"));
        let e = parse(r"'\ud83d'").unwrap_err();
        assert!(e.message.contains("not a Unicode scalar"), "{e}");
        assert!(parse(r"'\x4'").is_err());
        assert!(parse(r"'\N{DASH}'").is_err());
    }

    #[test]
    fn pylit_containers_numbers_and_words() {
        let v = parse(
            "[{'input': '1 2\\n', 'output': ['3\\n', \"3.0\\n\"]}, (1, -2.5e-3, True, None,), {}]",
        )
        .unwrap();
        let Value::List(items) = v else { panic!() };
        assert_eq!(items.len(), 3);
        assert_eq!(
            items[0],
            Value::Dict(vec![
                (s("input"), s("1 2\n")),
                (s("output"), Value::List(vec![s("3\n"), s("3.0\n")])),
            ])
        );
        assert_eq!(
            items[1],
            Value::List(vec![
                Value::Int(1),
                Value::Float(-2.5e-3),
                Value::Bool(true),
                Value::None
            ])
        );
        assert_eq!(items[2], Value::Dict(vec![]));
        assert_eq!(parse(" [ ] ").unwrap(), Value::List(vec![]));
        assert_eq!(parse("1_000").unwrap(), Value::Int(1000));
    }

    #[test]
    fn pylit_refuses_what_is_not_a_literal() {
        for bad in [
            "__import__('os').system('x')",
            "[1, 2",
            "{'a' 1}",
            "'open",
            "'a\nb'",
            "[1] 2",
            "f'{x}'",
            "",
            "[,]",
            "{'a': }",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} parsed");
        }
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert!(parse(&deep).unwrap_err().message.contains("nested deeper"));
    }

    fn record(lang: &str) -> CodeforcesRecord {
        CodeforcesRecord {
            id: 7,
            src_uid: "0123abcd".into(),
            lang: lang.into(),
            description: "Add two numbers. Then print them.".into(),
            testcases: r#"[{'input': '1 2\n', 'output': ['3\n']}, {'input': "it's\n", 'output': ['A\n', 'a\n']}]"#.into(),
            time_baseline_source_code: "print(3)\n".into(),
            memory_baseline_source_code: "print(1+2)\n".into(),
        }
    }

    #[test]
    fn testcases_are_read_from_the_literal() {
        let cases = parse_testcases(&record("Python 3").testcases).unwrap();
        assert_eq!(
            cases,
            vec![
                TestCase {
                    input: "1 2\n".into(),
                    outputs: vec!["3\n".into()]
                },
                TestCase {
                    input: "it's\n".into(),
                    outputs: vec!["A\n".into(), "a\n".into()]
                },
            ]
        );
        assert!(parse_testcases("[]").is_err());
        assert!(
            parse_testcases("[{'input': 'x'}]")
                .unwrap_err()
                .contains("no `output`")
        );
        assert!(parse_testcases("[{'input': 1, 'output': ['x']}]").is_err());
        assert!(parse_testcases("[{'input': '', 'output': []}]").is_err());
    }

    #[test]
    fn emitted_toml_has_the_io_table() {
        let task = to_task(&record("GNU C")).unwrap().unwrap();
        let text = task_toml_text(&task).unwrap();
        let v: toml::Value = toml::from_str(&text).unwrap();
        assert_eq!(v["id"].as_str(), Some("codeforces/0123abcd-c"));
        assert_eq!(v["language"].as_str(), Some("cpp"));
        assert_eq!(v["test_cases"].as_integer(), Some(2));
        assert_eq!(v["price_usd"].as_float(), Some(0.0));
        assert!(v.get("test_command").is_none());
        assert_eq!(
            v["candidate"]["files"].as_array().unwrap()[0].as_str(),
            Some("solution.c")
        );
        let io = &v["io"];
        assert_eq!(io["cases"].as_str(), Some("cases.jsonl"));
        assert_eq!(io["checker"].as_str(), Some("numbers"));
        assert_eq!(io["abs_tol"].as_float(), Some(1e-9));
        assert_eq!(io["rel_tol"].as_float(), Some(0.0));
        assert_eq!(io["case_insensitive"].as_bool(), Some(true));
        assert!(
            io["build"]
                .as_str()
                .unwrap()
                .starts_with("gcc -O2 -std=gnu11")
        );
        assert!(io["build"].as_str().unwrap().ends_with("solution.c -lm"));
        assert_eq!(io["run"].as_str(), Some("/tmp/prog"));
        assert_eq!(io["case_timeout"].as_str(), Some("20s"));
        assert_eq!(v["limits"]["timeout"].as_str(), Some("70s"));
        assert_eq!(v["limits"]["memory"].as_str(), Some(TASK_MEMORY));
        let keys: Vec<&String> = v.as_table().unwrap().keys().collect();
        for k in keys {
            assert!(
                [
                    "id",
                    "title",
                    "language",
                    "price_usd",
                    "description",
                    "test_cases",
                    "tags",
                    "candidate",
                    "io",
                    "limits"
                ]
                .contains(&k.as_str()),
                "unexpected key {k}"
            );
        }

        let py = to_task(&record("Python 3")).unwrap().unwrap();
        let v: toml::Value = toml::from_str(&task_toml_text(&py).unwrap()).unwrap();
        assert_eq!(v["language"].as_str(), Some("python"));
        assert!(v["io"].get("build").is_none());
        assert_eq!(v["io"]["run"].as_str(), Some("python3 solution.py"));
        let cpp = to_task(&record("GNU C++")).unwrap().unwrap();
        assert_eq!(cpp.candidate_file, "solution.cpp");
        let cs = to_task(&record("Mono C#")).unwrap().unwrap();
        let v: toml::Value = toml::from_str(&task_toml_text(&cs).unwrap()).unwrap();
        assert_eq!(v["id"].as_str(), Some("codeforces/0123abcd-cs"));
        assert_eq!(v["language"].as_str(), Some("csharp"));
        assert_eq!(cs.candidate_file, "solution.cs");
        assert_eq!(
            v["io"]["build"].as_str(),
            Some(
                "mcs -optimize+ -define:ONLINE_JUDGE -r:System.Numerics.dll \
                 -out:/tmp/prog.exe solution.cs"
            )
        );
        assert_eq!(v["io"]["run"].as_str(), Some("mono /tmp/prog.exe"));
        assert_eq!(memory_baseline_line(&cs).files.len(), 1);
        assert!(memory_baseline_line(&cs).files.contains_key("solution.cs"));
        assert!(to_task(&record("Pascal")).is_err());
    }

    #[test]
    fn emitted_cases_and_candidate_lines() {
        let task = to_task(&record("Python 3")).unwrap().unwrap();
        let text = cases_jsonl_text(&task).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(
            lines[0],
            serde_json::json!({"name": "test-001", "stdin": "1 2\n", "expected_stdout": "3\n"})
        );
        assert_eq!(
            lines[1],
            serde_json::json!({"name": "test-002", "stdin": "it's\n", "expected_stdout": ["A\n", "a\n"]})
        );
        let c = serde_json::to_value(memory_baseline_line(&task)).unwrap();
        assert_eq!(
            c,
            serde_json::json!({"task_id": "codeforces/0123abcd-py", "model": "memory-baseline",
                               "files": {"solution.py": "print(1+2)\n"}})
        );
        assert_eq!(task.reference, "print(3)\n");
    }

    #[test]
    fn first_sentence_is_short() {
        assert_eq!(first_sentence("Add two. Then."), "Add two");
        assert_eq!(first_sentence("v1.5 is out. Yes"), "v1.5 is out");
        assert_eq!(first_sentence(&"x".repeat(200)).chars().count(), 83);
    }
}
