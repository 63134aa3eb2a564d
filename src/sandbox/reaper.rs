//! Container removal off the critical path. An execution's verdict does not wait for its
//! container to be removed; the removal runs in the background and the scheduler awaits every
//! pending removal before it exits (normal end, error, Ctrl-C).
use super::live::LiveContainers;
use crate::docker::{Docker, container};
use std::sync::Mutex;
use tokio::task::JoinSet;

#[derive(Default)]
pub struct Reaper {
    pending: Mutex<JoinSet<()>>,
}

impl Reaper {
    /// Remove `id` in the background. It stays in `live` until removed, so `remove_all_live`
    /// still covers it if the process is interrupted first.
    pub fn remove(&self, docker: &Docker, live: &LiveContainers, id: &str) {
        let (docker, live, id) = (docker.clone(), live.clone(), id.to_string());
        let mut pending = self.pending.lock().expect("reaper");
        // Drop finished removals so the set stays as small as what is in flight.
        while pending.try_join_next().is_some() {}
        pending.spawn(async move {
            match container::remove(&docker, &id).await {
                Ok(()) => live.forget(&id),
                // A paused run removes it once the daemon is back (docs/faults.md).
                Err(e) if e.is_daemon_unreachable() => tracing::debug!("{e}"),
                Err(e) => tracing::warn!("{e}; `crucible gc` will remove it"),
            }
        });
    }

    /// Wait for every removal started so far.
    pub async fn drain(&self) {
        loop {
            let mut set = std::mem::take(&mut *self.pending.lock().expect("reaper"));
            if set.is_empty() {
                return;
            }
            while set.join_next().await.is_some() {}
        }
    }
}
