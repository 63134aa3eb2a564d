//! `crucible run --executor`: the same run on `crucible serve` replicas gives the same verdicts
//! and execution keys as on the local daemon; a replica killed mid-run loses no execution; an
//! interrupted coordinator leaves no container on its replicas. Real binary, real daemon.
mod common;
mod scale_support;

use common::*;
use crucible::store::{ExecutionRecord, SqliteStore, StoreReader};
use crucible::testreport::TestOutcome;
use scale_support::{Replica, gc, owned_by, wait_until};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A few sample tasks: pytest, I/O tasks (one of function calls), a custom checker, node; none
/// whose verdict is a race between two limits (a machine under load could flip it either way).
const SUBSET: [&str; 6] = [
    "py-slugify",
    "py-invoice-total",
    "io-python-expense-split",
    "io-python-shift-roster",
    "io-python-cart-discounts",
    "io-node-tax-brackets",
];

type Finals = BTreeMap<(String, String, u32), ExecutionRecord>;

fn finals(store: &Path, run_id: &str) -> Finals {
    let store = SqliteStore::open(store).unwrap();
    let mut last: Finals = BTreeMap::new();
    for r in store.executions(run_id).unwrap() {
        let k = (r.model.clone(), r.task_id.clone(), r.sample);
        if last.get(&k).is_none_or(|prev| prev.attempt < r.attempt) {
            last.insert(k, r);
        }
    }
    last
}

fn run_cmd(tasks: &Path, cands: &Path, store: &Path, run_id: &str) -> Command {
    let mut c = crucible();
    c.args(["run", "--tasks"])
        .arg(tasks)
        .arg("--candidates")
        .arg(cands)
        .arg("--store")
        .arg(store)
        .args(["--run-id", run_id, "--json"])
        .env_remove("CRUCIBLE_EXECUTOR_TOKEN");
    c
}

fn ok(out: &std::process::Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} exited with {}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

#[test]
fn a_run_on_two_replicas_equals_a_local_run() {
    require_image(PYTHON_IMAGE);
    require_image("crucible/node:latest");
    let scratch = Scratch::new("remote-equal");
    let tasks = scratch.path().join("tasks");
    for t in SUBSET {
        copy_dir(&repo_root().join("tasks").join(t), &tasks.join(t));
    }
    let cands = repo_root().join("tasks/_candidates");
    let local_db = scratch.path().join("local.db");
    let remote_db = scratch.path().join("remote.db");

    let started = Instant::now();
    let local = run_cmd(&tasks, &cands, &local_db, "local")
        .args(["-j", "2"])
        .output()
        .unwrap();
    ok(&local, "the local run");
    eprintln!("local run, 2 in flight: {:?}", started.elapsed());

    let token_file = scratch.write("tokens", "a-token-for-the-tests\n");
    // Some sample tasks allow 90 s; a replica refuses limits above its maxima (never lowers them).
    let a = Replica::start(&["--concurrency", "1", "--max-timeout", "5m"]);
    let b = Replica::start_with_token(
        &[
            "--concurrency",
            "1",
            "--max-timeout",
            "5m",
            "--tokens-file",
            token_file.to_str().unwrap(),
        ],
        Some("a-token-for-the-tests"),
    );
    let both = format!("{},{}", a.url, b.url);

    // A replica that refuses the token stops the run before anything is sent.
    let refused = run_cmd(&tasks, &cands, &remote_db, "refused")
        .args(["--executor", &both])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(69), "{refused:?}");
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("--executor-token"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );

    let started = Instant::now();
    let remote = run_cmd(&tasks, &cands, &remote_db, "remote")
        .args(["--executor", &both])
        .env("CRUCIBLE_EXECUTOR_TOKEN", "a-token-for-the-tests")
        .output()
        .unwrap();
    ok(&remote, "the remote run");
    eprintln!("remote run on 2 replicas: {:?}", started.elapsed());

    let (l, r) = (finals(&local_db, "local"), finals(&remote_db, "remote"));
    assert!(l.len() >= 12, "the subset ran {} executions", l.len());
    assert_eq!(
        l.keys().collect::<Vec<_>>(),
        r.keys().collect::<Vec<_>>(),
        "the same executions"
    );
    for (k, lr) in &l {
        let rr = &r[k];
        assert_eq!(
            lr.verdict, rr.verdict,
            "{k:?}: {} vs {}",
            lr.reason, rr.reason
        );
        assert_eq!(lr.key, rr.key, "{k:?}: the execution key differs");
        let passed = |r: &ExecutionRecord| {
            r.tests
                .iter()
                .filter(|t| t.outcome == TestOutcome::Passed)
                .count()
        };
        assert_eq!(passed(lr), passed(rr), "{k:?}");
        assert_eq!(lr.image_id, rr.image_id, "{k:?}");
    }
    // Both replicas took work; neither kept a container.
    a.stop_clean();
    b.stop_clean();
}

