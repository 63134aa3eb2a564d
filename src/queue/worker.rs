//! `crucible worker`: claim executions from the queue, run them on this machine's executor,
//! judge them here and write the results, renewing the leases while they run.
use super::blobs::{PayloadManifest, join};
use super::claim::{Claimed, Completion};
use super::error::QueueError;
use super::work_queue::WorkQueue;
use crate::execution::{Evidence, ExecutionSpec, Executor, InfraError, Ticket};
use crate::judge;
use crate::run::{ExecutionId, Halt, StopHandle, execution_key, execution_record};
use crate::store::StoreError;
use crate::verdict::Verdict;
use futures_util::future::BoxFuture;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;
use tokio::task::{AbortHandle, JoinSet};
use tokio::time::Instant;

/// Makes the executor a run's executions use on this worker (one per run, so cancelling a
/// run removes only its containers), for the run's OCI runtime.
pub type ExecutorFactory = Arc<
    dyn Fn(Option<String>) -> BoxFuture<'static, Result<Arc<dyn Executor>, String>> + Send + Sync,
>;

#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// Unique among workers (hostname, pid and a random suffix by default).
    pub id: String,
    pub concurrency: usize,
    /// Claim only executions whose labels are all among these.
    pub labels: Vec<String>,
    /// A claim is this worker's for this long unless renewed (renewed every third of it).
    pub lease: Duration,
    /// Longest wait between claims when the queue is empty.
    pub poll: Duration,
    /// Exit after the queue has had nothing for this worker this long (batch jobs).
    pub exit_when_idle: Option<Duration>,
    /// Payload blobs kept in memory between executions.
    pub blob_cache_bytes: usize,
}

impl WorkerConfig {
    pub fn new(concurrency: usize) -> WorkerConfig {
        WorkerConfig {
            id: format!(
                "{}-{}-{}",
                crate::docker::labels::hostname(),
                std::process::id(),
                &uuid::Uuid::new_v4().simple().to_string()[..8]
            ),
            concurrency: concurrency.max(1),
            labels: Vec::new(),
            lease: Duration::from_secs(30),
            poll: Duration::from_secs(1),
            exit_when_idle: None,
            blob_cache_bytes: 256 << 20,
        }
    }
}

/// What a worker tells its operator.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum WorkerEvent {
    Started {
        run_id: String,
        execution: ExecutionId,
    },
    Finished {
        run_id: String,
        execution: ExecutionId,
        verdict: Verdict,
        completion: Completion,
    },
    /// Another worker claimed this execution after this one's lease expired; its result
    /// will be recorded as an attempt only.
    LeaseLost {
        run_id: String,
        execution: ExecutionId,
    },
    /// The run was cancelled: its executions here were stopped and their containers removed.
    Cancelled { run_id: String, stopped: usize },
    /// Queued executions need an image this machine lacks; they are left to other workers.
    MissingImage { image: String, error: String },
    /// The Docker daemon is unreachable: nothing new is claimed, executions it cut short go
    /// back to the queue unrecorded (no retry spent), and the daemon is probed until it is back.
    Paused { error: String },
    /// The daemon answers again; `removed` containers that survived the outage were removed.
    Resumed { paused_ms: u64, removed: usize },
    /// The database could not be reached; the worker keeps its executions and tries again.
    StoreUnreachable { error: String },
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct WorkerOutcome {
    /// Results recorded as final.
    pub finished: u64,
    /// Infra errors sent back to the queue for another attempt.
    pub retried: u64,
    /// Results recorded as attempts only (lease lost, run cancelled meanwhile).
    pub late: u64,
    /// Executions given back unfinished when the worker stopped.
    pub released: u64,
}

/// One claimed execution in flight here.
struct Held {
    claimed: Claimed,
    spec: Arc<ExecutionSpec>,
    abort: AbortHandle,
    cancelled: bool,
}

pub struct Worker {
    queue: Arc<WorkQueue>,
    config: WorkerConfig,
    factory: ExecutorFactory,
    stop: StopHandle,
    events: Box<dyn FnMut(WorkerEvent) + Send>,
    executors: HashMap<String, Arc<dyn Executor>>,
    blobs: HashMap<String, Arc<Vec<u8>>>,
    blob_bytes: usize,
    next_ticket: Ticket,
    outcome: WorkerOutcome,
    outage: Option<Outage>,
}

