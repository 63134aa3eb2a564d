//! Where candidate solutions come from. A candidate is referenced, not held: its files are read
//! when its execution is dispatched, so a long queue keeps memory flat.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateRef {
    pub task_id: String,
    pub model: String,
    pub sample: u32,
    pub source: CandidateSource,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CandidateSource {
    /// `candidates/<model>/<task_id>[#<sample>]/…`: every regular file, by relative path.
    Dir(PathBuf),
    /// Files already in memory (e.g. read from a completions JSONL file).
    Inline(BTreeMap<String, Vec<u8>>),
}

#[derive(Debug, thiserror::Error)]
pub enum CandidateError {
    #[error("{path}: cannot read candidates: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// Read `DIR/<model>/<task_id>[#<sample>]/`. A task id may contain `/` (nested directories):
/// the first directory below a model that holds a file is the candidate's.
pub fn scan_candidate_dir(dir: &Path) -> Result<Vec<CandidateRef>, CandidateError> {
    let read = |p: &Path| {
        std::fs::read_dir(p).map_err(|source| CandidateError::Read {
            path: p.to_path_buf(),
            source,
        })
    };
    let mut out = Vec::new();
    for model in read(dir)?.flatten() {
        if !model.file_type().map(|t| t.is_dir()).unwrap_or(false) {
            continue;
        }
        let model_name = model.file_name().to_string_lossy().into_owned();
        if model_name.starts_with('.') {
            continue;
        }
        let mut stack = vec![model.path()];
        while let Some(d) = stack.pop() {
            let entries: Vec<_> = read(&d)?.flatten().collect();
            let holds_file = entries.iter().any(|e| e.file_type().map(|t| t.is_file()).unwrap_or(false));
            if holds_file && d != model.path() {
                let rel = d.strip_prefix(model.path()).expect("below model").to_string_lossy().replace('\\', "/");
                let (task_id, sample) = match rel.rsplit_once('#') {
                    Some((id, n)) => (
                        id.to_string(),
                        n.parse().map_err(|_| CandidateError::Invalid {
                            path: d.clone(),
                            message: format!("`#{n}` is not a sample number (use <task_id>#<n>)"),
                        })?,
                    ),
                    None => (rel, 0),
                };
                out.push(CandidateRef {
                    task_id,
                    model: model_name.clone(),
                    sample,
                    source: CandidateSource::Dir(d.clone()),
                });
                continue;
            }
            for e in entries {
                if e.file_type().map(|t| t.is_dir()).unwrap_or(false) {
                    stack.push(e.path());
                }
            }
        }
    }
    out.sort_by(|a, b| (&a.model, &a.task_id, a.sample).cmp(&(&b.model, &b.task_id, b.sample)));
    Ok(out)
}

/// Read a candidate directory's regular files (links and special files are refused).
pub fn read_candidate_dir(dir: &Path) -> Result<BTreeMap<String, Vec<u8>>, CandidateError> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|source| CandidateError::Read { path: d.clone(), source })?;
        for e in entries.flatten() {
            let kind = e.file_type().map_err(|source| CandidateError::Read { path: e.path(), source })?;
            if kind.is_dir() {
                stack.push(e.path());
            } else if kind.is_file() {
                let rel = e.path().strip_prefix(dir).expect("below dir").to_string_lossy().replace('\\', "/");
                let bytes = std::fs::read(e.path()).map_err(|source| CandidateError::Read { path: e.path(), source })?;
                files.insert(rel, bytes);
            } else {
                return Err(CandidateError::Invalid {
                    path: e.path(),
                    message: "only regular files can be candidate files (links and devices are refused)".into(),
                });
            }
        }
    }
    Ok(files)
}
