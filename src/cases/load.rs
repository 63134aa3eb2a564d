//! Reading a task's cases: a directory of `<name>.in` / `<name>.out` pairs (more accepted outputs
//! as `<name>.out.2`, `.out.3` …; optional `<name>.args`, one argument per line), or a `.jsonl`
//! file of one case per line.
use super::{Checker, ExpectedFile, FileFormat};
use crate::limits::parse_duration;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// One case as a task holds it: its inputs go into the payload, the rest into the spec.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedCase {
    pub name: String,
    pub stdin: Vec<u8>,
    pub args: Vec<String>,
    /// Input files by path in the working directory.
    pub files: BTreeMap<String, Vec<u8>>,
    pub expected_stdout: Vec<String>,
    pub expected_files: BTreeMap<String, ExpectedFile>,
    pub timeout: Option<Duration>,
    pub checker: Option<Checker>,
    /// A function-call case: stdin is the call as JSON, the expected stdout its value.
    pub function_call: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// The cases at `path` (a directory or a `.jsonl` file), in order: natural order of names for a
/// directory (`2` before `10`), line order for JSONL.
pub fn load_cases(path: &Path) -> Result<Vec<LoadedCase>, CaseError> {
    let cases = if path.is_dir() {
        from_dir(path)?
    } else {
        from_jsonl(path)?
    };
    let invalid = |message: String| CaseError::Invalid {
        path: path.to_path_buf(),
        message,
    };
    if cases.is_empty() {
        return Err(invalid("holds no case".into()));
    }
    let mut names = BTreeSet::new();
    for c in &cases {
        if c.name.is_empty() || c.name.len() > 200 || c.name.chars().any(char::is_control) {
            return Err(invalid(format!(
                "case name `{}` must be 1-200 printable characters",
                c.name
            )));
        }
        if !names.insert(c.name.as_str()) {
            return Err(invalid(format!("case `{}` appears twice", c.name)));
        }
        if c.expected_stdout.is_empty() && c.expected_files.is_empty() {
            return Err(invalid(format!(
                "case `{}` expects nothing: give expected_stdout or expected_files",
                c.name
            )));
        }
        for p in c.files.keys().chain(c.expected_files.keys()) {
            if !relative_path(p) {
                return Err(invalid(format!(
                    "case `{}`: file `{p}` must be a relative path without `..` (and not under .crucible/)",
                    c.name
                )));
            }
        }
        if c.args.iter().any(|a| a.contains('\0')) {
            return Err(invalid(format!(
                "case `{}`: an argument holds a NUL byte",
                c.name
            )));
        }
    }
    Ok(cases)
}

fn relative_path(p: &str) -> bool {
    !p.is_empty()
        && !p.starts_with('/')
        && !p.starts_with(".crucible")
        && p.split('/').all(|c| !c.is_empty() && c != "." && c != "..")
}

fn read(path: &Path) -> Result<Vec<u8>, CaseError> {
    std::fs::read(path).map_err(|source| CaseError::Read {
        path: path.to_path_buf(),
        source,
    })
}

fn text(path: &Path) -> Result<String, CaseError> {
    String::from_utf8(read(path)?).map_err(|_| CaseError::Invalid {
        path: path.to_path_buf(),
        message: "is not UTF-8 text".into(),
    })
}

#[derive(Default)]
struct Parts {
    input: Option<PathBuf>,
    outputs: BTreeMap<u32, PathBuf>,
    args: Option<PathBuf>,
}

