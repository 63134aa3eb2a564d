//! A Docker daemon restart in the middle of `crucible run`: the run pauses while the daemon is
//! away, resumes when it is back, re-runs what the restart cut short without spending retries,
//! removes the containers that survived, and ends with every expected verdict (docs/faults.md).
//! The daemon restarted is a second dockerd of the test's own, never the machine's.
mod common;
mod support_dockerd;

use common::*;
use crucible::store::{SqliteStore, StoreReader};
use crucible::verdict::Verdict;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};
use support_dockerd::SecondDaemon;

/// How long the daemon stays down.
const DOWN_FOR: Duration = Duration::from_secs(5);

/// A task left out: its memory-hog candidate needs ~8-10 s of a 10 s limit to reach its memory
/// limit, so on a loaded machine `memory_limit` turns into `timeout` (tests/run.rs covers it).
const LOAD_SENSITIVE: &str = "py-csv-sales-summary";

/// The Python tasks of the sample benchmark, copied (the other languages' images would take
/// minutes to load into the second daemon).
fn python_tasks(into: &Path) -> usize {
    let mut n = 0;
    for entry in std::fs::read_dir(repo_root().join("tasks")).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().to_string();
        let python = name.starts_with("py-") || name.starts_with("io-python-");
        if python && name != LOAD_SENSITIVE {
            copy_dir(&entry.path(), &into.join(&name));
            n += 1;
        }
    }
    n
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// EXPECTED.json's verdicts for these tasks: (model, task) → verdict.
fn expected_verdicts(tasks: &Path) -> BTreeMap<(String, String), String> {
    let all: HashMap<String, BTreeMap<String, String>> = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("tasks/_candidates/EXPECTED.json")).unwrap(),
    )
    .unwrap();
    let mut out = BTreeMap::new();
    for (model, verdicts) in all {
        for (task, verdict) in verdicts {
            if tasks.join(&task).is_dir() {
                out.insert((model.clone(), task), verdict);
            }
        }
    }
    out
}

