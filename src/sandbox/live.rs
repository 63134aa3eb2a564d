//! Containers in flight, so that every path (error, panic, cancellation, Ctrl-C) removes them.
use crate::docker::{Docker, container, labels};
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

    /// Remove every tracked container, and every container labelled as this process's (a
    /// creation cancelled mid-request leaves one the daemon made but nobody tracked). Returns
    /// once the daemon lists none of them any more (or after ~10 s).
    pub async fn remove_all(&self, docker: &Docker) -> usize {
        let tracked: Vec<String> = self.ids.lock().expect("live set").iter().cloned().collect();
        let owner = format!("{}={}", labels::OWNER, labels::instance_id());
        let mut removed = std::collections::HashSet::new();
        let mut pending = tracked;
        for _ in 0..40 {
            if let Ok(found) = container::list_labelled(docker, &owner).await {
                pending.extend(found.into_iter().filter_map(|c| c.id));
            }
            pending.sort();
            pending.dedup();
            if pending.is_empty() {
                break;
            }
            let removals = pending.iter().map(|id| container::remove(docker, id));
            for (id, done) in pending
                .iter()
                .zip(futures_util::future::join_all(removals).await)
            {
                if done.is_ok() {
                    removed.insert(id.clone());
                }
                self.forget(id);
            }
            pending.clear();
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        }
        removed.len()
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
