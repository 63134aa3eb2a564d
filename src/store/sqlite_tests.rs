//! Tests of the SQLite store against real files in a temp directory.
use super::*;
use crate::testreport::{TestCase, TestOutcome};
use crate::verdict::Verdict;
use std::time::Instant;

fn run(run_id: &str, started_at_ms: i64) -> RunRecord {
    RunRecord {
        run_id: run_id.into(),
        config_json: r#"{"concurrency":2}"#.into(),
        started_at_ms,
        finished_at_ms: None,
        crucible_version: "0.1.0".into(),
        host: "test-host".into(),
    }
}

fn execution(
    run_id: &str,
    task: &str,
    model: &str,
    attempt: u32,
    verdict: Verdict,
) -> ExecutionRecord {
    ExecutionRecord {
        run_id: run_id.into(),
        task_id: task.into(),
        model: model.into(),
        sample: 0,
        repeat: 0,
        attempt,
        key: format!("key-{task}"),
        verdict,
        reason: format!("{verdict} on attempt {attempt}"),
        exit_code: Some(1),
        signal: None,
        wall_ms: 1234,
        cpu_ms: Some(800),
        peak_memory_bytes: Some(64 << 20),
        stdout: "out ✓\n".into(),
        stderr: "err\0with nul".into(),
        output_truncated: false,
        image_id: Some("sha256:abc".into()),
        payload_sha256: Some("def".into()),
        finished_at_ms: 1_700_000_000_000,
        tests: vec![
            TestCase {
                name: "test_a".into(),
                outcome: TestOutcome::Passed,
                message: None,
            },
            TestCase {
                name: "test_b".into(),
                outcome: TestOutcome::Failed,
                message: Some("assert 1 == 2".into()),
            },
        ],
    }
}

fn open_temp() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("crucible.db")).unwrap();
    (dir, store)
}

#[test]
fn executions_round_trip_with_test_cases_and_all_fields() {
    let (_dir, mut store) = open_temp();
    store.begin_run(&run("r1", 10)).unwrap();
    let mut first = execution("r1", "t1", "m1", 1, Verdict::InfraError);
    first.tests.clear();
    first.exit_code = None;
    first.cpu_ms = None;
    let second = execution("r1", "t1", "m1", 2, Verdict::Failed);
    store
        .put_executions(&[first.clone(), second.clone()])
        .unwrap();

    let read = store.executions("r1").unwrap();
    assert_eq!(read, vec![first, second]);
}

#[test]
fn rewriting_an_attempt_replaces_it_and_its_test_cases() {
    let (_dir, mut store) = open_temp();
    store.begin_run(&run("r1", 10)).unwrap();
    store
        .put_executions(&[execution("r1", "t1", "m1", 1, Verdict::Failed)])
        .unwrap();
    let mut again = execution("r1", "t1", "m1", 1, Verdict::Passed);
    again.tests.truncate(1);
    store.put_executions(std::slice::from_ref(&again)).unwrap();
    assert_eq!(store.executions("r1").unwrap(), vec![again]);
}

#[test]
fn final_keys_skip_infra_errors_and_interruptions() {
    let (_dir, mut store) = open_temp();
    store.begin_run(&run("r1", 10)).unwrap();
    store
        .put_executions(&[
            execution("r1", "t1", "m1", 1, Verdict::InfraError),
            execution("r1", "t1", "m1", 2, Verdict::Timeout),
            execution("r1", "t2", "m1", 1, Verdict::Interrupted),
            execution("r1", "t3", "m2", 1, Verdict::Passed),
        ])
        .unwrap();
    let keys = store.final_keys("r1").unwrap();
    let mut got: Vec<(String, String)> = keys.into_iter().map(|k| (k.key, k.model)).collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("key-t1".into(), "m1".into()),
            ("key-t3".into(), "m2".into())
        ]
    );
}

