//! The runs this server is running: each with its stop handle, its event channel and its counts,
//! so that a subscriber can join late and a client can cancel it.
use super::error::redact_store;
use super::progress::{Progress, RunState};
use crate::run::{EventSink, RunEvent, StopHandle};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{broadcast, watch};

/// Events kept for slow subscribers before they lag (a lagging one gets the counts again).
const EVENT_BUFFER: usize = 1024;

pub struct LiveRun {
    pub stop: StopHandle,
    pub events: broadcast::Sender<RunEvent>,
    progress: Mutex<Progress>,
    /// Flips to true once the run has ended and its store writes are flushed.
    done: watch::Sender<bool>,
}

impl LiveRun {
    pub fn new(stop: StopHandle, progress: Progress) -> Arc<LiveRun> {
        Arc::new(LiveRun {
            stop,
            events: broadcast::channel(EVENT_BUFFER).0,
            progress: Mutex::new(progress),
            done: watch::channel(false).0,
        })
    }

    pub fn progress(&self) -> Progress {
        let mut p = self.lock().clone();
        if p.state == RunState::Running && self.stop.state() != crate::run::Halt::Running {
            // Cancelled, still removing what was in flight.
            p.eta_ms = None;
        }
        p
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Progress> {
        self.progress.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The run ended before it began (the store refused it).
    pub fn fail(&self, message: &str) {
        let mut p = self.lock();
        p.state = RunState::Failed;
        p.error = Some(message.to_string());
        p.eta_ms = None;
    }

    pub fn mark_done(&self) {
        self.done.send_replace(true);
    }

    /// Resolves once the run has ended.
    pub async fn wait_done(&self) {
        let mut rx = self.done.subscribe();
        let _ = rx.wait_for(|d| *d).await;
    }

    pub fn is_done(&self) -> bool {
        *self.done.borrow()
    }
}

/// The run's sink: counts first, then subscribers, so a subscriber that reads the counts after
/// an event sees that event counted.
pub struct LiveSink {
    run: Arc<LiveRun>,
    /// The store's location, kept out of the error the counts carry.
    store: String,
}

impl LiveSink {
    pub fn new(run: Arc<LiveRun>, store: &str) -> LiveSink {
        LiveSink {
            run,
            store: store.to_string(),
        }
    }
}

impl EventSink for LiveSink {
    fn event(&mut self, event: &RunEvent) {
        {
            let mut p = self.run.lock();
            p.apply(event, super::clock::now_ms());
            if let Some(e) = &p.error {
                p.error = Some(redact_store(e, &self.store));
            }
        }
        // No subscriber is fine: nobody is watching.
        let _ = self.run.events.send(event.clone());
    }
}

/// Live runs by id.
#[derive(Default)]
pub struct Registry {
    runs: Mutex<HashMap<String, Arc<LiveRun>>>,
}

impl Registry {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<LiveRun>>> {
        self.runs.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Register a run; false when one with this id is already running.
    pub fn insert(&self, run_id: &str, run: Arc<LiveRun>) -> bool {
        let mut runs = self.lock();
        if runs.get(run_id).is_some_and(|r| !r.is_done()) {
            return false;
        }
        runs.insert(run_id.to_string(), run);
        true
    }

    pub fn get(&self, run_id: &str) -> Option<Arc<LiveRun>> {
        self.lock().get(run_id).cloned()
    }

    /// Forget `run` (ended); a later run under the same id stays.
    pub fn remove(&self, run_id: &str, run: &Arc<LiveRun>) {
        let mut runs = self.lock();
        if runs.get(run_id).is_some_and(|r| Arc::ptr_eq(r, run)) {
            runs.remove(run_id);
        }
    }

    /// A run still going, if any.
    pub fn any(&self) -> Option<Arc<LiveRun>> {
        self.lock().values().find(|r| !r.is_done()).cloned()
    }

    /// Stop every live run (server shutdown).
    pub fn interrupt_all(&self) {
        for r in self.lock().values() {
            r.stop.interrupt();
        }
    }
}
