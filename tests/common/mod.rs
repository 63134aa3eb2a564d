//! Helpers shared by the integration tests: the real binary, the real daemon.
#![allow(dead_code)]
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

pub const PYTHON_IMAGE: &str = "crucible/python:latest";

/// Fail loudly (never skip) when the daemon or an image is missing: these tests exist to run
/// real containers.
pub fn require_docker() {
    let ok = Command::new("docker")
        .args(["info", "--format", "{{.ServerVersion}}"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        ok,
        "Docker is unreachable: run scripts/ensure-docker (or `make test`, which does)"
    );
}

pub fn require_image(image: &str) {
    require_docker();
    let ok = Command::new("docker")
        .args(["image", "inspect", image])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(ok, "image {image} is missing: run `make images`");
}

/// A test's wall-clock limit or time bound, stretched by `CRUCIBLE_TEST_TIME_SCALE` (default 1):
/// under emulation (scripts/cgroup2-vm sets it) everything runs 10-50x slower, and a limit that
/// fails for speed alone says nothing about the sandbox. Only limits and bounds go through
/// here, never what a test checks: a timeout stays a timeout, just a longer one.
pub fn scaled(limit: Duration) -> Duration {
    let scale = match std::env::var("CRUCIBLE_TEST_TIME_SCALE") {
        Err(_) => 1.0,
        Ok(text) => match text.trim().parse::<f64>() {
            Ok(s) if s.is_finite() && s >= 1.0 => s,
            _ => panic!(
                "CRUCIBLE_TEST_TIME_SCALE={text:?} is not a number >= 1: unset it or give e.g. 10"
            ),
        },
    };
    limit.mul_f64(scale)
}

pub fn crucible() -> Command {
    Command::new(env!("CARGO_BIN_EXE_crucible"))
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh scratch directory under target/, removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        let dir = repo_root()
            .join("target/test-scratch")
            .join(format!("{name}-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    pub fn write(&self, rel: &str, content: &str) -> PathBuf {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, content).unwrap();
        p
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Containers (any state) labelled with this run id.
pub fn containers_of_run(run_id: &str) -> Vec<String> {
    containers_labelled(&format!("crucible.run={run_id}"))
}

/// All crucible containers (any state).
pub fn crucible_containers() -> Vec<String> {
    containers_labelled("crucible.owner")
}

fn containers_labelled(label: &str) -> Vec<String> {
    let out = Command::new("docker")
        .args(["ps", "-aq", "--filter", &format!("label={label}")])
        .output()
        .expect("docker ps");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

pub fn stdout_json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

pub fn shared_data() -> Option<PathBuf> {
    let dir = repo_root().join("../shared/data");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").is_err(),
        "CI is set but ../shared/data is missing beside the repository"
    );
    eprintln!("skipping: ../shared/data is not beside this checkout");
    None
}

/// A small python benchmark: `n` tasks `add-<i>` whose tests check `add(a, b)`; `sleep` seconds
/// of sleep in every test (to keep containers in flight); candidates for model `good` (correct)
/// and `bad` (wrong for negatives). Returns (tasks dir, candidates dir).
pub fn python_benchmark(root: &Path, n: usize, sleep: f64) -> (PathBuf, PathBuf) {
    let tasks = root.join("tasks");
    let cands = root.join("candidates");
    for i in 0..n {
        let id = format!("add-{i:03}");
        let dir = tasks.join(&id);
        std::fs::create_dir_all(dir.join("tests")).unwrap();
        std::fs::create_dir_all(dir.join("reference")).unwrap();
        std::fs::write(
            dir.join("task.toml"),
            format!(
                "id = \"{id}\"\ntitle = \"Add two numbers ({i})\"\nlanguage = \"python\"\nprice_usd = {}\n\
                 description = \"add(a, b) returns the sum\"\ntest_cases = 2\n\
                 [candidate]\nfiles = [\"solution.py\"]\n[limits]\ntimeout = \"20s\"\n",
                10 * (i + 1)
            ),
        )
        .unwrap();
        std::fs::write(
            dir.join("tests/test_add.py"),
            format!(
                "import time\nfrom solution import add\n\ndef test_small():\n    time.sleep({sleep})\n    assert add(1, 2) == 3\n\n\
                 def test_negative():\n    assert add(-{i}, 1) == {}\n",
                1 - i as i64
            ),
        )
        .unwrap();
        std::fs::write(
            dir.join("reference/solution.py"),
            "def add(a, b):\n    return a + b\n",
        )
        .unwrap();
        for (model, body) in [("good", "return a + b"), ("bad", "return abs(a) + b")] {
            let c = cands.join(model).join(&id);
            std::fs::create_dir_all(&c).unwrap();
            std::fs::write(
                c.join("solution.py"),
                format!("def add(a, b):\n    {body}\n"),
            )
            .unwrap();
        }
    }
    (tasks, cands)
}

/// A fresh, empty PostgreSQL database for one test (dropped with the guard), on the server
/// `scripts/ensure-postgres` starts (or `CRUCIBLE_TEST_POSTGRES` names). Under CI a missing
/// server fails the test; elsewhere the test is skipped with the reason.
pub struct PgDatabase {
    admin: String,
    name: String,
    pub url: String,
}

pub fn postgres_database(tag: &str) -> Option<PgDatabase> {
    let out = Command::new(repo_root().join("scripts/ensure-postgres"))
        .output()
        .expect("run scripts/ensure-postgres");
    if !out.status.success() {
        let why = String::from_utf8_lossy(&out.stderr);
        assert!(
            std::env::var("CI").is_err(),
            "CI is set but PostgreSQL is unavailable: {why}"
        );
        eprintln!("skipping: no PostgreSQL ({why})");
        return None;
    }
    let admin = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let name = format!(
        "crucible_test_{tag}_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    );
    psql(&admin, &format!("CREATE DATABASE {name}"));
    let base = admin.rsplit_once('/').expect("a database in the URL").0;
    Some(PgDatabase {
        url: format!("{base}/{name}"),
        admin,
        name,
    })
}

fn psql(url: &str, sql: &str) {
    let out = Command::new("psql")
        .args([url, "-v", "ON_ERROR_STOP=1", "-Atqc", sql])
        .output()
        .expect("run psql");
    assert!(
        out.status.success(),
        "psql `{sql}`: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let _ = Command::new("psql")
            .args([
                &self.admin,
                "-Atqc",
                &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
            ])
            .output();
    }
}
