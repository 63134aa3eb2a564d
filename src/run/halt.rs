//! Why a run stops early, as one signal both stoppers share: the user (Ctrl-C/SIGTERM) and the
//! store writer (a failed write). The first reason wins.
use tokio::sync::watch;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Halt {
    Running,
    Interrupted,
    StoreFailed,
}

/// Stops a run: cheap to clone, callable from any thread (signal handlers, the writer thread).
#[derive(Debug, Clone)]
pub struct StopHandle {
    tx: std::sync::Arc<watch::Sender<Halt>>,
}

impl Default for StopHandle {
    fn default() -> Self {
        StopHandle {
            tx: std::sync::Arc::new(watch::channel(Halt::Running).0),
        }
    }
}

impl StopHandle {
    /// Ctrl-C/SIGTERM: start nothing more, remove what is in flight, record it as interrupted.
    pub fn interrupt(&self) {
        self.stop(Halt::Interrupted);
    }

    pub(crate) fn stop(&self, why: Halt) {
        self.tx.send_if_modified(|now| {
            let first = *now == Halt::Running;
            if first {
                *now = why;
            }
            first
        });
    }

    pub fn state(&self) -> Halt {
        *self.tx.borrow()
    }

    /// Resolves when the run is told to stop, with the reason.
    pub(crate) async fn stopped(&self) -> Halt {
        let mut rx = self.tx.subscribe();
        let why = rx.wait_for(|h| *h != Halt::Running).await.map(|h| *h);
        match why {
            Ok(h) => h,
            // The sender lives in `self`, so it cannot be gone while this runs.
            Err(_) => std::future::pending().await,
        }
    }
}
