//! The run against a scripted executor (no Docker) and a SQLite store in a temp dir.
use super::fake::{self, FakeExecutor};
use super::*;
use crate::execution::{Executor, InfraError};
use crate::limits::Limits;
use crate::store::{
    ExecutionRecord, RunRecord, StoreError, StoreWriter, TaskRecord, open_reader, open_writer,
};
use crate::task::{CandidateRef, CandidateSource, EXPECTED_TESTS_FILE, Task, load_tasks};
use crate::verdict::Verdict;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::sync::mpsc;

fn write_task(root: &Path, id: &str, test_cases: u32) {
    let dir = root.join(id);
    std::fs::create_dir_all(dir.join("reference")).unwrap();
    std::fs::write(
        dir.join("task.toml"),
        format!(
            "id = \"{id}\"\ntitle = \"Task {id}\"\nlanguage = \"python\"\nprice_usd = 10\n\
             description = \"d\"\ntest_cases = {test_cases}\nreport = \"simple\"\n\
             [candidate]\nfiles = [\"solution.py\"]\n"
        ),
    )
    .unwrap();
    std::fs::write(dir.join("test_solution.py"), "def test(): pass\n").unwrap();
    std::fs::write(dir.join("reference/solution.py"), "REFERENCE\n").unwrap();
}

fn load(root: &Path) -> Vec<Task> {
    let (tasks, errors) = load_tasks(root, &Limits::default()).unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    tasks
}

/// `samples` candidates of model `m` for every task.
fn candidates(tasks: &[Task], samples: u32) -> Vec<CandidateRef> {
    let mut out = Vec::new();
    for t in tasks {
        for sample in 0..samples {
            out.push(CandidateRef {
                task_id: t.id.clone(),
                model: "m".into(),
                sample,
                source: CandidateSource::Inline(BTreeMap::from([(
                    "solution.py".to_string(),
                    format!("sample {sample}\n").into_bytes(),
                )])),
            });
        }
    }
    out
}

struct Bench {
    dir: tempfile::TempDir,
}

impl Bench {
    fn new(tasks: &[(&str, u32)]) -> Bench {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("tasks")).unwrap();
        for (id, n) in tasks {
            write_task(&dir.path().join("tasks"), id, *n);
        }
        Bench { dir }
    }

    fn tasks(&self) -> Vec<Task> {
        load(&self.dir.path().join("tasks"))
    }

    fn store_path(&self) -> String {
        self.dir.path().join("store.db").display().to_string()
    }

    fn store(&self) -> RunStore {
        RunStore {
            writer: open_writer(&self.store_path()).unwrap(),
            reader: open_reader(&self.store_path()).unwrap(),
        }
    }

    fn records(&self, run_id: &str) -> Vec<ExecutionRecord> {
        open_reader(&self.store_path())
            .unwrap()
            .executions(run_id)
            .unwrap()
    }

    fn run(&self, executor: &Arc<FakeExecutor>, config: RunConfig, samples: u32) -> Run {
        let tasks = self.tasks();
        let cands = candidates(&tasks, samples);
        let plan = Plan::new(tasks, cands, &PlanFilter::default(), 1);
        let executor: Arc<dyn Executor> = executor.clone();
        Run::new(config, plan, executor).store(self.store())
    }
}

fn config(run_id: &str, concurrency: usize) -> RunConfig {
    RunConfig {
        retry: RetryPolicy {
            retries: 2,
            backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(1),
        },
        ..RunConfig::new(run_id, concurrency)
    }
}

fn events() -> (
    mpsc::UnboundedSender<RunEvent>,
    mpsc::UnboundedReceiver<RunEvent>,
) {
    mpsc::unbounded_channel()
}

fn drain(rx: &mut mpsc::UnboundedReceiver<RunEvent>) -> Vec<RunEvent> {
    let mut out = Vec::new();
    while let Ok(e) = rx.try_recv() {
        out.push(e);
    }
    out
}

