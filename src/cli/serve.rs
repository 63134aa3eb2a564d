//! `crucible serve`: the sandbox as an HTTP service (docs/serve.md).
use super::exit;
use super::limits_args::LimitArgs;
use anyhow::Context;
use crucible::limits::{Limits, parse_bytes, parse_duration};
use crucible::sandbox::{Backend, Sandbox, SandboxPolicy};
use crucible::serve::{Isolation, LimitCaps, ServeConfig, ServeState};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on; anything but loopback needs tokens. Port 0 picks a free port
    /// (the address is printed on the first line of stdout).
    #[arg(long, env = "CRUCIBLE_SERVE_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Configuration file (its `[serve]`, `[limits]` and `[run]` sections); default
    /// ./crucible.toml when present.
    #[arg(long, env = "CRUCIBLE_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// File of bearer tokens, one per line (`#` comments). Also: CRUCIBLE_TOKENS (comma-separated).
    #[arg(long, env = "CRUCIBLE_TOKENS_FILE", value_name = "FILE")]
    tokens_file: Option<PathBuf>,
    /// Executions running at once (default: cores).
    #[arg(long, env = "CRUCIBLE_SERVE_CONCURRENCY")]
    concurrency: Option<usize>,
    /// Requests that may wait beyond those running; past it, 429 with Retry-After.
    #[arg(long, env = "CRUCIBLE_SERVE_MAX_QUEUE", default_value_t = 256)]
    max_queue: usize,
    /// Isolation modes requests may ask for, the first being the default (reuse, fresh).
    #[arg(long, env = "CRUCIBLE_SERVE_ISOLATION", default_value = "reuse,fresh")]
    isolation: String,
    /// On SIGTERM, how long in-flight executions may take before they are removed.
    #[arg(long, env = "CRUCIBLE_SERVE_GRACE", value_parser = parse_duration, default_value = "10s")]
    grace: Duration,
    /// A request (queueing included) is given up after this long (504).
    #[arg(long, env = "CRUCIBLE_SERVE_REQUEST_DEADLINE", value_parser = parse_duration, default_value = "300s")]
    request_deadline: Duration,
    /// Request body cap.
    #[arg(long, env = "CRUCIBLE_SERVE_MAX_BODY", value_parser = parse_bytes, default_value = "32MiB")]
    max_body: u64,
    /// Files one request may send.
    #[arg(long, env = "CRUCIBLE_SERVE_MAX_FILES", default_value_t = 1000)]
    max_files: usize,
    /// Executions one batch request may hold.
    #[arg(long, env = "CRUCIBLE_SERVE_MAX_BATCH", default_value_t = 1000)]
    max_batch: usize,
    /// Largest timeout a request may ask for.
    #[arg(long, env = "CRUCIBLE_SERVE_MAX_TIMEOUT", value_parser = parse_duration, default_value = "60s")]
    max_timeout: Duration,
    /// Largest memory limit a request may ask for.
    #[arg(long, env = "CRUCIBLE_SERVE_MAX_MEMORY", value_parser = parse_bytes, default_value = "2GiB")]
    max_memory: u64,
    /// Largest CPU quota a request may ask for.
    #[arg(long, env = "CRUCIBLE_SERVE_MAX_CPUS", default_value_t = 2.0)]
    max_cpus: f64,
    /// Largest output cap a request may ask for.
    #[arg(long, env = "CRUCIBLE_SERVE_MAX_OUTPUT", value_parser = parse_bytes, default_value = "16MiB")]
    max_output: u64,
    /// Idle reuse slots kept warm at most (one set per image and limits); the least recently
    /// used is removed first. Default: 4 per concurrent execution.
    #[arg(long, env = "CRUCIBLE_SERVE_MAX_IDLE_SLOTS")]
    max_idle_slots: Option<usize>,
    /// The image of the warm-up execution (`/readyz` waits for it).
    #[arg(
        long,
        env = "CRUCIBLE_SERVE_WARM_IMAGE",
        default_value = "crucible/python:latest"
    )]
    warm_image: String,
    /// Reuse slots for the default limits made at start and kept (the pool's minimum; at most
    /// the concurrency). More slots are made on demand, idle ones capped by --max-idle-slots.
    #[arg(long, env = "CRUCIBLE_SERVE_WARM_SLOTS", default_value_t = 1)]
    warm_slots: usize,
    /// Defaults for what a request does not say.
    #[command(flatten)]
    limits: LimitArgs,
    /// OCI runtime (e.g. runsc for gVisor). Refused when the daemon does not offer it.
    #[arg(long, env = "CRUCIBLE_RUNTIME")]
    runtime: Option<String>,
    /// The result store of runs started over HTTP and shown by the dashboard.
    #[arg(long, env = "CRUCIBLE_STORE", default_value = "results/crucible.db")]
    store: String,
    /// A task root clients may run (`NAME=DIR`, or `DIR` named after its directory); repeatable.
    /// Clients name roots, never paths. Default: `tasks` when it exists.
    #[arg(long = "tasks", value_name = "[NAME=]DIR")]
    task_roots: Vec<String>,
}

