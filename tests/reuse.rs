//! Reuse mode against the real daemon: consecutive executions in one slot container must not
//! see anything of each other (processes, files, IPC, environment).
mod common;
use common::*;
use crucible::execution::{ExecutionResult, ExecutionSpec, Executor, Expectation};
use crucible::limits::Limits;
use crucible::sandbox::{Backend, Payload, PayloadLimits, Sandbox, SandboxPolicy};
use crucible::verdict::Verdict;
use std::collections::BTreeMap;
use std::time::Duration;

/// `timeout` is stretched by the test time scale.
fn spec(script: &str, timeout: Duration) -> ExecutionSpec {
    let files = BTreeMap::from([("input.txt".to_string(), b"payload\n".to_vec())]);
    ExecutionSpec {
        image: PYTHON_IMAGE.into(),
        command: vec!["/bin/sh".into(), "-c".into(), script.into()],
        payload: Payload::from_layers(&[&files], &PayloadLimits::default(), &|_| false).unwrap(),
        limits: Limits {
            timeout: scaled(timeout),
            ..Limits::default()
        },
        // Judged by exit code: 0 is `passed`.
        expectation: Expectation::default(),
        split: None,
        run_id: None,
        task_id: Some("reuse-test".into()),
    }
}

async fn reuse_sandbox() -> Sandbox {
    require_image(PYTHON_IMAGE);
    Sandbox::connect(SandboxPolicy::default(), Backend::Reuse)
        .await
        .unwrap()
}

/// Run `first` then `second` in the same slot; both results.
async fn consecutive(first: &str, second: &str) -> (ExecutionResult, ExecutionResult) {
    let sandbox = reuse_sandbox().await;
    let a = sandbox.run(&spec(first, Duration::from_secs(20))).await;
    let b = sandbox.run(&spec(second, Duration::from_secs(20))).await;
    sandbox.finish().await;
    assert_eq!(
        a.container_id, b.container_id,
        "both executions must have run in the same slot container: {a:?} / {b:?}"
    );
    (a, b)
}

fn explain(r: &ExecutionResult) -> String {
    format!(
        "verdict {:?} ({}), stdout {:?}, stderr {:?}",
        r.verdict, r.reason, r.stdout.text, r.stderr.text
    )
}

/// Succeeds when a process whose command line is exactly `sleep 3007` exists (not this shell,
/// whose own text merely mentions it).
const FIND_SLEEPER: &str = "{ found=1; for d in /proc/[0-9]*; do \
    c=$(tr '\\0' ' ' <$d/cmdline 2>/dev/null); \
    if [ \"$c\" = 'sleep 3007 ' ]; then echo \"alive: $d\"; found=0; fi; done; \
    [ $found = 0 ]; }";

#[tokio::test]
async fn a_background_process_does_not_survive_into_the_next_execution() {
    let (a, b) = consecutive(
        // Daemonised, ignoring SIGTERM/SIGHUP, in its own session; looked for every 0.1 s until
        // it shows (3 s, time-scaled: an emulated host takes a while to exec it).
        &format!(
            "setsid sh -c 'trap \"\" TERM HUP; exec sleep 3007' </dev/null >/dev/null 2>&1 & \
             i=0; while [ $i -lt {polls} ]; do {FIND_SLEEPER} && exit 0; sleep 0.1; i=$((i+1)); \
             done; exit 1",
            polls = scaled(Duration::from_secs(3)).as_millis() / 100
        ),
        &format!("{FIND_SLEEPER} && exit 1; exit 0"),
    )
    .await;
    assert_eq!(a.verdict, Verdict::Passed, "first: {}", explain(&a));
    assert_eq!(b.verdict, Verdict::Passed, "second: {}", explain(&b));
}

#[tokio::test]
async fn files_in_work_tmp_and_dev_shm_do_not_survive() {
    let (a, b) = consecutive(
        "echo s > /work/secret && echo s > /tmp/secret && echo s > /dev/shm/secret && \
         mkdir -p /tmp/locked/deep && echo s > /tmp/locked/deep/f && chmod 000 /tmp/locked && \
         echo s > /tmp/.hidden && python3 -c \"from multiprocessing import shared_memory as m; \
         m.SharedMemory(name='leak', create=True, size=4096)\" && ls /dev/shm | grep -q leak && \
         mkdir /work/mine && echo s > /work/mine/f && chmod 000 /work/mine; \
         chmod 000 /work 2>/dev/null; [ -e /work/secret ]",
        "for f in /work/secret /tmp/secret /dev/shm/secret /tmp/locked /tmp/.hidden \
         /dev/shm/leak; do if [ -e $f ]; then echo \"left: $f\"; exit 1; fi; done; \
         [ \"$(ls -A /work)\" = input.txt ] || { ls -A /work; exit 1; }",
    )
    .await;
    assert_eq!(a.verdict, Verdict::Passed, "first: {}", explain(&a));
    assert_eq!(b.verdict, Verdict::Passed, "second: {}", explain(&b));
}

#[tokio::test]
async fn sysv_ipc_objects_do_not_survive() {
    let (a, b) = consecutive(
        "ipcmk -M 4096 && ipcmk -Q && [ $(wc -l </proc/sysvipc/shm) -gt 1 ]",
        "for q in shm msg sem; do if [ $(wc -l </proc/sysvipc/$q) -gt 1 ]; then \
         cat /proc/sysvipc/$q; exit 1; fi; done",
    )
    .await;
    assert_eq!(a.verdict, Verdict::Passed, "first: {}", explain(&a));
    assert_eq!(b.verdict, Verdict::Passed, "second: {}", explain(&b));
}

