//! The figures read from the container's cgroup (peak memory, CPU time, OOM kills) are right in
//! both modes, on whichever cgroup version the host has: `scripts/cgroup2-vm` runs this file on
//! a cgroup v2 guest, `make test` on the host's own. The bounds are loose on the side of
//! overhead (interpreter, harness, page cache, an emulated CPU) and tight on the side that would
//! show a wrong source: a slot's earlier execution, or a sample that missed the peak.
mod common;
use common::*;
use crucible::execution::{ExecutionResult, ExecutionSpec, Executor, Expectation};
use crucible::limits::{Limits, MIB};
use crucible::sandbox::{Backend, Payload, PayloadLimits, Sandbox, SandboxPolicy};
use crucible::verdict::Verdict;
use std::collections::BTreeMap;
use std::time::Duration;

/// What the interpreter, the harness and the page cache may add to a peak.
const OVERHEAD: u64 = 128 * MIB;

fn spec(script: &str) -> ExecutionSpec {
    let files = BTreeMap::from([("figures.py".to_string(), script.as_bytes().to_vec())]);
    ExecutionSpec {
        image: PYTHON_IMAGE.into(),
        command: vec!["python3".into(), "figures.py".into()],
        payload: Payload::from_layers(&[&files], &PayloadLimits::default(), &|_| false).unwrap(),
        limits: Limits {
            // Generous: under emulation (the cgroup v2 VM) python alone takes seconds.
            timeout: Duration::from_secs(180),
            memory_bytes: 512 * MIB,
            ..Limits::default()
        },
        expectation: Expectation::default(),
        split: None,
        run_id: None,
        task_id: Some("cgroup-figures".into()),
    }
}

/// Touch `mib` MiB and hold it `secs` seconds (long enough for any sampling to see it).
fn hold(mib: u64, secs: f64) -> String {
    format!("import time\nx = b'\\x01' * ({mib} << 20)\ntime.sleep({secs})\n")
}

/// Touch `mib` MiB in one memset and free it at once: a peak a 50 ms sample can miss
/// (it samples the climb), then linger so the process's end is not the peak.
fn spike(mib: u64) -> String {
    format!("import time\nx = b'\\x01' * ({mib} << 20)\ndel x\ntime.sleep(0.3)\n")
}

/// Spin until the process has used `secs` seconds of CPU; print that CPU time in ms.
fn burn(secs: f64) -> String {
    format!(
        "import time\nwhile time.process_time() < {secs}:\n    pass\nprint(int(time.process_time() * 1000))\n"
    )
}

async fn sandbox(backend: Backend) -> Sandbox {
    require_image(PYTHON_IMAGE);
    Sandbox::connect(SandboxPolicy::default(), backend)
        .await
        .unwrap()
}

/// Run the specs in order in one sandbox (in reuse mode: one slot, asserted).
async fn run_all(backend: Backend, specs: &[ExecutionSpec]) -> Vec<ExecutionResult> {
    let sandbox = sandbox(backend).await;
    let mut results = Vec::new();
    for s in specs {
        results.push(sandbox.run(s).await);
    }
    sandbox.finish().await;
    // The figures, for the record (`--nocapture` shows them; docs/portability.md quotes them).
    for r in &results {
        eprintln!("{backend:?}: {}", explain(r));
    }
    if backend == Backend::Reuse {
        let ids: Vec<_> = results.iter().map(|r| r.container_id.clone()).collect();
        assert!(
            ids.windows(2).all(|w| w[0] == w[1]),
            "all executions must have run in one slot container: {ids:?}"
        );
    }
    results
}

fn explain(r: &ExecutionResult) -> String {
    format!(
        "verdict {:?} ({}), cpu_ms {:?}, peak {:?} MiB, stdout {:?}, stderr {:?}",
        r.verdict,
        r.reason,
        r.cpu_ms,
        r.peak_memory_bytes.map(|b| b / MIB),
        r.stdout.text,
        r.stderr.text
    )
}

fn peak_mib(r: &ExecutionResult) -> u64 {
    assert_eq!(r.verdict, Verdict::Passed, "{}", explain(r));
    r.peak_memory_bytes
        .unwrap_or_else(|| panic!("no peak memory: {}", explain(r)))
        / MIB
}

