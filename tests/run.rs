//! `crucible run` end to end: real binary, real daemon, real SQLite.
mod common;

use common::*;
use crucible::store::{ExecutionRecord, SqliteStore, StoreReader};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn final_records(store: &Path, run_id: &str) -> Vec<ExecutionRecord> {
    let store = SqliteStore::open(store).unwrap();
    let mut last: BTreeMap<(String, String, u32, u32), ExecutionRecord> = BTreeMap::new();
    for r in store.executions(run_id).unwrap() {
        let k = (r.model.clone(), r.task_id.clone(), r.sample, r.repeat);
        if last.get(&k).is_none_or(|prev| prev.attempt < r.attempt) {
            last.insert(k, r);
        }
    }
    last.into_values().collect()
}

fn run_cmd(tasks: &Path, cands: &Path, store: &Path, run_id: &str) -> Command {
    let mut c = crucible();
    c.args(["run", "--tasks"])
        .arg(tasks)
        .arg("--candidates")
        .arg(cands)
        .arg("--store")
        .arg(store);
    c.args(["--run-id", run_id, "-j", "2"]);
    c
}

/// Every candidate's final verdict in `run_id` is the one tasks/_candidates/EXPECTED.json says;
/// that file's contents.
fn assert_every_expected_verdict(
    store: &Path,
    run_id: &str,
) -> HashMap<String, BTreeMap<String, String>> {
    let expected: HashMap<String, BTreeMap<String, String>> = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("tasks/_candidates/EXPECTED.json")).unwrap(),
    )
    .unwrap();
    let got = final_records(store, run_id);
    let mut mismatches = Vec::new();
    let mut count = 0;
    for (model, tasks) in &expected {
        for (task, verdict) in tasks {
            count += 1;
            let rec = got.iter().find(|r| &r.model == model && &r.task_id == task);
            match rec {
                Some(r) if r.verdict.as_str() == verdict => {}
                Some(r) => mismatches.push(format!(
                    "{model}/{task}: expected {verdict}, got {} ({})",
                    r.verdict, r.reason
                )),
                None => mismatches.push(format!("{model}/{task}: not recorded")),
            }
        }
    }
    assert_eq!(got.len(), count, "one final record per candidate");
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    expected
}

#[test]
fn the_sample_benchmark_in_reuse_mode_gives_the_same_verdicts() {
    require_image(PYTHON_IMAGE);
    let root = repo_root();
    let scratch = Scratch::new("sample-run-reuse");
    let store = scratch.path().join("results.db");
    let out = run_cmd(
        &root.join("tasks"),
        &root.join("tasks/_candidates"),
        &store,
        "reuse",
    )
    .arg("--reuse-containers")
    .output()
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_every_expected_verdict(&store, "reuse");
}

