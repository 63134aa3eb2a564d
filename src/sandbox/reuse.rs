//! The reuse backend (`crucible run --reuse-containers`): long-lived harness containers (slots),
//! each running many executions one after another, every execution in a fresh process tree
//! with emptied writable places (docs/reuse-mode.md). A slot whose state is in doubt (cleaning
//! failed, harness gone or silent, protocol broken) is removed and replaced, never reused.
use super::harness;
use super::host::Host;
use super::slot::{Slot, SlotOutcome};
use crate::docker::{DockerError, container};
use crate::execution::{Evidence, ExecutionSpec, KillReason};
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const START_TIMEOUT: Duration = Duration::from_secs(60);
/// `CRUCIBLE_FORKSERVER=0` (or `off`, `false`) runs every Python command of a slot as a new
/// interpreter, as the default mode does, to measure with and without the forkserver.
const FORKSERVER_ENV: &str = "CRUCIBLE_FORKSERVER";

fn forkserver_enabled() -> bool {
    !matches!(
        std::env::var(FORKSERVER_ENV).as_deref(),
        Ok("0" | "off" | "false")
    )
}

/// Idle slots, by what they were created for (image and limits).
pub struct Reuse {
    idle: Mutex<Pool>,
    /// Idle slots kept at most; past it the least recently used one is retired (a server whose
    /// requests ask for many different limits would otherwise keep a slot for each).
    max_idle: AtomicUsize,
}

#[derive(Default)]
struct Pool {
    /// Each slot with when it was given back.
    slots: HashMap<String, Vec<(u64, Slot)>>,
    returns: u64,
}

impl Default for Reuse {
    fn default() -> Self {
        Reuse {
            idle: Mutex::default(),
            max_idle: AtomicUsize::new(usize::MAX),
        }
    }
}

fn slot_key(spec: &ExecutionSpec) -> String {
    serde_json::json!({"image": spec.image, "limits": spec.limits}).to_string()
}

impl Reuse {
    fn take(&self, key: &str) -> Option<Slot> {
        let mut pool = self.idle.lock().expect("slot pool");
        let slots = pool.slots.get_mut(key)?;
        let slot = slots.pop().map(|(_, s)| s);
        if slots.is_empty() {
            pool.slots.remove(key);
        }
        slot
    }

    fn give_back(&self, host: &Host, key: String, slot: Slot) {
        let evicted = {
            let mut pool = self.idle.lock().expect("slot pool");
            pool.returns += 1;
            let at = pool.returns;
            pool.slots.entry(key).or_default().push((at, slot));
            let total: usize = pool.slots.values().map(Vec::len).sum();
            if total > self.max_idle.load(Ordering::Relaxed) {
                least_recent(&mut pool)
            } else {
                None
            }
        };
        if let Some(slot) = evicted {
            host.retire(&slot.id);
        }
    }

    /// Keep at most `n` idle slots from now on.
    pub fn set_max_idle(&self, n: usize) {
        self.max_idle.store(n, Ordering::Relaxed);
    }

    /// How many slots wait idle (a server's metrics).
    pub fn idle_count(&self) -> usize {
        self.idle
            .lock()
            .expect("slot pool")
            .slots
            .values()
            .map(Vec::len)
            .sum()
    }

    /// Retire every idle slot (end of run, interrupt).
    pub fn retire_idle(&self, host: &Host) {
        let ids: Vec<String> = {
            let mut pool = self.idle.lock().expect("slot pool");
            pool.slots
                .drain()
                .flat_map(|(_, slots)| slots)
                .map(|(_, s)| s.id)
                .collect()
        };
        for id in ids {
            host.retire(&id);
        }
    }

