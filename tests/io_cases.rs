//! I/O tasks against the real daemon, in both backends: each case a fresh process judged in
//! crucible against expected outputs that never enter the container.
mod common;
use common::*;
use crucible::execution::{ExecutionResult, Executor};
use crucible::limits::Limits;
use crucible::sandbox::{Backend, Sandbox, SandboxPolicy};
use crucible::task::{Task, execution_spec};
use crucible::testreport::TestOutcome;
use crucible::verdict::Verdict;
use std::collections::BTreeMap;

const CPP_IMAGE: &str = "crucible/cpp:latest";

/// A task in a scratch directory from `(path, content)` pairs (task.toml among them).
fn task(name: &str, files: &[(&str, &str)]) -> (Scratch, Task) {
    let scratch = Scratch::new(name);
    for (path, content) in files {
        scratch.write(path, content);
    }
    let task = Task::load(scratch.path(), &Limits::default()).unwrap();
    (scratch, task)
}

fn toml(id: &str, language: &str, file: &str, cases: usize, io: &str, limits: &str) -> String {
    format!(
        "id = \"{id}\"\ntitle = \"t\"\nlanguage = \"{language}\"\nprice_usd = 1\ndescription = \"d\"\n\
         test_cases = {cases}\n[candidate]\nfiles = [\"{file}\"]\n[io]\n{io}\n[limits]\n{limits}\n"
    )
}

/// Run `candidate` (one file) on `task` in the fresh and in the reuse backend.
async fn run_both(task: &Task, file: &str, source: &str) -> Vec<(Backend, ExecutionResult)> {
    require_image(&task.image);
    let candidate = BTreeMap::from([(file.to_string(), source.as_bytes().to_vec())]);
    let spec = execution_spec(task, &candidate, None).unwrap();
    let mut out = Vec::new();
    for backend in [Backend::Fresh, Backend::Reuse] {
        let sandbox = Sandbox::connect(SandboxPolicy::default(), backend)
            .await
            .unwrap();
        let result = sandbox.run(&spec).await;
        sandbox.finish().await;
        out.push((backend, result));
    }
    out
}

fn explain(r: &ExecutionResult) -> String {
    let tests: Vec<String> = r
        .tests
        .iter()
        .map(|t| format!("{} {:?} {:?}", t.name, t.outcome, t.message))
        .collect();
    format!(
        "verdict {} ({}); cases: {tests:?}; stdout {:?}; stderr {:?}",
        r.verdict, r.reason, r.stdout.text, r.stderr.text
    )
}

fn message<'a>(r: &'a ExecutionResult, case: &str) -> &'a str {
    let t = r
        .tests
        .iter()
        .find(|t| t.name == case)
        .unwrap_or_else(|| panic!("no case {case}: {}", explain(r)));
    t.message.as_deref().unwrap_or("")
}

const SUM_CPP: &str = "#include <cstdio>\nint main(){long long a,b; if(scanf(\"%lld %lld\",&a,&b)!=2) return 1; printf(\"%lld\\n\",a+b);}\n";

fn sum_task(name: &str) -> (Scratch, Task) {
    task(
        name,
        &[
            (
                "task.toml",
                &toml(
                    "io-sum",
                    "cpp",
                    "solution.cpp",
                    3,
                    "cases = \"cases\"",
                    "timeout = \"60s\"",
                ),
            ),
            ("cases/1.in", "1 2\n"),
            ("cases/1.out", "3\n"),
            ("cases/2.in", "-5 5\n"),
            ("cases/2.out", "0\n"),
            ("cases/10.in", "1000000000000 1\n"),
            ("cases/10.out", "1000000000001\n"),
        ],
    )
}

