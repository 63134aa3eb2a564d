//! `src/harness/calls.py` on the host, wired exactly as the in-container supervisor wires it:
//! the judge and the worker are two processes in the task's directory, the judge reading replies
//! on fd 3 and writing requests on fd 4, the worker the other way round, the judge's report to
//! `$CRUCIBLE_REPORT` (absent from the worker's environment). The execution ends when the judge
//! exits; the worker is then killed.
//!
//! Needs `python3` (3.11; `CRUCIBLE_TEST_PYTHON` chooses another). Pytest-mode tests need a
//! python3 with pytest (Debian's `python3-pytest`, as in the image). The suite tests read
//! `../shared/data`; under CI (`CI` set) missing data or pytest fail, elsewhere they skip with a
//! printed reason.
//!
//! Full MBPP (974 references, ~2 min on 2 idle cores): `CRUCIBLE_FULL_MBPP=1 cargo test --test
//! calls_harness mbpp -- --nocapture`. Cost figures: `cargo test --release --test calls_harness
//! cost -- --ignored --nocapture`.
use std::collections::BTreeMap;
use std::fs::File;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

const HARNESS: &str = include_str!("../src/harness/calls.py");
/// Address-space cap of the worker: a memory blow-up becomes a MemoryError, not a host OOM.
const WORKER_MEMORY: u64 = 1 << 30;

fn in_ci() -> bool {
    std::env::var_os("CI").is_some()
}

/// Skip (print why) outside CI; fail under CI.
fn unavailable(why: &str) {
    if in_ci() {
        panic!("{why}: CI must provide it");
    }
    eprintln!("skipping: {why}");
}

/// The real interpreter behind `python3` (resolved once: a version-manager shim costs hundreds
/// of ms per start, which would swamp the figures).
fn python() -> Option<PathBuf> {
    static PY: OnceLock<Option<PathBuf>> = OnceLock::new();
    PY.get_or_init(|| {
        let given = std::env::var("CRUCIBLE_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
        real_executable(&given)
    })
    .clone()
}

fn real_executable(python: &str) -> Option<PathBuf> {
    let out = Command::new(python)
        .args(["-I", "-c", "import sys; print(sys.executable)"])
        .output()
        .ok()?;
    let path = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !path.is_empty()).then(|| PathBuf::from(path))
}

