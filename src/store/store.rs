//! The result store, split by role: one writer owned by the run, any number of readers
//! (reports, a server) that may read while the run writes. SQLite implements both; PostgreSQL
//! can implement the same traits.
use super::record::{ExecutionRecord, RunRecord, TaskRecord};
use crate::verdict::Verdict;
use std::collections::{HashMap, HashSet};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("result store {location}: cannot open: {message}")]
    Open { location: String, message: String },
    #[error("result store {location}: schema migration to version {version} failed: {message}")]
    Migrate {
        location: String,
        version: u32,
        message: String,
    },
    #[error("result store {location}: {operation} failed: {message}")]
    Query {
        location: String,
        operation: &'static str,
        message: String,
    },
    #[error("result store {location}: no run `{run_id}` (list runs with `crucible report --list`)")]
    NoSuchRun { location: String, run_id: String },
}

/// The single writer of a store. Owned by one run (moved onto its writer thread).
pub trait StoreWriter: Send {
    /// Create the run, or mark the existing one unfinished again when resuming the same id.
    fn begin_run(&mut self, run: &RunRecord) -> Result<(), StoreError>;
    fn finish_run(&mut self, run_id: &str, finished_at_ms: i64) -> Result<(), StoreError>;
    fn put_tasks(&mut self, tasks: &[TaskRecord]) -> Result<(), StoreError>;
    /// Write many executions (and their test cases) in one transaction.
    fn put_executions(&mut self, executions: &[ExecutionRecord]) -> Result<(), StoreError>;
}

/// Reading a store; shareable between threads, so a server can read while a run writes.
pub trait StoreReader: Send + Sync {
    /// Keys of executions of this run that already have a final verdict (for resume).
    fn final_keys(&self, run_id: &str) -> Result<HashSet<FinalKey>, StoreError>;
    fn runs(&self) -> Result<Vec<RunRecord>, StoreError>;
    fn latest_run(&self) -> Result<Option<RunRecord>, StoreError>;
    fn tasks(&self, run_id: &str) -> Result<Vec<TaskRecord>, StoreError>;
    /// All attempts of a run, test cases included.
    fn executions(&self, run_id: &str) -> Result<Vec<ExecutionRecord>, StoreError>;

    /// How many executions of a run ended in each verdict, counting the final attempt of each
    /// (task, model, sample, repeat). A listing of runs needs only this; the default reads
    /// every record, a backend can count in place.
    fn final_verdict_counts(&self, run_id: &str) -> Result<Vec<(Verdict, u64)>, StoreError> {
        let mut last: HashMap<(String, String, u32, u32), (u32, Verdict)> = HashMap::new();
        for r in self.executions(run_id)? {
            let slot = last
                .entry((r.task_id, r.model, r.sample, r.repeat))
                .or_insert((r.attempt, r.verdict));
            if r.attempt >= slot.0 {
                *slot = (r.attempt, r.verdict);
            }
        }
        let mut counts: Vec<(Verdict, u64)> = Vec::new();
        for (_, v) in last.into_values() {
            match counts.iter_mut().find(|(c, _)| *c == v) {
                Some((_, n)) => *n += 1,
                None => counts.push((v, 1)),
            }
        }
        Ok(counts)
    }
}

/// Both roles over one connection (tests, tools, code that predates the split).
pub trait ResultStore: StoreWriter + StoreReader {}

impl<T: StoreWriter + StoreReader + ?Sized> ResultStore for T {}

/// What identifies a finished execution for `--resume`: the content key plus its place in the
/// run (model/sample/repeat), so two models with identical code are still run once each.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FinalKey {
    pub key: String,
    pub model: String,
    pub sample: u32,
    pub repeat: u32,
}
