//! A run planned into the queue instead of executed here: the run and its tasks are recorded,
//! every execution becomes a pending row with its spec, and payload files are stored once.
use super::QueueError;
use super::blobs::split;
use super::work_queue::{NewRow, WorkQueue};
use crate::execution::Executor;
use crate::judge;
use crate::run::{
    ExecutionId, Plan, RetryPolicy, execution_key, execution_record, job_spec, now_ms, task_record,
};
use crate::store::{RunRecord, StoreWriter};
use std::collections::{HashMap, HashSet};

/// Rows written per transaction.
const BATCH: usize = 500;

#[derive(Debug, Clone)]
pub struct EnqueueOptions {
    pub run_id: String,
    pub retry: RetryPolicy,
    /// Only workers carrying every one of these labels claim the run's executions.
    pub labels: Vec<String>,
    /// The OCI runtime the workers must use (part of the key).
    pub runtime: Option<String>,
    /// What was asked for, kept with the run.
    pub settings: serde_json::Value,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct EnqueueOutcome {
    /// New rows in the queue.
    pub queued: u64,
    /// Already queued (enqueuing a run again resumes it).
    pub already_queued: u64,
    /// Refused candidates, recorded at once as `invalid_input`.
    pub refused: u64,
    /// Distinct payload blobs written.
    pub blobs: u64,
}

/// Plan `plan` into the queue. `images` gives image ids for the planned keys when this
/// machine has the images (workers record the key of the image they ran on).
pub async fn enqueue(
    queue: &mut WorkQueue,
    plan: Plan,
    options: &EnqueueOptions,
    images: Option<&dyn Executor>,
) -> Result<EnqueueOutcome, QueueError> {
    let run_id = options.run_id.clone();
    let store = queue.store();
    store.begin_run(&RunRecord {
        run_id: run_id.clone(),
        config_json: options.settings.to_string(),
        started_at_ms: now_ms(),
        finished_at_ms: None,
        crucible_version: env!("CARGO_PKG_VERSION").into(),
        host: crate::docker::labels::hostname(),
    })?;
    let tasks = plan.tasks().clone();
    let records: Vec<_> = tasks.iter().map(|t| task_record(&run_id, t)).collect();
    store.put_tasks(&records)?;
    queue.register_run(&run_id, &options.retry)?;

    let mut outcome = EnqueueOutcome::default();
    let mut image_ids: HashMap<String, String> = HashMap::new();
    let mut written: HashSet<String> = HashSet::new();
    let mut rows = Vec::new();
    let mut blobs = Vec::new();
    let mut refused = Vec::new();
    let mut jobs = plan.into_jobs().peekable();
    while let Some(job) = jobs.next() {
        let task = &tasks[job.task_index];
        let execution = ExecutionId {
            task_id: job.candidate.task_id.clone(),
            model: job.candidate.model.clone(),
            sample: job.candidate.sample,
            repeat: job.repeat,
            attempt: 1,
        };
        match job_spec(task, &job, &run_id, true) {
            Err(message) => {
                let result = judge::invalid_input(&task.image, &task.limits, message);
                refused.push(execution_record(&run_id, &execution, "", &result));
            }
            Ok(mut spec) => {
                let image_id = match (image_ids.get(&spec.image), images) {
                    (Some(id), _) => id.clone(),
                    (None, Some(executor)) => {
                        let id = executor.image_id(&spec.image).await.unwrap_or_default();
                        image_ids.insert(spec.image.clone(), id.clone());
                        id
                    }
                    (None, None) => String::new(),
                };
                let key = execution_key(&task.id, &image_id, &spec, options.runtime.as_deref());
                let (manifest, files) = split(&spec.payload);
                for (name, bytes) in files {
                    if written.insert(name.clone()) {
                        blobs.push((name, bytes));
                    }
                }
                // The payload travels as its manifest; the spec keeps an empty one.
                spec.payload = crate::payload::Payload::empty();
                rows.push(NewRow {
                    execution,
                    key,
                    image: spec.image.clone(),
                    runtime: options.runtime.clone(),
                    spec_json: serde_json::to_string(&spec)
                        .map_err(|e| QueueError::Executor(e.to_string()))?,
                    payload_json: serde_json::to_string(&manifest)
                        .map_err(|e| QueueError::Executor(e.to_string()))?,
                    labels: options.labels.clone(),
                });
            }
        }
        if rows.len() >= BATCH || refused.len() >= BATCH || jobs.peek().is_none() {
            outcome.blobs += blobs.len() as u64;
            queue.put_blobs(std::mem::take(&mut blobs))?;
            let n = rows.len() as u64;
            let added = queue.enqueue(&run_id, std::mem::take(&mut rows))?;
            outcome.queued += added;
            outcome.already_queued += n - added;
            outcome.refused += refused.len() as u64;
            queue
                .store()
                .put_executions(&std::mem::take(&mut refused))?;
        }
    }
    Ok(outcome)
}
