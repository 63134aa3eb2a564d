//! What a run tells the world while it runs, as typed events, and the sinks that follow them
//! (the progress display, the store writer, `--json` lines, a server's event stream).
use crate::store::ExecutionRecord;
use serde::Serialize;
use std::sync::Arc;

/// One execution's place in the run, and which attempt of it this is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ExecutionId {
    pub task_id: String,
    pub model: String,
    pub sample: u32,
    pub repeat: u32,
    pub attempt: u32,
}

/// Counts a run ends with.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct RunOutcome {
    /// Attempts that ended in a record (retries and refused inputs included).
    pub executed: u64,
    /// Executions resume found already judged under the same key.
    pub skipped: u64,
    /// Executions whose last attempt was an infra error (retries used up).
    pub infra_errors_left: u64,
    pub interrupted: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum RunEvent {
    /// The plan: how many executions the run holds (before resume skips any).
    Planned {
        run_id: String,
        tasks: usize,
        executions: u64,
        concurrency: usize,
    },
    /// Resume found this execution already judged with the same key.
    Skipped { execution: ExecutionId },
    /// Handed to the executor.
    Started { execution: ExecutionId, key: String },
    /// An attempt ended (judged, refused, infra error or interrupted); its record is what the
    /// store keeps. `will_retry`: an infra error with retries left.
    Finished {
        record: Arc<ExecutionRecord>,
        will_retry: bool,
    },
    /// The next attempt of an infra error is due after `delay_ms`.
    Retried {
        execution: ExecutionId,
        delay_ms: u64,
    },
    /// The Docker daemon (or remote host) became unreachable (`reason`: the failure that showed
    /// it). Nothing new starts; `in_flight` executions were still running; every execution the
    /// outage cut short runs again once it is back, without spending a retry (docs/faults.md).
    Paused { reason: String, in_flight: usize },
    /// The daemon answers again after `paused_ms`: `rerun` executions run again, and `removed`
    /// containers that survived the restart were removed.
    Resumed {
        paused_ms: u64,
        rerun: usize,
        removed: usize,
    },
    /// The daemon stayed unreachable for `waited_ms` (`--daemon-wait`): the run stops as if
    /// interrupted (an `interrupted` event follows); resume it once the daemon is back.
    DaemonLost { waited_ms: u64 },
    /// The run was stopped (Ctrl-C/SIGTERM or a store failure): `in_flight` executions were
    /// cut short and `removed` containers removed.
    Interrupted { in_flight: usize, removed: usize },
    /// The run is over; `error` says why it failed, when it did.
    RunFinished {
        outcome: RunOutcome,
        error: Option<String>,
    },
}

/// Follows a run. Called in order, from the run's own task, so it must not block for long
/// (hand heavy work to a thread or a channel, as the store writer does).
pub trait EventSink: Send {
    fn event(&mut self, event: &RunEvent);
}

/// A server subscribes to a run through a broadcast channel: keep a sender clone, call
/// `subscribe()`; a slow subscriber loses the oldest events, never stalls the run.
impl EventSink for tokio::sync::broadcast::Sender<RunEvent> {
    fn event(&mut self, event: &RunEvent) {
        // No subscriber is fine: nobody is watching.
        let _ = self.send(event.clone());
    }
}

/// Every event into an unbounded channel (tests, in-process consumers).
impl EventSink for tokio::sync::mpsc::UnboundedSender<RunEvent> {
    fn event(&mut self, event: &RunEvent) {
        let _ = self.send(event.clone());
    }
}