#[test]
fn the_sample_benchmark_gives_every_expected_verdict_and_reports_parse() {
    require_image(PYTHON_IMAGE);
    let root = repo_root();
    let scratch = Scratch::new("sample-run");
    let store = scratch.path().join("results.db");
    let out = run_cmd(
        &root.join("tasks"),
        &root.join("tasks/_candidates"),
        &store,
        "sample",
    )
    .output()
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("model-strong") && table.contains("$"),
        "{table}"
    );

    let expected = assert_every_expected_verdict(&store, "sample");

    // Every report format, parsed by a real parser.
    let report = |format: &str| {
        let out = crucible()
            .args(["report", "--store"])
            .arg(&store)
            .args(["--run", "sample", "--format", format])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let json: serde_json::Value = serde_json::from_str(&report("json")).unwrap();
    let models = json["models"].as_array().unwrap();
    assert_eq!(models.len(), 3);
    let strong = models
        .iter()
        .find(|m| m["model"] == "model-strong")
        .unwrap();
    let strong_expected = expected["model-strong"]
        .values()
        .filter(|v| *v == "passed")
        .count();
    assert_eq!(
        strong["tasks_solved"].as_u64().unwrap() as usize,
        strong_expected
    );
    let prices: f64 = strong["dollars_earned"].as_f64().unwrap();
    assert!(prices > 0.0 && prices < json["dollars_available"].as_f64().unwrap());

    let junit = report("junit");
    let mut reader = quick_xml::Reader::from_str(&junit);
    let (mut suites, mut cases) = (0, 0);
    loop {
        match reader.read_event().expect("well-formed JUnit XML") {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                match e.name().as_ref() {
                    "testsuite" => suites += 1,
                    "testcase" => cases += 1,
                    _ => {}
                }
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(
        (suites, cases),
        (3, 162),
        "one suite per model, one case per task"
    );

    let html = report("html");
    assert!(html.matches("<svg").count() >= 4, "charts");
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no network"
    );
    let csv = report("csv");
    assert_eq!(csv.lines().count(), 4, "header + one row per model:\n{csv}");
    assert!(report("markdown").contains("| model-strong"));
    assert!(containers_of_run("sample").is_empty());
}

#[test]
fn sigkill_mid_run_then_resume_records_every_execution_exactly_once() {
    require_image(PYTHON_IMAGE);
    let scratch = Scratch::new("resume");
    let (tasks, cands) = python_benchmark(scratch.path(), 8, 0.5);
    let store = scratch.path().join("r.db");
    let mut child = run_cmd(&tasks, &cands, &store, "resume")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    // Kill once a few results are stored but well before the end (16 executions).
    loop {
        let n = SqliteStore::open(&store)
            .ok()
            .and_then(|s| s.executions("resume").ok())
            .map(|e| e.len())
            .unwrap_or(0);
        if n >= 3 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "no results stored in time"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let before = final_records(&store, "resume").len();
    assert!(
        before < 16,
        "the run finished before it was killed ({before})"
    );

    let out = run_cmd(&tasks, &cands, &store, "resume").output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{} already recorded", before)) || before == 0,
        "{stderr}"
    );
    let store_rows = SqliteStore::open(&store)
        .unwrap()
        .executions("resume")
        .unwrap();
    let mut per_key: HashMap<(String, String), usize> = HashMap::new();
    for r in store_rows.iter().filter(|r| r.verdict.is_judgement()) {
        *per_key
            .entry((r.model.clone(), r.task_id.clone()))
            .or_default() += 1;
    }
    assert_eq!(per_key.len(), 16, "every execution recorded");
    assert!(
        per_key.values().all(|n| *n == 1),
        "none recorded twice: {per_key:?}"
    );
    let finals = final_records(&store, "resume");
    assert_eq!(
        finals
            .iter()
            .filter(|r| r.model == "good" && r.verdict.as_str() == "passed")
            .count(),
        8
    );
    assert_eq!(
        finals
            .iter()
            .filter(|r| r.model == "bad" && r.verdict.as_str() == "passed")
            .count(),
        1
    );
    // The start-up sweep of the resumed run removed what the killed process left.
    assert!(containers_of_run("resume").is_empty());
}

#[test]
fn ctrl_c_exits_130_records_interrupted_and_leaves_no_container() {
    require_image(PYTHON_IMAGE);
    let scratch = Scratch::new("interrupt");
    let (tasks, cands) = python_benchmark(scratch.path(), 4, 15.0);
    let store = scratch.path().join("i.db");
    let child = run_cmd(&tasks, &cands, &store, "interrupt")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while containers_of_run("interrupt").len() < 2 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "containers never started"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(500));
    // SAFETY: sending SIGINT to our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        started.elapsed() < Duration::from_secs(40),
        "interrupt took {:?}",
        started.elapsed()
    );
    assert!(
        containers_of_run("interrupt").is_empty(),
        "containers left after Ctrl-C"
    );
    let rows = SqliteStore::open(&store)
        .unwrap()
        .executions("interrupt")
        .unwrap();
    assert!(
        rows.iter().any(|r| r.verdict.as_str() == "interrupted"),
        "in-flight executions recorded as interrupted"
    );
}