/// The runs API's state: its own fresh sandbox (a run's cancel removes only that run's
/// containers), the store and the named task roots.
async fn runs_state(
    args: &ServeArgs,
    config: &crucible::serve::ServeConfig,
) -> anyhow::Result<crucible::serve::runs::RunsState> {
    use crucible::serve::runs::{RunsState, TaskRoot};
    let mut roots = Vec::new();
    let given = if args.task_roots.is_empty() && std::path::Path::new("tasks").is_dir() {
        vec!["tasks".to_string()]
    } else {
        args.task_roots.clone()
    };
    for root in &given {
        let root = match root.split_once('=') {
            Some((name, dir)) => TaskRoot {
                name: name.to_string(),
                path: dir.into(),
            },
            None => TaskRoot::from_path(root.into()),
        };
        anyhow::ensure!(
            root.path.is_dir(),
            "--tasks {}: not a directory",
            root.path.display()
        );
        roots.push(root);
    }
    let executor = sandbox(config, Backend::Fresh).await?;
    Ok(RunsState::with_roots(
        args.store.clone(),
        roots,
        executor,
        config.concurrency,
    )?)
}

fn read_tokens(args: &ServeArgs) -> anyhow::Result<Vec<String>> {
    let mut tokens = Vec::new();
    if let Some(path) = &args.tokens_file {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the tokens file {}", path.display()))?;
        tokens.extend(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_string),
        );
    }
    if let Ok(env) = std::env::var("CRUCIBLE_TOKENS") {
        tokens.extend(
            env.split([',', '\n', ' '])
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string),
        );
    }
    if tokens.iter().any(|t| t.len() < 16) {
        anyhow::bail!("every token must be at least 16 characters (a guessable token is no token)");
    }
    Ok(tokens)
}

