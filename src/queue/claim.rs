//! What a worker holds and what becomes of it.
use crate::run::ExecutionId;
use std::time::Duration;

/// An execution a worker claimed under a lease: `execution.attempt` is this claim's attempt
/// number (every claim, first or after a lost lease or an infra error, takes the next one).
#[derive(Debug, Clone)]
pub struct Claimed {
    /// The queue row.
    pub id: i64,
    pub run_id: String,
    pub execution: ExecutionId,
    /// The key the coordinator planned it under (the worker records its own image's key).
    pub key: String,
    pub image: String,
    pub runtime: Option<String>,
    pub spec_json: String,
    pub payload_json: String,
}

/// What a worker's result did to the queue.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "completion", rename_all = "snake_case")]
pub enum Completion {
    /// Recorded as the execution's final attempt.
    Final,
    /// An infra error with retries left: back in the queue after `delay`.
    Retry { delay: Duration },
    /// Recorded as an attempt only: the lease was lost (another worker claimed the execution
    /// again) or the run was cancelled meanwhile. Never counted as the final result.
    Late,
}

/// Lease renewal: rows whose lease this worker lost, and rows of cancelled runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Renewal {
    pub lost: Vec<i64>,
    pub cancelled: Vec<i64>,
}
