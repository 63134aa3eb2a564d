//! deploy/slurm/crucible-workers.sbatch on a real single-node Slurm cluster: `scripts/slurm-check`
//! installs Slurm and munge when missing, starts its own slurmctld/slurmd/munged, enqueues a
//! small run into a fresh PostgreSQL database, runs it with a 2-task array job of
//! `crucible worker`s on the real Docker daemon and checks every verdict (~1 minute).
mod common;
use common::*;
use std::process::Command;

#[test]
fn slurm_array_job_of_workers_runs_a_queued_run() {
    require_docker();
    require_image("crucible/python:latest");
    let root_user = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    if !root_user {
        // slurmd runs the jobs as root here (they use the Docker daemon); CI runs as root.
        assert!(
            std::env::var("CI").is_err(),
            "CI is set but this test is not root: scripts/slurm-check needs root"
        );
        eprintln!("skipping: scripts/slurm-check needs root (slurmd runs the jobs)");
        return;
    }
    let out = Command::new(repo_root().join("scripts/slurm-check"))
        .env("CRUCIBLE_BIN", env!("CARGO_BIN_EXE_crucible"))
        .output()
        .expect("run scripts/slurm-check");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "scripts/slurm-check failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    assert!(stdout.contains("slurm-check: OK"), "{stdout}\n{stderr}");
    eprintln!("{stdout}");
}
