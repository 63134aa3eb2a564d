//! A run: a plan, an executor, a store and sinks. It records its start and end in the store,
//! resumes by key, and drives the engine until the plan is done or it is stopped.
use super::engine::{Engine, Sinks};
use super::events::{EventSink, RunEvent, RunOutcome};
use super::halt::{Halt, StopHandle};
use super::pause::DaemonWait;
use super::plan::Plan;
use super::record::now_ms;
use super::retry::RetryPolicy;
use super::writer::BatchWriter;
use crate::execution::Executor;
use crate::store::{RunRecord, StoreError, StoreReader, StoreWriter, TaskRecord};
use crate::task::Task;
use std::collections::HashSet;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Giving the id of a run already in the store resumes it.
    pub run_id: String,
    /// Executions in flight at once (at least 1).
    pub concurrency: usize,
    pub retry: RetryPolicy,
    /// How a run waits for an unreachable daemon (docs/faults.md).
    pub daemon_wait: DaemonWait,
    /// Judge reports against the test names recorded with each task. Off for `tasks validate`,
    /// which compares the names itself to say what drifted.
    pub check_test_names: bool,
    /// What was asked for (paths, filters, …), kept with the run in the store.
    pub settings: serde_json::Value,
}

impl RunConfig {
    pub fn new(run_id: impl Into<String>, concurrency: usize) -> RunConfig {
        RunConfig {
            run_id: run_id.into(),
            concurrency,
            retry: RetryPolicy::default(),
            daemon_wait: DaemonWait::default(),
            check_test_names: true,
            settings: serde_json::Value::Null,
        }
    }
}

/// The store a run writes to: the single writer, and a reader for what is already there.
pub struct RunStore {
    pub writer: Box<dyn StoreWriter>,
    pub reader: Arc<dyn StoreReader>,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("{source}; nothing was run")]
    Begin { source: StoreError },
    #[error(
        "{source}; the run stopped starting work and removed what was in flight; fix the store \
         and resume with --run-id {run_id}"
    )]
    Store { run_id: String, source: StoreError },
}

pub struct Run {
    config: RunConfig,
    plan: Plan,
    executor: Arc<dyn Executor>,
    store: Option<RunStore>,
    sinks: Vec<Box<dyn EventSink>>,
    stop: StopHandle,
}

impl Run {
    pub fn new(config: RunConfig, plan: Plan, executor: Arc<dyn Executor>) -> Run {
        Run {
            config,
            plan,
            executor,
            store: None,
            sinks: Vec::new(),
            stop: StopHandle::default(),
        }
    }

    /// Record the run in `store` (without one, results go to the sinks only).
    pub fn store(mut self, store: RunStore) -> Run {
        self.store = Some(store);
        self
    }

    /// Follow the run with `sink` (after the store, in the order added).
    pub fn sink(mut self, sink: impl EventSink + 'static) -> Run {
        self.sinks.push(Box::new(sink));
        self
    }

    /// Stops the run from outside (Ctrl-C/SIGTERM).
    pub fn stop_handle(&self) -> StopHandle {
        self.stop.clone()
    }

    /// Share a stop handle made before the run (e.g. by a signal listener).
    pub fn stopped_by(mut self, stop: StopHandle) -> Run {
        self.stop = stop;
        self
    }

    /// Run the plan. `Ok` also when interrupted (`outcome.interrupted`); `Err` when the store
    /// failed, in which case the run stopped starting work and removed what was in flight.
    pub async fn start(self) -> Result<RunOutcome, RunError> {
        let Run {
            config,
            plan,
            executor,
            store,
            sinks,
            stop,
        } = self;
        let run_id = config.run_id.clone();
        let mut done = HashSet::new();
        let store = match store {
            Some(RunStore { mut writer, reader }) => {
                let begin = |e| RunError::Begin { source: e };
                writer
                    .begin_run(&RunRecord {
                        run_id: run_id.clone(),
                        config_json: config.settings.to_string(),
                        started_at_ms: now_ms(),
                        finished_at_ms: None,
                        crucible_version: env!("CARGO_PKG_VERSION").into(),
                        host: crate::docker::labels::hostname(),
                    })
                    .map_err(begin)?;
                let tasks: Vec<TaskRecord> = plan
                    .tasks()
                    .iter()
                    .map(|t| task_record(&run_id, t))
                    .collect();
                writer.put_tasks(&tasks).map_err(begin)?;
                done = reader.final_keys(&run_id).map_err(begin)?;
                Some(BatchWriter::spawn(writer, stop.clone()))
            }
            None => None,
        };
        let mut sinks = Sinks {
            store,
            others: sinks,
        };
        let concurrency = config.concurrency.max(1);
        sinks.emit(RunEvent::Planned {
            run_id: run_id.clone(),
            tasks: plan.tasks().len(),
            executions: plan.executions(),
            concurrency,
        });
        let engine = Engine {
            runtime: executor.runtime(),
            executor,
            tasks: plan.tasks().clone(),
            run_id: run_id.clone(),
            concurrency,
            retry: config.retry.clone(),
            daemon_wait: config.daemon_wait.clone(),
            check_test_names: config.check_test_names,
            done,
            sinks: &mut sinks,
            stop,
            next_ticket: 0,
            outcome: RunOutcome::default(),
        };
        let (outcome, halt) = engine.run(plan.into_jobs()).await;
        let failure = match sinks.store.take().map(BatchWriter::finish) {
            Some((_, Err(e))) => Some(e),
            // An interrupted run stays unfinished, so that `--resume` picks it.
            Some((mut writer, Ok(_))) if halt == Halt::Running => {
                writer.finish_run(&run_id, now_ms()).err()
            }
            _ => None,
        };
        sinks.emit(RunEvent::RunFinished {
            outcome: outcome.clone(),
            error: failure.as_ref().map(ToString::to_string),
        });
        match failure {
            Some(source) => Err(RunError::Store { run_id, source }),
            None => Ok(outcome),
        }
    }
}

pub(crate) fn task_record(run_id: &str, t: &Task) -> TaskRecord {
    TaskRecord {
        run_id: run_id.into(),
        task_id: t.id.clone(),
        title: t.title.clone(),
        language: t.language.as_str().into(),
        price_usd: t.price_usd,
        test_cases: t.test_cases,
    }
}
