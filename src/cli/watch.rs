//! `crucible watch`: follow a queued run from the database; Ctrl-C cancels it for every worker.
use super::exit;
use anyhow::Context;
use crucible::queue::{QueueProgress, WorkQueue};
use crucible::report::{OutputFormat, render, summarize_run};
use crucible::store::open_store;
use crucible::verdict::Verdict;
use std::sync::Arc;
use std::time::Duration;

#[derive(clap::Args, Debug)]
pub struct WatchArgs {
    /// The queued run's id (as `crucible run --enqueue` printed it).
    run_id: String,
    /// The PostgreSQL store holding the queue.
    #[arg(long, env = "CRUCIBLE_STORE")]
    store: String,
    /// Cancel the run for every worker, then wait for the workers to stop it.
    #[arg(long)]
    cancel: bool,
    /// Print progress and the summary as JSON.
    #[arg(long)]
    json: bool,
}

pub async fn run(args: WatchArgs) -> anyhow::Result<i32> {
    let queue = Arc::new(WorkQueue::open(&args.store)?);
    if args.cancel {
        queue.cancel(&args.run_id)?;
    }
    watch(queue, &args.store, &args.run_id, args.json).await
}

/// Print the run's progress until nothing is pending or running, then its summary. The first
/// Ctrl-C cancels the run everywhere and keeps watching while workers stop; a second exits.
pub async fn watch(
    queue: Arc<WorkQueue>,
    store: &str,
    run_id: &str,
    json: bool,
) -> anyhow::Result<i32> {
    let (ctrl_c_tx, mut ctrl_c) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("install SIGTERM handler");
        loop {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            if ctrl_c_tx.send(()).is_err() {
                return;
            }
        }
    });
    let mut last: Option<QueueProgress> = None;
    let mut cancelling = false;
    let progress = loop {
        let q = queue.clone();
        let id = run_id.to_string();
        let p = match tokio::task::spawn_blocking(move || q.progress(&id))
            .await
            .context("reading the queue")?
        {
            Ok(p) => p,
            // The database restarting or out of reach: say so and look again.
            Err(crucible::queue::QueueError::Store(e)) => {
                eprintln!("crucible watch: {e}; trying again");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        if last.as_ref() != Some(&p) {
            print_progress(run_id, &p, json);
            last = Some(p.clone());
        }
        if p.settled() {
            break p;
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(500)) => {}
            Some(()) = ctrl_c.recv() => {
                if cancelling {
                    eprintln!("crucible watch: exiting; the run stays cancelled");
                    return Ok(exit::INTERRUPTED);
                }
                cancelling = true;
                eprintln!(
                    "crucible watch: cancelling run {run_id} for every worker (Ctrl-C again to stop watching)"
                );
                let (q, id) = (queue.clone(), run_id.to_string());
                tokio::task::spawn_blocking(move || q.cancel(&id)).await??;
            }
        }
    };
    let store = open_store(store)?;
    let summary = summarize_run(store.as_ref(), run_id)?;
    let format = if json {
        OutputFormat::Json
    } else {
        OutputFormat::Table
    };
    super::output::write_stdout(&render(format, &summary));
    let infra_left = store
        .final_verdict_counts(run_id)?
        .into_iter()
        .find(|(v, _)| *v == Verdict::InfraError)
        .map_or(0, |(_, n)| n);
    Ok(if progress.run_cancelled {
        exit::INTERRUPTED
    } else if infra_left > 0 {
        eprintln!("crucible watch: {infra_left} execution(s) ended in infra_error after retries");
        exit::FOUND_PROBLEMS
    } else {
        exit::OK
    })
}

fn print_progress(run_id: &str, p: &QueueProgress, json: bool) {
    if json {
        let line = serde_json::json!({"event": "queue_progress", "run_id": run_id, "progress": p});
        println!("{line}");
        return;
    }
    let mut line = format!(
        "run {run_id}: {}/{} done · {} running on {} worker(s) · {} pending",
        p.done,
        p.total(),
        p.running,
        p.workers,
        p.pending
    );
    if p.run_cancelled {
        line.push_str(&format!(" · CANCELLED ({} stopped)", p.cancelled));
    }
    eprintln!("{line}");
}
