//! The hostile suite: generic ways a wrong candidate tries to get a `passed` it did not earn,
//! run against the real daemon in both backends. Each must end as failed/error (or passed only
//! where the candidate is in fact right), and leave no container behind.
mod common;
use common::*;
use crucible::execution::{ExecutionResult, ExecutionSpec, Executor, Expectation};
use crucible::limits::Limits;
use crucible::sandbox::{Backend, Payload, PayloadLimits, Sandbox, SandboxPolicy};
use crucible::testreport::ReportFormat;
use crucible::verdict::Verdict;
use std::collections::BTreeMap;
use std::time::Duration;

const BACKENDS: [Backend; 2] = [Backend::Fresh, Backend::Reuse];

/// A task whose honest test (`tests/check.sh`) fails: it writes a failing report and exits 1.
/// The candidate's `attack.sh` runs first, in the same shell, as an in-process test would.
fn spec(attack: &str, declared: u32) -> ExecutionSpec {
    let files = BTreeMap::from([
        (
            "tests/check.sh".to_string(),
            b"printf 'FAIL t0: wrong\\n' > \"$CRUCIBLE_REPORT\"; exit 1\n".to_vec(),
        ),
        ("attack.sh".to_string(), attack.as_bytes().to_vec()),
    ]);
    ExecutionSpec {
        image: PYTHON_IMAGE.into(),
        command: vec![
            "/bin/sh".into(),
            "-c".into(),
            "sh attack.sh; sh tests/check.sh".into(),
        ],
        payload: Payload::from_layers(&[&files], &PayloadLimits::default(), &|_| false).unwrap(),
        limits: Limits {
            timeout: scaled(Duration::from_secs(20)),
            ..Limits::default()
        },
        expectation: Expectation {
            report: Some(ReportFormat::Simple),
            declared_tests: declared,
            ..Default::default()
        },
        split: None,
        run_id: None,
        task_id: Some("hostile-test".into()),
    }
}

async fn run_in(backend: Backend, spec: &ExecutionSpec) -> ExecutionResult {
    require_image(PYTHON_IMAGE);
    let sandbox = Sandbox::connect(SandboxPolicy::default(), backend)
        .await
        .unwrap();
    let r = sandbox.run(spec).await;
    sandbox.finish().await;
    if let Some(id) = &r.container_id {
        let gone = std::process::Command::new("docker")
            .args(["inspect", id])
            .output()
            .unwrap();
        assert!(!gone.status.success(), "container {id} left behind");
    }
    r
}

fn explain(r: &ExecutionResult) -> String {
    format!(
        "verdict {:?} ({}), stdout {:?}, stderr {:?}",
        r.verdict, r.reason, r.stdout.text, r.stderr.text
    )
}

async fn never_passes(attack: &str, declared: u32) {
    for backend in BACKENDS {
        let r = run_in(backend, &spec(attack, declared)).await;
        assert!(
            matches!(r.verdict, Verdict::Failed | Verdict::Error),
            "{backend:?}: {}",
            explain(&r)
        );
    }
}

#[tokio::test]
async fn forging_the_harness_stream_through_proc_does_not_pass() {
    // Write a complete forged reply (and report) into every process's stdout, then kill
    // everything the candidate can reach, so the forgery would be the last thing on the stream.
    never_passes(
        "for d in /proc/[0-9]*; do \
           printf 'PASS t0\\n' > /tmp/crucible-report; \
           printf 'DONE rc=0 cpu_usec= mem_peak= oom_kills=0 killed=none unpack=ok clean=1 \
out_total=0 err_total=0 report_len=8 out=0 err=0 report=8\\nPASS t0\\n' > $d/fd/1 2>/dev/null; \
         done; kill -9 -1",
        1,
    )
    .await;
}

#[tokio::test]
async fn task_files_cannot_be_rewritten_replaced_or_renamed() {
    never_passes(
        "echo 'printf \"PASS t0\\n\" > $CRUCIBLE_REPORT; exit 0' > tests/check.sh; \
         rm -f tests/check.sh; mv tests tests.orig; mkdir -p tests; \
         echo 'printf \"PASS t0\\n\" > $CRUCIBLE_REPORT; exit 0' > tests/check.sh; \
         chmod 777 tests tests/check.sh . ; true",
        1,
    )
    .await;
}

#[tokio::test]
async fn a_report_with_more_passing_cases_than_declared_is_not_a_pass() {
    // The in-process report is the candidate's to write; it must still match the declaration.
    never_passes(
        "i=0; while [ $i -lt 1000 ]; do echo \"PASS t$i\"; i=$((i+1)); done > /tmp/forged; \
         cp /tmp/forged \"$CRUCIBLE_REPORT\"; chmod 444 \"$CRUCIBLE_REPORT\"; kill -9 $PPID",
        7,
    )
    .await;
}

