//! Finding and removing containers crucible left behind.
use crate::docker::{Docker, DockerError, container, labels};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GcScope {
    /// Containers whose creating process is gone (same host), or over a day old (other hosts).
    Orphans,
    /// Every container with crucible's label, including live runs' containers.
    All,
}

#[derive(Debug, Clone)]
pub struct Removed {
    pub id: String,
    pub owner: String,
    pub state: String,
    pub task: Option<String>,
}

pub async fn collect_garbage(
    docker: &Docker,
    scope: GcScope,
) -> Result<(Vec<Removed>, Vec<DockerError>), DockerError> {
    let found = container::list_labelled(docker, labels::OWNER).await?;
    let mut removed = Vec::new();
    let mut failures = Vec::new();
    let me = labels::hostname();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    for c in found {
        let labels_of = c.labels.clone().unwrap_or_default();
        let owner = labels_of.get(labels::OWNER).cloned().unwrap_or_default();
        let orphan = match labels_of.get(labels::HOST) {
            Some(host) if *host == me => !owner_alive(&owner),
            _ => {
                let created: u64 = labels_of
                    .get(labels::CREATED)
                    .and_then(|c| c.parse().ok())
                    .unwrap_or(0);
                now.saturating_sub(created) > 24 * 3600
            }
        };
        if scope == GcScope::Orphans && !orphan {
            continue;
        }
        let Some(id) = c.id.clone() else { continue };
        match container::remove(docker, &id).await {
            Ok(()) => removed.push(Removed {
                id,
                owner,
                state: c.state.map(|s| s.to_string()).unwrap_or_default(),
                task: labels_of.get(labels::TASK_ID).cloned(),
            }),
            Err(e) => failures.push(e),
        }
    }
    Ok((removed, failures))
}

/// `OWNER` is `<pid>-<uuid>`; the owner is alive when that pid still runs here.
fn owner_alive(owner: &str) -> bool {
    if owner == labels::instance_id() {
        return true;
    }
    match owner
        .split_once('-')
        .and_then(|(pid, _)| pid.parse::<u32>().ok())
    {
        Some(pid) => std::path::Path::new(&format!("/proc/{pid}")).exists(),
        None => false,
    }
}
