//! Custom checker programs and function-call cases, against the real daemon in both backends.
//! The checker judges in an execution of its own; a call's value is compared in crucible.
mod common;
use common::*;
use crucible::execution::{ExecutionResult, Executor};
use crucible::limits::Limits;
use crucible::sandbox::{Backend, Sandbox, SandboxPolicy};
use crucible::task::{Task, execution_spec};
use crucible::verdict::Verdict;
use std::collections::BTreeMap;

fn task(name: &str, files: &[(&str, &str)]) -> (Scratch, Task) {
    let scratch = Scratch::new(name);
    for (path, content) in files {
        scratch.write(path, content);
    }
    let task = Task::load(scratch.path(), &Limits::default()).unwrap();
    (scratch, task)
}

fn toml(language: &str, file: &str, cases: usize, io: &str) -> String {
    format!(
        "id = \"t\"\ntitle = \"t\"\nlanguage = \"{language}\"\nprice_usd = 1\ndescription = \"d\"\n\
         test_cases = {cases}\n[candidate]\nfiles = [\"{file}\"]\n[io]\n{io}\n[limits]\ntimeout = \"60s\"\n"
    )
}

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
    let cases: Vec<String> = r
        .cases
        .iter()
        .map(|c| {
            format!(
                "{} {:?} {:?} stderr {:?}",
                c.name, c.verdict, c.message, c.stderr.text
            )
        })
        .collect();
    format!("verdict {} ({}); cases: {cases:?}", r.verdict, r.reason)
}

fn verdicts(r: &ExecutionResult) -> Vec<&'static str> {
    r.cases.iter().map(|c| c.verdict.as_str()).collect()
}

/// Any pair of numbers summing to the input is right: only a program can judge that. The
/// checker reads testlib's three paths; case `b`'s answer file is what a stdout check would
/// wrongly demand.
const PAIR_CHECKER: &str = r#"import sys
n = int(open(sys.argv[1]).read())
out = open(sys.argv[2]).read().split()
answer = open(sys.argv[3]).read().split()
if len(out) != 2 or not all(t.lstrip("-").isdigit() for t in out):
    sys.stderr.write("wrong answer: expected two integers, got %r\n" % out[:3])
    sys.exit(1)
a, b = map(int, out)
if a + b != n or a < 0 or b < 0:
    sys.stderr.write("wrong answer: %d + %d != %d\n" % (a, b, n))
    sys.exit(1)
assert len(answer) == 2
sys.stderr.write("ok %d + %d\n" % (a, b))
"#;

fn pair_task(name: &str, checker: &str) -> (Scratch, Task) {
    task(
        name,
        &[
            (
                "task.toml",
                &toml(
                    "python",
                    "solution.py",
                    3,
                    "cases = \"cases\"\nchecker = \"custom\"\n[io.custom_checker]\nfiles = [\"checker/\"]",
                ),
            ),
            ("checker/check.py", checker),
            ("cases/a.in", "10\n"),
            ("cases/a.out", "5 5\n"),
            ("cases/b.in", "7\n"),
            ("cases/b.out", "3 4\n"),
            ("cases/c.in", "0\n"),
            ("cases/c.out", "0 0\n"),
        ],
    )
}

#[tokio::test]
async fn a_custom_checker_accepts_any_right_answer_and_explains_a_wrong_one() {
    let (_s, t) = pair_task("io-check-pair", PAIR_CHECKER);
    assert!(
        !t.files.keys().any(|f| f.starts_with("checker/")),
        "the checker's files never go to the candidate: {:?}",
        t.files.keys()
    );
    let right = "n = int(input())\nprint(n, 0)\n";
    for (backend, r) in run_both(&t, "solution.py", right).await {
        assert_eq!(r.verdict, Verdict::Passed, "{backend:?}: {}", explain(&r));
    }
    let wrong = "n = int(input())\nprint(n, 1 if n == 7 else 0)\n";
    for (backend, r) in run_both(&t, "solution.py", wrong).await {
        assert_eq!(r.verdict, Verdict::Failed, "{backend:?}: {}", explain(&r));
        assert_eq!(verdicts(&r), ["passed", "wrong_answer", "passed"]);
        assert_eq!(
            r.cases[1].message.as_deref(),
            Some("wrong answer: 7 + 1 != 7"),
            "{backend:?}"
        );
    }
    // A crash is the candidate's runtime error; the checker is not asked.
    let crash = "n = int(input())\nif n == 0: raise SystemExit(3)\nprint(n, 0)\n";
    for (backend, r) in run_both(&t, "solution.py", crash).await {
        assert_eq!(
            verdicts(&r),
            ["passed", "passed", "runtime_error"],
            "{backend:?}: {}",
            explain(&r)
        );
    }
}

/// The candidate plants what would fool a checker running beside it: a `sys` module in the
/// working directory, files in /tmp, a process left behind. The checker runs elsewhere.
#[tokio::test]
async fn nothing_the_candidate_leaves_reaches_the_checker() {
    let (_s, t) = pair_task("io-check-isolated", PAIR_CHECKER);
    let planter = r#"import os, subprocess
for d in ("/tmp", "/work", "/dev/shm"):
    try:
        open(os.path.join(d, "check.py"), "w").write("import sys; sys.exit(0)\n")
        open(os.path.join(d, "answer"), "w").write("0 0\n")
    except OSError:
        pass
subprocess.Popen(["sh", "-c", "sleep 30"], start_new_session=True)
print("nonsense")
"#;
    for (backend, r) in run_both(&t, "solution.py", planter).await {
        assert_eq!(r.verdict, Verdict::Failed, "{backend:?}: {}", explain(&r));
        assert!(
            r.cases.iter().all(|c| c.verdict.as_str() == "wrong_answer"),
            "{backend:?}: {}",
            explain(&r)
        );
    }
}