/// The daemon is down: since when, and when to probe it next.
struct Outage {
    since: Instant,
    next_probe: Instant,
    wait: Duration,
}

type Joined = Result<(tokio::task::Id, Result<Evidence, InfraError>), tokio::task::JoinError>;

/// Run a queue call on a blocking thread (the PostgreSQL client must not block the runtime).
async fn blocking<T: Send + 'static>(
    queue: &Arc<WorkQueue>,
    f: impl FnOnce(&WorkQueue) -> T + Send + 'static,
) -> T {
    let queue = queue.clone();
    tokio::task::spawn_blocking(move || f(&queue))
        .await
        .expect("a queue call panicked")
}

impl Worker {
    pub fn new(
        queue: WorkQueue,
        config: WorkerConfig,
        factory: ExecutorFactory,
        stop: StopHandle,
    ) -> Worker {
        Worker {
            queue: Arc::new(queue),
            config,
            factory,
            stop,
            events: Box::new(|_| {}),
            executors: HashMap::new(),
            blobs: HashMap::new(),
            blob_bytes: 0,
            next_ticket: 0,
            outcome: WorkerOutcome::default(),
            outage: None,
        }
    }

    pub fn on_event(mut self, f: impl FnMut(WorkerEvent) + Send + 'static) -> Worker {
        self.events = Box::new(f);
        self
    }

    /// Work until stopped (or idle for `exit_when_idle`). On stop, what is in flight is cut
    /// short, its containers removed, and its executions given back to the queue.
    pub async fn run(mut self) -> Result<WorkerOutcome, QueueError> {
        let probe = (self.factory)(None).await.map_err(QueueError::Executor)?;
        let mut in_flight: JoinSet<Result<Evidence, InfraError>> = JoinSet::new();
        let mut held: HashMap<tokio::task::Id, Held> = HashMap::new();
        let mut images: Vec<String> = Vec::new();
        let mut images_checked: Option<Instant> = None;
        let mut missing_told: HashSet<String> = HashSet::new();
        let renew_every = self.config.lease / 3;
        let mut next_renew = Instant::now() + renew_every;
        let mut idle_since: Option<Instant> = None;
        let mut wait = Duration::from_millis(20);
        let stop = self.stop.clone();
        loop {
            if stop.state() != Halt::Running {
                break;
            }
            let paused = self.outage.is_some();
            if !paused && images_checked.is_none_or(|t| t.elapsed() > Duration::from_secs(5)) {
                images = self.usable_images(&*probe, &mut missing_told).await;
                images_checked = Some(Instant::now());
            }
            let free = self.config.concurrency.saturating_sub(in_flight.len());
            let mut claimed = 0;
            if free > 0 && !images.is_empty() && !paused {
                let (id, labels, lease) = (
                    self.config.id.clone(),
                    self.config.labels.clone(),
                    self.config.lease,
                );
                let want = images.clone();
                match blocking(&self.queue, move |q| {
                    q.claim(&id, free, &want, &labels, lease)
                })
                .await
                {
                    Ok(rows) => {
                        claimed = rows.len();
                        self.fetch_blobs(&rows).await;
                        for row in rows {
                            self.start(row, &mut in_flight, &mut held).await;
                        }
                    }
                    Err(e) => self.unreachable(&e),
                }
            }
            if claimed == 0 && in_flight.is_empty() && !paused {
                let since = *idle_since.get_or_insert_with(Instant::now);
                if self
                    .config
                    .exit_when_idle
                    .is_some_and(|d| since.elapsed() >= d)
                {
                    break;
                }
            } else {
                idle_since = None;
            }
            // Claim again at once while work comes; back off while the queue is empty.
            wait = if claimed > 0 {
                Duration::from_millis(20)
            } else {
                (wait * 2).min(self.config.poll)
            };
            let claim_again = free > claimed && !paused;
            let next_probe = self.outage.as_ref().map(|o| o.next_probe);
            tokio::select! {
                Some(joined) = in_flight.join_next_with_id() => {
                    // Whatever else has ended meanwhile is settled in the same round trip.
                    let mut ended = vec![joined];
                    while let Some(more) = in_flight.try_join_next_with_id() {
                        ended.push(more);
                    }
                    self.finished(ended, &mut held, &*probe).await;
                }
                _ = sleep_until_opt(next_probe) => {
                    self.probe(&*probe, in_flight.is_empty()).await;
                }
                _ = tokio::time::sleep(wait), if claim_again => {}
                _ = tokio::time::sleep_until(next_renew) => {
                    next_renew = Instant::now() + renew_every;
                    self.renew(&mut held).await;
                }
                _ = stop.stopped() => break,
            }
        }
        self.shut_down(&mut in_flight, &mut held).await;
        Ok(self.outcome)
    }

