//! The store's write capacity: records per second through the batched writer the scheduler
//! uses, on a fresh SQLite file.
use crucible::run::{BatchWriter, StopHandle};
use crucible::store::{ExecutionRecord, RunRecord, open_writer};
use crucible::testreport::{TestCase, TestOutcome};
use crucible::verdict::Verdict;
use std::path::Path;
use std::time::Instant;

pub fn records_per_second(path: &Path, n: usize) -> anyhow::Result<f64> {
    if path.exists() {
        std::fs::remove_file(path)?;
    }
    let mut store = open_writer(&path.display().to_string())?;
    store.begin_run(&RunRecord {
        run_id: "bench".into(),
        config_json: "{}".into(),
        started_at_ms: 0,
        finished_at_ms: None,
        crucible_version: env!("CARGO_PKG_VERSION").into(),
        host: "bench".into(),
    })?;
    let started = Instant::now();
    let writer = BatchWriter::spawn(store, StopHandle::default());
    for i in 0..n {
        writer.send(record(i));
    }
    let (_, written) = writer.finish();
    let written = written?;
    anyhow::ensure!(
        written == n as u64,
        "the store wrote {written} of {n} records"
    );
    Ok(n as f64 / started.elapsed().as_secs_f64())
}

/// A record shaped like a trivial execution's (one passing test, a little output).
fn record(i: usize) -> ExecutionRecord {
    ExecutionRecord {
        run_id: "bench".into(),
        task_id: format!("scale-{:05}", i % 200),
        model: "bench".into(),
        sample: (i / 200) as u32,
        repeat: 0,
        attempt: 1,
        key: format!("{i:064x}"),
        verdict: Verdict::Passed,
        reason: "1 test cases passed".into(),
        exit_code: Some(0),
        signal: None,
        wall_ms: 120,
        cpu_ms: Some(40),
        peak_memory_bytes: Some(8 << 20),
        stdout: String::new(),
        stderr: String::new(),
        output_truncated: false,
        image_id: Some("sha256:bench".into()),
        payload_sha256: Some(format!("{i:064x}")),
        finished_at_ms: i as i64,
        tests: vec![TestCase {
            name: "check".into(),
            outcome: TestOutcome::Passed,
            message: None,
        }],
    }
}