fn from_dir(dir: &Path) -> Result<Vec<LoadedCase>, CaseError> {
    let entries = std::fs::read_dir(dir).map_err(|source| CaseError::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut parts: BTreeMap<String, Parts> = BTreeMap::new();
    for entry in entries {
        let entry = entry.map_err(|source| CaseError::Read {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = entry.path();
        let file = entry.file_name().to_string_lossy().into_owned();
        let unknown = || CaseError::Invalid {
            path: path.clone(),
            message:
                "not a case file: expected <name>.in, <name>.out, <name>.out.<n> or <name>.args"
                    .into(),
        };
        if !path.is_file() {
            return Err(unknown());
        }
        let (stem, kind) = if let Some(s) = file.strip_suffix(".in") {
            (s, "in")
        } else if let Some(s) = file.strip_suffix(".out") {
            (s, "out")
        } else if let Some(s) = file.strip_suffix(".args") {
            (s, "args")
        } else if let Some((s, n)) = file.rsplit_once(".out.") {
            (s, n)
        } else {
            return Err(unknown());
        };
        let p = parts.entry(stem.to_string()).or_default();
        match kind {
            "in" => p.input = Some(path.clone()),
            "out" => {
                p.outputs.insert(1, path.clone());
            }
            "args" => p.args = Some(path.clone()),
            n => match n.parse::<u32>() {
                Ok(n) if n >= 2 => {
                    p.outputs.insert(n, path.clone());
                }
                _ => return Err(unknown()),
            },
        }
    }
    let mut names: Vec<String> = parts.keys().cloned().collect();
    names.sort_by_key(|n| natural(n));
    let mut cases = Vec::new();
    for name in names {
        let p = &parts[&name];
        let missing = |what: &str| CaseError::Invalid {
            path: dir.join(&name),
            message: format!("case `{name}` has no {what} file"),
        };
        let input = p.input.as_ref().ok_or_else(|| missing(".in"))?;
        if !p.outputs.contains_key(&1) {
            return Err(missing(".out"));
        }
        let args = match &p.args {
            Some(a) => text(a)?.lines().map(str::to_string).collect(),
            None => Vec::new(),
        };
        cases.push(LoadedCase {
            stdin: read(input)?,
            args,
            files: BTreeMap::new(),
            expected_stdout: p
                .outputs
                .values()
                .map(|o| text(o))
                .collect::<Result<_, _>>()?,
            expected_files: BTreeMap::new(),
            timeout: None,
            checker: None,
            function_call: false,
            name,
        });
    }
    Ok(cases)
}

/// A name split into text and numbers, so that `2` sorts before `10`.
fn natural(name: &str) -> Vec<(String, u128)> {
    let mut out = Vec::new();
    let mut rest = name;
    while !rest.is_empty() {
        let text_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let (text, tail) = rest.split_at(text_len);
        let num_len = tail
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(tail.len());
        let (num, tail) = tail.split_at(num_len);
        out.push((text.to_string(), num.parse().unwrap_or(u128::MAX)));
        rest = tail;
    }
    out
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonCase {
    name: String,
    #[serde(default)]
    stdin: String,
    #[serde(default)]
    args: Vec<String>,
    #[serde(default)]
    files: BTreeMap<String, String>,
    expected_stdout: Option<OneOrMany>,
    #[serde(default)]
    expected_files: BTreeMap<String, String>,
    #[serde(default)]
    file_compare: BTreeMap<String, FileFormat>,
    timeout: Option<String>,
    checker: Option<Checker>,
}

fn from_jsonl(path: &Path) -> Result<Vec<LoadedCase>, CaseError> {
    let all = text(path)?;
    let mut cases = Vec::new();
    for (i, line) in all.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let invalid = |message: String| CaseError::Invalid {
            path: path.to_path_buf(),
            message: format!("line {}: {message}", i + 1),
        };
        let value: serde_json::Value =
            serde_json::from_str(line).map_err(|e| invalid(e.to_string()))?;
        if value.get("call").is_some() {
            let c: CallCase = serde_json::from_value(value).map_err(|e| invalid(e.to_string()))?;
            cases.push(call_case(c, cases.len()).map_err(invalid)?);
            continue;
        }
        let c: JsonCase = serde_json::from_value(value).map_err(|e| invalid(e.to_string()))?;
        if let Some(p) = c
            .file_compare
            .keys()
            .find(|p| !c.expected_files.contains_key(*p))
        {
            return Err(invalid(format!(
                "file_compare names `{p}`, which is not in expected_files"
            )));
        }
        let timeout = match &c.timeout {
            Some(t) => Some(parse_duration(t).map_err(|e| invalid(format!("timeout: {e}")))?),
            None => None,
        };
        let mut compare = c.file_compare;
        cases.push(LoadedCase {
            name: c.name,
            stdin: c.stdin.into_bytes(),
            args: c.args,
            files: c
                .files
                .into_iter()
                .map(|(k, v)| (k, v.into_bytes()))
                .collect(),
            expected_stdout: match c.expected_stdout {
                None => Vec::new(),
                Some(OneOrMany::One(s)) => vec![s],
                Some(OneOrMany::Many(v)) => v,
            },
            expected_files: c
                .expected_files
                .into_iter()
                .map(|(p, text)| {
                    let format = compare.remove(&p).unwrap_or_default();
                    (p, ExpectedFile { text, format })
                })
                .collect(),
            timeout,
            checker: c.checker,
            function_call: false,
        });
    }
    Ok(cases)
}

/// `{"call": "f", "args": [...], "kwargs": {...}, "expected": value}`: the value the function
/// must return, compared as JSON (numbers within tolerance, integers exactly).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CallCase {
    name: Option<String>,
    call: String,
    #[serde(default)]
    args: Vec<serde_json::Value>,
    #[serde(default)]
    kwargs: serde_json::Map<String, serde_json::Value>,
    expected: serde_json::Value,
    timeout: Option<String>,
}

fn call_case(c: CallCase, index: usize) -> Result<LoadedCase, String> {
    let identifier = |s: &str| {
        !s.is_empty()
            && !s.starts_with(|ch: char| ch.is_ascii_digit())
            && s.chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '$')
    };
    if !identifier(&c.call) {
        return Err(format!("call `{}` is not a function name", c.call));
    }
    let timeout = match &c.timeout {
        Some(t) => Some(parse_duration(t).map_err(|e| format!("timeout: {e}"))?),
        None => None,
    };
    let request = serde_json::json!({"call": c.call, "args": c.args, "kwargs": c.kwargs});
    Ok(LoadedCase {
        name: c
            .name
            .unwrap_or_else(|| format!("{}-{}", c.call, index + 1)),
        stdin: request.to_string().into_bytes(),
        args: Vec::new(),
        files: BTreeMap::new(),
        expected_stdout: vec![c.expected.to_string()],
        expected_files: BTreeMap::new(),
        timeout,
        checker: Some(Checker::Json),
        function_call: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("crucible-cases-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn a_directory_pairs_inputs_with_outputs_in_natural_order() {
        let d = scratch("dir");
        for (f, t) in [
            ("10.in", "x"),
            ("10.out", "y"),
            ("2.in", "a"),
            ("2.out", "b"),
            ("2.out.2", "c"),
            ("2.args", "--v\n-n 3\n"),
        ] {
            std::fs::write(d.join(f), t).unwrap();
        }
        let cases = load_cases(&d).unwrap();
        assert_eq!(cases[0].name, "2");
        assert_eq!(cases[0].expected_stdout, ["b", "c"]);
        assert_eq!(cases[0].args, ["--v", "-n 3"]);
        assert_eq!(cases[1].name, "10");
        std::fs::write(d.join("3.in"), "").unwrap();
        let e = load_cases(&d).unwrap_err().to_string();
        assert!(e.contains("case `3` has no .out file"), "{e}");
        std::fs::remove_file(d.join("3.in")).unwrap();
        std::fs::write(d.join("notes.txt"), "").unwrap();
        assert!(
            load_cases(&d)
                .unwrap_err()
                .to_string()
                .contains("not a case file")
        );
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn jsonl_cases_carry_files_timeouts_and_checkers() {
        let d = scratch("jsonl");
        let f = d.join("cases.jsonl");
        std::fs::write(
            &f,
            concat!(
                r#"{"name":"a","stdin":"1 2\n","expected_stdout":"3\n"}"#,
                "\n\n",
                r#"{"name":"b","stdin":"","args":["x"],"files":{"in/data.csv":"k,v\n"},"expected_stdout":["1","2"],"expected_files":{"out.json":"{}","out.txt":"t"},"file_compare":{"out.json":"json"},"timeout":"1s","checker":"tokens"}"#,
                "\n"
            ),
        )
        .unwrap();
        let cases = load_cases(&f).unwrap();
        assert_eq!(cases.len(), 2);
        let b = &cases[1];
        assert_eq!(b.expected_stdout, ["1", "2"]);
        assert_eq!(b.files["in/data.csv"], b"k,v\n");
        assert_eq!(b.expected_files["out.json"].format, FileFormat::Json);
        assert_eq!(b.expected_files["out.txt"].format, FileFormat::Text);
        assert_eq!(b.timeout, Some(Duration::from_secs(1)));
        assert_eq!(b.checker, Some(Checker::Tokens));
        for (bad, says) in [
            (r#"{"name":"a","stdin":""}"#, "expects nothing"),
            (r#"{"name":"a","expected_stdout":"1","extra":1}"#, "line 1"),
            (
                r#"{"name":"a","expected_files":{"../x":"1"}}"#,
                "relative path",
            ),
            (
                r#"{"name":"a","expected_stdout":"1","file_compare":{"x":"csv"}}"#,
                "not in expected_files",
            ),
        ] {
            std::fs::write(&f, bad).unwrap();
            let e = load_cases(&f).unwrap_err().to_string();
            assert!(e.contains(says), "{bad}: {e}");
        }
        std::fs::write(
            &f,
            concat!(
                r#"{"call": "f", "args": [1, [2]], "kwargs": {"k": null}, "expected": {"a": 1.5}}"#,
                "\n",
                r#"{"name": "g", "call": "g", "expected": 3, "timeout": "2s"}"#
            ),
        )
        .unwrap();
        let calls = load_cases(&f).unwrap();
        assert_eq!(calls[0].name, "f-1");
        assert_eq!(
            String::from_utf8(calls[0].stdin.clone()).unwrap(),
            r#"{"args":[1,[2]],"call":"f","kwargs":{"k":null}}"#
        );
        assert_eq!(calls[0].expected_stdout, [r#"{"a":1.5}"#]);
        assert_eq!(calls[0].checker, Some(Checker::Json));
        assert!(calls[1].function_call && calls[1].timeout == Some(Duration::from_secs(2)));
        for (bad, says) in [
            (
                r#"{"call": "os.system", "expected": 1}"#,
                "not a function name",
            ),
            (r#"{"call": "f"}"#, "expected"),
            (
                r#"{"call": "f", "expected": 1, "stdin": ""}"#,
                "unknown field",
            ),
        ] {
            std::fs::write(&f, bad).unwrap();
            let e = load_cases(&f).unwrap_err().to_string();
            assert!(e.contains(says), "{bad}: {e}");
        }
        std::fs::write(&f, "{\"name\":\"a\",\"expected_stdout\":\"1\"}\n{\"name\":\"a\",\"expected_stdout\":\"1\"}\n").unwrap();
        assert!(load_cases(&f).unwrap_err().to_string().contains("twice"));
        std::fs::remove_dir_all(&d).unwrap();
    }
}