#[test]
fn a_replica_killed_mid_run_loses_nothing() {
    require_image(PYTHON_IMAGE);
    let scratch = Scratch::new("remote-kill");
    let (tasks, cands) = python_benchmark(scratch.path(), 10, 2.0);
    let store = scratch.path().join("k.db");
    let mut a = Replica::start(&["--concurrency", "2"]);
    let b = Replica::start(&["--concurrency", "2"]);
    let child = run_cmd(&tasks, &cands, &store, "killed")
        .args(["--executor", &format!("{},{}", a.url, b.url)])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    assert!(
        wait_until(Duration::from_secs(90), || !a.containers().is_empty()),
        "replica a never ran anything"
    );
    std::thread::sleep(Duration::from_millis(1500));
    let killed_pid = a.pid;
    let in_flight = a.containers().len();
    a.kill();
    let killed_at = Instant::now();
    let out = child.wait_with_output().unwrap();
    ok(&out, "the run with a killed replica");
    eprintln!(
        "killed a replica holding {in_flight} container(s) (its warm slot included); the run \
         finished {:?} later",
        killed_at.elapsed()
    );

    let got = finals(&store, "killed");
    assert_eq!(got.len(), 20, "every execution recorded");
    for ((model, task, _), r) in &got {
        let expected = if model == "good" || task == "add-000" {
            "passed"
        } else {
            "failed"
        };
        assert_eq!(r.verdict.as_str(), expected, "{model}/{task}: {}", r.reason);
    }
    // What the killed replica had in flight ran again elsewhere, within the first attempt.
    let all = SqliteStore::open(&store)
        .unwrap()
        .executions("killed")
        .unwrap();
    assert!(
        all.iter().all(|r| r.attempt == 1),
        "an execution needed the run's own retry"
    );
    // A SIGKILLed process cleans nothing up: `crucible gc` removes what it left.
    gc();
    assert!(
        owned_by(killed_pid).is_empty(),
        "the killed replica's containers stayed"
    );
    b.stop_clean();
}

#[test]
fn interrupting_the_coordinator_removes_its_containers_on_the_replica() {
    require_image(PYTHON_IMAGE);
    let scratch = Scratch::new("remote-interrupt");
    let (tasks, cands) = python_benchmark(scratch.path(), 3, 30.0);
    let store = scratch.path().join("i.db");
    let a = Replica::start(&["--concurrency", "2"]);
    // The replica's warm reuse slot stays; the run's executions (fresh containers) must go.
    let warm = a.containers().len();
    let child = run_cmd(&tasks, &cands, &store, "interrupt-remote")
        .args(["--executor", &a.url])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    assert!(
        wait_until(Duration::from_secs(90), || a.containers().len() >= warm + 2),
        "the executions never started"
    );
    std::thread::sleep(Duration::from_millis(500));
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The replica saw the connections close and removed the containers.
    assert!(
        wait_until(Duration::from_secs(30), || a.containers().len() <= warm),
        "containers left on the replica: {:?}",
        a.containers()
    );
    let rows = SqliteStore::open(&store)
        .unwrap()
        .executions("interrupt-remote")
        .unwrap();
    assert!(rows.iter().any(|r| r.verdict.as_str() == "interrupted"));
    a.stop_clean();
}
