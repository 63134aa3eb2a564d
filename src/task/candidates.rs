//! Where candidate solutions come from. A candidate is referenced, not held: its files are read
//! when its execution is dispatched, so a long queue keeps memory flat.
use crate::limits::format_bytes;
use crate::sandbox::PayloadLimits;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
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
    /// `candidates/<model>/<task_id>[#<sample>]/…`: the task's declared candidate files.
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
    #[error(
        "{dir}: `{file}` is not one of the task's candidate files ({declared}); a candidate holds only those: remove it"
    )]
    Undeclared {
        dir: PathBuf,
        file: String,
        declared: String,
    },
    #[error(
        "{path}: a {kind} cannot be a candidate file (only regular files are read; links are never followed): replace it with the file itself"
    )]
    NotRegular { path: PathBuf, kind: &'static str },
    #[error(
        "{path}: {} is more than the {} a candidate may hold: shorten the file", format_bytes(*size), format_bytes(*max)
    )]
    FileTooLarge { path: PathBuf, size: u64, max: u64 },
    #[error(
        "{dir}: the candidate's files total more than {} (at `{file}`): shorten them", format_bytes(*max)
    )]
    TotalTooLarge {
        dir: PathBuf,
        file: String,
        max: u64,
    },
    #[error("{dir}: more than {max} entries: a candidate holds only the task's candidate files")]
    TooManyEntries { dir: PathBuf, max: usize },
    #[error(
        "{path}: the file changed while it was read (it was {} when checked): candidates must not change during a run", format_bytes(*size)
    )]
    Changed { path: PathBuf, size: u64 },
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

/// Whether `path` (relative, `/`-separated) is one of `declared`: equal to an entry, or below an
/// entry ending in `/` (a declared candidate directory).
pub fn is_declared(path: &str, declared: &[String]) -> bool {
    declared.iter().any(|d| {
        if d.ends_with('/') {
            path.starts_with(d.as_str())
        } else {
            path == d
        }
    })
}

/// Whether the directory `path` (relative) may hold declared files.
fn may_hold_declared(path: &str, declared: &[String]) -> bool {
    let as_dir = format!("{path}/");
    declared
        .iter()
        .any(|d| d.starts_with(&as_dir) || (d.ends_with('/') && as_dir.starts_with(d.as_str())))
}

/// Caps on what one candidate directory may hold.
#[derive(Debug, Clone, Copy)]
struct Caps {
    file_bytes: u64,
    total_bytes: u64,
    entries: usize,
}

impl Default for Caps {
    fn default() -> Self {
        let payload = PayloadLimits::default();
        Caps {
            file_bytes: payload.max_total_bytes,
            total_bytes: payload.max_total_bytes,
            entries: payload.max_entries,
        }
    }
}

/// A file found in the walk, checked but not read yet.
struct Found {
    rel: String,
    path: PathBuf,
    size: u64,
}

/// Read a candidate directory: exactly the task's `declared` candidate files (relative paths; an
/// entry ending in `/` declares a directory). Any other file, any link, device, FIFO or socket is
/// refused, and every size is checked against the payload cap before anything is read.
pub fn read_candidate_dir(
    dir: &Path,
    declared: &[String],
) -> Result<BTreeMap<String, Vec<u8>>, CandidateError> {
    read_capped(dir, declared, Caps::default())
}

fn read_capped(
    dir: &Path,
    declared: &[String],
    caps: Caps,
) -> Result<BTreeMap<String, Vec<u8>>, CandidateError> {
    let found = walk(dir, declared, caps)?;
    let mut files = BTreeMap::new();
    let mut budget = caps.total_bytes;
    for f in found {
        let bytes = read_bounded(&f, caps.file_bytes.min(budget))?;
        budget -= bytes.len() as u64;
        files.insert(f.rel, bytes);
    }
    Ok(files)
}