#[tokio::test]
async fn an_infra_error_is_retried_with_capped_backoff_and_every_attempt_is_recorded() {
    let bench = Bench::new(&[("t1", 1)]);
    let fake = Arc::new(FakeExecutor::new(|_| Err(InfraError::new("daemon gone"))));
    let (tx, mut rx) = events();
    let mut cfg = config("r", 2);
    cfg.retry = RetryPolicy {
        retries: 2,
        backoff: Duration::from_millis(40),
        max_backoff: Duration::from_millis(60),
    };
    let outcome = bench.run(&fake, cfg, 1).sink(tx).start().await.unwrap();

    assert_eq!(
        FakeExecutor::count(&fake.executes),
        3,
        "attempts = 1 + retries"
    );
    assert_eq!(outcome.infra_errors_left, 1);
    assert_eq!(outcome.executed, 3);
    let records = bench.records("r");
    let attempts: Vec<(u32, Verdict)> = records.iter().map(|r| (r.attempt, r.verdict)).collect();
    assert_eq!(
        attempts,
        vec![
            (1, Verdict::InfraError),
            (2, Verdict::InfraError),
            (3, Verdict::InfraError)
        ]
    );
    assert!(records.iter().all(|r| r.reason == "daemon gone"));
    let delays: Vec<u64> = drain(&mut rx)
        .into_iter()
        .filter_map(|e| match e {
            RunEvent::Retried { delay_ms, .. } => Some(delay_ms),
            _ => None,
        })
        .collect();
    assert_eq!(delays, vec![40, 60], "doubled, then capped");
    let calls = fake.calls.lock().unwrap().clone();
    assert!(calls[1].1 - calls[0].1 >= Duration::from_millis(40));
    assert!(calls[2].1 - calls[1].1 >= Duration::from_millis(60));
}

#[tokio::test]
async fn an_infra_error_that_clears_ends_in_the_judged_verdict() {
    let bench = Bench::new(&[("t1", 1)]);
    let calls = std::sync::atomic::AtomicUsize::new(0);
    let fake = Arc::new(FakeExecutor::new(move |spec| {
        match calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) {
            0 => Err(InfraError::new("image pull hiccup")),
            _ => Ok(fake::pass(spec)),
        }
    }));
    let outcome = bench.run(&fake, config("r", 1), 1).start().await.unwrap();
    assert_eq!(outcome.infra_errors_left, 0);
    let verdicts: Vec<Verdict> = bench.records("r").iter().map(|r| r.verdict).collect();
    assert_eq!(verdicts, vec![Verdict::InfraError, Verdict::Passed]);
}

#[tokio::test]
async fn a_candidate_verdict_is_never_retried() {
    for (script, verdict) in [
        (fake::fail as fn(&_) -> _, Verdict::Failed),
        (fake::timeout, Verdict::Timeout),
    ] {
        let bench = Bench::new(&[("t1", 1), ("t2", 1)]);
        let fake = Arc::new(FakeExecutor::new(move |spec| Ok(script(spec))));
        let outcome = bench.run(&fake, config("r", 2), 1).start().await.unwrap();
        assert_eq!(FakeExecutor::count(&fake.executes), 2);
        assert_eq!(outcome.executed, 2);
        let records = bench.records("r");
        assert_eq!(records.len(), 2);
        assert!(
            records
                .iter()
                .all(|r| r.verdict == verdict && r.attempt == 1)
        );
    }
}

