//! pass@k through the store and the CLI: the case (500 MBPP candidates over the
//! 974-task import) reports pass@1 over the 500 tasks with samples, while solved and dollars
//! stay over all 974; `crucible report --k` picks the k values.
use crucible::Verdict;
use crucible::report::{OutputFormat, render, summarize_run};
use crucible::store::{ExecutionRecord, RunRecord, TaskRecord, open_store};
use std::path::Path;
use std::process::Command;

const RUN: &str = "mbpp-subset";
const TASKS: usize = 974;
const SAMPLED: usize = 500;

fn execution(task: usize, sample: u32, verdict: Verdict) -> ExecutionRecord {
    ExecutionRecord {
        run_id: RUN.into(),
        task_id: format!("mbpp/{task}"),
        model: "samples".into(),
        sample,
        repeat: 0,
        attempt: 1,
        key: format!("{task}-{sample}"),
        verdict,
        reason: verdict.to_string(),
        exit_code: Some(i64::from(verdict.exit_code())),
        signal: None,
        wall_ms: 100 + task as u64,
        cpu_ms: None,
        peak_memory_bytes: None,
        stdout: String::new(),
        stderr: String::new(),
        output_truncated: false,
        image_id: None,
        payload_sha256: None,
        finished_at_ms: 0,
        tests: Vec::new(),
    }
}

/// 974 tasks at $1; one sample each for the first 500, of which every fourth passes (125).
/// Task 0 also has 19 more samples, all failing, so k = 10 has exactly one task.
fn write_store(path: &Path) -> String {
    let location = format!("sqlite://{}", path.display());
    let mut store = open_store(&location).unwrap();
    store
        .begin_run(&RunRecord {
            run_id: RUN.into(),
            config_json: "{}".into(),
            started_at_ms: 1,
            finished_at_ms: Some(2),
            crucible_version: "0.1.0".into(),
            host: "test".into(),
        })
        .unwrap();
    let tasks: Vec<TaskRecord> = (0..TASKS)
        .map(|t| TaskRecord {
            run_id: RUN.into(),
            task_id: format!("mbpp/{t}"),
            title: format!("MBPP {t}"),
            language: "python".into(),
            price_usd: 1.0,
            test_cases: 3,
        })
        .collect();
    store.put_tasks(&tasks).unwrap();
    let mut executions: Vec<ExecutionRecord> = (0..SAMPLED)
        .map(|t| {
            let verdict = if t % 4 == 0 {
                Verdict::Passed
            } else {
                Verdict::Failed
            };
            execution(t, 0, verdict)
        })
        .collect();
    executions.extend((1..20).map(|s| execution(0, s, Verdict::Failed)));
    store.put_executions(&executions).unwrap();
    location
}

#[test]
fn pass_at_1_is_over_the_tasks_with_samples() {
    let dir = tempfile::tempdir().unwrap();
    let location = write_store(&dir.path().join("store.db"));
    let store = open_store(&location).unwrap();
    let s = summarize_run(store.as_ref(), RUN).unwrap();
    let m = &s.models[0];
    assert_eq!(
        (m.tasks_solved, m.tasks_total, m.tasks_with_samples),
        (125, 974, 500)
    );
    assert!((m.dollars_earned - 125.0).abs() < 1e-9);
    // Default k: 1 and 10 (task 0 has 20 samples).
    assert_eq!(s.pass_at_k_requested, [1, 10]);
    let p1 = &m.pass_at_k[0];
    assert_eq!((p1.k, p1.tasks, p1.tasks_without_samples), (1, 500, 474));
    // Task 0: 1 of 20 passed → 0.05; the other 124 passing tasks count 1 each.
    assert!((p1.value - (124.0 + 0.05) / 500.0).abs() < 1e-9, "{p1:?}");
    let p10 = &m.pass_at_k[1];
    assert_eq!(
        (p10.k, p10.tasks, p10.tasks_with_fewer_samples),
        (10, 1, 499)
    );

    let text = render(OutputFormat::Table, &s);
    println!("{text}");
    assert!(
        text.contains("pass@1 over 500 of 974 tasks; 474 without samples."),
        "{text}"
    );
    assert!(
        text.contains(
            "pass@10 over 1 of 974 tasks; 474 without samples, 499 with fewer than 10 samples."
        ),
        "{text}"
    );
    assert!(
        text.contains("solved (all tasks)") && text.contains("125/974"),
        "{text}"
    );
    assert!(text.contains("500/974"), "tasks with samples: {text}");
    for format in [OutputFormat::Markdown, OutputFormat::Html] {
        let out = render(format, &s);
        assert!(out.contains("pass@1 over 500 of 974 tasks"), "{format}");
    }
}

fn report(location: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_crucible"))
        .args(["report", "--store", location])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_cli_reports_the_k_values_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let location = write_store(&dir.path().join("store.db"));

    let out = report(&location, &["--k", "1,5,100", "--format", "csv"]);
    assert!(out.status.success(), "{out:?}");
    let csv = String::from_utf8(out.stdout).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(
        header.contains("pass_at_1,pass_at_5,pass_at_100") && !header.contains("pass_at_10,"),
        "{header}"
    );
    // No task has 100 samples: the column is there and empty.
    let row: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
    let at = header.split(',').position(|h| h == "pass_at_100").unwrap();
    assert_eq!(row[at], "");

    let out = report(&location, &["--k", "1,5,100"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("pass@100: no task has 100 samples."),
        "{text}"
    );

    let out = report(&location, &["--k", "0"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("at least 1"), "{err}");
}
