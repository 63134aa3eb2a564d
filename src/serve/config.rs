//! What the server is allowed to do: listen address, admission bounds, per-request limit
//! defaults and maxima, which isolation modes requests may ask for, tokens.
use crate::limits::Limits;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::time::Duration;

/// How a request's execution gets its container.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Isolation {
    /// A warm slot shared by all requests, emptied between executions (docs/reuse-mode.md).
    Reuse,
    /// A new hardened container per execution.
    Fresh,
}

impl Isolation {
    pub fn as_str(self) -> &'static str {
        match self {
            Isolation::Reuse => "reuse",
            Isolation::Fresh => "fresh",
        }
    }

    pub fn parse(s: &str) -> Option<Isolation> {
        match s.trim() {
            "reuse" => Some(Isolation::Reuse),
            "fresh" => Some(Isolation::Fresh),
            _ => None,
        }
    }
}

/// The largest limits a request may ask for; a request asking more is refused (400), never
/// silently lowered.
#[derive(Debug, Clone, PartialEq)]
pub struct LimitCaps {
    pub timeout: Duration,
    pub memory_bytes: u64,
    pub cpus: f64,
    pub pids: i64,
    pub output_bytes: u64,
}

impl Default for LimitCaps {
    fn default() -> Self {
        LimitCaps {
            timeout: Duration::from_secs(60),
            memory_bytes: 2 * crate::limits::GIB,
            cpus: 2.0,
            pids: 512,
            output_bytes: 16 * crate::limits::MIB,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub listen: SocketAddr,
    /// Executions running at once (containers in flight).
    pub concurrency: usize,
    /// Requests waiting for a place beyond `concurrency`; past it, `429`.
    pub max_queue: usize,
    /// Limits a request gets for what it does not say.
    pub defaults: Limits,
    pub caps: LimitCaps,
    /// Isolation modes requests may ask for; the first is the default.
    pub isolation: Vec<Isolation>,
    /// Request body cap in bytes.
    pub max_body_bytes: usize,
    /// Files one request may send.
    pub max_files: usize,
    /// Executions in one batch request.
    pub max_batch: usize,
    /// A request (queueing included) is given up after this long: `504`, containers removed.
    pub request_deadline: Duration,
    /// On SIGTERM, in-flight executions get this long to finish.
    pub grace: Duration,
    /// Bearer tokens; empty: no authentication (loopback only).
    pub tokens: Vec<String>,
    /// OCI runtime for every container (e.g. runsc).
    pub runtime: Option<String>,
    /// Idle reuse slots kept warm at most (slots are per image and limits).
    pub max_idle_slots: usize,
}

impl Default for ServeConfig {
    fn default() -> Self {
        ServeConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            concurrency: std::thread::available_parallelism().map_or(2, |n| n.get()),
            max_queue: 256,
            defaults: Limits::default(),
            caps: LimitCaps::default(),
            isolation: vec![Isolation::Reuse, Isolation::Fresh],
            max_body_bytes: 32 * 1024 * 1024,
            max_files: 1000,
            max_batch: 1000,
            request_deadline: Duration::from_secs(300),
            grace: Duration::from_secs(10),
            tokens: Vec::new(),
            runtime: None,
            max_idle_slots: 8,
        }
    }
}

impl ServeConfig {
    pub fn default_isolation(&self) -> Isolation {
        self.isolation.first().copied().unwrap_or(Isolation::Reuse)
    }

    pub fn allows(&self, isolation: Isolation) -> bool {
        self.isolation.contains(&isolation)
    }
}

impl LimitCaps {
    /// The first limit of `l` above its cap, said in words.
    pub fn exceeded(&self, l: &Limits) -> Option<String> {
        if l.timeout > self.timeout {
            return Some(format!(
                "timeout {} ms is above this server's maximum of {} ms",
                l.timeout.as_millis(),
                self.timeout.as_millis()
            ));
        }
        if l.memory_bytes > self.memory_bytes {
            return Some(format!(
                "memory {} bytes is above this server's maximum of {} bytes",
                l.memory_bytes, self.memory_bytes
            ));
        }
        if l.cpus > self.cpus {
            return Some(format!(
                "cpus {} is above this server's maximum of {}",
                l.cpus, self.cpus
            ));
        }
        if l.pids > self.pids {
            return Some(format!(
                "pids {} is above this server's maximum of {}",
                l.pids, self.pids
            ));
        }
        if l.output_bytes > self.output_bytes {
            return Some(format!(
                "output {} bytes is above this server's maximum of {} bytes",
                l.output_bytes, self.output_bytes
            ));
        }
        None
    }

    /// `l` lowered to the caps (compat endpoints, whose clients send fixed values).
    pub fn clamp(&self, l: &mut Limits) {
        l.timeout = l.timeout.min(self.timeout);
        l.memory_bytes = l.memory_bytes.min(self.memory_bytes);
        l.cpus = l.cpus.min(self.cpus);
        l.pids = l.pids.min(self.pids);
        l.output_bytes = l.output_bytes.min(self.output_bytes);
    }
}
