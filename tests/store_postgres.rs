//! The PostgreSQL store against a real server (scripts/ensure-postgres): it reads back exactly
//! what SQLite reads back, serves several writers and readers at once (also from async code),
//! and carries a real `crucible run` and `crucible report`.
mod common;
use common::*;
use crucible::Verdict;
use crucible::report::{OutputFormat, render, summarize_run};
use crucible::store::{
    ExecutionRecord, PgStore, ResultStore, RunRecord, StoreWriter, TaskRecord, open_reader,
    open_store,
};
use crucible::testreport::{TestCase, TestOutcome};

fn run(run_id: &str, started_at_ms: i64) -> RunRecord {
    RunRecord {
        run_id: run_id.into(),
        config_json: r#"{"tasks":"tasks","samples":2}"#.into(),
        started_at_ms,
        finished_at_ms: None,
        crucible_version: "0.1.0".into(),
        host: "ci".into(),
    }
}

fn execution(run_id: &str, task: &str, model: &str, sample: u32, attempt: u32) -> ExecutionRecord {
    let verdict = match (sample + attempt) % 4 {
        0 => Verdict::Passed,
        1 => Verdict::Failed,
        2 => Verdict::InfraError,
        _ => Verdict::Timeout,
    };
    ExecutionRecord {
        run_id: run_id.into(),
        task_id: task.into(),
        model: model.into(),
        sample,
        repeat: 0,
        attempt,
        key: format!("k-{task}-{model}-{sample}"),
        verdict,
        reason: format!("{verdict}: «ünïcode» & <markup>"),
        exit_code: (verdict != Verdict::InfraError).then_some(-9_000_000_000),
        signal: (verdict == Verdict::Timeout).then_some(9),
        wall_ms: u64::MAX,
        cpu_ms: None,
        peak_memory_bytes: Some(1 << 40),
        stdout: "out\nline 2".into(),
        stderr: String::new(),
        output_truncated: sample == 1,
        image_id: Some("sha256:abc".into()),
        payload_sha256: None,
        finished_at_ms: 1_700_000_000_000 + i64::from(attempt),
        tests: vec![
            TestCase {
                name: "case 1".into(),
                outcome: TestOutcome::Passed,
                message: None,
            },
            TestCase {
                name: "case 2".into(),
                outcome: TestOutcome::Failed,
                message: Some("wrong_answer: line 1: expected `1`, got `2`".into()),
            },
        ],
    }
}

fn fill(store: &mut dyn ResultStore) {
    store.begin_run(&run("r1", 1_000)).unwrap();
    store.begin_run(&run("r2", 2_000)).unwrap();
    let tasks: Vec<TaskRecord> = ["t-a", "t-b"]
        .iter()
        .map(|t| TaskRecord {
            run_id: "r1".into(),
            task_id: t.to_string(),
            title: format!("Task {t}"),
            language: "python".into(),
            price_usd: 250.5,
            test_cases: 2,
        })
        .collect();
    store.put_tasks(&tasks).unwrap();
    let mut executions = Vec::new();
    for task in ["t-a", "t-b"] {
        for model in ["m1", "m2"] {
            for sample in 0..2 {
                for attempt in 1..=2 {
                    executions.push(execution("r1", task, model, sample, attempt));
                }
            }
        }
    }
    store.put_executions(&executions).unwrap();
    // A retried batch replaces the same attempt, test cases too.
    let mut again = execution("r1", "t-a", "m1", 0, 1);
    again.reason = "rewritten".into();
    again.tests.truncate(1);
    store.put_executions(&[again]).unwrap();
    store.finish_run("r1", 5_000).unwrap();
}