    /// Images queued executions need that this machine has; tell once about each it lacks.
    async fn usable_images(
        &mut self,
        probe: &dyn Executor,
        told: &mut HashSet<String>,
    ) -> Vec<String> {
        let wanted = match blocking(&self.queue, |q| q.open_images()).await {
            Ok(w) => w,
            Err(e) => {
                self.unreachable(&e);
                return Vec::new();
            }
        };
        let mut usable = Vec::new();
        for image in wanted {
            match probe.image_id(&image).await {
                Ok(_) => usable.push(image),
                Err(e) => {
                    if told.insert(image.clone()) {
                        (self.events)(WorkerEvent::MissingImage {
                            image,
                            error: e.message,
                        });
                    }
                }
            }
        }
        usable
    }

    fn unreachable(&mut self, e: &StoreError) {
        (self.events)(WorkerEvent::StoreUnreachable {
            error: e.to_string(),
        });
    }

    /// Rebuild a claimed execution's spec and hand it to its run's executor. A row that cannot
    /// be rebuilt is an infra error of that attempt.
    async fn start(
        &mut self,
        claimed: Claimed,
        in_flight: &mut JoinSet<Result<Evidence, InfraError>>,
        held: &mut HashMap<tokio::task::Id, Held>,
    ) {
        let spec = match self.spec_of(&claimed).await {
            Ok(spec) => Arc::new(spec),
            Err(message) => {
                let spec = serde_json::from_str::<ExecutionSpec>(&claimed.spec_json)
                    .unwrap_or_else(|_| placeholder_spec(&claimed));
                return self.infra_error(&claimed, &spec, message).await;
            }
        };
        let executor = match self.executor_for(&claimed).await {
            Ok(executor) => executor,
            Err(message) => return self.infra_error(&claimed, &spec, message).await,
        };
        (self.events)(WorkerEvent::Started {
            run_id: claimed.run_id.clone(),
            execution: claimed.execution.clone(),
        });
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        let task_spec = spec.clone();
        let handle = in_flight.spawn(async move { executor.execute(ticket, &task_spec).await });
        held.insert(
            handle.id(),
            Held {
                claimed,
                spec,
                abort: handle,
                cancelled: false,
            },
        );
    }

    /// Record an attempt that could not start here as an infra error (retried elsewhere or
    /// later by the queue's policy).
    async fn infra_error(&mut self, claimed: &Claimed, spec: &ExecutionSpec, message: String) {
        let result = judge::infra_error(spec, &InfraError::new(message));
        let record = execution_record(&claimed.run_id, &claimed.execution, &claimed.key, &result);
        self.complete(vec![(claimed.clone(), record)]).await;
    }

    /// Fetch, in one round trip, the blobs a batch of claims needs that are not cached.
    async fn fetch_blobs(&mut self, rows: &[Claimed]) {
        let names: HashSet<String> = rows
            .iter()
            .filter_map(|c| serde_json::from_str::<PayloadManifest>(&c.payload_json).ok())
            .flat_map(|m| m.blob_names())
            .collect();
        // A failure here is met again, and reported per execution, by `spec_of`.
        let _ = self.load_blobs(names).await;
    }

    /// Fetch those of `names` that are not cached.
    async fn load_blobs(&mut self, names: impl IntoIterator<Item = String>) -> Result<(), String> {
        let missing: Vec<String> = names
            .into_iter()
            .filter(|b| !self.blobs.contains_key(b))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        let fetched = blocking(&self.queue, move |q| q.blobs(missing))
            .await
            .map_err(|e| e.to_string())?;
        if self.blob_bytes > self.config.blob_cache_bytes {
            self.blobs.clear();
            self.blob_bytes = 0;
        }
        for (name, bytes) in fetched {
            self.blob_bytes += bytes.len();
            self.blobs.insert(name, bytes);
        }
        Ok(())
    }

