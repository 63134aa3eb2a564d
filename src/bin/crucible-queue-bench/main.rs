//! How many executions per second the PostgreSQL work queue can hand out and take back: many
//! `Worker` loops (each its own connection, as separate machines would have) claim from one
//! database and record results from an executor that does nothing, so the figure is the
//! queue's own ceiling, not Docker's. `make bench-queue` runs it (docs/scale-out.md).
use anyhow::Context;
use crucible::execution::{Evidence, ExecutionSpec, Executor, InfraError, Ticket};
use crucible::limits::Limits;
use crucible::queue::{EnqueueOptions, ExecutorFactory, WorkQueue, Worker, WorkerConfig, enqueue};
use crucible::run::{Plan, PlanFilter, RetryPolicy, StopHandle};
use crucible::task::{CandidateRef, CandidateSource, load_tasks};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Answers every execution at once with a harness-complete exit 0.
struct Noop {
    done: Arc<AtomicU64>,
}

#[async_trait::async_trait]
impl Executor for Noop {
    async fn image_id(&self, _image: &str) -> Result<String, InfraError> {
        Ok("sha256:noop".into())
    }
    async fn execute(&self, _t: Ticket, _s: &ExecutionSpec) -> Result<Evidence, InfraError> {
        self.done.fetch_add(1, Ordering::Relaxed);
        Ok(Evidence {
            harness_finished: true,
            exit_code: Some(0),
            ..Evidence::default()
        })
    }
    async fn abort_all(&self) -> usize {
        0
    }
    async fn finish(&self) {}
}

fn arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| default.to_string())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let admin = std::env::var("CRUCIBLE_BENCH_POSTGRES").context(
        "set CRUCIBLE_BENCH_POSTGRES to an admin URL (scripts/ensure-postgres prints one)",
    )?;
    let loops: usize = arg("--loops", "50").parse()?;
    let executions: usize = arg("--executions", "20000").parse()?;
    // Each loop is one machine's worker with this many executions in flight (`-j`).
    let jobs: usize = arg("--jobs", "8").parse()?;
    let db = format!("crucible_queue_bench_{}", std::process::id());
    let url = format!(
        "{}/{db}",
        admin.rsplit_once('/').context("a database in the URL")?.0
    );
    let admin_sql = |sql: String| {
        let admin = admin.clone();
        std::thread::spawn(move || -> anyhow::Result<()> {
            let mut c = postgres::Client::connect(&admin, postgres::NoTls)?;
            c.batch_execute(&sql)?;
            Ok(())
        })
        .join()
        .expect("admin thread")
    };
    admin_sql(format!("CREATE DATABASE {db}"))?;
    let result = bench(&url, loops, jobs, executions).await;
    // An autovacuum worker still on the database makes the drop fail (the role may not end
    // it), and the queue's tables are vacuumed often: try again before giving up.
    let mut dropped = admin_sql(format!("DROP DATABASE {db} WITH (FORCE)"));
    for _ in 0..10 {
        if dropped.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        dropped = admin_sql(format!("DROP DATABASE {db} WITH (FORCE)"));
    }
    if let Err(e) = dropped {
        eprintln!("crucible-queue-bench: could not drop the database {db}: {e}");
    }
    let (rate, elapsed, enqueue_rate) = result?;
    let out = serde_json::json!({
        "loops": loops, "jobs_per_loop": jobs, "executions": executions, "elapsed_s": elapsed,
        "executions_per_s": rate, "enqueue_per_s": enqueue_rate,
        "target_per_s": 2000, "met": rate >= 2000.0,
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
    });
    println!(
        "queue capacity: {executions} executions (one claim + one result each) through {loops} \
         worker loops (-j {jobs} each) in {elapsed:.1} s = {rate:.0}/s (target 2,000/s: {}); enqueue {enqueue_rate:.0}/s",
        if rate >= 2000.0 { "met" } else { "MISSED" }
    );
    std::fs::create_dir_all("target/bench")?;
    std::fs::write(
        "target/bench/queue.json",
        serde_json::to_string_pretty(&out)?,
    )?;
    Ok(())
}

async fn bench(
    url: &str,
    loops: usize,
    jobs: usize,
    executions: usize,
) -> anyhow::Result<(f64, f64, f64)> {
    let dir = std::env::temp_dir().join(format!("crucible-queue-bench-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("t/tests"))?;
    std::fs::write(
        dir.join("t/task.toml"),
        "id = \"t\"\ntitle = \"t\"\nlanguage = \"python\"\nprice_usd = 1\ndescription = \"t\"\n\
         test_cases = 1\n[candidate]\nfiles = [\"solution.py\"]\n",
    )?;
    std::fs::write(dir.join("t/tests/test_t.py"), "def test_t():\n    pass\n")?;
    let (tasks, _) = load_tasks(&dir, &Limits::default())?;
    std::fs::remove_dir_all(&dir)?;
    let candidates = (0..executions).map(|i| CandidateRef {
        task_id: "t".into(),
        model: "m".into(),
        sample: i as u32,
        source: CandidateSource::Inline(BTreeMap::from([(
            "solution.py".to_string(),
            format!("X = {i}\n").into_bytes(),
        )])),
    });
    let plan = Plan::new(tasks, candidates, &PlanFilter::default(), 1);
    let mut queue = WorkQueue::open(url)?;
    let options = EnqueueOptions {
        run_id: "bench".into(),
        retry: RetryPolicy::default(),
        labels: Vec::new(),
        runtime: None,
        settings: serde_json::Value::Null,
    };
    let noop = Arc::new(Noop {
        done: Arc::new(AtomicU64::new(0)),
    });
    let started = Instant::now();
    enqueue(&mut queue, plan, &options, Some(noop.as_ref())).await?;
    let enqueue_rate = executions as f64 / started.elapsed().as_secs_f64();

    let factory: ExecutorFactory = {
        let noop = noop.clone();
        Arc::new(move |_| {
            let e: Arc<dyn Executor> = noop.clone();
            Box::pin(async move { Ok(e) })
        })
    };
    let stop = StopHandle::default();
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..loops {
        let mut config = WorkerConfig::new(jobs);
        config.exit_when_idle = Some(Duration::from_millis(500));
        config.poll = Duration::from_millis(100);
        let worker = Worker::new(WorkQueue::open(url)?, config, factory.clone(), stop.clone());
        workers.spawn(worker.run());
    }
    while let Some(done) = workers.join_next().await {
        done??;
    }
    // The last loops idle for `exit_when_idle` before they notice the queue is empty.
    let elapsed = started.elapsed().as_secs_f64() - 0.5;
    let rate = executions as f64 / elapsed;
    let check = WorkQueue::open(url)?.progress("bench")?;
    anyhow::ensure!(
        check.done == executions as u64,
        "only {} of {executions} executions were settled: {check:?}",
        check.done
    );
    let runs = crucible::store::open_reader(url)?.runs()?;
    anyhow::ensure!(
        runs.iter().all(|r| r.finished_at_ms.is_some()),
        "the queue drained but the run is not marked finished: {runs:?}"
    );
    Ok((rate, elapsed, enqueue_rate))
}