#[test]
fn runs_tasks_and_resume() {
    let (_dir, mut store) = open_temp();
    assert_eq!(store.latest_run().unwrap(), None);
    store.begin_run(&run("old", 10)).unwrap();
    store.begin_run(&run("new", 20)).unwrap();
    store.finish_run("new", 30).unwrap();
    // Resuming keeps the original record but marks it unfinished again.
    let mut resumed = run("new", 99);
    resumed.config_json = "{}".into();
    store.begin_run(&resumed).unwrap();
    let latest = store.latest_run().unwrap().unwrap();
    assert_eq!((latest.run_id.as_str(), latest.started_at_ms), ("new", 20));
    assert_eq!(latest.finished_at_ms, None);
    assert_eq!(latest.config_json, r#"{"concurrency":2}"#);
    let ids: Vec<String> = store
        .runs()
        .unwrap()
        .into_iter()
        .map(|r| r.run_id)
        .collect();
    assert_eq!(ids, vec!["old", "new"]);

    let task = TaskRecord {
        run_id: "new".into(),
        task_id: "t1".into(),
        title: "Fix <the> bug".into(),
        language: "python".into(),
        price_usd: 125.5,
        test_cases: 4,
    };
    store.put_tasks(std::slice::from_ref(&task)).unwrap();
    store.put_tasks(std::slice::from_ref(&task)).unwrap();
    assert_eq!(store.tasks("new").unwrap(), vec![task]);
    // A run with no tasks yet is empty, not missing.
    assert_eq!(store.tasks("old").unwrap(), vec![]);
}

#[test]
fn unknown_runs_are_reported_as_such() {
    let (_dir, mut store) = open_temp();
    let err = store.executions("nope").unwrap_err();
    assert!(
        matches!(err, StoreError::NoSuchRun { ref run_id, .. } if run_id == "nope"),
        "{err}"
    );
    assert!(matches!(
        store.finish_run("nope", 1),
        Err(StoreError::NoSuchRun { .. })
    ));
    let err = store
        .put_executions(&[execution("nope", "t", "m", 1, Verdict::Passed)])
        .unwrap_err();
    assert!(err.to_string().contains("call begin_run"), "{err}");
}

#[test]
fn missing_parent_directories_are_created_and_data_survives_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a/b/c/store.db");
    {
        let mut store = SqliteStore::open(&path).unwrap();
        store.begin_run(&run("r1", 1)).unwrap();
    }
    let store = open_store(&format!("sqlite://{}", path.display())).unwrap();
    assert_eq!(store.runs().unwrap().len(), 1);
}

#[test]
fn corrupt_files_are_refused_with_path_and_advice() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("garbage.db");
    std::fs::write(&path, vec![0x5au8; 8192]).unwrap();
    let err = SqliteStore::open(&path)
        .err()
        .expect("garbage must not open");
    let text = err.to_string();
    assert!(matches!(err, StoreError::Open { .. }), "{text}");
    assert!(text.contains("garbage.db"), "{text}");
    assert!(text.contains("move it aside"), "{text}");
}

#[test]
fn other_applications_databases_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE customers (id INTEGER)")
        .unwrap();
    let err = SqliteStore::open(&path).err().unwrap().to_string();
    assert!(err.contains("not a crucible result store"), "{err}");
}

#[test]
fn newer_schema_versions_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.db");
    drop(SqliteStore::open(&path).unwrap());
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("PRAGMA user_version = 999")
        .unwrap();
    let err = SqliteStore::open(&path).err().unwrap().to_string();
    assert!(err.contains("newer crucible"), "{err}");
}

#[test]
fn store_locations_are_parsed() {
    // A closed loopback port: refused at once, and the message keeps the password out.
    let err = open_store("postgres://bob:hunter2@127.0.0.1:1/crucible")
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("cannot open"), "{err}");
    assert!(!err.contains("hunter2"), "password leaked: {err}");
    let err = open_store("mysql://x").err().unwrap().to_string();
    assert!(err.contains("unknown store scheme"), "{err}");
    assert!(open_store("sqlite://").is_err());
    assert!(open_store("  ").is_err());
    let dir = tempfile::tempdir().unwrap();
    let err = open_store(dir.path().to_str().unwrap())
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("is a directory"), "{err}");
}

