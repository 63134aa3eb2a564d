//! `crucible run` as a user runs it: the release binary as a child process, its wall time,
//! peak RSS (from wait4) and the verdicts it stored.
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub struct CliRun {
    pub elapsed: Duration,
    pub peak_rss_bytes: u64,
    pub verdicts: Vec<(String, u64)>,
    pub recorded: u64,
}

/// The `crucible` binary next to this one (both built by `cargo build --release --bins`).
pub fn crucible_binary() -> anyhow::Result<PathBuf> {
    let me = std::env::current_exe()?;
    let bin = me.with_file_name("crucible");
    anyhow::ensure!(
        bin.exists(),
        "{} is missing: build it with `cargo build --release --bins`",
        bin.display()
    );
    Ok(bin)
}

/// Run `crucible run`; with `stop_after`, send SIGINT then (a bounded run that crucible
/// records as interrupted).
pub fn run(
    tasks: &Path,
    candidates: &Path,
    store: &Path,
    j: usize,
    extra: &[&str],
    stop_after: Option<Duration>,
    log: &Path,
) -> anyhow::Result<CliRun> {
    if store.exists() {
        std::fs::remove_file(store)?;
    }
    let mut cmd = Command::new(crucible_binary()?);
    cmd.arg("run")
        .arg("--tasks")
        .arg(tasks)
        .arg("--candidates")
        .arg(candidates)
        .arg("--store")
        .arg(store)
        .arg("-j")
        .arg(j.to_string())
        .arg("--retries")
        .arg("0")
        .arg("--json")
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log)?);
    let started = Instant::now();
    let child = cmd.spawn()?;
    let pid = child.id() as libc::pid_t;
    if let Some(limit) = stop_after {
        std::thread::spawn(move || {
            std::thread::sleep(limit);
            // SAFETY: signalling our own child by pid; harmless if it already exited (the
            // pid is not reaped before wait4 below returns).
            unsafe { libc::kill(pid, libc::SIGINT) };
        });
    }
    let mut status = 0;
    // SAFETY: zeroed rusage is a valid out-parameter; wait4 fills it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waiting for our own child; `child` is not waited on elsewhere.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let elapsed = started.elapsed();
    anyhow::ensure!(waited == pid, "wait4 on crucible run failed");
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    // 0 ok, 1 some verdicts were problems? accept any orderly exit; 130 when stopped by us.
    anyhow::ensure!(
        code >= 0 && (stop_after.is_some() || code != 130),
        "crucible run exited with {code}; see {}",
        log.display()
    );
    drop(child);
    let verdicts = count_verdicts(store)?;
    let recorded = verdicts.iter().map(|(_, n)| n).sum();
    Ok(CliRun {
        elapsed,
        peak_rss_bytes: usage.ru_maxrss as u64 * 1024,
        verdicts,
        recorded,
    })
}

fn count_verdicts(store: &Path) -> anyhow::Result<Vec<(String, u64)>> {
    let db = rusqlite::Connection::open(store)?;
    let mut q =
        db.prepare("SELECT verdict, COUNT(*) FROM executions GROUP BY verdict ORDER BY 1")?;
    let rows = q.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Each task's verdict in `store` (one execution per task: the bench runs one sample, no
/// retries).
pub fn task_verdicts(store: &Path) -> anyhow::Result<std::collections::HashMap<String, String>> {
    let db = rusqlite::Connection::open(store)?;
    let mut q = db.prepare("SELECT task_id, verdict FROM executions")?;
    let rows = q.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
