//! `crucible tasks list|validate` and task-level hostility, through the real binary.
mod common;

use common::*;

#[test]
fn the_sample_benchmark_validates() {
    require_image(PYTHON_IMAGE);
    let out = crucible()
        .args(["tasks", "validate"])
        .arg(repo_root().join("tasks"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("54 tasks checked, 0 problem(s)"),
        "{stdout}"
    );
    for lang in ["python", "node", "go", "rust", "java", "cpp"] {
        let prefix = match lang {
            "python" => "py-",
            other => other,
        };
        assert!(
            stdout
                .lines()
                .filter(|l| l.starts_with("ok") && l.contains(prefix))
                .count()
                >= 5,
            "{lang}: {stdout}"
        );
    }
}

#[test]
fn validate_catches_a_suite_that_tests_nothing_and_a_wrong_reference() {
    require_image(PYTHON_IMAGE);
    let scratch = Scratch::new("validate");
    let (tasks, _) = python_benchmark(scratch.path(), 3, 0.0);
    // add-001: tests that pass whatever the solution is.
    std::fs::write(
        tasks.join("add-001/tests/test_add.py"),
        "def test_a():\n    assert True\n\ndef test_b():\n    pass\n",
    )
    .unwrap();
    // add-002: a reference that is wrong.
    std::fs::write(
        tasks.join("add-002/reference/solution.py"),
        "def add(a, b):\n    return a * b\n",
    )
    .unwrap();
    let out = crucible()
        .args(["tasks", "validate"])
        .arg(&tasks)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let line = |id: &str| {
        stdout
            .lines()
            .find(|l| l.contains(id))
            .unwrap_or_default()
            .to_string()
    };
    assert!(line("add-000").starts_with("ok"), "{stdout}");
    assert!(line("add-001").contains("stub solution passes"), "{stdout}");
    assert!(
        line("add-002").contains("reference solution: failed"),
        "{stdout}"
    );
}

#[test]
fn validate_record_writes_the_reference_names_and_a_renamed_test_is_then_reported() {
    require_image(PYTHON_IMAGE);
    let scratch = Scratch::new("validate-record");
    let (tasks, _) = python_benchmark(scratch.path(), 1, 0.0);
    let validate = |extra: &[&str]| {
        crucible()
            .args(["tasks", "validate"])
            .args(extra)
            .arg(&tasks)
            .output()
            .unwrap()
    };
    let out = validate(&["--record"]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("2 names recorded"), "{stdout}");
    let recorded = std::fs::read_to_string(tasks.join("add-000/expected_tests.txt")).unwrap();
    let names: Vec<&str> = recorded.lines().collect();
    assert_eq!(names.len(), 2, "{recorded}");
    assert!(names[0] < names[1], "sorted: {recorded}");
    assert!(recorded.contains("test_small") && recorded.contains("test_negative"));
    assert_eq!(validate(&[]).status.code(), Some(0));

    let test_file = tasks.join("add-000/tests/test_add.py");
    let renamed = std::fs::read_to_string(&test_file)
        .unwrap()
        .replace("test_small", "test_tiny");
    std::fs::write(&test_file, renamed).unwrap();
    let out = validate(&[]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let line = stdout.lines().find(|l| l.contains("add-000")).unwrap();
    assert!(
        line.starts_with("FAILED") && line.contains("test_tiny"),
        "{stdout}"
    );
}

#[test]
fn a_malformed_task_toml_is_named_with_file_and_line() {
    let scratch = Scratch::new("malformed");
    scratch.write(
        "tasks/broken/task.toml",
        "id = \"broken\"\ntitle = \"t\"\nprice_usd = \"a lot\"\nlanguage = \"python\"\n",
    );
    scratch.write("tasks/unknown-field/task.toml", "id = \"x\"\ncolour = 1\n");
    let out = crucible()
        .args(["tasks", "list"])
        .arg(scratch.path().join("tasks"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("broken/task.toml:3:"),
        "names file and line: {stderr}"
    );
    assert!(
        stderr.contains("unknown-field/task.toml:2:") && stderr.contains("colour"),
        "{stderr}"
    );
}

#[test]
fn a_planted_all_pass_report_does_not_turn_a_failure_into_a_pass() {
    require_image(PYTHON_IMAGE);
    let scratch = Scratch::new("planted");
    let (tasks, cands) = python_benchmark(scratch.path(), 1, 0.0);
    // The candidate overwrites the runner's report at exit with one claiming every test passed.
    let planted = r#"import atexit, os
FAKE = '<testsuites><testsuite name="pytest" tests="2"><testcase classname="t" name="a"/><testcase classname="t" name="b"/></testsuite></testsuites>'
def plant():
    with open(os.environ["CRUCIBLE_REPORT"], "w") as f:
        f.write(FAKE)
atexit.register(plant)
def add(a, b):
    return a - b
"#;
    std::fs::write(cands.join("good/add-000/solution.py"), planted).unwrap();
    let store = scratch.path().join("p.db");
    let out = crucible()
        .args(["run", "--models", "good", "--run-id", "planted", "--tasks"])
        .arg(&tasks)
        .arg("--candidates")
        .arg(&cands)
        .arg("--store")
        .arg(&store)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = crucible()
        .args(["report", "--format", "json", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let model = &json["models"][0];
    assert_eq!(model["tasks_solved"], 0, "{model:#}");
    assert_eq!(model["verdicts"]["failed"], 1, "{model:#}");
}

#[test]
fn config_file_sets_defaults_that_env_and_flags_override() {
    let scratch = Scratch::new("config");
    let cfg = scratch.write("crucible.toml", "[run]\nstore = \"from-file.db\"\n");
    // `report --list` on the store named by the file: the file's path appears in the error.
    let out = crucible()
        .env("CRUCIBLE_CONFIG", &cfg)
        .args(["report"])
        .current_dir(scratch.path())
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("from-file.db"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = crucible()
        .env("CRUCIBLE_CONFIG", &cfg)
        .env("CRUCIBLE_STORE", "from-env.db")
        .args(["report"])
        .current_dir(scratch.path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("from-env.db"));
    let out = crucible()
        .env("CRUCIBLE_CONFIG", &cfg)
        .env("CRUCIBLE_STORE", "from-env.db")
        .args(["report", "--store", "from-flag.db"])
        .current_dir(scratch.path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("from-flag.db"));
    let bad = scratch.write("bad.toml", "[run]\ncolour = 1\n");
    let out = crucible()
        .env("CRUCIBLE_CONFIG", &bad)
        .arg("doctor")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown key `run.colour`"));
}