    async fn spec_of(&mut self, claimed: &Claimed) -> Result<ExecutionSpec, String> {
        let mut spec: ExecutionSpec = serde_json::from_str(&claimed.spec_json)
            .map_err(|e| format!("its queued spec does not parse: {e}"))?;
        let manifest: PayloadManifest = serde_json::from_str(&claimed.payload_json)
            .map_err(|e| format!("its payload manifest does not parse: {e}"))?;
        self.load_blobs(manifest.blob_names()).await?;
        spec.payload = join(&manifest, &self.blobs)?;
        Ok(spec)
    }

    async fn executor_for(&mut self, claimed: &Claimed) -> Result<Arc<dyn Executor>, String> {
        if let Some(e) = self.executors.get(&claimed.run_id) {
            return Ok(e.clone());
        }
        let executor = (self.factory)(claimed.runtime.clone()).await?;
        self.executors
            .insert(claimed.run_id.clone(), executor.clone());
        Ok(executor)
    }

    /// Judge ended executions here and record them, in one round trip.
    async fn finished(
        &mut self,
        ended: Vec<Joined>,
        held: &mut HashMap<tokio::task::Id, Held>,
        probe: &dyn Executor,
    ) {
        let mut batch = Vec::with_capacity(ended.len());
        for joined in ended {
            if let Some(settled) = self.judged(joined, held, probe).await {
                batch.push(settled);
            }
        }
        self.complete(batch).await;
    }

    /// One ended execution judged into its record; `None` when the daemon's outage cut it
    /// short (it goes back to the queue unrecorded, to run again once the daemon is back).
    async fn judged(
        &mut self,
        joined: Joined,
        held: &mut HashMap<tokio::task::Id, Held>,
        probe: &dyn Executor,
    ) -> Option<(Claimed, crate::store::ExecutionRecord)> {
        let (id, ran) = match joined {
            Ok((id, ran)) => (id, Some(ran)),
            Err(e) if e.is_cancelled() => (e.id(), None),
            Err(e) => (
                e.id(),
                Some(Err(InfraError::new(format!(
                    "crucible failed while running it: {e}"
                )))),
            ),
        };
        let h = held.remove(&id)?;
        if let Some(Err(e)) = &ran
            && (self.outage.is_some() || e.is_daemon_unreachable() || probe.probe().await.is_err())
        {
            // The daemon's failure, not the execution's: run it again once the daemon is back.
            if self.outage.is_none() {
                let now = Instant::now();
                self.outage = Some(Outage {
                    since: now,
                    next_probe: now + Duration::from_millis(250),
                    wait: Duration::from_millis(250),
                });
                (self.events)(WorkerEvent::Paused {
                    error: e.message.clone(),
                });
            }
            let (worker, claim) = (
                self.config.id.clone(),
                vec![(h.claimed.id, h.claimed.execution.attempt)],
            );
            if let Err(e) = blocking(&self.queue, move |q| q.release(&worker, &claim)).await {
                self.unreachable(&e);
            }
            return None;
        }
        let result = match ran {
            Some(Ok(evidence)) => judge::conclude(&h.spec, evidence),
            Some(Err(e)) => judge::infra_error(&h.spec, &e),
            None => judge::interrupted(&h.spec.image, &h.spec.limits),
        };
        let key = execution_key(
            &h.claimed.execution.task_id,
            result.image_id.as_deref().unwrap_or_default(),
            &h.spec,
            h.claimed.runtime.as_deref(),
        );
        let record = execution_record(&h.claimed.run_id, &h.claimed.execution, &key, &result);
        Some((h.claimed, record))
    }

    /// While paused: probe the daemon with a growing wait; once it answers and nothing is in
    /// flight, remove what survived the outage and claim again.
    async fn probe(&mut self, probe: &dyn Executor, idle: bool) {
        let Some(outage) = &mut self.outage else {
            return;
        };
        if probe.probe().await.is_err() || !idle {
            outage.wait = (outage.wait * 2).min(Duration::from_secs(5));
            outage.next_probe = Instant::now() + outage.wait;
            return;
        }
        let paused_ms = outage.since.elapsed().as_millis() as u64;
        self.outage = None;
        // Every executor of this process shares the daemon; one recovery removes what any of
        // them left, and the per-run ones start over with empty pools.
        let mut removed = probe.recover().await;
        for (_, executor) in self.executors.drain() {
            removed += executor.recover().await;
            executor.finish().await;
        }
        (self.events)(WorkerEvent::Resumed { paused_ms, removed });
    }

