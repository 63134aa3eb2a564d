//! The scheduler: one loop that owns the run's state. It keeps at most `concurrency`
//! executions in flight and hints the executor about as many upcoming ones (the fresh backend
//! creates their containers ahead); it emits every result the moment it arrives, retries infra
//! errors with backoff, pauses while the daemon is unreachable (pause.rs), and when stopped
//! removes what is in flight and records it as interrupted.
use super::events::{EventSink, RunEvent, RunOutcome};
use super::halt::{Halt, StopHandle};
use super::key::execution_key;
use super::pause::{DaemonWait, Outage, ProbeVerdict};
use super::record::{Attempt, Job};
use super::retry::RetryPolicy;
use super::spec::job_spec;
use super::writer::BatchWriter;
use crate::execution::{Evidence, ExecutionSpec, Executor, InfraError, Ticket};
use crate::judge;
use crate::store::FinalKey;
use crate::task::Task;
use crate::verdict::Verdict;
use std::collections::{HashMap, HashSet, VecDeque};
use std::iter::Peekable;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::{JoinError, JoinSet};
use tokio::time::Instant;

/// Where events go: the store writer first (a result is recorded before it is shown), then
/// every other sink.
pub(crate) struct Sinks {
    pub store: Option<BatchWriter>,
    pub others: Vec<Box<dyn EventSink>>,
}

impl Sinks {
    pub fn emit(&mut self, event: RunEvent) {
        if let Some(store) = &mut self.store {
            store.event(&event);
        }
        for sink in &mut self.others {
            sink.event(&event);
        }
    }
}

/// An attempt ready to run: its spec and the ticket that ties `prepare` to `execute`.
struct Dispatch {
    attempt: Attempt,
    spec: Arc<ExecutionSpec>,
    ticket: Ticket,
}

type Joined = Result<(tokio::task::Id, Result<Evidence, InfraError>), JoinError>;
type Retries = VecDeque<(Instant, Attempt)>;

pub(crate) struct Engine<'a> {
    pub executor: Arc<dyn Executor>,
    pub tasks: Arc<Vec<Task>>,
    pub run_id: String,
    pub concurrency: usize,
    pub retry: RetryPolicy,
    pub daemon_wait: DaemonWait,
    pub check_test_names: bool,
    pub done: HashSet<FinalKey>,
    pub sinks: &'a mut Sinks,
    pub stop: StopHandle,
    pub runtime: Option<String>,
    pub next_ticket: Ticket,
    pub outcome: RunOutcome,
}

