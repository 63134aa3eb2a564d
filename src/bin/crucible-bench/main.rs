//! `crucible-bench`: crucible's throughput against the engine's ceiling, a naive `docker run`
//! loop and the no-container floor, on generated workloads. `make bench` runs it.
//! Results: a table on stdout, JSON in `target/bench/<unix time>.json` and `latest.json`.
mod ceiling;
mod cli_run;
mod floor;
mod io;
mod io_workload;
mod latency;
mod naive;
mod peers;
mod report;
mod stats;
mod store_rate;
mod workloads;

use clap::Parser;
use report::Row;
use serde_json::json;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Parser, Debug)]
#[command(about = "Measure crucible's throughput against its baselines")]
struct Args {
    /// CI smoke sizes: 20 trivial, 10 realistic, 10 peer tasks, 10 I/O cases, scale for 15 s.
    #[arg(long)]
    quick: bool,
    /// Trivial HumanEval-shaped tasks.
    #[arg(long, default_value_t = 200)]
    trivial: usize,
    /// Realistic pytest suites (5-10 tests each).
    #[arg(long, default_value_t = 100)]
    realistic: usize,
    /// Executions queued in the scale workload.
    #[arg(long, default_value_t = 10_000)]
    scale: usize,
    /// The scale workload runs this long, then is interrupted and extrapolated.
    #[arg(long, default_value_t = 60)]
    scale_seconds: u64,
    /// Parallelism of every contender (default: the machine's cores).
    #[arg(short = 'j', long)]
    jobs: Option<usize>,
    /// Concurrency of the scale workload.
    #[arg(long, default_value_t = 2)]
    scale_jobs: usize,
    /// Cases of the C++ I/O task (the io workload).
    #[arg(long, default_value_t = 50)]
    io_cases: usize,
    /// Where the I/O workload's floor runs.
    #[arg(long, value_enum, default_value = "auto")]
    io_floor: io::FloorMode,
    /// Tasks of each workload (trivial, realistic) the peer sandboxes run.
    #[arg(long, default_value_t = 20)]
    peer_tasks: usize,
    /// The peers' virtual environment, made by scripts/bench-peers-venv and reused while its
    /// pins are unchanged (default: <out>/peers-venv).
    #[arg(long)]
    peers_venv: Option<PathBuf>,
    /// Run only these workloads (comma-separated: trivial, realistic, peers, io, scale).
    #[arg(long, value_delimiter = ',', value_parser = ["trivial", "realistic", "peers", "io", "scale"])]
    only: Vec<String>,
    /// Where generated workloads, stores and results go.
    #[arg(long, default_value = "target/bench")]
    out: PathBuf,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = Args::parse();
    if args.quick {
        (args.trivial, args.realistic, args.scale, args.scale_seconds) = (20, 10, 400, 15);
        args.io_cases = 10;
        args.peer_tasks = 10;
    }
    let wants = |name: &str| args.only.is_empty() || args.only.iter().any(|o| o == name);
    let j = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let work = args.out.join("work");
    std::fs::create_dir_all(&work)?;
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    let mut results = serde_json::Map::new();
    eprintln!(
        "crucible-bench: parallelism {j}; workloads under {}",
        work.display()
    );

