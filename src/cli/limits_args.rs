//! Limit flags shared by the verbs that run containers.
use crucible::limits::{Limits, parse_bytes, parse_duration};
use std::time::Duration;

#[derive(clap::Args, Debug, Clone, Default)]
pub struct LimitArgs {
    /// Wall-clock limit (e.g. 10s, 1500ms).
    #[arg(long, value_parser = parse_duration, env = "CRUCIBLE_TIMEOUT")]
    pub timeout: Option<Duration>,
    /// Memory limit; swap is set equal (e.g. 256MiB).
    #[arg(long, value_parser = parse_bytes, env = "CRUCIBLE_MEMORY")]
    pub memory: Option<u64>,
    /// CPU quota in cores.
    #[arg(long, env = "CRUCIBLE_CPUS")]
    pub cpus: Option<f64>,
    /// Maximum number of processes/threads.
    #[arg(long)]
    pub pids: Option<i64>,
    /// Cap on captured stdout and on stderr, each (e.g. 1MiB).
    #[arg(long, value_parser = parse_bytes)]
    pub output_limit: Option<u64>,
}

impl LimitArgs {
    /// These flags over `base` (flags win).
    pub fn over(&self, base: &Limits) -> Limits {
        let mut l = base.clone();
        if let Some(t) = self.timeout {
            l.timeout = t;
        }
        if let Some(m) = self.memory {
            l.memory_bytes = m;
        }
        if let Some(c) = self.cpus {
            l.cpus = c;
        }
        if let Some(p) = self.pids {
            l.pids = p;
        }
        if let Some(o) = self.output_limit {
            l.output_bytes = o;
        }
        l
    }
}