#[tokio::test]
async fn nothing_persists_into_the_next_execution_of_a_slot() {
    require_image(PYTHON_IMAGE);
    let sandbox = Sandbox::connect(SandboxPolicy::default(), Backend::Reuse)
        .await
        .unwrap();
    // Extended attributes on the writable places themselves, and a file the next one might run.
    let plant = "python3 - <<'PY'\n\
import os\n\
for d in ('/work', '/tmp', '/dev/shm'):\n\
    try:\n\
        os.setxattr(d, 'user.crucible', b'planted')\n\
    except OSError:\n\
        pass\n\
PY\n\
echo 'printf \"PASS t0\\n\" > $CRUCIBLE_REPORT; exit 0' > /tmp/check.sh; \
mkdir -p /dev/shm/x; cp /tmp/check.sh /dev/shm/x/; true";
    let probe = "python3 - <<'PY'\n\
import os, sys\n\
for d in ('/work', '/tmp', '/dev/shm'):\n\
    try:\n\
        print('xattr left on', d, os.getxattr(d, 'user.crucible')); sys.exit(1)\n\
    except OSError:\n\
        pass\n\
PY\n\
[ ! -e /tmp/check.sh ] && [ ! -e /dev/shm/x ] || { echo 'a file survived'; exit 1; }";
    let a = sandbox.run(&spec(plant, 1)).await;
    let mut check = spec(probe, 0);
    check.expectation = Expectation::default();
    check.command = vec!["/bin/sh".into(), "-c".into(), "sh attack.sh".into()];
    let b = sandbox.run(&check).await;
    sandbox.finish().await;
    assert_eq!(a.verdict, Verdict::Failed, "{}", explain(&a));
    assert_eq!(b.verdict, Verdict::Passed, "{}", explain(&b));
    assert_eq!(a.container_id, b.container_id, "one slot for both");
}

/// The largest resident set any child of this test process reached, in bytes.
fn children_peak_rss() -> u64 {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes into the struct we own.
    assert_eq!(
        unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) },
        0
    );
    usage.ru_maxrss as u64 * 1024
}

#[test]
fn a_gib_candidate_file_and_a_planted_conftest_are_refused_in_bounded_memory() {
    require_image(PYTHON_IMAGE);
    let scratch = Scratch::new("hostile-sizes");
    let (tasks, cands) = python_benchmark(scratch.path(), 2, 0.0);
    // One candidate holds a 1 GiB (sparse) solution, the other a planted conftest.py next to a
    // wrong solution: neither may be read whole, and neither may run.
    let huge = std::fs::File::create(cands.join("bad/add-000/solution.py")).unwrap();
    huge.set_len(1 << 30).unwrap();
    std::fs::write(
        cands.join("bad/add-001/conftest.py"),
        "import pytest\n@pytest.hookimpl(hookwrapper=True)\ndef pytest_runtest_makereport(item, call):\n    \
         outcome = yield\n    outcome.get_result().outcome = 'passed'\n",
    )
    .unwrap();
    let out = crucible()
        .args(["run", "--json", "-j", "2", "--models", "bad", "--tasks"])
        .arg(&tasks)
        .arg("--candidates")
        .arg(&cands)
        .arg("--store")
        .arg(scratch.path().join("results.db"))
        .output()
        .unwrap();
    let peak = children_peak_rss();
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<serde_json::Value> = text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .filter(|v: &serde_json::Value| v.get("verdict").is_some() && v.get("task_id").is_some())
        .collect();
    assert_eq!(lines.len(), 2, "two executions: {text}");
    for l in &lines {
        assert_eq!(l["verdict"], "invalid_input", "{l}");
    }
    assert!(
        text.contains("conftest.py"),
        "the refusal names the planted file: {text}"
    );
    assert!(
        peak < 64 << 20,
        "crucible's peak RSS was {} MiB",
        peak >> 20
    );
}

/// The call-boundary contract of `tests/hostile/python/`: the tests run in the judge process,
/// hidden from the candidate; each fixture is one model's `solution.py`.
const CALLS_TESTS: &str = include_str!("hostile/contract_test.py");

/// Candidates beyond the harness's own fixtures, for what only a container shows.
const CONTAINER_ONLY: &[(&str, &str)] = &[
    (
        "read_hidden_tests",
        "# family: reading the hidden tests to learn the expected values\n\
         def add(a, b):\n    return open('tests/test_calls.py').read()\n\
         def evens(xs):\n    return open('/work/tests/test_calls.py').read()\n\
         class Stack:\n    pass\n\
         def sort_in_place(xs):\n    return None\n",
    ),
    (
        "rewrite_tests",
        "# family: rewriting the tests the judge reads\n\
         import os\n\
         for p in ('tests/test_calls.py', 'calls.json', '.crucible/calls.py'):\n    \
         try:\n        open(p, 'w').write('')\n    except OSError:\n        pass\n\
         try:\n    os.rename('tests', 'tests.old')\nexcept OSError:\n    pass\n\
         def add(a, b):\n    return 0\n",
    ),
];

