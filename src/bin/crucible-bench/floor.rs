//! The floor: the same tests as plain host subprocesses, same parallelism, no container.
use super::stats::parallel_timed;
use super::workloads::{Workload, write_files};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub struct FloorRun {
    pub elapsed: Duration,
    pub per_task: Vec<Duration>,
    pub passed: usize,
}

pub fn run(w: &Workload, scratch: &Path, j: usize) -> std::io::Result<FloorRun> {
    std::fs::create_dir_all(scratch)?;
    let root = scratch.canonicalize()?.join(format!("floor-{}", w.name));
    if root.exists() {
        std::fs::remove_dir_all(&root)?;
    }
    // Files are written up front: the floor times only the test command itself.
    for t in &w.tasks {
        write_files(&root.join(&t.id), &t.files)?;
    }
    let passed = std::sync::atomic::AtomicUsize::new(0);
    let started = Instant::now();
    let per_task = parallel_timed(w.tasks.len(), j, |i| {
        let dir = root.join(&w.tasks[i].id);
        let status = Command::new("/bin/sh")
            .arg("-c")
            .arg(&w.command)
            .current_dir(&dir)
            .env("CRUCIBLE_REPORT", dir.join(".report"))
            .env("HOME", &dir)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            // The system interpreter, as in the image: version managers' shims (pyenv, …)
            // would add their own start-up cost to every task.
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if status.map(|s| s.success()).unwrap_or(false) {
            passed.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    });
    let elapsed = started.elapsed();
    std::fs::remove_dir_all(&root)?;
    Ok(FloorRun {
        elapsed,
        per_task,
        passed: passed.into_inner(),
    })
}