/// Every declared file below `dir`, from metadata only (nothing is opened), sizes within caps.
fn walk(dir: &Path, declared: &[String], caps: Caps) -> Result<Vec<Found>, CandidateError> {
    let top = std::fs::symlink_metadata(dir).map_err(|source| CandidateError::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    if !top.is_dir() {
        return Err(CandidateError::Invalid {
            path: dir.to_path_buf(),
            message: format!(
                "a directory candidate must be a directory, not a {} (links are never followed)",
                kind_of(&top.file_type())
            ),
        });
    }
    let undeclared = |file: String| CandidateError::Undeclared {
        dir: dir.to_path_buf(),
        file,
        declared: declared.join(", "),
    };
    let mut found = Vec::new();
    let mut entries = 0usize;
    let mut total = 0u64;
    // (path, relative path with a trailing `/`, or empty at the top)
    let mut stack = vec![(dir.to_path_buf(), String::new())];
    while let Some((d, prefix)) = stack.pop() {
        let read = |source| CandidateError::Read {
            path: d.clone(),
            source,
        };
        let mut children = Vec::new();
        for e in std::fs::read_dir(&d).map_err(read)? {
            let e = e.map_err(read)?;
            entries += 1;
            if entries > caps.entries {
                return Err(CandidateError::TooManyEntries {
                    dir: dir.to_path_buf(),
                    max: caps.entries,
                });
            }
            children.push(e);
        }
        children.sort_by_key(|e| e.file_name());
        for e in children {
            let path = e.path();
            let Some(name) = e.file_name().to_str().map(str::to_string) else {
                return Err(CandidateError::Invalid {
                    path,
                    message: "the file name is not UTF-8".into(),
                });
            };
            let rel = format!("{prefix}{name}");
            // DirEntry::metadata does not follow symlinks.
            let meta = e.metadata().map_err(|source| CandidateError::Read {
                path: path.clone(),
                source,
            })?;
            let kind = meta.file_type();
            if kind.is_dir() {
                if !may_hold_declared(&rel, declared) {
                    return Err(undeclared(format!("{rel}/")));
                }
                stack.push((path, format!("{rel}/")));
            } else if kind.is_file() {
                if !is_declared(&rel, declared) {
                    return Err(undeclared(rel));
                }
                let size = meta.len();
                if size > caps.file_bytes {
                    return Err(CandidateError::FileTooLarge {
                        path,
                        size,
                        max: caps.file_bytes,
                    });
                }
                total += size;
                if total > caps.total_bytes {
                    return Err(CandidateError::TotalTooLarge {
                        dir: dir.to_path_buf(),
                        file: rel,
                        max: caps.total_bytes,
                    });
                }
                found.push(Found { rel, path, size });
            } else {
                return Err(CandidateError::NotRegular {
                    path,
                    kind: kind_of(&kind),
                });
            }
        }
    }
    Ok(found)
}

/// Read one file, never more than `max` bytes, refusing it if it is no longer a regular file.
fn read_bounded(f: &Found, max: u64) -> Result<Vec<u8>, CandidateError> {
    let io = |source| CandidateError::Read {
        path: f.path.clone(),
        source,
    };
    // O_NOFOLLOW: a file swapped for a link since the walk is refused; O_NONBLOCK: so is a FIFO.
    let file = File::options()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(&f.path)
        .map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(CandidateError::NotRegular {
            path: f.path.clone(),
            kind: kind_of(&meta.file_type()),
        });
    }
    let expected = meta.len().max(f.size);
    if expected > max {
        return Err(CandidateError::Changed {
            path: f.path.clone(),
            size: f.size,
        });
    }
    let mut bytes = Vec::with_capacity(expected as usize);
    file.take(max + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > max {
        return Err(CandidateError::Changed {
            path: f.path.clone(),
            size: f.size,
        });
    }
    Ok(bytes)
}

fn kind_of(kind: &std::fs::FileType) -> &'static str {
    if kind.is_symlink() {
        "symbolic link"
    } else if kind.is_fifo() {
        "FIFO"
    } else if kind.is_socket() {
        "socket"
    } else if kind.is_block_device() || kind.is_char_device() {
        "device"
    } else if kind.is_dir() {
        "directory"
    } else if kind.is_file() {
        "regular file"
    } else {
        "special file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(tag: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("crucible-cand-{tag}-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn declared(files: &[&str]) -> Vec<String> {
        files.iter().map(|f| f.to_string()).collect()
    }

    const SMALL: Caps = Caps {
        file_bytes: 100,
        total_bytes: 150,
        entries: 5,
    };

    #[test]
    fn declared_files_are_read_and_nothing_else_is_accepted() {
        let dir = temp_dir("decl");
        std::fs::write(dir.join("solution.py"), "x = 1\n").unwrap();
        let files = read_candidate_dir(&dir, &declared(&["solution.py"])).unwrap();
        assert_eq!(files.keys().collect::<Vec<_>>(), ["solution.py"]);
        assert_eq!(files["solution.py"], b"x = 1\n");

        std::fs::write(dir.join("conftest.py"), "import os\n").unwrap();
        let err = read_candidate_dir(&dir, &declared(&["solution.py"])).unwrap_err();
        assert!(matches!(err, CandidateError::Undeclared { .. }), "{err}");
        assert!(
            err.to_string()
                .contains("`conftest.py` is not one of the task's candidate files (solution.py)"),
            "{err}"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_declared_directory_holds_anything_below_it_and_other_dirs_are_refused() {
        let dir = temp_dir("dirs");
        std::fs::create_dir_all(dir.join("src/util")).unwrap();
        std::fs::write(dir.join("src/lib.rs"), "pub mod util;").unwrap();
        std::fs::write(dir.join("src/util/mod.rs"), "").unwrap();
        std::fs::write(dir.join("Cargo.toml"), "[package]").unwrap();
        let decl = declared(&["src/", "Cargo.toml"]);
        let files = read_candidate_dir(&dir, &decl).unwrap();
        assert_eq!(
            files.keys().collect::<Vec<_>>(),
            ["Cargo.toml", "src/lib.rs", "src/util/mod.rs"]
        );

        std::fs::create_dir_all(dir.join("node_modules/x")).unwrap();
        let err = read_candidate_dir(&dir, &decl).unwrap_err().to_string();
        assert!(err.contains("`node_modules/` is not one of"), "{err}");
        std::fs::remove_dir_all(dir.join("node_modules")).unwrap();

        // A directory on the way to a declared file is walked, its other files are not taken.
        let decl = declared(&["pkg/main.go"]);
        std::fs::create_dir_all(dir.join("pkg")).unwrap();
        std::fs::write(dir.join("pkg/main.go"), "package main").unwrap();
        std::fs::write(dir.join("pkg/evil_test.go"), "package main").unwrap();
        let err = read_candidate_dir(&dir, &decl).unwrap_err().to_string();
        assert!(err.contains("`Cargo.toml` is not one of"), "{err}");
        std::fs::remove_file(dir.join("Cargo.toml")).unwrap();
        std::fs::remove_dir_all(dir.join("src")).unwrap();
        let err = read_candidate_dir(&dir, &decl).unwrap_err().to_string();
        assert!(err.contains("`pkg/evil_test.go` is not one of"), "{err}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn links_fifos_and_a_linked_candidate_dir_are_refused() {
        let dir = temp_dir("links");
        let outside = temp_dir("outside");
        std::fs::write(outside.join("secret"), "s").unwrap();
        std::os::unix::fs::symlink(outside.join("secret"), dir.join("solution.py")).unwrap();
        let decl = declared(&["solution.py", "src/"]);
        let err = read_candidate_dir(&dir, &decl).unwrap_err();
        assert!(
            matches!(
                err,
                CandidateError::NotRegular {
                    kind: "symbolic link",
                    ..
                }
            ),
            "{err}"
        );
        std::fs::remove_file(dir.join("solution.py")).unwrap();

        std::os::unix::fs::symlink(&outside, dir.join("src")).unwrap();
        let err = read_candidate_dir(&dir, &decl).unwrap_err().to_string();
        assert!(err.contains("symbolic link"), "{err}");
        std::fs::remove_file(dir.join("src")).unwrap();

        let fifo = std::ffi::CString::new(dir.join("solution.py").to_str().unwrap()).unwrap();
        // SAFETY: a valid C string path.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
        let err = read_candidate_dir(&dir, &decl).unwrap_err();
        assert!(
            matches!(err, CandidateError::NotRegular { kind: "FIFO", .. }),
            "{err}"
        );

        let linked = temp_dir("linked").join("candidate");
        std::os::unix::fs::symlink(&outside, &linked).unwrap();
        let err = read_candidate_dir(&linked, &declared(&["secret"])).unwrap_err();
        assert!(err.to_string().contains("not a symbolic link"), "{err}");
        for d in [dir, outside, linked.parent().unwrap().to_path_buf()] {
            std::fs::remove_dir_all(d).unwrap();
        }
    }

    #[test]
    fn sizes_and_entry_counts_are_checked_before_reading() {
        let dir = temp_dir("caps");
        let decl = declared(&["a", "b", "c/"]);
        std::fs::write(dir.join("a"), [b'a'; 100]).unwrap();
        assert_eq!(read_capped(&dir, &decl, SMALL).unwrap()["a"].len(), 100);

        std::fs::write(dir.join("b"), [b'b'; 101]).unwrap();
        let err = read_capped(&dir, &decl, SMALL).unwrap_err();
        assert!(
            matches!(err, CandidateError::FileTooLarge { size: 101, .. }),
            "{err}"
        );
        std::fs::write(dir.join("b"), [b'b'; 60]).unwrap();
        let err = read_capped(&dir, &decl, SMALL).unwrap_err();
        assert!(
            matches!(&err, CandidateError::TotalTooLarge { file, .. } if file == "b"),
            "{err}"
        );
        std::fs::remove_file(dir.join("b")).unwrap();

        std::fs::create_dir(dir.join("c")).unwrap();
        for i in 0..5 {
            std::fs::write(dir.join(format!("c/{i}")), "").unwrap();
        }
        let err = read_capped(&dir, &decl, SMALL).unwrap_err();
        assert!(
            matches!(err, CandidateError::TooManyEntries { max: 5, .. }),
            "{err}"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_file_growing_after_its_check_is_refused_not_read_whole() {
        let dir = temp_dir("grow");
        let path = dir.join("solution.py");
        std::fs::write(&path, [b'x'; 10]).unwrap();
        let found = walk(&dir, &declared(&["solution.py"]), SMALL).unwrap();
        assert_eq!(read_bounded(&found[0], 10).unwrap().len(), 10);
        std::fs::write(&path, [b'x'; 50]).unwrap();
        let err = read_bounded(&found[0], 10).unwrap_err();
        assert!(
            matches!(err, CandidateError::Changed { size: 10, .. }),
            "{err}"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
