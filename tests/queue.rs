//! The work queue against a real PostgreSQL and real workers: leases, late results, retries and
//! cancel settle in the database exactly once; `crucible worker`s on the real daemon run a
//! queued run to the same report as a local run, lose nothing when one is killed mid-execution,
//! and stop and clean up when the run is cancelled.
mod common;
mod support_dockerd;
use common::*;
use crucible::Verdict;
use crucible::limits::Limits;
use crucible::queue::{Completion, EnqueueOptions, WorkQueue, enqueue};
use crucible::run::{Plan, PlanFilter, RetryPolicy};
use crucible::store::{ExecutionRecord, StoreReader, open_store};
use crucible::task::{load_tasks, scan_candidate_dir};
use std::collections::BTreeMap;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};
use support_dockerd::SecondDaemon;

const IMAGE: &str = "crucible/python:latest";

fn plan(root: &std::path::Path, n: usize, sleep: f64) -> Plan {
    let (tasks, cands) = python_benchmark(root, n, sleep);
    let (tasks, errors) = load_tasks(&tasks, &Limits::default()).unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    Plan::new(
        tasks,
        scan_candidate_dir(&cands).unwrap(),
        &PlanFilter::default(),
        1,
    )
}

fn options(run_id: &str) -> EnqueueOptions {
    EnqueueOptions {
        run_id: run_id.into(),
        retry: RetryPolicy {
            retries: 1,
            backoff: Duration::from_millis(100),
            ..RetryPolicy::default()
        },
        labels: Vec::new(),
        runtime: None,
        settings: serde_json::Value::Null,
    }
}

fn record(claimed: &crucible::queue::Claimed, verdict: Verdict) -> ExecutionRecord {
    let x = &claimed.execution;
    ExecutionRecord {
        run_id: claimed.run_id.clone(),
        task_id: x.task_id.clone(),
        model: x.model.clone(),
        sample: x.sample,
        repeat: x.repeat,
        attempt: x.attempt,
        key: claimed.key.clone(),
        verdict,
        reason: format!("{verdict} (attempt {})", x.attempt),
        exit_code: Some(0),
        signal: None,
        wall_ms: 1,
        cpu_ms: None,
        peak_memory_bytes: None,
        stdout: String::new(),
        stderr: String::new(),
        output_truncated: false,
        image_id: None,
        payload_sha256: None,
        finished_at_ms: 1,
        tests: Vec::new(),
    }
}

/// Final verdict per (task, model) of a run: the highest attempt of each execution.
fn finals(reader: &dyn StoreReader, run_id: &str) -> BTreeMap<(String, String), (u32, Verdict)> {
    let mut last = BTreeMap::new();
    for r in reader.executions(run_id).unwrap() {
        let slot = last
            .entry((r.task_id.clone(), r.model.clone()))
            .or_insert((r.attempt, r.verdict));
        if r.attempt >= slot.0 {
            *slot = (r.attempt, r.verdict);
        }
    }
    last
}