#[tokio::test]
async fn a_broken_checker_makes_an_error_never_a_pass() {
    let right = "n = int(input())\nprint(n, 0)\n";
    // testlib's exit codes: 0 ok, 1 wrong answer, 2 presentation error, 3 the checker failed.
    for (name, checker, says) in [
        ("io-check-fail", "import sys; sys.exit(3)\n", "exit code 3"),
        (
            "io-check-crash",
            "import sys\nsys.stderr.write('boom')\nsys.exit(4)\n",
            "exit code 4: boom",
        ),
        (
            "io-check-hang",
            "import time; time.sleep(60)\n",
            "time limit",
        ),
    ] {
        let (_s, mut t) = pair_task(name, checker);
        t.io.as_mut()
            .unwrap()
            .custom_checker
            .as_mut()
            .unwrap()
            .timeout_ms = 1000;
        for (backend, r) in run_both(&t, "solution.py", right).await {
            assert_eq!(
                r.verdict,
                Verdict::Error,
                "{name} {backend:?}: {}",
                explain(&r)
            );
            assert!(
                r.reason.contains("the task's checker could not judge") && r.reason.contains(says),
                "{name} {backend:?}: {}",
                r.reason
            );
        }
    }
}

const CALLS: &str = r#"{"call": "top_k", "args": [[3, 1, 2], 2], "expected": [3, 2]}
{"name": "kwargs", "call": "top_k", "args": [[5, 5, 1]], "kwargs": {"k": 1}, "expected": [5]}
{"name": "mean", "call": "mean", "args": [[1, 2]], "expected": 1.5}
{"name": "big", "call": "square", "args": [3037000499], "expected": 9223372030926249001}
"#;

#[tokio::test]
async fn python_function_calls_are_compared_as_values_outside_the_container() {
    let (_s, t) = task(
        "io-calls-py",
        &[
            (
                "task.toml",
                &toml("python", "solution.py", 4, "cases = \"cases.jsonl\""),
            ),
            ("cases.jsonl", CALLS),
        ],
    );
    let right = r#"
def top_k(xs, k=1):
    print("debugging output goes to stderr")
    return tuple(sorted(xs, reverse=True)[:k])
def mean(xs):
    return sum(xs) / len(xs)
def square(n):
    return n * n
"#;
    for (backend, r) in run_both(&t, "solution.py", right).await {
        assert_eq!(r.verdict, Verdict::Passed, "{backend:?}: {}", explain(&r));
        assert_eq!(r.cases[0].name, "top_k-1");
    }
    // Off by one in the last digit of a big integer is wrong, whatever the tolerance; an
    // exception is a runtime error; a value JSON cannot hold is one too.
    let wrong = right
        .replace("return n * n", "return n * n + 1")
        .replace("return sum(xs) / len(xs)", "raise ValueError('empty')")
        .replace(
            "return tuple(sorted(xs, reverse=True)[:k])",
            "return set(xs) if k == 1 else sorted(xs, reverse=True)[:k]",
        );
    for (backend, r) in run_both(&t, "solution.py", &wrong).await {
        assert_eq!(
            verdicts(&r),
            ["passed", "runtime_error", "runtime_error", "wrong_answer"],
            "{backend:?}: {}",
            explain(&r)
        );
        assert!(
            r.cases[1]
                .message
                .as_deref()
                .unwrap()
                .contains("returned a set"),
            "{}",
            explain(&r)
        );
        assert!(
            r.cases[2]
                .message
                .as_deref()
                .unwrap()
                .contains("ValueError: empty"),
            "{}",
            explain(&r)
        );
    }
}

#[tokio::test]
async fn node_function_calls_await_promises() {
    let (_s, t) = task(
        "io-calls-node",
        &[
            (
                "task.toml",
                &toml("node", "solution.js", 2, "cases = \"cases.jsonl\""),
            ),
            (
                "cases.jsonl",
                "{\"call\": \"add\", \"args\": [1, 2], \"expected\": 3}\n{\"call\": \"later\", \"args\": [\"x\"], \"expected\": {\"got\": \"x\"}}\n",
            ),
        ],
    );
    let right = "exports.add = (a, b) => { console.log('noise'); return a + b; };\nexports.later = async (v) => ({ got: v });\n";
    for (backend, r) in run_both(&t, "solution.js", right).await {
        assert_eq!(r.verdict, Verdict::Passed, "{backend:?}: {}", explain(&r));
    }
    let wrong = right.replace("a + b", "a - b");
    for (backend, r) in run_both(&t, "solution.js", &wrong).await {
        assert_eq!(
            verdicts(&r),
            ["wrong_answer", "passed"],
            "{backend:?}: {}",
            explain(&r)
        );
        assert_eq!(r.cases[0].message.as_deref(), Some("$: expected 3, got -1"));
    }
}