#[tokio::test]
async fn resume_skips_exactly_the_recorded_keys() {
    let bench = Bench::new(&[("t1", 1), ("t2", 2)]);
    // First run: t1 passes, t2 hits an infra error every time (not final).
    let fake = Arc::new(FakeExecutor::new(|spec| {
        if spec.task_id.as_deref() == Some("t2") {
            Err(InfraError::new("flaky daemon"))
        } else {
            Ok(fake::pass(spec))
        }
    }));
    let mut cfg = config("r", 2);
    cfg.retry.retries = 0;
    bench.run(&fake, cfg.clone(), 2).start().await.unwrap();
    assert_eq!(FakeExecutor::count(&fake.executes), 4);

    let again = Arc::new(FakeExecutor::passing());
    let outcome = bench.run(&again, cfg.clone(), 2).start().await.unwrap();
    assert_eq!(outcome.skipped, 2, "t1's two samples are judged");
    assert_eq!(again.tasks_called(), vec!["t2", "t2"]);

    let third = Arc::new(FakeExecutor::passing());
    let outcome = bench.run(&third, cfg, 2).start().await.unwrap();
    assert_eq!(outcome.skipped, 4);
    assert_eq!(FakeExecutor::count(&third.executes), 0);
    // A finished run is marked finished.
    let runs = open_reader(&bench.store_path()).unwrap().runs().unwrap();
    assert!(runs[0].finished_at_ms.is_some());
}

#[tokio::test]
async fn editing_one_tasks_test_cases_reruns_exactly_that_task_on_resume() {
    let bench = Bench::new(&[("t1", 1), ("t2", 1), ("t3", 1)]);
    let first = Arc::new(FakeExecutor::passing());
    bench.run(&first, config("r", 2), 2).start().await.unwrap();
    assert_eq!(FakeExecutor::count(&first.executes), 6);

    write_task(&bench.dir.path().join("tasks"), "t2", 3);
    let second = Arc::new(FakeExecutor::passing());
    let outcome = bench.run(&second, config("r", 2), 2).start().await.unwrap();
    assert_eq!(second.tasks_called(), vec!["t2", "t2"]);
    assert_eq!(outcome.skipped, 4);
    let t2: Vec<ExecutionRecord> = bench
        .records("r")
        .into_iter()
        .filter(|r| r.task_id == "t2")
        .collect();
    assert_eq!(t2.len(), 2, "the same (sample, attempt) rows, re-judged");
    assert!(t2.iter().all(|r| r.tests.len() == 3));
}

#[tokio::test]
async fn an_interrupt_records_in_flight_executions_as_interrupted_and_aborts_all() {
    let bench = Bench::new(&[("t1", 1), ("t2", 1), ("t3", 1)]);
    let fake = Arc::new(FakeExecutor::passing().hold(0));
    let (tx, mut rx) = events();
    let run = bench.run(&fake, config("r", 2), 2).sink(tx);
    let stop = run.stop_handle();
    let handle = tokio::spawn(run.start());
    fake.started(2).await;
    stop.interrupt();
    let outcome = handle.await.unwrap().unwrap();

    assert!(outcome.interrupted);
    assert_eq!(
        FakeExecutor::count(&fake.executes),
        2,
        "nothing more started"
    );
    assert_eq!(FakeExecutor::count(&fake.aborts), 1);
    assert_eq!(FakeExecutor::count(&fake.finishes), 1);
    let records = bench.records("r");
    assert_eq!(records.len(), 2);
    assert!(records.iter().all(|r| r.verdict == Verdict::Interrupted));
    let events = drain(&mut rx);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, RunEvent::Interrupted { in_flight: 2, .. }))
    );
    // An interrupted run stays unfinished, so that --resume finds it.
    let runs = open_reader(&bench.store_path()).unwrap().runs().unwrap();
    assert_eq!(runs[0].finished_at_ms, None);
}

#[tokio::test]
async fn at_most_concurrency_executions_run_and_as_many_are_prepared_ahead() {
    let bench = Bench::new(&[("t1", 1), ("t2", 1), ("t3", 1), ("t4", 1), ("t5", 1)]);
    let fake = Arc::new(FakeExecutor::passing().hold(0));
    let run = bench.run(&fake, config("r", 2), 2);
    let handle = tokio::spawn(run.start());
    fake.started(2).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(FakeExecutor::count(&fake.executes), 2);
    assert_eq!(
        FakeExecutor::count(&fake.prepares),
        4,
        "2 running + 2 ahead"
    );
    fake.release(100);
    let outcome = handle.await.unwrap().unwrap();
    assert_eq!(outcome.executed, 10);
    assert_eq!(FakeExecutor::count(&fake.prepares), 10);
    assert!(
        bench
            .records("r")
            .iter()
            .all(|r| r.verdict == Verdict::Passed)
    );
}