#[tokio::test]
async fn an_environment_change_does_not_survive() {
    let (a, b) = consecutive(
        "export LEAKED=1; echo 'export LEAKED=1' >> $HOME/.profile; \
         echo 'export LEAKED=1' > /tmp/.bashrc; [ \"$LEAKED\" = 1 ]",
        "[ -z \"${LEAKED:-}\" ] && [ ! -e $HOME/.profile ] && [ \"$HOME\" = /tmp ] && \
         [ \"$CRUCIBLE_REPORT\" = /tmp/crucible-report ]",
    )
    .await;
    assert_eq!(a.verdict, Verdict::Passed, "first: {}", explain(&a));
    assert_eq!(b.verdict, Verdict::Passed, "second: {}", explain(&b));
}

/// Runs `first` (which must end in `verdict`) and then a check in the same slot: the slot
/// survived, and nothing of `first` is alive or left in /work.
async fn then_the_slot_is_clean(first: ExecutionSpec, verdict: Verdict) {
    let sandbox = reuse_sandbox().await;
    let a = sandbox.run(&first).await;
    assert_eq!(a.verdict, verdict, "first: {}", explain(&a));
    let mut check = first.clone();
    check.command = vec![
        "/bin/sh".into(),
        "-c".into(),
        format!("{FIND_SLEEPER} && exit 1; [ \"$(ls -A /work)\" = input.txt ]"),
    ];
    let b = sandbox.run(&check).await;
    sandbox.finish().await;
    assert_eq!(b.verdict, Verdict::Passed, "second: {}", explain(&b));
    assert_eq!(
        a.container_id, b.container_id,
        "the slot must have survived the first execution"
    );
}

#[tokio::test]
async fn a_timeout_kills_the_execution_and_the_slot_serves_the_next_one_clean() {
    let started = std::time::Instant::now();
    then_the_slot_is_clean(
        spec(
            "setsid sleep 3007 & echo junk > /work/junk; sleep 600",
            Duration::from_secs(2),
        ),
        Verdict::Timeout,
    )
    .await;
    assert!(started.elapsed() < scaled(Duration::from_secs(20)));
}

#[tokio::test]
async fn an_output_flood_is_cut_and_the_slot_serves_the_next_one_clean() {
    then_the_slot_is_clean(
        spec("setsid sleep 3007 & yes", Duration::from_secs(20)),
        Verdict::OutputLimit,
    )
    .await;
}

#[tokio::test]
async fn a_memory_limit_is_judged_per_execution_and_the_slot_serves_the_next_one_clean() {
    let mut hog = spec(
        "python3 -c 'x = bytearray(1 << 30)'",
        Duration::from_secs(20),
    );
    hog.limits.memory_bytes = 64 << 20;
    then_the_slot_is_clean(hog, Verdict::MemoryLimit).await;
}

#[tokio::test]
async fn candidate_code_cannot_signal_trace_or_write_through_the_supervisor() {
    // The candidate holds no capability. Every process that is not the sandbox uid's (tini,
    // the supervisor) must refuse a signal, the reading of its environment and memory, and the
    // writing of its stdout.
    let probe = "grep -q '^CapEff:[[:space:]]*0000000000000000$' /proc/self/status \
        && grep -q '^CapPrm:[[:space:]]*0000000000000000$' /proc/self/status \
        || { grep Cap /proc/self/status; exit 1; }; \
        n=0; for d in /proc/[0-9]*; do \
        grep -q '^Uid:[[:space:]]*10001' $d/status 2>/dev/null && continue; n=$((n+1)); \
        p=${d#/proc/}; \
        kill -9 $p 2>/dev/null && { echo \"signalled $p\"; exit 1; }; \
        kill -STOP $p 2>/dev/null && { echo \"stopped $p\"; exit 1; }; \
        cat $d/environ >/dev/null 2>&1 && { echo \"read environ of $p\"; exit 1; }; \
        head -c 1 $d/mem >/dev/null 2>&1 && { echo \"read mem of $p\"; exit 1; }; \
        echo DONE forged >$d/fd/1 2>/dev/null && { echo \"wrote to stdout of $p\"; exit 1; }; \
        done; [ $n -ge 2 ] || { echo \"saw only $n foreign processes\"; exit 1; }";
    let (a, b) = consecutive(probe, "true").await;
    assert_eq!(a.verdict, Verdict::Passed, "first: {}", explain(&a));
    assert_eq!(b.verdict, Verdict::Passed, "second: {}", explain(&b));
}

#[tokio::test]
async fn slots_are_removed_when_the_run_finishes() {
    let sandbox = reuse_sandbox().await;
    let r = sandbox.run(&spec("true", Duration::from_secs(20))).await;
    assert_eq!(r.verdict, Verdict::Passed, "{}", explain(&r));
    let id = r.container_id.clone().expect("a slot container");
    sandbox.finish().await;
    let gone = std::process::Command::new("docker")
        .args(["inspect", &id])
        .output()
        .unwrap();
    assert!(
        !gone.status.success(),
        "slot {id} still exists after finish_removals"
    );
}