#[tokio::test]
async fn cpp_cases_pass_and_a_wrong_answer_fails_with_a_diff() {
    let (_s, t) = sum_task("io-sum");
    assert!(
        !t.files.keys().any(|f| f.starts_with("cases")),
        "expected outputs must not be task files"
    );
    for (backend, r) in run_both(&t, "solution.cpp", SUM_CPP).await {
        assert_eq!(r.verdict, Verdict::Passed, "{backend:?}: {}", explain(&r));
        let names: Vec<&str> = r.tests.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["1", "2", "10"], "natural order");
    }
    let wrong = SUM_CPP.replace("a+b", "(long long)(int)(a+b)");
    for (backend, r) in run_both(&t, "solution.cpp", &wrong).await {
        assert_eq!(r.verdict, Verdict::Failed, "{backend:?}: {}", explain(&r));
        assert_eq!(r.tests_passed(), 2);
        assert_eq!(
            message(&r, "10"),
            "wrong_answer: line 1: expected `1000000000001`, got `-727379967`"
        );
    }
}

#[tokio::test]
async fn a_build_failure_is_an_error_with_the_compilers_output() {
    let (_s, t) = sum_task("io-build");
    for (backend, r) in run_both(&t, "solution.cpp", "int main( { return 0; }\n").await {
        assert_eq!(r.verdict, Verdict::Error, "{backend:?}: {}", explain(&r));
        assert!(r.reason.starts_with("the build failed"), "{}", r.reason);
        assert!(r.stderr.text.contains("solution.cpp"), "{}", explain(&r));
        assert!(r.tests.iter().all(|t| t.outcome == TestOutcome::Skipped));
    }
}

/// A python candidate whose behaviour each case's input chooses.
const BEHAVIOURS: &str = r#"import sys, time
what = sys.stdin.read().strip()
if what == "ok":
    print("fine")
elif what == "wrong":
    print("not fine")
elif what == "crash":
    sys.stderr.write("it broke\n")
    sys.exit(3)
elif what == "slow":
    time.sleep(30)
elif what == "memory":
    x = bytearray(1 << 30)
    for i in range(0, len(x), 4096):
        x[i] = 1
elif what == "flood":
    while True:
        sys.stdout.write("x" * 65536)
"#;