#[tokio::test]
async fn a_result_is_in_the_store_while_the_run_is_still_going() {
    let bench = Bench::new(&[("t1", 1), ("t2", 1)]);
    let fake = Arc::new(FakeExecutor::passing().hold(1));
    let handle = tokio::spawn(bench.run(&fake, config("r", 1), 1).start());
    fake.started(2).await;
    let reader = open_reader(&bench.store_path()).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while reader.executions("r").unwrap().is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the first result was not written"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(reader.executions("r").unwrap()[0].task_id, "t1");
    fake.release(1);
    handle.await.unwrap().unwrap();
    assert_eq!(reader.executions("r").unwrap().len(), 2);
}

/// A store whose every write of results fails.
struct BrokenWriter;

impl StoreWriter for BrokenWriter {
    fn begin_run(&mut self, _: &RunRecord) -> Result<(), StoreError> {
        Ok(())
    }
    fn finish_run(&mut self, _: &str, _: i64) -> Result<(), StoreError> {
        panic!("a run whose store failed must not be marked finished")
    }
    fn put_tasks(&mut self, _: &[TaskRecord]) -> Result<(), StoreError> {
        Ok(())
    }
    fn put_executions(&mut self, _: &[ExecutionRecord]) -> Result<(), StoreError> {
        Err(StoreError::Query {
            location: "broken.db".into(),
            operation: "write executions",
            message: "disk I/O error".into(),
        })
    }
}

#[tokio::test]
async fn a_failing_store_writer_stops_the_run_with_a_clear_error() {
    let bench = Bench::new(&[("t1", 1), ("t2", 1), ("t3", 1), ("t4", 1), ("t5", 1)]);
    // The first execution ends at once; every later one waits, so the run can only move on
    // by noticing the store.
    let fake = Arc::new(FakeExecutor::passing().hold(1));
    let tasks = bench.tasks();
    let cands = candidates(&tasks, 2);
    let plan = Plan::new(tasks, cands, &PlanFilter::default(), 1);
    let executor: Arc<dyn Executor> = fake.clone();
    let store = RunStore {
        writer: Box::new(BrokenWriter),
        reader: open_reader(&bench.store_path()).unwrap(),
    };
    let err = Run::new(config("r", 1), plan, executor)
        .store(store)
        .start()
        .await
        .unwrap_err();

    let message = err.to_string();
    assert!(message.contains("broken.db"), "{message}");
    assert!(message.contains("disk I/O error"), "{message}");
    assert!(message.contains("resume with --run-id r"), "{message}");
    assert!(
        FakeExecutor::count(&fake.executes) <= 2,
        "the run kept starting work after the store failed"
    );
    assert_eq!(FakeExecutor::count(&fake.aborts), 1);
    assert_eq!(FakeExecutor::count(&fake.finishes), 1);
}

#[tokio::test]
async fn a_refused_candidate_is_recorded_as_invalid_input_without_an_execution() {
    let bench = Bench::new(&[("t1", 1)]);
    let tasks = bench.tasks();
    let bad = CandidateRef {
        task_id: "t1".into(),
        model: "m".into(),
        sample: 0,
        // A candidate may not replace a task file.
        source: CandidateSource::Inline(BTreeMap::from([(
            "test_solution.py".to_string(),
            b"x".to_vec(),
        )])),
    };
    let plan = Plan::new(tasks, vec![bad], &PlanFilter::default(), 1);
    let fake = Arc::new(FakeExecutor::passing());
    let executor: Arc<dyn Executor> = fake.clone();
    Run::new(config("r", 1), plan, executor)
        .store(bench.store())
        .start()
        .await
        .unwrap();
    assert_eq!(FakeExecutor::count(&fake.executes), 0);
    let records = bench.records("r");
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].verdict, Verdict::InvalidInput);
}