fn config(args: &ServeArgs) -> anyhow::Result<ServeConfig> {
    let isolation = args
        .isolation
        .split([',', ':'])
        .map(|s| {
            Isolation::parse(s).with_context(|| format!("--isolation: `{s}` is not reuse or fresh"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    if isolation.is_empty() {
        anyhow::bail!("--isolation: allow at least one of reuse, fresh");
    }
    let defaults = args.limits.over(&Limits::default());
    let caps = LimitCaps {
        timeout: args.max_timeout,
        memory_bytes: args.max_memory,
        cpus: args.max_cpus,
        pids: LimitCaps::default().pids.max(defaults.pids),
        output_bytes: args.max_output,
    };
    if let Some(why) = caps.exceeded(&defaults) {
        anyhow::bail!("the default limits exceed the maxima: {why}; raise the --max-* flag");
    }
    let base = ServeConfig::default();
    let concurrency = args.concurrency.unwrap_or(base.concurrency).max(1);
    Ok(ServeConfig {
        listen: args.listen,
        concurrency,
        max_idle_slots: args.max_idle_slots.unwrap_or(4 * concurrency),
        max_queue: args.max_queue,
        defaults,
        caps,
        isolation,
        max_body_bytes: usize::try_from(args.max_body).unwrap_or(usize::MAX),
        max_files: args.max_files,
        max_batch: args.max_batch,
        request_deadline: args.request_deadline,
        grace: args.grace,
        tokens: read_tokens(args)?,
        runtime: args.runtime.clone(),
    })
}

async fn sandbox(config: &ServeConfig, backend: Backend) -> anyhow::Result<Arc<Sandbox>> {
    let policy = SandboxPolicy {
        runtime: config.runtime.clone(),
        ..SandboxPolicy::default()
    };
    Ok(Arc::new(Sandbox::connect(policy, backend).await?))
}

/// SIGTERM or Ctrl-C.
async fn shutdown_signal() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = term => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}

pub async fn run(args: ServeArgs) -> anyhow::Result<i32> {
    let _ = &args.config; // read by main before parsing (layering of the file)
    let config = match config(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("crucible serve: {e:#}");
            return Ok(exit::ERROR);
        }
    };
    if let Err(e) = crucible::serve::check_exposure(config.listen, &config.tokens) {
        eprintln!("crucible serve: {e}");
        return Ok(exit::ERROR);
    }
    let (reuse, fresh) = {
        let want = |i| config.isolation.contains(&i);
        let reuse = if want(Isolation::Reuse) {
            let reuse = sandbox(&config, Backend::Reuse).await;
            if let Ok(sb) = &reuse {
                sb.limit_idle_slots(config.max_idle_slots);
            }
            Some(reuse)
        } else {
            None
        };
        let fresh = if want(Isolation::Fresh) {
            Some(sandbox(&config, Backend::Fresh).await)
        } else {
            None
        };
        match (reuse.transpose(), fresh.transpose()) {
            (Ok(r), Ok(f)) => (r, f),
            (Err(e), _) | (_, Err(e)) => {
                eprintln!("crucible serve: {e:#}");
                return Ok(exit::UNAVAILABLE);
            }
        }
    };
    let listener = match tokio::net::TcpListener::bind(config.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!(
                "crucible serve: cannot listen on {}: {e} (is another server on that port? try --listen 127.0.0.1:0)",
                config.listen
            );
            return Ok(exit::ERROR);
        }
    };
    let addr = listener.local_addr()?;
    let auth = if config.tokens.is_empty() {
        "no tokens (loopback only)".to_string()
    } else {
        format!("{} token(s)", config.tokens.len())
    };
    println!("crucible serve: listening on http://{addr}");
    eprintln!(
        "crucible serve: {} executions at once, queue {}, isolation {}, {auth}",
        config.concurrency,
        config.max_queue,
        config
            .isolation
            .iter()
            .map(|i| i.as_str())
            .collect::<Vec<_>>()
            .join("/")
    );
    let state = ServeState::new(config, reuse, fresh);
    tokio::spawn(crucible::serve::warm_up(
        state.clone(),
        args.warm_image.clone(),
        args.warm_slots.min(state.config.concurrency),
    ));
    let runs = match runs_state(&args, &state.config).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("crucible serve: the runs API: {e:#}");
            return Ok(exit::UNAVAILABLE);
        }
    };
    let runs_for_shutdown = runs.clone();
    let shutdown = async move {
        shutdown_signal().await;
        // Runs stop starting work and remove their containers; their stores stay resumable.
        runs_for_shutdown.interrupt_all();
        runs_for_shutdown.wait_idle().await;
    };
    let report = crucible::serve::serve(
        state,
        listener,
        crucible::serve::runs::router(runs),
        shutdown,
    )
    .await?;
    eprintln!(
        "crucible serve: stopped ({}; {} container(s) removed)",
        if report.graceful {
            "everything in flight finished"
        } else {
            "the grace period ran out"
        },
        report.removed
    );
    Ok(exit::OK)
}
