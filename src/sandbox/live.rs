//! Containers in flight, so that every path (error, panic, cancellation, Ctrl-C) removes them.
use crate::docker::{Docker, container};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
pub struct LiveContainers {
    ids: Arc<Mutex<HashSet<String>>>,
}

/// Removes its container when dropped unless it was removed already (e.g. the future running
/// the execution was cancelled, or panicked).
pub struct LiveGuard {
    live: LiveContainers,
    docker: Docker,
    id: String,
    handed_off: bool,
}

impl LiveContainers {
    pub fn track(&self, docker: &Docker, id: &str) -> LiveGuard {
        self.ids.lock().expect("live set").insert(id.to_string());
        LiveGuard {
            live: self.clone(),
            docker: docker.clone(),
            id: id.to_string(),
            handed_off: false,
        }
    }

    pub fn forget(&self, id: &str) {
        self.ids.lock().expect("live set").remove(id);
    }

    pub async fn remove_all(&self, docker: &Docker) -> usize {
        let ids: Vec<String> = self.ids.lock().expect("live set").iter().cloned().collect();
        let removals = ids.iter().map(|id| container::remove(docker, id));
        let done = futures_util::future::join_all(removals).await;
        for id in &ids {
            self.forget(id);
        }
        done.iter().filter(|r| r.is_ok()).count()
    }
}

impl LiveGuard {
    /// The container's removal is now someone else's job (e.g. the reaper): dropping the guard
    /// no longer removes it, but it stays in the live set until it is gone.
    pub fn hand_off(mut self) {
        self.handed_off = true;
    }
}

impl Drop for LiveGuard {
    fn drop(&mut self) {
        let still_live = self
            .live
            .ids
            .lock()
            .map(|s| s.contains(&self.id))
            .unwrap_or(false);
        if !still_live || self.handed_off {
            return;
        }
        let (live, docker, id) = (self.live.clone(), self.docker.clone(), self.id.clone());
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            handle.spawn(async move {
                if container::remove(&docker, &id).await.is_ok() {
                    live.forget(&id);
                }
            });
        }
    }
}
