//! `crucible worker`: run queued executions from a PostgreSQL store on this machine's Docker.
use super::run::{connect_executor, default_concurrency, listen_for_signals};
use crucible::execution::Executor;
use crucible::queue::{Completion, ExecutorFactory, WorkQueue, Worker, WorkerConfig, WorkerEvent};
use crucible::run::StopHandle;
use std::sync::Arc;
use std::time::Duration;

#[derive(clap::Args, Debug)]
pub struct WorkerArgs {
    /// The PostgreSQL store holding the queue (postgres://…).
    #[arg(long, env = "CRUCIBLE_STORE")]
    store: String,
    /// Executions in flight at once (default: the machine's cores).
    #[arg(long, short = 'j', env = "CRUCIBLE_CONCURRENCY")]
    concurrency: Option<usize>,
    /// Reuse mode (see `crucible run --reuse-containers` and docs/reuse-mode.md).
    #[arg(long)]
    reuse_containers: bool,
    /// This worker's labels (comma-separated): it claims only executions whose labels, set
    /// with `crucible run --enqueue --labels`, are all among these.
    #[arg(long, value_delimiter = ',')]
    labels: Vec<String>,
    /// Lease on each claimed execution, renewed every third of it; a worker silent for longer
    /// loses its executions to others.
    #[arg(long, default_value_t = 30)]
    lease_secs: u64,
    /// Exit once the queue has had nothing for this worker for this many seconds (batch jobs).
    #[arg(long)]
    exit_when_idle: Option<u64>,
    /// One JSON line per event on stdout.
    #[arg(long)]
    json: bool,
}

pub async fn run(args: WorkerArgs) -> anyhow::Result<i32> {
    let queue = WorkQueue::open(&args.store)?;
    let mut config = WorkerConfig::new(args.concurrency.unwrap_or_else(default_concurrency));
    config.labels = args.labels.clone();
    config.lease = Duration::from_secs(args.lease_secs.max(3));
    config.exit_when_idle = args.exit_when_idle.map(Duration::from_secs);
    let reuse = args.reuse_containers;
    let factory: ExecutorFactory = Arc::new(move |runtime| {
        Box::pin(async move {
            connect_executor(runtime, reuse)
                .await
                .map(|e| e as Arc<dyn Executor>)
                .map_err(|e| e.to_string())
        })
    });
    let stop = StopHandle::default();
    listen_for_signals(stop.clone());
    eprintln!(
        "crucible worker {}: {} in flight{}, claiming from {}",
        config.id,
        config.concurrency,
        if reuse { ", reuse mode" } else { "" },
        crucible::store::redact_password(&args.store)
    );
    let json = args.json;
    let worker = Worker::new(queue, config, factory, stop).on_event(move |e| tell(&e, json));
    let outcome = worker.run().await?;
    eprintln!(
        "crucible worker: {} finished, {} retried, {} late, {} given back",
        outcome.finished, outcome.retried, outcome.late, outcome.released
    );
    Ok(super::exit::OK)
}

fn tell(e: &WorkerEvent, json: bool) {
    if json {
        println!("{}", serde_json::to_string(e).expect("events serialise"));
        return;
    }
    match e {
        WorkerEvent::Started { .. } => {}
        WorkerEvent::Finished {
            run_id,
            execution: x,
            verdict,
            completion,
        } => {
            let how = match completion {
                Completion::Final => String::new(),
                Completion::Retry { delay } => format!(" (retry in {} ms)", delay.as_millis()),
                Completion::Late => " (late: recorded as an attempt only)".into(),
            };
            eprintln!(
                "{run_id} {} {} #{} r{} a{}: {}{how}",
                x.task_id,
                x.model,
                x.sample,
                x.repeat,
                x.attempt,
                verdict.as_str()
            );
        }
        WorkerEvent::LeaseLost { run_id, execution } => eprintln!(
            "{run_id} {} {}: lease lost to another worker; its result will be an attempt only",
            execution.task_id, execution.model
        ),
        WorkerEvent::Cancelled { run_id, stopped } => {
            eprintln!("{run_id}: cancelled; stopped {stopped} execution(s) here")
        }
        WorkerEvent::MissingImage { image, error } => eprintln!(
            "crucible worker: queued executions need image {image}, which this machine lacks \
             ({error}); build it here with `crucible images build` or load it with \
             `docker save {image} | docker load`; other workers take them meanwhile"
        ),
        WorkerEvent::Paused { error } => eprintln!(
            "crucible worker: paused: the Docker daemon is unreachable ({error}); claiming \
             nothing until it answers"
        ),
        WorkerEvent::Resumed { paused_ms, removed } => eprintln!(
            "crucible worker: resumed after {:.1} s; removed {removed} container(s) left by the outage",
            *paused_ms as f64 / 1000.0
        ),
        WorkerEvent::StoreUnreachable { error } => {
            eprintln!("crucible worker: {error}; keeping executions and trying again")
        }
    }
}