    /// A ready slot for `spec`: idle from the pool, or started now.
    async fn slot(&self, host: &Host, spec: &ExecutionSpec) -> Result<Slot, DockerError> {
        if let Some(slot) = self.take(&slot_key(spec)) {
            return Ok(slot);
        }
        let body = harness::container_spec(&host.policy, spec, true);
        let id = host.create(body).await?;
        // Until the slot is ready, dropping this future (a caller that gave up) removes it.
        let starting = host.live.track(&host.docker, &id);
        let started = async {
            let attached = container::attach(&host.docker, &id).await?;
            container::start(&host.docker, &id).await?;
            let mut slot = Slot::new(id.clone(), attached);
            slot.use_forkserver(forkserver_enabled());
            slot.wait_ready(START_TIMEOUT).await?;
            Ok(slot)
        };
        let started = started.await;
        starting.hand_off();
        match started {
            Ok(slot) => Ok(slot),
            Err(e) => {
                host.retire(&id);
                Err(e)
            }
        }
    }

    pub async fn execute(
        &self,
        host: &Host,
        spec: &ExecutionSpec,
    ) -> Result<Evidence, DockerError> {
        let image_id = host.image_id(&spec.image).await?;
        let mut slot = self.slot(host, spec).await?;
        // Dropped before the reply is judged (the caller gave up, e.g. a server's client went
        // away): the slot's state is unknown and its candidate may still run, so remove it.
        let abandoned = Abandoned {
            host,
            id: Some(slot.id.clone()),
        };
        let started = Instant::now();
        let reply = slot.execute(spec).await;
        abandoned.disarm();
        let wall_ms = started.elapsed().as_millis() as u64;
        let mut evidence = match reply {
            Ok(reply) => {
                let clean = reply.clean;
                let mut evidence = reply.into_evidence(spec.limits.output_bytes);
                evidence.container_id = Some(slot.id.clone());
                if clean {
                    self.give_back(host, slot_key(spec), slot);
                } else {
                    host.retire(&slot.id);
                }
                evidence
            }
            Err(outcome) => {
                host.retire(&slot.id);
                let mut evidence = without_reply(host, &slot.id, outcome).await?;
                evidence.cases = slot.partial_cases(spec);
                evidence
            }
        };
        evidence.wall_ms = wall_ms;
        evidence.image_id = Some(image_id);
        evidence.runtime = host.policy.runtime.clone();
        Ok(evidence)
    }
}

/// Take the slot given back longest ago out of the pool.
fn least_recent(pool: &mut Pool) -> Option<Slot> {
    let (key, index) = pool
        .slots
        .iter()
        .flat_map(|(k, v)| v.iter().enumerate().map(move |(i, (at, _))| (*at, k, i)))
        .min_by_key(|(at, _, _)| *at)
        .map(|(_, k, i)| (k.clone(), i))?;
    let slots = pool.slots.get_mut(&key)?;
    let (_, slot) = slots.remove(index);
    if slots.is_empty() {
        pool.slots.remove(&key);
    }
    Some(slot)
}

/// Retires a slot whose execution future was dropped mid-way.
struct Abandoned<'a> {
    host: &'a Host,
    id: Option<String>,
}

impl Abandoned<'_> {
    fn disarm(mut self) {
        self.id = None;
    }
}

impl Drop for Abandoned<'_> {
    fn drop(&mut self) {
        if let Some(id) = self.id.take() {
            self.host.retire(&id);
        }
    }
}

/// The slot gave no reply: a deadline passed (timeout), the OOM killer took the harness
/// (memory limit), or the slot broke (infra error, retried on a new slot).
async fn without_reply(
    host: &Host,
    id: &str,
    outcome: SlotOutcome,
) -> Result<Evidence, DockerError> {
    match outcome {
        SlotOutcome::NoAnswer => Ok(Evidence {
            killed_for: Some(KillReason::Timeout),
            container_id: Some(id.into()),
            ..Default::default()
        }),
        SlotOutcome::Ended(e) => {
            let stopped = container::wait(&host.docker, id);
            let exit = tokio::time::timeout(Duration::from_secs(10), stopped)
                .await
                .ok()
                .and_then(Result::ok);
            if !container::oom_killed(&host.docker, id).await? {
                return Err(e);
            }
            Ok(Evidence {
                oom_killed: true,
                container_exit: exit,
                container_id: Some(id.into()),
                ..Default::default()
            })
        }
        SlotOutcome::Broken(e) => Err(e),
    }
}
