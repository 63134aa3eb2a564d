//! `crucible run --enqueue`: plan the run into the PostgreSQL queue for workers, then follow it.
use super::run::connect_executor;
use crucible::queue::{EnqueueOptions, WorkQueue, enqueue};
use crucible::run::Plan;
use std::sync::Arc;

pub struct EnqueueRequest {
    pub store: String,
    pub options: EnqueueOptions,
    /// Return once queued instead of following the run.
    pub detach: bool,
    pub json: bool,
}

pub async fn enqueue_run(plan: Plan, request: EnqueueRequest) -> anyhow::Result<i32> {
    let mut queue = WorkQueue::open(&request.store)?;
    let run_id = request.options.run_id.clone();
    // Image ids make the planned keys those of a local run; without a daemon here, workers
    // still record the keys of the images they ran on.
    let local = connect_executor(request.options.runtime.clone(), false).await;
    if let Err(e) = &local {
        eprintln!("crucible run: no local Docker ({e}); queuing without image ids");
    }
    let planned = plan.executions();
    let outcome = enqueue(
        &mut queue,
        plan,
        &request.options,
        local.as_ref().ok().map(|e| e.as_ref()),
    )
    .await?;
    if let Ok(local) = local {
        local.finish().await;
    }
    if request.json {
        println!(
            "{}",
            serde_json::json!({"event": "enqueued", "run_id": run_id, "planned": planned, "outcome": outcome})
        );
    } else {
        eprintln!(
            "run {run_id}: {} queued, {} already queued, {} refused (recorded), {} payload blobs \
             written; start workers with `crucible worker --store <this store>`",
            outcome.queued, outcome.already_queued, outcome.refused, outcome.blobs
        );
    }
    if request.detach {
        println!("{run_id}");
        return Ok(super::exit::OK);
    }
    super::watch::watch(Arc::new(queue), &request.store, &run_id, request.json).await
}
