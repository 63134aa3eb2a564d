//! Bounded admission: `concurrency` executions run, at most `max_queue` wait; past that a
//! request is refused at once (429) instead of piling up memory and latency.
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

pub struct Admission {
    running: Arc<Semaphore>,
    concurrency: usize,
    waiting: AtomicUsize,
    max_queue: usize,
}

/// Why a request was not admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdmissionError {
    Full { running: usize, waiting: usize },
    Closed,
}

/// Decrements the waiting count however the wait ends (admitted, refused, cancelled).
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Admission {
    pub fn new(concurrency: usize, max_queue: usize) -> Admission {
        let concurrency = concurrency.max(1);
        Admission {
            running: Arc::new(Semaphore::new(concurrency)),
            concurrency,
            waiting: AtomicUsize::new(0),
            max_queue,
        }
    }

    pub fn running(&self) -> usize {
        self.concurrency - self.running.available_permits()
    }

    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }

    pub fn concurrency(&self) -> usize {
        self.concurrency
    }

    /// Whether one more request could wait now (a batch checks before it starts).
    pub fn has_room(&self) -> bool {
        self.running.available_permits() > 0 || self.waiting() < self.max_queue
    }

    /// A place to run: at once, after waiting in the bounded queue, or refused when it is full.
    pub async fn enter(&self) -> Result<OwnedSemaphorePermit, AdmissionError> {
        if let Ok(permit) = self.running.clone().try_acquire_owned() {
            return Ok(permit);
        }
        let before = self.waiting.fetch_add(1, Ordering::SeqCst);
        let _waiting = Waiting(&self.waiting);
        if before >= self.max_queue {
            return Err(AdmissionError::Full {
                running: self.running(),
                waiting: before,
            });
        }
        self.running
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| AdmissionError::Closed)
    }

    /// Wait for a place without the queue bound: the items of an admitted batch.
    pub async fn enter_unbounded(&self) -> Result<OwnedSemaphorePermit, AdmissionError> {
        self.waiting.fetch_add(1, Ordering::SeqCst);
        let _waiting = Waiting(&self.waiting);
        self.running
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| AdmissionError::Closed)
    }

    /// Refuse everything from now on (shutdown).
    pub fn close(&self) {
        self.running.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_queue_refuses_at_once() {
        let a = Arc::new(Admission::new(1, 1));
        let first = a.enter().await.unwrap();
        let a2 = a.clone();
        let second = tokio::spawn(async move { a2.enter().await.map(|_| ()) });
        while a.waiting() == 0 {
            tokio::task::yield_now().await;
        }
        assert!(matches!(a.enter().await, Err(AdmissionError::Full { .. })));
        drop(first);
        second.await.unwrap().unwrap();
        assert_eq!(a.waiting(), 0);
    }
}
