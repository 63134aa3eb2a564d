//! The scheduler: one loop that owns the run's state. It keeps at most `concurrency` executions
//! running and, in default mode, as many containers created ahead for the ones that come next;
//! it hands every result to the store writer the moment it arrives, retries infra errors with
//! backoff, and on shutdown removes what is in flight and records it as interrupted.
use super::job::{Attempt, Job};
use super::key::execution_key;
use super::progress::Progress;
use super::writer::StoreWriter;
use crate::execution::{ExecutionResult, ExecutionSpec, Executor, Ticket};
use crate::store::FinalKey;
use crate::task::{CandidateSource, Task, execution_spec, read_candidate_dir};
use crate::verdict::Verdict;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio::task::JoinSet;
use tokio::time::Instant;

#[derive(Debug, Clone)]
pub struct EngineConfig {
    pub run_id: String,
    pub concurrency: usize,
    /// Retries of an infra error (attempts = 1 + retries).
    pub max_retries: u32,
    pub backoff: Duration,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RunOutcome {
    pub executed: u64,
    pub skipped: u64,
    pub infra_errors_left: u64,
    pub interrupted: bool,
}

pub struct Engine<'a> {
    pub sandbox: Arc<dyn Executor>,
    pub tasks: Arc<Vec<Task>>,
    pub config: EngineConfig,
    pub done: HashSet<FinalKey>,
    pub writer: &'a StoreWriter,
    pub progress: &'a mut Progress,
    pub shutdown: Arc<Notify>,
    pub next_ticket: Ticket,
}

