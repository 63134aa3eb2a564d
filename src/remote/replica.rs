//! One `crucible serve` replica as the remote executor sees it: its URL, how many executions
//! it has in flight against how many it runs at once, and whether it recently failed to answer.
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// After a connection failure a replica is tried last for this long (it may be restarting).
const COOL_DOWN: Duration = Duration::from_secs(3);

pub struct Replica {
    /// Base URL without a trailing slash.
    pub url: String,
    limit: usize,
    in_flight: AtomicUsize,
    down_until: Mutex<Option<Instant>>,
}

/// One request in flight on a replica; the count drops however the request ends.
pub struct InFlight<'a>(&'a Replica);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Replica {
    pub fn new(url: String, limit: usize) -> Replica {
        Replica {
            url,
            limit: limit.max(1),
            in_flight: AtomicUsize::new(0),
            down_until: Mutex::new(None),
        }
    }

    pub fn limit(&self) -> usize {
        self.limit
    }

    pub fn begin(&self) -> InFlight<'_> {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        InFlight(self)
    }

    /// In flight per place it runs at once: the replica with the lowest gets the next request.
    pub fn load(&self) -> f64 {
        self.in_flight.load(Ordering::SeqCst) as f64 / self.limit as f64
    }

    pub fn is_down(&self) -> bool {
        let mut down = self.down_until.lock().expect("replica state");
        match *down {
            Some(until) if Instant::now() < until => true,
            Some(_) => {
                *down = None;
                false
            }
            None => false,
        }
    }

    pub fn mark_down(&self) {
        *self.down_until.lock().expect("replica state") = Some(Instant::now() + COOL_DOWN);
    }

    pub fn mark_up(&self) {
        *self.down_until.lock().expect("replica state") = None;
    }
}