    let mut python = Vec::new();
    if wants("trivial") {
        python.push(workloads::trivial(&work, args.trivial)?);
    }
    if wants("realistic") {
        python.push(workloads::realistic(&work, args.realistic)?);
    }
    for w in python {
        let n = w.tasks.len();
        let row = |contender: &str, d: Duration| Row {
            workload: w.name,
            contender: contender.into(),
            executions: n,
            seconds: d.as_secs_f64(),
        };
        eprintln!("[{}] floor", w.name);
        let floor = floor::run(&w, &work, j)?;
        eprintln!("[{}] naive docker run loop", w.name);
        let naive = naive::run(&w, &work, j)?;
        eprintln!("[{}] ceiling: bare lifecycles", w.name);
        let ceiling = ceiling::run(naive::IMAGE, n, j, false).await?;
        // What attaching (crucible's fresh mode sends its request that way) adds to a lifecycle.
        let attached = if w.name == "trivial" {
            eprintln!("[{}] ceiling with attach", w.name);
            Some(ceiling::run(naive::IMAGE, n, j, true).await?)
        } else {
            None
        };
        let mut modes = Vec::new();
        for (mode, extra) in [
            ("crucible run", &[][..]),
            (
                "crucible run --reuse-containers",
                &["--reuse-containers"][..],
            ),
        ] {
            eprintln!("[{}] {mode}", w.name);
            let store = work.join(format!("{}-{}.db", w.name, modes.len()));
            let log = work.join(format!("{}-{}.log", w.name, modes.len()));
            let run = cli_run::run(
                &w.tasks_dir,
                &w.candidates_dir,
                &store,
                j,
                extra,
                None,
                &log,
            )?;
            anyhow::ensure!(
                run.recorded == n as u64,
                "{mode} recorded {} of {n} executions; see {}",
                run.recorded,
                log.display()
            );
            let passed = run
                .verdicts
                .iter()
                .find(|(v, _)| v == "passed")
                .map_or(0, |(_, n)| *n);
            anyhow::ensure!(
                passed == floor.passed as u64,
                "{mode} passed {passed} of {n} but the floor passed {}: the contenders do not \
                 run the same tests; see {}",
                floor.passed,
                log.display()
            );
            modes.push((mode, run));
        }
        let mut own_overhead = None;
        if w.name == "trivial" {
            // Same payloads and containers with the test replaced by `true`: what is left of
            // the gap to the ceiling is crucible's own cost, not the test's CPU.
            eprintln!("[trivial] crucible run, test replaced by `true`");
            let untested = workloads::untested(&work, n)?;
            let run = cli_run::run(
                &untested.tasks_dir,
                &untested.candidates_dir,
                &work.join("untested.db"),
                j,
                &[],
                None,
                &work.join("untested.log"),
            )?;
            anyhow::ensure!(
                run.recorded == n as u64 && !run.verdicts.iter().any(|(v, _)| v == "infra_error"),
                "crucible run with empty tests: {:?}; see {}",
                run.verdicts,
                work.join("untested.log").display()
            );
            own_overhead = Some(run.elapsed);
        }
        eprintln!("[{}] per-task latency through the library", w.name);
        let lat = latency::run(&w, j, false).await?;
        let overhead: Vec<f64> = lat
            .iter()
            .zip(&floor.per_task)
            .map(|(c, f)| (c.as_secs_f64() - f.as_secs_f64()) * 1000.0)
            .collect();

        rows.push(row("floor: host subprocess", floor.elapsed));
        rows.push(row(&format!("naive: xargs -P{j} docker run"), naive));
        rows.push(row("ceiling: bare API lifecycles", ceiling));
        if let Some(attached) = attached {
            rows.push(row("ceiling with attach", attached));
            notes.push((
                format!("{} ceiling with attach: /ceiling", w.name),
                format!("{:.2}x", ceiling.as_secs_f64() / attached.as_secs_f64()),
            ));
        }
        let floor_rate = n as f64 / floor.elapsed.as_secs_f64();
        let naive_rate = n as f64 / naive.as_secs_f64();
        let ceiling_rate = n as f64 / ceiling.as_secs_f64();
        let mut mode_json = Vec::new();
        for (mode, run) in &modes {
            let r = row(mode, run.elapsed);
            let rate = r.rate();
            rows.push(r);
            notes.push((
                format!("{} {mode}: /naive /ceiling /floor", w.name),
                format!(
                    "{:.2}x {:.2}x {:.3}x",
                    rate / naive_rate,
                    rate / ceiling_rate,
                    rate / floor_rate
                ),
            ));
            mode_json.push(json!({
                "mode": mode, "tasks_per_second": rate, "seconds": run.elapsed.as_secs_f64(),
                "vs_naive": rate / naive_rate, "vs_ceiling": rate / ceiling_rate,
                "vs_floor": rate / floor_rate, "peak_rss_bytes": run.peak_rss_bytes,
                "verdicts": run.verdicts,
            }));
        }
        if let Some(elapsed) = own_overhead {
            let r = row("crucible run, test replaced by `true`", elapsed);
            let rate = r.rate();
            rows.push(r);
            notes.push((
                format!("{} crucible's own cost (test `true`): /ceiling", w.name),
                format!("{:.2}x", rate / ceiling_rate),
            ));
            mode_json.push(json!({
                "mode": "crucible run, test replaced by `true`", "tasks_per_second": rate,
                "seconds": elapsed.as_secs_f64(), "vs_ceiling": rate / ceiling_rate,
            }));
        }
        let (p50, p95) = (
            stats::percentile(&overhead, 50.0),
            stats::percentile(&overhead, 95.0),
        );
        notes.push((
            format!("{} per-task overhead over the floor p50/p95", w.name),
            format!("{p50:.0} ms / {p95:.0} ms"),
        ));
        results.insert(
            w.name.into(),
            json!({
                "executions": n, "parallelism": j,
                "floor": {"tasks_per_second": floor_rate, "passed": floor.passed},
                "naive": {"tasks_per_second": naive_rate},
                "ceiling": {"tasks_per_second": ceiling_rate},
                "crucible": mode_json,
                "overhead_ms": {"p50": p50, "p95": p95},
            }),
        );
    }

