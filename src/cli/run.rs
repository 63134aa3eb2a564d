//! `crucible run`: every candidate of every model on every task, results streamed to the store.
use super::exit;
use super::limits_args::LimitArgs;
use anyhow::Context;
use crucible::docker::DockerError;
use crucible::execution::Executor;
use crucible::limits::Limits;
use crucible::report::{OutputFormat, render, summarize_run};
use crucible::run::{
    DaemonWait, JsonLines, Plan, PlanFilter, Progress, ProgressMode, RetryPolicy, Run, RunConfig,
    RunStore, StopHandle,
};
use crucible::sandbox::{Backend, Sandbox, SandboxPolicy};
use crucible::store::{open_reader, open_store, open_writer};
use crucible::task::{CandidateRef, Task, load_tasks, scan_candidate_dir};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// Directory of tasks (each `<id>/task.toml`).
    #[arg(long, default_value = "tasks")]
    tasks: PathBuf,
    /// Candidates: a directory `<model>/<task_id>[#<sample>]/…` or a JSONL file.
    #[arg(long, required_unless_present = "references")]
    candidates: Option<PathBuf>,
    /// Also run every task's reference solution, as model `reference`.
    #[arg(long)]
    references: bool,
    /// Model name for JSONL lines without a `model` field (default: the file's stem).
    #[arg(long)]
    model: Option<String>,
    /// Only these models (comma-separated).
    #[arg(long, value_delimiter = ',')]
    models: Vec<String>,
    /// Only samples 0..K of each task and model.
    #[arg(long)]
    samples: Option<u32>,
    /// Containers in flight at once (default: the machine's cores).
    #[arg(long, short = 'j', env = "CRUCIBLE_CONCURRENCY")]
    concurrency: Option<usize>,
    /// Result store: a SQLite path, sqlite://PATH, or postgres://… (shared by many machines).
    #[arg(long, env = "CRUCIBLE_STORE", default_value = "results/crucible.db")]
    store: String,
    /// Run id; giving an existing one resumes it.
    #[arg(long)]
    run_id: Option<String>,
    /// Resume the latest run of the store (skips executions already judged with the same key).
    #[arg(long, conflicts_with = "run_id")]
    resume: bool,
    /// Run each execution K times to measure flakiness.
    #[arg(long, default_value_t = 1)]
    repeat: u32,
    /// Retries of an infra error (daemon or image trouble), with exponential backoff.
    #[arg(long, default_value_t = 2)]
    retries: u32,
    /// How long an unreachable Docker daemon may stay away: the run pauses, waits for it
    /// (probing it at growing intervals), then resumes without spending retries; past this it
    /// stops like an interrupt (docs/faults.md).
    #[arg(long, default_value = "5m", value_parser = crucible::limits::parse_duration)]
    daemon_wait: std::time::Duration,
    /// OCI runtime (e.g. runsc for gVisor); refused when the daemon lacks it.
    #[arg(long, env = "CRUCIBLE_RUNTIME")]
    runtime: Option<String>,
    /// Reuse mode: one long-lived hardened container per slot runs many executions, each in a
    /// fresh process tree with emptied /work, /tmp and /dev/shm (up to 15x faster for short
    /// tests; its supervisor holds CAP_SETUID/SETGID/KILL; executions share kernel objects;
    /// see docs/reuse-mode.md).
    #[arg(long)]
    reuse_containers: bool,
    /// Limits for tasks that set none (a task's own limits win).
    #[command(flatten)]
    limits: LimitArgs,
    /// Plan the run into the queue of a PostgreSQL --store instead of running it here; workers
    /// (`crucible worker`) run it, and this command follows it (Ctrl-C cancels it).
    #[arg(long)]
    enqueue: bool,
    /// With --enqueue: only workers carrying all these labels run it (comma-separated).
    #[arg(long, value_delimiter = ',', requires = "enqueue")]
    labels: Vec<String>,
    /// With --enqueue: print the run id and return instead of following the run.
    #[arg(long, requires = "enqueue")]
    detach: bool,
    #[command(flatten)]
    executor: super::executor_args::ExecutorArgs,
    /// Print one JSON line per execution and the summary as JSON.
    #[arg(long)]
    json: bool,
    /// One line per finished execution on a terminal too.
    #[arg(long, short)]
    verbose: bool,
}

