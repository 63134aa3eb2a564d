//! End to end: a realistic run written to a real SQLite file, read back, summarized, rendered in
//! every format, and the outputs parsed back with real parsers.
use crucible::Verdict;
use crucible::report::{OutputFormat, RunSummary, render, summarize_run, tasks_csv};
use crucible::store::{ExecutionRecord, ResultStore, RunRecord, TaskRecord, open_store};
use crucible::testreport::{TestCase, TestOutcome};
use quick_xml::events::Event;

const RUN: &str = "run-2024-e2e";

/// (task id, price, declared test cases)
const TASKS: [(&str, f64, u32); 5] = [
    ("t1", 10.0, 2),
    ("t2", 20.0, 3),
    ("t3", 30.0, 1),
    ("t4", 40.0, 4),
    ("t5", 50.0, 2),
];

fn cases(passing: u32, failing: u32) -> Vec<TestCase> {
    let mut tests: Vec<TestCase> = (0..passing)
        .map(|i| TestCase {
            name: format!("test_ok_{i}"),
            outcome: TestOutcome::Passed,
            message: None,
        })
        .collect();
    tests.extend((0..failing).map(|i| TestCase {
        name: format!("test_bad_{i}"),
        outcome: TestOutcome::Failed,
        message: Some(format!("AssertionError: case {i} <got> & \"expected\"")),
    }));
    tests
}

fn execution(
    task: usize,
    model: &str,
    sample: u32,
    attempt: u32,
    verdict: Verdict,
) -> ExecutionRecord {
    let (task_id, _, declared) = TASKS[task];
    let tests = match verdict {
        Verdict::Passed => cases(declared, 0),
        Verdict::Failed => cases(declared - 1, 1),
        _ => vec![],
    };
    ExecutionRecord {
        run_id: RUN.into(),
        task_id: task_id.into(),
        model: model.into(),
        sample,
        repeat: 0,
        attempt,
        key: format!("{task_id}-{model}-{sample}"),
        verdict,
        reason: match verdict {
            Verdict::Passed => "all tests passed".into(),
            Verdict::InfraError => "docker: container create failed: no such image".into(),
            v => format!("{v}: see stderr"),
        },
        exit_code: Some(i64::from(verdict.exit_code())),
        signal: None,
        wall_ms: 500 + 250 * u64::from(sample) + 1000 * task as u64,
        cpu_ms: Some(300),
        peak_memory_bytes: Some(32 << 20),
        stdout: "collected tests\n".into(),
        stderr: String::new(),
        output_truncated: verdict == Verdict::OutputLimit,
        image_id: Some("sha256:0123".into()),
        payload_sha256: Some(format!("{task_id}{sample}")),
        finished_at_ms: 1_700_000_000_000 + i64::from(attempt),
        tests,
    }
}

/// Verdicts of the final attempts, per model, task and sample; retries are added below.
fn final_verdicts(model: &str) -> [[Verdict; 3]; 5] {
    use Verdict::*;
    match model {
        "gpt-x" => [
            [Passed, Passed, Failed],
            [Failed, Passed, Failed],
            [Passed, Timeout, Timeout],
            [Error, Error, Error],
            [Passed, Passed, Passed],
        ],
        _ => [
            [Failed, Failed, Failed],
            [Passed, Passed, Passed],
            [MemoryLimit, Passed, Failed],
            [Passed, Passed, OutputLimit],
            [InfraError, Passed, Passed],
        ],
    }
}

fn all_executions() -> Vec<ExecutionRecord> {
    let mut out = Vec::new();
    for model in ["gpt-x", "claude-y"] {
        for (task, samples) in final_verdicts(model).iter().enumerate() {
            for (sample, &verdict) in samples.iter().enumerate() {
                let sample = sample as u32;
                // Infra retries: gpt-x t3 s0 and claude-y t4 s1 succeed on attempt 2; claude-y
                // t5 s0 fails three times and the run gives up.
                let earlier = match (model, task, sample) {
                    ("gpt-x", 2, 0) | ("claude-y", 3, 1) => 1,
                    ("claude-y", 4, 0) => 2,
                    _ => 0,
                };
                for attempt in 1..=earlier {
                    out.push(execution(task, model, sample, attempt, Verdict::InfraError));
                }
                out.push(execution(task, model, sample, earlier + 1, verdict));
            }
        }
    }
    // claude-y's t2 sample 0 reported more cases than the task declares (4 > 3).
    let extra = out
        .iter_mut()
        .find(|e| e.model == "claude-y" && e.task_id == "t2" && e.sample == 0)
        .unwrap();
    extra.tests = cases(4, 0);
    out
}