#[tokio::test]
async fn validate_records_the_reference_names_and_then_reports_a_change() {
    let bench = Bench::new(&[("t1", 2), ("t2", 1)]);
    // The reference passes its declared tests; the stub (empty solution) fails, except t2's.
    let script = |spec: &crate::execution::ExecutionSpec| {
        let is_reference = spec
            .payload
            .bytes()
            .windows(b"REFERENCE".len())
            .any(|w| w == b"REFERENCE");
        if is_reference || spec.task_id.as_deref() == Some("t2") {
            Ok(fake::pass(spec))
        } else {
            Ok(fake::fail(spec))
        }
    };
    let options = |record| ValidateOptions {
        concurrency: 2,
        retry: RetryPolicy::default(),
        record,
    };
    let executor: Arc<dyn Executor> = Arc::new(FakeExecutor::new(script));
    let v = validate_tasks(
        bench.tasks(),
        executor.clone(),
        &options(true),
        StopHandle::default(),
    )
    .await
    .unwrap();
    assert_eq!(v.checks[0].task_id, "t1");
    assert!(v.checks[0].faults.is_empty(), "{:?}", v.checks[0].faults);
    assert_eq!(v.checks[0].recorded, Some(2));
    assert!(
        v.checks[1].faults[0].contains("stub solution passes"),
        "{:?}",
        v.checks[1]
    );
    let file = bench.dir.path().join("tasks/t1").join(EXPECTED_TESTS_FILE);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "t0\nt1\n");

    std::fs::write(&file, "t0\nt_old\n").unwrap();
    let v = validate_tasks(
        bench.tasks(),
        executor,
        &options(false),
        StopHandle::default(),
    )
    .await
    .unwrap();
    let faults = v.checks[0].faults.join("; ");
    assert!(faults.contains("recorded but not run: `t_old`"), "{faults}");
    assert!(faults.contains("run but not recorded: `t1`"), "{faults}");
}

#[test]
fn events_serialise_with_their_kind() {
    let e = RunEvent::Retried {
        execution: ExecutionId {
            task_id: "t".into(),
            model: "m".into(),
            sample: 0,
            repeat: 0,
            attempt: 2,
        },
        delay_ms: 500,
    };
    let v = serde_json::to_value(&e).unwrap();
    assert_eq!(v["event"], "retried");
    assert_eq!(v["execution"]["attempt"], 2);
}

fn daemon_wait(total_ms: u64) -> DaemonWait {
    DaemonWait {
        first: Duration::from_millis(5),
        max: Duration::from_millis(20),
        total: Duration::from_millis(total_ms),
    }
}

/// Wait for the first event that `pick` accepts, keeping every event seen.
async fn until(
    rx: &mut mpsc::UnboundedReceiver<RunEvent>,
    seen: &mut Vec<RunEvent>,
    pick: impl Fn(&RunEvent) -> bool,
) {
    loop {
        let e = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .expect("the event comes within 10 s")
            .expect("the run is still going");
        let hit = pick(&e);
        seen.push(e);
        if hit {
            return;
        }
    }
}