/// Throughput check: 10,000 executions in batches of 256. Prints the rate; asserts only the count
/// (timing depends on the machine).
#[test]
fn writes_ten_thousand_executions_in_batches() {
    let (_dir, mut store) = open_temp();
    store.begin_run(&run("bulk", 1)).unwrap();
    let records: Vec<ExecutionRecord> = (0..10_000)
        .map(|i| {
            let mut e = execution(
                "bulk",
                &format!("task-{}", i % 500),
                &format!("m{}", i / 500),
                1,
                Verdict::Passed,
            );
            e.key = format!("key-{i}");
            e
        })
        .collect();
    let started = Instant::now();
    for batch in records.chunks(256) {
        store.put_executions(batch).unwrap();
    }
    let elapsed = started.elapsed();
    println!(
        "sqlite store: wrote {} executions (2 test cases each) in {:.3}s = {:.0} executions/s",
        records.len(),
        elapsed.as_secs_f64(),
        records.len() as f64 / elapsed.as_secs_f64()
    );
    let read = store.executions("bulk").unwrap();
    assert_eq!(read.len(), 10_000);
    assert_eq!(read.iter().map(|e| e.tests.len()).sum::<usize>(), 20_000);
    assert_eq!(store.final_keys("bulk").unwrap().len(), 10_000);
}

#[test]
fn a_second_connection_reads_while_the_first_writes_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.db");
    let mut writer = SqliteStore::open(&path).unwrap();
    let reader = SqliteStore::open(&path).unwrap();
    writer.begin_run(&run("r1", 1)).unwrap();
    writer
        .put_executions(&[execution("r1", "t1", "m1", 1, Verdict::Passed)])
        .unwrap();
    assert_eq!(reader.executions("r1").unwrap().len(), 1);
    let mode: String = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn a_shared_reader_reads_from_other_threads_while_the_writer_writes_and_cannot_write() {
    let dir = tempfile::tempdir().unwrap();
    let location = dir.path().join("shared.db").display().to_string();
    let mut writer = open_writer(&location).unwrap();
    let reader = open_reader(&location).unwrap();
    writer.begin_run(&run("r1", 1)).unwrap();
    let seen = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let reader = reader.clone();
                s.spawn(move || reader.runs().unwrap().len())
            })
            .collect();
        writer
            .put_executions(&[execution("r1", "t1", "m1", 1, Verdict::Passed)])
            .unwrap();
        handles
            .into_iter()
            .map(|h| h.join().unwrap())
            .sum::<usize>()
    });
    assert_eq!(seen, 2);
    assert_eq!(reader.executions("r1").unwrap().len(), 1);
    let refused = SqliteStore::open_reader(dir.path().join("shared.db"))
        .unwrap()
        .begin_run(&run("r2", 2))
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("readonly")
            || refused.contains("read-only")
            || refused.contains("query_only"),
        "{refused}"
    );
}

#[test]
fn final_verdict_counts_count_the_last_attempt_of_each_slot_like_the_default() {
    let (_dir, mut store) = open_temp();
    store.begin_run(&run("r1", 10)).unwrap();
    store
        .put_executions(&[
            execution("r1", "t1", "m1", 1, Verdict::InfraError),
            execution("r1", "t1", "m1", 2, Verdict::Timeout),
            execution("r1", "t2", "m1", 1, Verdict::Passed),
            execution("r1", "t3", "m2", 1, Verdict::Passed),
        ])
        .unwrap();
    let mut sql = store.final_verdict_counts("r1").unwrap();
    sql.sort_by_key(|(v, _)| v.as_str());
    assert_eq!(sql, vec![(Verdict::Passed, 2), (Verdict::Timeout, 1)]);
    /// The trait's default, over the same records.
    struct Default<'a>(&'a SqliteStore);
    impl StoreReader for Default<'_> {
        fn final_keys(&self, r: &str) -> Result<std::collections::HashSet<FinalKey>, StoreError> {
            self.0.final_keys(r)
        }
        fn runs(&self) -> Result<Vec<RunRecord>, StoreError> {
            self.0.runs()
        }
        fn latest_run(&self) -> Result<Option<RunRecord>, StoreError> {
            self.0.latest_run()
        }
        fn tasks(&self, r: &str) -> Result<Vec<TaskRecord>, StoreError> {
            self.0.tasks(r)
        }
        fn executions(&self, r: &str) -> Result<Vec<ExecutionRecord>, StoreError> {
            self.0.executions(r)
        }
    }
    let mut default = Default(&store).final_verdict_counts("r1").unwrap();
    default.sort_by_key(|(v, _)| v.as_str());
    assert_eq!(default, sql);
    assert!(store.final_verdict_counts("nope").unwrap().is_empty());
}