fn write_run(store: &mut dyn ResultStore) {
    store
        .begin_run(&RunRecord {
            run_id: RUN.into(),
            config_json: r#"{"samples":3}"#.into(),
            started_at_ms: 1_700_000_000_000,
            finished_at_ms: None,
            crucible_version: "0.1.0".into(),
            host: "ci".into(),
        })
        .unwrap();
    let tasks: Vec<TaskRecord> = TASKS
        .iter()
        .map(|&(id, price, cases)| TaskRecord {
            run_id: RUN.into(),
            task_id: id.into(),
            title: format!("Fix <{id}> & ship"),
            language: "python".into(),
            price_usd: price,
            test_cases: cases,
        })
        .collect();
    store.put_tasks(&tasks).unwrap();
    let executions = all_executions();
    for batch in executions.chunks(7) {
        store.put_executions(batch).unwrap();
    }
    store.finish_run(RUN, 1_700_000_100_000).unwrap();
}

fn summary_from_disk() -> (tempfile::TempDir, RunSummary) {
    let dir = tempfile::tempdir().unwrap();
    let location = format!(
        "sqlite://{}",
        dir.path().join("nested/results.db").display()
    );
    {
        let mut store = open_store(&location).unwrap();
        write_run(store.as_mut());
    }
    // A fresh connection: everything below comes from the file.
    let store = open_store(&location).unwrap();
    assert_eq!(store.executions(RUN).unwrap().len(), 30 + 4);
    assert_eq!(store.final_keys(RUN).unwrap().len(), 29);
    let summary = summarize_run(store.as_ref(), RUN).unwrap();
    (dir, summary)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn summary_numbers_are_exact() {
    let (_dir, s) = summary_from_disk();
    assert_eq!((s.task_count, s.samples, s.repeats), (5, 3, 1));
    assert_eq!(s.finished_at_ms, Some(1_700_000_100_000));
    assert!(close(s.dollars_available, 150.0));
    let names: Vec<&str> = s.models.iter().map(|m| m.model.as_str()).collect();
    assert_eq!(names, ["gpt-x", "claude-y"]);

    let gpt = &s.models[0];
    assert_eq!((gpt.tasks_solved, gpt.tasks_total), (3, 5));
    assert!(close(gpt.accuracy_pct, 60.0));
    assert!(close(gpt.dollars_earned, 90.0));
    assert_eq!((gpt.attempts, gpt.final_executions), (16, 15));
    let v = gpt.verdicts;
    assert_eq!(
        (v.passed, v.failed, v.timeout, v.error, v.infra_error),
        (7, 3, 2, 3, 0)
    );
    assert_eq!((gpt.test_cases_passed, gpt.test_cases_total), (19, 36));
    assert_eq!(gpt.pass_at_k.len(), 1, "only k=1 fits 3 samples");
    assert!(close(gpt.pass_at_k[0].value, 7.0 / 15.0));

    let claude = &s.models[1];
    assert_eq!(claude.tasks_solved, 2);
    assert!(close(claude.dollars_earned, 60.0));
    assert_eq!((claude.attempts, claude.final_executions), (18, 15));
    let v = claude.verdicts;
    assert_eq!(
        (
            v.passed,
            v.failed,
            v.memory_limit,
            v.output_limit,
            v.infra_error,
            v.total()
        ),
        (8, 4, 1, 1, 1, 15)
    );
    assert_eq!(
        (claude.test_cases_passed, claude.test_cases_total),
        (26, 35)
    );
    assert!(close(claude.pass_at_k[0].value, 8.0 / 15.0));

    let solved_by: Vec<(&str, Vec<String>)> = s
        .tasks
        .iter()
        .map(|t| (t.task_id.as_str(), t.solved_by.clone()))
        .collect();
    assert_eq!(
        solved_by,
        [
            ("t1", vec!["gpt-x".to_string()]),
            ("t2", vec!["claude-y".to_string()]),
            ("t3", vec!["gpt-x".to_string()]),
            ("t4", vec!["claude-y".to_string()]),
            ("t5", vec!["gpt-x".to_string()]),
        ]
    );
    let claude_t5 = &s.tasks[4].results[1];
    assert_eq!(
        (claude_t5.verdict, claude_t5.attempts),
        (Some(Verdict::InfraError), 3)
    );
}

#[test]
fn json_parses_back_with_the_same_numbers() {
    let (_dir, s) = summary_from_disk();
    let value: serde_json::Value = serde_json::from_str(&render(OutputFormat::Json, &s)).unwrap();
    assert_eq!(value["run_id"], RUN);
    assert_eq!(value["models"][0]["model"], "gpt-x");
    assert_eq!(value["models"][0]["tasks_solved"], 3);
    assert_eq!(value["models"][0]["dollars_earned"], 90.0);
    assert_eq!(value["models"][1]["verdicts"]["memory_limit"], 1);
    assert_eq!(value["tasks"][4]["results"][1]["verdict"], "infra_error");
    let p1 = value["models"][1]["pass_at_k"][0]["value"]
        .as_f64()
        .unwrap();
    assert!(close(p1, 8.0 / 15.0));
}

#[test]
fn junit_is_valid_xml_with_one_suite_per_model_and_one_case_per_task() {
    let (_dir, s) = summary_from_disk();
    let xml = render(OutputFormat::Junit, &s);
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut suites, mut cases, mut failures) = (Vec::new(), 0, Vec::new());
    loop {
        match reader
            .read_event()
            .unwrap_or_else(|e| panic!("invalid XML: {e}\n{xml}"))
        {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                "testsuite" => suites.push(
                    e.try_get_attribute("name")
                        .unwrap()
                        .unwrap()
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .unwrap()
                        .into_owned(),
                ),
                "testcase" => cases += 1,
                "failure" => failures.push(
                    e.try_get_attribute("message")
                        .unwrap()
                        .unwrap()
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .unwrap()
                        .into_owned(),
                ),
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(suites, ["gpt-x", "claude-y"]);
    assert_eq!(cases, 10);
    assert_eq!(failures.len(), 2 + 3, "{failures:?}");
    assert!(
        failures.contains(&"error: error: see stderr".to_string()),
        "{failures:?}"
    );
    assert!(
        failures
            .iter()
            .any(|f| f.starts_with("infra_error: docker")),
        "{failures:?}"
    );
}

#[test]
fn html_is_self_contained_with_four_charts() {
    let (_dir, s) = summary_from_disk();
    let page = render(OutputFormat::Html, &s);
    assert_eq!(page.matches("<svg").count(), 4);
    for chart in ["Accuracy", "Dollars earned", "Verdicts", "Wall time"] {
        assert!(page.contains(chart), "missing chart {chart}");
    }
    assert!(!page.contains("http://") && !page.contains("https://"));
    assert!(page.contains("Fix &lt;t1&gt; &amp; ship"));
    assert!(!page.contains("<t1>"));
}

#[test]
fn text_formats_render_every_model_and_task() {
    let (_dir, s) = summary_from_disk();
    let table = render(OutputFormat::Table, &s);
    println!("{table}");
    assert!(table.contains("gpt-x") && table.contains("$90.00") && table.contains("memory_limit"));
    let md = render(OutputFormat::Markdown, &s);
    let task_rows = md
        .lines()
        .filter(|l| l.starts_with("| t") && l.as_bytes()[3].is_ascii_digit())
        .count();
    assert_eq!(task_rows, 5, "{md}");
    let models_csv = render(OutputFormat::Csv, &s);
    assert_eq!(models_csv.lines().count(), 3);
    assert_eq!(tasks_csv(&s).lines().count(), 1 + 5 * 2);
}