fn assert_peak_near(r: &ExecutionResult, mib: u64) {
    let peak = peak_mib(r);
    assert!(
        peak >= mib && peak <= mib + OVERHEAD / MIB,
        "touched {mib} MiB, peak said {peak} MiB: {}",
        explain(r)
    );
}

#[tokio::test]
async fn a_fresh_container_reports_the_peak_it_touched() {
    let r = run_all(Backend::Fresh, &[spec(&hold(200, 0.5)), spec(&spike(300))]).await;
    assert_peak_near(&r[0], 200);
    assert_peak_near(&r[1], 300);
}

#[tokio::test]
async fn a_slot_reports_each_execution_s_own_peak() {
    let r = run_all(
        Backend::Reuse,
        &[
            spec(&hold(200, 0.5)),
            // Below the slot's high-water mark: must not be reported as 200.
            spec(&hold(50, 1.0)),
            // Above it, too briefly for sampling: the raised mark is this execution's.
            spec(&spike(300)),
            spec(&hold(20, 1.0)),
        ],
    )
    .await;
    assert_peak_near(&r[0], 200);
    assert_peak_near(&r[1], 50);
    assert_peak_near(&r[2], 300);
    assert_peak_near(&r[3], 20);
}

/// CPU time is at least what the process itself used, within a sane factor of it (not a unit
/// off), and not a slot's running total: the second execution's figure stays below the first's
/// plus its own use, which a running total could not.
async fn cpu_time_is_per_execution(backend: Backend) {
    let r = run_all(backend, &[spec(&burn(1.5)), spec(&burn(0.3))]).await;
    let mut figures = Vec::new();
    for (res, floor) in r.iter().zip([1500, 300]) {
        assert_eq!(res.verdict, Verdict::Passed, "{}", explain(res));
        let own: u64 = res.stdout.text.trim().parse().unwrap();
        let cgroup = res
            .cpu_ms
            .unwrap_or_else(|| panic!("no CPU time: {}", explain(res)));
        assert!(own >= floor, "{}", explain(res));
        // The harness and the unpacking add some, more under emulation (the cgroup v2 VM, whose
        // guest counts the time the busy host's scheduler takes from it as CPU time): the margin
        // is time-scaled.
        let margin = scaled(Duration::from_secs(2)).as_millis() as u64;
        assert!(
            cgroup + 5 >= own && cgroup < 2 * own + margin,
            "the process used {own} ms, the cgroup said {cgroup} ms: {}",
            explain(res)
        );
        figures.push((own, cgroup));
    }
    let ((_, first), (own, second)) = (figures[0], figures[1]);
    assert!(
        second < first + own,
        "the second execution's CPU time ({second} ms) includes the first's ({first} ms)"
    );
}

#[tokio::test]
async fn cpu_time_is_per_execution_in_a_fresh_container() {
    cpu_time_is_per_execution(Backend::Fresh).await;
}

#[tokio::test]
async fn cpu_time_is_per_execution_in_a_slot() {
    cpu_time_is_per_execution(Backend::Reuse).await;
}

/// An OOM kill of a child whose parent then exits 0 is still a memory limit (the cgroup's
/// counter, not the exit code, says so); the next execution in a slot is not.
async fn oom_kills_are_counted_per_execution(backend: Backend) {
    let mut child_killed = spec(&format!(
        "import subprocess\nsubprocess.run(['python3', '-c', {:?}])\nprint('parent survived')\n",
        spike(1024)
    ));
    child_killed.limits.memory_bytes = 96 * MIB;
    let mut after = spec(&hold(10, 0.1));
    after.limits.memory_bytes = 96 * MIB;
    let r = run_all(backend, &[child_killed, after]).await;
    assert_eq!(r[0].verdict, Verdict::MemoryLimit, "{}", explain(&r[0]));
    assert_eq!(r[0].stdout.text, "parent survived\n", "{}", explain(&r[0]));
    assert_eq!(r[1].verdict, Verdict::Passed, "{}", explain(&r[1]));
}

#[tokio::test]
async fn an_oom_kill_is_counted_in_a_fresh_container() {
    oom_kills_are_counted_per_execution(Backend::Fresh).await;
}

#[tokio::test]
async fn an_oom_kill_is_counted_per_execution_in_a_slot() {
    oom_kills_are_counted_per_execution(Backend::Reuse).await;
}
