//! Counters and the latency histogram behind `GET /metrics` (Prometheus text format 0.0.4).
use crate::verdict::Verdict;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds (seconds) of the execution latency histogram's buckets.
const BUCKETS: [f64; 12] = [
    0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0,
];

#[derive(Default)]
struct Counts {
    /// (endpoint, verdict) → executions.
    executions: BTreeMap<(&'static str, String), u64>,
    /// Cumulative bucket counts, then the sum and the count.
    buckets: [u64; BUCKETS.len()],
    sum_secs: f64,
    count: u64,
    /// Requests refused for capacity.
    rejected: u64,
}

#[derive(Default)]
pub struct Metrics {
    counts: Mutex<Counts>,
}

/// Gauges read at scrape time.
pub struct Gauges {
    pub waiting: usize,
    pub running: usize,
    pub concurrency: usize,
    pub reuse_idle_slots: usize,
}

impl Metrics {
    /// One execution finished on `endpoint` with `verdict` after `took` (queueing included).
    pub fn executed(&self, endpoint: &'static str, verdict: Verdict, took: Duration) {
        let mut c = self.counts.lock().expect("metrics");
        *c.executions
            .entry((endpoint, verdict.to_string()))
            .or_default() += 1;
        let secs = took.as_secs_f64();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if secs <= *bound {
                c.buckets[i] += 1;
            }
        }
        c.sum_secs += secs;
        c.count += 1;
    }

    pub fn rejected(&self) {
        self.counts.lock().expect("metrics").rejected += 1;
    }

    pub fn render(&self, g: &Gauges) -> String {
        let c = self.counts.lock().expect("metrics");
        let mut s = String::new();
        let mut gauge = |name: &str, help: &str, v: usize| {
            let _ = writeln!(s, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {v}");
        };
        gauge(
            "crucible_queue_depth",
            "Requests waiting for a place to run.",
            g.waiting,
        );
        gauge("crucible_in_flight", "Executions running now.", g.running);
        gauge(
            "crucible_concurrency",
            "Executions that may run at once.",
            g.concurrency,
        );
        gauge(
            "crucible_pool_idle_slots",
            "Warm reuse slots waiting for work.",
            g.reuse_idle_slots,
        );
        let _ = writeln!(
            s,
            "# HELP crucible_rejected_total Requests refused because the queue was full.\n\
             # TYPE crucible_rejected_total counter\ncrucible_rejected_total {}",
            c.rejected
        );
        let _ = writeln!(
            s,
            "# HELP crucible_executions_total Executions finished, by endpoint and verdict.\n\
             # TYPE crucible_executions_total counter"
        );
        for ((endpoint, verdict), n) in &c.executions {
            let _ = writeln!(
                s,
                "crucible_executions_total{{endpoint=\"{endpoint}\",verdict=\"{verdict}\"}} {n}"
            );
        }
        let _ = writeln!(
            s,
            "# HELP crucible_execution_seconds Time from admission request to result.\n\
             # TYPE crucible_execution_seconds histogram"
        );
        for (bound, n) in BUCKETS.iter().zip(c.buckets) {
            let _ = writeln!(s, "crucible_execution_seconds_bucket{{le=\"{bound}\"}} {n}");
        }
        let _ = writeln!(
            s,
            "crucible_execution_seconds_bucket{{le=\"+Inf\"}} {}\n\
             crucible_execution_seconds_sum {}\ncrucible_execution_seconds_count {}",
            c.count, c.sum_secs, c.count
        );
        s
    }
}