/// Lines of a file written by a child, as they are so far.
fn lines_of(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

fn wait_until(what: &str, within: Duration, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < within, "{what}: not within {within:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn wait_exit(child: &mut Child, within: Duration) -> i32 {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code().unwrap_or(-1);
        }
        if started.elapsed() > within {
            let _ = child.kill();
            panic!("crucible run did not end within {within:?}");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Run the Python tasks against a second daemon, restart that daemon once `finished_before`
/// executions have finished, and check the run's ending. `json`: follow the run's JSON lines
/// (else its progress lines).
fn restart_mid_run(reuse: bool, json: bool) {
    require_image(PYTHON_IMAGE);
    let base = tempfile::Builder::new()
        .prefix("cdd")
        .tempdir_in("/tmp")
        .unwrap();
    let mut daemon = SecondDaemon::start(&base.path().join("d"));
    daemon.load_images(&[PYTHON_IMAGE]);

    let scratch = Scratch::new("daemon-restart");
    let tasks = scratch.path().join("tasks");
    assert!(
        python_tasks(&tasks) >= 5,
        "the sample benchmark's Python tasks"
    );
    let expected = expected_verdicts(&tasks);
    let store = scratch.path().join("store.db");
    let (out, err) = (scratch.path().join("out"), scratch.path().join("err"));
    let run_id = "restart";
    let mut cmd = crucible();
    cmd.args(["run", "--tasks"])
        .arg(&tasks)
        .arg("--candidates")
        .arg(repo_root().join("tasks/_candidates"))
        .arg("--store")
        .arg(&store)
        .args(["--run-id", run_id, "-j", "2"])
        .env("DOCKER_HOST", daemon.host())
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap());
    if reuse {
        cmd.arg("--reuse-containers");
    }
    if json {
        cmd.arg("--json");
    }
    let mut run = cmd.spawn().unwrap();

    // Restart while the run is well under way: some verdicts in, most still to come.
    let finished = |path: &Path| {
        lines_of(path)
            .iter()
            .filter(|l| {
                l.contains("\"event\":\"finished\"")
                    || l.contains(" passed ")
                    || l.contains(" failed ")
            })
            .count()
    };
    let watched = if json { out.clone() } else { err.clone() };
    wait_until("3 executions finished", Duration::from_secs(120), || {
        finished(&watched) >= 3
    });
    let before = finished(&watched);
    daemon.stop();
    let stopped = Instant::now();
    std::thread::sleep(DOWN_FOR);
    daemon.start_again();
    eprintln!(
        "daemon down {:.1} s, after {before} of {} executions",
        stopped.elapsed().as_secs_f64(),
        expected.len()
    );
    let code = wait_exit(&mut run, Duration::from_secs(300));
    let (stdout, stderr) = (lines_of(&out), lines_of(&err));
    let shown = || {
        format!(
            "stderr:\n{}\nstdout:\n{}",
            stderr.join("\n"),
            stdout.join("\n")
        )
    };
    assert_eq!(code, 0, "the run must end well\n{}", shown());
    assert!(
        before < expected.len(),
        "the daemon went away before the run ended"
    );

    // The pause and the resume were shown.
    let (paused, resumed) = if json {
        let event = |name: &str| {
            stdout
                .iter()
                .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
                .find(|v| v["event"] == name)
        };
        (event("paused"), event("resumed"))
    } else {
        let line = |prefix: &str| {
            stderr
                .iter()
                .find(|l| l.starts_with(prefix))
                .map(|l| serde_json::Value::String(l.clone()))
        };
        (line("paused: "), line("resumed: "))
    };
    assert!(paused.is_some(), "no pause shown\n{}", shown());
    let resumed = resumed.unwrap_or_else(|| panic!("no resume shown\n{}", shown()));
    eprintln!("paused: {}\nresumed: {resumed}", paused.unwrap());

    // Every execution recorded once, with its real verdict: no infra error, no retry spent.
    let records = SqliteStore::open(&store)
        .unwrap()
        .executions(run_id)
        .unwrap();
    let infra: Vec<String> = records
        .iter()
        .filter(|r| r.verdict == Verdict::InfraError || r.attempt > 1)
        .map(|r| {
            format!(
                "{}/{} attempt {}: {}",
                r.model, r.task_id, r.attempt, r.reason
            )
        })
        .collect();
    assert!(
        infra.is_empty(),
        "infra errors or retries:\n{}",
        infra.join("\n")
    );
    assert_eq!(records.len(), expected.len(), "one record per execution");
    let mut mismatches = Vec::new();
    for ((model, task), verdict) in &expected {
        match records
            .iter()
            .find(|r| &r.model == model && &r.task_id == task)
        {
            Some(r) if r.verdict.as_str() == verdict => {}
            Some(r) => mismatches.push(format!(
                "{model}/{task}: expected {verdict}, got {} ({})",
                r.verdict, r.reason
            )),
            None => mismatches.push(format!("{model}/{task}: not recorded")),
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));

    // Nothing of the run is left in the daemon.
    let left = daemon.containers(&format!("crucible.run={run_id}"));
    assert!(left.is_empty(), "containers left: {left:?}");
    let left = daemon.containers("crucible.owner");
    assert!(left.is_empty(), "crucible containers left: {left:?}");
}

/// Both backends in one test, one after the other: two second daemons and two runs at once
/// would load the machine enough to turn memory-limit verdicts into timeouts.
#[test]
fn a_daemon_restart_mid_run_pauses_and_resumes_in_both_modes() {
    // Fresh containers, followed through the progress lines.
    restart_mid_run(false, false);
    // Reuse slots, which die with the daemon and are made anew; followed as JSON lines.
    restart_mid_run(true, true);
}

/// A daemon that stays away longer than `--daemon-wait` stops the run like Ctrl-C, saying so;
/// the run stays resumable and `crucible gc` removes what the dead run left in the daemon.
#[test]
fn a_daemon_that_stays_away_past_daemon_wait_stops_the_run() {
    require_image(PYTHON_IMAGE);
    let base = tempfile::Builder::new()
        .prefix("cdd")
        .tempdir_in("/tmp")
        .unwrap();
    let mut daemon = SecondDaemon::start(&base.path().join("d"));
    daemon.load_images(&[PYTHON_IMAGE]);
    let scratch = Scratch::new("daemon-lost");
    let tasks = scratch.path().join("tasks");
    python_tasks(&tasks);
    let store = scratch.path().join("store.db");
    let out = scratch.path().join("out");
    let mut run = crucible()
        .args(["run", "--tasks"])
        .arg(&tasks)
        .arg("--candidates")
        .arg(repo_root().join("tasks/_candidates"))
        .arg("--store")
        .arg(&store)
        .args([
            "--run-id",
            "lost",
            "-j",
            "2",
            "--json",
            "--daemon-wait",
            "3s",
        ])
        .env("DOCKER_HOST", daemon.host())
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_until("1 execution finished", Duration::from_secs(120), || {
        lines_of(&out)
            .iter()
            .any(|l| l.contains("\"event\":\"finished\""))
    });
    daemon.stop();
    let code = wait_exit(&mut run, Duration::from_secs(120));
    let events: Vec<serde_json::Value> = lines_of(&out)
        .iter()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let names: Vec<&str> = events.iter().filter_map(|e| e["event"].as_str()).collect();
    assert_eq!(code, 130, "stopped like an interrupt; events: {names:?}");
    let at = |name: &str| names.iter().position(|n| *n == name);
    let (paused, lost, interrupted) = (at("paused"), at("daemon_lost"), at("interrupted"));
    assert!(
        paused.is_some() && paused < lost && lost < interrupted,
        "paused, then daemon_lost, then interrupted: {names:?}"
    );
    let waited = events[lost.unwrap()]["waited_ms"].as_u64().unwrap();
    assert!((3000..10_000).contains(&waited), "waited {waited} ms");
    let records = SqliteStore::open(&store)
        .unwrap()
        .executions("lost")
        .unwrap();
    assert!(
        records.iter().all(|r| r.verdict != Verdict::InfraError),
        "no infra error recorded"
    );
    assert!(records.iter().any(|r| r.verdict == Verdict::Interrupted));

    // What the restart left behind belongs to a process that is gone: gc removes it.
    daemon.start_again();
    let gc = crucible()
        .arg("gc")
        .env("DOCKER_HOST", daemon.host())
        .output()
        .unwrap();
    assert!(
        gc.status.success(),
        "{}",
        String::from_utf8_lossy(&gc.stderr)
    );
    let left = daemon.containers("crucible.run=lost");
    assert!(left.is_empty(), "containers left after gc: {left:?}");
}
