//! Candidates a client uploads: the JSONL lines `crucible run --candidates FILE.jsonl` reads
//! (`{task_id, model?, sample?, files}` or `{task_id, completion|solution|code}`), as a JSONL
//! body or as the `candidates` array of a JSON body. The same reader checks them, so a planted
//! file or an oversized one is refused here exactly as on the command line.
use super::error::ApiError;
use crate::suites::completions::read_completions;
use crate::task::{CandidateRef, CandidateSource, Task};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;

/// What the upload gave: candidates, and the lines that gave none (line number and why).
pub struct Uploaded {
    pub candidates: Vec<CandidateRef>,
    pub rejected: Vec<String>,
}

/// JSONL text from a JSON array of candidate objects.
pub fn jsonl_from_array(items: &[Value]) -> Result<Vec<u8>, ApiError> {
    let mut out = Vec::new();
    for item in items {
        serde_json::to_writer(&mut out, item)
            .map_err(|e| ApiError::BadRequest(format!("candidates: {e}")))?;
        out.push(b'\n');
    }
    Ok(out)
}

/// Read JSONL `body` against `tasks`; `model` names lines without one.
pub fn read_jsonl(body: &[u8], tasks: &[Task], model: &str) -> Result<Uploaded, ApiError> {
    // The reader streams from a file (it is built for files of many GB); the upload is already
    // in memory and bounded, so a private temporary file is the simplest way to reuse it.
    let path = std::env::temp_dir().join(format!(
        "crucible-upload-{}.jsonl",
        uuid::Uuid::new_v4().simple()
    ));
    let io = |e: std::io::Error| ApiError::Internal(format!("storing the upload: {e}"));
    let written = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)?;
        f.write_all(body)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&path);
        return Err(io(e));
    }
    let by_id: BTreeMap<String, Task> = tasks.iter().map(|t| (t.id.clone(), t.clone())).collect();
    let read = read_completions(&path, &by_id, Some(model));
    let _ = std::fs::remove_file(&path);
    let read = read.map_err(io)?;
    Ok(Uploaded {
        rejected: read
            .errors
            .iter()
            // Line numbers only: the temporary file's name means nothing to the client.
            .map(|e| format!("line {}: {}", e.line, e.reason))
            .collect(),
        candidates: read
            .candidates
            .into_iter()
            .map(|c| CandidateRef {
                task_id: c.task_id,
                model: c.model,
                sample: c.sample,
                source: CandidateSource::Inline(c.files),
            })
            .collect(),
    })
}