fn behaviour_task(name: &str, cases: &[&str]) -> (Scratch, Task) {
    let mut files = vec![(
        "task.toml".to_string(),
        toml(
            "io-behave",
            "python",
            "solution.py",
            cases.len(),
            "cases = \"cases\"\ncase_timeout = \"6s\"",
            "timeout = \"60s\"\nmemory = \"256MiB\"\noutput = \"64KiB\"",
        ),
    )];
    for (i, c) in cases.iter().enumerate() {
        files.push((format!("cases/{i}-{c}.in"), format!("{c}\n")));
        files.push((format!("cases/{i}-{c}.out"), "fine\n".to_string()));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    task(name, &refs)
}

#[tokio::test]
async fn every_per_case_verdict_in_one_execution() {
    let (_s, t) = behaviour_task(
        "io-verdicts",
        &["ok", "wrong", "crash", "slow", "memory", "flood", "ok"],
    );
    for (backend, r) in run_both(&t, "solution.py", BEHAVIOURS).await {
        let why = explain(&r);
        assert_eq!(r.verdict, Verdict::Failed, "{backend:?}: {why}");
        assert!(
            r.reason.contains("2 of 7 cases failed, 2 passed"),
            "{backend:?}: {why}"
        );
        assert_eq!(message(&r, "0-ok"), "");
        assert_eq!(
            message(&r, "1-wrong"),
            "wrong_answer: line 1: expected `fine`, got `not fine`"
        );
        assert_eq!(
            message(&r, "2-crash"),
            "runtime_error: exit code 3: it broke"
        );
        assert!(
            message(&r, "3-slow").starts_with("timeout: killed after 6.0s"),
            "{why}"
        );
        assert!(message(&r, "4-memory").starts_with("memory_limit"), "{why}");
        assert!(message(&r, "5-flood").starts_with("output_limit"), "{why}");
        assert_eq!(
            message(&r, "6-ok"),
            "",
            "cases after the hostile ones still run: {why}"
        );
    }
}

#[tokio::test]
async fn a_case_timeout_inside_an_otherwise_passing_execution() {
    let (_s, t) = behaviour_task("io-case-timeout", &["ok", "slow", "ok"]);
    for (backend, r) in run_both(&t, "solution.py", BEHAVIOURS).await {
        assert_eq!(r.verdict, Verdict::Timeout, "{backend:?}: {}", explain(&r));
        assert!(
            r.reason.starts_with("timeout on case `1-slow`"),
            "{}",
            r.reason
        );
        assert_eq!(r.tests_passed(), 2, "{}", explain(&r));
        assert!(
            r.wall_ms < 20_000,
            "the case's 6s limit ended it, not the execution's 60s"
        );
    }
}

#[tokio::test]
async fn memory_and_output_limits_of_a_case_are_their_verdicts() {
    for (case, verdict) in [
        ("memory", Verdict::MemoryLimit),
        ("flood", Verdict::OutputLimit),
    ] {
        let (_s, t) = behaviour_task(&format!("io-{case}"), &["ok", case]);
        for (backend, r) in run_both(&t, "solution.py", BEHAVIOURS).await {
            assert_eq!(r.verdict, verdict, "{backend:?}: {}", explain(&r));
            assert_eq!(r.tests_passed(), 1);
        }
    }
}

#[tokio::test]
async fn the_executions_own_timeout_keeps_the_cases_already_judged() {
    let (_s, mut t) = behaviour_task("io-overall", &["ok", "ok", "slow", "ok"]);
    t.limits.timeout = std::time::Duration::from_secs(3);
    if let Some(io) = &mut t.io {
        io.case_timeouts = vec![std::time::Duration::from_secs(20); 4];
    }
    for (backend, r) in run_both(&t, "solution.py", BEHAVIOURS).await {
        assert_eq!(r.verdict, Verdict::Timeout, "{backend:?}: {}", explain(&r));
        assert!(r.reason.contains("the execution's limit"), "{}", r.reason);
        let outcomes: Vec<TestOutcome> = r.tests.iter().map(|t| t.outcome).collect();
        assert_eq!(
            outcomes[..2],
            [TestOutcome::Passed, TestOutcome::Passed],
            "{}",
            explain(&r)
        );
        assert_eq!(outcomes[3], TestOutcome::Skipped, "{}", explain(&r));
    }
}

#[tokio::test]
async fn stop_at_first_failure_runs_nothing_after_it() {
    let mut files = vec![(
        "task.toml".to_string(),
        toml(
            "io-stop",
            "python",
            "solution.py",
            4,
            "cases = \"cases\"\ncase_timeout = \"20s\"\nstop_at_first_failure = true",
            "timeout = \"90s\"",
        ),
    )];
    for (i, c) in ["ok", "wrong", "slow", "slow"].iter().enumerate() {
        files.push((format!("cases/{i}.in"), format!("{c}\n")));
        files.push((format!("cases/{i}.out"), "fine\n".into()));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let (_s, t) = task("io-stop", &refs);
    for (backend, r) in run_both(&t, "solution.py", BEHAVIOURS).await {
        assert_eq!(r.verdict, Verdict::Failed, "{backend:?}: {}", explain(&r));
        assert_eq!(r.tests.len(), 4);
        assert_eq!(message(&r, "2"), "not_run");
        assert_eq!(message(&r, "3"), "not_run");
        assert!(
            r.wall_ms < 15_000,
            "the slow cases did not run: {} ms",
            r.wall_ms
        );
    }
}

#[tokio::test]
async fn output_files_args_and_input_files_as_text_csv_and_json() {
    let cases = [
        r#"{"name": "report", "stdin": "", "args": ["data.csv", "a b"], "files": {"data.csv": "x,1\ny,2\n"}, "expected_stdout": "2 rows", "expected_files": {"out/summary.txt": "rows: 2\n", "out/totals.csv": "key,value\nx,0.3333333\ny,0.6666667\n", "out/totals.json": "{\"total\": 3, \"keys\": [\"x\", \"y\"], \"mean\": 1.5}"}, "file_compare": {"out/totals.csv": "csv", "out/totals.json": "json"}}"#,
        r#"{"name": "no-input-files-left", "stdin": "", "args": ["data.csv", "a b"], "expected_stdout": ["missing", "0 rows"]}"#,
    ]
    .join("\n");
    let candidate = r#"import sys, os, json
path, label = sys.argv[1], sys.argv[2]
assert label == "a b", sys.argv
if not os.path.exists(path):
    print("missing")
    sys.exit(0)
rows = [l.split(",") for l in open(path).read().split()]
os.makedirs("out", exist_ok=True)
open("out/summary.txt", "w").write("rows: %d  \n\n" % len(rows))
total = sum(int(v) for _, v in rows)
with open("out/totals.csv", "w") as f:
    f.write("key,value\r\n")
    for k, v in rows:
        f.write("%s,%.9f\r\n" % (k, int(v) / total))
json.dump({"mean": total / len(rows), "keys": [k for k, _ in rows], "total": total}, open("out/totals.json", "w"))
print("%d rows" % len(rows))
"#;
    let (_s, t) = task(
        "io-files",
        &[
            (
                "task.toml",
                &toml(
                    "io-files",
                    "python",
                    "solution.py",
                    2,
                    "cases = \"cases.jsonl\"\nabs_tol = 1e-6",
                    "timeout = \"60s\"",
                ),
            ),
            ("cases.jsonl", &cases),
        ],
    );
    for (backend, r) in run_both(&t, "solution.py", candidate).await {
        assert_eq!(r.verdict, Verdict::Passed, "{backend:?}: {}", explain(&r));
    }
    // A CSV value outside the tolerance and a JSON key missing are wrong answers, named.
    let off = candidate.replace("int(v) / total", "int(v) / total + 0.001");
    for (backend, r) in run_both(&t, "solution.py", &off).await {
        assert_eq!(r.verdict, Verdict::Failed, "{backend:?}: {}", explain(&r));
        assert_eq!(
            message(&r, "report"),
            "wrong_answer: file `out/totals.csv`: row 2, column 2: expected `0.3333333`, got `0.334333333`"
        );
    }
    let no_mean = candidate.replace("\"mean\": total / len(rows), ", "");
    for (backend, r) in run_both(&t, "solution.py", &no_mean).await {
        assert_eq!(
            message(&r, "report"),
            "wrong_answer: file `out/totals.json`: $: key `mean` is missing",
            "{backend:?}: {}",
            explain(&r)
        );
    }
}

/// Case 1 leaves a detached process, files in every writable place and a SysV segment; case 2
/// must see none of them (and case 1's own output files are gone too).
#[tokio::test]
async fn a_background_process_of_one_case_cannot_touch_the_next() {
    let candidate = r#"import os, subprocess, sys, time
case = sys.stdin.read().strip()
marks = ["/tmp/mark", "/work/mark", "/dev/shm/mark", "/tmp/late"]
if case == "1":
    for m in marks[:3]:
        open(m, "w").write("x")
    subprocess.Popen(["setsid", "sh", "-c", "trap '' TERM HUP; sleep 1.5; echo late > /tmp/late; sleep 3007"],
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run(["python3", "-c", "from multiprocessing import shared_memory as s; s.SharedMemory(create=True, size=4096, name='keep')"], check=False)
    print("left")
else:
    time.sleep(2)
    alive = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                if b"3007" in open("/proc/%s/cmdline" % pid, "rb").read():
                    alive.append(pid)
            except OSError:
                pass
    seen = [m for m in marks if os.path.exists(m)]
    print("clean" if not alive and not seen else "seen %s alive %s" % (seen, alive))
"#;
    let (_s, t) = task(
        "io-background",
        &[
            (
                "task.toml",
                &toml(
                    "io-background",
                    "python",
                    "solution.py",
                    2,
                    "cases = \"cases\"\ncase_timeout = \"10s\"",
                    "timeout = \"60s\"",
                ),
            ),
            ("cases/1.in", "1\n"),
            ("cases/1.out", "left\n"),
            ("cases/2.in", "2\n"),
            ("cases/2.out", "clean\n"),
        ],
    );
    for (backend, r) in run_both(&t, "solution.py", candidate).await {
        assert_eq!(r.verdict, Verdict::Passed, "{backend:?}: {}", explain(&r));
    }
}

/// The candidate searches the whole filesystem (and every process's command line and
/// environment it can read) for the expected output and prints it when found. It cannot find
/// it: the verdict is `failed`, and its output shows it found nothing.
#[tokio::test]
async fn the_expected_output_cannot_be_read_from_inside() {
    let candidate = r#"import os, subprocess, sys
needle = "crucible-" + "secret-" + "7f1e" + "9a"
found = subprocess.run(["grep", "-rIl", "-s", "-m1", "--exclude-dir=proc", "--exclude-dir=sys", needle, "/"],
                       capture_output=True, text=True).stdout.split()
for pid in os.listdir("/proc"):
    for f in ("cmdline", "environ"):
        try:
            if needle.encode() in open("/proc/%s/%s" % (pid, f), "rb").read():
                found.append("/proc/%s/%s" % (pid, f))
        except OSError:
            pass
# Its own stdin is the case's input, not the output.
print(needle if found else "not found", found)
"#;
    let (_s, t) = task(
        "io-secret",
        &[
            (
                "task.toml",
                &toml(
                    "io-secret",
                    "python",
                    "solution.py",
                    1,
                    "cases = \"cases\"\ncase_timeout = \"50s\"",
                    "timeout = \"60s\"",
                ),
            ),
            ("cases/only.in", "tell me\n"),
            ("cases/only.out", "crucible-secret-7f1e9a\n"),
        ],
    );
    let spec = execution_spec(
        &t,
        &BTreeMap::from([("solution.py".to_string(), candidate.as_bytes().to_vec())]),
        None,
    )
    .unwrap();
    let payload = String::from_utf8_lossy(spec.payload.bytes()).into_owned();
    assert!(
        !payload.contains("7f1e9a"),
        "the payload holds no expected output"
    );
    for (backend, r) in run_both(&t, "solution.py", candidate).await {
        assert_eq!(r.verdict, Verdict::Failed, "{backend:?}: {}", explain(&r));
        assert!(
            message(&r, "only").contains("got `not found []`"),
            "{backend:?}: {}",
            explain(&r)
        );
    }
}

/// Every sample I/O task: its reference passes with every case, its stub does not pass.
#[tokio::test]
async fn sample_io_tasks_references_pass_and_stubs_fail() {
    let (tasks, errors) =
        crucible::task::load_tasks(&repo_root().join("tasks"), &Limits::default()).unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    let io: Vec<&Task> = tasks.iter().filter(|t| t.io.is_some()).collect();
    assert!(io.len() >= 8, "{} I/O sample tasks", io.len());
    require_image(CPP_IMAGE);
    let sandbox = Sandbox::connect(SandboxPolicy::default(), Backend::Reuse)
        .await
        .unwrap();
    let mut problems = Vec::new();
    for t in io {
        let reference = execution_spec(t, &t.reference_solution().unwrap(), None).unwrap();
        let r = sandbox.run(&reference).await;
        if r.verdict != Verdict::Passed || r.tests_passed() != t.test_cases as usize {
            problems.push(format!("{} reference: {}", t.id, explain(&r)));
        }
        let stub = execution_spec(t, &t.stub_solution().unwrap(), None).unwrap();
        let r = sandbox.run(&stub).await;
        if r.verdict == Verdict::Passed || !r.verdict.is_judgement() {
            problems.push(format!("{} stub: {}", t.id, explain(&r)));
        }
    }
    sandbox.finish().await;
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The sample models' candidates for the I/O tasks get the verdicts EXPECTED.json gives them,
/// and together they show every per-case verdict.
#[tokio::test]
async fn sample_io_candidates_get_their_expected_verdicts() {
    let root = repo_root().join("tasks");
    let (tasks, _) = crucible::task::load_tasks(&root, &Limits::default()).unwrap();
    let expected: BTreeMap<String, BTreeMap<String, String>> = serde_json::from_str(
        &std::fs::read_to_string(root.join("_candidates/EXPECTED.json")).unwrap(),
    )
    .unwrap();
    require_image(CPP_IMAGE);
    let sandbox = Sandbox::connect(SandboxPolicy::default(), Backend::Reuse)
        .await
        .unwrap();
    let (mut problems, mut seen) = (Vec::new(), std::collections::BTreeSet::new());
    for (model, verdicts) in &expected {
        for (task_id, verdict) in verdicts.iter().filter(|(t, _)| t.starts_with("io-")) {
            let t = tasks.iter().find(|t| &t.id == task_id).unwrap();
            let dir = root.join("_candidates").join(model).join(task_id);
            let files = t
                .candidate_files
                .iter()
                .map(|f| (f.clone(), std::fs::read(dir.join(f)).unwrap()))
                .collect();
            let r = sandbox.run(&execution_spec(t, &files, None).unwrap()).await;
            if r.verdict.as_str() != verdict {
                problems.push(format!(
                    "{model}/{task_id}: expected {verdict}, {}",
                    explain(&r)
                ));
            }
            for test in &r.tests {
                let kind = test.message.as_deref().unwrap_or("passed");
                seen.insert(kind.split(':').next().unwrap().to_string());
            }
        }
    }
    sandbox.finish().await;
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    for kind in [
        "passed",
        "wrong_answer",
        "runtime_error",
        "timeout",
        "memory_limit",
        "output_limit",
    ] {
        assert!(
            seen.contains(kind),
            "no sample candidate shows {kind}: {seen:?}"
        );
    }
}

/// The build's outputs are root's once the cases start: case 1 cannot replace the program or
/// the next case's input, so case 2 runs what was built on what the task gave.
#[tokio::test]
async fn a_case_cannot_change_the_program_or_the_next_cases_input() {
    let candidate = r#"#include <cstdio>
#include <unistd.h>
int main() {
    int which = 0;
    if (scanf("%d", &which) != 1) return 2;
    if (which == 1) {
        int changed = 0;
        changed += unlink("/tmp/prog") == 0;
        changed += std::fopen("/tmp/prog", "w") != nullptr;
        changed += std::fopen("/work/.crucible/cases/0001.in", "w") != nullptr;
        changed += unlink("/work/.crucible/cases/0001.in") == 0;
        changed += rename("/tmp/prog", "/tmp/old") == 0;
        printf(changed ? "changed %d\n" : "locked\n", changed);
    } else {
        printf("second %d\n", which);
    }
}
"#;
    let (_s, t) = task(
        "io-locked",
        &[
            (
                "task.toml",
                &toml(
                    "io-locked",
                    "cpp",
                    "solution.cpp",
                    2,
                    "cases = \"cases\"",
                    "timeout = \"60s\"",
                ),
            ),
            ("cases/1.in", "1\n"),
            ("cases/1.out", "locked\n"),
            ("cases/2.in", "2\n"),
            ("cases/2.out", "second 2\n"),
        ],
    );
    for (backend, r) in run_both(&t, "solution.cpp", candidate).await {
        assert_eq!(r.verdict, Verdict::Passed, "{backend:?}: {}", explain(&r));
    }
}