#[test]
fn changing_a_test_file_reruns_only_its_task() {
    require_image(PYTHON_IMAGE);
    let scratch = Scratch::new("rerun");
    let (tasks, cands) = python_benchmark(scratch.path(), 3, 0.0);
    let store = scratch.path().join("k.db");
    let first = run_cmd(&tasks, &cands, &store, "keys").output().unwrap();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let test = tasks.join("add-001/tests/test_add.py");
    let text = std::fs::read_to_string(&test).unwrap() + "\n# a reviewer's comment\n";
    std::fs::write(&test, text).unwrap();
    let second = run_cmd(&tasks, &cands, &store, "keys").output().unwrap();
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(
        stderr.contains("2 executed, 4 already recorded"),
        "{stderr}"
    );
    let third = run_cmd(&tasks, &cands, &store, "keys").output().unwrap();
    assert!(String::from_utf8_lossy(&third.stderr).contains("0 executed, 6 already recorded"));
}

#[test]
fn a_missing_image_is_retried_and_reported_as_infra_not_as_a_model_failure() {
    require_image(PYTHON_IMAGE);
    let scratch = Scratch::new("infra");
    let (tasks, cands) = python_benchmark(scratch.path(), 2, 0.0);
    // Point one task at an image that is gone (as if removed mid-run).
    let toml = tasks.join("add-001/task.toml");
    let text = std::fs::read_to_string(&toml).unwrap().replace(
        "[candidate]",
        "image = \"crucible/vanished:gone\"\n[candidate]",
    );
    std::fs::write(&toml, text).unwrap();
    let store = scratch.path().join("f.db");
    let out = run_cmd(&tasks, &cands, &store, "infra")
        .args(["--retries", "2"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "infra errors left: exit 1\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = SqliteStore::open(&store)
        .unwrap()
        .executions("infra")
        .unwrap();
    let vanished: Vec<_> = rows.iter().filter(|r| r.task_id == "add-001").collect();
    assert_eq!(vanished.len(), 6, "2 models x 3 attempts each");
    assert!(
        vanished
            .iter()
            .all(|r| r.verdict.as_str() == "infra_error" && r.reason.contains("make images"))
    );
    let json = crucible()
        .args(["report", "--format", "json", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    for m in json["models"].as_array().unwrap() {
        assert_eq!(m["verdicts"]["infra_error"], 1, "{m:#}");
        // add-000 passes for both models; add-001 is infra: never a model failure.
        assert_eq!(
            m["verdicts"]["failed"].as_u64().unwrap() + m["verdicts"]["error"].as_u64().unwrap(),
            0,
            "{m:#}"
        );
        assert_eq!(m["verdicts"]["passed"], 1, "{m:#}");
    }
}

#[test]
fn repeats_measure_flakiness_and_compare_lists_flipped_tasks() {
    require_image(PYTHON_IMAGE);
    let scratch = Scratch::new("repeat");
    let (tasks, cands) = python_benchmark(scratch.path(), 2, 0.0);
    let store = scratch.path().join("rep.db");
    let out = run_cmd(&tasks, &cands, &store, "base")
        .args(["--repeat", "2"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = SqliteStore::open(&store)
        .unwrap()
        .executions("base")
        .unwrap();
    assert_eq!(rows.len(), 8, "2 tasks x 2 models x 2 repeats");
    let json = crucible()
        .args(["report", "--format", "json", "--run", "base", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    for m in json["models"].as_array().unwrap() {
        assert_eq!(
            m["flake_rate"].as_f64(),
            Some(0.0),
            "deterministic tests never flake: {m:#}"
        );
    }
    // Fix `bad` on add-001 and compare the two runs.
    std::fs::write(
        cands.join("bad/add-001/solution.py"),
        "def add(a, b):\n    return a + b\n",
    )
    .unwrap();
    let out = run_cmd(&tasks, &cands, &store, "head").output().unwrap();
    assert!(out.status.success());
    let out = crucible()
        .args([
            "report",
            "--compare",
            "base",
            "head",
            "--format",
            "json",
            "--store",
        ])
        .arg(&store)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    let cmp: serde_json::Value = serde_json::from_str(&text).unwrap();
    let flips = cmp.to_string();
    assert!(
        flips.contains("add-001") && flips.contains("bad"),
        "{cmp:#}"
    );
    assert!(
        !flips.contains("add-000"),
        "only the flipped task is listed: {cmp:#}"
    );
}