#[tokio::test]
async fn an_unreachable_daemon_pauses_the_run_which_reruns_what_it_cut_without_a_retry() {
    let bench = Bench::new(&[("t1", 1), ("t2", 1), ("t3", 1)]);
    // Two executions pass; the next ones wait until the "daemon" has gone away.
    let fake = Arc::new(FakeExecutor::passing().hold(2));
    let (tx, mut rx) = events();
    let mut cfg = config("r", 2);
    // No retries at all: an outage must not need one.
    cfg.retry.retries = 0;
    cfg.daemon_wait = daemon_wait(30_000);
    let handle = tokio::spawn(bench.run(&fake, cfg, 2).sink(tx).start());
    fake.started(4).await;
    fake.down.store(true, Ordering::SeqCst);
    fake.release(2);
    let mut seen = Vec::new();
    until(&mut rx, &mut seen, |e| matches!(e, RunEvent::Paused { .. })).await;
    // Paused: nothing new starts however long the daemon stays away.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(FakeExecutor::count(&fake.executes), 4, "nothing started");
    assert_eq!(FakeExecutor::count(&fake.recovers), 0);
    fake.down.store(false, Ordering::SeqCst);
    fake.release(100);
    let outcome = handle.await.unwrap().unwrap();
    seen.extend(drain(&mut rx));

    assert_eq!(outcome.infra_errors_left, 0);
    assert_eq!(outcome.executed, 6, "each execution recorded once");
    assert!(!outcome.interrupted);
    assert_eq!(
        FakeExecutor::count(&fake.executes),
        8,
        "the two cut run again"
    );
    assert_eq!(FakeExecutor::count(&fake.recovers), 1);
    let records = bench.records("r");
    assert_eq!(records.len(), 6);
    assert!(
        records
            .iter()
            .all(|r| r.verdict == Verdict::Passed && r.attempt == 1),
        "{records:?}"
    );
    let paused = seen
        .iter()
        .filter(|e| matches!(e, RunEvent::Paused { .. }))
        .count();
    assert_eq!(paused, 1, "one pause for the whole outage");
    assert!(
        seen.iter().any(|e| matches!(
            e,
            RunEvent::Resumed {
                rerun: 2,
                removed: 3,
                ..
            }
        )),
        "{seen:?}"
    );
    assert!(
        !seen.iter().any(|e| matches!(
            e,
            RunEvent::Finished {
                will_retry: true,
                ..
            }
        ) || matches!(e, RunEvent::Retried { .. })),
        "no retry was spent"
    );
}

#[tokio::test]
async fn a_daemon_that_stays_away_past_the_wait_stops_the_run_like_an_interrupt() {
    let bench = Bench::new(&[("t1", 1), ("t2", 1)]);
    let fake = Arc::new(FakeExecutor::passing().hold(0));
    let (tx, mut rx) = events();
    let mut cfg = config("r", 2);
    cfg.daemon_wait = daemon_wait(200);
    let handle = tokio::spawn(bench.run(&fake, cfg, 2).sink(tx).start());
    fake.started(2).await;
    fake.down.store(true, Ordering::SeqCst);
    fake.release(2);
    let started = std::time::Instant::now();
    let outcome = handle.await.unwrap().unwrap();
    let waited = started.elapsed();

    assert!(outcome.interrupted);
    assert!(waited >= Duration::from_millis(200), "{waited:?}");
    assert!(waited < Duration::from_secs(5), "{waited:?}");
    assert_eq!(
        FakeExecutor::count(&fake.executes),
        2,
        "nothing more started"
    );
    assert_eq!(FakeExecutor::count(&fake.recovers), 0);
    assert_eq!(FakeExecutor::count(&fake.aborts), 1);
    let records = bench.records("r");
    assert_eq!(records.len(), 2, "the two cut short, recorded once each");
    assert!(records.iter().all(|r| r.verdict == Verdict::Interrupted));
    let events = drain(&mut rx);
    let lost = events
        .iter()
        .position(|e| matches!(e, RunEvent::DaemonLost { .. }))
        .expect("a daemon_lost event");
    let interrupted = events
        .iter()
        .position(|e| matches!(e, RunEvent::Interrupted { in_flight: 2, .. }))
        .expect("an interrupted event");
    assert!(lost < interrupted);
}

#[tokio::test]
async fn an_infra_error_while_the_daemon_answers_still_spends_a_retry() {
    let bench = Bench::new(&[("t1", 1)]);
    let fake = Arc::new(FakeExecutor::new(|_| {
        Err(InfraError::new("the harness said nonsense"))
    }));
    let (tx, mut rx) = events();
    let outcome = bench
        .run(&fake, config("r", 1), 1)
        .sink(tx)
        .start()
        .await
        .unwrap();
    assert_eq!(outcome.infra_errors_left, 1);
    assert_eq!(FakeExecutor::count(&fake.executes), 3);
    assert!(
        !drain(&mut rx)
            .iter()
            .any(|e| matches!(e, RunEvent::Paused { .. }))
    );
}
