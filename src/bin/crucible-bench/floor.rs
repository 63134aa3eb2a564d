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

/// PATH for the floor: the directory of the real interpreter first. The first of
/// `$CRUCIBLE_BENCH_PYTHON`, the system's /usr/bin/python3 (the build the images run) and
/// `python3` on PATH that has pytest is used. A version manager's shim (pyenv, asdf) is a script
/// that would add its own start-up cost to every task; asking the interpreter for
/// `sys.executable` finds what the shim runs.
fn host_path() -> anyhow::Result<String> {
    let mut candidates: Vec<String> = std::env::var("CRUCIBLE_BENCH_PYTHON").into_iter().collect();
    candidates.extend(["/usr/bin/python3".into(), "python3".into()]);
    let dir = candidates
        .iter()
        .find_map(|python| {
            let out = Command::new(python)
                .args([
                    "-c",
                    "import os, sys, pytest; print(os.path.dirname(sys.executable))",
                ])
                .stderr(Stdio::null())
                .output()
                .ok()?;
            out.status
                .success()
                .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
        })
        .ok_or_else(|| {
            anyhow::anyhow!(
                "the floor runs the tests on the host and needs python3 with pytest there \
                 (tried {candidates:?}; e.g. `apt-get install python3-pytest`, or set \
                 CRUCIBLE_BENCH_PYTHON)"
            )
        })?;
    eprintln!("crucible-bench: the floor runs {dir}/python3");
    let rest = std::env::var("PATH").unwrap_or_default();
    Ok(format!("{dir}:{rest}"))
}