pub async fn run(args: RunArgs) -> anyhow::Result<i32> {
    let defaults = args.limits.over(&Limits::default());
    let (tasks, task_errors) = load_tasks(&args.tasks, &defaults)?;
    for e in &task_errors {
        eprintln!("crucible run: skipping a malformed task: {e}");
    }
    anyhow::ensure!(
        !tasks.is_empty(),
        "no tasks found under {}; point --tasks at a directory of <id>/task.toml",
        args.tasks.display()
    );
    let candidates = load_candidates(&args, &tasks)?;
    let filter = PlanFilter {
        models: args.models.clone(),
        samples: args.samples,
    };
    let plan = Plan::new(tasks, candidates, &filter, args.repeat);
    for u in &plan.unknown {
        eprintln!("crucible run: candidate for unknown task {u}: not run");
    }

    let writer = open_writer(&args.store)?;
    let reader = open_reader(&args.store)?;
    let run_id = match (&args.run_id, args.resume) {
        (Some(id), _) => id.clone(),
        (None, true) => reader
            .latest_run()?
            .map(|r| r.run_id)
            .context("--resume: the store holds no run yet; start one without --resume")?,
        (None, false) => format!("run-{}", uuid::Uuid::new_v4().simple()),
    };
    let settings = serde_json::json!({
        "tasks": args.tasks, "candidates": args.candidates, "models": args.models,
        "samples": args.samples, "repeat": args.repeat, "runtime": args.runtime,
        "reuse_containers": args.reuse_containers, "enqueue": args.enqueue,
        "executor": args.executor.urls(),
        "unknown_candidates": plan.unknown,
    });
    if args.enqueue {
        anyhow::ensure!(
            args.executor.urls().is_empty(),
            "--enqueue and --executor exclude each other: queued runs are run by workers"
        );
        let options = crucible::queue::EnqueueOptions {
            run_id,
            retry: RetryPolicy {
                retries: args.retries,
                ..RetryPolicy::default()
            },
            labels: args.labels.clone(),
            runtime: args.runtime.clone(),
            settings,
        };
        let request = super::enqueue::EnqueueRequest {
            store: args.store.clone(),
            options,
            detach: args.detach,
            json: args.json,
        };
        return super::enqueue::enqueue_run(plan, request).await;
    }
    let (runtime, reuse) = (args.runtime.clone(), args.reuse_containers);
    let connected = match args.executor.remote(runtime.clone(), reuse).await {
        Some(remote) => remote,
        None => connect_executor(runtime, reuse)
            .await
            .map(|e| (e, None))
            .map_err(Into::into),
    };
    let (executor, capacity) = match connected {
        Ok(e) => e,
        Err(e) => {
            eprintln!("crucible run: {e}");
            return Ok(exit::UNAVAILABLE);
        }
    };

    let concurrency = args
        .concurrency
        .or(capacity)
        .unwrap_or_else(default_concurrency)
        .max(1);
    let header = format!(
        "run {run_id}: {} tasks, {} executions, {concurrency} in flight, store {}",
        plan.tasks().len(),
        plan.executions(),
        args.store
    );
    let config = RunConfig {
        retry: RetryPolicy {
            retries: args.retries,
            ..RetryPolicy::default()
        },
        daemon_wait: DaemonWait {
            total: args.daemon_wait,
            ..DaemonWait::default()
        },
        settings,
        ..RunConfig::new(run_id.clone(), concurrency)
    };
    let mut run = Run::new(config, plan, executor).store(RunStore { writer, reader });
    if args.json {
        run = run.sink(JsonLines::new());
    } else {
        eprintln!("{header}");
        let mode = if std::io::stderr().is_terminal() {
            ProgressMode::Bar
        } else {
            ProgressMode::Lines
        };
        run = run.sink(Progress::new(mode, args.verbose));
    }
    listen_for_signals(run.stop_handle());
    let outcome = run.start().await?;

    let store = open_store(&args.store)?;
    let summary = summarize_run(store.as_ref(), &run_id)?;
    let format = if args.json {
        OutputFormat::Json
    } else {
        OutputFormat::Table
    };
    super::output::write_stdout(&render(format, &summary));
    if !args.json {
        eprintln!(
            "run {run_id}: {} executed, {} already recorded (skipped){}",
            outcome.executed,
            outcome.skipped,
            if outcome.interrupted {
                ", INTERRUPTED (resume with --resume)"
            } else {
                ""
            }
        );
    }
    Ok(if outcome.interrupted {
        exit::INTERRUPTED
    } else if outcome.infra_errors_left > 0 {
        eprintln!(
            "crucible run: {} execution(s) ended in infra_error after retries",
            outcome.infra_errors_left
        );
        exit::FOUND_PROBLEMS
    } else {
        exit::OK
    })
}