    if wants("peers") {
        eprintln!(
            "[peers] {} tasks of each workload through each peer",
            args.peer_tasks
        );
        let venv = args
            .peers_venv
            .clone()
            .unwrap_or_else(|| args.out.join("peers-venv"));
        let section = peers::bench(&work, &venv, args.peer_tasks, j)?;
        rows.extend(section.rows);
        notes.extend(section.notes);
        results.insert("peers".into(), section.json);
    }

    if wants("io") {
        eprintln!("[io-cpp] a {}-case C++ I/O task", args.io_cases);
        let (io_rows, io_notes, io_json) =
            io::bench(&work, args.io_cases, j, args.io_floor).await?;
        rows.extend(io_rows);
        notes.extend(io_notes);
        results.insert("io-cpp".into(), io_json);
    }

    if wants("scale") {
        scale(&args, &work, &mut notes, &mut results)?;
    }

    match images_build_noop() {
        Ok(Some(s)) => {
            notes.push((
                "no-op `crucible images build --only python`".into(),
                format!("{s:.2} s"),
            ));
            results.insert("images_build_noop_seconds".into(), json!(s));
        }
        Ok(None) => {}
        Err(e) => notes.push((
            "no-op `crucible images build`".into(),
            format!("FAILED: {e}"),
        )),
    }
    report::print_table(&rows, &notes);
    let doc = json!({
        "quick": args.quick, "parallelism": j, "rows": report::rows_json(&rows),
        "workloads": results,
    });
    let path = report::write_json(&args.out, &doc)?;
    println!("\nJSON: {} (and latest.json)", path.display());
    Ok(())
}

/// The scale workload: a long queue through `crucible run`, interrupted and extrapolated, and
/// the store's write capacity.
fn scale(
    args: &Args,
    work: &std::path::Path,
    notes: &mut Vec<(String, String)>,
    results: &mut serde_json::Map<String, serde_json::Value>,
) -> anyhow::Result<()> {
    eprintln!(
        "[scale] {} queued, -j {}, for {} s",
        args.scale, args.scale_jobs, args.scale_seconds
    );
    let per_task = 50.min(args.scale);
    let scale_w = workloads::scale(work, args.scale.div_ceil(per_task), per_task)?;
    let queued = scale_w.tasks.len() * per_task;
    let store = work.join("scale.db");
    let run = cli_run::run(
        &scale_w.tasks_dir,
        &scale_w.candidates_dir,
        &store,
        args.scale_jobs,
        &[],
        Some(Duration::from_secs(args.scale_seconds)),
        &work.join("scale.log"),
    )?;
    let observed = run.recorded as f64 / run.elapsed.as_secs_f64();
    let capacity = store_rate::records_per_second(&work.join("store-rate.db"), 10_000)?;
    notes.push((
        "scale: recorded / elapsed".into(),
        format!(
            "{} in {:.1} s = {observed:.2}/s (all {queued}: ~{:.0} s)",
            run.recorded,
            run.elapsed.as_secs_f64(),
            queued as f64 / observed.max(1e-9)
        ),
    ));
    notes.push((
        "scale: crucible peak RSS".into(),
        format!("{:.1} MiB", run.peak_rss_bytes as f64 / 1048576.0),
    ));
    notes.push((
        "store write capacity (10,000 records, batched writer)".into(),
        format!("{capacity:.0} records/s"),
    ));
    results.insert(
        "scale".into(),
        json!({
            "queued": queued, "concurrency": args.scale_jobs, "recorded": run.recorded,
            "seconds": run.elapsed.as_secs_f64(), "store_write_rate_observed": observed,
            "extrapolated_seconds_for_all": queued as f64 / observed.max(1e-9),
            "peak_rss_bytes": run.peak_rss_bytes,
            "store_write_capacity_records_per_second": capacity,
        }),
    );
    Ok(())
}

/// Time `crucible images build` when every image is current (a no-op); `None` outside a repo.
fn images_build_noop() -> anyhow::Result<Option<f64>> {
    if !std::path::Path::new("images").is_dir() {
        eprintln!("crucible-bench: no images/ here; skipping the images build timing");
        return Ok(None);
    }
    let started = Instant::now();
    let out = std::process::Command::new(cli_run::crucible_binary()?)
        // One image whose sources did not change: the no-op path (hashing the build context,
        // asking the daemon for the tag) without rebuilding anything another helper changed.
        .args(["images", "build", "--plain", "--only", "python"])
        .stdin(std::process::Stdio::null())
        .output()?;
    let secs = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    anyhow::ensure!(
        out.status.success(),
        "`crucible images build` failed: {}",
        stderr.chars().take(300).collect::<String>()
    );
    Ok(Some(secs))
}
