//! The fresh backend: a new hardened container per execution, created and attached ahead of
//! need (the run says which executions come next), started, given one request, removed in the
//! background.
use super::harness;
use super::host::Host;
use super::slot::{Slot, SlotOutcome};
use crate::docker::container::{self, Attached};
use crate::docker::{ContainerSpec, DockerError, labels};
use crate::execution::{Evidence, ExecutionSpec, KillReason, Ticket};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::task::JoinHandle;

/// How long a harness that answered may take to exit.
const EXIT_GRACE: Duration = Duration::from_secs(10);

/// A container being made ahead, and the container spec it was made from.
type Creation = (
    ContainerSpec,
    JoinHandle<Result<(String, Attached), DockerError>>,
);

#[derive(Default)]
pub struct Fresh {
    /// Containers being created for executions that come next, by ticket.
    ahead: Mutex<HashMap<Ticket, Creation>>,
}

impl Fresh {
    /// Start creating the container for `spec` now.
    pub fn prepare(&self, host: &Arc<Host>, ticket: Ticket, spec: &ExecutionSpec) {
        let container = harness::container_spec(&host.policy, spec, false);
        let (host, made) = (host.clone(), container.clone());
        let creation = tokio::spawn(async move { create(&host, made).await });
        let replaced = self
            .ahead
            .lock()
            .expect("ahead")
            .insert(ticket, (container, creation));
        if let Some((_, creation)) = replaced {
            creation.abort();
        }
    }

    /// Stop every creation that will not be used (interrupt); the live set and the owner-label
    /// sweep remove what they made.
    pub fn abort_prepared(&self) {
        for (_, (_, creation)) in self.ahead.lock().expect("ahead").drain() {
            creation.abort();
        }
    }

    pub async fn execute(
        &self,
        host: &Host,
        ticket: Ticket,
        spec: &ExecutionSpec,
    ) -> Result<Evidence, DockerError> {
        let image_id = host.image_id(&spec.image).await?;
        let wanted = harness::container_spec(&host.policy, spec, false);
        let ahead = self.ahead.lock().expect("ahead").remove(&ticket);
        // Two callers sharing this executor may hand out the same ticket: a container made for
        // another spec (image, limits, labels) is never used for this one.
        let ahead = match ahead {
            Some((made, creation)) if same_container(&made, &wanted) => Some(creation),
            Some((_, creation)) => {
                creation.abort();
                None
            }
            None => None,
        };
        let (id, attached) = match ahead {
            Some(creation) => creation.await.unwrap_or_else(|e| {
                Err(DockerError::CreationAborted {
                    image: spec.image.clone(),
                    message: e.to_string(),
                })
            })?,
            None => create(host, wanted).await?,
        };
        let guard = host.live.track(&host.docker, &id);
        let ran = drive(host, Slot::new(id.clone(), attached), spec).await;
        // Removal runs in the background (off the verdict's critical path); the container stays
        // in the live set until it is gone, and the run awaits the reaper before it exits.
        host.retire(&id);
        guard.hand_off();
        let mut evidence = ran?;
        evidence.image_id = Some(image_id);
        evidence.container_id = Some(id);
        Ok(evidence)
    }
}

/// The same container but for its creation time, which is a label.
fn same_container(a: &ContainerSpec, b: &ContainerSpec) -> bool {
    let undated = |c: &ContainerSpec| {
        let mut c = c.clone();
        c.labels.remove(labels::CREATED);
        c
    };
    undated(a) == undated(b)
}

/// Create and attach the container of one execution; it is in the live set from here on.
async fn create(host: &Host, container: ContainerSpec) -> Result<(String, Attached), DockerError> {
    let id = host.create(container).await?;
    // Dropped (or failing) before it is attached: the guard removes the container.
    let creating = host.live.track(&host.docker, &id);
    let attached = container::attach(&host.docker, &id).await?;
    creating.hand_off();
    Ok((id, attached))
}

async fn drive(host: &Host, mut slot: Slot, spec: &ExecutionSpec) -> Result<Evidence, DockerError> {
    let docker = &host.docker;
    container::start(docker, &slot.id).await?;
    let started = Instant::now();
    let reply = slot.execute(spec).await;
    let wall_ms = started.elapsed().as_millis() as u64;
    let mut evidence = match reply {
        Ok(reply) => {
            let oom_counted = reply.trailer.oom_kills.is_some();
            slot.close().await;
            let mut evidence = reply.into_evidence(spec.limits.output_bytes);
            evidence.container_exit = Some(wait_exit(host, &slot.id).await?);
            // Without the cgroup's own counter only the daemon's record tells.
            if !oom_counted {
                evidence.oom_killed = container::oom_killed(docker, &slot.id).await?;
            }
            evidence
        }
        Err(SlotOutcome::NoAnswer) => {
            container::kill(docker, &slot.id).await?;
            Evidence {
                killed_for: Some(KillReason::Timeout),
                cases: slot.partial_cases(spec),
                ..Default::default()
            }
        }
        Err(SlotOutcome::Ended(e)) => {
            // The harness itself died: only an OOM kill explains that without a fault of ours.
            let exit = wait_exit(host, &slot.id).await?;
            if !container::oom_killed(docker, &slot.id).await? {
                return Err(e);
            }
            Evidence {
                oom_killed: true,
                container_exit: Some(exit),
                cases: slot.partial_cases(spec),
                ..Default::default()
            }
        }
        Err(SlotOutcome::Broken(e)) => return Err(e),
    };
    evidence.wall_ms = wall_ms;
    evidence.runtime = host.policy.runtime.clone();
    Ok(evidence)
}

async fn wait_exit(host: &Host, id: &str) -> Result<i64, DockerError> {
    match tokio::time::timeout(EXIT_GRACE, container::wait(&host.docker, id)).await {
        Ok(exit) => exit,
        Err(_) => {
            container::kill(&host.docker, id).await?;
            Err(DockerError::DidNotStop {
                id: id.into(),
                secs: EXIT_GRACE.as_secs(),
            })
        }
    }
}