impl Engine<'_> {
    /// Run every job; returns the counts and why the run stopped (`Halt::Running`: it did not).
    pub async fn run(mut self, jobs: impl Iterator<Item = Job>) -> (RunOutcome, Halt) {
        let mut jobs = jobs.peekable();
        // Due times ascending.
        let mut retries: Retries = VecDeque::new();
        let mut upcoming: VecDeque<Dispatch> = VecDeque::new();
        let mut in_flight: JoinSet<Result<Evidence, InfraError>> = JoinSet::new();
        let mut running: HashMap<tokio::task::Id, Dispatch> = HashMap::new();
        let stop = self.stop.clone();
        let running_state = || stop.state() == Halt::Running;
        let mut outage: Option<Outage<Dispatch>> = None;
        let halt = loop {
            let paused = outage.as_ref().is_some_and(Outage::paused);
            // Fill free slots: due retries first, then the upcoming executions.
            while in_flight.len() < self.concurrency && running_state() && !paused {
                let next = match retries.front() {
                    Some((due, _)) if *due <= Instant::now() => {
                        let (_, attempt) = retries.pop_front().expect("front");
                        self.prepare(attempt).await
                    }
                    _ => match upcoming.pop_front() {
                        Some(next) => Some(next),
                        None => match self.next_job(&mut jobs).await {
                            Some(next) => Some(next),
                            None if jobs.peek().is_some() => continue,
                            None => break,
                        },
                    },
                };
                let Some(next) = next else { continue };
                if !running_state() {
                    // Stopped while preparing: `abort_all` removes what was prepared.
                    upcoming.push_front(next);
                    break;
                }
                self.start(next, &mut in_flight, &mut running);
            }
            // Hint the executor about the next executions while these run.
            while upcoming.len() < self.concurrency && running_state() && !paused {
                match self.next_job(&mut jobs).await {
                    Some(next) => upcoming.push_back(next),
                    None if jobs.peek().is_some() => {}
                    None => break,
                }
            }
            if !running_state() {
                break stop.state();
            }
            if in_flight.is_empty()
                && !paused
                && retries.is_empty()
                && upcoming.is_empty()
                && jobs.peek().is_none()
            {
                break Halt::Running;
            }
            let next_retry = retries.front().map(|(due, _)| *due);
            let next_probe = outage.as_ref().and_then(Outage::next_probe);
            tokio::select! {
                Some(joined) = in_flight.join_next_with_id() => {
                    if let Some(joined) = self.daemon_cut(joined, &mut running, &mut outage).await {
                        self.finished(joined, &mut running, Some(&mut retries));
                    }
                }
                _ = sleep_until_opt(next_retry),
                    if !paused && (in_flight.is_empty() || next_retry.is_some()) => {}
                _ = sleep_until_opt(next_probe), if next_probe.is_some() => {
                    self.probe(&mut outage, in_flight.is_empty(), &mut retries, &mut upcoming)
                        .await;
                }
                why = stop.stopped() => break why,
            }
        };
        if halt != Halt::Running {
            let cut = outage.map(|mut o| o.take_rerun()).unwrap_or_default();
            self.stop_in_flight(&mut in_flight, &mut running, cut).await;
        }
        // Removals run in the background; none may outlive the run.
        self.executor.finish().await;
        (self.outcome, halt)
    }

    /// Cut short what is in flight, remove it and everything prepared, and record what was
    /// cut as interrupted. What had already finished keeps its verdict.
    /// `cut`: executions an outage had already cut short.
    async fn stop_in_flight(
        &mut self,
        in_flight: &mut JoinSet<Result<Evidence, InfraError>>,
        running: &mut HashMap<tokio::task::Id, Dispatch>,
        mut cut: Vec<Dispatch>,
    ) {
        self.outcome.interrupted = true;
        in_flight.abort_all();
        while let Some(joined) = in_flight.join_next_with_id().await {
            match joined {
                Err(e) if e.is_cancelled() => cut.extend(running.remove(&e.id())),
                other => self.finished(other, running, None),
            }
        }
        let removed = self.executor.abort_all().await;
        self.sinks.emit(RunEvent::Interrupted {
            in_flight: cut.len(),
            removed,
        });
        for d in cut {
            let result = judge::interrupted(&d.spec.image, &d.spec.limits);
            let record = d.attempt.record(&self.run_id, &result);
            self.sinks.emit(RunEvent::Finished {
                record: Arc::new(record),
                will_retry: false,
            });
        }
    }

    /// Take an execution the daemon's outage cut short out of the normal path (no record, no
    /// retry spent) and pause the run; `Some` gives any other ending back. An infra error
    /// counts as the daemon's when the run is paused already, when the executor says the
    /// daemon was unreachable, or when a probe right after it fails.
    async fn daemon_cut(
        &mut self,
        joined: Joined,
        running: &mut HashMap<tokio::task::Id, Dispatch>,
        outage: &mut Option<Outage<Dispatch>>,
    ) -> Option<Joined> {
        let (id, reason) = match &joined {
            Ok((id, Err(e))) => (*id, e.message.clone()),
            _ => {
                // A judgement while not paused: the outage, if any, is over.
                if outage.as_ref().is_some_and(|o| !o.paused()) {
                    *outage = None;
                }
                return Some(joined);
            }
        };
        let paused = outage.as_ref().is_some_and(Outage::paused);
        let daemon = paused
            || matches!(&joined, Ok((_, Err(e))) if e.is_daemon_unreachable())
            || !self.reachable().await;
        if !daemon {
            if outage.as_ref().is_some_and(|o| !o.paused()) {
                *outage = None;
            }
            return Some(joined);
        }
        let d = running
            .remove(&id)
            .expect("every spawned execution is tracked");
        let now = Instant::now();
        if !paused {
            match outage {
                Some(o) => o.pause_again(now),
                None => *outage = Some(Outage::begin(&self.daemon_wait, now)),
            }
            self.sinks.emit(RunEvent::Paused {
                reason,
                in_flight: running.len(),
            });
        }
        outage.as_mut().expect("paused").cut(d);
        None
    }

    /// Probe the daemon while paused: resume (recover, then run again what the outage cut
    /// short, and re-prepare what was hinted), wait more, or stop the run.
    async fn probe(
        &mut self,
        outage: &mut Option<Outage<Dispatch>>,
        idle: bool,
        retries: &mut Retries,
        upcoming: &mut VecDeque<Dispatch>,
    ) {
        let Some(o) = outage.as_mut() else { return };
        let reachable = self.reachable().await;
        let now = Instant::now();
        match o.probed(&self.daemon_wait, now, reachable, idle) {
            ProbeVerdict::Wait => {}
            ProbeVerdict::Resume => {
                let removed = self.executor.recover().await;
                let cut = o.take_rerun();
                let rerun = cut.len();
                // Hinted containers died with the daemon: prepare those executions again too.
                let again = cut.into_iter().chain(upcoming.drain(..));
                let now = Instant::now();
                let at = retries.partition_point(|(due, _)| *due <= now);
                for (i, d) in again.enumerate() {
                    retries.insert(at + i, (now, d.attempt));
                }
                self.sinks.emit(RunEvent::Resumed {
                    paused_ms: o.paused_for(now).as_millis() as u64,
                    rerun,
                    removed,
                });
            }
            ProbeVerdict::GiveUp => {
                self.sinks.emit(RunEvent::DaemonLost {
                    waited_ms: o.lasted(now).as_millis() as u64,
                });
                self.stop.interrupt();
            }
        }
    }

    /// One probe of the daemon; a daemon that hangs counts as unreachable.
    fn reachable(&self) -> impl Future<Output = bool> + Send + 'static {
        let limit = self.daemon_wait.max.max(Duration::from_secs(1));
        let executor = self.executor.clone();
        async move {
            matches!(
                tokio::time::timeout(limit, executor.probe()).await,
                Ok(Ok(()))
            )
        }
    }

    fn start(
        &mut self,
        d: Dispatch,
        in_flight: &mut JoinSet<Result<Evidence, InfraError>>,
        running: &mut HashMap<tokio::task::Id, Dispatch>,
    ) {
        self.sinks.emit(RunEvent::Started {
            execution: d.attempt.id(),
            key: d.attempt.key.clone(),
        });
        let (executor, spec, ticket) = (self.executor.clone(), d.spec.clone(), d.ticket);
        let handle = in_flight.spawn(async move { executor.execute(ticket, &spec).await });
        running.insert(handle.id(), d);
    }

    /// Judge and emit one ended execution; schedule its retry when `retries` is given and an
    /// infra error has attempts left.
    fn finished(
        &mut self,
        joined: Joined,
        running: &mut HashMap<tokio::task::Id, Dispatch>,
        retries: Option<&mut Retries>,
    ) {
        let (id, ran) = match joined {
            Ok((id, ran)) => (id, ran),
            // A panic in one execution must not lose the run: it is an infra error.
            Err(e) => (
                e.id(),
                Err(InfraError::new(format!(
                    "crucible failed while running it: {e}"
                ))),
            ),
        };
        let d = running
            .remove(&id)
            .expect("every spawned execution is tracked");
        let result = match ran {
            Ok(evidence) => judge::conclude(&d.spec, evidence),
            Err(e) => judge::infra_error(&d.spec, &e),
        };
        let infra = result.verdict == Verdict::InfraError;
        let retries = retries.filter(|_| infra && self.retry.retries_after(d.attempt.attempt));
        let record = d.attempt.record(&self.run_id, &result);
        self.outcome.executed += 1;
        self.sinks.emit(RunEvent::Finished {
            record: Arc::new(record),
            will_retry: retries.is_some(),
        });
        match retries {
            Some(retries) => {
                let delay = self.retry.delay_after(d.attempt.attempt);
                let mut again = d.attempt;
                again.attempt += 1;
                self.sinks.emit(RunEvent::Retried {
                    execution: again.id(),
                    delay_ms: delay.as_millis() as u64,
                });
                let due = Instant::now() + delay;
                let at = retries.partition_point(|(d, _)| *d <= due);
                retries.insert(at, (due, again));
            }
            None if infra => self.outcome.infra_errors_left += 1,
            None => {}
        }
    }

    /// The next new job, prepared and hinted to the executor. `None` when the jobs are
    /// exhausted or the job needed no execution (refused input, already recorded).
    async fn next_job(
        &mut self,
        jobs: &mut Peekable<impl Iterator<Item = Job>>,
    ) -> Option<Dispatch> {
        let job = jobs.next()?;
        let d = self.prepare(Attempt::first(job)).await?;
        self.executor.prepare(d.ticket, &d.spec);
        Some(d)
    }

    /// Read the candidate, build its spec and key, and skip it when resume already has a
    /// verdict for that key. A refused candidate is recorded here as invalid input.
    async fn prepare(&mut self, mut attempt: Attempt) -> Option<Dispatch> {
        let tasks = self.tasks.clone();
        let task = &tasks[attempt.job.task_index];
        let spec = job_spec(task, &attempt.job, &self.run_id, self.check_test_names);
        let spec = match spec {
            Ok(spec) => spec,
            Err(message) => {
                let result = judge::invalid_input(&task.image, &task.limits, message);
                let record = attempt.record(&self.run_id, &result);
                self.outcome.executed += 1;
                self.sinks.emit(RunEvent::Finished {
                    record: Arc::new(record),
                    will_retry: false,
                });
                return None;
            }
        };
        // A missing image is the attempt's infra error (retried), not the candidate's.
        let image_id = self
            .executor
            .image_id(&spec.image)
            .await
            .unwrap_or_default();
        attempt.key = execution_key(&task.id, &image_id, &spec, self.runtime.as_deref());
        let recorded = FinalKey {
            key: attempt.key.clone(),
            model: attempt.job.candidate.model.clone(),
            sample: attempt.job.candidate.sample,
            repeat: attempt.job.repeat,
        };
        if attempt.attempt == 1 && self.done.contains(&recorded) {
            self.outcome.skipped += 1;
            self.sinks.emit(RunEvent::Skipped {
                execution: attempt.id(),
            });
            return None;
        }
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        Some(Dispatch {
            attempt,
            spec: Arc::new(spec),
            ticket,
        })
    }
}

async fn sleep_until_opt(due: Option<Instant>) {
    match due {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}
