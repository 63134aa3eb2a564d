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
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// Read `DIR/<model>/<task_id>[#<sample>]/`: each directory below a model is one candidate.
pub fn scan_candidate_dir(dir: &Path) -> Result<Vec<CandidateRef>, CandidateError> {
    let mut out = Vec::new();
    for model in subdirs(dir)? {
        let model_name = name_of(&model);
        for candidate in subdirs(&model)? {
            let name = name_of(&candidate);
            let (task_id, sample) = match name.rsplit_once('#') {
                Some((id, n)) => (
                    id.to_string(),
                    n.parse().map_err(|_| CandidateError::Invalid {
                        path: candidate.clone(),
                        message: format!("`#{n}` is not a sample number (use <task_id>#<n>)"),
                    })?,
                ),
                None => (name, 0),
            };
            out.push(CandidateRef {
                task_id,
                model: model_name.clone(),
                sample,
                source: CandidateSource::Dir(candidate),
            });
        }
    }
    out.sort_by(|a, b| (&a.model, &a.task_id, a.sample).cmp(&(&b.model, &b.task_id, b.sample)));
    Ok(out)
}

/// Subdirectories not starting with `.`, sorted.
fn subdirs(dir: &Path) -> Result<Vec<PathBuf>, CandidateError> {
    let entries = std::fs::read_dir(dir).map_err(|source| CandidateError::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut dirs: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.file_type().map(|t| t.is_dir()).unwrap_or(false))
        .map(|e| e.path())
        .filter(|p| !name_of(p).starts_with('.'))
        .collect();
    dirs.sort();
    Ok(dirs)
}

fn name_of(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Read a candidate directory's regular files (links and special files are refused).
pub fn read_candidate_dir(dir: &Path) -> Result<BTreeMap<String, Vec<u8>>, CandidateError> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|source| CandidateError::Read {
            path: d.clone(),
            source,
        })?;
        for e in entries.flatten() {
            let kind = e.file_type().map_err(|source| CandidateError::Read {
                path: e.path(),
                source,
            })?;
            if kind.is_dir() {
                stack.push(e.path());
            } else if kind.is_file() {
                let rel = e
                    .path()
                    .strip_prefix(dir)
                    .expect("below dir")
                    .to_string_lossy()
                    .replace('\\', "/");
                let bytes = std::fs::read(e.path()).map_err(|source| CandidateError::Read {
                    path: e.path(),
                    source,
                })?;
                files.insert(rel, bytes);
            } else {
                return Err(CandidateError::Invalid {
                    path: e.path(),
                    message:
                        "only regular files can be candidate files (links and devices are refused)"
                            .into(),
                });
            }
        }
    }
    Ok(files)
}