/// A python3 that has pytest: `python3` itself, else Debian's (where `python3-pytest` puts it).
fn python_with_pytest() -> Option<PathBuf> {
    static PY: OnceLock<Option<PathBuf>> = OnceLock::new();
    PY.get_or_init(|| {
        let mut choices: Vec<PathBuf> = python().into_iter().collect();
        choices.extend(real_executable("/usr/bin/python3"));
        choices.into_iter().find(|py| {
            Command::new(py)
                .args(["-I", "-c", "import pytest"])
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
    })
    .clone()
}

fn shared_data() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    if dir.is_dir() {
        return Some(dir);
    }
    unavailable(&format!("{} not found", dir.display()));
    None
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crucible-calls-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// How one execution ended.
#[derive(Debug)]
struct Outcome {
    /// The judge's exit code; None when the driver's timeout killed it.
    code: Option<i32>,
    report: String,
    judge_output: String,
    wall: Duration,
}

impl Outcome {
    fn passed(&self) -> bool {
        self.code == Some(0)
    }
    fn pass_lines(&self) -> usize {
        self.report
            .lines()
            .filter(|l| l.starts_with("PASS "))
            .count()
    }
}

fn pipe() -> (OwnedFd, OwnedFd) {
    let mut fds = [0; 2];
    // Close-on-exec: each child gets only what pre_exec puts on fds 3 and 4.
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
}

/// Put `read` on fd 3 and `write` on fd 4 in the child (via high numbers first, so a pipe end
/// already numbered 3 or 4 is not overwritten), optionally with an address-space cap.
fn wire(cmd: &mut Command, read: &OwnedFd, write: &OwnedFd, memory: Option<u64>) {
    let (r, w) = (read.as_raw_fd(), write.as_raw_fd());
    unsafe {
        cmd.pre_exec(move || {
            let hi_r = libc::fcntl(r, libc::F_DUPFD_CLOEXEC, 10);
            let hi_w = libc::fcntl(w, libc::F_DUPFD_CLOEXEC, 10);
            if hi_r < 0 || hi_w < 0 || libc::dup2(hi_r, 3) < 0 || libc::dup2(hi_w, 4) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            if let Some(bytes) = memory {
                let lim = libc::rlimit {
                    rlim_cur: bytes,
                    rlim_max: bytes,
                };
                libc::setrlimit(libc::RLIMIT_AS, &lim);
            }
            Ok(())
        });
    }
}

/// Run one execution in `dir` (which holds the task's files and the candidate): the harness is
/// copied to `.crucible/calls.py`, as crucible adds it to every kind = "calls" payload.
fn run_calls(py: &Path, dir: &Path, spec: &str, timeout: Duration) -> Outcome {
    std::fs::create_dir_all(dir.join(".crucible")).unwrap();
    std::fs::write(dir.join(".crucible/calls.py"), HARNESS).unwrap();
    run_entry(py, dir, spec, timeout, Path::new(".crucible/calls.py"))
}

/// [`run_calls`] with another harness file (a compiled `calls.pyc`, for the cost figures).
fn run_entry(py: &Path, dir: &Path, spec: &str, timeout: Duration, entry: &Path) -> Outcome {
    let out_dir = dir.with_extension("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    let report = out_dir.join("report");
    let _ = std::fs::remove_file(&report);
    // A `sleep` that returns at once: a candidate's detached "daemon" must not outlive the test.
    let bin = out_dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::write(bin.join("sleep"), "#!/bin/sh\nexit 0\n").unwrap();
    std::fs::set_permissions(
        bin.join("sleep"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );

    let (judge_read, worker_write) = pipe(); // replies: worker -> judge
    let (worker_read, judge_write) = pipe(); // requests: judge -> worker
    let start = Instant::now();
    let mut worker = Command::new(py);
    worker
        .arg("-I")
        .arg(entry)
        .args(["worker", spec])
        .current_dir(dir)
        .env_remove("CRUCIBLE_REPORT")
        .env("PATH", &path)
        .stdin(Stdio::null())
        .stdout(File::create(out_dir.join("worker.out")).unwrap())
        .stderr(File::create(out_dir.join("worker.err")).unwrap())
        .process_group(0);
    wire(
        &mut worker,
        &worker_read,
        &worker_write,
        Some(WORKER_MEMORY),
    );
    let mut worker = worker.spawn().expect("start the worker");
    let mut judge = Command::new(py);
    judge
        .arg("-I")
        .arg(entry)
        .args(["judge", spec])
        .current_dir(dir)
        .env("CRUCIBLE_REPORT", &report)
        .stdin(Stdio::null())
        .stdout(File::create(out_dir.join("judge.out")).unwrap())
        .stderr(File::create(out_dir.join("judge.err")).unwrap());
    wire(&mut judge, &judge_read, &judge_write, None);
    let mut judge = judge.spawn().expect("start the judge");
    drop((judge_read, worker_write, worker_read, judge_write));

    let code = wait_for(&mut judge, timeout);
    // The supervisor kills the worker when the judge exits (its whole process group here).
    unsafe { libc::kill(-(worker.id() as i32), libc::SIGKILL) };
    let _ = worker.wait();
    let wall = start.elapsed();
    let read = |p: PathBuf| std::fs::read_to_string(p).unwrap_or_default();
    Outcome {
        code,
        report: read(report),
        judge_output: read(out_dir.join("judge.out")) + &read(out_dir.join("judge.err")),
        wall,
    }
}

fn wait_for(child: &mut Child, timeout: Duration) -> Option<i32> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status.code().unwrap_or(-1));
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// `f` over `items` on `threads` threads, results in order.
fn parallel<T: Sync, R: Send>(items: &[T], threads: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = Mutex::new(0usize);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = {
                        let mut n = next.lock().unwrap();
                        let i = *n;
                        *n += 1;
                        i
                    };
                    if i >= items.len() {
                        break;
                    }
                    let r = f(&items[i]);
                    results.lock().unwrap()[i] = Some(r);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap()
        .into_iter()
        .map(Option::unwrap)
        .collect()
}

// ------------------------------------------------------------------------------------------
// Imported suites: every reference passes across the boundary.
// ------------------------------------------------------------------------------------------

struct Imported {
    dir: PathBuf,
    id: String,
    test_cases: usize,
    timeout: Duration,
}

/// Import a suite with crucible's importer and put each reference in place as the candidate.
fn import_suite(suite: crucible::suites::Suite, file: &Path, out: &Path) -> Vec<Imported> {
    let summary = crucible::suites::import(suite, file, out).expect("import");
    assert!(summary.errors.is_empty(), "{:?}", summary.errors);
    summary
        .written
        .iter()
        .map(|dir| {
            let toml: toml::Value =
                toml::from_str(&std::fs::read_to_string(dir.join("task.toml")).unwrap()).unwrap();
            assert_eq!(toml["judge"]["kind"].as_str(), Some("calls"), "{dir:?}");
            assert_eq!(toml["judge"]["spec"].as_str(), Some("calls.json"));
            assert!(toml.get("test_command").is_none());
            for entry in std::fs::read_dir(dir.join("reference")).unwrap() {
                let entry = entry.unwrap();
                std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
            }
            let timeout = toml["limits"]["timeout"].as_str().unwrap();
            let secs: u64 = timeout.trim_end_matches('s').parse().unwrap();
            Imported {
                dir: dir.clone(),
                id: toml["id"].as_str().unwrap().to_string(),
                test_cases: toml["test_cases"].as_integer().unwrap() as usize,
                // Host margin over the task's limit (interpreter start-up, a busy machine).
                timeout: Duration::from_secs(secs * 4),
            }
        })
        .collect()
}

/// Run the references; returns (passed, failures described, seconds).
fn run_references(py: &Path, tasks: &[Imported]) -> (usize, Vec<String>, f64) {
    let start = Instant::now();
    let outcomes = parallel(tasks, 2, |t| run_calls(py, &t.dir, "calls.json", t.timeout));
    let mut failures = Vec::new();
    for (t, o) in tasks.iter().zip(&outcomes) {
        if !(o.passed() && o.pass_lines() == t.test_cases) {
            failures.push(format!(
                "{}: code {:?}, report {:?}\n{}",
                t.id,
                o.code,
                o.report,
                tail(&o.judge_output)
            ));
        }
    }
    (
        outcomes.len() - failures.len(),
        failures,
        start.elapsed().as_secs_f64(),
    )
}

fn tail(text: &str) -> &str {
    &text[text.len().saturating_sub(1500)..]
}

#[test]
fn humaneval_references_all_pass_across_the_boundary() {
    let (Some(py), Some(data)) = (python(), shared_data()) else {
        return unavailable("python3");
    };
    let out = scratch("humaneval");
    let tasks = import_suite(
        crucible::suites::Suite::HumanEval,
        &data.join("humaneval/HumanEval.jsonl.gz"),
        &out,
    );
    assert_eq!(tasks.len(), 164);
    let (passed, failures, secs) = run_references(&py, &tasks);
    eprintln!("HumanEval: {passed}/164 passed across the boundary in {secs:.1}s");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn humaneval_x_python_references_all_pass_across_the_boundary() {
    let (Some(py), Some(data)) = (python(), shared_data()) else {
        return unavailable("python3");
    };
    let out = scratch("hx-python");
    let tasks = import_suite(
        crucible::suites::Suite::HumanEvalX(crucible::task::Language::Python),
        &data.join("humaneval-x/humaneval_python.jsonl.gz"),
        &out,
    );
    assert_eq!(tasks.len(), 164);
    // The prelude runs in both processes, so it is a visible file.
    assert!(tasks[0].dir.join("prelude.py").is_file());
    let (passed, failures, secs) = run_references(&py, &tasks);
    eprintln!("HumanEval-X python: {passed}/164 passed across the boundary in {secs:.1}s");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    std::fs::remove_dir_all(&out).unwrap();
}

/// MBPP: a deterministic sample of about 150 problems (every 6th, plus the problems with test
/// setup code, a builtin-named function, a type argument and a slow reference... except the
/// slow one), or all 974 with `CRUCIBLE_FULL_MBPP=1`.
#[test]
fn mbpp_references_pass_across_the_boundary() {
    let (Some(py), Some(data)) = (python(), shared_data()) else {
        return unavailable("python3");
    };
    let out = scratch("mbpp");
    let mut tasks = import_suite(
        crucible::suites::Suite::Mbpp,
        &data.join("mbpp/mbpp.jsonl"),
        &out,
    );
    assert_eq!(tasks.len(), 974);
    let full = std::env::var_os("CRUCIBLE_FULL_MBPP").is_some();
    if !full {
        let special = ["mbpp/126", "mbpp/367", "mbpp/533", "mbpp/927"];
        tasks = tasks
            .into_iter()
            .enumerate()
            .filter(|(i, t)| i % 6 == 0 || special.contains(&t.id.as_str()))
            .filter(|(_, t)| t.id != "mbpp/123")
            .map(|(_, t)| t)
            .collect();
    }
    let (passed, failures, secs) = run_references(&py, &tasks);
    eprintln!(
        "MBPP{}: {passed}/{} passed across the boundary in {secs:.1}s",
        if full { "" } else { " sample" },
        tasks.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    std::fs::remove_dir_all(&out).unwrap();
}

// ------------------------------------------------------------------------------------------
// Hostile candidates (tests/hostile/python): never a pass; the two correct ones pass.
// ------------------------------------------------------------------------------------------

const HOSTILE_CASES: &[(&str, &str)] = &[
    (
        "add",
        "assert add(2, 3) == 5\nassert add(10**20, 1) == 10**20 + 1\n\
         assert add('a', 'b') == 'ab'\nassert add(2, 3) != 6\n",
    ),
    (
        "evens",
        "assert list(evens([1, 2, 3, 4, 6])) == [2, 4, 6]\n\
         assert list(evens([2, 4])) == [2, 4]\nassert 4 in evens([1, 4, 5, 7])\n",
    ),
    (
        "stack",
        "s = Stack()\ns.push(1)\ns.push(2)\nassert s.size() == 2\nassert s.pop() == 2\n\
         assert s.pop() == 1\nassert s.size() == 0\n",
    ),
    (
        "sort",
        "xs = [3, 1, 2]\nassert sort_in_place(xs) is None\nassert xs == [1, 2, 3]\n",
    ),
    ("module", "assert math.sqrt(add(7, 9)) == 4.0\n"),
    (
        "errors",
        "try:\n    add(1, None)\nexcept TypeError:\n    pass\nelse:\n    \
         raise AssertionError('add(1, None) must raise TypeError')\n",
    ),
];

/// The contract in pytest mode (shared with the container hostile suite).
const HOSTILE_PYTEST: &str = include_str!("hostile/contract_test.py");

fn hostile_fixtures() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile/python");
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            assert!(
                text.starts_with("# family: "),
                "{} must say its family on line 1",
                p.display()
            );
            (p.file_stem().unwrap().to_string_lossy().into_owned(), text)
        })
        .collect();
    out.sort();
    assert!(out.len() >= 15, "{out:?}");
    out
}

fn hostile_task(dir: &Path, candidate: &str, pytest: bool) {
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    std::fs::write(dir.join("solution.py"), candidate).unwrap();
    let spec = if pytest {
        std::fs::write(dir.join("tests/test_contract.py"), HOSTILE_PYTEST).unwrap();
        serde_json::json!({"mode": "pytest", "module": "solution", "candidate": "solution.py",
                           "tests": ["tests/test_contract.py"]})
    } else {
        let mut cases = Vec::new();
        for (name, code) in HOSTILE_CASES {
            let file = format!("tests/{name}.py");
            std::fs::write(dir.join(&file), code).unwrap();
            cases.push(serde_json::json!({"name": name, "file": file}));
        }
        serde_json::json!({"mode": "script", "module": "solution", "candidate": "solution.py",
                           "cases": cases})
    };
    std::fs::write(dir.join("calls.json"), spec.to_string()).unwrap();
}

fn check_hostile(py: &Path, pytest: bool) {
    let out = scratch(if pytest { "hostile-pytest" } else { "hostile" });
    let fixtures = hostile_fixtures();
    let results = parallel(&fixtures, 2, |(name, text)| {
        let dir = out.join(name);
        hostile_task(&dir, text, pytest);
        let timeout = if name == "infinite_loop" { 3 } else { 30 };
        run_calls(py, &dir, "calls.json", Duration::from_secs(timeout))
    });
    let mut table = BTreeMap::new();
    let mut wrong = Vec::new();
    for ((name, _), o) in fixtures.iter().zip(&results) {
        let verdict = match o.code {
            None => "timeout",
            Some(0) => "passed",
            Some(1) => "failed",
            Some(2) => "error (did not load)",
            Some(_) => "harness error",
        };
        table.insert(name.as_str(), verdict);
        let should_pass = name.starts_with("ok_");
        let fine = if should_pass {
            o.passed()
        } else {
            // Never a pass, and never because the harness itself broke.
            matches!(o.code, None | Some(1) | Some(2))
        };
        if !fine {
            wrong.push(format!(
                "{name}: {verdict}; report {:?}\n{}",
                o.report,
                tail(&o.judge_output)
            ));
        }
        if !pytest && o.code.is_some() {
            // The judge wrote its own report; nothing the candidate wrote reached it.
            let lines: Vec<&str> = o.report.lines().collect();
            assert_eq!(lines.len(), HOSTILE_CASES.len(), "{name}: {:?}", o.report);
        }
    }
    eprintln!(
        "hostile ({}): {table:#?}",
        if pytest { "pytest" } else { "script" }
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn hostile_candidates_never_pass_in_script_mode() {
    let Some(py) = python() else {
        return unavailable("python3");
    };
    check_hostile(&py, false);
}

#[test]
fn hostile_candidates_never_pass_in_pytest_mode() {
    let Some(py) = python_with_pytest() else {
        return unavailable("a python3 with pytest (Debian: python3-pytest)");
    };
    check_hostile(&py, true);
}

/// Named failures the judge reports for the boundary's own cases.
#[test]
fn the_judge_explains_a_candidate_that_ended_or_lied() {
    let Some(py) = python() else {
        return unavailable("python3");
    };
    let out = scratch("explain");
    let fixtures: BTreeMap<String, String> = hostile_fixtures().into_iter().collect();
    let expect = [
        (
            "exit_in_call",
            1,
            "candidate process ended: it exited: SystemExit(0)",
        ),
        (
            "os_exit",
            1,
            "candidate process ended: it exited or closed its channel",
        ),
        ("exit_at_import", 2, "the candidate does not load"),
        ("garbage_fd4", 2, "malformed reply"),
        ("huge_message", 1, "the limit is 64 MiB"),
        ("huge_value", 1, "larger than 64 MiB"),
        ("always_equal", 1, "AssertionError"),
    ];
    for (name, code, needle) in expect {
        let dir = out.join(name);
        hostile_task(&dir, &fixtures[name], false);
        let o = run_calls(&py, &dir, "calls.json", Duration::from_secs(30));
        assert_eq!(o.code, Some(code), "{name}: {o:?}");
        assert!(o.report.contains(needle), "{name}: {:?}", o.report);
    }
    std::fs::remove_dir_all(&out).unwrap();
}

// ------------------------------------------------------------------------------------------
// The sample benchmark's python tasks (pytest mode) keep their verdicts.
// ------------------------------------------------------------------------------------------

#[test]
fn sample_python_tasks_keep_their_expected_verdicts() {
    let Some(py) = python_with_pytest() else {
        return unavailable("a python3 with pytest (Debian: python3-pytest)");
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tasks");
    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("_candidates/EXPECTED.json")).unwrap(),
    )
    .unwrap();
    let out = scratch("sample");
    let mut runs = Vec::new(); // (label, task dir, candidate dir, expected verdict)
    for entry in std::fs::read_dir(&root).unwrap() {
        let task = entry.unwrap().path();
        let id = task.file_name().unwrap().to_string_lossy().into_owned();
        if !id.starts_with("py-") {
            continue;
        }
        runs.push((
            format!("reference/{id}"),
            task.clone(),
            task.join("reference"),
            "passed".to_string(),
        ));
        for (model, verdicts) in expected.as_object().unwrap() {
            if let Some(v) = verdicts.get(&id) {
                let cand = root.join("_candidates").join(model).join(&id);
                runs.push((
                    format!("{model}/{id}"),
                    task.clone(),
                    cand,
                    v.as_str().unwrap().to_string(),
                ));
            }
        }
    }
    assert!(runs.len() >= 5 + 13, "{}", runs.len());
    let results = parallel(&runs, 2, |(label, task, cand, want)| {
        let dir = out.join(label.replace('/', "--"));
        copy_dir(task, &dir);
        let _ = std::fs::remove_dir_all(dir.join("reference"));
        copy_dir(cand, &dir);
        let toml: toml::Value =
            toml::from_str(&std::fs::read_to_string(task.join("task.toml")).unwrap()).unwrap();
        assert_eq!(toml["judge"]["kind"].as_str(), Some("calls"), "{label}");
        assert_eq!(toml["report"].as_str(), Some("junit"), "{label}");
        let spec = toml["judge"]["spec"].as_str().unwrap().to_string();
        let o = run_calls(py.as_path(), &dir, &spec, Duration::from_secs(20));
        let tests = toml["test_cases"].as_integer().unwrap();
        (label.clone(), want.clone(), o, tests)
    });
    let mut wrong = Vec::new();
    for (label, want, o, tests) in &results {
        // Host stand-ins for the container's verdicts: the worker's address-space cap turns a
        // memory blow-up into a MemoryError (a failed test, in the container the OOM record).
        let got = match o.code {
            None => "timeout",
            Some(0) => "passed",
            Some(1) => "failed",
            Some(2..=5) => "error",
            Some(_) => "harness error",
        };
        let ok = match want.as_str() {
            "memory_limit" => got == "failed",
            w => got == w,
        };
        if got == "passed" {
            let count = o.report.matches("<testcase ").count() as i64;
            if count != *tests {
                wrong.push(format!(
                    "{label}: {count} test cases in the report, {tests} declared"
                ));
            }
        }
        if !ok {
            wrong.push(format!(
                "{label}: expected {want}, got {got}\n{}",
                tail(&o.judge_output)
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    std::fs::remove_dir_all(&out).unwrap();
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

// ------------------------------------------------------------------------------------------
// Cost: ms per execution, in-process run.py vs the boundary (HumanEval references).
// ------------------------------------------------------------------------------------------

#[test]
#[ignore = "a measurement: cargo test --test calls_harness cost -- --ignored --nocapture"]
fn cost_per_execution_in_process_vs_boundary() {
    let (Some(py), Some(data)) = (python(), shared_data()) else {
        return unavailable("python3");
    };
    let file = data.join("humaneval/HumanEval.jsonl.gz");
    let calls = scratch("cost-calls");
    let inproc = scratch("cost-inproc");
    let tasks = import_suite(crucible::suites::Suite::HumanEval, &file, &calls);
    crucible::suites::import_judged(
        crucible::suites::Suite::HumanEval,
        &file,
        &inproc,
        crucible::suites::JudgeKind::InProcess,
    )
    .unwrap();
    // The harness compiled once (as an image or a slot could ship it): no per-run compile.
    let pyc = calls.join("calls.pyc");
    std::fs::write(calls.join("calls.py"), HARNESS).unwrap();
    let status = Command::new(&py)
        .args([
            "-I",
            "-c",
            "import py_compile, sys; py_compile.compile(sys.argv[1], sys.argv[2], doraise=True)",
        ])
        .arg(calls.join("calls.py"))
        .arg(&pyc)
        .status()
        .unwrap();
    assert!(status.success());
    let mut boundary = Vec::new();
    let mut compiled = Vec::new();
    let mut in_process = Vec::new();
    for t in &tasks {
        let o = run_calls(&py, &t.dir, "calls.json", t.timeout);
        assert!(o.passed(), "{}: {o:?}", t.id);
        boundary.push(o.wall);
        let o = run_entry(&py, &t.dir, "calls.json", t.timeout, &pyc);
        assert!(o.passed(), "{}: {o:?}", t.id);
        compiled.push(o.wall);
        let dir = inproc.join(t.dir.file_name().unwrap());
        std::fs::copy(t.dir.join("solution.py"), dir.join("solution.py")).unwrap();
        let start = Instant::now();
        let status = Command::new(&py)
            .args(["-I", "tests/run.py", "tests/cases.json"])
            .current_dir(&dir)
            .env("CRUCIBLE_REPORT", dir.join("report"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        in_process.push(start.elapsed());
        assert!(status.success(), "{}", t.id);
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2].as_secs_f64() * 1000.0
    };
    let mean = |v: &Vec<Duration>| {
        v.iter().map(Duration::as_secs_f64).sum::<f64>() * 1000.0 / v.len() as f64
    };
    eprintln!(
        "HumanEval, one execution at a time: in-process run.py median {:.1} ms (mean {:.1}), \
         boundary median {:.1} ms (mean {:.1}), boundary with calls.pyc median {:.1} ms \
         (mean {:.1})",
        median(&mut in_process),
        mean(&in_process),
        median(&mut boundary),
        mean(&boundary),
        median(&mut compiled),
        mean(&compiled)
    );
    std::fs::remove_dir_all(&calls).unwrap();
    std::fs::remove_dir_all(&inproc).unwrap();
}