fn load_candidates(args: &RunArgs, tasks: &[Task]) -> anyhow::Result<Vec<CandidateRef>> {
    let mut refs = Vec::new();
    if args.references {
        for t in tasks {
            refs.push(CandidateRef {
                task_id: t.id.clone(),
                model: "reference".into(),
                sample: 0,
                source: crucible::task::CandidateSource::Dir(
                    t.dir.join(crucible::task::REFERENCE_DIR),
                ),
            });
        }
    }
    if let Some(path) = &args.candidates {
        refs.extend(read_candidates(path, args.model.as_deref(), tasks)?);
    }
    Ok(refs)
}

fn read_candidates(
    path: &std::path::Path,
    model: Option<&str>,
    tasks: &[Task],
) -> anyhow::Result<Vec<CandidateRef>> {
    if path.is_dir() {
        return Ok(scan_candidate_dir(path)?);
    }
    use crucible::suites::completions::read_completions;
    let by_id = tasks.iter().map(|t| (t.id.clone(), t.clone())).collect();
    let read = read_completions(path, &by_id, model)
        .with_context(|| format!("reading candidates from {}", path.display()))?;
    for e in &read.errors {
        eprintln!("crucible run: {e}");
    }
    let used: Vec<String> = read
        .fields_used()
        .iter()
        .map(|(f, n)| format!("{f} ({n})"))
        .collect();
    eprintln!("crucible run: candidates from field {}", used.join(", "));
    Ok(read
        .candidates
        .into_iter()
        .map(|c| CandidateRef {
            task_id: c.task_id,
            model: c.model,
            sample: c.sample,
            source: crucible::task::CandidateSource::Inline(c.files),
        })
        .collect())
}

pub fn default_concurrency() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
}

/// Remove containers that earlier crucible processes left (e.g. after SIGKILL).
async fn sweep_orphans(sandbox: &Sandbox) {
    use crucible::sandbox::gc::{GcScope, collect_garbage};
    match collect_garbage(sandbox.docker(), GcScope::Orphans).await {
        Ok((removed, _)) if !removed.is_empty() => {
            eprintln!(
                "crucible: removed {} container(s) left by earlier runs",
                removed.len()
            )
        }
        Ok(_) => {}
        Err(e) => eprintln!("crucible: start-up sweep failed: {e}"),
    }
}

/// The local Docker sandbox as the run's executor, after the start-up sweep.
pub async fn connect_executor(
    runtime: Option<String>,
    reuse: bool,
) -> Result<Arc<dyn Executor>, DockerError> {
    let policy = SandboxPolicy {
        runtime,
        ..SandboxPolicy::default()
    };
    let backend = if reuse {
        Backend::Reuse
    } else {
        Backend::Fresh
    };
    let sandbox = Arc::new(Sandbox::connect(policy, backend).await?);
    sweep_orphans(&sandbox).await;
    Ok(sandbox)
}

/// First Ctrl-C/SIGTERM: stop starting work, clean up, record, exit 130. Second: exit at once.
pub fn listen_for_signals(stop: StopHandle) {
    tokio::spawn(async move {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("install SIGTERM handler");
        let mut first = true;
        loop {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            if first {
                eprintln!(
                    "crucible: stopping: removing containers in flight (press Ctrl-C again to exit at once)"
                );
                stop.interrupt();
                first = false;
            } else {
                eprintln!("crucible: exiting now; `crucible gc` removes what is left");
                std::process::exit(exit::INTERRUPTED);
            }
        }
    });
}