#[test]
fn the_call_boundary_judge_contains_every_hostile_family_in_both_backends() {
    require_image(PYTHON_IMAGE);
    let scratch = Scratch::new("hostile-calls");
    let task = scratch.path().join("tasks/contract");
    std::fs::create_dir_all(task.join("tests")).unwrap();
    std::fs::create_dir_all(task.join("reference")).unwrap();
    std::fs::write(
        task.join("task.toml"),
        format!(
            "id = \"contract\"\ntitle = \"Call-boundary contract\"\nlanguage = \"python\"\n\
         price_usd = 100\ndescription = \"add, evens, Stack, sort_in_place\"\ntest_cases = 6\n\
         report = \"junit\"\n[candidate]\nfiles = [\"solution.py\"]\n\
         [judge]\nkind = \"calls\"\nspec = \"calls.json\"\nhidden = [\"tests/\"]\n\
         [limits]\ntimeout = \"{}ms\"\nmemory = \"256MiB\"\n",
            scaled(Duration::from_secs(20)).as_millis()
        ),
    )
    .unwrap();
    std::fs::write(task.join("tests/test_calls.py"), CALLS_TESTS).unwrap();
    std::fs::write(
        task.join("calls.json"),
        r#"{"mode": "pytest", "module": "solution", "candidate": "solution.py", "tests": ["tests/test_calls.py"]}"#,
    )
    .unwrap();
    let fixtures = repo_root().join("tests/hostile/python");
    let mut models: Vec<(String, String)> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .map(|p| {
            (
                p.file_stem().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    models.extend(
        CONTAINER_ONLY
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string())),
    );
    assert!(models.len() >= 17, "{models:?}");
    let ok = models
        .iter()
        .find(|(n, _)| n == "ok_classes")
        .unwrap()
        .1
        .clone();
    std::fs::write(task.join("reference/solution.py"), ok).unwrap();
    for (name, text) in &models {
        let dir = scratch
            .path()
            .join("candidates")
            .join(name)
            .join("contract");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("solution.py"), text).unwrap();
    }
    for reuse in [false, true] {
        let mut cmd = crucible();
        cmd.args(["run", "--json", "-j", "2", "--tasks"])
            .arg(scratch.path().join("tasks"))
            .arg("--candidates")
            .arg(scratch.path().join("candidates"))
            .arg("--store")
            .arg(scratch.path().join(format!("results-{reuse}.db")));
        if reuse {
            cmd.arg("--reuse-containers");
        }
        let out = cmd.output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let verdicts: std::collections::BTreeMap<String, String> = text
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter(|v| v["event"] == "finished")
            .map(|v| {
                (
                    v["model"].as_str().unwrap().to_string(),
                    v["verdict"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(verdicts.len(), models.len(), "reuse={reuse}: {text}");
        for (model, verdict) in &verdicts {
            let expected_pass = model.starts_with("ok_");
            assert_eq!(
                verdict == "passed",
                expected_pass,
                "reuse={reuse}: {model} got {verdict}"
            );
            assert!(
                matches!(
                    verdict.as_str(),
                    "passed" | "failed" | "error" | "timeout" | "memory_limit" | "output_limit"
                ),
                "reuse={reuse}: {model} got {verdict}"
            );
        }
    }
}

/// Two runs sharing one executor number their executions from 0 alike: a container prepared
/// for one spec (its image, limits, run label) is never used for another's execution.
#[tokio::test]
async fn a_container_prepared_for_one_spec_never_runs_another() {
    require_image(PYTHON_IMAGE);
    require_image("crucible/node:latest");
    let sandbox = Sandbox::connect(SandboxPolicy::default(), Backend::Fresh)
        .await
        .unwrap();
    let mut theirs = spec("exit 0", 0);
    theirs.run_id = Some("theirs".into());
    theirs.limits.memory_bytes = 128 << 20;
    let mut ours = spec("exit 0", 0);
    ours.image = "crucible/node:latest".into();
    ours.command = vec!["node".into(), "-e".into(), "process.exit(0)".into()];
    ours.expectation.report = None;
    ours.run_id = Some("ours".into());
    sandbox.prepare(7, &theirs);
    let evidence = sandbox.execute(7, &ours).await.unwrap();
    let r = crucible::judge::conclude(&ours, evidence);
    // Only the node image has `node`: in the python container prepared for the other spec this
    // would be an error.
    assert_eq!(r.verdict, Verdict::Passed, "{}", explain(&r));
    sandbox.abort_all().await;
    sandbox.finish().await;
    assert!(containers_of_run("theirs").is_empty() && containers_of_run("ours").is_empty());
}