#[test]
fn postgres_reads_back_exactly_what_sqlite_reads_back() {
    let Some(db) = postgres_database("same") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let sqlite_location = dir.path().join("r.db").display().to_string();
    let mut sqlite = open_store(&sqlite_location).unwrap();
    let mut pg = open_store(&db.url).unwrap();
    fill(sqlite.as_mut());
    fill(pg.as_mut());
    let (a, b) = (sqlite.as_ref(), pg.as_ref());
    assert_eq!(a.runs().unwrap(), b.runs().unwrap());
    assert_eq!(a.latest_run().unwrap(), b.latest_run().unwrap());
    assert_eq!(b.latest_run().unwrap().unwrap().run_id, "r2");
    assert_eq!(a.tasks("r1").unwrap(), b.tasks("r1").unwrap());
    let executions = b.executions("r1").unwrap();
    assert_eq!(a.executions("r1").unwrap(), executions);
    assert_eq!(executions.len(), 16);
    assert_eq!(executions[0].reason, "rewritten");
    assert_eq!(executions[0].tests.len(), 1);
    assert_eq!(a.final_keys("r1").unwrap(), b.final_keys("r1").unwrap());
    assert!(b.executions("r2").unwrap().is_empty());
    assert!(
        b.executions("nope")
            .unwrap_err()
            .to_string()
            .contains("no run `nope`")
    );
    for format in [OutputFormat::Json, OutputFormat::Csv, OutputFormat::Html] {
        assert_eq!(
            render(format, &summarize_run(a, "r1").unwrap()),
            render(format, &summarize_run(b, "r1").unwrap()),
            "{format:?}"
        );
    }
    // Opening again finds the schema in place; a writer without begin_run is told what to do.
    let mut reopened = PgStore::open(&db.url).unwrap();
    let e = reopened
        .put_executions(&[execution("ghost", "t", "m", 0, 1)])
        .unwrap_err()
        .to_string();
    assert!(e.contains("call begin_run"), "{e}");
    assert!(!e.contains("crucible@"), "no password in messages: {e}");
}

#[test]
fn two_writers_and_readers_share_one_database_also_from_async_code() {
    let Some(db) = postgres_database("share") else {
        return;
    };
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let url = db.url.clone();
            std::thread::spawn(move || {
                let mut store = PgStore::open(&url).unwrap();
                let id = format!("w{w}");
                store.begin_run(&run(&id, w)).unwrap();
                for batch in 0..10 {
                    let rows: Vec<ExecutionRecord> = (0..5)
                        .map(|i| execution(&id, &format!("t{batch}"), "m", i, 1))
                        .collect();
                    store.put_executions(&rows).unwrap();
                }
                store.finish_run(&id, 10).unwrap();
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let reader = open_reader(&db.url).unwrap();
    // A server's handlers read from inside a tokio runtime.
    let counts = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap()
        .block_on(async {
            let tasks: Vec<_> = ["w0", "w1"]
                .into_iter()
                .map(|id| {
                    let reader = reader.clone();
                    tokio::spawn(async move { reader.executions(id).unwrap().len() })
                })
                .collect();
            let mut counts = Vec::new();
            for t in tasks {
                counts.push(t.await.unwrap());
            }
            counts
        });
    assert_eq!(counts, [50, 50]);
    assert_eq!(reader.runs().unwrap().len(), 2);
}

#[test]
fn a_database_with_someone_elses_runs_table_is_refused() {
    let Some(db) = postgres_database("foreign") else {
        return;
    };
    let out = std::process::Command::new("psql")
        .args([&db.url, "-Atqc", "CREATE TABLE runs (id int)"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let e = PgStore::open(&db.url).err().expect("refused").to_string();
    assert!(e.contains("crucible did not make"), "{e}");
    assert!(e.contains("crucible:***@"), "the password is redacted: {e}");
}

/// `crucible run --store postgres://…` then `crucible report` from the same database.
#[test]
fn crucible_run_and_report_with_a_postgres_store() {
    let Some(db) = postgres_database("cli") else {
        return;
    };
    require_image(PYTHON_IMAGE);
    let scratch = Scratch::new("pg-cli");
    let (tasks, cands) = python_benchmark(scratch.path(), 2, 0.0);
    let out = crucible()
        .args(["run", "--tasks"])
        .arg(&tasks)
        .arg("--candidates")
        .arg(&cands)
        .args(["--store", &db.url, "--run-id", "pg", "--json", "-j", "2"])
        .output()
        .unwrap();
    assert!(
        out.status.code() == Some(1) || out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = crucible()
        .args([
            "report", "--store", &db.url, "--run", "pg", "--format", "json",
        ])
        .output()
        .unwrap();
    assert!(
        report.status.success(),
        "{}",
        String::from_utf8_lossy(&report.stderr)
    );
    let summary = stdout_json(&report);
    let models = summary["models"].as_array().unwrap();
    let solved = |name: &str| {
        models
            .iter()
            .find(|m| m["model"] == name)
            .unwrap_or_else(|| panic!("no model {name}: {summary}"))["tasks_solved"]
            .as_u64()
            .unwrap()
    };
    assert_eq!((solved("good"), solved("bad")), (2, 1), "{summary}");
}
