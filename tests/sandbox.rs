//! The sandbox core against the real daemon, through the real `crucible exec` binary.
mod common;

use common::*;
use serde_json::Value;
use std::time::{Duration, Instant};

struct Exec {
    json: Value,
    code: i32,
    run_id: String,
}

/// `crucible exec --json` with files written into a scratch dir; asserts no container survives.
/// Without a `--timeout` in `extra`, the default 10 s, stretched by the test time scale.
fn exec(files: &[(&str, &str)], extra: &[&str], command: &[&str]) -> Exec {
    require_image(PYTHON_IMAGE);
    let scratch = Scratch::new("exec");
    let run_id = format!("test-{}", uuid::Uuid::new_v4().simple());
    let mut cmd = crucible();
    cmd.args([
        "exec",
        "--json",
        "--image",
        PYTHON_IMAGE,
        "--run-id",
        &run_id,
    ]);
    for (name, content) in files {
        let p = scratch.write(name, content);
        cmd.arg("--file").arg(format!("{}:{name}", p.display()));
    }
    if !extra.contains(&"--timeout") {
        cmd.args(["--timeout", &limit(10)]);
    }
    cmd.args(extra).arg("--").args(command);
    let out = cmd.output().expect("run crucible");
    let json = stdout_json(&out);
    assert_eq!(
        containers_of_run(&run_id),
        Vec::<String>::new(),
        "a container outlived the run"
    );
    Exec {
        code: out.status.code().unwrap_or(-1),
        json,
        run_id,
    }
}

/// `secs` seconds as a `--timeout` value, stretched by the test time scale.
fn limit(secs: u64) -> String {
    format!("{}ms", scaled(Duration::from_secs(secs)).as_millis())
}

fn verdict(e: &Exec) -> &str {
    e.json["verdict"].as_str().unwrap()
}

const ADD: &str = "def add(a, b):\n    return a + b\n";
const TESTS: &str = "from solution import add\n\ndef test_small():\n    assert add(1, 2) == 3\n\ndef test_negative():\n    assert add(-1, 1) == 0\n";
const PYTEST: &[&str] = &[
    "python3",
    "-m",
    "pytest",
    "-q",
    "-p",
    "no:cacheprovider",
    "--junitxml=/tmp/crucible-report",
    "tests",
];
const JUNIT: &[&str] = &[
    "--report",
    "junit",
    "--tests",
    "2",
    "--error-exit-code",
    "2",
];

#[test]
fn a_correct_solution_passes_with_per_test_results() {
    let e = exec(
        &[("solution.py", ADD), ("tests/test_add.py", TESTS)],
        JUNIT,
        PYTEST,
    );
    assert_eq!(verdict(&e), "passed", "{:#}", e.json);
    assert_eq!(e.code, 0);
    assert_eq!(e.json["tests"].as_array().unwrap().len(), 2);
    assert!(
        e.json["cpu_ms"].as_u64().is_some(),
        "cgroup cpu time: {:#}",
        e.json
    );
    assert!(e.json["peak_memory_bytes"].as_u64().unwrap() > 1_000_000);
    assert_eq!(e.json["payload_sha256"].as_str().unwrap().len(), 64);
    assert!(e.json["image_id"].as_str().unwrap().starts_with("sha256:"));
}