impl Engine<'_> {
    pub async fn run(mut self, jobs: impl Iterator<Item = Job>) -> RunOutcome {
        let mut outcome = RunOutcome::default();
        let mut jobs = jobs.peekable();
        let mut retries: VecDeque<(Instant, Attempt)> = VecDeque::new();
        // Executions prepared next, their containers being created ahead.
        let mut upcoming: VecDeque<(Attempt, ExecutionSpec, Option<Ticket>)> = VecDeque::new();
        let mut in_flight: JoinSet<ExecutionResult> = JoinSet::new();
        let mut attempts: HashMap<tokio::task::Id, Attempt> = HashMap::new();
        let shutdown = self.shutdown.clone();
        loop {
            // Fill free slots: due retries first, then the upcoming executions.
            while in_flight.len() < self.config.concurrency {
                let next = match retries.front() {
                    Some((due, _)) if *due <= Instant::now() => {
                        let (_, attempt) = retries.pop_front().expect("front");
                        self.prepare(attempt, &mut outcome)
                            .await
                            .map(|(attempt, spec)| (attempt, spec, None))
                    }
                    _ => match upcoming.pop_front() {
                        Some(next) => Some(next),
                        None => match self.next_upcoming(&mut jobs, &mut outcome).await {
                            Some(next) => Some(next),
                            None if jobs.peek().is_some() => continue,
                            None => break,
                        },
                    },
                };
                let Some((attempt, spec, ahead)) = next else {
                    continue;
                };
                let sandbox = self.sandbox.clone();
                let ticket = ahead.unwrap_or_else(|| self.ticket());
                let handle = in_flight.spawn(async move {
                    match sandbox.execute(ticket, &spec).await {
                        Ok(evidence) => crate::judge::conclude(&spec, evidence),
                        Err(e) => crate::judge::infra_error(&spec, &e),
                    }
                });
                attempts.insert(handle.id(), attempt);
            }
            // Create the containers of the next executions while these run.
            while upcoming.len() < self.config.concurrency {
                match self.next_upcoming(&mut jobs, &mut outcome).await {
                    Some(next) => upcoming.push_back(next),
                    None if jobs.peek().is_some() => {}
                    None => break,
                }
            }
            if in_flight.is_empty()
                && retries.is_empty()
                && upcoming.is_empty()
                && jobs.peek().is_none()
            {
                break;
            }
            let next_retry = retries.front().map(|(due, _)| *due);
            tokio::select! {
                Some(joined) = in_flight.join_next_with_id() => {
                    let (id, result) = match joined {
                        Ok((id, r)) => (id, r),
                        Err(e) => {
                            // A panic in one execution must not lose the run: record it as infra.
                            let id = e.id();
                            let attempt = attempts.remove(&id).expect("tracked");
                            let rec = attempt.record_without_container(&self.config.run_id, Verdict::InfraError, format!("crucible panicked: {e}"));
                            self.progress.finished(&rec, false);
                            self.writer.send(rec);
                            outcome.infra_errors_left += 1;
                            continue;
                        }
                    };
                    let attempt = attempts.remove(&id).expect("tracked");
                    let record = attempt.record(&self.config.run_id, &result);
                    let retry = result.verdict == Verdict::InfraError && attempt.attempt <= self.config.max_retries;
                    self.progress.finished(&record, retry);
                    self.writer.send(record);
                    outcome.executed += 1;
                    if retry {
                        let delay = self.config.backoff * 2u32.saturating_pow(attempt.attempt - 1);
                        let mut again = attempt.clone();
                        again.attempt += 1;
                        retries.push_back((Instant::now() + delay, again));
                    } else if result.verdict == Verdict::InfraError {
                        outcome.infra_errors_left += 1;
                    }
                }
                _ = sleep_until_opt(next_retry), if in_flight.is_empty() || next_retry.is_some() => {}
                _ = shutdown.notified() => {
                    outcome.interrupted = true;
                    in_flight.abort_all();
                    upcoming.clear();
                    while in_flight.join_next().await.is_some() {}
                    let removed = self.sandbox.abort_all().await;
                    self.progress.message(&format!("interrupted: removed {removed} container(s) in flight"));
                    for (_, attempt) in attempts.drain() {
                        let rec = attempt.record_without_container(&self.config.run_id, Verdict::Interrupted, "the run was interrupted".into());
                        self.writer.send(rec);
                    }
                    break;
                }
            }
        }
        // Containers are removed in the background; none may outlive the run.
        self.sandbox.finish().await;
        outcome
    }

    /// The next new job, prepared, its container being created ahead. `None` when the jobs
    /// are exhausted or the job needed no execution (refused input, already recorded).
    async fn next_upcoming(
        &mut self,
        jobs: &mut std::iter::Peekable<impl Iterator<Item = Job>>,
        outcome: &mut RunOutcome,
    ) -> Option<(Attempt, ExecutionSpec, Option<Ticket>)> {
        let job = jobs.next()?;
        let attempt = Attempt {
            job,
            attempt: 1,
            key: String::new(),
        };
        let (attempt, spec) = self.prepare(attempt, outcome).await?;
        let ticket = self.ticket();
        self.sandbox.prepare(ticket, &spec);
        Some((attempt, spec, Some(ticket)))
    }

    /// Build the execution, compute its key, and skip it when resume already has a verdict.
    async fn prepare(
        &mut self,
        mut attempt: Attempt,
        outcome: &mut RunOutcome,
    ) -> Option<(Attempt, ExecutionSpec)> {
        let run_id = self.config.run_id.clone();
        let task = &self.tasks[attempt.job.task_index];
        let files = match &attempt.job.candidate.source {
            CandidateSource::Dir(dir) => {
                read_candidate_dir(dir, &task.candidate_files).map_err(|e| e.to_string())
            }
            CandidateSource::Inline(files) => Ok(files.clone()),
        };
        let spec =
            files.and_then(|f| execution_spec(task, &f, Some(&run_id)).map_err(|e| e.to_string()));
        let spec = match spec {
            Ok(spec) => spec,
            Err(message) => {
                let rec = attempt.record_without_container(&run_id, Verdict::InvalidInput, message);
                self.progress.finished(&rec, false);
                self.writer.send(rec);
                outcome.executed += 1;
                return None;
            }
        };
        // A missing image is an infra error of the attempt (retried), not of the candidate.
        let image_id = self.sandbox.image_id(&spec.image).await.unwrap_or_default();
        attempt.key = execution_key(
            &task.id,
            &image_id,
            &spec,
            self.sandbox.runtime().as_deref(),
        );
        let final_key = FinalKey {
            key: attempt.key.clone(),
            model: attempt.job.candidate.model.clone(),
            sample: attempt.job.candidate.sample,
            repeat: attempt.job.repeat,
        };
        if attempt.attempt == 1 && self.done.contains(&final_key) {
            self.progress.skipped(1);
            outcome.skipped += 1;
            return None;
        }
        Some((attempt, spec))
    }
}

impl Engine<'_> {
    fn ticket(&mut self) -> Ticket {
        self.next_ticket += 1;
        self.next_ticket
    }
}

async fn sleep_until_opt(due: Option<Instant>) {
    match due {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}
