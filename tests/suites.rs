//! Import the real suites from `../shared/data` and check the tasks they give.
//!
//! The data lives beside the checkout (`../shared`, see its README). Under CI=true it must be
//! there; elsewhere, when it is absent, the tests say so and return.
use crucible::limits::Limits;
use crucible::suites::completions::{SourceField, read_completions};
use crucible::suites::{Suite, import};
use crucible::task::{Language, Task};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn shared_data() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "{} is missing: CI must provide the shared suite data beside the checkout",
            dir.display()
        );
    }
    eprintln!(
        "skipping: {} not found (the suites live beside the checkout as ../shared)",
        dir.display()
    );
    None
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crucible-suites-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Import, then load every task and compare its reference with prefix + canonical solution.
fn import_and_load(suite: Suite, file: &Path, out: &Path, expected: usize) -> Vec<Task> {
    let summary = import(suite, file, out).expect("import");
    assert!(summary.errors.is_empty(), "{:?}", summary.errors);
    assert_eq!(summary.written.len(), expected, "{}", suite.name());
    let mut tasks = Vec::new();
    for dir in &summary.written {
        let task = Task::load(dir, &Limits::default())
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        assert_eq!(task.candidate_files.len(), 1);
        tasks.push(task);
    }
    tasks
}

fn records(file: &Path) -> Vec<serde_json::Value> {
    let mut reader = crucible::suites::jsonl::JsonlReader::open(file).unwrap();
    let mut out = Vec::new();
    while let Some(r) = reader.next_record::<serde_json::Value>() {
        out.push(r.unwrap().1);
    }
    out
}

#[test]
fn humaneval_imports_164_tasks_whose_reference_is_prompt_plus_canonical() {
    let Some(data) = shared_data() else { return };
    let file = data.join("humaneval/HumanEval.jsonl.gz");
    let out = scratch("humaneval");
    let tasks = import_and_load(Suite::HumanEval, &file, &out, 164);
    let by_id: BTreeMap<_, _> = tasks.iter().map(|t| (t.id.clone(), t)).collect();
    for rec in records(&file) {
        let id = rec["task_id"].as_str().unwrap();
        let task = by_id[id];
        let reference = task.reference_solution().unwrap();
        let expected = format!(
            "{}{}",
            rec["prompt"].as_str().unwrap(),
            rec["canonical_solution"].as_str().unwrap()
        );
        assert_eq!(reference["solution.py"], expected.as_bytes(), "{id}");
        assert_eq!(task.completion_prefix.as_deref(), Some("prompt.py"));
        assert_eq!(
            task.files["prompt.py"],
            rec["prompt"].as_str().unwrap().as_bytes()
        );
        assert_eq!(task.language, Language::Python);
        assert_eq!(task.price_usd, 0.0);
        assert_eq!(task.test_cases, 1);
        assert!(
            task.limits.timeout.as_secs() < 10,
            "sleep(10) must time out"
        );
    }
    // The directory name is the task id with `/` replaced.
    assert!(out.join("HumanEval-0/task.toml").is_file());
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn humaneval_x_imports_164_tasks_per_language() {
    let Some(data) = shared_data() else { return };
    for language in Language::ALL {
        let name = crucible::suites::humaneval_x::suite_name(language);
        let file = data.join(format!("humaneval-x/humaneval_{name}.jsonl.gz"));
        let out = scratch(&format!("hx-{name}"));
        let tasks = import_and_load(Suite::HumanEvalX(language), &file, &out, 164);
        let by_id: BTreeMap<_, _> = tasks.iter().map(|t| (t.id.clone(), t)).collect();
        for rec in records(&file) {
            let id = rec["task_id"].as_str().unwrap();
            let task = by_id[id];
            assert_eq!(task.language, language);
            let mut expected = String::new();
            if language == Language::Rust {
                expected.push_str(rec["declaration"].as_str().unwrap());
            }
            expected.push_str(rec["prompt"].as_str().unwrap());
            let prefix = &task.files[task.completion_prefix.as_ref().unwrap()];
            assert_eq!(prefix, expected.as_bytes(), "{id}");
            expected.push_str(rec["canonical_solution"].as_str().unwrap());
            let reference = task.reference_solution().unwrap();
            assert_eq!(
                reference[&task.candidate_files[0]],
                expected.as_bytes(),
                "{id}"
            );
        }
        std::fs::remove_dir_all(&out).unwrap();
    }
}

#[test]
fn mbpp_imports_974_tasks_one_case_per_assert() {
    let Some(data) = shared_data() else { return };
    let file = data.join("mbpp/mbpp.jsonl");
    let out = scratch("mbpp");
    let tasks = import_and_load(Suite::Mbpp, &file, &out, 974);
    let by_id: BTreeMap<_, _> = tasks.iter().map(|t| (t.id.clone(), t)).collect();
    for rec in records(&file) {
        let id = format!("mbpp/{}", rec["task_id"]);
        let task = by_id[id.as_str()];
        let reference = task.reference_solution().unwrap();
        assert_eq!(
            reference["solution.py"],
            rec["code"].as_str().unwrap().as_bytes()
        );
        assert_eq!(
            task.test_cases as usize,
            rec["test_list"].as_array().unwrap().len()
        );
    }
    assert!(by_id["mbpp/123"].tags.iter().any(|t| t == "known-slow"));
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn example_samples_give_six_completion_candidates_for_test_0() {
    let Some(data) = shared_data() else { return };
    let out = scratch("example");
    let tasks = import_and_load(
        Suite::HumanEval,
        &data.join("humaneval/example_problem.jsonl"),
        &out,
        1,
    );
    let tasks: BTreeMap<_, _> = tasks.into_iter().map(|t| (t.id.clone(), t)).collect();
    let samples = data.join("humaneval/example_samples.jsonl");
    let read = read_completions(&samples, &tasks, None).unwrap();
    assert!(read.errors.is_empty(), "{:?}", read.errors);
    assert_eq!(read.candidates.len(), 6);
    for (i, c) in read.candidates.iter().enumerate() {
        assert_eq!(c.task_id, "test/0");
        assert_eq!(c.model, "example_samples");
        assert_eq!(c.sample, i as u32);
        assert_eq!(c.source_field, SourceField::Completion);
        let text = String::from_utf8(c.files["solution.py"].clone()).unwrap();
        assert!(text.starts_with("def return1():\n"), "{text}");
    }
    assert_eq!(read.fields_used()["completion"], 6);
    std::fs::remove_dir_all(&out).unwrap();
}
