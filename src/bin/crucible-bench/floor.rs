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

pub fn run(w: &Workload, scratch: &Path, j: usize) -> anyhow::Result<FloorRun> {
    std::fs::create_dir_all(scratch)?;
    let root = scratch.canonicalize()?.join(format!("floor-{}", w.name));
    if root.exists() {
        std::fs::remove_dir_all(&root)?;
    }
    // Files are written up front: the floor times only the test command itself.
    for t in &w.tasks {
        write_files(&root.join(&t.id), &t.files)?;
    }
    let path = host_path()?;
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
            .env("PATH", &path)
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

/// PATH for the floor: the directory of the real `python3` first. A version manager's shim
/// (pyenv, asdf) is a script that would add its own start-up cost to every task; asking the
/// interpreter for `sys.executable` finds what the shim runs.
fn host_path() -> anyhow::Result<String> {
    let out = Command::new("python3")
        .args([
            "-c",
            "import os, sys; import pytest; print(os.path.dirname(sys.executable))",
        ])
        .stderr(Stdio::null())
        .output()
        .map_err(|e| anyhow::anyhow!("the floor needs python3 on the host: {e}"))?;
    anyhow::ensure!(
        out.status.success(),
        "the floor runs the tests on the host and needs python3 with pytest there \
         (e.g. `pip install pytest` or `apt-get install python3-pytest`)"
    );
    let dir = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let rest = std::env::var("PATH").unwrap_or_default();
    Ok(format!("{dir}:{rest}"))
}