    /// Write results, retrying while the database is unreachable (unless stopped: then the
    /// leases run out and the executions are run again elsewhere, so nothing is lost).
    async fn complete(&mut self, batch: Vec<(Claimed, crate::store::ExecutionRecord)>) {
        if batch.is_empty() {
            return;
        }
        let mut wait = Duration::from_millis(250);
        loop {
            let (worker, b) = (self.config.id.clone(), batch.clone());
            match blocking(&self.queue, move |q| q.complete_many(&worker, b)).await {
                Ok(completions) => {
                    for ((claimed, record), completion) in batch.into_iter().zip(completions) {
                        match completion {
                            Completion::Final => self.outcome.finished += 1,
                            Completion::Retry { .. } => self.outcome.retried += 1,
                            Completion::Late => self.outcome.late += 1,
                        }
                        (self.events)(WorkerEvent::Finished {
                            run_id: claimed.run_id,
                            execution: claimed.execution,
                            verdict: record.verdict,
                            completion,
                        });
                    }
                    return;
                }
                Err(e) => self.unreachable(&e),
            }
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = self.stop.stopped() => return,
            }
            wait = (wait * 2).min(Duration::from_secs(5));
        }
    }

    /// Extend the leases; stop what belongs to cancelled runs.
    async fn renew(&mut self, held: &mut HashMap<tokio::task::Id, Held>) {
        let claims: Vec<(i64, u32)> = held
            .values()
            .map(|h| (h.claimed.id, h.claimed.execution.attempt))
            .collect();
        let (id, lease) = (self.config.id.clone(), self.config.lease);
        let renewal = match blocking(&self.queue, move |q| q.renew(&id, &claims, lease)).await {
            Ok(r) => r,
            Err(e) => return self.unreachable(&e),
        };
        for h in held.values() {
            if renewal.lost.contains(&h.claimed.id) {
                (self.events)(WorkerEvent::LeaseLost {
                    run_id: h.claimed.run_id.clone(),
                    execution: h.claimed.execution.clone(),
                });
            }
        }
        let mut runs: HashMap<String, usize> = HashMap::new();
        for h in held.values_mut() {
            if renewal.cancelled.contains(&h.claimed.id) && !h.cancelled {
                h.cancelled = true;
                h.abort.abort();
                *runs.entry(h.claimed.run_id.clone()).or_default() += 1;
            }
        }
        for (run_id, stopped) in runs {
            if let Some(executor) = self.executors.remove(&run_id) {
                executor.abort_all().await;
                executor.finish().await;
            }
            (self.events)(WorkerEvent::Cancelled { run_id, stopped });
        }
    }

    async fn shut_down(
        &mut self,
        in_flight: &mut JoinSet<Result<Evidence, InfraError>>,
        held: &mut HashMap<tokio::task::Id, Held>,
    ) {
        in_flight.abort_all();
        while in_flight.join_next().await.is_some() {}
        for executor in self.executors.values() {
            executor.abort_all().await;
        }
        let claims: Vec<(i64, u32)> = held
            .drain()
            .map(|(_, h)| (h.claimed.id, h.claimed.execution.attempt))
            .collect();
        self.outcome.released = claims.len() as u64;
        let id = self.config.id.clone();
        if let Err(e) = blocking(&self.queue, move |q| q.release(&id, &claims)).await {
            // Their leases expire instead; other workers take them then.
            self.unreachable(&e);
        }
        for (_, executor) in self.executors.drain() {
            executor.finish().await;
        }
    }
}

/// A spec to hang an infra error on when the queued spec itself is unreadable.
fn placeholder_spec(claimed: &Claimed) -> ExecutionSpec {
    ExecutionSpec {
        image: claimed.image.clone(),
        command: Vec::new(),
        payload: crate::payload::Payload::empty(),
        limits: crate::limits::Limits::default(),
        expectation: Default::default(),
        split: None,
        run_id: Some(claimed.run_id.clone()),
        task_id: Some(claimed.execution.task_id.clone()),
    }
}

async fn sleep_until_opt(due: Option<Instant>) {
    match due {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}
