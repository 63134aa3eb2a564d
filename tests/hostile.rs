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
            timeout: Duration::from_secs(20),
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
