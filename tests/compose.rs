//! deploy/compose end to end: `scripts/compose-check` builds the local images, brings up
//! PostgreSQL, two workers and `crucible serve` with Debian's docker-compose, runs a small queued
//! run through them on the real Docker daemon, checks every verdict and serve's /healthz and
//! dashboard, then `down -v` and checks nothing of the project is left (~30 s after the build).
mod common;
use common::*;
use std::process::Command;

#[test]
fn compose_stack_runs_a_queued_run_and_leaves_nothing() {
    require_docker();
    require_image("crucible/python:latest");
    require_image("crucible/base:bookworm");
    let out = Command::new(repo_root().join("scripts/compose-check"))
        .env("CRUCIBLE_BIN", env!("CARGO_BIN_EXE_crucible"))
        .output()
        .expect("run scripts/compose-check");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "scripts/compose-check failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    assert!(stdout.contains("compose-check: OK"), "{stdout}\n{stderr}");
    eprintln!("{stdout}");
}