#[test]
fn a_wrong_solution_fails() {
    let wrong = "def add(a, b):\n    return abs(a) + b\n";
    let e = exec(
        &[("solution.py", wrong), ("tests/test_add.py", TESTS)],
        JUNIT,
        PYTEST,
    );
    assert_eq!(verdict(&e), "failed", "{:#}", e.json);
    assert_eq!(e.code, 1);
    let outcomes: Vec<&str> = e.json["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["passed", "failed"], "{:#}", e.json);
}

#[test]
fn a_syntax_error_is_an_error_not_a_failure() {
    let broken = "def add(a, b)\n    return a + b\n";
    let e = exec(
        &[("solution.py", broken), ("tests/test_add.py", TESTS)],
        JUNIT,
        PYTEST,
    );
    assert_eq!(verdict(&e), "error", "{:#}", e.json);
    assert_eq!(e.code, 2);
}

#[test]
fn a_forged_pass_line_and_fake_trailer_do_not_pass_a_failing_test() {
    let forger = "import sys\nprint('5 passed in 0.01s')\nprint('\\n@@crucible-trailer@@ v=1 rc=0 cpu_usec= mem_peak= report_len=-1 unpack=ok')\ndef add(a, b):\n    return 0\n";
    let e = exec(
        &[("solution.py", forger), ("tests/test_add.py", TESTS)],
        JUNIT,
        PYTEST,
    );
    assert_eq!(verdict(&e), "failed", "{:#}", e.json);
    // Without pytest's capture: a fake trailer printed by the candidate stays its output.
    let fake = "printf '5 passed\\n\\n@@crucible-trailer@@ v=1 rc=0 cpu_usec= mem_peak= report_len=-1 unpack=ok\\n'; exit 1";
    let e = exec(&[], &[], &["sh", "-c", fake]);
    assert_eq!(verdict(&e), "failed", "{:#}", e.json);
    assert_eq!(e.json["exit_code"], 1);
    assert!(
        e.json["stdout"]["text"]
            .as_str()
            .unwrap()
            .contains("@@crucible-trailer@@ v=1 rc=0")
    );
}

#[test]
fn sleeping_forever_times_out_within_the_limit_plus_a_margin() {
    let started = Instant::now();
    let e = exec(&[], &["--timeout", &limit(2)], &["sleep", "1000"]);
    assert_eq!(verdict(&e), "timeout", "{:#}", e.json);
    assert_eq!(e.code, 3);
    assert!(
        started.elapsed() < scaled(Duration::from_secs(15)),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn allocating_a_gib_under_256_mib_is_a_memory_limit() {
    let hog = "x = bytearray(1 << 30)\nfor i in range(0, len(x), 4096):\n    x[i] = 1\n";
    let e = exec(
        &[("hog.py", hog)],
        &["--memory", "256MiB"],
        &["python3", "hog.py"],
    );
    assert_eq!(verdict(&e), "memory_limit", "{:#}", e.json);
    assert_eq!(e.code, 4);
}

#[test]
fn an_output_flood_is_cut_and_the_harness_stays_small() {
    let started = Instant::now();
    let e = exec(&[], &["--output-limit", "64KiB"], &["yes"]);
    assert_eq!(verdict(&e), "output_limit", "{:#}", e.json);
    assert_eq!(e.code, 5);
    let stdout = &e.json["stdout"];
    assert_eq!(stdout["truncated"], true);
    assert_eq!(stdout["text"].as_str().unwrap().len(), 64 * 1024);
    assert!(started.elapsed() < scaled(Duration::from_secs(20)));
    // The harness's own peak memory: the largest child this test process has waited for.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes into the zeroed struct we own.
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    assert!(
        usage.ru_maxrss < 200 * 1024,
        "a child peaked at {} KiB",
        usage.ru_maxrss
    );
}

#[test]
fn a_fork_bomb_is_contained_by_the_pids_limit() {
    let bomb =
        "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n";
    let e = exec(
        &[("bomb.py", bomb)],
        &["--timeout", &limit(3), "--pids", "64"],
        &["python3", "bomb.py"],
    );
    assert!(["timeout", "failed"].contains(&verdict(&e)), "{:#}", e.json);
    // The host can still start processes and the daemon still answers.
    require_docker();
}

#[test]
fn outbound_connections_fail() {
    let dial = "import socket\ns = socket.socket()\ns.settimeout(2)\ns.connect(('1.1.1.1', 53))\nprint('connected')\n";
    let e = exec(&[("dial.py", dial)], &[], &["python3", "dial.py"]);
    assert_eq!(verdict(&e), "failed", "{:#}", e.json);
    assert!(
        !e.json["stdout"]["text"]
            .as_str()
            .unwrap()
            .contains("connected")
    );
    assert!(
        e.json["stderr"]["text"]
            .as_str()
            .unwrap()
            .contains("Network is unreachable"),
        "{:#}",
        e.json
    );
}

#[test]
fn the_root_filesystem_is_read_only() {
    let e = exec(&[], &[], &["sh", "-c", "touch /usr/evil"]);
    assert_eq!(verdict(&e), "failed", "{:#}", e.json);
    assert!(
        e.json["stderr"]["text"]
            .as_str()
            .unwrap()
            .contains("Read-only file system")
    );
}

#[test]
fn a_daemonised_child_ignoring_sigterm_does_not_outlive_the_run() {
    let marker = format!("crucible-daemon-{}", uuid::Uuid::new_v4().simple());
    let script = format!(
        "(trap '' TERM HUP; exec -a {marker} sleep 1000) >/dev/null 2>&1 &\necho started\n"
    );
    let e = exec(&[("daemon.sh", &script)], &[], &["sh", "daemon.sh"]);
    assert_eq!(verdict(&e), "passed", "{:#}", e.json);
    let ps = std::process::Command::new("ps")
        .args(["-eo", "args"])
        .output()
        .unwrap();
    assert!(
        !String::from_utf8_lossy(&ps.stdout).contains(&marker),
        "the daemonised child survived"
    );
    assert!(e.run_id.starts_with("test-"));
}

#[test]
fn hostile_archives_are_refused_before_any_container_exists() {
    let scratch = Scratch::new("tar");
    for (name, header_path, kind, link) in [
        (
            "traversal",
            "../../etc/cron.d/x",
            tar::EntryType::Regular,
            None,
        ),
        ("absolute", "/etc/passwd", tar::EntryType::Regular, None),
        (
            "symlink",
            "escape",
            tar::EntryType::Symlink,
            Some("/etc/shadow"),
        ),
    ] {
        let mut header = tar::Header::new_gnu();
        header.as_old_mut().name[..header_path.len()].copy_from_slice(header_path.as_bytes());
        header.set_entry_type(kind);
        header.set_mode(0o644);
        header.set_size(0);
        if let Some(l) = link {
            header.set_link_name(l).unwrap();
        }
        header.set_cksum();
        let mut b = tar::Builder::new(Vec::new());
        b.append(&header, std::io::empty()).unwrap();
        let path = scratch.path().join(format!("{name}.tar"));
        std::fs::write(&path, b.into_inner().unwrap()).unwrap();
        let out = crucible()
            .args(["exec", "--json", "--image", "no-such-image-needed", "--tar"])
            .arg(&path)
            .args(["--", "true"])
            .output()
            .unwrap();
        let json = stdout_json(&out);
        assert_eq!(json["verdict"], "invalid_input", "{name}: {json:#}");
        assert_eq!(out.status.code(), Some(6));
        assert!(
            json["container_id"].is_null(),
            "{name}: a container was created"
        );
        let reason = json["reason"].as_str().unwrap();
        assert!(
            reason.contains(header_path),
            "{name}: the message names the entry: {reason}"
        );
    }
}

#[test]
fn a_runtime_the_daemon_lacks_is_refused_not_replaced() {
    require_docker();
    let out = crucible()
        .args([
            "exec",
            "--json",
            "--image",
            PYTHON_IMAGE,
            "--runtime",
            "no-such-runtime",
            "--",
            "true",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7));
    assert!(String::from_utf8_lossy(&out.stderr).contains("refusing to fall back"));
}

#[test]
fn gvisor_runs_the_same_tests_when_offered() {
    require_docker();
    let runtimes = std::process::Command::new("docker")
        .args(["info", "--format", "{{json .Runtimes}}"])
        .output()
        .unwrap();
    if !String::from_utf8_lossy(&runtimes.stdout).contains("runsc") {
        assert!(
            std::env::var("CI").is_err(),
            "CI machines register runsc (scripts/ensure-docker)"
        );
        eprintln!("skipping: the daemon offers no runsc");
        return;
    }
    let e = exec(
        &[("solution.py", ADD), ("tests/test_add.py", TESTS)],
        &[&["--runtime", "runsc"], JUNIT].concat(),
        PYTEST,
    );
    assert_eq!(verdict(&e), "passed", "{:#}", e.json);
    assert_eq!(e.json["runtime"], "runsc");
}

#[test]
fn stdin_is_closed_so_reading_it_does_not_hang() {
    let e = exec(
        &[("read.py", "input()\n")],
        &["--timeout", &limit(10)],
        &["python3", "read.py"],
    );
    assert_eq!(verdict(&e), "failed", "{:#}", e.json);
    assert!(
        e.json["stderr"]["text"]
            .as_str()
            .unwrap()
            .contains("EOFError")
    );
}

#[test]
fn gc_removes_orphans_of_dead_processes_and_spares_others() {
    require_image(PYTHON_IMAGE);
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .unwrap()
        .trim()
        .to_string();
    let create = |owner: &str| {
        let out = std::process::Command::new("docker")
            .args([
                "create",
                "--label",
                &format!("crucible.owner={owner}"),
                "--label",
                &format!("crucible.host={host}"),
            ])
            .args(["--label", "crucible.created=0", PYTHON_IMAGE, "true"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    // pid 999999999 cannot be alive; the uuid part makes it a crucible-written owner.
    let orphan = create(&format!("999999999-{}", uuid::Uuid::new_v4().simple()));
    let live = create(&format!(
        "{}-{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    let out = crucible().arg("gc").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains(&orphan[..12]),
        "the orphan is named: {stdout}"
    );
    assert!(
        !stdout.contains(&live[..12]),
        "a live process's container is spared: {stdout}"
    );
    let all = crucible_containers();
    assert!(!all.iter().any(|id| orphan.starts_with(id.as_str())));
    assert!(all.iter().any(|id| live.starts_with(id.as_str())));
    // (`gc --all` would also take other tests' live containers: remove ours by id.)
    std::process::Command::new("docker")
        .args(["rm", "-f", &live])
        .output()
        .unwrap();
}

#[test]
fn doctor_reports_the_daemon_runtimes_and_images() {
    require_image(PYTHON_IMAGE);
    let out = crucible().arg("doctor").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    for what in [
        "daemon",
        "API",
        "cgroups",
        "runtimes",
        "crucible/python:latest",
        "free under",
    ] {
        assert!(stdout.contains(what), "{what}: {stdout}");
    }
}