#[tokio::test(flavor = "multi_thread")]
async fn leases_late_results_retries_and_cancel_settle_once_in_the_database() {
    let Some(db) = postgres_database("queue_leases") else {
        return;
    };
    let root = Scratch::new("queue-leases");
    let mut queue = WorkQueue::open(&db.url).unwrap();
    let queued = enqueue(
        &mut queue,
        plan(root.path(), 3, 0.0),
        &options("q-leases"),
        None,
    )
    .await
    .unwrap();
    assert_eq!((queued.queued, queued.refused), (6, 0));
    // Every candidate's solution.py is its own blob; each task's test file one more, shared
    // by its two candidates (the two `good` solutions are one blob, as are the `bad` ones).
    assert_eq!(queued.blobs, 3 + 2);
    let lease = Duration::from_secs(1);
    let images = vec![IMAGE.to_string()];
    let queue = std::sync::Arc::new(queue);
    let q = queue.clone();
    tokio::task::spawn_blocking(move || {
        assert!(
            q.claim("w", 10, &["other/image".into()], &[], lease)
                .unwrap()
                .is_empty(),
            "a worker without the image claims nothing"
        );
        assert!(
            q.claim("w", 10, &images, &["gpu".into()], lease)
                .unwrap()
                .len()
                == 6,
            "a row without labels is anyone's"
        );
        // Worker a's leases expire; worker b takes the executions over as attempt 2.
        std::thread::sleep(Duration::from_millis(1300));
        let taken = q
            .claim("b", 10, &images, &[], Duration::from_secs(30))
            .unwrap();
        assert_eq!(taken.len(), 6);
        assert!(taken.iter().all(|c| c.execution.attempt == 2));
        let held: Vec<(i64, u32)> = taken.iter().map(|c| (c.id, 1)).collect();
        let renewal = q.renew("w", &held, lease).unwrap();
        assert_eq!(renewal.lost.len(), 6, "worker w learns it lost every lease");
        // w's late result is an attempt only; b's is final whichever comes first.
        let mut late = taken[0].clone();
        late.execution.attempt = 1;
        assert_eq!(
            q.complete("w", &late, record(&late, Verdict::Passed))
                .unwrap(),
            Completion::Late
        );
        assert_eq!(
            q.complete("b", &taken[0], record(&taken[0], Verdict::Failed))
                .unwrap(),
            Completion::Final
        );
        let mut late1 = taken[1].clone();
        late1.execution.attempt = 1;
        assert_eq!(
            q.complete("b", &taken[1], record(&taken[1], Verdict::Passed))
                .unwrap(),
            Completion::Final
        );
        assert_eq!(
            q.complete("w", &late1, record(&late1, Verdict::Failed))
                .unwrap(),
            Completion::Late
        );
        // An infra error goes back to the queue once (retries = 1), then is final.
        assert!(matches!(
            q.complete("b", &taken[2], record(&taken[2], Verdict::InfraError))
                .unwrap(),
            Completion::Retry { .. }
        ));
        std::thread::sleep(Duration::from_millis(300));
        let again = q
            .claim("b", 10, &images, &[], Duration::from_secs(30))
            .unwrap();
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].execution.attempt, 3);
        assert_eq!(
            q.complete("b", &again[0], record(&again[0], Verdict::InfraError))
                .unwrap(),
            Completion::Final
        );
        // Cancel: the rest stop being claimable and count as cancelled once b's lease runs out.
        q.cancel("q-leases").unwrap();
        assert!(q.claim("c", 10, &images, &[], lease).unwrap().is_empty());
        let p = q.progress("q-leases").unwrap();
        assert!(p.run_cancelled);
        assert_eq!((p.done, p.running), (3, 3), "{p:?}");
        assert!(q.cancel("no-such-run").is_err());
    })
    .await
    .unwrap();
    let store = open_store(&db.url).unwrap();
    let finals = finals(store.as_ref(), "q-leases");
    assert_eq!(
        finals.len(),
        3,
        "only the executions that ended are recorded: {finals:?}"
    );
    let verdicts: Vec<_> = finals.values().map(|(a, v)| (*a, *v)).collect();
    assert!(
        verdicts.contains(&(2, Verdict::Failed)),
        "b's result is final: {verdicts:?}"
    );
    assert!(
        verdicts.contains(&(2, Verdict::Passed)),
        "w's late result does not count: {verdicts:?}"
    );
    assert!(verdicts.contains(&(3, Verdict::InfraError)), "{verdicts:?}");
    assert_eq!(
        store.executions("q-leases").unwrap().len(),
        6,
        "every attempt is kept: 2 + 2 + 2"
    );
}

fn worker(url: &str, extra: &[&str]) -> Child {
    crucible()
        .args(["worker", "--store", url, "--json", "--lease-secs", "3"])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start crucible worker")
}

