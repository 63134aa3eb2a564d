//! What every handler shares: the configuration, the two sandboxes (warm reuse slots and fresh
//! containers), admission, metrics and the shutdown flag. Cheap to clone; the runs API may hold
//! the same sandboxes.
use super::admission::Admission;
use super::config::{Isolation, ServeConfig};
use super::metrics::Metrics;
use crate::execution::Ticket;
use crate::sandbox::Sandbox;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Where the warm-up stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warmth {
    Warming,
    Warm,
    /// The warm-up execution did not pass: why.
    Failed(String),
}

#[derive(Clone)]
pub struct ServeState {
    pub config: Arc<ServeConfig>,
    /// Slots shared by every request (`isolation: "reuse"`); `None` when configuration forbids it.
    pub reuse: Option<Arc<Sandbox>>,
    /// A new container per execution (`isolation: "fresh"`); `None` when forbidden.
    pub fresh: Option<Arc<Sandbox>>,
    pub admission: Arc<Admission>,
    pub metrics: Arc<Metrics>,
    shutting_down: Arc<AtomicBool>,
    tickets: Arc<AtomicU64>,
    warmth: Arc<Mutex<Warmth>>,
}

impl ServeState {
    pub fn new(
        config: ServeConfig,
        reuse: Option<Arc<Sandbox>>,
        fresh: Option<Arc<Sandbox>>,
    ) -> ServeState {
        let admission = Arc::new(Admission::new(config.concurrency, config.max_queue));
        ServeState {
            config: Arc::new(config),
            reuse,
            fresh,
            admission,
            metrics: Arc::new(Metrics::default()),
            shutting_down: Arc::new(AtomicBool::new(false)),
            tickets: Arc::new(AtomicU64::new(1)),
            warmth: Arc::new(Mutex::new(Warmth::Warming)),
        }
    }

    pub fn sandbox(&self, isolation: Isolation) -> Option<&Arc<Sandbox>> {
        match isolation {
            Isolation::Reuse => self.reuse.as_ref(),
            Isolation::Fresh => self.fresh.as_ref(),
        }
    }

    /// Every sandbox the server holds (for shutdown and health).
    pub fn sandboxes(&self) -> impl Iterator<Item = &Arc<Sandbox>> {
        self.reuse.iter().chain(self.fresh.iter())
    }

    pub fn ticket(&self) -> Ticket {
        self.tickets.fetch_add(1, Ordering::Relaxed)
    }

    pub fn warmth(&self) -> Warmth {
        self.warmth.lock().expect("warmth").clone()
    }

    pub fn set_warmth(&self, w: Warmth) {
        *self.warmth.lock().expect("warmth") = w;
    }

    pub fn begin_shutdown(&self) {
        self.shutting_down.store(true, Ordering::SeqCst);
    }

    pub fn shutting_down(&self) -> bool {
        self.shutting_down.load(Ordering::SeqCst)
    }
}