fn wait_running(queue: &WorkQueue, run_id: &str, n: u64) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while queue.progress(run_id).unwrap().running < n {
        assert!(
            Instant::now() < deadline,
            "the worker never started {n} executions"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn enqueue_cli(url: &str, root: &std::path::Path, run_id: &str) {
    let out = crucible()
        .args(["run", "--tasks"])
        .arg(root.join("tasks"))
        .arg("--candidates")
        .arg(root.join("candidates"))
        .args(["--store", url, "--enqueue", "--detach", "--run-id", run_id])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn watch(url: &str, run_id: &str, extra: &[&str]) -> std::process::Output {
    crucible()
        .args(["watch", run_id, "--store", url])
        .args(extra)
        .output()
        .unwrap()
}

/// good passes every task, bad fails every task but the first (add(-0, 1) is right).
fn expected(task: &str, model: &str) -> Verdict {
    match (model, task) {
        ("good", _) | ("bad", "add-000") => Verdict::Passed,
        _ => Verdict::Failed,
    }
}

fn assert_expected_finals(url: &str, run_id: &str, executions: usize) {
    let store = open_store(url).unwrap();
    let finals = finals(store.as_ref(), run_id);
    assert_eq!(finals.len(), executions, "{finals:?}");
    for ((task, model), (_, verdict)) in &finals {
        assert_eq!(*verdict, expected(task, model), "{task} {model}");
    }
}

#[test]
fn two_workers_run_a_queued_run_to_the_report_of_a_local_run() {
    require_docker();
    require_image(IMAGE);
    let Some(db) = postgres_database("queue_workers") else {
        return;
    };
    let root = Scratch::new("queue-workers");
    python_benchmark(root.path(), 5, 0.0);
    enqueue_cli(&db.url, root.path(), "q-two");
    let mut a = worker(&db.url, &["-j", "2", "--exit-when-idle", "3"]);
    let mut b = worker(
        &db.url,
        &["-j", "2", "--reuse-containers", "--exit-when-idle", "3"],
    );
    let out = watch(&db.url, "q-two", &["--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(a.wait().unwrap().success() && b.wait().unwrap().success());
    assert_expected_finals(&db.url, "q-two", 10);
    let store = open_store(&db.url).unwrap();
    let run = store
        .runs()
        .unwrap()
        .into_iter()
        .find(|r| r.run_id == "q-two")
        .unwrap();
    assert!(
        run.finished_at_ms.is_some(),
        "the last result marks the run finished"
    );
    assert!(containers_of_run("q-two").is_empty());
}

#[test]
fn a_worker_killed_mid_execution_loses_nothing() {
    require_docker();
    require_image(IMAGE);
    let Some(db) = postgres_database("queue_kill") else {
        return;
    };
    let root = Scratch::new("queue-kill");
    python_benchmark(root.path(), 3, 4.0);
    enqueue_cli(&db.url, root.path(), "q-kill");
    let mut doomed = worker(&db.url, &["-j", "2"]);
    let queue = WorkQueue::open(&db.url).unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while queue.progress("q-kill").unwrap().running < 2 {
        assert!(
            Instant::now() < deadline,
            "the worker never started two executions"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_secs(2));
    doomed.kill().unwrap(); // SIGKILL: no clean-up, its leases just stop being renewed.
    doomed.wait().unwrap();
    let mut heir = worker(&db.url, &["-j", "2", "--exit-when-idle", "4"]);
    let out = watch(&db.url, "q-kill", &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(heir.wait().unwrap().success());
    assert_expected_finals(&db.url, "q-kill", 6);
    let store = open_store(&db.url).unwrap();
    let retaken = store
        .executions("q-kill")
        .unwrap()
        .iter()
        .filter(|r| r.attempt >= 2)
        .count();
    assert!(
        retaken >= 2,
        "the killed worker's executions ran again under new attempts"
    );
    assert!(
        containers_of_run("q-kill").is_empty(),
        "the heir's start-up sweep removes the dead worker's containers"
    );
}

#[test]
fn cancelling_a_queued_run_stops_every_worker_and_removes_its_containers() {
    require_docker();
    require_image(IMAGE);
    let Some(db) = postgres_database("queue_cancel") else {
        return;
    };
    let root = Scratch::new("queue-cancel");
    python_benchmark(root.path(), 4, 30.0);
    enqueue_cli(&db.url, root.path(), "q-cancel");
    let mut w = worker(&db.url, &["-j", "2", "--exit-when-idle", "2"]);
    let queue = WorkQueue::open(&db.url).unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while queue.progress("q-cancel").unwrap().running < 2 {
        assert!(
            Instant::now() < deadline,
            "the worker never started two executions"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let started = Instant::now();
    let out = watch(&db.url, "q-cancel", &["--cancel"]);
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        started.elapsed() < Duration::from_secs(25),
        "the 30 s tests were cut short, not waited for"
    );
    assert!(w.wait().unwrap().success());
    let p = queue.progress("q-cancel").unwrap();
    assert_eq!((p.pending, p.running, p.cancelled), (0, 0, 8), "{p:?}");
    let store = open_store(&db.url).unwrap();
    let interrupted = store
        .executions("q-cancel")
        .unwrap()
        .iter()
        .filter(|r| r.verdict == Verdict::Interrupted)
        .count();
    assert_eq!(
        interrupted, 2,
        "the two in flight are recorded as interrupted"
    );
    assert!(containers_of_run("q-cancel").is_empty());
}

#[test]
fn a_worker_pauses_while_its_daemon_restarts_and_loses_nothing() {
    require_docker();
    require_image(IMAGE);
    let Some(db) = postgres_database("queue_restart") else {
        return;
    };
    let root = Scratch::new("queue-restart");
    // The daemon's unix socket paths must stay short.
    let base = tempfile::Builder::new()
        .prefix("cqd")
        .tempdir_in("/tmp")
        .unwrap();
    let mut daemon = SecondDaemon::start(&base.path().join("d"));
    daemon.load_images(&[IMAGE]);
    python_benchmark(root.path(), 4, 2.0);
    enqueue_cli(&db.url, root.path(), "q-restart");
    let log = root.path().join("worker.log");
    let mut w = crucible()
        .args([
            "worker",
            "--store",
            &db.url,
            "-j",
            "2",
            "--exit-when-idle",
            "5",
        ])
        .env("DOCKER_HOST", daemon.host())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let queue = WorkQueue::open(&db.url).unwrap();
    wait_running(&queue, "q-restart", 2);
    daemon.stop();
    std::thread::sleep(Duration::from_secs(5));
    daemon.start_again();
    let out = watch(&db.url, "q-restart", &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(w.wait().unwrap().success());
    let said = std::fs::read_to_string(&log).unwrap();
    assert!(
        said.contains("paused: the Docker daemon is unreachable"),
        "{said}"
    );
    assert!(said.contains("resumed after"), "{said}");
    assert_expected_finals(&db.url, "q-restart", 8);
    let store = open_store(&db.url).unwrap();
    let infra: Vec<_> = store
        .executions("q-restart")
        .unwrap()
        .into_iter()
        .filter(|r| r.verdict == Verdict::InfraError)
        .collect();
    assert!(
        infra.is_empty(),
        "the outage is not the executions' fault: {infra:?}"
    );
    assert!(
        daemon.containers("crucible.run=q-restart").is_empty(),
        "{said}"
    );
}
